// Package competency is the recommender's space of framework codes: which
// codes meet an educator's gap and how strongly. A gap is met exactly by its
// own code, by the codes that refine it (UDL guideline 7 by checkpoints
// 7.1–7.3, FFT domain 3 by components 3a–3e), partly by the code it refines
// (checkpoint 7.2 by guideline 7) and by sibling codes, and across
// frameworks through crosswalk edges that pair codes naming the same
// practice (InTASC 6 and FFT 3d). The crosswalk is data shipped with
// pdpath (datasets/frameworks/crosswalk.csv, sources in SOURCE.md beside
// it), never code.
package competency

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/datasets"
	"github.com/pdpath/pdpath/indexer/catalog"
)

// Relation says how a credential's code meets a gap.
type Relation int

// Relations, strongest first.
const (
	Exact Relation = iota
	// Refines: the credential's code refines the gap's (checkpoint for a
	// guideline gap).
	Refines
	// Broader: the credential's code is the one the gap refines
	// (guideline for a checkpoint gap): partly met.
	Broader
	// Sibling: both refine the same code.
	Sibling
	// Crosswalk: a code of another framework for the same practice.
	Crosswalk
)

func (r Relation) String() string {
	return [...]string{"exact", "refines", "broader", "sibling", "crosswalk"}[r]
}

// Strengths of each relation. A refining code meets the gap (a gap on
// guideline 7 "is met by" checkpoints 7.x) but a little below the exact
// code, which names the whole practice; a broader code meets it only partly.
const (
	strengthRefines = 0.9
	strengthBroader = 0.5
	strengthSibling = 0.25
	// crosswalkFactor scales an edge's own strength: another framework's
	// wording never quite matches the one the evaluation used.
	crosswalkFactor = 0.85
)

// Match is one code that meets a gap.
type Match struct {
	Key      string
	Strength float64
	Relation Relation
	// Via is the code in the gap's own framework the crosswalk edge left
	// from (for Crosswalk), else empty.
	Via string
}

// Edge is one crosswalk pair; From and To are "FRAMEWORK:CODE".
type Edge struct {
	From, To string
	Strength float64
	Note     string
}

// ParentFunc returns the code a framework code refines, or "".
type ParentFunc func(framework, code string) string

// Space knows framework codes, their hierarchy and the crosswalk.
type Space struct {
	names    map[string]string
	descs    map[string]string
	parent   map[string]string
	children map[string][]string
	cross    map[string][]Edge
	// frameworks maps a lower-cased name, title or alias to the canonical
	// name; codes lists each framework's codes by lower-cased code.
	frameworks map[string]string
	codes      map[string]map[string]string
	fallback   ParentFunc
	aliases    func(string) (string, bool)
}

// New builds a space from frameworks (their items give names and the
// hierarchy), crosswalk edges and a fallback parent function for codes the
// items do not list (nil uses ShapeParent).
func New(frameworks []*catalog.Framework, edges []Edge, parent ParentFunc) *Space {
	if parent == nil {
		parent = ShapeParent
	}
	s := &Space{
		names: map[string]string{}, descs: map[string]string{}, parent: map[string]string{}, children: map[string][]string{},
		cross: map[string][]Edge{}, frameworks: map[string]string{}, codes: map[string]map[string]string{},
		fallback: parent,
	}
	for _, f := range frameworks {
		if f == nil || f.Name == "" {
			continue
		}
		s.frameworks[strings.ToLower(f.Name)] = f.Name
		if f.Title != "" {
			s.frameworks[strings.ToLower(f.Title)] = f.Name
		}
		for _, a := range f.Aliases {
			s.frameworks[strings.ToLower(a)] = f.Name
		}
		codes := map[string]string{}
		s.codes[f.Name] = codes
		for _, it := range f.Items {
			key := f.Name + ":" + it.Code
			codes[strings.ToLower(it.Code)] = it.Code
			s.names[key] = it.Name
			s.descs[key] = it.Description
			p := it.Parent
			if p == "" {
				p = parent(f.Name, it.Code)
			}
			if p != "" {
				s.link(key, f.Name+":"+p)
			}
		}
	}
	for _, e := range edges {
		s.addEdge(e)
	}
	return s
}

func (s *Space) link(child, parent string) {
	if _, ok := s.parent[child]; ok {
		return
	}
	s.parent[child] = parent
	s.children[parent] = append(s.children[parent], child)
}

func (s *Space) addEdge(e Edge) {
	if e.From == e.To || e.Strength <= 0 {
		return
	}
	s.cross[e.From] = append(s.cross[e.From], e)
	s.cross[e.To] = append(s.cross[e.To], Edge{From: e.To, To: e.From, Strength: e.Strength, Note: e.Note})
}

