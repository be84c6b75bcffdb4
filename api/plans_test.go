package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPlanGate: one caller cannot hold more than its share of plan slots,
// all callers together no more than the server's, and a refusal says
// when to come back.
func TestPlanGate(t *testing.T) {
	g := newPlanGate(2, 1, 20*time.Millisecond)
	ctx := context.Background()
	relA, err := g.acquire(ctx, "coach-a")
	if err != nil {
		t.Fatalf("first plan of coach-a: %v", err)
	}
	steps := []struct {
		name       string
		key        string
		wantStatus int // 0: admitted
	}{
		{"coach-a's second plan waits, then is refused", "coach-a", http.StatusTooManyRequests},
		{"another coach gets the second core", "coach-b", 0},
		{"a third caller finds the server full", "coach-c", http.StatusServiceUnavailable},
	}
	var held []func()
	for _, st := range steps {
		rel, err := g.acquire(ctx, st.key)
		if st.wantStatus == 0 {
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			held = append(held, rel)
			continue
		}
		var ge *gateError
		if !errors.As(err, &ge) || ge.err.Status != st.wantStatus || ge.retryAfter < 1 {
			t.Fatalf("%s: error %v, want status %d with a retry delay", st.name, err, st.wantStatus)
		}
	}
	relA()
	rel, err := g.acquire(ctx, "coach-c")
	if err != nil {
		t.Fatalf("after coach-a finished, coach-c: %v", err)
	}
	rel()
	for _, r := range held {
		r()
	}
	if len(g.keys) != 0 {
		t.Errorf("per-caller slots left behind: %v", g.keys)
	}
}

// TestPlanGateConcurrent runs many plans at once from a few callers and
// checks the limits are never exceeded while every request that waits
// long enough gets through.
func TestPlanGateConcurrent(t *testing.T) {
	const global, perKey = 3, 2
	g := newPlanGate(global, perKey, 10*time.Second)
	var running atomic.Int32
	perCaller := map[string]*atomic.Int32{"a": {}, "b": {}, "c": {}}
	var maxAll, maxOne atomic.Int32
	var wg sync.WaitGroup
	for i := range 24 {
		key := string(rune('a' + i%3))
		wg.Add(1)
		go func() {
			defer wg.Done()
			rel, err := g.acquire(context.Background(), key)
			if err != nil {
				t.Errorf("plan %d: %v", i, err)
				return
			}
			defer rel()
			n, k := running.Add(1), perCaller[key].Add(1)
			for v := maxAll.Load(); n > v && !maxAll.CompareAndSwap(v, n); v = maxAll.Load() {
			}
			for v := maxOne.Load(); k > v && !maxOne.CompareAndSwap(v, k); v = maxOne.Load() {
			}
			time.Sleep(time.Millisecond)
			perCaller[key].Add(-1)
			running.Add(-1)
		}()
	}
	wg.Wait()
	if maxAll.Load() > global || maxOne.Load() > perKey {
		t.Errorf("at most %d plans at once (%d per caller); saw %d (%d)", global, perKey, maxAll.Load(), maxOne.Load())
	}
}

// TestPlanBusy: over HTTP, a plan request that finds no slot is a JSON
// 503 (server full) or 429 (the key's own share) with Retry-After.
func TestPlanBusy(t *testing.T) {
	h := newHarness(t, options{})
	h.srv.plans = newPlanGate(1, 1, 10*time.Millisecond)
	body := `{"targets":[{"framework":"UDL","code":"7"}],"constraints":{"start":"2027-01"}}`

	rel, err := h.srv.plans.acquire(context.Background(), "someone-else")
	if err != nil {
		t.Fatal(err)
	}
	r := h.do("POST", "/v1/plans", "reader", body)
	rel()
	if r.status != http.StatusServiceUnavailable || r.errorCode() != CodeUnavailable {
		t.Fatalf("with the server full: %d %s", r.status, r.body)
	}
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}

	rel, err = h.srv.plans.acquire(context.Background(), h.keyIDs["reader"])
	if err != nil {
		t.Fatal(err)
	}
	r = h.do("POST", "/v1/plans", "reader", body)
	rel()
	if r.status != http.StatusTooManyRequests || r.errorCode() != CodeRateLimited || r.header.Get("Retry-After") == "" {
		t.Fatalf("with the key's own plan running: %d %s", r.status, r.body)
	}

	if r := h.do("POST", "/v1/plans", "reader", body); r.status != http.StatusOK {
		t.Fatalf("once free: %d %s", r.status, r.body)
	}
}
