package synth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Profiles returns n random but plausible synthetic educator profiles,
// deterministic for seed: goals written from the same topic vocabulary as
// the catalog, 0–3 gaps on real framework codes (mostly the goal topic's
// usual alignments), 0–5 earned credentials among synth-1 … synth-catalogSize
// (none when catalogSize is 0) and a few preferences. Ids are
// "synth-profile-N".
func Profiles(n int, catalogSize int, seed int64) []catalog.Profile {
	g := newGen(seed, 0x70726f66) // "prof"
	r := g.r
	out := make([]catalog.Profile, 0, max(n, 0))
	for i := 1; i <= n; i++ {
		p := catalog.Profile{ID: fmt.Sprintf("synth-profile-%d", i)}
		tp := int(g.topicZ.Uint64())
		other := r.IntN(len(g.v.topics))

		if r.Float64() < 0.9 {
			var sb strings.Builder
			for k, m := 0, 1+r.IntN(2); k < m; k++ {
				if k > 0 {
					sb.WriteByte(' ')
				}
				first := g.term(tp)
				fmt.Fprintf(&sb, goalTemplates[r.IntN(len(goalTemplates))], first, g.otherTerm(tp, first), g.otherTerm(other, first))
			}
			p.Goals = sb.String()
		}

		for k, m := 0, r.IntN(4); k < m; k++ {
			var it *item
			if r.Float64() < 0.7 {
				own := g.v.topics[tp].items
				it = own[r.IntN(len(own))]
			} else {
				it = &g.v.all[r.IntN(len(g.v.all))]
			}
			dup := false
			for _, gp := range p.Gaps {
				dup = dup || (gp.Framework == it.framework && gp.Code == it.code)
			}
			if !dup {
				p.Gaps = append(p.Gaps, catalog.Gap{Framework: it.framework, Code: it.code,
					Weight: float64(5+r.IntN(6)) / 10})
			}
		}

		if catalogSize > 0 {
			for k, m := 0, r.IntN(6); k < m; k++ {
				id := ID(1 + r.IntN(catalogSize))
				if !slices.Contains(p.Earned, id) {
					p.Earned = append(p.Earned, id)
				}
			}
		}

		p.Preferences = g.preferences(tp)
		out = append(out, p)
	}
	return out
}

func (g *gen) preferences(tp int) catalog.Preferences {
	r := g.r
	var pr catalog.Preferences
	if r.Float64() < 0.4 {
		pr.MaxCostUSD = catalog.Float([]float64{0, 25, 50, 100, 200}[r.IntN(5)])
	}
	if r.Float64() < 0.3 {
		pr.MaxHours = catalog.Float([]float64{5, 10, 20, 40}[r.IntN(4)])
	}
	if r.Float64() < 0.3 {
		pr.Formats = []string{[]string{catalog.FormatOnline, catalog.FormatHybrid, catalog.FormatInPerson}[r.IntN(3)]}
	}
	if r.Float64() < 0.4 {
		pr.GradeBands = []string{catalog.GradeBands[r.IntN(len(catalog.GradeBands)-1)]}
	}
	if r.Float64() < 0.3 {
		if s := g.v.topics[tp].subjects; len(s) > 0 {
			pr.Subjects = []string{s[r.IntN(len(s))]}
		} else {
			pr.Subjects = []string{subjects[r.IntN(len(subjects))]}
		}
	}
	if r.Float64() < 0.05 {
		pr.ExcludeIssuers = []string{IssuerName(1 + r.IntN(numIssuers))}
	}
	if r.Float64() < 0.05 {
		pr.Issuers = []string{IssuerName(1 + r.IntN(numIssuers))}
	}
	return pr
}
