package planner

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDiagOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(500, 99))
	snap := genCatalog(rng, 500)
	pl := New(snap, Options{})
	var pr *problem
	for i := 0; i < 200; i++ {
		req := genRequest(rng, snap)
		if i == 151 {
			in := pl.prepare(req)
			pr = pl.build(in.earned, in.openTargets(), req.Constraints.MaxCostUSD, req.Constraints.MaxHours).pr
		}
	}
	for k := 0; k < 10; k++ {
		st := time.Now()
		out := solve(context.Background(), pr, time.Now().Add(5*time.Second))
		t.Logf("%v nodes=%d uncov=%d cost=%d", time.Since(st), out.nodes, out.best.uncovered, out.best.cost)
	}
}
