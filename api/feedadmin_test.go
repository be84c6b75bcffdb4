package api

import (
	"fmt"
	"net/http"
	"testing"
)

// TestFeedDeletePauseAndQuota reproduces feeds that could be neither
// deleted (405) nor paused, and registered without limit.
func TestFeedDeletePauseAndQuota(t *testing.T) {
	h := newHarness(t, options{memory: true, allowPrivate: true})
	register := func(key, url string) (string, response) {
		r := h.do("POST", "/v1/feeds", key, `{"url":"`+url+`","every":"1h"}`)
		var f feedJSON
		if r.status == http.StatusCreated {
			r.json(t, &f)
		}
		return "/v1/feeds/" + f.ID, r
	}
	a, _ := register("aggregator", "https://93.184.215.14/a.csv")
	push := "id,issuer,title,description,competencies\nfeed-x,Issuer A,Coaching Cycles,Plan and debrief.,InTASC:10\n"
	if r := h.doHeader("POST", a+"/sync", "aggregator", push, http.Header{"Content-Type": {"text/csv"}}); r.status != 200 {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	tests := []struct {
		name, method, path, key string
		want                    int
		paused                  bool
	}{
		{"another aggregator cannot pause", "POST", a + "/pause", "aggregator2", 404, false},
		{"a reader cannot pause", "POST", a + "/pause", "reader", 403, false},
		{"the owner pauses", "POST", a + "/pause", "aggregator", 200, true},
		{"the owner resumes", "POST", a + "/resume", "aggregator", 200, false},
		{"an admin pauses another key's feed", "POST", a + "/pause", "admin", 200, true},
		{"another aggregator cannot delete", "DELETE", a, "aggregator2", 404, false},
		{"a coach cannot delete", "DELETE", a, "coach", 403, false},
		{"unknown feed", "DELETE", "/v1/feeds/nope", "aggregator", 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.t = t
			r := h.do(tt.method, tt.path, tt.key, nil)
			if r.status != tt.want {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.want)
			}
			if r.status == 200 {
				var f feedJSON
				r.json(t, &f)
				if f.Paused != tt.paused {
					t.Errorf("paused = %v, want %v", f.Paused, tt.paused)
				}
			}
		})
	}
	h.t = t
	if r := h.do("DELETE", a, "aggregator", nil); r.status != http.StatusNoContent {
		t.Fatalf("the owner deletes: %d %s", r.status, r.body)
	}
	if r := h.do("GET", a, "aggregator", nil); r.status != http.StatusNotFound {
		t.Errorf("deleted feed: %d", r.status)
	}
	var cred struct{ Status string }
	h.do("GET", "/v1/credentials/feed-x", "reader", nil).json(t, &cred)
	if cred.Status != "retired" {
		t.Errorf("the deleted feed's item is %q, want retired", cred.Status)
	}
	// An admin deletes another key's feed.
	b, _ := register("aggregator2", "https://93.184.215.14/b.csv")
	if r := h.do("DELETE", b, "admin", nil); r.status != http.StatusNoContent {
		t.Errorf("admin deletes: %d %s", r.status, r.body)
	}

	// The quota: the default is 100 feeds per key.
	for i := 0; i < 100; i++ {
		if _, r := register("aggregator2", fmt.Sprintf("https://93.184.215.14/q%d.csv", i)); r.status != http.StatusCreated {
			t.Fatalf("feed %d: %d %s", i, r.status, r.body)
		}
	}
	if _, r := register("aggregator2", "https://93.184.215.14/one-too-many.csv"); r.status != http.StatusForbidden || r.errorCode() != CodeQuotaExceeded {
		t.Errorf("feed 101: %d %s; want 403 %s", r.status, r.body, CodeQuotaExceeded)
	}
	if _, r := register("aggregator", "https://93.184.215.14/other-key.csv"); r.status != http.StatusCreated {
		t.Errorf("another key's feed: %d %s", r.status, r.body)
	}
}
