package api

import (
	"net/url"
	"slices"
	"testing"

	"github.com/pdpath/pdpath/recommender"
)

// TestExplainRoutes runs why-not, similar and unlocks; every exchange is
// checked against the OpenAPI document by harness.do.
func TestExplainRoutes(t *testing.T) {
	h := newHarness(t, options{})
	const uriID = "https://badges.example.org/udl-expression"
	tests := []struct {
		name, method, path string
		body               any
		wantStatus         int
		wantCode           string
		check              func(t *testing.T, r response)
	}{
		{name: "why-not: a teacher who holds the protocols credential", method: "POST", path: "/v1/recommendations/why-not", wantStatus: 200,
			body: map[string]any{"profile": map[string]any{"goals": "discussion", "earned": []string{"disc-protocols"}}, "id": "disc-protocols"},
			check: func(t *testing.T, r response) {
				var ex recommender.Explanation
				r.json(t, &ex)
				if ex.Status != recommender.StatusEarned || len(ex.Reasons) == 0 {
					t.Errorf("explanation = %+v, want status earned with a reason", ex)
				}
			}},
		{name: "why-not: over her budget", method: "POST", path: "/v1/recommendations/why-not", wantStatus: 200,
			body: map[string]any{"profile": map[string]any{"goals": "leading teacher teams", "preferences": map[string]any{"max_cost_usd": 0}}, "id": "lead-teams"},
			check: func(t *testing.T, r response) {
				var ex recommender.Explanation
				r.json(t, &ex)
				if ex.Status != recommender.StatusFiltered || !slices.Contains(ex.Filters, "max_cost_usd") {
					t.Errorf("explanation = %+v, want filtered by max_cost_usd", ex)
				}
			}},
		{name: "why-not: unknown id", method: "POST", path: "/v1/recommendations/why-not", body: `{"profile":{},"id":"no-such-thing"}`, wantStatus: 404, wantCode: CodeNotFound},
		{name: "why-not: id missing", method: "POST", path: "/v1/recommendations/why-not", body: `{"profile":{}}`, wantStatus: 400, wantCode: CodeBadRequest},
		{name: "why-not: unknown field", method: "POST", path: "/v1/recommendations/why-not", body: `{"id":"disc-protocols","profil":{}}`, wantStatus: 400, wantCode: CodeBadRequest},

		{name: "similar to the protocols credential", method: "GET", path: "/v1/credentials/disc-protocols/similar?limit=5", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var res recommender.Result
				r.json(t, &res)
				if len(res.Items) == 0 || len(res.Items) > 5 {
					t.Fatalf("%d similar items, want 1..5", len(res.Items))
				}
				for _, it := range res.Items {
					if it.ID == "disc-protocols" {
						t.Error("an item is listed as similar to itself")
					}
					if len(it.Why) != len(it.Reasons) {
						t.Errorf("%s: %d why objects for %d reasons", it.ID, len(it.Why), len(it.Reasons))
					}
				}
			}},
		{name: "similar to a URI id, path-escaped", method: "GET", path: "/v1/credentials/" + url.PathEscape(uriID) + "/similar", wantStatus: 200},
		{name: "similar: unknown id", method: "GET", path: "/v1/credentials/no-such-thing/similar", wantStatus: 404, wantCode: CodeNotFound},
		{name: "similar: bad limit", method: "GET", path: "/v1/credentials/disc-protocols/similar?limit=0", wantStatus: 400, wantCode: CodeBadRequest},

		{name: "unlocks: protocols opens the seminar", method: "GET", path: "/v1/credentials/disc-protocols/unlocks", wantStatus: 200,
			check: func(t *testing.T, r response) {
				var u recommender.Unlocks
				r.json(t, &u)
				i := slices.IndexFunc(u.Opens, func(o recommender.Opened) bool { return o.ID == "disc-socratic" })
				if i < 0 || !u.Opens[i].Completes {
					t.Errorf("opens %+v, want disc-socratic completed", u.Opens)
				}
			}},
		{name: "unlocks: unknown id", method: "GET", path: "/v1/credentials/no-such-thing/unlocks", wantStatus: 404, wantCode: CodeNotFound},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			h.t = t
			r := h.do(test.method, test.path, "reader", test.body)
			if r.status != test.wantStatus {
				t.Fatalf("status %d, want %d; body %.300s", r.status, test.wantStatus, r.body)
			}
			if test.wantCode != "" && r.errorCode() != test.wantCode {
				t.Errorf("error code %q, want %q (%s)", r.errorCode(), test.wantCode, r.body)
			}
			if test.check != nil {
				test.check(t, r)
			}
		})
	}
}

// TestUnknownCredentialOneWording: every route that names a credential
// answers an unknown id with the same 404 and the same words.
func TestUnknownCredentialOneWording(t *testing.T) {
	h := newHarness(t, options{})
	const want = `no credential with id "nope-404"`
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"item", "GET", "/v1/credentials/nope-404", nil},
		{"similar", "GET", "/v1/credentials/nope-404/similar", nil},
		{"unlocks", "GET", "/v1/credentials/nope-404/unlocks", nil},
		{"why-not", "POST", "/v1/recommendations/why-not", map[string]any{"id": "nope-404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, "reader", tt.body)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			r.json(t, &e)
			if r.status != 404 || e.Error.Code != CodeNotFound || e.Error.Message != want {
				t.Errorf("%s %s = %d %s %q, want 404 %s %q", tt.method, tt.path, r.status, e.Error.Code, e.Error.Message, CodeNotFound, want)
			}
		})
	}
}
