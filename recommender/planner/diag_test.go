package planner

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDiag(t *testing.T) {
	rng := rand.New(rand.NewPCG(500, 99))
	snap := genCatalog(rng, 500)
	pl := New(snap, Options{})
	var lps int
	var lpTime time.Duration
	debugLP = func(m, n int, d time.Duration, reads int, err error) { lps++; lpTime += d }
	defer func() { debugLP = nil }()
	for i := 0; i < 200; i++ {
		req := genRequest(rng, snap)
		in := pl.prepare(req)
		b := pl.build(in.earned, in.openTargets(), req.Constraints.MaxCostUSD, req.Constraints.MaxHours)
		lps, lpTime = 0, 0
		st := time.Now()
		out := solve(context.Background(), b.pr, time.Now().Add(5*time.Second))
		d := time.Since(st)
		if d > 15*time.Millisecond {
			t.Logf("req %d: cands=%d targets=%d budget=%v/%v nodes=%d time=%v lps=%d lptime=%v", i, len(b.pr.cost), len(b.pr.weight), b.pr.maxCost, b.pr.maxHours, out.nodes, d, lps, lpTime)
		}
	}
}

func TestDiagLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(500, 99))
	snap := genCatalog(rng, 500)
	pl := New(snap, Options{})
	debugLP = func(m, n int, d time.Duration, reads int, err error) {
		t.Logf("LP %dx%d %v reads=%d err=%v", m, n, d, reads, err)
	}
	defer func() { debugLP = nil }()
	for i := 0; i < 2; i++ {
		req := genRequest(rng, snap)
		if i != 1 {
			continue
		}
		in := pl.prepare(req)
		b := pl.build(in.earned, in.openTargets(), req.Constraints.MaxCostUSD, req.Constraints.MaxHours)
		solve(context.Background(), b.pr, time.Now().Add(5*time.Second))
	}
}