// ShapeParent infers the parent of codes whose shape says it: UDL and
// DigCompEdu "7.2" refine "7", FFT "3b" refines "3", and any "a.b.c"
// refines "a.b".
func ShapeParent(framework, code string) string {
	switch framework {
	case "UDL", "DigCompEdu":
		if i := strings.IndexByte(code, '.'); i > 0 {
			return code[:i]
		}
	case "FFT":
		if len(code) == 2 && code[0] >= '1' && code[0] <= '4' && code[1] >= 'a' && code[1] <= 'z' {
			return code[:1]
		}
	}
	if strings.Count(code, ".") >= 2 {
		return code[:strings.LastIndexByte(code, '.')]
	}
	return ""
}

// Canonical returns the canonical key for a framework name (or alias) and
// code: "danielson", "3B" → "FFT:3b". Unknown frameworks and codes are
// kept as written.
func (s *Space) Canonical(framework, code string) string {
	fw, ok := s.CanonicalFramework(framework)
	if !ok {
		fw = strings.TrimSpace(framework)
	}
	code = strings.TrimSpace(code)
	if c, ok := s.codes[fw][strings.ToLower(code)]; ok {
		code = c
	}
	return fw + ":" + code
}

// CanonicalFramework returns the canonical name of a framework name or
// alias, and whether the space knows it.
func (s *Space) CanonicalFramework(name string) (string, bool) {
	fw, ok := s.frameworks[strings.ToLower(strings.TrimSpace(name))]
	if !ok && s.aliases != nil {
		if fw, ok = s.aliases(name); ok {
			_, ok = s.codes[fw]
		}
	}
	return fw, ok
}

// SetAliases adds a resolver for framework spellings the frameworks' own
// alias lists miss (full titles, publisher URLs); it must be called before
// the space is shared.
func (s *Space) SetAliases(fn func(string) (string, bool)) { s.aliases = fn }

// KnownCode reports whether code is one of the framework's codes; a
// framework without listed codes accepts any.
func (s *Space) KnownCode(framework, code string) bool {
	codes := s.codes[framework]
	if len(codes) == 0 {
		return true
	}
	_, ok := codes[strings.ToLower(strings.TrimSpace(code))]
	return ok
}

// Name returns the short name of a code ("Sustaining effort and
// persistence"), or "" when unknown.
func (s *Space) Name(key string) string { return s.names[key] }

// Description returns the description of a code, or "".
func (s *Space) Description(key string) string { return s.descs[key] }

// Parent returns the key a code refines, or "".
func (s *Space) Parent(key string) string {
	if p, ok := s.parent[key]; ok {
		return p
	}
	fw, code, ok := strings.Cut(key, ":")
	if !ok {
		return ""
	}
	if p := s.fallback(fw, code); p != "" {
		return fw + ":" + p
	}
	return ""
}

// Children returns the codes that refine key.
func (s *Space) Children(key string) []string { return s.children[key] }

// Expand returns every code that meets a gap on key, strongest first, each
// with its best relation.
func (s *Space) Expand(key string) []Match {
	best := map[string]Match{}
	put := func(m Match) {
		if old, ok := best[m.Key]; !ok || m.Strength > old.Strength {
			best[m.Key] = m
		}
	}
	put(Match{Key: key, Strength: 1, Relation: Exact})
	var walk func(k string, depth int)
	walk = func(k string, depth int) {
		for _, c := range s.children[k] {
			put(Match{Key: c, Strength: strengthRefines, Relation: Refines})
			if depth < 3 {
				walk(c, depth+1)
			}
		}
	}
	walk(key, 0)
	if p := s.Parent(key); p != "" {
		put(Match{Key: p, Strength: strengthBroader, Relation: Broader})
		for _, sib := range s.children[p] {
			if sib != key {
				put(Match{Key: sib, Strength: strengthSibling, Relation: Sibling})
			}
		}
	}
	// Crosswalk from the gap itself and from what meets it at least
	// partly, so a UDL guideline gap reaches what its checkpoints map to.
	own := make([]Match, 0, len(best))
	for _, m := range best {
		own = append(own, m)
	}
	for _, m := range own {
		if m.Relation == Sibling {
			continue
		}
		for _, e := range s.cross[m.Key] {
			st := m.Strength * e.Strength * crosswalkFactor
			put(Match{Key: e.To, Strength: st, Relation: Crosswalk, Via: m.Key})
			for _, c := range s.children[e.To] {
				put(Match{Key: c, Strength: st * strengthRefines, Relation: Crosswalk, Via: m.Key})
			}
		}
	}
	out := make([]Match, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Strength, a.Strength); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// ParseCrosswalk reads crosswalk CSV (header from,to,strength,note; from and
// to as FRAMEWORK:CODE, strength in (0,1]). Errors name the line.
func ParseCrosswalk(r io.Reader) ([]Edge, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("competency: crosswalk header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	for _, need := range []string{"from", "to", "strength"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("competency: crosswalk header lacks %q", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var edges []Edge
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return edges, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("competency: crosswalk line %d: %w", line, err)
		}
		e := Edge{From: get(rec, "from"), To: get(rec, "to"), Note: get(rec, "note")}
		if !strings.Contains(e.From, ":") || !strings.Contains(e.To, ":") {
			return nil, fmt.Errorf("competency: crosswalk line %d: from and to must be FRAMEWORK:CODE", line)
		}
		e.Strength, err = strconv.ParseFloat(get(rec, "strength"), 64)
		if err != nil || e.Strength <= 0 || e.Strength > 1 {
			return nil, fmt.Errorf("competency: crosswalk line %d: strength %q not in (0,1]", line, get(rec, "strength"))
		}
		edges = append(edges, e)
	}
}

