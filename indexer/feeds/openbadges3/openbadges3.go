// Package openbadges3 reads Open Badges 3.0 and CLR 2.0 documents: an
// Achievement or an array of them, the achievement inside an
// OpenBadgeCredential or AchievementCredential, and every achievement of a
// ClrCredential (its nested credentials and its own list) with the CLR's
// parent/child associations turned into HasPart/PartOf links.
package openbadges3

import (
	"fmt"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/obalign"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// Parse decodes data and reads it as an Open Badges 3.0 or CLR 2.0
// document.
func Parse(source string, data []byte) feed.Result {
	return feed.ParseJSON(source, feed.FormatOpenBadges3, data, FromJSON)
}

// FromJSON reads an already decoded Open Badges 3.0 or CLR 2.0 document.
func FromJSON(source string, doc any) feed.Result {
	p := parser{source: source, res: feed.Result{Format: feed.FormatOpenBadges3}}
	switch d := doc.(type) {
	case map[string]any:
		p.node(d, "", profile{})
	case []any:
		for i, e := range d {
			ptr := jsonval.Pointer("", i)
			m, ok := e.(map[string]any)
			if !ok {
				p.res.Reject(source, ptr, fmt.Errorf("want an object, got %s", jsonval.Kind(e)))
				continue
			}
			p.node(m, ptr, profile{})
		}
	default:
		p.res.Reject(source, "", fmt.Errorf("want a JSON object or array, got %s", jsonval.Kind(doc)))
	}
	p.link()
	if p.profiles > 0 && len(p.res.Credentials) == 0 && len(p.res.Rejected) == 0 && len(p.res.Skipped) == 0 {
		p.res.Skip(source, "", "Open Badges 3.0 profile only: no achievement to import")
	}
	p.res.NameIssuers()
	return p.res
}

type parser struct {
	source   string
	res      feed.Result
	assocs   []association
	profiles int
}

// profile is an issuer or creator: its IRI and display name.
type profile struct{ id, name string }

type association struct {
	kind, source, target string
}

func typeOf(m map[string]any) any {
	if t, ok := m["type"]; ok {
		return t
	}
	return m["@type"]
}

func idOf(m map[string]any) any {
	if v, ok := m["id"]; ok {
		return v
	}
	return m["@id"]
}

// node reads one top-level or nested document by its type.
func (p *parser) node(m map[string]any, ptr string, issuer profile) {
	var f jsonval.Fields
	types := f.Types(typeOf(m), "type")
	has := func(t string) bool { return jsonval.HasType(types, t) }
	switch {
	case f.Err != nil:
		p.res.Reject(p.source, ptr, f.Err)
	case has("ClrCredential"):
		p.clr(m, ptr)
	case has("EndorsementCredential"):
		p.res.Skip(p.source, ptr, "Open Badges 3.0 EndorsementCredential: an endorsement, not a catalog entry")
	case has("OpenBadgeCredential") || has("AchievementCredential") || has("VerifiableCredential"):
		p.credential(m, ptr)
	case has("Achievement"):
		p.achievement(m, ptr, issuer)
	case has("Profile") || has("Issuer"):
		p.profiles++
		p.profile(&f, m, "")
	case len(types) == 0:
		p.res.Reject(p.source, ptr, jsonval.Required("type"))
	default:
		p.res.Reject(p.source, ptr, &jsonval.FieldError{Field: "type", Reason: fmt.Sprintf(
			"want Achievement, OpenBadgeCredential, AchievementCredential or ClrCredential, got %q", strings.Join(types, ", "))})
	}
}

// profile reads an issuer or creator given as an IRI or an embedded
// Profile, remembering its name for the whole file.
func (p *parser) profile(f *jsonval.Fields, v any, field string) profile {
	switch v := v.(type) {
	case nil:
		return profile{}
	case string:
		return profile{id: v}
	case map[string]any:
		pr := profile{
			id:   f.Raw(idOf(v), jsonval.Field(field, "id")),
			name: f.String(v["name"], jsonval.Field(field, "name")),
		}
		p.res.AddIssuer(pr.id, pr.name)
		return pr
	}
	f.Fail(field, "want an IRI string or a Profile object, got %s", jsonval.Kind(v))
	return profile{}
}

// credential reads an OpenBadgeCredential or AchievementCredential: the
// achievement its subject earned is the catalog entry.
func (p *parser) credential(m map[string]any, ptr string) {
	var f jsonval.Fields
	issuer := p.profile(&f, m["issuer"], "issuer")
	subjects := f.Objects(m["credentialSubject"], "credentialSubject")
	if f.Err == nil && len(subjects) == 0 {
		f.Err = jsonval.Required("credentialSubject")
	}
	if f.Err != nil {
		p.res.Reject(p.source, ptr, f.Err)
		return
	}
	for _, s := range subjects {
		sptr := jsonval.Pointer(ptr, "credentialSubject")
		if s.Index >= 0 {
			sptr = jsonval.Pointer(sptr, s.Index)
		}
		switch a := s.Node["achievement"].(type) {
		case map[string]any:
			p.achievement(a, jsonval.Pointer(sptr, "achievement"), issuer)
		case nil:
			p.res.Reject(p.source, ptr, jsonval.Required(jsonval.Field(s.Field, "achievement")))
		default:
			p.res.Reject(p.source, ptr, &jsonval.FieldError{Field: jsonval.Field(s.Field, "achievement"),
				Reason: "want an object, got " + jsonval.Kind(a)})
		}
	}
}

// clr reads a ClrCredential: the credentials it bundles, the achievements
// its subject lists, and the associations between them.
func (p *parser) clr(m map[string]any, ptr string) {
	var f jsonval.Fields
	issuer := p.profile(&f, m["issuer"], "issuer")
	subjects := f.Objects(m["credentialSubject"], "credentialSubject")
	if f.Err == nil && len(subjects) == 0 {
		f.Err = jsonval.Required("credentialSubject")
	}
	if f.Err != nil {
		p.res.Reject(p.source, ptr, f.Err)
		return
	}
	before := len(p.res.Credentials) + len(p.res.Rejected)
	for _, s := range subjects {
		sptr := jsonval.Pointer(ptr, "credentialSubject")
		if s.Index >= 0 {
			sptr = jsonval.Pointer(sptr, s.Index)
		}
		for i, vc := range jsonval.List(s.Node["verifiableCredential"]) {
			vptr := jsonval.Pointer(sptr, "verifiableCredential", i)
			switch vc := vc.(type) {
			case map[string]any:
				p.node(vc, vptr, issuer)
			case string:
				p.res.Skip(p.source, vptr, "a credential in compact (JWT) form: its achievement cannot be read without verifying it")
			default:
				p.res.Reject(p.source, vptr, fmt.Errorf("want a credential object, got %s", jsonval.Kind(vc)))
			}
		}
		// CLR 2.0 names the lists "achievement" and "association"; some
		// publishers write the plurals, as CLR 1.0 did.
		var af jsonval.Fields
		for _, key := range []string{"achievement", "achievements"} {
			for _, a := range af.Objects(s.Node[key], jsonval.Field(s.Field, key)) {
				aptr := jsonval.Pointer(sptr, key)
				if a.Index >= 0 {
					aptr = jsonval.Pointer(aptr, a.Index)
				}
				p.achievement(a.Node, aptr, issuer)
			}
		}
		if af.Err != nil {
			p.res.Reject(p.source, ptr, af.Err)
		}
		for _, key := range []string{"association", "associations"} {
			for _, a := range af.Objects(s.Node[key], jsonval.Field(s.Field, key)) {
				aptr := jsonval.Pointer(sptr, key)
				if a.Index >= 0 {
					aptr = jsonval.Pointer(aptr, a.Index)
				}
				var f jsonval.Fields
				as := association{
					kind:   f.String(a.Node["associationType"], "associationType"),
					source: f.Raw(a.Node["sourceId"], "sourceId"),
					target: f.Raw(a.Node["targetId"], "targetId"),
				}
				if f.Err != nil {
					p.res.Reject(p.source, aptr, f.Err)
					continue
				}
				p.assocs = append(p.assocs, as)
			}
		}
	}
	if len(p.res.Credentials)+len(p.res.Rejected) == before {
		p.res.Skip(p.source, ptr, "CLR 2.0 credential without achievements")
	}
}

// achievement turns one Achievement into a credential. issuer is the
// profile of the credential that carries it, used when the achievement
// names no creator.
func (p *parser) achievement(m map[string]any, ptr string, issuer profile) {
	var f jsonval.Fields
	types := f.Types(typeOf(m), "type")
	if f.Err == nil && len(types) > 0 && !jsonval.HasType(types, "Achievement") {
		f.Fail("type", "want Achievement, got %q", strings.Join(types, ", "))
	}
	c := catalog.Credential{Type: "Achievement"}
	c.ID = f.Raw(idOf(m), "id")
	c.Title = f.String(m["name"], "name")
	if f.Err == nil && strings.TrimSpace(c.ID) == "" {
		f.Err = jsonval.Required("id")
	}
	if f.Err == nil && c.Title == "" {
		f.Err = jsonval.Required("name")
	}
	c.Description = f.String(m["description"], "description")
	if t := f.String(m["achievementType"], "achievementType"); t != "" {
		c.Type = t
		// Achievements that are courses or assessments are catalog items
		// of those kinds.
		switch strings.ToLower(strings.TrimPrefix(t, "ext:")) {
		case "course", "learningprogram", "module", "workshop":
			c.Kind = catalog.KindLearningOpportunity
		case "assessment", "assignment":
			c.Kind = catalog.KindAssessment
		}
	}

	switch cr := m["criteria"].(type) {
	case map[string]any:
		c.Criteria = textnorm.PlainMarkdown(f.String(cr["narrative"], "criteria.narrative"))
		if u := f.String(idOf(cr), "criteria.id"); textnorm.IsWebURL(u) {
			c.URL = u
		}
	case string:
		if cr = strings.TrimSpace(cr); textnorm.IsWebURL(cr) {
			c.URL = cr
		} else {
			c.Criteria = textnorm.PlainMarkdown(cr)
		}
	case nil:
	default:
		f.Fail("criteria", "want an object, got %s", jsonval.Kind(cr))
	}

	switch img := m["image"].(type) {
	case string:
		c.Image = textnorm.Image(img)
	case map[string]any:
		c.Image = textnorm.Image(f.String(idOf(img), "image.id"))
	case nil:
	default:
		f.Fail("image", "want a URL string or an Image object, got %s", jsonval.Kind(img))
	}

	creator := p.profile(&f, m["creator"], "creator")
	if creator.id == "" && creator.name == "" {
		creator = issuer
	}
	c.IssuerID, c.Issuer = creator.id, creator.name

	c.Competencies = obalign.Read(&f, m["alignment"], "alignment")
	tags := f.Strings(m["tag"], "tag")
	tags = append(tags, f.Strings(m["tags"], "tags")...)
	c.Tags = textnorm.CleanList(tags)
	c.Level = textnorm.InferLevel(c.Title)

	if f.Err != nil {
		p.res.Reject(p.source, ptr, f.Err)
		return
	}
	p.res.Add(p.source, feed.Record{Credential: c, Locator: ptr})
}

// link applies CLR associations between achievements of the file. Each link
// is recorded on whichever of its ends the file holds; the other end is
// kept as the id given, for the caller to resolve.
func (p *parser) link() {
	for _, a := range p.assocs {
		src, dst := p.res.Index(a.source), p.res.Index(a.target)
		at := func(i int) *catalog.Credential {
			if i < 0 {
				return nil
			}
			return &p.res.Credentials[i].Credential
		}
		s, t := at(src), at(dst)
		switch strings.ToLower(a.kind) {
		case "isparentof", "haspart":
			if s != nil {
				s.HasPart = textnorm.AppendUnique(s.HasPart, a.target)
			}
			if t != nil {
				t.PartOf = textnorm.AppendUnique(t.PartOf, a.source)
			}
		case "ischildof", "ispartof":
			if s != nil {
				s.PartOf = textnorm.AppendUnique(s.PartOf, a.target)
			}
			if t != nil {
				t.HasPart = textnorm.AppendUnique(t.HasPart, a.source)
			}
		case "precedes":
			if t != nil {
				t.Prerequisites = textnorm.AppendUnique(t.Prerequisites, a.source)
			}
		case "replacedby":
			if s != nil && s.SupersededBy == "" {
				s.SupersededBy = a.target
			}
		}
	}
}
