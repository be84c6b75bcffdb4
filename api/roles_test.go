package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/pdpath/pdpath/api/ratelimit"
	"github.com/pdpath/pdpath/indexer/auth"
)

// TestRoles checks who may call what: each role's own routes, and the
// refusals (401 without a key, 403 with a key of the wrong role).
func TestRoles(t *testing.T) {
	h := newHarness(t, options{})
	tests := []struct {
		method, path string
		body         any
		allowed      []string
	}{
		{"GET", "/v1/frameworks", nil, []string{"reader", "coach", "aggregator", "admin"}},
		{"POST", "/v1/plans", `{"goal_credentials":["assess-data"]}`, []string{"reader", "coach", "aggregator", "admin"}},
		{"GET", "/v1/pathways", nil, []string{"coach", "admin"}},
		{"GET", "/v1/feeds", nil, []string{"aggregator", "admin"}},
		{"GET", "/v1/keys", nil, []string{"admin"}},
	}
	for _, test := range tests {
		for _, who := range []string{"", "reader", "coach", "aggregator", "admin"} {
			t.Run(test.method+" "+test.path+" as "+who, func(t *testing.T) {
				h.t = t
				r := h.do(test.method, test.path, who, test.body)
				want := http.StatusForbidden
				switch {
				case who == "":
					want = http.StatusUnauthorized
				case contains(test.allowed, who):
					want = http.StatusOK
				}
				if r.status != want {
					t.Errorf("status %d, want %d (%s)", r.status, want, r.body)
				}
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestKeyRoutes creates, lists, uses and revokes a key through the admin
// routes.
func TestKeyRoutes(t *testing.T) {
	h := newHarness(t, options{memory: true})
	r := h.do("POST", "/v1/keys", "admin", `{"role":"coach","label":"new coach"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var created createdKey
	r.json(t, &created)
	if created.Role != auth.RoleCoach || created.Key == "" || created.ID == "" {
		t.Fatalf("created = %+v", created)
	}
	if r := h.do("GET", "/v1/pathways", created.Key, nil); r.status != 200 {
		t.Errorf("the new key is refused: %d %s", r.status, r.body)
	}
	var list struct{ Keys []keyJSON }
	h.do("GET", "/v1/keys", "admin", nil).json(t, &list)
	found := false
	for _, k := range list.Keys {
		found = found || k.ID == created.ID
	}
	if !found || len(list.Keys) != 7 {
		t.Errorf("%d keys listed, new one found %v", len(list.Keys), found)
	}
	for _, bad := range []string{`{"role":"root"}`, `{}`, `{"role":"reader","rate_per_sec":-1}`, `{"role":"reader","owner":"x"}`} {
		if r := h.do("POST", "/v1/keys", "admin", bad); r.status != 400 {
			t.Errorf("create %s: %d %s", bad, r.status, r.body)
		}
	}
	if r := h.do("DELETE", "/v1/keys/"+created.ID, "admin", nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := h.do("GET", "/v1/pathways", created.Key, nil); r.status != 401 {
		t.Errorf("a revoked key: %d", r.status)
	}
	if r := h.do("DELETE", "/v1/keys/"+created.ID, "admin", nil); r.status != 404 {
		t.Errorf("revoking twice: %d", r.status)
	}
	if r := h.do("DELETE", "/v1/keys/"+h.keyIDs["admin"], "admin", nil); r.status != 400 {
		t.Errorf("an admin key revoking itself: %d", r.status)
	}
}

// TestKeysFromCLIWhileServing plays `pdpath keys create` against the index
// of a running server: the new key works at once, a revoked one stops.
func TestKeysFromCLIWhileServing(t *testing.T) {
	h := newHarness(t, options{memory: true})
	cli, err := auth.Open(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	secret, k, err := cli.Create(context.Background(), auth.RoleReader, auth.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.do("GET", "/v1/frameworks", secret, nil); r.status != 200 {
		t.Fatalf("key created by another process: %d %s", r.status, r.body)
	}
	if err := cli.Revoke(context.Background(), k.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.do("GET", "/v1/frameworks", secret, nil).status != 401 {
		if time.Now().After(deadline) {
			t.Fatal("a key revoked by another process still works after 5 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, options{rateLimit: ratelimit.Limit{Rate: 1, Burst: 3}, memory: true})
	for i := range 3 {
		if r := h.do("GET", "/v1/frameworks", "reader", nil); r.status != 200 {
			t.Fatalf("request %d within the burst: %d", i+1, r.status)
		}
	}
	r := h.do("GET", "/v1/frameworks", "reader", nil)
	if r.status != http.StatusTooManyRequests || r.errorCode() != CodeRateLimited {
		t.Fatalf("request beyond the burst: %d %s", r.status, r.body)
	}
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Cache hits count too, and another key has its own bucket.
	if r := h.do("GET", "/v1/frameworks", "coach", nil); r.status != 200 {
		t.Errorf("another key: %d", r.status)
	}
	if got := h.metric("pdpath_rate_limited_total", map[string]string{"role": "reader"}); got != 1 {
		t.Errorf("rate-limited counter %v, want 1", got)
	}
	// A key created with its own rate gets it.
	cli, _ := auth.Open(h.dir)
	fast, _, err := cli.Create(context.Background(), auth.RoleReader, auth.CreateOptions{RatePerSec: 100, Burst: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if r := h.do("GET", "/v1/frameworks", fast, nil); r.status != 200 {
			t.Fatalf("request %d of a key with burst 10: %d", i+1, r.status)
		}
	}
}

// TestPathways saves, reads, updates and deletes pathways, and checks that
// a coach never sees or changes another's, on every backend.
func TestPathways(t *testing.T) {
	forEachPathwayStore(t, func(t *testing.T, h *harness) {
		create := `{"name":"UDL this year","request":{"targets":[{"framework":"UDL","code":"7"}],"constraints":{"start":"2027-01"}}}`
		r := h.do("POST", "/v1/pathways", "coach", create)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var p pathwayJSON
		r.json(t, &p)
		if p.ID == "" || p.Version != 1 || p.Name != "UDL this year" || len(p.Plan) == 0 || p.CatalogVersion != 1 {
			t.Fatalf("created = %+v", p)
		}
		if r.header.Get("Location") != "/v1/pathways/"+url.PathEscape(p.ID) {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		path := "/v1/pathways/" + p.ID

		steps := []struct {
			name, method, path, key string
			body                    any
			want                    int
		}{
			{"owner reads", "GET", path, "coach", nil, 200},
			{"another coach cannot read", "GET", path, "coach2", nil, 404},
			{"another coach cannot update", "PUT", path, "coach2", `{"name":"mine now","version":1,"request":{}}`, 404},
			{"another coach cannot delete", "DELETE", path, "coach2", nil, 404},
			{"a reader cannot list", "GET", "/v1/pathways", "reader", nil, 403},
			{"an aggregator cannot create", "POST", "/v1/pathways", "aggregator", create, 403},
			{"owner updates", "PUT", path, "coach", `{"name":"UDL and tech","version":1,"request":{"targets":[{"framework":"UDL","code":"7"}],"goal_credentials":["tech-integration"]}}`, 200},
			{"stale version conflicts", "PUT", path, "coach", `{"name":"again","version":1,"request":{}}`, 409},
			{"update without version", "PUT", path, "coach", `{"name":"again","request":{}}`, 400},
			{"create with a version", "POST", "/v1/pathways", "coach", `{"name":"x","version":3,"request":{}}`, 400},
			{"create without a name", "POST", "/v1/pathways", "coach", `{"request":{}}`, 400},
			{"create with a bad request", "POST", "/v1/pathways", "coach", `{"name":"x","request":{"targets":[{"code":"7"}]}}`, 400},
			{"unknown pathway", "GET", "/v1/pathways/000000000000000000000000", "coach", nil, 404},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				h.t = t
				if r := h.do(s.method, s.path, s.key, s.body); r.status != s.want {
					t.Errorf("status %d, want %d: %s", r.status, s.want, r.body)
				}
			})
		}
		h.t = t
		var got pathwayJSON
		h.do("GET", path, "coach", nil).json(t, &got)
		if got.Version != 2 || got.Name != "UDL and tech" {
			t.Errorf("after update: %+v", got)
		}
		var mine, theirs struct{ Pathways []pathwayJSON }
		h.do("GET", "/v1/pathways", "coach", nil).json(t, &mine)
		h.do("GET", "/v1/pathways", "coach2", nil).json(t, &theirs)
		if len(mine.Pathways) != 1 || len(theirs.Pathways) != 0 {
			t.Errorf("lists: owner %d, other coach %d; want 1 and 0", len(mine.Pathways), len(theirs.Pathways))
		}
		if r := h.do("DELETE", path, "coach", nil); r.status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.status, r.body)
		}
		if r := h.do("GET", path, "coach", nil); r.status != 404 {
			t.Errorf("after delete: %d", r.status)
		}

	})
}

// TestForwardedForIgnoredFromUntrustedPeers: with no trusted proxies, a
// client cannot pick its own rate-limit bucket with X-Forwarded-For.
func TestForwardedForIgnoredFromUntrustedPeers(t *testing.T) {
	h := newHarness(t, options{openReader: true, memory: true})
	h.srv.cfg.AnonymousLimit = ratelimit.Limit{Rate: 0.01, Burst: 1}
	for i, xff := range []string{"198.51.100.1", "198.51.100.2"} {
		r := h.doHeader("GET", "/v1/frameworks", "", nil, http.Header{"X-Forwarded-For": {xff}})
		want := 200
		if i == 1 {
			want = http.StatusTooManyRequests
		}
		if r.status != want {
			t.Errorf("request %d from %s: %d, want %d", i+1, xff, r.status, want)
		}
	}
}
