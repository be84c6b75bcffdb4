package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pdpath/pdpath/api/internal/redistest"
)

// testServer is a Gin engine with one cached route whose handler counts
// its calls.
type testServer struct {
	engine  *gin.Engine
	calls   atomic.Int64
	version atomic.Int64
	reg     *prometheus.Registry
	// gate, when set, holds the handler until closed.
	gate chan struct{}
	// status is what the handler answers.
	status  atomic.Int64
	noStore atomic.Bool
}

func newTestServer(t *testing.T, c Cache) *testServer {
	gin.SetMode(gin.ReleaseMode)
	ts := &testServer{engine: gin.New(), reg: prometheus.NewRegistry()}
	ts.status.Store(http.StatusOK)
	ts.version.Store(1)
	rc := NewResponseCache(Options{Cache: c, Version: ts.version.Load, Jitter: 0.1, Metrics: NewMetrics(ts.reg)})
	h := func(c *gin.Context) {
		n := ts.calls.Add(1)
		if ts.gate != nil {
			<-ts.gate
		}
		if ts.noStore.Load() {
			c.Set(NoStore, true)
		}
		body := c.Request.URL.RawQuery
		if c.Request.Body != nil {
			body += readAll(c)
		}
		c.Header("X-Extra", "kept")
		c.Data(int(ts.status.Load()), "application/json; charset=utf-8",
			[]byte(fmt.Sprintf(`{"v":%d,"call":%d,"echo":%q}`, ts.version.Load(), n, body)))
	}
	ts.engine.GET("/r", rc.Handler("r", time.Minute), h)
	ts.engine.POST("/r", rc.Handler("r", time.Minute), h)
	return ts
}

func readAll(c *gin.Context) string {
	var sb strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := c.Request.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			return sb.String()
		}
	}
}

func (ts *testServer) do(method, target, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	w := httptest.NewRecorder()
	ts.engine.ServeHTTP(w, req)
	return w
}

func TestResponseCache(t *testing.T) {
	for name, c := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t, c)
			steps := []struct {
				name, method, target, body string
				before                     func()
				wantCache                  string
				wantCalls                  int64
				wantStatus                 int
			}{
				{name: "first GET computes", method: "GET", target: "/r?a=1&b=2", wantCache: "miss", wantCalls: 1},
				{name: "same GET hits", method: "GET", target: "/r?a=1&b=2", wantCache: "hit", wantCalls: 1},
				{name: "query order does not matter", method: "GET", target: "/r?b=2&a=1", wantCache: "hit", wantCalls: 1},
				{name: "other query computes", method: "GET", target: "/r?a=2", wantCache: "miss", wantCalls: 2},
				{name: "POST body computes", method: "POST", target: "/r", body: `{"x": 1, "y": [1, 2]}`, wantCache: "miss", wantCalls: 3},
				{name: "same body other spacing hits", method: "POST", target: "/r", body: `{"x":1,"y":[1,2]}`, wantCache: "hit", wantCalls: 3},
				{name: "other body computes", method: "POST", target: "/r", body: `{"x":2}`, wantCache: "miss", wantCalls: 4},
				{name: "new catalog version computes", method: "GET", target: "/r?a=1&b=2", before: func() { ts.version.Store(2) }, wantCache: "miss", wantCalls: 5},
				{name: "and is then cached", method: "GET", target: "/r?a=1&b=2", wantCache: "hit", wantCalls: 5},
				{name: "errors are not stored", method: "GET", target: "/r?e=1", before: func() { ts.status.Store(400) }, wantCache: "miss", wantCalls: 6, wantStatus: 400},
				{name: "error computed again", method: "GET", target: "/r?e=1", wantCache: "miss", wantCalls: 7, wantStatus: 400},
				{name: "NoStore is honoured", method: "GET", target: "/r?n=1", before: func() { ts.status.Store(200); ts.noStore.Store(true) }, wantCache: "miss", wantCalls: 8},
				{name: "NoStore answer computed again", method: "GET", target: "/r?n=1", before: func() { ts.noStore.Store(false) }, wantCache: "miss", wantCalls: 9},
			}
			for _, s := range steps {
				if s.before != nil {
					s.before()
				}
				w := ts.do(s.method, s.target, s.body)
				want := s.wantStatus
				if want == 0 {
					want = 200
				}
				if w.Code != want {
					t.Errorf("%s: status %d, want %d", s.name, w.Code, want)
				}
				if got := w.Header().Get(HeaderName); got != s.wantCache {
					t.Errorf("%s: X-Cache %q, want %q", s.name, got, s.wantCache)
				}
				if got := ts.calls.Load(); got != s.wantCalls {
					t.Errorf("%s: handler called %d times, want %d", s.name, got, s.wantCalls)
				}
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("%s: Content-Type %q", s.name, ct)
				}
			}
			if got := counterValue(t, ts.reg, "pdpath_cache_lookups_total"); got != float64(len(steps)) {
				t.Errorf("lookups counted %v, want %d", got, len(steps))
			}
		})
	}
}

