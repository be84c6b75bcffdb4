package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestSearchCodeFacetValueFilters: the code facet names codes as
// FRAMEWORK:CODE; sending such a value back as code= filters by it, as
// framework= and code= apart do, instead of matching nothing.
func TestSearchCodeFacetValueFilters(t *testing.T) {
	h := newHarness(t, options{memory: true})
	var facets searchResponse
	h.do("GET", "/v1/credentials?q=&limit=1", "reader", nil).json(t, &facets)
	found := false
	for _, f := range facets.Facets["code"] {
		found = found || f.Value == "UDL:7"
	}
	if !found {
		t.Fatalf("no UDL:7 among the code facet's values: %v", facets.Facets["code"])
	}
	var apart searchResponse
	h.do("GET", "/v1/credentials?framework=UDL&code=7&limit=100", "reader", nil).json(t, &apart)
	for _, path := range []string{
		"/v1/credentials?code=UDL:7&limit=100",
		"/v1/credentials?code=udl:7&limit=100",
		"/v1/credentials?framework=UDL&code=UDL:7&limit=100",
	} {
		var got searchResponse
		h.do("GET", path, "reader", nil).json(t, &got)
		if got.Total == 0 || got.Total != apart.Total || !slices.Equal(hitIDs(got), hitIDs(apart)) {
			t.Errorf("%s: %d hits %v; framework=UDL&code=7 gives %d %v", path, got.Total, hitIDs(got), apart.Total, hitIDs(apart))
		}
	}
	// Another framework named apart still wins: nothing is both.
	var other searchResponse
	h.do("GET", "/v1/credentials?framework=FFT&code=UDL:7&limit=100", "reader", nil).json(t, &other)
	if other.Total != 0 {
		t.Errorf("framework=FFT&code=UDL:7 matched %v", hitIDs(other))
	}
}

// TestBodyNotAnObject: a body that is JSON but not an object is a 400
// that says so, without naming the Go type it was meant to fill.
func TestBodyNotAnObject(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct{ method, path, key, body, want string }{
		{"POST", "/v1/recommendations", "reader", `[]`, "must be a JSON object, got array"},
		{"POST", "/v1/recommendations/why-not", "reader", `[1]`, "must be a JSON object, got array"},
		{"POST", "/v1/plans", "reader", `[1]`, "must be a JSON object, got an array"},
		{"POST", "/v1/pathways", "coach", `"x"`, "must be a JSON object, got string"},
		{"POST", "/v1/feeds", "aggregator", `7`, "must be a JSON object, got number"},
	} {
		r := h.do(tt.method, tt.path, tt.key, tt.body)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), tt.want) || strings.Contains(string(r.body), "Go value") {
			t.Errorf("%s %s %s: %d %s; want 400 saying %q", tt.method, tt.path, tt.body, r.status, r.body, tt.want)
		}
	}
}
