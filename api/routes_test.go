package api

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestRouteTableMatchesDocument checks that the server registers exactly
// the operations the OpenAPI document describes.
func TestRouteTableMatchesDocument(t *testing.T) {
	h := newHarness(t, options{memory: true})
	var served []string
	for _, r := range h.srv.table() {
		p := r.path
		p = strings.Replace(p, "*id", "{id}", 1)
		p = strings.ReplaceAll(p, ":id", "{id}")
		served = append(served, r.method+" "+p)
	}
	slices.Sort(served)
	documented := h.spec.Operations()
	if !slices.Equal(served, documented) {
		t.Errorf("routes and OpenAPI operations differ\nserved:     %v\ndocumented: %v", served, documented)
	}
}

// TestReaderRoutes runs the read routes' happy and error paths; every
// exchange is checked against the OpenAPI document by harness.do.
func TestReaderRoutes(t *testing.T) {
	h := newHarness(t, options{})
	const uriID = "https://badges.example.org/udl-expression"
	backpack := map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:1",
		"recipient": map[string]any{"type": "email", "identity": "t@example.org", "hashed": false},
		"badge":     "disc-protocols", "issuedOn": "2026-01-01T00:00:00Z",
		"verification": map[string]any{"type": "hosted"},
	}
	tests := []struct {
		name, method, path string
		body               any
		key                string
		wantStatus         int
		wantCode           string
		check              func(t *testing.T, r response)
	}{
		{name: "search", method: "GET", path: "/v1/credentials?q=discussion", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var s searchResponse
				r.json(t, &s)
				if s.Total < 3 || len(s.Hits) == 0 || s.Hits[0].Title == "" || s.Hits[0].Issuer == "" {
					t.Errorf("search discussion = %+v", s)
				}
				if len(s.Facets["issuer"]) == 0 || len(s.Facets["framework"]) == 0 {
					t.Errorf("no facets: %v", s.Facets)
				}
			}},
		{name: "empty query lists the catalog", method: "GET", path: "/v1/credentials?q=&limit=100", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var s searchResponse
				r.json(t, &s)
				if s.Total != 12 || len(s.Hits) != 12 {
					t.Errorf("total %d, %d hits; want 12", s.Total, len(s.Hits))
				}
			}},
		{name: "framework guideline includes checkpoints", method: "GET", path: "/v1/credentials?framework=UDL&code=7", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var s searchResponse
				r.json(t, &s)
				ids := hitIDs(s)
				if !slices.Contains(ids, "udl-engagement") || !slices.Contains(ids, "udl-foundations") {
					t.Errorf("UDL:7 hits %v, want udl-engagement (7.1) and udl-foundations (7)", ids)
				}
			}},
		{name: "cost filter", method: "GET", path: "/v1/credentials?max_cost_usd=20&limit=100", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var s searchResponse
				r.json(t, &s)
				for _, h := range s.Hits {
					if h.CostUSD != nil && *h.CostUSD > 20 {
						t.Errorf("%s costs %v, over the 20 filter", h.ID, *h.CostUSD)
					}
				}
				if len(s.Hits) == 0 {
					t.Error("no hits")
				}
			}},
		{name: "paging", method: "GET", path: "/v1/credentials?q=&limit=5&offset=10", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var s searchResponse
				r.json(t, &s)
				if s.Total != 12 || len(s.Hits) != 2 {
					t.Errorf("page 3 of 5: total %d, %d hits", s.Total, len(s.Hits))
				}
			}},
		{name: "limit out of range", method: "GET", path: "/v1/credentials?limit=0", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "limit too large", method: "GET", path: "/v1/credentials?limit=101", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "negative hours", method: "GET", path: "/v1/credentials?max_hours=-1", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "unknown parameter", method: "GET", path: "/v1/credentials?colour=red", wantStatus: 400, wantCode: CodeBadRequest},

		{name: "credential", method: "GET", path: "/v1/credentials/disc-socratic", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var c struct {
					ID, Title, Status string
					Prerequisites     []string
					Sources           []string
				}
				r.json(t, &c)
				if c.ID != "disc-socratic" || c.Status != "active" || !slices.Equal(c.Prerequisites, []string{"disc-protocols"}) {
					t.Errorf("credential = %+v", c)
				}
				if len(c.Sources) != 0 {
					t.Errorf("credential shows its sources %v (server paths)", c.Sources)
				}
			}},
		{name: "credential with a URI id, path-escaped", method: "GET", path: "/v1/credentials/" + url.PathEscape(uriID), wantStatus: 200,
			check: func(t *testing.T, r response) {
				var c struct{ ID string }
				r.json(t, &c)
				if c.ID != uriID {
					t.Errorf("id %q, want %q", c.ID, uriID)
				}
			}},
		{name: "unknown credential", method: "GET", path: "/v1/credentials/no-such-thing", wantStatus: 404, wantCode: CodeNotFound},

		{name: "frameworks", method: "GET", path: "/v1/frameworks", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var f frameworksResponse
				r.json(t, &f)
				var names []string
				for _, fw := range f.Frameworks {
					names = append(names, fw.Name)
				}
				for _, want := range []string{"InTASC", "UDL", "FFT", "ISTE-E"} {
					if !slices.Contains(names, want) {
						t.Errorf("frameworks %v lack %s", names, want)
					}
				}
			}},

		{name: "recommendations", method: "POST", path: "/v1/recommendations", wantStatus: 200,
			body: `{"profile":{"goals":"lead better class discussion","gaps":[{"framework":"InTASC","code":"8"}]},"limit":3}`,
			check: func(t *testing.T, r response) {
				var res struct {
					Items []struct {
						ID      string
						Reasons []string
					}
				}
				r.json(t, &res)
				if len(res.Items) == 0 || len(res.Items) > 3 {
					t.Fatalf("%d items, want 1..3", len(res.Items))
				}
				for _, it := range res.Items {
					if len(it.Reasons) == 0 {
						t.Errorf("%s has no reasons", it.ID)
					}
				}
			}},
		{name: "empty profile gets suggestions", method: "POST", path: "/v1/recommendations", body: `{}`, wantStatus: 200,
			check: func(t *testing.T, r response) {
				var res struct{ Items []struct{ ID string } }
				r.json(t, &res)
				if len(res.Items) == 0 {
					t.Error("no suggestions for an empty profile")
				}
			}},
		{name: "backpack adds to earned", method: "POST", path: "/v1/recommendations", wantStatus: 200,
			body: map[string]any{"profile": map[string]any{"goals": "discussion protocols"}, "backpack": backpack, "limit": 12},
			check: func(t *testing.T, r response) {
				var res struct{ Items []struct{ ID string } }
				r.json(t, &res)
				for _, it := range res.Items {
					if it.ID == "disc-protocols" {
						t.Error("a credential in the backpack was recommended")
					}
				}
			}},
		{name: "unknown profile field", method: "POST", path: "/v1/recommendations", body: `{"profile":{"goalz":"x"}}`, wantStatus: 400, wantCode: CodeBadRequest,
			check: func(t *testing.T, r response) {
				if !strings.Contains(string(r.body), "goalz") {
					t.Errorf("error does not name the field: %s", r.body)
				}
			}},
		{name: "unknown top-level field", method: "POST", path: "/v1/recommendations", body: `{"profil":{}}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "malformed JSON", method: "POST", path: "/v1/recommendations", body: `{"profile":`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "empty body", method: "POST", path: "/v1/recommendations", body: ``, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "trailing data", method: "POST", path: "/v1/recommendations", body: `{} {}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "limit zero", method: "POST", path: "/v1/recommendations", body: `{"limit":0}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "wrong type", method: "POST", path: "/v1/recommendations", body: `{"limit":"ten"}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "unknown gap framework", method: "POST", path: "/v1/recommendations", body: `{"profile":{"gaps":[{"framework":"Nope","code":"1"}]}}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "backpack without badges", method: "POST", path: "/v1/recommendations", body: `{"backpack":{"type":"Nothing"}}`, wantStatus: 400, wantCode: CodeBadRequest},

		{name: "plan", method: "POST", path: "/v1/plans", wantStatus: 200,
			body: `{"targets":[{"framework":"UDL","code":"7"}],"constraints":{"start":"2027-01","hours_per_month":10}}`,
			check: func(t *testing.T, r response) {
				var p struct {
					Steps []struct {
						ID, Month string
						Requires  []string
					}
					Covered []string
				}
				r.json(t, &p)
				if len(p.Steps) == 0 || !slices.Contains(p.Covered, "UDL:7") {
					t.Errorf("plan = %+v, want UDL:7 covered", p)
				}
				seen := map[string]bool{}
				for _, s := range p.Steps {
					for _, req := range s.Requires {
						if !seen[req] {
							t.Errorf("step %s requires %s, not earlier in the plan", s.ID, req)
						}
					}
					seen[s.ID] = true
				}
			}},
		{name: "plan with goal credential", method: "POST", path: "/v1/plans", body: `{"goal_credentials":["tech-coach"]}`, wantStatus: 200,
			check: func(t *testing.T, r response) {
				var p struct{ Steps []struct{ ID string } }
				r.json(t, &p)
				if len(p.Steps) != 2 || p.Steps[0].ID != "tech-integration" {
					t.Errorf("steps %+v, want tech-integration then tech-coach", p.Steps)
				}
			}},
		{name: "plan target without code", method: "POST", path: "/v1/plans", body: `{"targets":[{"framework":"UDL"}]}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "plan unknown field", method: "POST", path: "/v1/plans", body: `{"target":[]}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "plan bad month", method: "POST", path: "/v1/plans", body: `{"constraints":{"start":"January"}}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "plan empty body", method: "POST", path: "/v1/plans", body: ``, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "plan unknown framework", method: "POST", path: "/v1/plans", body: `{"targets":[{"framework":"FFTX","code":"3b"}]}`, wantStatus: 400, wantCode: CodeBadRequest,
			check: func(t *testing.T, r response) {
				if !strings.Contains(string(r.body), "FFTX") {
					t.Errorf("error does not name the target: %s", r.body)
				}
			}},
		{name: "plan unknown code", method: "POST", path: "/v1/plans", body: `{"targets":[{"framework":"UDL","code":"7.9"}]}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "plan absurd pace", method: "POST", path: "/v1/plans", body: `{"constraints":{"hours_per_month":1e9}}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "bare profile gets the wrapping hint", method: "POST", path: "/v1/recommendations",
			body: `{"id":"t1","goals":"discussion"}`, wantStatus: 400, wantCode: CodeBadRequest,
			check: wantMessage(`wrap it as {"profile": {...}}`, true)},
		{name: "wrapped profile with a typo gets no wrapping hint", method: "POST", path: "/v1/recommendations",
			body: `{"profile":{"goals":"x"},"limt":3}`, wantStatus: 400, wantCode: CodeBadRequest,
			check: wantMessage(`wrap it`, false)},
		{name: "syntax error names line and column", method: "POST", path: "/v1/recommendations",
			body: "{\n  \"profile\": }\n", wantStatus: 400, wantCode: CodeBadRequest,
			check: wantMessage("line 2, column 14", true)},

		{name: "no key", method: "GET", path: "/v1/credentials", key: "-", wantStatus: 401, wantCode: CodeUnauthorized},
		{name: "unknown key", method: "GET", path: "/v1/frameworks", key: "pdp_not-a-key", wantStatus: 401, wantCode: CodeUnauthorized},
		{name: "wrong method", method: "DELETE", path: "/v1/credentials", wantStatus: 405, wantCode: CodeMethodNotAllowed},
		{name: "wrong method on operations", method: "POST", path: "/healthz", wantStatus: 405, wantCode: CodeMethodNotAllowed},
		{name: "unknown route", method: "GET", path: "/v2/everything", wantStatus: 404, wantCode: CodeNotFound},
		{name: "trailing slash is not a redirect", method: "GET", path: "/v1/frameworks/", wantStatus: 404, wantCode: CodeNotFound},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			h.t = t
			key := test.key
			switch key {
			case "":
				key = "reader"
			case "-":
				key = ""
			}
			r := h.do(test.method, test.path, key, test.body)
			if r.status != test.wantStatus {
				t.Fatalf("status %d, want %d; body %.300s", r.status, test.wantStatus, r.body)
			}
			if test.wantCode != "" && r.errorCode() != test.wantCode {
				t.Errorf("error code %q, want %q (%s)", r.errorCode(), test.wantCode, r.body)
			}
			if r.status == 405 && r.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
			if r.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if test.check != nil {
				test.check(t, r)
			}
		})
	}
}

