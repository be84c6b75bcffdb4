package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestAggregatorsCannotTouchOthersItems reproduces the cross-aggregator
// retire and overwrite: aggregator2 registers aggregator's URL, pushes a
// header-only CSV, then records with aggregator's and the operator's ids.
func TestAggregatorsCannotTouchOthersItems(t *testing.T) {
	h := newHarness(t, options{memory: true, allowPrivate: true})
	const url = "https://93.184.215.14/pd/feed.csv"
	const header = "id,issuer,title,description,competencies\n"
	register := func(key string) string {
		r := h.do("POST", "/v1/feeds", key, `{"url":"`+url+`"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("%s registers %s: %d %s", key, url, r.status, r.body)
		}
		var f feedJSON
		r.json(t, &f)
		return "/v1/feeds/" + f.ID + "/sync"
	}
	push := func(path, key, body string) syncResponse {
		t.Helper()
		r := h.doHeader("POST", path, key, body, http.Header{"Content-Type": {"text/csv"}})
		if r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		var rep syncResponse
		r.json(t, &rep)
		return rep
	}
	a := register("aggregator")
	if rep := push(a, "aggregator", header+"agg-1,Issuer A,Coaching Cycles,Plan and debrief.,InTASC:10\n"); rep.Added != 1 {
		t.Fatalf("aggregator's push: %+v", rep)
	}
	b := register("aggregator2")

	tests := []struct {
		name, body string
		rejected   int
	}{
		{"header-only push at the same URL", header, 0},
		{"another aggregator's id", header + "agg-1,Mallory,Hijacked,Mine.,InTASC:10\n", 1},
		{"the operator's id", header + "udl-foundations,Mallory,Hijacked,Mine.,UDL:7\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.t = t
			rep := push(b, "aggregator2", tt.body)
			if rep.Retired != 0 || rep.Updated != 0 || len(rep.Rejected) != tt.rejected {
				t.Errorf("report %+v, want nothing retired or updated, %d rejected", rep, tt.rejected)
			}
			for id, title := range map[string]string{"agg-1": "Coaching Cycles", "udl-foundations": "Universal Design for Learning Foundations"} {
				var cred struct{ Title, Status string }
				h.do("GET", "/v1/credentials/"+id, "reader", nil).json(t, &cred)
				if cred.Title != title || cred.Status != "active" {
					t.Errorf("%s = %+v after the attack", id, cred)
				}
			}
		})
	}
	h.t = t
	if rep := push(a, "aggregator", header); rep.Retired != 1 || !strings.Contains(a, "/sync") {
		t.Errorf("the owner retiring its own item: %+v", rep)
	}
}
