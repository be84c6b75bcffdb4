package recommender

import (
	"context"
	"fmt"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Explanation statuses.
const (
	StatusSuggested  = "suggested"
	StatusEarned     = "earned"
	StatusRetired    = "retired"
	StatusFiltered   = "filtered"
	StatusRanked     = "ranked_lower"
	StatusNotMatched = "not_matched"
)

// Explanation says why a credential is or is not among a profile's
// suggestions.
type Explanation struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// Rank is its 1-based position in the full ranking, 0 when it was not
	// ranked at all.
	Rank    int      `json:"rank,omitempty"`
	Score   float64  `json:"score,omitempty"`
	Reasons []string `json:"reasons"`
	// Why holds, for a suggested item, its reasons as objects (the
	// Reasons after the first, which states the position).
	Why []Why `json:"why,omitempty"`
	// Filters names the preferences that filter it out, when Status is
	// filtered.
	Filters []string `json:"filters,omitempty"`
}

// whyNotDepth is how deep the full ranking is searched for the credential.
const whyNotDepth = 1000

// WhyNot explains why credential id is not (or is) suggested to p with the
// given limit: earned, retired, filtered by a preference (which, and by how
// much), demoted for a missing prerequisite, or simply outranked (with its
// score against the last suggestion's, and what it lacks).
func (e *Engine) WhyNot(ctx context.Context, p catalog.Profile, id string, opt RecommendOptions) (Explanation, error) {
	m, err := e.current()
	if err != nil {
		return Explanation{}, err
	}
	i, ok := m.resolve(id)
	if !ok {
		return Explanation{}, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	c := m.creds[i]
	ex := Explanation{ID: c.ID, Title: c.Title}
	limit := opt.Limit
	if limit <= 0 {
		limit = 10
	}
	r, err := e.newRequest(ctx, m, p, true)
	if err != nil {
		return Explanation{}, err
	}
	defer r.release()
	switch {
	case r.earned[i]:
		ex.Status = StatusEarned
		ex.Reasons = []string{"You already hold it; earned credentials are never suggested"}
		return ex, nil
	case r.heldCopy(i) >= 0:
		ex.Status = StatusEarned
		ex.Reasons = []string{fmt.Sprintf("The same offering as %q, which you hold (flagged as a duplicate from another issuer); earned credentials are never suggested", m.creds[r.heldCopy(i)].Title)}
		return ex, nil
	case !c.Active():
		ex.Status = StatusRetired
		ex.Reasons = []string{"Retired from the catalog; only active credentials are suggested"}
		return ex, nil
	}

	ranked, relaxed := r.rank(limit)
	picked := r.diversify(ranked, limit)
	for k, pc := range picked {
		if pc.idx == i {
			ex.Status, ex.Rank, ex.Score = StatusSuggested, k+1, round4(pc.score)
			texts, whys := r.reasons(pc)
			ex.Reasons = append([]string{fmt.Sprintf("Suggested at position %d", k+1)}, texts...)
			ex.Why = whys
			return ex, nil
		}
	}
	if fails := r.prefs.failures(c, i); len(fails) > 0 {
		if ok, _, _ := r.prefs.check(c, i, relaxedSet(relaxed)); !ok {
			ex.Status = StatusFiltered
			for _, f := range fails {
				ex.Reasons = append(ex.Reasons, "Filtered out by your preferences: "+f.why)
				ex.Filters = append(ex.Filters, f.name)
			}
			return ex, nil
		}
	}
	var found *cand
	rank := 0
	for k, rc := range ranked {
		if rc.idx == i {
			found, rank = rc, k+1
			break
		}
	}
	if found == nil {
		// Not a candidate: score it anyway so the answer can say what it
		// lacks.
		found = &cand{idx: i, unlocks: -1}
		r.cands[i] = found
		all := r.passing(relaxedSet(relaxed))
		r.score(all)
		for _, rc := range all {
			if rc.idx == i {
				found = rc
			}
		}
	}
	ex.Score = round4(found.score)
	last := 0.0
	if len(picked) > 0 {
		last = picked[len(picked)-1].score
	}
	if rank > 0 && rank <= whyNotDepth {
		ex.Status, ex.Rank = StatusRanked, rank
		ex.Reasons = append(ex.Reasons, fmt.Sprintf("Ranked %d of %d candidates with score %.4f; the last of your %d suggestions scored %.4f", rank, len(ranked), found.score, len(picked), last))
	} else {
		ex.Status = StatusNotMatched
		ex.Reasons = append(ex.Reasons, fmt.Sprintf("Not retrieved as a candidate: it shares no words, related terms or competencies with your profile strongly enough (score %.4f; the last suggestion scored %.4f)", found.score, last))
	}
	ex.Reasons = append(ex.Reasons, r.shortfalls(found, picked)...)
	return ex, nil
}

func relaxedSet(names []string) map[string]bool {
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// shortfalls says what a credential lacks next to the suggestions.
func (r *request) shortfalls(c *cand, picked []*cand) []string {
	var out []string
	if len(c.missing) > 0 {
		out = append(out, fmt.Sprintf("Demoted: requires %s, which you have not earned yet", quoteList(c.missing)))
	}
	for _, name := range c.unstated {
		out = append(out, unstatedReason(name, r.prefs))
	}
	if len(r.goalWords) > 0 {
		if g, ok := r.goalReason(r.m.creds[c.idx]); ok {
			out = append(out, g.text)
		} else {
			out = append(out, "Matches none of the words of your goals")
		}
	}
	if !r.plan.Empty() {
		if len(c.coverage) == 0 {
			var gaps []string
			for _, g := range r.plan.Gaps {
				gaps = append(gaps, r.label(g.Key))
			}
			out = append(out, "Covers none of your gaps ("+strings.Join(gaps, "; ")+")")
		} else {
			for _, cov := range c.coverage {
				out = append(out, r.coverageReason(c.idx, cov).text)
			}
		}
	}
	for _, p := range picked {
		if r.m.nearCopy(c.idx, p.idx) >= 1 {
			out = append(out, fmt.Sprintf("A near-copy of %q, which is suggested; suggestions avoid repeating one credential", r.m.creds[p.idx].Title))
			break
		}
	}
	return out
}