// wantMessage checks whether an error message holds part.
func wantMessage(part string, want bool) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		r.json(t, &e)
		if strings.Contains(e.Error.Message, part) != want {
			t.Errorf("message %q: holds %q = %v, want %v", e.Error.Message, part, !want, want)
		}
	}
}

func hitIDs(s searchResponse) []string {
	var ids []string
	for _, h := range s.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestOperationsRoutes(t *testing.T) {
	h := newHarness(t, options{})
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		r := h.do("GET", path, "", nil)
		if r.status != 200 {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	var ready readiness
	h.do("GET", "/readyz", "", nil).json(t, &ready)
	if ready.CatalogVersion != 1 || ready.ModelVersion != 1 || ready.Cache != "redis" || !ready.CacheUp {
		t.Errorf("readyz = %+v", ready)
	}
	// A request to measure, then the metrics page must carry the
	// families the issue lists.
	h.do("GET", "/v1/frameworks", "reader", nil)
	page := string(h.do("GET", "/metrics", "", nil).body)
	for _, name := range []string{
		`pdpath_http_request_duration_seconds_bucket{code="200",method="GET",route="/v1/frameworks"`,
		"pdpath_cache_lookups_total", "pdpath_catalog_version 1", "pdpath_model_catalog_version 1",
		"pdpath_cache_backend_up",
	} {
		if !strings.Contains(page, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func TestNotReadyUntilModelBuilt(t *testing.T) {
	var logs lockedBuffer
	h := newHarness(t, options{noModel: true, memory: true, logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if r := h.do("GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable || r.errorCode() != CodeUnavailable {
		t.Fatalf("readyz before the model: %d %s", r.status, r.body)
	}
	if r := h.do("POST", "/v1/recommendations", "reader", `{}`); r.status != http.StatusServiceUnavailable {
		t.Errorf("recommendations before the model: %d %s", r.status, r.body)
	}
	// The request noticed the missing model and scheduled a build.
	if err := h.rec.Wait(); err != nil {
		t.Fatal(err)
	}
	if r := h.do("GET", "/readyz", "", nil); r.status != 200 {
		t.Errorf("readyz after the build: %d %s", r.status, r.body)
	}
	// Probes poll /readyz while the model builds: expected, not an error.
	if out := logs.String(); !strings.Contains(out, "status=503") || strings.Contains(out, "level=ERROR") || strings.Contains(out, "level=WARN") {
		t.Errorf("a not-ready answer is logged as a fault, or not at all:\n%s", out)
	}
}

// lockedBuffer is a log sink safe to read while the server writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, options{maxBody: 1024, memory: true})
	big := fmt.Sprintf(`{"profile":{"goals":%q}}`, strings.Repeat("a", 2000))
	r := h.do("POST", "/v1/recommendations", "reader", big)
	if r.status != http.StatusRequestEntityTooLarge || r.errorCode() != CodeTooLarge {
		t.Fatalf("oversize body: %d %s", r.status, r.body)
	}
	// Without a declared length the limit still holds.
	req, _ := http.NewRequest("POST", h.http.URL+"/v1/plans", strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+h.keys["reader"])
	resp, err := h.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversize body: %d", resp.StatusCode)
	}
}

func TestPanicIsA500(t *testing.T) {
	h := newHarness(t, options{memory: true})
	r := h.do("POST", "/v1/recommendations", "reader", `{"profile":{"goals":"panic please"}}`)
	if r.status != 500 || r.errorCode() != CodeInternal {
		t.Fatalf("panic: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), r.header.Get("X-Request-ID")) {
		t.Errorf("500 message %s does not carry the request id %s", r.body, r.header.Get("X-Request-ID"))
	}
	// The server still serves.
	if r := h.do("GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("after a panic: %d", r.status)
	}
}

func TestOpenReader(t *testing.T) {
	h := newHarness(t, options{openReader: true, memory: true})
	if r := h.do("GET", "/v1/credentials?q=udl", "", nil); r.status != 200 {
		t.Errorf("keyless read on an open server: %d %s", r.status, r.body)
	}
	// Open to readers does not open the other roles' routes.
	for _, c := range []struct{ method, path string }{{"GET", "/v1/keys"}, {"GET", "/v1/feeds"}, {"GET", "/v1/pathways"}} {
		if r := h.do(c.method, c.path, "", nil); r.status != 401 {
			t.Errorf("keyless %s %s on an open server: %d", c.method, c.path, r.status)
		}
	}
	// A bad key is still refused rather than treated as anonymous.
	if r := h.do("GET", "/v1/frameworks", "pdp_wrong", nil); r.status != 401 {
		t.Errorf("bad key on an open server: %d", r.status)
	}
}

func init() { gin.SetMode(gin.ReleaseMode) }

// TestHeadAnswersLikeGet: every GET route, the probes and pages included,
// answers HEAD with GET's status and headers and no body; a route without
// GET still refuses HEAD.
func TestHeadAnswersLikeGet(t *testing.T) {
	h := newHarness(t, options{})
	send := func(method, path, key string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, h.http.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+h.keys[key])
		}
		resp, err := h.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	tests := []struct {
		path, key  string
		wantStatus int
	}{
		{"/healthz", "", http.StatusOK},
		{"/readyz", "", http.StatusOK},
		{"/openapi.json", "", http.StatusOK},
		{"/metrics", "", http.StatusOK},
		{"/v1/frameworks", "reader", http.StatusOK},
		{"/v1/credentials?q=discussion", "reader", http.StatusOK},
		{"/v1/frameworks", "", http.StatusUnauthorized},
		{"/v1/keys", "admin", http.StatusOK},
		{"/", "", http.StatusOK},
		{"/catalog", "", http.StatusUnauthorized}, // the sign-in page
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.key, func(t *testing.T) {
			get, _ := send(http.MethodGet, tt.path, tt.key)
			head, body := send(http.MethodHead, tt.path, tt.key)
			if get.StatusCode != tt.wantStatus || head.StatusCode != get.StatusCode {
				t.Errorf("GET %d, HEAD %d; want both %d", get.StatusCode, head.StatusCode, tt.wantStatus)
			}
			if len(body) != 0 {
				t.Errorf("HEAD answered with a %d-byte body", len(body))
			}
			if g, hd := get.Header.Get("Content-Type"), head.Header.Get("Content-Type"); g != hd {
				t.Errorf("Content-Type: GET %q, HEAD %q", g, hd)
			}
		})
	}
	t.Run("a POST-only route refuses HEAD", func(t *testing.T) {
		resp, _ := send(http.MethodHead, "/v1/recommendations", "reader")
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("HEAD /v1/recommendations = %d, want 405", resp.StatusCode)
		}
	})
}
