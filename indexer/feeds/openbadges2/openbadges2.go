// Package openbadges2 reads Open Badges 2.0 documents: a BadgeClass, an
// array of them, or a JSON-LD document mixing Issuer/Profile and BadgeClass
// nodes (an array or an @graph). Each BadgeClass becomes a credential;
// issuer profiles name the issuers; Assertions are reported as skipped.
//
// Open Badges 1.0 badge classes (no @context, no type, often no id: name,
// description, criteria, issuer URL, alignment, tags) are read as
// BadgeClasses too; one without an id gets a stable id derived from its
// issuer and name (else its location or criteria URL), and the result's
// notes say so.
package openbadges2

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/obalign"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// Parse decodes data and reads it as an Open Badges 2.0 document.
func Parse(source string, data []byte) feed.Result {
	return feed.ParseJSON(source, feed.FormatOpenBadges2, data, FromJSON)
}

// FromJSON reads an already decoded Open Badges 2.0 document.
func FromJSON(source string, doc any) feed.Result {
	res := feed.Result{Format: feed.FormatOpenBadges2}
	nodes := collect(source, doc, "", &res)

	// Issuers first, so BadgeClasses naming their issuer by IRI find it
	// wherever the profile sits in the file.
	for _, n := range nodes {
		if n.is("Issuer") || n.is("Profile") {
			var f jsonval.Fields
			name := f.String(n.node["name"], "name")
			res.AddIssuer(f.Raw(idOf(n.node), "id"), name)
			if n.v1 {
				// An Open Badges 1.0 issuer is referred to by the URL of its
				// document (where a directory found it) or its home page.
				for _, k := range []string{"location", "url", "origin"} {
					if s, ok := n.node[k].(string); ok {
						res.AddIssuer(strings.TrimSpace(s), name)
					}
				}
			}
		}
	}
	profiles := 0
	for _, n := range nodes {
		switch {
		case n.typeErr != nil:
			res.Reject(source, n.ptr, n.typeErr)
		case n.is("BadgeClass"):
			badgeClass(source, n, &res)
		case n.is("Issuer") || n.is("Profile"):
			profiles++
		case n.is("Assertion"):
			res.Skip(source, n.ptr, "Open Badges 2.0 Assertion: an award to one earner, not a catalog entry")
		case len(n.types) == 0:
			res.Reject(source, n.ptr, jsonval.Required("type"))
		default:
			if known(n.types) {
				res.Skip(source, n.ptr, fmt.Sprintf("Open Badges 2.0 %s: not a catalog entry", strings.Join(n.types, ", ")))
			} else {
				res.Reject(source, n.ptr, &jsonval.FieldError{Field: "type",
					Reason: fmt.Sprintf("want BadgeClass, Issuer, Profile or Assertion, got %q", strings.Join(n.types, ", "))})
			}
		}
	}
	if profiles > 0 && len(res.Credentials) == 0 && len(res.Rejected) == 0 && len(res.Skipped) == 0 {
		res.Skip(source, "", "Open Badges 2.0 issuer profile only: no BadgeClass to import")
	}
	res.NameIssuers()
	return res
}

// known lists the Open Badges 2.0 classes that can stand alone in a file but
// describe no badge.
func known(types []string) bool {
	for _, t := range types {
		switch jsonval.Local(t) {
		case "AlignmentObject", "Criteria", "CryptographicKey", "Endorsement", "Evidence",
			"Extension", "IdentityObject", "Image", "RevocationList", "VerificationObject":
			return true
		}
	}
	return false
}

type node struct {
	ptr     string
	node    map[string]any
	types   []string
	typeErr error
	v1      bool // an Open Badges 1.0 badge class (no @context or type)
}

// IsBadgeClass1 reports whether m is an Open Badges 1.0 BadgeClass: no
// @context, type or @type, and a name with criteria or an issuer.
func IsBadgeClass1(m map[string]any) bool {
	for _, k := range []string{"@context", "type", "@type", "recipient", "badge"} {
		if _, ok := m[k]; ok {
			return false
		}
	}
	if _, ok := m["name"].(string); !ok {
		return false
	}
	_, criteria := m["criteria"]
	_, issuer := m["issuer"]
	return criteria && issuer
}

// isIssuer1 reports whether m is an Open Badges 1.0 IssuerOrganization: no
// @context or type, a name and a url, and nothing of a badge class.
func isIssuer1(m map[string]any) bool {
	for _, k := range []string{"@context", "type", "@type", "criteria", "badge", "recipient", "issuer"} {
		if _, ok := m[k]; ok {
			return false
		}
	}
	_, name := m["name"].(string)
	_, url := m["url"].(string)
	return name && url
}

// derivedID makes a stable id for an Open Badges 1.0 badge class that has
// none: from its issuer and name when it states both, else from its
// location or criteria URL. The second result says what it came from.
func derivedID(issuer, name, location, criteria string) (string, string) {
	var basis, from string
	switch {
	case issuer != "" && name != "":
		basis, from = issuer+"\n"+name, "its issuer and name"
	case location != "":
		basis, from = location, "its location "+location
	case criteria != "":
		basis, from = criteria, "its criteria URL "+criteria
	default:
		return "", ""
	}
	sum := sha256.Sum256([]byte(basis))
	return "urn:pdpath:badgeclass:" + hex.EncodeToString(sum[:12]), from
}

