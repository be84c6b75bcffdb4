package recommender

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// reasons explains one suggestion in concrete terms: the goal words it
// matches, the gaps it covers (framework, code, name), where it sits after
// what she holds, its prerequisites, what it costs and takes, and any
// preference it does not state or that was relaxed for it.
func (r *request) reasons(c *cand) []string {
	m := r.m
	cr := m.creds[c.idx]
	var out []string
	if r.cold() {
		out = append(out, "A starting point: your profile has no goals, gaps or earned credentials yet")
	}
	if s := r.goalReason(cr); s != "" {
		out = append(out, s)
	}
	for _, cov := range c.coverage {
		out = append(out, r.coverageReason(cov))
	}
	if c.nextWhy != "" {
		out = append(out, c.nextWhy)
	}
	if c.unlocks >= 0 {
		out = append(out, fmt.Sprintf("Prerequisite for %s, which also matches your profile", m.creds[c.unlocks].Title))
	}
	out = append(out, r.prereqReason(c))
	if r.cold() {
		if n := len(m.successors[c.idx]); n > 0 {
			out = append(out, fmt.Sprintf("Opens the way to %d further credential%s", n, plural(n)))
		}
	}
	out = append(out, costReason(cr, m.levels[c.idx]))
	for _, name := range c.unstated {
		out = append(out, unstatedReason(name, r.prefs))
	}
	for _, v := range c.violates {
		out = append(out, "Outside your preferences: "+v+" (shown because no credential met them all)")
	}
	return out
}

type rel struct {
	w   string
	sim float32
}

// goalReason names the words of her goals the credential contains, else
// the related words that tie it to them.
func (r *request) goalReason(cr *catalog.Credential) string {
	if len(r.goalWords) == 0 {
		return ""
	}
	desc := cr.Description
	if len(desc) > 1200 {
		// The words a reason quotes are in the opening; a long
		// description's tail only costs time.
		desc = desc[:1200]
	}
	text := cr.Title + " " + desc + " " + strings.Join(cr.Tags, " ")
	// First pass: which of her goal terms does the text hold? Only when
	// none does are the text's other words mapped, for related terms.
	holds := map[string]bool{}
	for _, w := range semantic.Words(text) {
		if t, ok := semantic.Term(w); ok {
			if _, goal := r.goalWords[t]; goal {
				holds[t] = true
			}
		}
	}
	var matched []string
	for _, w := range semantic.Words(r.p.Goals) {
		if t, ok := semantic.Term(w); ok && holds[t] && !slices.Contains(matched, w) {
			matched = append(matched, w)
		}
	}
	if len(matched) > 0 {
		return "Matches your goals: " + strings.Join(matched, ", ")
	}
	surface := map[string]string{}
	for _, w := range semantic.Words(text) {
		if t, ok := semantic.Term(w); ok {
			if _, seen := surface[t]; !seen {
				surface[t] = w
			}
		}
	}
	related := r.relatedTerms()
	var rs []rel
	for t, w := range surface {
		if s, ok := related[t]; ok {
			rs = append(rs, rel{w, s})
		}
	}
	var words []string
	slices.SortFunc(rs, func(a, b rel) int {
		if a.sim != b.sim {
			if a.sim > b.sim {
				return -1
			}
			return 1
		}
		return strings.Compare(a.w, b.w)
	})
	for _, x := range rs[:min(len(rs), 4)] {
		words = append(words, x.w)
	}
	if len(words) > 0 {
		return fmt.Sprintf("Related to your goals (%q) through: %s", strings.TrimSpace(r.p.Goals), strings.Join(words, ", "))
	}
	return ""
}

// label shows a code with its framework and name: "UDL 7.2 (Optimize
// relevance, value and authenticity)".
func (r *request) label(key string) string {
	fw, code, _ := strings.Cut(key, ":")
	s := fw + " " + code
	if n := r.m.space.Name(key); n != "" {
		s += " (" + n + ")"
	}
	return s
}

func (r *request) coverageReason(cov competency.Coverage) string {
	gap := r.label(cov.Gap)
	switch cov.Match.Relation {
	case competency.Exact:
		return "Covers your gap " + gap
	case competency.Refines:
		return fmt.Sprintf("Covers your gap %s through %s", gap, r.label(cov.Match.Key))
	case competency.Broader:
		return fmt.Sprintf("Partly covers your gap %s through the broader %s", gap, r.label(cov.Match.Key))
	case competency.Sibling:
		return fmt.Sprintf("Touches your gap %s through the related %s", gap, r.label(cov.Match.Key))
	default:
		return fmt.Sprintf("Covers your gap %s through %s, which the crosswalk pairs with %s", gap, r.label(cov.Match.Key), r.label(cov.Match.Via))
	}
}

func (r *request) prereqReason(c *cand) string {
	m := r.m
	if len(m.prereqs[c.idx])+len(m.unresolved[c.idx]) == 0 {
		return "No prerequisites"
	}
	if len(c.missing) > 0 {
		return fmt.Sprintf("Requires %s, which you have not earned yet (ranked lower)", quoteList(c.missing))
	}
	var held []string
	for _, j := range m.prereqs[c.idx] {
		if r.earned[j] {
			held = append(held, m.creds[j].Title)
		}
	}
	for _, p := range m.unresolved[c.idx] {
		if slices.Contains(r.p.Earned, p) {
			held = append(held, p)
		}
	}
	return "Prerequisites met: you hold " + quoteList(held)
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

func costReason(c *catalog.Credential, level int) string {
	var parts []string
	if c.CostUSD == nil {
		parts = append(parts, "cost not stated")
	} else {
		parts = append(parts, money(*c.CostUSD))
	}
	if c.Hours == nil {
		parts = append(parts, "hours not stated")
	} else {
		parts = append(parts, hours(*c.Hours))
	}
	if c.Format != "" {
		parts = append(parts, c.Format)
	}
	if level > 0 {
		parts = append(parts, fmt.Sprintf("level %d", level))
	}
	s := strings.Join(parts, ", ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func unstatedReason(name string, f prefs) string {
	switch name {
	case prefMaxCost:
		return fmt.Sprintf("Does not state its cost (your limit is %s); ranked below credentials that do", limitMoney(*f.p.MaxCostUSD))
	case prefMaxHours:
		return fmt.Sprintf("Does not state its hours (your limit is %s); ranked below credentials that do", hours(*f.p.MaxHours))
	case prefFormats:
		return fmt.Sprintf("Does not state its format (you asked for %s); ranked below credentials that do", strings.Join(f.p.Formats, " or "))
	case prefGradeBands:
		return fmt.Sprintf("Does not state grade bands (you asked for %s); ranked below credentials that do", strings.Join(f.p.GradeBands, ", "))
	case prefSubjects:
		return fmt.Sprintf("Does not state subjects (you asked for %s); ranked below credentials that do", strings.Join(f.p.Subjects, ", "))
	}
	return "Does not state " + name
}

func limitMoney(v float64) string {
	if v == 0 {
		return "$0"
	}
	return money(v)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
