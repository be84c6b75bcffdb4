package api

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPublishersArePublicForms(t *testing.T) {
	tests := []struct {
		name    string
		sources []string
		want    []publisher
	}{
		{"operator file by base name", []string{"/srv/pdpath/feeds/catalog.csv"}, []publisher{{By: "operator", File: "catalog.csv"}}},
		{"operator URL", []string{"https://issuer.example.org/badges.json"}, []publisher{{By: "operator", URL: "https://issuer.example.org/badges.json"}}},
		{"URL without user info, query or fragment", []string{"https://user:secret@issuer.example.org/feed.csv?token=abc#top"},
			[]publisher{{By: "operator", URL: "https://issuer.example.org/feed.csv"}}},
		{"aggregator feed without its key id", []string{"owner:k_0123abcd https://agg.example.org/feed.csv"},
			[]publisher{{By: "aggregator", URL: "https://agg.example.org/feed.csv"}}},
		{"aggregator feed that is no web address", []string{"owner:k_0123abcd javascript:alert(1)"}, []publisher{{By: "aggregator"}}},
		{"operator URL of another scheme", []string{"ftp://issuer.example.org/feed.csv"}, []publisher{{By: "operator"}}},
		{"two aggregators, one URL, listed once",
			[]string{"owner:k_a https://agg.example.org/feed.csv", "owner:k_b https://agg.example.org/feed.csv", "/data/more.json"},
			[]publisher{{By: "aggregator", URL: "https://agg.example.org/feed.csv"}, {By: "operator", File: "more.json"}}},
		{"no sources", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := publishers(tc.sources); !slices.Equal(got, tc.want) {
				t.Errorf("publishers(%q) = %+v, want %+v", tc.sources, got, tc.want)
			}
		})
	}
}

// TestItemProvenanceAndFeedDuplicates follows an aggregator's feed that
// republishes another issuer's item: the item page names the feed by its
// URL (never the key id or a server path), and the aggregator's feed list
// names the duplicate on both sides.
func TestItemProvenanceAndFeedDuplicates(t *testing.T) {
	h := newHarness(t, options{memory: true})
	const feedURL = "https://93.184.215.14/pd/reseller.csv"
	r := h.do("POST", "/v1/feeds", "aggregator", `{"url":"`+feedURL+`"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var f feedJSON
	r.json(t, &f)
	push := "id,issuer,title,description,competencies\n" +
		"resold-udl,Reseller Academy,Universal Design for Learning Foundations,\"Design lessons with multiple means of engagement, representation and action so every learner can reach the goal.\",UDL:7\n" +
		"resold-own,Reseller Academy,Gardening Club Leadership,Run a school gardening club through the seasons.,\n"
	r = h.doHeader("POST", "/v1/feeds/"+f.ID+"/sync", "aggregator", push, http.Header{"Content-Type": {"text/csv"}})
	if r.status != http.StatusOK {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	catalogFile, err := filepath.Abs(filepath.Join("testdata", "catalog.csv"))
	if err != nil {
		t.Fatal(err)
	}
	private := []string{h.keyIDs["aggregator"], catalogFile, filepath.Dir(catalogFile), `"sources"`, "owner:"}

	items := []struct {
		id   string
		want []publisher
		dups []string
	}{
		{"udl-foundations", []publisher{{By: "operator", File: "catalog.csv"}}, []string{"resold-udl"}},
		{"resold-udl", []publisher{{By: "aggregator", URL: feedURL}}, []string{"udl-foundations"}},
		{"resold-own", []publisher{{By: "aggregator", URL: feedURL}}, nil},
	}
	for _, it := range items {
		t.Run("item "+it.id, func(t *testing.T) {
			h.t = t
			r := h.do("GET", "/v1/credentials/"+it.id, "reader", nil)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var c credentialJSON
			r.json(t, &c)
			if !slices.Equal(c.PublishedBy, it.want) {
				t.Errorf("published_by %+v, want %+v", c.PublishedBy, it.want)
			}
			if !slices.Equal(c.PossibleDuplicates, it.dups) {
				t.Errorf("possible_duplicates %v, want %v", c.PossibleDuplicates, it.dups)
			}
			if c.FirstSeen.IsZero() || c.LastSeen.IsZero() {
				t.Errorf("first_seen %v, last_seen %v: want both", c.FirstSeen, c.LastSeen)
			}
			for _, p := range private {
				if strings.Contains(string(r.body), p) {
					t.Errorf("the item shows %q: %s", p, r.body)
				}
			}
		})
	}

	wantDups := []feedDuplicate{{ID: "resold-udl", Title: "Universal Design for Learning Foundations",
		Of: []itemRef{{ID: "udl-foundations", Title: "Universal Design for Learning Foundations", Issuer: "Cascade Learning Co-op"}}}}
	feeds := []struct {
		name, path, key string
		status          int
		want            []feedDuplicate
	}{
		{"own list names the duplicates", "/v1/feeds", "aggregator", http.StatusOK, wantDups},
		{"own feed names the duplicates", "/v1/feeds/" + f.ID, "aggregator", http.StatusOK, wantDups},
		{"another aggregator sees none", "/v1/feeds", "aggregator2", http.StatusOK, nil},
		{"a reader may not list feeds", "/v1/feeds", "reader", http.StatusForbidden, nil},
		{"no key", "/v1/feeds", "", http.StatusUnauthorized, nil},
	}
	for _, tc := range feeds {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			r := h.do("GET", tc.path, tc.key, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.status != http.StatusOK {
				return
			}
			var got []feedDuplicate
			if strings.HasSuffix(tc.path, "/feeds") {
				var list struct{ Feeds []feedJSON }
				r.json(t, &list)
				for _, f := range list.Feeds {
					got = append(got, f.PossibleDuplicates...)
				}
			} else {
				var one feedJSON
				r.json(t, &one)
				got = one.PossibleDuplicates
			}
			if len(got) != len(tc.want) {
				t.Fatalf("possible duplicates %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i].ID != tc.want[i].ID || got[i].Title != tc.want[i].Title || !slices.Equal(got[i].Of, tc.want[i].Of) {
					t.Errorf("possible duplicate %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}
