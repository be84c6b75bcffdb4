package planner

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDiagTie(t *testing.T) {
	rng := rand.New(rand.NewPCG(500, 99))
	snap := genCatalog(rng, 500)
	pl := New(snap, Options{})
	ties := 0
	debugTie = func() { ties++ }
	defer func() { debugTie = nil }()
	for i := 0; i < 200; i++ {
		req := genRequest(rng, snap)
		in := pl.prepare(req)
		b := pl.build(in.earned, in.openTargets(), req.Constraints.MaxCostUSD, req.Constraints.MaxHours)
		ties = 0
		out := solve(context.Background(), b.pr, time.Now().Add(5*time.Second))
		if out.nodes > 1000 {
			t.Logf("req %d: nodes=%d ties=%d cost=%d hours=%d", i, out.nodes, ties, out.best.cost, out.best.hours)
		}
	}
}
