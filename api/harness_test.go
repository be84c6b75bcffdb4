package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/internal/redistest"
	"github.com/pdpath/pdpath/api/openapi/openapitest"
	"github.com/pdpath/pdpath/api/ratelimit"
	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feedsync"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/pathstore"
)

// options vary a test server.
type options struct {
	openReader   bool
	allowPrivate bool
	rateLimit    ratelimit.Limit
	// redisURL points the cache at another Redis (a proxy); "" is the test
	// Redis.
	redisURL string
	// memory uses the in-process cache instead of Redis.
	memory  bool
	maxBody int64
	// noModel skips building the recommender model.
	noModel bool
	// pathways is the saved-pathway backend: "" or "bolt" the embedded
	// file, "postgres" the test PostgreSQL (see openPathwayStore).
	pathways string
	// logger receives the server's logs; nil discards them.
	logger *slog.Logger
	// keysDSN opens the key store there (postgres://…); "" is the key
	// file in the catalog directory.
	keysDSN string
}

// harness is a server over a real on-disk catalog in t.TempDir(), ingested
// from testdata/catalog.csv, with the real recommender, key file, pathway
// store, feed registry and a Redis cache, served by httptest.
type harness struct {
	t     *testing.T
	paths pathstore.Store
	dir   string
	cat   *store.Catalog
	rec   *countingRecommender
	srv   *Server
	http  *httptest.Server
	reg   *prometheus.Registry
	feeds *feedsync.Registry
	spec  *openapitest.Validator
	// keys holds one secret per name: reader, coach, coach2, aggregator,
	// aggregator2, admin.
	keys   map[string]string
	keyIDs map[string]string
}

// countingRecommender counts Recommend calls, and can hold them or panic,
// around the real engine.
type countingRecommender struct {
	*recommender.Engine
	calls atomic.Int64
	gate  atomic.Pointer[chan struct{}]
}

func (c *countingRecommender) Recommend(ctx context.Context, p catalog.Profile, opt recommender.RecommendOptions) (recommender.Result, error) {
	c.calls.Add(1)
	if p.Goals == "panic please" {
		panic("deliberate test panic")
	}
	if g := c.gate.Load(); g != nil {
		<-*g
	}
	return c.Engine.Recommend(ctx, p, opt)
}

var specValidator = func() func(t testing.TB) *openapitest.Validator {
	var v *openapitest.Validator
	return func(t testing.TB) *openapitest.Validator {
		t.Helper()
		if v == nil {
			var err error
			if v, err = openapitest.Load(); err != nil {
				t.Fatal(err)
			}
		}
		return v
	}
}()

