package planner

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestDiagGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(500, 99))
	snap := genCatalog(rng, 500)
	pl := New(snap, Options{})
	var probs []*problem
	for i := 0; i < 200; i++ {
		req := genRequest(rng, snap)
		in := pl.prepare(req)
		probs = append(probs, pl.build(in.earned, in.openTargets(), req.Constraints.MaxCostUSD, req.Constraints.MaxHours).pr)
	}
	for _, cfg := range [][2]int{{0, 0}} {

		var ts []time.Duration
		nodes, nonopt := 0, 0
		for _, pr := range probs {
			st := time.Now()
			out := solve(context.Background(), pr, time.Now().Add(2*time.Second))
			ts = append(ts, time.Since(st))
			if time.Since(st) > 15*time.Millisecond {
				t.Logf("slow: %v nodes=%d cands=%d targets=%d caps=%d/%d", time.Since(st), out.nodes, len(pr.cost), len(pr.weight), pr.maxCost, pr.maxHours)
			}
			nodes += out.nodes
			if !out.optimal {
				nonopt++
			}
		}
		slices.Sort(ts)
		t.Logf("lp=%d tie=%d p50=%v p95=%v p99=%v max=%v nodes=%d nonopt=%d", cfg[0], cfg[1], ts[100], ts[190], ts[198], ts[199], nodes, nonopt)
	}
}
