package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/internal/redistest"
	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/indexer/synth"
	"github.com/pdpath/pdpath/recommender"
)

// The cached-recommendation target: throughput at least 0.8× a bare Gin
// handler that serves the same bytes from the same Redis. Run both in one
// go so they share the machine and its load:
//
//	go test -run '^$' -bench 'CachedRecommendation|BareGinRedis' ./api/
//
// Both serve over a loopback listener (httptest) to a keep-alive client
// with 8×GOMAXPROCS requests in flight; ns/op is wall time per request, so
// throughput is 1e9/ns-op requests a second.

const benchBody = `{"profile":{"goals":"lead better classroom discussion","gaps":[{"framework":"InTASC","code":"8"}]},"limit":5}`

// benchServer is the full server over the test catalog with a Redis cache.
type benchServer struct {
	url, key string
	redisKey string // the Redis key of benchBody's cached answer
	body     []byte // that answer
	client   *http.Client
	redis    *cache.Redis
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	cat, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cat.Close() })
	if _, err := cat.Ingest(ctx, []string{filepath.Join("testdata", "catalog.csv")}); err != nil {
		b.Fatal(err)
	}
	eng := recommender.New(recommender.Options{Searcher: cat})
	if err := eng.Rebuild(ctx, cat.Snapshot()); err != nil {
		b.Fatal(err)
	}
	keys, err := auth.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := keys.Create(ctx, auth.RoleReader, auth.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	raw := redistest.Client(b)
	prefix := redistest.Prefix(b, raw)
	client, err := cache.DialRedis(redistest.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close() })
	rc := cache.NewRedis(client, cache.RedisOptions{Prefix: prefix})
	srv, err := New(Config{Catalog: cat, Recommender: eng, Keys: keys, Cache: rc})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	bs := &benchServer{url: ts.URL, key: secret, client: benchClient(), redis: rc}
	// Warm the cache and find the entry it wrote.
	if status, xc := bs.post(b, ts.URL+"/v1/recommendations"); status != 200 || xc != "miss" {
		b.Fatalf("warm-up: %d %s", status, xc)
	}
	ks, err := raw.Keys(ctx, prefix+"resp:recommendations:*").Result()
	if err != nil || len(ks) != 1 {
		b.Fatalf("cached entries %v, %v; want exactly one", ks, err)
	}
	bs.redisKey = ks[0]
	if bs.body, err = raw.Get(ctx, ks[0]).Bytes(); err != nil {
		b.Fatal(err)
	}
	return bs
}

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}}
}

func (bs *benchServer) post(b *testing.B, url string) (int, string) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte(benchBody)))
	req.Header.Set("Authorization", "Bearer "+bs.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := bs.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get(cache.HeaderName)
}

// hammer sends b.N requests to url from parallel clients. Answers other
// than 200 fail the benchmark; for the cached route it also reports the
// share of answers that were not hits (computed because Redis was slow to
// answer under load: the cache fails open).
func (bs *benchServer) hammer(b *testing.B, url string, cached bool) {
	b.SetParallelism(8)
	b.ReportAllocs()
	var failed, missed atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			status, xc := bs.post(b, url)
			if status != 200 {
				failed.Add(1)
			}
			if cached && xc != "hit" {
				missed.Add(1)
			}
		}
	})
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d answers were not 200", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if cached {
		b.ReportMetric(100*float64(missed.Load())/float64(b.N), "miss-%")
	}
}

// burst sends n requests to url from c concurrent clients and returns how
// long they took.
func (bs *benchServer) burst(b *testing.B, url string, n, c int) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if status, _ := bs.post(b, url); status != 200 {
					b.Errorf("%s answered %d", url, status)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkCachedRecommendation is POST /v1/recommendations answered from
// Redis through the whole server: key check, rate limit, body read and
// hash, cache lookup, logging middleware and metrics.
func BenchmarkCachedRecommendation(b *testing.B) {
	bs := newBenchServer(b)
	bs.hammer(b, bs.url+"/v1/recommendations", true)
}

// BenchmarkBareGinRedis is the baseline: a Gin handler with nothing but a
// Redis GET of the very entry BenchmarkCachedRecommendation serves, through
// a client with the same settings.
func BenchmarkBareGinRedis(b *testing.B) {
	bs := newBenchServer(b)
	bs.hammer(b, bs.bareServer(b)+"/bare", false)
}

// bareServer starts the baseline Gin server and returns its URL.
func (bs *benchServer) bareServer(b *testing.B) string {
	client, err := cache.DialRedis(redistest.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close() })
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.POST("/bare", func(c *gin.Context) {
		v, err := client.Get(c.Request.Context(), bs.redisKey).Bytes()
		if err != nil {
			c.Status(500)
			return
		}
		c.Data(200, "application/json; charset=utf-8", v)
	})
	ts := httptest.NewServer(e)
	b.Cleanup(ts.Close)
	return ts.URL
}

