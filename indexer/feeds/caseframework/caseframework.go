// Package caseframework reads 1EdTech CASE 1.0 framework packages
// (CFDocument, CFItems, CFAssociations) into a competency framework. A
// package holds no credentials; that is not an error.
package caseframework

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// Canonical maps a framework name or identifier to a canonical framework
// name, reporting whether it knows it.
type Canonical func(name string) (string, bool)

// IsPackage reports whether a decoded JSON document is a CASE package: an
// object with a CFDocument, possibly wrapped in CFPackage.
func IsPackage(doc any) bool {
	m, ok := doc.(map[string]any)
	if !ok {
		return false
	}
	if inner, ok := m["CFPackage"].(map[string]any); ok {
		m = inner
	}
	_, ok = m["CFDocument"].(map[string]any)
	return ok
}

// Parse decodes data and reads it as a CASE package.
func Parse(source string, data []byte, canonical Canonical) feed.Result {
	doc, err := jsonval.Decode(data)
	if err != nil {
		res := feed.Result{Format: feed.FormatCASE}
		res.Reject(source, "", err)
		return res
	}
	return FromJSON(source, doc, canonical)
}

// FromJSON reads an already decoded CASE package. The framework's Name is
// the canonical name when canonical (which may be nil) recognises the
// document's title or identifier, else the title; the identifier, URI and
// title are kept as Aliases so alignments naming any of them resolve.
// Items take humanCodingScheme as code (else the identifier), the
// abbreviated statement as name (else the full statement as one line of
// plain text), the full statement as description when it differs, and
// their parent from isChildOf associations.
func FromJSON(source string, doc any, canonical Canonical) feed.Result {
	res := feed.Result{Format: feed.FormatCASE}
	root, ok := doc.(map[string]any)
	if !ok {
		res.Reject(source, "", fmt.Errorf("want a CASE package object, got %s", jsonval.Kind(doc)))
		return res
	}
	base := ""
	if inner, ok := root["CFPackage"].(map[string]any); ok {
		root, base = inner, "/CFPackage"
	}
	var f jsonval.Fields
	d := f.Object(root["CFDocument"], "CFDocument")
	if f.Err == nil && d == nil {
		f.Err = jsonval.Required("CFDocument")
	}
	if f.Err != nil {
		res.Reject(source, base, f.Err)
		return res
	}
	docPtr := jsonval.Pointer(base, "CFDocument")
	fw := catalog.Framework{
		Title:       f.String(d["title"], "CFDocument.title"),
		Description: f.String(d["description"], "CFDocument.description"),
		URL:         f.String(d["officialSourceURL"], "CFDocument.officialSourceURL"),
		Source:      source,
		Items:       []catalog.FrameworkItem{},
	}
	docID := f.String(d["identifier"], "CFDocument.identifier")
	docURI := f.String(d["uri"], "CFDocument.uri")
	if f.Err == nil && fw.Title == "" {
		f.Err = jsonval.Required("CFDocument.title")
	}
	if f.Err != nil {
		res.Reject(source, docPtr, f.Err)
		return res
	}
	if fw.URL == "" {
		fw.URL = docURI
	}
	fw.Name = fw.Title
	if canonical != nil {
		for _, s := range []string{fw.Title, docID, docURI} {
			if canon, ok := canonical(s); ok && s != "" {
				fw.Name = canon
				break
			}
		}
	}
	for _, a := range []string{docID, docURI, fw.Title} {
		if a != "" && !contains(fw.Aliases, a) {
			fw.Aliases = append(fw.Aliases, a)
		}
	}

	// Items, with the code each identifier is known by.
	codeOf := map[string]string{}
	codes := map[string]string{} // code → pointer of the item using it
	var itemF jsonval.Fields
	for _, it := range itemF.Objects(root["CFItems"], "CFItems") {
		ptr := jsonval.Pointer(base, "CFItems")
		if it.Index >= 0 {
			ptr = jsonval.Pointer(ptr, it.Index)
		}
		var f jsonval.Fields
		m := it.Node
		id := f.String(m["identifier"], "identifier")
		item := catalog.FrameworkItem{Code: f.String(m["humanCodingScheme"], "humanCodingScheme")}
		full := strings.ReplaceAll(f.String(m["fullStatement"], "fullStatement"), "\r\n", "\n")
		item.Name = f.String(m["abbreviatedStatement"], "abbreviatedStatement")
		if item.Name == "" {
			// Statements are markdown and may span lines; the name is
			// their plain text on one line, the description keeps them.
			item.Name = strings.Join(strings.Fields(textnorm.PlainMarkdown(full)), " ")
		}
		if full != item.Name {
			item.Description = full
		}
		if item.Code == "" {
			item.Code = id
		}
		switch {
		case f.Err != nil:
		case id == "" && item.Code == "":
			f.Err = jsonval.Required("identifier")
		case item.Name == "":
			f.Err = jsonval.Required("fullStatement")
		case codes[item.Code] != "":
			f.Fail("humanCodingScheme", "%q is already the code of the item at %s", item.Code, codes[item.Code])
		}
		if f.Err != nil {
			res.Reject(source, ptr, f.Err)
			continue
		}
		codes[item.Code] = ptr
		if id != "" {
			codeOf[id] = item.Code
		}
		if uri, _ := m["uri"].(string); uri != "" {
			codeOf[uri] = item.Code
		}
		fw.Items = append(fw.Items, item)
	}
	if itemF.Err != nil {
		res.Reject(source, jsonval.Pointer(base, "CFItems"), itemF.Err)
	}

	// Parents and sibling order from isChildOf associations. An item
	// that is a child of the document (or of a node outside the package)
	// is top-level.
	parent := map[string]string{}
	seq := map[string]float64{}
	var assocF jsonval.Fields
	for _, a := range assocF.Objects(root["CFAssociations"], "CFAssociations") {
		if t, _ := a.Node["associationType"].(string); !strings.EqualFold(t, "isChildOf") {
			continue
		}
		child, par := nodeCode(a.Node["originNodeURI"], codeOf), nodeCode(a.Node["destinationNodeURI"], codeOf)
		if child == "" || child == par {
			continue
		}
		if _, seen := parent[child]; seen {
			continue
		}
		parent[child] = par
		var nf jsonval.Fields
		if n, ok := nf.Number(a.Node["sequenceNumber"], "sequenceNumber"); ok {
			seq[child] = n
		}
	}
	for i := range fw.Items {
		fw.Items[i].Parent = parent[fw.Items[i].Code]
	}
	fw.Items = treeOrder(fw.Items, seq)
	res.Frameworks = append(res.Frameworks, fw)
	res.Skip(source, "", fmt.Sprintf("CASE package: imported as framework %s; it holds no credentials", fw.Name))
	return res
}

