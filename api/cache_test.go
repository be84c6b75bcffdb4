package api

import (
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdpath/pdpath/api/internal/redistest"
	"github.com/pdpath/pdpath/indexer/store"
)

// TestCachedRoutes checks each cached route answers miss, then hit with the
// same bytes, from Redis.
func TestCachedRoutes(t *testing.T) {
	h := newHarness(t, options{})
	routes := []struct {
		method, path string
		body         any
	}{
		{"GET", "/v1/credentials?q=assessment&limit=3", nil},
		{"GET", "/v1/credentials/assess-data", nil},
		{"GET", "/v1/frameworks", nil},
		{"POST", "/v1/recommendations", `{"profile":{"goals":"formative assessment"}}`},
		{"POST", "/v1/plans", `{"targets":[{"framework":"InTASC","code":"6"}]}`},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			h.t = t
			first := h.do(rt.method, rt.path, "reader", rt.body)
			second := h.do(rt.method, rt.path, "coach", rt.body)
			if first.status != 200 || second.status != 200 {
				t.Fatalf("statuses %d, %d", first.status, second.status)
			}
			if first.header.Get("X-Cache") != "miss" || second.header.Get("X-Cache") != "hit" {
				t.Errorf("X-Cache %q then %q, want miss then hit", first.header.Get("X-Cache"), second.header.Get("X-Cache"))
			}
			if string(first.body) != string(second.body) {
				t.Errorf("hit differs from the computed answer:\n%s\n%s", first.body, second.body)
			}
		})
	}
	h.t = t
	if hits := h.metric("pdpath_cache_lookups_total", map[string]string{"result": "hit"}); hits != 5 {
		t.Errorf("hits counted %v, want 5", hits)
	}
	// Refusals never reach the cache: an unauthorised caller gets no
	// cached answer (and, like every answer not from the cache, says miss).
	if r := h.do("GET", "/v1/frameworks", "", nil); r.status != 401 || r.header.Get("X-Cache") != "miss" {
		t.Errorf("keyless request: %d, X-Cache %q", r.status, r.header.Get("X-Cache"))
	}
}

