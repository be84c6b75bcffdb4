// Package ctdlpathway reads CTDL pathway exchange documents: a
// ceterms:Pathway with its ceterms:CredentialComponent nodes (in an
// @graph, or nested in the pathway), their ComponentConditions,
// ceterms:precedes chain and destination. It returns the components in
// the order a learner takes them, each with the credential it stands for
// (its ceterms:proxyFor, as written) and the components it requires; what
// the recommender makes of them is its own business.
package ctdlpathway

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

// CTDL classes the reader looks for.
const (
	TypePathway             = "ceterms:Pathway"
	TypeCredentialComponent = "ceterms:CredentialComponent"
)

// ErrNotPathway marks a document that cannot be read as a CTDL pathway.
var ErrNotPathway = errors.New("ctdlpathway: not a usable CTDL pathway")

// Component is one credential component: its @id, name, the credential it
// stands for (ceterms:proxyFor as written) and the @ids of the components
// it requires.
type Component struct {
	ID       string
	Title    string
	ProxyFor string
	Requires []string
}

// Pathway is a CTDL pathway read from a document. Steps are the credential
// components in order; Earned are the credential components outside a
// ceterms:precedes chain (prerequisites earned before the pathway);
// Destination is the @id of the destination component when it is a
// credential component.
type Pathway struct {
	ID          string // @id
	CTID        string
	Name        string
	Description string
	Steps       []Component
	Earned      []Component
	Destination string
}

// node is one JSON-LD node of the document.
type node map[string]any

func fail(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotPathway, fmt.Sprintf(format, args...))
}

// Read reads a CTDL Pathway document (an @graph, or a single ceterms:Pathway
// node with its components nested):
//   - the steps follow the ceterms:precedes chain when the document has
//     one; credential components outside the chain are Earned;
//   - otherwise every credential component is a step, prerequisites first
//     and then in document order.
//
// A step requires the components its ComponentConditions target (or,
// without conditions, its child components). Language maps, plain strings,
// single values and arrays are all accepted, and ceasn:hasChild/isChildOf
// are read like their ceterms: forms. Errors wrap ErrNotPathway.
func Read(data []byte) (*Pathway, error) {
	doc, err := jsonval.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPathway, err)
	}
	nodes := collectNodes(doc, nil)
	byID := make(map[string]node, len(nodes))
	var pw node
	for _, n := range nodes {
		if id := n.str("@id"); id != "" {
			if _, dup := byID[id]; !dup {
				byID[id] = n
			}
		}
		if slices.Contains(n.ids("@type"), TypePathway) {
			if pw != nil {
				return nil, fail("more than one %s node", TypePathway)
			}
			pw = n
		}
	}
	if pw == nil {
		return nil, fail("no %s node", TypePathway)
	}

	// Credential components, in document order.
	var comps []string
	isComp := map[string]bool{}
	for _, n := range nodes {
		id := n.str("@id")
		if !slices.Contains(n.ids("@type"), TypeCredentialComponent) || id == "" || isComp[id] {
			continue
		}
		if n.str("ceterms:proxyFor") == "" {
			return nil, fail("component %s has no ceterms:proxyFor", id)
		}
		isComp[id] = true
		comps = append(comps, id)
	}
	requires := make(map[string][]string) // component → component ids it requires
	for _, id := range comps {
		n := byID[id]
		var targets []string
		conds := n.nodes("ceterms:hasCondition")
		for len(conds) > 0 {
			c := conds[0]
			conds = append(conds[1:], c.nodes("ceterms:hasCondition")...)
			targets = append(targets, c.ids("ceterms:targetComponent")...)
		}
		if len(n.nodes("ceterms:hasCondition")) == 0 {
			targets = n.ids("ceterms:hasChild", "ceasn:hasChild")
		}
		for _, t := range targets {
			if _, known := byID[t]; !known {
				return nil, fail("component %s requires %s, which is not in the document", id, t)
			}
			if isComp[t] && !slices.Contains(requires[id], t) {
				requires[id] = append(requires[id], t)
			}
		}
	}

	order, earned, err := stepOrder(comps, byID, isComp, requires)
	if err != nil {
		return nil, err
	}
	component := func(id string) Component {
		n := byID[id]
		return Component{ID: id, Title: n.text("ceterms:name"), ProxyFor: n.str("ceterms:proxyFor"), Requires: slices.Clone(requires[id])}
	}
	p := &Pathway{
		ID:          pw.str("@id"),
		CTID:        pw.str("ceterms:ctid"),
		Name:        pw.text("ceterms:name"),
		Description: pw.text("ceterms:description"),
	}
	for _, id := range earned {
		p.Earned = append(p.Earned, component(id))
	}
	for _, id := range order {
		p.Steps = append(p.Steps, component(id))
	}
	dest := pw.ids("ceterms:hasDestinationComponent")
	for _, n := range nodes {
		if slices.Contains(n.ids("ceterms:isDestinationComponentOf"), pw.str("@id")) {
			dest = append(dest, n.str("@id"))
		}
	}
	if len(dest) > 0 && isComp[dest[0]] {
		p.Destination = dest[0]
	}
	return p, nil
}