// treeOrder lists items parents first, each followed by its children;
// siblings go by sequence number, those without one after, in file order.
func treeOrder(items []catalog.FrameworkItem, seq map[string]float64) []catalog.FrameworkItem {
	children := map[string][]catalog.FrameworkItem{}
	for _, it := range items {
		children[it.Parent] = append(children[it.Parent], it)
	}
	for _, list := range children {
		sort.SliceStable(list, func(i, j int) bool {
			a, aok := seq[list[i].Code]
			b, bok := seq[list[j].Code]
			return aok && (!bok || a < b)
		})
	}
	out := make([]catalog.FrameworkItem, 0, len(items))
	placed := map[string]bool{}
	var walk func(code string)
	walk = func(code string) {
		for _, it := range children[code] {
			if placed[it.Code] {
				continue
			}
			placed[it.Code] = true
			out = append(out, it)
			walk(it.Code)
		}
	}
	walk("")
	for _, it := range items {
		if !placed[it.Code] {
			// Caught in a parent cycle: made top-level to break it.
			it.Parent = ""
			placed[it.Code] = true
			out = append(out, it)
			walk(it.Code)
		}
	}
	return out
}

// nodeCode returns the item code a LinkURI (identifier or uri) points to,
// or "" for a node that is not an item of the package.
func nodeCode(v any, codeOf map[string]string) string {
	switch v := v.(type) {
	case map[string]any:
		for _, key := range []string{"identifier", "uri"} {
			if s, _ := v[key].(string); s != "" {
				if code, ok := codeOf[s]; ok {
					return code
				}
			}
		}
	case string:
		return codeOf[v]
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
