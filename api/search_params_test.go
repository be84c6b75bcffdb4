package api

import (
	"slices"
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
