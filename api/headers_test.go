package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestSecurityHeaders reproduces answers without nosniff and the usual
// security headers, on success, client errors and operations routes alike.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct{ method, path, key string }{
		{"GET", "/healthz", ""},
		{"GET", "/v1/credentials?q=udl", "reader"},
		{"GET", "/v1/credentials/no-such-id", "reader"},
		{"GET", "/v1/credentials", ""},
		{"GET", "/no/such/route", ""},
		{"GET", "/openapi.json", ""},
	} {
		r := h.do(tt.method, tt.path, tt.key, nil)
		for name, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
			"Content-Security-Policy": "frame-ancestors 'none'",
		} {
			if got := r.header.Get(name); !strings.Contains(got, want) {
				t.Errorf("%s %s (%d): %s = %q, want %q", tt.method, tt.path, r.status, name, got, want)
			}
		}
	}
}

// TestKeyLabelLimit reproduces a 100,000-byte key label being accepted.
func TestKeyLabelLimit(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct {
		label string
		want  int
	}{
		{"district PD office", http.StatusCreated},
		{strings.Repeat("é", 200), http.StatusCreated},
		{strings.Repeat("x", 201), http.StatusBadRequest},
		{strings.Repeat("x", 100000), http.StatusBadRequest},
		{"line\\nbreak", http.StatusBadRequest},
	} {
		r := h.do("POST", "/v1/keys", "admin", `{"role":"reader","label":"`+tt.label+`"}`)
		if r.status != tt.want {
			t.Errorf("label of %d bytes: %d %.200s; want %d", len(tt.label), r.status, r.body, tt.want)
		}
	}
}

// TestEveryAnswerSaysWhetherItIsCached: X-Cache is hit on an answer the
// cache replays and miss on every other, pages, operations routes and
// refusals included.
func TestEveryAnswerSaysWhetherItIsCached(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct {
		method, path, key string
		want              string
	}{
		{"GET", "/healthz", "", "miss"},
		{"GET", "/openapi.json", "", "miss"},
		{"GET", "/v1/credentials?q=udl&limit=3", "reader", "miss"},
		{"GET", "/v1/credentials?q=udl&limit=3", "reader", "hit"},
		{"GET", "/v1/credentials?limit=abc", "reader", "miss"},
		{"GET", "/v1/credentials", "", "miss"},
		{"GET", "/v1/pathways", "reader", "miss"},
		{"GET", "/no/such/route", "", "miss"},
	} {
		r := h.do(tt.method, tt.path, tt.key, nil)
		if got := r.header.Get("X-Cache"); got != tt.want {
			t.Errorf("%s %s (%d): X-Cache = %q, want %q", tt.method, tt.path, r.status, got, tt.want)
		}
	}
	// The web pages are not in the OpenAPI document the harness checks
	// answers against: asked for as a browser would. A page built only
	// from answers the cache replayed says hit; any other says miss.
	h = newHarness(t, options{memory: true, openReader: true})
	for _, tt := range []struct{ path, want string }{
		{"/", "miss"},     // the framework list, computed
		{"/coach", "hit"}, // the same list, replayed
		{"/feeds", "miss"},
		{"/catalog?q=udl", "miss"},
		{"/catalog?q=udl", "hit"},
		{"/catalog?q=engagement", "miss"},
		{"/credentials/udl-engagement", "miss"},
	} {
		resp, err := http.Get(h.http.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Cache"); got != tt.want {
			t.Errorf("GET %s (%d): X-Cache = %q, want %q", tt.path, resp.StatusCode, got, tt.want)
		}
	}
}

// TestForbiddenNamesTheRole: a refusal for a key of the wrong role reads
// as a sentence ("an aggregator key", not "a aggregator key").
func TestForbiddenNamesTheRole(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct{ method, path, key, want string }{
		{"GET", "/v1/pathways", "aggregator", "an aggregator key may not use this route (it needs coach)"},
		{"GET", "/v1/pathways", "admin", ""},
		{"GET", "/v1/feeds", "coach", "a coach key may not use this route (it needs aggregator)"},
		{"GET", "/v1/keys", "reader", "a reader key may not use this route (it needs admin)"},
	} {
		r := h.do(tt.method, tt.path, tt.key, nil)
		if tt.want == "" {
			if r.status != http.StatusOK {
				t.Errorf("%s %s as %s: %d %s", tt.method, tt.path, tt.key, r.status, r.body)
			}
			continue
		}
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), tt.want) {
			t.Errorf("%s %s as %s: %d %s; want 403 saying %q", tt.method, tt.path, tt.key, r.status, r.body, tt.want)
		}
	}
}