// stepOrder decides which credential components are steps and in what
// order, and which are prerequisites earned before the pathway.
func stepOrder(comps []string, byID map[string]node, isComp map[string]bool, requires map[string][]string) (order, earned []string, err error) {
	next := make(map[string]string)
	hasPrev := make(map[string]bool)
	for _, id := range comps {
		for _, to := range byID[id].ids("ceterms:precedes") {
			if !isComp[to] {
				continue
			}
			if next[id] != "" && next[id] != to {
				return nil, nil, fail("component %s precedes more than one component", id)
			}
			next[id] = to
			hasPrev[to] = true
		}
		for _, from := range byID[id].ids("ceterms:precededBy") {
			if !isComp[from] {
				continue
			}
			if next[from] != "" && next[from] != id {
				return nil, nil, fail("component %s precedes more than one component", from)
			}
			next[from] = id
			hasPrev[id] = true
		}
	}
	if len(next) > 0 {
		var start []string
		for _, id := range comps {
			if (next[id] != "" || hasPrev[id]) && !hasPrev[id] {
				start = append(start, id)
			}
		}
		if len(start) != 1 {
			return nil, nil, fail("the ceterms:precedes links form %d chains, want one", len(start))
		}
		seen := make(map[string]bool)
		for id := start[0]; id != ""; id = next[id] {
			if seen[id] {
				return nil, nil, fail("the ceterms:precedes chain loops at %s", id)
			}
			seen[id] = true
			order = append(order, id)
		}
		for _, id := range comps {
			if !seen[id] {
				earned = append(earned, id)
			}
		}
		pos := make(map[string]int, len(order))
		for k, id := range order {
			pos[id] = k
		}
		for k, id := range order {
			for _, r := range requires[id] {
				if p, ok := pos[r]; ok && p > k {
					return nil, nil, fail("component %s requires %s, which comes after it", id, r)
				}
			}
		}
		return order, earned, nil
	}
	// No chain: prerequisites first, then document order.
	placed := make(map[string]bool, len(comps))
	for len(order) < len(comps) {
		progress := false
		for _, id := range comps {
			if placed[id] || slices.ContainsFunc(requires[id], func(r string) bool { return !placed[r] }) {
				continue
			}
			placed[id] = true
			order = append(order, id)
			progress = true
			break
		}
		if !progress {
			return nil, nil, fail("the components' prerequisites form a cycle")
		}
	}
	return order, nil, nil
}

// collectNodes lists every typed node of a JSON-LD value: the members of
// @graph, and nodes nested in properties (a component condition, a
// component embedded in a pathway), parents before children.
func collectNodes(v any, out []node) []node {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = collectNodes(e, out)
		}
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			return collectNodes(g, out)
		}
		if _, typed := x["@type"]; typed {
			out = append(out, node(x))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !strings.HasPrefix(k, "@") {
				out = collectNodes(x[k], out)
			}
		}
	}
	return out
}

// str returns a property holding one string (or one node reference).
func (n node) str(key string) string {
	if ids := n.ids(key); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// ids returns the strings or node references ({"@id": ...}) a property
// holds, from the first of keys present.
func (n node) ids(keys ...string) []string {
	for _, key := range keys {
		v, ok := n[key]
		if !ok {
			continue
		}
		var out []string
		for _, e := range jsonval.List(v) {
			switch x := e.(type) {
			case string:
				out = append(out, x)
			case map[string]any:
				if id, ok := x["@id"].(string); ok {
					out = append(out, id)
				}
			}
		}
		return out
	}
	return nil
}

// nodes returns the embedded nodes a property holds.
func (n node) nodes(key string) []node {
	var out []node
	for _, m := range jsonval.Nodes(n[key]) {
		out = append(out, node(m))
	}
	return out
}

// text returns a text property: a plain string, a language map (English
// preferred), a value object, or the first of an array of those.
func (n node) text(key string) string { return jsonval.Text(n[key]) }