// TestSingleflight sends N identical requests while the first is still
// computing: the handler runs once and all N get its answer.
func TestSingleflight(t *testing.T) {
	for name, c := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t, c)
			ts.gate = make(chan struct{})
			const n = 20
			var wg sync.WaitGroup
			bodies := make([]string, n)
			for i := range n {
				wg.Go(func() {
					w := ts.do("POST", "/r", `{"same":true}`)
					if w.Code != 200 {
						t.Errorf("request %d: status %d", i, w.Code)
					}
					if w.Header().Get("X-Extra") != "kept" {
						t.Errorf("request %d: handler's header lost", i)
					}
					bodies[i] = w.Body.String()
				})
			}
			// Let every request reach the cache before the first one
			// finishes computing.
			deadline := time.Now().Add(5 * time.Second)
			for ts.calls.Load() < 1 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			close(ts.gate)
			wg.Wait()
			if got := ts.calls.Load(); got != 1 {
				t.Errorf("handler ran %d times for %d concurrent identical requests, want 1", got, n)
			}
			for i, b := range bodies {
				if b != bodies[0] {
					t.Errorf("request %d got %q, request 0 got %q", i, b, bodies[0])
				}
			}
			if got := counterValue(t, ts.reg, "pdpath_cache_shared_total"); got != n-1 {
				t.Errorf("shared answers counted %v, want %d", got, n-1)
			}
		})
	}
}

// TestResponseCacheRedisDown serves through a stopped Redis: every request
// is answered (computed), errors are counted, and caching resumes when Redis
// is back.
func TestResponseCacheRedisDown(t *testing.T) {
	proxy := redistest.NewProxy(t)
	client, err := DialRedis(proxy.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	rc := NewRedis(client, RedisOptions{Prefix: redistest.Prefix(t, redistest.Client(t))})
	ts := newTestServer(t, rc)
	if w := ts.do("GET", "/r?k=1", ""); w.Header().Get(HeaderName) != "miss" {
		t.Fatal("first request not a miss")
	}
	proxy.Stop()
	for i := range 5 {
		w := ts.do("GET", "/r?k=1", "")
		if w.Code != 200 || w.Header().Get(HeaderName) != "miss" {
			t.Errorf("request %d with Redis down: %d %s", i, w.Code, w.Header().Get(HeaderName))
		}
	}
	if got := counterValue(t, ts.reg, "pdpath_cache_lookups_total"); got != 6 {
		t.Errorf("lookups %v, want 6", got)
	}
	proxy.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		w := ts.do("GET", "/r?k=1", "")
		if w.Header().Get(HeaderName) == "hit" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the response cache did not use Redis again after it came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTTLJitter(t *testing.T) {
	rc := NewResponseCache(Options{Cache: NewMemory(0), Jitter: 0.1})
	base := 10 * time.Minute
	seen := map[time.Duration]bool{}
	for range 200 {
		d := rc.ttl(base)
		if d < 9*time.Minute || d > 11*time.Minute {
			t.Fatalf("ttl %v outside ±10%% of %v", d, base)
		}
		seen[d] = true
	}
	if len(seen) < 50 {
		t.Errorf("only %d distinct TTLs in 200: no jitter", len(seen))
	}
}

// TestKeyCompactsBody checks that a request's key covers its body exactly
// as json.Compact has it (or as sent, when it is not JSON), whether the
// body needed compacting or was sent compact already.
func TestKeyCompactsBody(t *testing.T) {
	rc := NewResponseCache(Options{Version: func() int64 { return 7 }})
	cases := []struct{ name, body string }{
		{"empty", ""},
		{"compact", `{"profile":{"goals":"lead better classroom discussion"},"limit":5}`},
		{"spaced", `{"profile": {"goals": "lead better classroom discussion"}, "limit": 5}`},
		{"line breaks and tabs", "{\n\t\"limit\":\r\n 5\n}\n"},
		{"escaped quote before a space", `{"goals":"say \"hi\" now","limit":5}`},
		{"escaped quote, then a space outside", `{"a":"x\"","b": 1}`},
		{"escaped backslash ends the string", `{"a":"x\\","b": 1}`},
		{"unicode escape", `{"a":"\u0020 \u00e9"}`},
		{"not JSON, no spaces", `{"a":`},
		{"not JSON, spaces", `{"a": tru e}`},
		{"unterminated string", `{"a":"x y`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want bytes.Buffer
			want.WriteString("POST\x00/r\x00a=1&b=2\x00")
			if c.body != "" && json.Compact(&want, []byte(c.body)) != nil {
				want.Truncate(len("POST\x00/r\x00a=1&b=2\x00"))
				want.WriteString(c.body)
			}
			sum := sha256.Sum256(want.Bytes())
			wantKey := "resp:r:v7:" + hex.EncodeToString(sum[:16])

			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req := httptest.NewRequest("POST", "/r?b=2&a=1", body)
			buf := &reqBuf{}
			key, got, err := rc.key("resp:r:v", buf, req)
			if err != nil {
				t.Fatal(err)
			}
			if key != wantKey {
				t.Errorf("key %s, want %s", key, wantKey)
			}
			if string(got) != c.body {
				t.Errorf("body read %q, want %q", got, c.body)
			}
		})
	}
}
