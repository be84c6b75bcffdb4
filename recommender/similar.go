package recommender

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/recommender/semantic"
)

// Similar returns up to limit credentials like credential id ("more like
// this"): close in the semantic space, sharing its competencies (through
// the hierarchy and crosswalk too), or in the same stack. Near-copies from
// other issuers are listed, marked as such, but only once.
func (e *Engine) Similar(ctx context.Context, id string, limit int) (Result, error) {
	m, err := e.current()
	if err != nil {
		return Result{}, err
	}
	i, ok := m.resolve(id)
	if !ok {
		return Result{}, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	if limit <= 0 {
		limit = 10
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	src := m.creds[i]
	cands := map[int32]bool{}
	vec := m.vec(i)
	if m.sem != nil {
		var near []semantic.Scored
		if len(m.active) <= exactScanLimit && vec != nil {
			near = m.sem.Nearest(vec, 4*limit+m.otherDocs())
		} else {
			q := m.sem.Query(semantic.Part{Text: src.Title, Weight: 2}, semantic.Part{Text: src.Description + " " + strings.Join(src.Tags, " ")})
			near = m.sem.Candidates(q, 8*limit, expansionTerms)
		}
		for _, s := range near {
			if int(s.Doc) < len(m.docCred) {
				cands[m.docCred[s.Doc]] = true
			}
		}
	}
	var gaps []string
	for _, k := range m.keys[i] {
		gaps = append(gaps, k)
		for _, d := range m.comp.Postings(k) {
			cands[d] = true
			if len(cands) > 50*limit {
				break
			}
		}
	}
	if s := m.series[i]; s >= 0 {
		for _, j := range m.seriesMembers[s] {
			cands[j] = true
		}
	}
	plan := m.space.NewPlan(toGaps(gaps))
	type scored struct {
		idx   int32
		score float64
		cos   float64
		comp  float64
		same  bool
	}
	var list []scored
	for j := range cands {
		if j == i || !m.creds[j].Active() {
			continue
		}
		s := scored{idx: j}
		if v := m.vec(j); v != nil && vec != nil {
			s.cos = max(0, float64(semantic.Dot(vec, v)))
		}
		s.comp, _ = plan.Score(m.keys[j])
		s.same = m.series[i] >= 0 && m.series[j] == m.series[i]
		s.score = 0.6*s.cos + 0.3*s.comp
		if s.same {
			s.score += 0.1
		}
		list = append(list, s)
	}
	slices.SortFunc(list, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(m.creds[a.idx].ID, m.creds[b.idx].ID)
	})
	res := Result{CatalogVersion: m.version}
	copies := 0
	for _, s := range list {
		if len(res.Items) == limit {
			break
		}
		c := m.creds[s.idx]
		var reasons []string
		var whys []Why
		if m.nearCopy(i, s.idx) >= 1 {
			if copies > 0 {
				continue
			}
			copies++
			reasons = append(reasons, fmt.Sprintf("Near-copy of %q offered by %s", src.Title, c.Issuer))
			whys = append(whys, Why{Kind: "similar", Relation: "near_copy", Credential: src.ID})
		}
		if shared := sharedKeys(m.keys[i], m.keys[s.idx]); len(shared) > 0 {
			reasons = append(reasons, "Shares "+strings.Join(shared, ", "))
			whys = append(whys, Why{Kind: "similar", Relation: "shares", Codes: shared})
		} else if s.comp > 0 {
			reasons = append(reasons, "Aligned to related competencies")
			whys = append(whys, Why{Kind: "similar", Relation: "related_codes", Codes: m.keys[s.idx]})
		}
		if s.same {
			reasons = append(reasons, fmt.Sprintf("Same series as %q (level %d)", src.Title, m.levels[s.idx]))
			whys = append(whys, Why{Kind: "similar", Relation: "series", Credential: src.ID})
		}
		if s.cos > 0.3 {
			reasons = append(reasons, fmt.Sprintf("Similar topic (semantic similarity %.2f)", s.cos))
			whys = append(whys, Why{Kind: "similar", Relation: "topic"})
		}
		reasons = append(reasons, costReason(c, m.levels[s.idx]))
		whys = append(whys, Why{Kind: "details"})
		res.Items = append(res.Items, m.newItem(s.idx, round4(s.score), reasons, whys))
	}
	return res, nil
}

func sharedKeys(a, b []string) []string {
	var out []string
	for _, k := range a {
		if slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}
