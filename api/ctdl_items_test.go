package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feedsync"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/planner"
)

// Items of testdata/ctdl.json.
const (
	ctdlWorkshop = "ce-5b000000-0000-4000-8000-000000000001" // a learning opportunity
	ctdlCheck    = "ce-5b000000-0000-4000-8000-000000000002" // an assessment priced in CAD only
)

// pushCTDL registers a feed for the aggregator and pushes
// testdata/ctdl.json as its content, returning the feed id and the sync's
// answer.
func pushCTDL(t *testing.T, h *harness) (string, syncResponse) {
	t.Helper()
	// Registration does not fetch, so a public address that is not a feed
	// is fine here; the content is pushed.
	r := h.do("POST", "/v1/feeds", "aggregator", `{"url":"https://93.184.215.14/pd/ctdl.json","format":"ctdl"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var f feedJSON
	r.json(t, &f)
	doc, err := os.ReadFile("testdata/ctdl.json")
	if err != nil {
		t.Fatal(err)
	}
	r = h.doHeader("POST", "/v1/feeds/"+f.ID+"/sync", "aggregator", doc, http.Header{"Content-Type": {ldJSONContentType}})
	if r.status != http.StatusOK {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	var rep syncResponse
	r.json(t, &rep)
	return f.ID, rep
}

// TestCTDLItemShapes sends CTDL-only fields (language maps, several costs,
// a calendar duration, uncoded competencies, other offerers, item kinds)
// and an ingest report with notes through every route that shows them;
// the harness checks each answer against the OpenAPI document.
func TestCTDLItemShapes(t *testing.T) {
	h := newHarness(t, options{memory: true})
	feedID, rep := pushCTDL(t, h)
	if rep.Status != feedsync.StatusOK || rep.Added != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("sync report %+v, want 2 added", rep)
	}
	if len(rep.Notes) == 0 {
		t.Error("the sync report has no notes; the two cost profiles and the CAD-only cost are noted")
	}

	t.Run("item", func(t *testing.T) {
		r := h.do("GET", "/v1/credentials/"+url.PathEscape(ctdlWorkshop), "reader", nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET: %d %s", r.status, r.body)
		}
		var c catalog.Credential
		r.json(t, &c)
		if c.Kind != catalog.KindLearningOpportunity || c.Titles["es"] != "Taller para lectores comprometidos" || c.Descriptions["en-US"] == "" {
			t.Errorf("kind %q, titles %v, descriptions %v", c.Kind, c.Titles, c.Descriptions)
		}
		if c.CostUSD == nil || *c.CostUSD != 120 || len(c.Costs) != 2 {
			t.Errorf("cost_usd %v, costs %+v; want the lower of two", c.CostUSD, c.Costs)
		}
		if c.Hours != nil || c.CalendarDuration != "P8W" {
			t.Errorf("hours %v, duration %q; a calendar length is not effort", c.Hours, c.CalendarDuration)
		}
		if !slices.Contains(c.OfferedBy, "Riverbend Teacher Center") || c.Issuer != "Lakeside College" {
			t.Errorf("issuer %q, offered_by %v", c.Issuer, c.OfferedBy)
		}
		uncoded := false
		for _, comp := range c.Competencies {
			uncoded = uncoded || (comp.Code == "" && comp.Name == "Talks with families about reading at home")
		}
		if !uncoded {
			t.Errorf("competencies %+v lack the uncoded one", c.Competencies)
		}
		if c.Status != catalog.StatusActive || len(c.Sources) != 0 || c.Hash != "" {
			t.Errorf("status %q, sources %v, hash %q", c.Status, c.Sources, c.Hash)
		}

		var a catalog.Credential
		h.do("GET", "/v1/credentials/"+ctdlCheck, "reader", nil).json(t, &a)
		if a.Kind != catalog.KindAssessment || a.CostUSD != nil || len(a.Costs) != 1 || a.Costs[0].TotalUSD != nil || a.Lifecycle != catalog.LifecycleActive {
			t.Errorf("assessment: kind %q, cost_usd %v, costs %+v, lifecycle %q", a.Kind, a.CostUSD, a.Costs, a.Lifecycle)
		}
	})

	t.Run("search by kind", func(t *testing.T) {
		tests := []struct {
			query string
			want  []string
		}{
			{"issuer=Lakeside+College&kind=learning_opportunity", []string{ctdlWorkshop}},
			{"issuer=Lakeside+College&kind=assessment", []string{ctdlCheck}},
			{"issuer=Lakeside+College&kind=credential", []string{}},
			{"issuer=Lakeside+College", []string{ctdlWorkshop, ctdlCheck}},
			{"q=engaging+readers&kind=learning_opportunity", []string{ctdlWorkshop}},
		}
		for _, test := range tests {
			r := h.do("GET", "/v1/credentials?"+test.query, "reader", nil)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", test.query, r.status, r.body)
			}
			var s searchResponse
			r.json(t, &s)
			got := hitIDs(s)
			slices.Sort(got)
			if !slices.Equal(got, test.want) {
				t.Errorf("%s: hits %v, want %v", test.query, got, test.want)
			}
		}
		// The kind facet counts each kind among the matches.
		var s searchResponse
		h.do("GET", "/v1/credentials?issuer=Lakeside+College", "reader", nil).json(t, &s)
		kinds := map[string]int{}
		for _, f := range s.Facets["kind"] {
			kinds[f.Value] = f.Count
		}
		if kinds[catalog.KindLearningOpportunity] != 1 || kinds[catalog.KindAssessment] != 1 {
			t.Errorf("kind facet %v", s.Facets["kind"])
		}
		r := h.do("GET", "/v1/credentials?kind=course", "reader", nil)
		if r.status != http.StatusBadRequest || r.errorCode() != CodeBadRequest {
			t.Errorf("an unknown kind: %d %s", r.status, r.body)
		}
	})

	profile := `{"goals":"engaging readers, recruiting interest in reading","gaps":[{"framework":"UDL","code":"7"}]}`
	t.Run("recommendations", func(t *testing.T) {
		r := h.do("POST", "/v1/recommendations", "reader", `{"profile":`+profile+`,"limit":20}`)
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var res recommender.Result
		r.json(t, &res)
		found := map[string]recommender.Item{}
		for _, it := range res.Items {
			found[it.ID] = it
		}
		w, ok := found[ctdlWorkshop]
		if !ok {
			t.Fatalf("the workshop is not suggested: %s", r.body)
		}
		if w.Kind != catalog.KindLearningOpportunity || w.Hours != nil || w.CostUSD == nil || *w.CostUSD != 120 || len(w.Why) != len(w.Reasons) {
			t.Errorf("workshop item %+v", w)
		}
		// The JSON carries the unstated hours as null.
		var raw struct {
			Items []map[string]json.RawMessage `json:"items"`
		}
		r.json(t, &raw)
		for _, it := range raw.Items {
			if string(it["id"]) == `"`+ctdlWorkshop+`"` && string(it["hours"]) != "null" {
				t.Errorf("workshop hours %s, want null", it["hours"])
			}
		}

		r = h.do("POST", "/v1/recommendations/why-not", "reader", `{"profile":`+profile+`,"id":"`+ctdlCheck+`"}`)
		if r.status != http.StatusOK {
			t.Fatalf("why-not: %d %s", r.status, r.body)
		}
		var ex recommender.Explanation
		r.json(t, &ex)
		if ex.ID != ctdlCheck || ex.Status == "" {
			t.Errorf("why-not %+v", ex)
		}
	})

	t.Run("plans", func(t *testing.T) {
		body := `{"goal_credentials":["` + ctdlWorkshop + `"],
			"cohort":[{"id":"ana"},{"id":"ben","gaps":[{"framework":"UDL","code":"7"}]}],
			"constraints":{"hours_per_month":6,"start":"2027-01"}}`
		r := h.do("POST", "/v1/plans", "reader", body)
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var p planner.Plan
		r.json(t, &p)
		var step *planner.Step
		for i := range p.Steps {
			if p.Steps[i].ID == ctdlWorkshop {
				step = &p.Steps[i]
			}
		}
		if step == nil {
			t.Fatalf("the workshop is not planned: %s", r.body)
		}
		if !step.CostStated || step.CostUSD != 120 || step.HoursStated {
			t.Errorf("workshop step %+v: cost stated as 120, hours unstated", *step)
		}
		if p.UnknownHoursSteps == 0 || len(p.Members) != 2 {
			t.Errorf("plan: %d steps without hours, %d members", p.UnknownHoursSteps, len(p.Members))
		}
	})

	t.Run("unlocks and similar", func(t *testing.T) {
		for _, sub := range []string{"/unlocks", "/similar"} {
			if r := h.do("GET", "/v1/credentials/"+ctdlWorkshop+sub, "reader", nil); r.status != http.StatusOK {
				t.Errorf("%s: %d %s", sub, r.status, r.body)
			}
		}
	})

	t.Run("runs, pause, delete", func(t *testing.T) {
		r := h.do("GET", "/v1/feeds/"+feedID+"/runs", "aggregator", nil)
		var runs struct{ Runs []runJSON }
		r.json(t, &runs)
		if len(runs.Runs) != 1 || len(runs.Runs[0].Report.Notes) == 0 {
			t.Errorf("runs %s", r.body)
		}
		for _, action := range []string{"pause", "resume"} {
			r := h.do("POST", "/v1/feeds/"+feedID+"/"+action, "aggregator", nil)
			var f feedJSON
			r.json(t, &f)
			if r.status != http.StatusOK || f.Paused != (action == "pause") {
				t.Errorf("%s: %d %s", action, r.status, r.body)
			}
		}
		if r := h.do("DELETE", "/v1/feeds/"+feedID, "aggregator", nil); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		var c catalog.Credential
		h.do("GET", "/v1/credentials/"+ctdlWorkshop, "reader", nil).json(t, &c)
		if c.Status != catalog.StatusRetired || c.Kind != catalog.KindLearningOpportunity {
			t.Errorf("after the feed is deleted: status %q, kind %q", c.Status, c.Kind)
		}
	})
}
