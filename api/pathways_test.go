package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/pgdb/pgdbtest"
	"github.com/pdpath/pdpath/recommender/pathstore"
	"github.com/pdpath/pdpath/recommender/planner"
)

// pathwayStores are the saved-pathway backends the pathway tests run
// against: the embedded bbolt file and a real PostgreSQL.
var pathwayStores = []string{"bolt", "postgres"}

// openPathwayStore opens the named backend through pathstore.Open, as
// `pdpath serve --store` does. PostgreSQL gets a schema of the test's own,
// dropped afterwards, reached through search_path in the DSN; a server
// that does not answer fails the test rather than skipping it.
func openPathwayStore(t *testing.T, kind, dir string) pathstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dsn := ""
	switch kind {
	case "", "bolt":
	case "postgres":
		dsn = pgdbtest.Schema(t, "api_test")
	default:
		t.Fatalf("unknown pathway store %q", kind)
	}
	s, err := pathstore.Open(ctx, dsn, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// forEachPathwayStore runs test once per backend, each with its own
// harness.
func forEachPathwayStore(t *testing.T, test func(t *testing.T, h *harness)) {
	for _, kind := range pathwayStores {
		t.Run(kind, func(t *testing.T) {
			test(t, newHarness(t, options{pathways: kind}))
		})
	}
}

// A plan of several steps with prerequisites among them (assess-formative
// before assess-data, disc-protocols before disc-socratic) and one earned
// beforehand (tech-integration, required by tech-coach).
const pathwayCreate = `{"name":"Data, discussion and tech","description":"Our team's year.","request":{
	"goal_credentials":["assess-data","disc-socratic","tech-coach"],"earned":["tech-integration"],
	"constraints":{"hours_per_month":20,"start":"2027-01"}}}`

// createPathway saves pathwayCreate as coach and returns it with its
// plan's step ids.
func createTestPathway(t *testing.T, h *harness) (pathwayJSON, []string) {
	t.Helper()
	h.t = t
	r := h.do("POST", "/v1/pathways", "coach", pathwayCreate)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var p pathwayJSON
	r.json(t, &p)
	return p, stepIDs(t, p.Plan)
}

func stepIDs(t *testing.T, plan json.RawMessage) []string {
	t.Helper()
	var pl planner.Plan
	if err := json.Unmarshal(plan, &pl); err != nil {
		t.Fatalf("plan %s: %v", plan, err)
	}
	var ids []string
	for _, s := range pl.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestPathwayProgress marks steps earned and reads progress back, on
// every backend.
func TestPathwayProgress(t *testing.T) {
	forEachPathwayStore(t, func(t *testing.T, h *harness) {
		p, steps := createTestPathway(t, h)
		if len(steps) < 4 || slices.Contains(steps, "tech-integration") {
			t.Fatalf("steps %v: want assess-formative, assess-data, disc-protocols, disc-socratic, tech-coach", steps)
		}
		path := "/v1/pathways/" + p.ID + "/progress"
		var pr progressJSON
		r := h.do("GET", path, "coach", nil)
		if r.status != 200 {
			t.Fatalf("progress: %d %s", r.status, r.body)
		}
		r.json(t, &pr)
		if pr.ID != p.ID || pr.Version != 1 || pr.Total != len(steps) || pr.Earned != 0 || pr.Percent != 0 ||
			pr.Next == nil || pr.Next.ID != steps[0] || pr.RemainingCostUSD <= 0 {
			t.Errorf("fresh progress = %+v", pr)
		}

		// Marked out of order and twice: kept once, in plan order.
		r = h.do("POST", path, "coach", map[string]any{"earned": []string{steps[1], steps[0], steps[1]}})
		if r.status != 200 {
			t.Fatalf("mark earned: %d %s", r.status, r.body)
		}
		r.json(t, &pr)
		if pr.Version != 2 || pr.Earned != 2 || pr.Percent != 100*2/float64(len(steps)) || pr.Next == nil || pr.Next.ID != steps[2] {
			t.Errorf("after marking two steps: %+v", pr)
		}
		var got pathwayJSON
		h.do("GET", "/v1/pathways/"+p.ID, "coach", nil).json(t, &got)
		if got.Version != 2 || !slices.Equal(got.Earned, steps[:2]) {
			t.Errorf("stored pathway: version %d earned %v, want 2 and %v", got.Version, got.Earned, steps[:2])
		}
		var again progressJSON
		h.do("GET", path, "coach", nil).json(t, &again)
		if again.Version != 2 || again.Earned != 2 {
			t.Errorf("progress read back = %+v", again)
		}

		tests := []struct {
			name, method, key string
			body              any
			want              int
			message           string
		}{
			{"unknown step", "POST", "coach", `{"earned":["` + steps[0] + `","lead-teams"]}`, 400, "lead-teams"},
			{"an earned prerequisite is no step", "POST", "coach", `{"earned":["tech-integration"]}`, 400, "tech-integration"},
			{"earned is required", "POST", "coach", `{}`, 400, "earned"},
			{"unknown field", "POST", "coach", `{"earned":[],"done":true}`, 400, "done"},
			{"stale version", "POST", "coach", `{"earned":[],"version":1}`, 409, ""},
			{"another coach cannot read", "GET", "coach2", nil, 404, ""},
			{"another coach cannot mark", "POST", "coach2", `{"earned":["` + steps[0] + `"]}`, 404, ""},
			{"a reader cannot read", "GET", "reader", nil, 403, ""},
			{"unknown pathway", "GET", "coach", nil, 404, ""},
		}
		for _, test := range tests {
			t.Run(test.name, func(t *testing.T) {
				h.t = t
				p := path
				if test.name == "unknown pathway" {
					p = "/v1/pathways/000000000000000000000000/progress"
				}
				r := h.do(test.method, p, test.key, test.body)
				if r.status != test.want {
					t.Fatalf("status %d, want %d: %s", r.status, test.want, r.body)
				}
				if !strings.Contains(string(r.body), test.message) {
					t.Errorf("error %s does not name %s", r.body, test.message)
				}
			})
		}
		h.t = t
		h.do("GET", path, "coach", nil).json(t, &pr)
		if pr.Version != 2 || pr.Earned != 2 {
			t.Errorf("refused changes changed the pathway: %+v", pr)
		}

		// With the current version it applies; an update keeps the marks
		// of steps its new plan still has; [] clears them.
		marked := []string{"assess-formative", "disc-protocols"}
		if r := h.do("POST", path, "coach", map[string]any{"earned": marked, "version": 2}); r.status != 200 {
			t.Fatalf("mark with version: %d %s", r.status, r.body)
		}
		update := `{"name":"Data only","version":3,"request":{"goal_credentials":["assess-data"],"constraints":{"start":"2027-01"}}}`
		if r := h.do("PUT", "/v1/pathways/"+p.ID, "coach", update); r.status != 200 {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
		var updated pathwayJSON
		h.do("GET", "/v1/pathways/"+p.ID, "coach", nil).json(t, &updated)
		if updated.Version != 4 || !slices.Equal(updated.Earned, marked[:1]) {
			t.Errorf("after update: version %d earned %v (steps %v), want %v", updated.Version, updated.Earned, stepIDs(t, updated.Plan), marked[:1])
		}
		if r := h.do("POST", path, "coach", `{"earned":[]}`); r.status != 200 {
			t.Fatalf("clear: %d %s", r.status, r.body)
		}
		var cleared pathwayJSON
		h.do("GET", "/v1/pathways/"+p.ID, "coach", nil).json(t, &cleared)
		if cleared.Version != 5 || cleared.Earned != nil {
			t.Errorf("after clearing: version %d earned %v", cleared.Version, cleared.Earned)
		}
	})
}

// TestPathwayCTDL exports saved pathways as CTDL Pathway documents and
// imports them back, on every backend.
func TestPathwayCTDL(t *testing.T) {
	forEachPathwayStore(t, func(t *testing.T, h *harness) {
		p, steps := createTestPathway(t, h)
		r := h.do("GET", "/v1/pathways/"+p.ID+"/ctdl", "coach", nil)
		if r.status != 200 {
			t.Fatalf("export: %d %s", r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/ld+json" {
			t.Errorf("Content-Type %q", ct)
		}
		checkCTDLPathway(t, r.body, p.Name, len(steps))
		exported := r.body

		for _, who := range []string{"coach", "coach2"} {
			h.t = t
			r = h.do("POST", "/v1/pathways/import", who, exported)
			if r.status != http.StatusCreated {
				t.Fatalf("import as %s: %d %s", who, r.status, r.body)
			}
			var imp pathwayJSON
			r.json(t, &imp)
			if imp.ID == "" || imp.ID == p.ID || imp.Version != 1 || imp.Name != p.Name || imp.Description != "Our team's year." {
				t.Errorf("imported %+v", imp)
			}
			if r.header.Get("Location") != "/v1/pathways/"+imp.ID {
				t.Errorf("Location %q", r.header.Get("Location"))
			}
			if got := stepIDs(t, imp.Plan); !slices.Equal(got, steps) {
				t.Errorf("imported steps %v, exported %v", got, steps)
			}
			var pl planner.Plan
			json.Unmarshal(imp.Plan, &pl)
			var orig planner.Plan
			json.Unmarshal(p.Plan, &orig)
			for i, s := range pl.Steps {
				o := orig.Steps[i]
				if s.Title != o.Title || s.Hours != o.Hours || s.CostUSD != o.CostUSD || !slices.Equal(s.Requires, o.Requires) {
					t.Errorf("step %d: imported %+v, exported %+v", i, s, o)
				}
			}
			if pl.TotalCostUSD != orig.TotalCostUSD || pl.TotalHours != orig.TotalHours {
				t.Errorf("totals: imported %v $ %v h, saved %v $ %v h", pl.TotalCostUSD, pl.TotalHours, orig.TotalCostUSD, orig.TotalHours)
			}
			var req planner.Request
			json.Unmarshal(imp.Request, &req)
			if !slices.Equal(req.Earned, []string{"tech-integration"}) {
				t.Errorf("imported request %s: the earned prerequisite is lost", imp.Request)
			}
			// Owned by the importer only.
			other := map[string]string{"coach": "coach2", "coach2": "coach"}[who]
			if r := h.do("GET", "/v1/pathways/"+imp.ID, other, nil); r.status != 404 {
				t.Errorf("%s reads %s's import: %d", other, who, r.status)
			}
			// Progress works on it, and exporting it again gives the same
			// steps in the same order.
			if r := h.do("POST", "/v1/pathways/"+imp.ID+"/progress", who, map[string]any{"earned": steps[:1]}); r.status != 200 {
				t.Errorf("progress on the import: %d %s", r.status, r.body)
			}
			r = h.do("GET", "/v1/pathways/"+imp.ID+"/ctdl", who, nil)
			if r.status != 200 {
				t.Fatalf("export the import: %d %s", r.status, r.body)
			}
			checkCTDLPathway(t, r.body, p.Name, len(steps))
			r = h.do("POST", "/v1/pathways/import", who, r.body)
			var twice pathwayJSON
			r.json(t, &twice)
			if got := stepIDs(t, twice.Plan); r.status != 201 || !slices.Equal(got, steps) {
				t.Errorf("second round trip: %d, steps %v, want %v", r.status, got, steps)
			}
		}

		h.t = t
		var doc map[string]any
		if err := json.Unmarshal(exported, &doc); err != nil {
			t.Fatal(err)
		}
		for _, n := range doc["@graph"].([]any) {
			if n := n.(map[string]any); n["@type"] == "ceterms:Pathway" {
				delete(n, "ceterms:name")
			}
		}
		noName, _ := json.Marshal(doc)
		tests := []struct {
			name, method, path, key string
			body                    any
			want                    int
			message                 string
		}{
			{"another coach cannot export", "GET", "/v1/pathways/" + p.ID + "/ctdl", "coach2", nil, 404, ""},
			{"unknown pathway", "GET", "/v1/pathways/000000000000000000000000/ctdl", "coach", nil, 404, ""},
			{"a reader cannot import", "POST", "/v1/pathways/import", "reader", exported, 403, ""},
			{"not JSON", "POST", "/v1/pathways/import", "coach", `<rdf:RDF/>`, 400, "not a usable CTDL pathway"},
			{"empty body", "POST", "/v1/pathways/import", "coach", " ", 400, "empty"},
			{"no pathway node", "POST", "/v1/pathways/import", "coach",
				`{"@context":"https://credreg.net/ctdl/schema/context/json","@graph":[{"@id":"x","@type":"ceterms:Badge"}]}`, 400, "no ceterms:Pathway node"},
			{"a component without proxyFor", "POST", "/v1/pathways/import", "coach",
				`{"@graph":[{"@id":"p","@type":"ceterms:Pathway","ceterms:name":"P"},{"@id":"c","@type":"ceterms:CredentialComponent"}]}`, 400, "has no ceterms:proxyFor"},
			{"a condition on a missing component", "POST", "/v1/pathways/import", "coach",
				`{"@graph":[{"@id":"p","@type":"ceterms:Pathway","ceterms:name":"P"},{"@id":"c","@type":"ceterms:CredentialComponent","ceterms:proxyFor":"urn:pdpath:credential:a","ceterms:hasChild":["gone"]}]}`, 400, "gone"},
			{"no credential components", "POST", "/v1/pathways/import", "coach",
				`{"@graph":[{"@id":"p","@type":"ceterms:Pathway","ceterms:name":"P"}]}`, 400, "no ceterms:CredentialComponent"},
			{"no name", "POST", "/v1/pathways/import", "coach", noName, 400, "name is required"},
		}
		for _, test := range tests {
			t.Run(test.name, func(t *testing.T) {
				h.t = t
				r := h.do(test.method, test.path, test.key, test.body)
				if r.status != test.want {
					t.Fatalf("status %d, want %d: %s", r.status, test.want, r.body)
				}
				if !strings.Contains(string(r.body), test.message) {
					t.Errorf("error %s does not say %q", r.body, test.message)
				}
			})
		}
		h.t = t
		var mine struct{ Pathways []pathwayJSON }
		h.do("GET", "/v1/pathways", "coach", nil).json(t, &mine)
		if len(mine.Pathways) != 3 {
			t.Errorf("coach has %d pathways, want 3 (saved, imported, imported again): refused imports must store nothing", len(mine.Pathways))
		}
	})
}

// checkCTDLPathway asserts the CTDL Pathway model's parts: one
// ceterms:Pathway with a destination, a credential component per step
// and the prerequisites as component conditions.
func checkCTDLPathway(t *testing.T, data []byte, name string, steps int) {
	t.Helper()
	var doc struct {
		Context string           `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("export %s: %v", data, err)
	}
	types := map[string]int{}
	conditions := 0
	for _, n := range doc.Graph {
		typ, _ := n["@type"].(string)
		types[typ]++
		if typ == "ceterms:Pathway" {
			if n["ceterms:name"].(map[string]any)["en-US"] != name || n["ceterms:hasDestinationComponent"] == nil {
				t.Errorf("pathway node %v", n)
			}
		}
		if conds, ok := n["ceterms:hasCondition"].([]any); ok {
			for _, c := range conds {
				if c.(map[string]any)["@type"] == "ceterms:ComponentCondition" {
					conditions++
				}
			}
		}
	}
	// A component per step, and one for the prerequisite earned before.
	if doc.Context == "" || types["ceterms:Pathway"] != 1 || types["ceterms:CredentialComponent"] != steps+1 || conditions < 3 {
		t.Errorf("export has @context %q, node types %v, %d component conditions", doc.Context, types, conditions)
	}
}

// TestPathwayStoreFaults: ids no store can hold are 404 on every backend,
// and a store that stops answering gives 503 with Retry-After (and turns
// /readyz false), never 500.
func TestPathwayStoreFaults(t *testing.T) {
	forEachPathwayStore(t, func(t *testing.T, h *harness) {
		p, _ := createTestPathway(t, h)
		for _, id := range []string{"%00", "a%00b", "%FF%FE", url.PathEscape(p.ID) + "%00", "%C3"} {
			for _, method := range []string{"GET", "DELETE"} {
				if r := h.do(method, "/v1/pathways/"+id, "coach", nil); r.status != http.StatusNotFound {
					t.Errorf("%s /v1/pathways/%s: %d %s, want 404", method, id, r.status, r.body)
				}
			}
			if r := h.do("GET", "/v1/pathways/"+id+"/progress", "coach", nil); r.status != http.StatusNotFound {
				t.Errorf("GET progress of %s: %d, want 404", id, r.status)
			}
		}
		if r := h.do("GET", "/readyz", "", nil); r.status != http.StatusOK {
			t.Fatalf("readyz before the outage: %d %s", r.status, r.body)
		}
		if _, ok := h.paths.(*pathstore.Postgres); !ok {
			return // the embedded file has no outage to simulate
		}
		h.paths.Close()
		for _, path := range []string{"/v1/pathways/" + url.PathEscape(p.ID), "/v1/pathways", "/readyz"} {
			r := h.do("GET", path, "coach", nil)
			if r.status != http.StatusServiceUnavailable || r.errorCode() != CodeUnavailable {
				t.Errorf("GET %s during an outage: %d %s, want 503 unavailable", path, r.status, r.body)
			}
			if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 {
				t.Errorf("GET %s during an outage: Retry-After %q", path, r.header.Get("Retry-After"))
			}
		}
	})
}

// TestKeyStoreOutageIsUnavailable: while the PostgreSQL key store is down,
// a key the server has not seen yet is answered 503 with Retry-After (the
// store cannot say), never 401 "unknown key"; a made-up key the same.
func TestKeyStoreOutageIsUnavailable(t *testing.T) {
	ctx := context.Background()
	dsn := pgdbtest.Schema(t, "api_keys_outage")
	proxy := pgdbtest.NewProxy(t, dsn)
	h := newHarness(t, options{keysDSN: proxy.DSN(dsn), memory: true})
	cli, err := auth.OpenKeys(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	fresh, _, err := cli.Create(ctx, auth.RoleReader, auth.CreateOptions{Label: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	proxy.Stop()
	for _, secret := range []string{fresh, "made-up-key"} {
		r := h.do("GET", "/v1/frameworks", secret, nil)
		if r.status != http.StatusServiceUnavailable {
			t.Errorf("GET with a key during a key store outage = %d %s, want 503", r.status, r.body)
		}
		if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 {
			t.Errorf("Retry-After = %q, want a number of seconds", r.header.Get("Retry-After"))
		}
	}
	// A signed-in browser is not signed out by the outage: the pages keep
	// the key cookie they cannot check.
	req, _ := http.NewRequest("GET", h.http.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "pdpath_key", Value: fresh})
	resp, err := h.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "pdpath_key" && c.MaxAge < 0 {
			t.Errorf("GET / during a key store outage deleted the key cookie")
		}
	}
}
