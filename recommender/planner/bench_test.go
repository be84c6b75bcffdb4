package planner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkPlan plans generated requests against generated catalogs of 25,
// 100 and 500 candidate credentials and reports the latency percentiles of
// single Plan calls (p50-ms, p99-ms), the mean relative gap between a
// plan's cost and its proven lower bound (gap-pct, 0 when every plan was
// proved optimal) and the share of plans proved optimal (optimal-pct).
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{25, 100, 500} {
		b.Run(fmt.Sprintf("candidates=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(uint64(n), 99))
			snap := genCatalog(rng, n)
			pl := New(snap, Options{})
			reqs := make([]Request, 200)
			for i := range reqs {
				reqs[i] = genRequest(rng, snap)
			}
			var times []time.Duration
			var gap float64
			var gaps, optimal int
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				plan, err := pl.Plan(context.Background(), reqs[i%len(reqs)])
				times = append(times, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if plan.Optimal {
					optimal++
				}
				if plan.TotalCostUSD > 0 {
					gap += 100 * (plan.TotalCostUSD - plan.LowerBoundCostUSD) / plan.TotalCostUSD
					gaps++
				}
			}
			slices.Sort(times)
			pct := func(q float64) float64 {
				return float64(times[int(q*float64(len(times)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			if gaps > 0 {
				b.ReportMetric(gap/float64(gaps), "gap-pct")
			}
			b.ReportMetric(100*float64(optimal)/float64(len(times)), "optimal-pct")
		})
	}
}