// TestSyncInvalidates ingests into the catalog directly (as `pdpath ingest`
// in another process, or the feed scheduler, would): the version in every
// key moves, so the next requests are misses and see the new data.
func TestSyncInvalidates(t *testing.T) {
	h := newHarness(t, options{})
	const search = "/v1/credentials?q=restorative+circles"
	const rec = `{"profile":{"goals":"restorative circles to build community"},"limit":3}`
	h.do("GET", search, "reader", nil)
	h.do("POST", "/v1/recommendations", "reader", rec)
	if r := h.do("GET", search, "reader", nil); r.header.Get("X-Cache") != "hit" {
		t.Fatal("search not cached before the sync")
	}

	data, err := os.ReadFile("testdata/update.csv")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := h.cat.IngestInputs(context.Background(), []store.Input{{Source: "https://riverbend.example.org/feed.csv", Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.CatalogVersion != 2 || rep.Added != 2 {
		t.Fatalf("ingest report %+v", rep)
	}

	r := h.do("GET", search, "reader", nil)
	var s searchResponse
	r.json(t, &s)
	if r.header.Get("X-Cache") != "miss" || s.CatalogVersion != 2 || !contains(hitIDs(s), "feed-restorative") {
		t.Errorf("search after the sync: X-Cache %s, version %d, hits %v", r.header.Get("X-Cache"), s.CatalogVersion, hitIDs(s))
	}
	// Recommendations: the model for version 2 is built in the
	// background; until it is, answers are computed and not kept.
	r = h.do("POST", "/v1/recommendations", "reader", rec)
	if r.header.Get("X-Cache") != "miss" {
		t.Errorf("recommendations after the sync: X-Cache %s", r.header.Get("X-Cache"))
	}
	if err := h.rec.Wait(); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Items          []struct{ ID string }
		CatalogVersion int64 `json:"catalog_version"`
	}
	r = h.do("POST", "/v1/recommendations", "reader", rec)
	r.json(t, &res)
	if res.CatalogVersion != 2 {
		t.Fatalf("recommendations from model version %d, want 2", res.CatalogVersion)
	}
	found := false
	for _, it := range res.Items {
		found = found || it.ID == "feed-restorative"
	}
	if !found {
		t.Errorf("new credential not recommended for its own topic: %+v", res.Items)
	}
	if r := h.do("POST", "/v1/recommendations", "reader", rec); r.header.Get("X-Cache") != "hit" {
		t.Errorf("recommendation from the new model not cached: %s", r.header.Get("X-Cache"))
	}
}

// TestWatchSeesOtherProcesses runs the server's watcher while another
// catalog handle (another process) ingests into the same directory.
func TestWatchSeesOtherProcesses(t *testing.T) {
	h := newHarness(t, options{memory: true})
	h.srv.cfg.WatchInterval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.srv.Start(ctx)

	other, err := store.Open(ctx, h.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Ingest(ctx, []string{"testdata/update.csv"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ready readiness
		h.do("GET", "/readyz", "", nil).json(t, &ready)
		if ready.CatalogVersion == 2 && ready.ModelVersion == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server still at %+v 10 s after another process ingested", ready)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r := h.do("GET", "/v1/credentials/feed-sel", "reader", nil); r.status != 200 {
		t.Errorf("credential ingested by another process: %d", r.status)
	}
}

// TestRedisOutage stops Redis under a running server: requests keep
// succeeding uncached, the errors are counted and logged once, and the
// cache is used again when Redis is back.
func TestRedisOutage(t *testing.T) {
	proxy := redistest.NewProxy(t)
	h := newHarness(t, options{redisURL: proxy.URL()})
	const path = "/v1/credentials?q=technology"
	h.do("GET", path, "reader", nil)
	if r := h.do("GET", path, "reader", nil); r.header.Get("X-Cache") != "hit" {
		t.Fatal("not cached while Redis is up")
	}

	proxy.Stop()
	for i := range 10 {
		start := time.Now()
		r := h.do("GET", path, "reader", nil)
		if r.status != 200 || r.header.Get("X-Cache") != "miss" {
			t.Errorf("request %d with Redis down: %d, X-Cache %s", i, r.status, r.header.Get("X-Cache"))
		}
		if d := time.Since(start); d > 5*time.Second { // hangs, not speed: loaded machines stay under it
			t.Errorf("request %d with Redis down took %v", i, d)
		}
		if r := h.do("POST", "/v1/recommendations", "reader", `{"profile":{"goals":"digital tools"}}`); r.status != 200 {
			t.Errorf("recommendation with Redis down: %d %s", r.status, r.body)
		}
	}
	if got := h.metric("pdpath_cache_backend_errors_total", nil); got < 1 {
		t.Errorf("Redis errors counted %v, want ≥ 1", got)
	}
	if got := h.metric("pdpath_cache_backend_up", nil); got != 0 {
		t.Errorf("pdpath_cache_backend_up %v while down", got)
	}
	var ready readiness
	h.do("GET", "/readyz", "", nil).json(t, &ready)
	if ready.CacheUp {
		t.Error("readyz says the cache is up while Redis is down")
	}

	proxy.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for h.do("GET", path, "reader", nil).header.Get("X-Cache") != "hit" {
		if time.Now().After(deadline) {
			t.Fatal("the server did not use Redis again 10 s after it came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := h.metric("pdpath_cache_backend_up", nil); got != 1 {
		t.Errorf("pdpath_cache_backend_up %v after recovery", got)
	}
}

// TestRedisNeverThere starts with a Redis URL on which nothing listens: the
// server serves, uncached.
func TestRedisNeverThere(t *testing.T) {
	h := newHarness(t, options{redisURL: "redis://" + freePort(t) + "/0"})
	for range 3 {
		if r := h.do("GET", "/v1/frameworks", "reader", nil); r.status != 200 || r.header.Get("X-Cache") != "miss" {
			t.Fatalf("%d %s", r.status, r.header.Get("X-Cache"))
		}
	}
	if got := h.metric("pdpath_cache_backend_errors_total", nil); got < 1 {
		t.Errorf("Redis errors counted %v", got)
	}
}

// TestConcurrentMissesComputeOnce holds the recommender while N identical
// requests arrive: it runs once and every caller gets its answer.
func TestConcurrentMissesComputeOnce(t *testing.T) {
	h := newHarness(t, options{})
	gate := make(chan struct{})
	h.rec.gate.Store(&gate)
	const n = 16
	const body = `{"profile":{"goals":"coaching colleagues on technology"}}`
	var wg sync.WaitGroup
	bodies := make([]string, n)
	for i := range n {
		wg.Go(func() {
			r := h.do("POST", "/v1/recommendations", "reader", body)
			if r.status != 200 {
				t.Errorf("request %d: %d %s", i, r.status, r.body)
			}
			bodies[i] = string(r.body)
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.rec.calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the others queue behind it
	close(gate)
	wg.Wait()
	h.rec.gate.Store(nil)
	if got := h.rec.calls.Load(); got != 1 {
		t.Errorf("recommender ran %d times for %d concurrent identical requests, want 1", got, n)
	}
	for i := range bodies {
		if bodies[i] != bodies[0] {
			t.Errorf("request %d answered differently", i)
		}
	}
	if got := h.metric("pdpath_cache_shared_total", nil); got != n-1 {
		t.Errorf("shared answers counted %v, want %d", got, n-1)
	}
}

// TestGracefulShutdown ends the server's context while a request is being
// computed: the request is answered, then Serve returns.
func TestGracefulShutdown(t *testing.T) {
	h := newHarness(t, options{memory: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- h.srv.Serve(ctx, ln) }()

	gate := make(chan struct{})
	h.rec.gate.Store(&gate)
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/v1/recommendations", strings.NewReader(`{"profile":{"goals":"shutdown"}}`))
		req.Header.Set("Authorization", "Bearer "+h.keys["reader"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for h.rec.calls.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	default:
	}
	close(gate)
	if code := <-answered; code != 200 {
		t.Errorf("request in flight at shutdown answered %d", code)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the last request")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}
