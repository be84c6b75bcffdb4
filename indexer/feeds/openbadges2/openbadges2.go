// Package openbadges2 reads Open Badges 2.0 documents: a BadgeClass, an
// array of them, or a JSON-LD document mixing Issuer/Profile and BadgeClass
// nodes (an array or an @graph). Each BadgeClass becomes a credential;
// issuer profiles name the issuers; Assertions are reported as skipped.
package openbadges2

import (
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
			res.AddIssuer(f.Raw(idOf(n.node), "id"), f.String(n.node["name"], "name"))
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

	if f.Err != nil {
		res.Reject(source, n.ptr, f.Err)
		return
	}
	res.Add(source, feed.Record{Credential: c, Locator: n.ptr})
}
