package recommender

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// Why is one reason as an object a program can check; Kind says which
// fields are set.
//
// Kinds (the sentence in reasons at the same index says the same thing):
//
//   - "gap": the item's own alignment Via meets her gap Gap. Match is
//     "direct" (Via == Gap), "child" (Via refines Gap: checkpoint 7.2 for
//     guideline 7), "parent" (Via is the code Gap refines: partly met) or
//     "crosswalk" (Via is another framework's code the crosswalk pairs
//     with Gap; worded "related to", never "covers").
//   - "related_gap": Via and Gap refine the same code (siblings); worded
//     "related to".
//   - "goal": Terms are words of her goals found in the item's text.
//   - "goal_related": Terms are the item's words the semantic space places
//     near her goals, or that the concept lexicon gives for a phrase of her
//     goals ("throws chairs" → de-escalation). Worded "related to".
//   - "goal_standard": Via is the item's own alignment to a framework code
//     (in Codes) whose name and description lie nearest her goals.
//   - "next_step": Credential is an item she holds; Relation is
//     "next_level", "builds_on" or "co_earned".
//   - "prerequisite_for": Credential is a suggestion this item is a missing
//     prerequisite of.
//   - "prerequisites": Relation "none", "met" (Credentials she holds) or
//     "missing" (Credentials she has not earned; the item is ranked lower).
//   - "experience": Stage "new" or "veteran": the item is written for
//     teachers in their first years (induction), and her stated experience
//     (Years, or the words of her goals in Terms) steered it up or down.
//   - "details": the item's cost, hours, format and level as stated
//     (a number the item does not state is named as unknown).
//   - "unstated": the item does not state Preference, which she filters
//     on; ranked lower.
//   - "relaxed": the item violates Preference, relaxed because nothing met
//     every preference.
//   - "fit": the item is written for her grade bands or subjects
//     (Preference "grade_bands" or "subjects", Terms the ones it is for):
//     stated for hers alone, or named in its title or tags.
//   - "cold_start": her profile says nothing to rank by.
//   - "similar" (similar items only): Relation "near_copy", "shares"
//     (Codes), "series" or "topic".
type Why struct {
	Kind        string   `json:"kind"`
	Gap         string   `json:"gap,omitempty"`
	Match       string   `json:"match,omitempty"`
	Via         string   `json:"via,omitempty"`
	Terms       []string `json:"terms,omitempty"`
	Credential  string   `json:"credential,omitempty"`
	Credentials []string `json:"credentials,omitempty"`
	Relation    string   `json:"relation,omitempty"`
	Stage       string   `json:"stage,omitempty"`
	Years       *float64 `json:"years,omitempty"`
	Preference  string   `json:"preference,omitempty"`
	Codes       []string `json:"codes,omitempty"`
}

// reason is one reason as a sentence and an object, with how much it
// moved the score (to put the strongest true reason first).
type reason struct {
	text   string
	why    Why
	weight float64
}

// reasons explains one suggestion in concrete terms — the gaps it meets
// and how, the goal words it matches, where it sits after what she holds,
// its prerequisites, what it costs and takes, and any preference it does
// not state or that was relaxed for it — as sentences and as Why objects
// at the same index. Reasons that lifted the item come first, strongest
// first; caveats and details follow.
func (r *request) reasons(c *cand) ([]string, []Why) {
	m := r.m
	cr := m.creds[c.idx]
	w := r.w
	var lead, tail []reason
	if r.cold() {
		lead = append(lead, reason{"A starting point: your profile has no goals, gaps or earned credentials yet", Why{Kind: "cold_start"}, 1})
	}
	goalWeight := w.Semantic*r.semShare(c) + w.Lexical*r.lexShare(c)
	if g, ok := r.goalReason(cr); ok {
		g.weight = goalWeight
		lead = append(lead, g)
	}
	for _, cov := range c.coverage {
		g := r.coverageReason(c.idx, cov)
		g.weight = w.Competency * cov.Match.Strength * r.gapWeight(cov.Gap)
		if cov.Match.Relation == competency.Exact || cov.Match.Relation == competency.Refines {
			// A code of her own gap is the most checkable reason there is.
			g.weight += 1
		}
		lead = append(lead, g)
	}
	for _, cov := range c.goalCov {
		if rel := cov.Match.Relation; rel != competency.Exact && rel != competency.Refines {
			continue
		}
		lead = append(lead, reason{fmt.Sprintf("Aligned to %s, the framework practice nearest your goals", r.label(cov.Match.Key)),
			Why{Kind: "goal_standard", Via: m.ownKey(c.idx, cov.Match.Key), Codes: []string{cov.Gap}}, w.GoalStandards * cov.Match.Strength})
	}
	if c.nextWhy != "" {
		lead = append(lead, reason{c.nextWhy, Why{Kind: "next_step", Credential: c.nextFrom, Relation: c.nextRel}, w.NextStep*c.next + 0.5})
	}
	if c.unlocks >= 0 {
		u := m.creds[c.unlocks]
		lead = append(lead, reason{fmt.Sprintf("Prerequisite for %s, which also matches your profile", u.Title),
			Why{Kind: "prerequisite_for", Credential: u.ID}, 0.05})
	}
	lead = append(lead, r.fitReasons(c)...)
	slices.SortStableFunc(lead, func(a, b reason) int { return cmp.Compare(b.weight, a.weight) })
	if e := r.experienceReason(c); e.text != "" {
		tail = append(tail, e)
	}
	tail = append(tail, r.prereqReason(c))
	if r.cold() {
		if n := len(m.successors[c.idx]); n > 0 {
			var next []string
			for _, j := range m.successors[c.idx] {
				next = append(next, m.creds[j].ID)
			}
			tail = append(tail, reason{fmt.Sprintf("Opens the way to %d further credential%s", n, plural(n)),
				Why{Kind: "prerequisite_for", Credentials: next}, 0})
		}
	}
	tail = append(tail, reason{costReason(cr, m.levels[c.idx]), Why{Kind: "details"}, 0})
	for _, name := range c.unstated {
		tail = append(tail, reason{unstatedReason(name, r.prefs), Why{Kind: "unstated", Preference: name}, 0})
	}
	for _, v := range c.violates {
		tail = append(tail, reason{"Outside your preferences: " + v.why + " (shown because no credential met them all)", Why{Kind: "relaxed", Preference: v.name}, 0})
	}
	all := append(lead, tail...)
	texts := make([]string, len(all))
	whys := make([]Why, len(all))
	for k, x := range all {
		texts[k], whys[k] = x.text, x.why
	}
	return texts, whys
}