// BundledCrosswalk returns the crosswalk shipped in datasets; none when the
// file is absent.
func BundledCrosswalk() ([]Edge, error) {
	f, err := datasets.Frameworks.Open("frameworks/crosswalk.csv")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("competency: open bundled crosswalk: %w", err)
	}
	defer f.Close()
	return ParseCrosswalk(f)
}

// Gap is a competency gap in canonical form with its weight.
type Gap struct {
	Key    string
	Weight float64
}

// Coverage is how one credential meets one gap.
type Coverage struct {
	Gap   string
	Match Match
}

// Index maps codes to the documents aligned to them, for scoring gaps
// against a whole catalog through posting lists.
type Index struct {
	Space    *Space
	postings map[string][]int32
	keys     [][]string
}

// NewIndex indexes documents by their canonical codes. keys[i] are
// document i's codes. Each posting list keeps its order of first
// appearance; callers that want the best documents first pass documents in
// that order through order (nil keeps document order) and cap lists at
// perKey (0 means no cap).
func NewIndex(space *Space, keys [][]string, order []int32, perKey int) *Index {
	ix := &Index{Space: space, postings: map[string][]int32{}, keys: keys}
	visit := func(d int32) {
		for _, k := range keys[d] {
			if perKey == 0 || len(ix.postings[k]) < perKey {
				ix.postings[k] = append(ix.postings[k], d)
			}
		}
	}
	if order == nil {
		for d := range keys {
			visit(int32(d))
		}
	} else {
		for _, d := range order {
			visit(d)
		}
	}
	return ix
}

// Keys returns document d's codes.
func (ix *Index) Keys(d int32) []string { return ix.keys[d] }

// Postings returns the documents aligned to key.
func (ix *Index) Postings(key string) []int32 { return ix.postings[key] }

// Plan is a set of gaps expanded once per request.
type Plan struct {
	Gaps    []Gap
	matches []map[string]Match
	total   float64
}

// NewPlan expands gaps. Weights ≤ 0 count as 1.
func (s *Space) NewPlan(gaps []Gap) *Plan {
	p := &Plan{Gaps: gaps}
	for i := range p.Gaps {
		if p.Gaps[i].Weight <= 0 {
			p.Gaps[i].Weight = 1
		}
		m := map[string]Match{}
		for _, x := range s.Expand(p.Gaps[i].Key) {
			m[x.Key] = x
		}
		p.matches = append(p.matches, m)
		p.total += p.Gaps[i].Weight
	}
	return p
}

// Empty reports whether the plan has no gap.
func (p *Plan) Empty() bool { return p == nil || len(p.Gaps) == 0 }

// Keys returns every code that meets some gap of the plan.
func (p *Plan) Keys() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range p.matches {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// KeyStrengths returns every code that meets some gap with its strongest
// match, strongest first.
func (p *Plan) KeyStrengths() []Match {
	best := map[string]Match{}
	for _, m := range p.matches {
		for k, x := range m {
			if old, ok := best[k]; !ok || x.Strength > old.Strength {
				best[k] = x
			}
		}
	}
	out := make([]Match, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Strength, a.Strength); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// Score returns how well codes meet the plan's gaps, in [0,1]: the
// weighted mean over gaps of the best match among codes, and which gaps
// were met and how.
func (p *Plan) Score(codes []string) (float64, []Coverage) {
	if p.Empty() {
		return 0, nil
	}
	var sum float64
	var cov []Coverage
	for i, g := range p.Gaps {
		var best Match
		for _, c := range codes {
			if m, ok := p.matches[i][c]; ok && m.Strength > best.Strength {
				best = m
			}
		}
		if best.Strength > 0 {
			sum += g.Weight * best.Strength
			cov = append(cov, Coverage{Gap: g.Key, Match: best})
		}
	}
	return sum / p.total, cov
}