func (n node) is(t string) bool { return jsonval.HasType(n.types, t) }

// collect lists the nodes of a document: the document itself, the elements
// of a top-level array, or the members of an @graph.
func collect(source string, doc any, ptr string, res *feed.Result) []node {
	switch d := doc.(type) {
	case map[string]any:
		if g, ok := d["@graph"]; ok {
			return collect(source, g, jsonval.Pointer(ptr, "@graph"), res)
		}
		var f jsonval.Fields
		t := d["type"]
		if t == nil {
			t = d["@type"]
		}
		types := f.Types(t, "type")
		if IsBadgeClass1(d) {
			return []node{{ptr: ptr, node: d, types: []string{"BadgeClass"}, v1: true}}
		}
		if isIssuer1(d) {
			return []node{{ptr: ptr, node: d, types: []string{"Issuer"}, v1: true}}
		}
		return []node{{ptr: ptr, node: d, types: types, typeErr: f.Err}}
	case []any:
		var out []node
		for i, e := range d {
			p := jsonval.Pointer(ptr, i)
			if _, ok := e.(map[string]any); !ok {
				out = append(out, node{ptr: p, typeErr: fmt.Errorf("want an object, got %s", jsonval.Kind(e))})
				continue
			}
			out = append(out, collect(source, e, p, res)...)
		}
		return out
	}
	res.Reject(source, ptr, fmt.Errorf("want a JSON object or array, got %s", jsonval.Kind(doc)))
	return nil
}

func idOf(m map[string]any) any {
	if v, ok := m["id"]; ok {
		return v
	}
	return m["@id"]
}

func badgeClass(source string, n node, res *feed.Result) {
	m := n.node
	var f jsonval.Fields
	c := catalog.Credential{Type: "BadgeClass"}
	c.ID = f.Raw(idOf(m), "id")
	c.Title = f.String(m["name"], "name")
	derivedFrom := ""
	if n.v1 && strings.TrimSpace(c.ID) == "" {
		var issuer string
		switch iss := m["issuer"].(type) {
		case string:
			issuer = strings.TrimSpace(iss)
		case map[string]any:
			issuer = issuerID(iss)
		}
		location, _ := m["location"].(string)
		criteria, _ := m["criteria"].(string)
		c.ID, derivedFrom = derivedID(issuer, c.Title, strings.TrimSpace(location), strings.TrimSpace(criteria))
		if loc := strings.TrimSpace(location); textnorm.IsWebURL(loc) {
			c.AltIDs = []string{loc}
		}
	}
	if f.Err == nil && strings.TrimSpace(c.ID) == "" {
		f.Err = jsonval.Required("id")
	}
	if f.Err == nil && c.Title == "" {
		f.Err = jsonval.Required("name")
	}
	c.Description = f.String(m["description"], "description")

	switch cr := m["criteria"].(type) {
	case string:
		if cr = strings.TrimSpace(cr); textnorm.IsWebURL(cr) {
			c.URL = cr
		} else {
			c.Criteria = textnorm.PlainMarkdown(cr)
		}
	case map[string]any:
		c.Criteria = textnorm.PlainMarkdown(f.String(cr["narrative"], "criteria.narrative"))
		if u := f.String(idOf(cr), "criteria.id"); textnorm.IsWebURL(u) {
			c.URL = u
		}
	case nil:
	default:
		f.Fail("criteria", "want a URL string or an object, got %s", jsonval.Kind(cr))
	}

	switch img := m["image"].(type) {
	case string:
		c.Image = textnorm.Image(img)
	case map[string]any:
		c.Image = textnorm.Image(f.String(idOf(img), "image.id"))
	case nil:
	default:
		f.Fail("image", "want a URL string or an object, got %s", jsonval.Kind(img))
	}

	switch iss := m["issuer"].(type) {
	case string:
		c.IssuerID = iss
	case map[string]any:
		c.IssuerID = f.Raw(idOf(iss), "issuer.id")
		if c.IssuerID == "" && n.v1 {
			c.IssuerID = issuerID(iss)
		}
		c.Issuer = f.String(iss["name"], "issuer.name")
		res.AddIssuer(c.IssuerID, c.Issuer)
	case nil:
	default:
		f.Fail("issuer", "want an IRI string or an object, got %s", jsonval.Kind(iss))
	}

	c.Competencies = obalign.Read(&f, m["alignment"], "alignment")
	for _, comp := range obalign.Read(&f, m["alignments"], "alignments") {
		c.Competencies = obalign.Append(c.Competencies, comp)
	}
	c.Tags = textnorm.CleanList(f.Strings(m["tags"], "tags"))
	c.Level = textnorm.InferLevel(c.Title)

	if n.v1 {
		c.Type = "BadgeClass"
	}
	if f.Err != nil {
		res.Reject(source, n.ptr, f.Err)
		return
	}
	if res.Add(source, feed.Record{Credential: c, Locator: n.ptr}) && derivedFrom != "" {
		res.Note(source, n.ptr, "Open Badges 1.0 badge class without an id: id %s derived from %s", c.ID, derivedFrom)
	}
}

// issuerID is the identifier of an embedded Open Badges 1.0 issuer: its
// id, else its url or origin.
func issuerID(iss map[string]any) string {
	for _, k := range []string{"id", "@id", "url", "origin"} {
		if s, ok := iss[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
