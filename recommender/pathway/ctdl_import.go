package pathway

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/recommender/planner"
)

// node is one JSON-LD node of a CTDL document.
type node map[string]any

// ImportCTDL reads a CTDL Pathway document (an @graph, or a single
// ceterms:Pathway node with its components nested) into a Pathway whose
// plan lists the credential components as steps:
//   - in the order of their ceterms:precedes chain when the document has
//     one (ExportCTDL writes it); credential components outside the chain
//     are prerequisites earned beforehand and go to Request.Earned;
//   - otherwise every credential component is a step, prerequisites first
//     and then in document order.
//
// A step's Requires are the credentials its ComponentConditions target (or,
// without conditions, its child components). A destination that is a
// credential component becomes the request's goal credential. Language
// maps, plain strings, single values and arrays are all accepted, and
// ceasn:hasChild/isChildOf are read like their ceterms: forms. Schedules,
// costs and coverage are not part of CTDL components and are left empty.
func ImportCTDL(data []byte) (*Pathway, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCTDL, err)
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
		if slices.Contains(n.ids("@type"), typePathway) {
			if pw != nil {
				return nil, fmt.Errorf("%w: more than one %s node", ErrCTDL, typePathway)
			}
			pw = n
		}
	}
	if pw == nil {
		return nil, fmt.Errorf("%w: no %s node", ErrCTDL, typePathway)
	}

	// Credential components, in document order, with the credential each
	// stands for.
	var comps []string
	credOf := make(map[string]string)
	for _, n := range nodes {
		id := n.str("@id")
		if !slices.Contains(n.ids("@type"), typeCredential) || id == "" || credOf[id] != "" {
			continue
		}
		proxy := n.str("ceterms:proxyFor")
		if proxy == "" {
			return nil, fmt.Errorf("%w: component %s has no ceterms:proxyFor", ErrCTDL, id)
		}
		cred, err := credentialID(proxy)
		if err != nil {
			return nil, fmt.Errorf("%w: component %s: %v", ErrCTDL, id, err)
		}
		credOf[id] = cred
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
				return nil, fmt.Errorf("%w: component %s requires %s, which is not in the document", ErrCTDL, id, t)
			}
			if credOf[t] != "" && !slices.Contains(requires[id], t) {
				requires[id] = append(requires[id], t)
			}
		}
	}

	order, earned, err := stepOrder(comps, byID, credOf, requires)
	if err != nil {
		return nil, err
	}
	p := &Pathway{
		Name:        pw.text("ceterms:name"),
		Description: pw.text("ceterms:description"),
		Earned:      []string{},
		Plan:        planner.Plan{Steps: []planner.Step{}, Covered: []string{}, Uncovered: []string{}},
	}
	p.ID = pw.str("@id")
	if rest, ok := strings.CutPrefix(p.ID, pathwayURN); ok {
		if id, err := url.PathUnescape(rest); err == nil {
			p.ID = id
		}
	} else if c := pw.str("ceterms:ctid"); c != "" {
		p.ID = c
	}
	for _, id := range earned {
		p.Request.Earned = append(p.Request.Earned, credOf[id])
	}
	for _, id := range order {
		n := byID[id]
		s := planner.Step{ID: credOf[id], Title: n.text("ceterms:name"), Covers: []string{}, Requires: []string{}}
		for _, r := range requires[id] {
			s.Requires = append(s.Requires, credOf[r])
		}
		p.Plan.Steps = append(p.Plan.Steps, s)
	}
	dest := pw.ids("ceterms:hasDestinationComponent")
	for _, n := range nodes {
		if slices.Contains(n.ids("ceterms:isDestinationComponentOf"), pw.str("@id")) {
			dest = append(dest, n.str("@id"))
		}
	}
	if len(dest) > 0 && credOf[dest[0]] != "" {
		p.Request.GoalCredentials = []string{credOf[dest[0]]}
	}
	return p, nil
}

// stepOrder decides which credential components are steps and in what
// order, and which are prerequisites earned before the pathway.
func stepOrder(comps []string, byID map[string]node, credOf map[string]string, requires map[string][]string) (order, earned []string, err error) {
	isComp := func(id string) bool { return credOf[id] != "" }
	next := make(map[string]string)
	hasPrev := make(map[string]bool)
	for _, id := range comps {
		for _, to := range byID[id].ids("ceterms:precedes") {
			if !isComp(to) {
				continue
			}
			if next[id] != "" && next[id] != to {
				return nil, nil, fmt.Errorf("%w: component %s precedes more than one component", ErrCTDL, id)
			}
			next[id] = to
			hasPrev[to] = true
		}
		for _, from := range byID[id].ids("ceterms:precededBy") {
			if !isComp(from) {
				continue
			}
			if next[from] != "" && next[from] != id {
				return nil, nil, fmt.Errorf("%w: component %s precedes more than one component", ErrCTDL, from)
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
			return nil, nil, fmt.Errorf("%w: the ceterms:precedes links form %d chains, want one", ErrCTDL, len(start))
		}
		seen := make(map[string]bool)
		for id := start[0]; id != ""; id = next[id] {
			if seen[id] {
				return nil, nil, fmt.Errorf("%w: the ceterms:precedes chain loops at %s", ErrCTDL, id)
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
					return nil, nil, fmt.Errorf("%w: step %s requires %s, which comes after it", ErrCTDL, credOf[id], credOf[r])
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
			return nil, nil, fmt.Errorf("%w: the components' prerequisites form a cycle", ErrCTDL)
		}
	}
	return order, nil, nil
}

// collectNodes lists every node of a JSON-LD value: the members of @graph,
// and nodes nested in properties (a component condition, a component
// embedded in a pathway), parents before children.
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
		var add func(any)
		add = func(v any) {
			switch x := v.(type) {
			case string:
				out = append(out, x)
			case map[string]any:
				if id, ok := x["@id"].(string); ok {
					out = append(out, id)
				}
			case []any:
				for _, e := range x {
					add(e)
				}
			}
		}
		add(v)
		return out
	}
	return nil
}

// nodes returns the embedded nodes a property holds.
func (n node) nodes(key string) []node {
	var out []node
	switch x := n[key].(type) {
	case map[string]any:
		out = append(out, node(x))
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, node(m))
			}
		}
	}
	return out
}

// text returns a text property: a plain string, a language map (en-US,
// else en, else the first language alphabetically), a value object, or
// the first of an array of those.
func (n node) text(key string) string { return textOf(n[key]) }

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		for _, e := range x {
			if s := textOf(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if val, ok := x["@value"]; ok {
			return textOf(val)
		}
		for _, lang := range []string{language, "en"} {
			if s := textOf(x[lang]); s != "" {
				return s
			}
		}
		langs := make([]string, 0, len(x))
		for k := range x {
			langs = append(langs, k)
		}
		slices.Sort(langs)
		for _, k := range langs {
			if s := textOf(x[k]); s != "" {
				return s
			}
		}
	}
	return ""
}