func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	fetcher := fetch.New(fetch.Policy{AllowPrivate: o.allowPrivate, Timeout: 5 * time.Second})
	cat, err := store.Open(ctx, dir, store.Options{Fetcher: fetcher, CloseDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	if _, err := cat.Ingest(ctx, []string{filepath.Join("testdata", "catalog.csv")}); err != nil {
		t.Fatal(err)
	}
	rec := &countingRecommender{Engine: recommender.New(recommender.Options{Searcher: cat})}
	if !o.noModel {
		if err := rec.Rebuild(ctx, cat.Snapshot()); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := auth.OpenKeys(ctx, o.keysDSN, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	h := &harness{t: t, dir: dir, cat: cat, rec: rec, keys: map[string]string{}, keyIDs: map[string]string{}, spec: specValidator(t)}
	for name, role := range map[string]auth.Role{
		"reader": auth.RoleReader, "coach": auth.RoleCoach, "coach2": auth.RoleCoach,
		"aggregator": auth.RoleAggregator, "aggregator2": auth.RoleAggregator, "admin": auth.RoleAdmin,
	} {
		secret, k, err := keys.Create(ctx, role, auth.CreateOptions{Label: name})
		if err != nil {
			t.Fatal(err)
		}
		h.keys[name], h.keyIDs[name] = secret, k.ID
	}
	paths := openPathwayStore(t, o.pathways, dir)
	h.paths = paths
	feeds, err := feedsync.OpenRegistry(dir, feedsync.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { feeds.Close() })
	h.feeds = feeds

	h.reg = prometheus.NewRegistry()
	cm := cache.NewMetrics(h.reg)
	var c cache.Cache
	if o.memory {
		c = cache.NewMemory(0)
	} else {
		client := redistest.Client(t)
		prefix := redistest.Prefix(t, client)
		if o.redisURL != "" {
			pc, err := cache.DialRedis(o.redisURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pc.Close() })
			client = pc
		}
		c = cache.NewRedis(client, cache.RedisOptions{Prefix: prefix, Metrics: cm})
	}
	var srv *Server
	syncer := feedsync.NewSyncer(feedsync.SyncerConfig{Registry: feeds, Catalog: cat, Fetcher: fetcher,
		Observer: feedsync.ObserverFunc(func(r feedsync.Run) { srv.ObserveRun(r) })})
	srv, err = New(Config{
		Catalog:      cat,
		Recommender:  rec,
		Keys:         keys,
		Pathways:     paths,
		Feeds:        testFeeds{feeds, syncer},
		Cache:        c,
		Registry:     h.reg,
		CacheMetrics: cm,
		OpenReader:   o.openReader,
		RateLimit:    o.rateLimit,
		Fetcher:      fetcher,
		MaxBodyBytes: o.maxBody,
		Logger:       o.logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	h.http = httptest.NewServer(srv.Handler())
	t.Cleanup(h.http.Close)
	return h
}

type testFeeds struct {
	*feedsync.Registry
	*feedsync.Syncer
}

// response is one answer, read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response body %q: %v", r.body, err)
	}
}

// errorCode returns the code of an error body, "" if there is none.
func (r response) errorCode() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// do sends a request as the named key ("" for none) and checks the answer
// against the OpenAPI document: a successful answer's request must be one
// the document allows, and every answer must be one it describes.
func (h *harness) do(method, path, key string, body any) response {
	h.t.Helper()
	return h.doHeader(method, path, key, body, nil)
}

func (h *harness) doHeader(method, path, key string, body any, header http.Header) response {
	h.t.Helper()
	var data []byte
	switch b := body.(type) {
	case nil:
	case string:
		data = []byte(b)
	case []byte:
		data = b
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			h.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, h.http.URL+path, bytes.NewReader(data))
	if err != nil {
		h.t.Fatal(err)
	}
	if data == nil {
		req.Body = nil
		req.ContentLength = 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		secret, ok := h.keys[key]
		if !ok {
			secret = key // a raw secret or a malformed value
		}
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := h.http.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, body: out}
	h.checkSpec(req, data, r)
	return r
}

// checkSpec validates one exchange against the OpenAPI document.
func (h *harness) checkSpec(req *http.Request, reqBody []byte, r response) {
	h.t.Helper()
	if r.status < 400 {
		if err := h.spec.Request(req, reqBody); err != nil {
			h.t.Errorf("a request the server accepted is not allowed by the OpenAPI document: %v", err)
		}
	}
	if err := h.spec.Response(req, reqBody, r.status, r.header, r.body); err != nil {
		// kin-openapi's router ignores a trailing slash and the server does
		// not (it answers 404), so such a path is unknown as well.
		unknown := strings.Contains(err.Error(), "is not in the document") || strings.HasSuffix(req.URL.Path, "/")
		if unknown && (r.status == 404 || r.status == 405) {
			// No operation describes an unknown route or method;
			// the body must still be the Error shape.
			if err := h.spec.ErrorBody(r.body); err != nil {
				h.t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
			}
			return
		}
		h.t.Errorf("the answer is not one the OpenAPI document describes: %v\nbody: %.500s", err, r.body)
	}
	if r.status >= 400 && r.errorCode() == "" {
		h.t.Errorf("%s %s answered %d without a JSON error body: %.200s", req.Method, req.URL.Path, r.status, r.body)
	}
}

// metric sums a counter or gauge family over the labels that match.
func (h *harness) metric(name string, labels map[string]string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.Metric {
			for _, lp := range m.Label {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Histogram != nil:
				sum += float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return sum
}