// BenchmarkCachedVsBare measures both in alternating rounds of 500
// requests (16 in flight), so load from anything else on the machine falls
// on both alike, and reports each one's throughput and their ratio
// (cached/bare; the target is ≥ 0.8). b.N counts requests to each server.
//
//	go test -run '^$' -bench CachedVsBare -benchtime 20000x ./api/
func BenchmarkCachedVsBare(b *testing.B) {
	bs := newBenchServer(b)
	cachedURL, bareURL := bs.url+"/v1/recommendations", bs.bareServer(b)+"/bare"
	// Warm both connection pools.
	bs.burst(b, cachedURL, 200, 16)
	bs.burst(b, bareURL, 200, 16)
	const round, inFlight = 500, 16
	var cached, bare time.Duration
	b.ResetTimer()
	for done, i := 0, 0; done < b.N; i++ {
		n := min(round, b.N-done)
		if i%2 == 0 {
			cached += bs.burst(b, cachedURL, n, inFlight)
			bare += bs.burst(b, bareURL, n, inFlight)
		} else {
			bare += bs.burst(b, bareURL, n, inFlight)
			cached += bs.burst(b, cachedURL, n, inFlight)
		}
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/cached.Seconds(), "cached-req/s")
	b.ReportMetric(float64(b.N)/bare.Seconds(), "bare-req/s")
	b.ReportMetric(bare.Seconds()/cached.Seconds(), "cached/bare")
}

// BenchmarkUncachedRecommendation10k is POST /v1/recommendations on 10,000
// synthetic credentials with every request a different educator (so every
// one is a miss and computed), under parallel load. It reports throughput
// and the 50th and 99th latency percentiles.
//
//	go test -run '^$' -bench UncachedRecommendation10k -benchtime 2000x ./api/
func BenchmarkUncachedRecommendation10k(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	dir := b.TempDir()
	csvPath := filepath.Join(b.TempDir(), "synth.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.WriteCSV(f, synth.Generate(n, 1)); err != nil {
		b.Fatal(err)
	}
	f.Close()
	start := time.Now()
	cat, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer cat.Close()
	if _, err := cat.Ingest(ctx, []string{csvPath}); err != nil {
		b.Fatal(err)
	}
	ingested := time.Since(start)
	eng := recommender.New(recommender.Options{Searcher: cat})
	start = time.Now()
	if err := eng.Rebuild(ctx, cat.Snapshot()); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d credentials: ingest %v, model build %v", n, ingested.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	keys, err := auth.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := keys.Create(ctx, auth.RoleReader, auth.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	raw := redistest.Client(b)
	rc := cache.NewRedis(raw, cache.RedisOptions{Prefix: redistest.Prefix(b, raw)})
	srv, err := New(Config{Catalog: cat, Recommender: eng, Keys: keys, Cache: rc})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client := benchClient()

	profiles := synth.Profiles(max(b.N, 1), n, 7)
	bodies := make([][]byte, len(profiles))
	for i, p := range profiles {
		p.ID = fmt.Sprintf("bench-%d-%d", b.N, i) // unique: every request a miss
		bodies[i], _ = json.Marshal(map[string]any{"profile": p, "limit": 10})
	}
	var next atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var bad atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 256)
		for pb.Next() {
			body := bodies[int(next.Add(1)-1)%len(bodies)]
			req, _ := http.NewRequest("POST", ts.URL+"/v1/recommendations", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+secret)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				bad.Add(1)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			local = append(local, time.Since(t0))
			if resp.StatusCode != 200 || resp.Header.Get(cache.HeaderName) != "miss" {
				bad.Add(1)
			}
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	b.StopTimer()
	if n := bad.Load(); n > 0 {
		b.Fatalf("%d requests failed or were not computed", n)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