// fitReasons say which of her grade bands and subjects the item is
// written for, when it is written for hers rather than for everyone.
func (r *request) fitReasons(c *cand) []reason {
	if !r.fit.active() || c.fit <= 0 {
		return nil
	}
	m := r.m
	cr := m.creds[c.idx]
	var out []reason
	if f := r.fit; f.bands != 0 {
		stated := bandsOf(cr.GradeBands)
		which, how := stated, "For %s, your grade band%s"
		if stated == 0 {
			which, how = m.namedBands(c.idx), "Its title, tags or description name %s, your grade band%s"
		}
		if f.bandsFromGoals {
			how = strings.Replace(how, "your grade band%s", "the grade%s your goals name", 1)
		}
		if which != 0 && which&^f.bands == 0 {
			var names []string
			for k, g := range catalog.GradeBands {
				if which&(1<<k) != 0 {
					names = append(names, g)
				}
			}
			out = append(out, reason{fmt.Sprintf(how, strings.Join(names, ", "), plural(len(names))),
				Why{Kind: "fit", Preference: prefGradeBands, Terms: names}, r.w.Fit * c.fit})
		}
	}
	if f := r.fit; len(f.subjects) > 0 {
		how := ""
		switch f.subjectFit(cr) {
		case 1:
			how = "For %s, your subject"
		case 0.8:
			how = "Its title or tags name %s, your subject"
		}
		if how != "" {
			out = append(out, reason{fmt.Sprintf(how, strings.Join(f.subjects, ", ")),
				Why{Kind: "fit", Preference: prefSubjects, Terms: f.subjects}, r.w.Fit * c.fit})
		}
	}
	return out
}

// semShare and lexShare are a candidate's semantic and lexical features
// as the blend used them (divided by the request's best).
func (r *request) semShare(c *cand) float64 {
	if r.maxSem <= 0 {
		return 0
	}
	return c.sem / r.maxSem
}

func (r *request) lexShare(c *cand) float64 {
	if r.maxLex <= 0 {
		return 0
	}
	return c.lex / r.maxLex
}

// gapWeight is a gap's share of all her gaps' weight.
func (r *request) gapWeight(key string) float64 {
	var total, w float64
	for _, g := range r.plan.Gaps {
		total += g.Weight
		if g.Key == key {
			w = g.Weight
		}
	}
	if total == 0 {
		return 0
	}
	return w / total
}

type rel struct {
	w   string
	sim float32
}

