package recommender

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/eval"
)

// Rankers returns the rankers `eval` compares, each returning its list as
// the educator would see it:
//
//   - pdpath: Recommend, the full ranker;
//   - bm25: plain search over goals and gap names (only with a Searcher);
//   - popularity: credentials by how many others build on them and, with
//     histories, how often they are earned; the same list for everyone;
//   - semantic: the LSA space alone (cosine to goals, gap names and codes,
//     without the concept lexicon);
//   - competency: gap coverage alone, through hierarchy and crosswalk,
//     ties broken by the prior;
//   - pdpath-no-NAME: the full ranker with one behaviour switched off
//     (stopwords, stage, reach, crosswalk, goal-standards,
//     lexicon), so the gain
//     of each is measured on the same judgments (WEIGHTS.md).
//
// The single-signal rankers filter nothing, as plain tools would not.
func (e *Engine) Rankers() map[string]eval.Ranker {
	out := map[string]eval.Ranker{
		"pdpath": func(ctx context.Context, p catalog.Profile, k int) ([]string, error) {
			res, err := e.Recommend(ctx, p, RecommendOptions{Limit: k})
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(res.Items))
			for i, it := range res.Items {
				ids[i] = it.ID
			}
			return ids, nil
		},
		"popularity": func(ctx context.Context, p catalog.Profile, k int) ([]string, error) {
			m, err := e.current()
			if err != nil {
				return nil, err
			}
			return m.ids(m.popOrder[:min(k, len(m.popOrder))]), nil
		},
		"semantic": func(ctx context.Context, p catalog.Profile, k int) ([]string, error) {
			m, err := e.current()
			if err != nil {
				return nil, err
			}
			// The space alone: her words, without the concept lexicon.
			feat := e.feat
			feat.lexicon = false
			r, err := e.newRequestWith(ctx, m, p, false, feat)
			if err != nil || m.sem == nil || r.query.Vec == nil {
				return nil, err
			}
			var out []int32
			for _, s := range m.sem.Nearest(r.query.Vec, k+m.otherDocs()) {
				if int(s.Doc) < len(m.docCred) && len(out) < k {
					out = append(out, m.docCred[s.Doc])
				}
			}
			return m.ids(out), nil
		},
		"competency": func(ctx context.Context, p catalog.Profile, k int) ([]string, error) {
			m, err := e.current()
			if err != nil {
				return nil, err
			}
			var gaps []competency.Gap
			for _, g := range p.Gaps {
				gaps = append(gaps, competency.Gap{Key: m.space.Canonical(g.Framework, g.Code), Weight: g.Weight})
			}
			plan := m.space.NewPlan(gaps)
			if plan.Empty() {
				return nil, nil
			}
			type sc struct {
				i int32
				s float64
			}
			var all []sc
			for _, i := range m.active {
				if s, _ := plan.Score(m.keys[i]); s > 0 {
					all = append(all, sc{i, s + 1e-3*float64(m.prior[i])})
				}
			}
			slices.SortFunc(all, func(a, b sc) int {
				if c := cmp.Compare(b.s, a.s); c != 0 {
					return c
				}
				return cmp.Compare(m.creds[a.i].ID, m.creds[b.i].ID)
			})
			var out []int32
			for _, x := range all[:min(k, len(all))] {
				out = append(out, x.i)
			}
			return m.ids(out), nil
		},
	}
	ablations := map[string]func(*features){
		"stopwords":      func(f *features) { f.stopwords = false },
		"stage":          func(f *features) { f.stage = false },
		"reach":          func(f *features) { f.reach = false },
		"crosswalk":      func(f *features) { f.crosswalk = false },
		"goal-standards": func(f *features) { f.goalStandards = false },
		"lexicon":        func(f *features) { f.lexicon = false },
		"fit":            func(f *features) { f.fit = false },
		"unwanted":       func(f *features) { f.unwanted = false },
	}
	for name, off := range ablations {
		feat := e.feat
		off(&feat)
		out["pdpath-no-"+name] = func(ctx context.Context, p catalog.Profile, k int) ([]string, error) {
			res, err := e.recommend(ctx, p, RecommendOptions{Limit: k}, feat)
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(res.Items))
			for i, it := range res.Items {
				ids[i] = it.ID
			}
			return ids, nil
		}
	}
	if e.opts.Searcher != nil {
		out["bm25"] = func(ctx context.Context, p catalog.Profile, k int) ([]string, error) {
			m, err := e.current()
			if err != nil {
				return nil, err
			}
			var text []string
			text = append(text, p.Goals)
			for _, g := range p.Gaps {
				if n := m.space.Name(m.space.Canonical(g.Framework, g.Code)); n != "" {
					text = append(text, n)
				}
			}
			q := strings.TrimSpace(strings.Join(text, " "))
			if q == "" {
				return nil, nil
			}
			search := e.opts.Searcher.SearchText
			if ps, ok := e.opts.Searcher.(plainSearcher); ok {
				search = ps.SearchPlain
			}
			hits, err := search(ctx, q, k)
			if err != nil {
				return nil, err
			}
			ids := make([]string, 0, len(hits))
			for _, h := range hits[:min(k, len(hits))] {
				ids = append(ids, h.ID)
			}
			return ids, nil
		}
	}
	return out
}

// plainSearcher is a Searcher that also runs the catalog's plain search,
// every word of the text as people searching get it; the bm25 baseline
// uses it when there is one, as SearchText trims long texts to their
// rarest words for the candidates.
type plainSearcher interface {
	SearchPlain(ctx context.Context, text string, limit int) ([]catalog.Hit, error)
}

func (m *Model) ids(idx []int32) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = m.creds[i].ID
	}
	return out
}

func toGaps(keys []string) []competency.Gap {
	out := make([]competency.Gap, len(keys))
	for i, k := range keys {
		out[i] = competency.Gap{Key: k, Weight: 1}
	}
	return out
}