// goalReason names the words of her goals the credential contains, else
// the related words that tie it to them.
func (r *request) goalReason(cr *catalog.Credential) (reason, bool) {
	if len(r.goalWords) == 0 {
		return reason{}, false
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
		return reason{text: "Matches your goals: " + strings.Join(matched, ", "), why: Why{Kind: "goal", Terms: matched}}, true
	}
	if g, ok := r.conceptReason(text); ok {
		return g, true
	}
	surface := map[string]string{}
	for _, w := range semantic.Words(text) {
		if domainStopwords[w] {
			continue
		}
		if t, ok := semantic.Term(w); ok && !domainStopwords[t] {
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
		return reason{text: fmt.Sprintf("Related to your goals (%q) through: %s", strings.TrimSpace(r.p.Goals), strings.Join(words, ", ")),
			why: Why{Kind: "goal_related", Terms: words}}, true
	}
	return reason{}, false
}

// conceptReason names the item's words that the concept lexicon gives for
// a phrase of her goals: `Related to your goal ("throws chairs" →
// de-escalation, behavior)`. Only words the item itself holds are quoted,
// and only for a concept of which it holds at least two that are not
// common across the catalog.
func (r *request) conceptReason(text string) (reason, bool) {
	if len(r.concepts) == 0 {
		return reason{}, false
	}
	words := semantic.Words(text)
	var parts, terms []string
	for _, c := range r.concepts {
		want := map[string]bool{}
		for _, t := range semantic.Tokenize(c.Entry.Terms) {
			if len(t) < 3 || domainStopwords[t] || (r.m.sem != nil && r.m.sem.IDF(t) < minReasonIDF) {
				// A word in a quarter of the catalog ("learning",
				// "plan") ties an item to no concept in particular.
				continue
			}
			want[t] = true
		}
		var found []string
		seen := map[string]bool{}
		for _, w := range words {
			t, ok := semantic.Term(w)
			if !ok || !want[t] || seen[t] {
				continue
			}
			seen[t] = true
			found = append(found, w)
			if len(found) == 4 {
				break
			}
		}
		if len(found) < 2 {
			// One shared word ("peer") relates an item to a concept
			// too loosely to say so.
			continue
		}
		parts = append(parts, fmt.Sprintf("%q → %s", c.Words, strings.Join(found, ", ")))
		for _, f := range found {
			if !slices.Contains(terms, f) {
				terms = append(terms, f)
			}
		}
	}
	if len(parts) == 0 {
		return reason{}, false
	}
	return reason{text: "Related to your goal (" + strings.Join(parts, "; ") + ")", why: Why{Kind: "goal_related", Terms: terms}}, true
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

// coverageReason says how the item's own alignment meets one gap. Only a
// code of the gap itself or one refining it "covers" the gap; a broader
// code partly addresses it; a sibling or crosswalk code is "related to" it.
func (r *request) coverageReason(i int32, cov competency.Coverage) reason {
	gap := r.label(cov.Gap)
	via := cov.Match.Key
	w := Why{Kind: "gap", Gap: cov.Gap, Via: r.m.ownKey(i, via)}
	var text string
	switch cov.Match.Relation {
	case competency.Exact:
		w.Match = "direct"
		text = "Covers your gap " + gap + ": aligned to it directly"
	case competency.Refines:
		w.Match = "child"
		text = fmt.Sprintf("Covers your gap %s through %s, which is part of it", gap, r.label(via))
	case competency.Broader:
		w.Match = "parent"
		text = fmt.Sprintf("Partly addresses your gap %s: aligned only to the broader %s", gap, r.label(via))
	case competency.Sibling:
		w.Kind, w.Match = "related_gap", "sibling"
		text = fmt.Sprintf("Related to your gap %s: aligned to %s, a neighbouring part of %s", gap, r.label(via), r.label(r.m.space.Parent(cov.Gap)))
	default:
		w.Match = "crosswalk"
		text = fmt.Sprintf("Related to your gap %s: aligned to %s, which the crosswalk relates to %s", gap, r.label(via), r.label(cov.Match.Via))
	}
	return reason{text: text, why: w}
}

// ownKey returns credential i's alignment as its feed stated it
// ("FRAMEWORK:CODE" of its own competency) for a canonical key, so a why's
// via can be checked against the item itself.
func (m *Model) ownKey(i int32, key string) string {
	for _, comp := range m.creds[i].Competencies {
		if m.space.Canonical(comp.Framework, comp.Code) == key {
			return comp.Key()
		}
	}
	return key
}

func (r *request) prereqReason(c *cand) reason {
	m := r.m
	if len(m.prereqs[c.idx])+len(m.unresolved[c.idx]) == 0 {
		return reason{text: "No prerequisites", why: Why{Kind: "prerequisites", Relation: "none"}}
	}
	if len(c.missing) > 0 {
		return reason{text: fmt.Sprintf("Requires %s, which you have not earned yet (ranked lower)", quoteList(c.missing)),
			why: Why{Kind: "prerequisites", Relation: "missing", Credentials: c.missingIDs}}
	}
	var held, heldIDs []string
	for _, j := range m.prereqs[c.idx] {
		if r.earned[j] {
			held = append(held, m.creds[j].Title)
			heldIDs = append(heldIDs, m.creds[j].ID)
		}
	}
	for _, p := range m.unresolved[c.idx] {
		if slices.Contains(r.p.Earned, p) {
			held = append(held, p)
			heldIDs = append(heldIDs, p)
		}
	}
	return reason{text: "Prerequisites met: you hold " + quoteList(held), why: Why{Kind: "prerequisites", Relation: "met", Credentials: heldIDs}}
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
	case prefApprovedIn:
		return fmt.Sprintf("Does not state where it is approved for credit (you asked for %s); ranked below items that do", strings.Join(f.p.ApprovedIn, ", "))
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
