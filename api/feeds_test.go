package api

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pdpath/pdpath/indexer/feedsync"
)

// feedServer serves testdata/update.csv with an ETag, answering 304 to a
// matching If-None-Match, or fails when told to.
type feedServer struct {
	*httptest.Server
	fail     atomic.Bool
	requests atomic.Int64
}

func newFeedServer(t *testing.T) *feedServer {
	data, err := os.ReadFile("testdata/update.csv")
	if err != nil {
		t.Fatal(err)
	}
	fs := &feedServer{}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		if fs.fail.Load() {
			http.Error(w, "issuer is down", http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Write(data)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func TestFeedRegistration(t *testing.T) {
	h := newHarness(t, options{memory: true})
	// Registration does not fetch, so a public address that is not a feed
	// is fine here.
	const public = "https://93.184.215.14/pd/feed.csv"
	r := h.do("POST", "/v1/feeds", "aggregator", `{"url":"`+public+`","format":"csv","every":"24h"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var f feedJSON
	r.json(t, &f)
	if f.ID == "" || f.URL != public || f.Every != "24h0m0s" || f.Format != "csv" {
		t.Errorf("registered %+v", f)
	}
	tests := []struct {
		name, method, path, key string
		body                    any
		want                    int
		code                    string
	}{
		{"list own", "GET", "/v1/feeds", "aggregator", nil, 200, ""},
		{"get own", "GET", "/v1/feeds/" + f.ID, "aggregator", nil, 200, ""},
		{"another aggregator cannot see it", "GET", "/v1/feeds/" + f.ID, "aggregator2", nil, 404, CodeNotFound},
		{"another aggregator cannot sync it", "POST", "/v1/feeds/" + f.ID + "/sync", "aggregator2", nil, 404, CodeNotFound},
		{"another aggregator cannot read its runs", "GET", "/v1/feeds/" + f.ID + "/runs", "aggregator2", nil, 404, CodeNotFound},
		{"same URL twice", "POST", "/v1/feeds", "aggregator", `{"url":"` + public + `"}`, 409, CodeConflict},
		{"a reader cannot register", "POST", "/v1/feeds", "reader", `{"url":"https://93.184.215.14/x"}`, 403, CodeForbidden},
		{"a reader cannot sync", "POST", "/v1/feeds/" + f.ID + "/sync", "reader", nil, 403, CodeForbidden},
		{"a coach cannot sync", "POST", "/v1/feeds/" + f.ID + "/sync", "coach", nil, 403, CodeForbidden},
		{"no URL", "POST", "/v1/feeds", "aggregator", `{"every":"24h"}`, 400, CodeBadRequest},
		{"not http", "POST", "/v1/feeds", "aggregator", `{"url":"ftp://93.184.215.14/x"}`, 400, CodeBadRequest},
		{"interval too short", "POST", "/v1/feeds", "aggregator", `{"url":"https://93.184.215.14/y","every":"1s"}`, 400, CodeBadRequest},
		{"unknown format", "POST", "/v1/feeds", "aggregator", `{"url":"https://93.184.215.14/z","format":"rss"}`, 400, CodeBadRequest},
		{"unknown field", "POST", "/v1/feeds", "aggregator", `{"url":"https://93.184.215.14/z","schedule":"daily"}`, 400, CodeBadRequest},
		{"loopback refused", "POST", "/v1/feeds", "aggregator", `{"url":"http://127.0.0.1:8080/feed.csv"}`, 400, CodeBadRequest},
		{"loopback by name refused", "POST", "/v1/feeds", "aggregator", `{"url":"http://localhost:8080/feed.csv"}`, 400, CodeBadRequest},
		{"private refused", "POST", "/v1/feeds", "aggregator", `{"url":"http://10.1.2.3/feed.csv"}`, 400, CodeBadRequest},
		{"cloud metadata refused", "POST", "/v1/feeds", "aggregator", `{"url":"http://169.254.169.254/latest/meta-data"}`, 400, CodeBadRequest},
		{"IPv6 loopback refused", "POST", "/v1/feeds", "aggregator", `{"url":"http://[::1]:8080/feed.csv"}`, 400, CodeBadRequest},
		{"unknown feed", "POST", "/v1/feeds/nope/sync", "aggregator", nil, 404, CodeNotFound},
		{"runs of an unknown feed", "GET", "/v1/feeds/nope/runs", "aggregator", nil, 404, CodeNotFound},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			h.t = t
			r := h.do(test.method, test.path, test.key, test.body)
			if r.status != test.want {
				t.Fatalf("status %d, want %d: %s", r.status, test.want, r.body)
			}
			if test.code != "" && r.errorCode() != test.code {
				t.Errorf("code %q, want %q", r.errorCode(), test.code)
			}
			if strings.HasSuffix(test.name, " refused") && !strings.Contains(string(r.body), "--allow-private-feeds") {
				t.Errorf("the refusal does not say how to allow private feeds: %s", r.body)
			}
		})
	}
	h.t = t
	var list struct{ Feeds []feedJSON }
	h.do("GET", "/v1/feeds", "aggregator", nil).json(t, &list)
	if len(list.Feeds) != 1 {
		t.Errorf("%d feeds listed, want 1", len(list.Feeds))
	}
	h.do("GET", "/v1/feeds", "aggregator2", nil).json(t, &list)
	if len(list.Feeds) != 0 {
		t.Errorf("another aggregator lists %d feeds", len(list.Feeds))
	}
}

// TestFeedSyncRefusesLoopback registers a loopback feed behind the API's
// back (as a DNS change after registration would) and checks that the sync
// is refused by the fetch guard, the failed run recorded.
func TestFeedSyncRefusesLoopback(t *testing.T) {
	h := newHarness(t, options{memory: true})
	fs := newFeedServer(t)
	f, err := h.feeds.Register(context.Background(), feedsync.Feed{Owner: h.keyIDs["aggregator"], URL: fs.URL + "/feed.csv"})
	if err != nil {
		t.Fatal(err)
	}
	r := h.do("POST", "/v1/feeds/"+f.ID+"/sync", "aggregator", nil)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "not allowed") || !strings.Contains(string(r.body), "--allow-private-feeds") {
		t.Fatalf("sync of a loopback feed: %d %s (want a refusal naming --allow-private-feeds)", r.status, r.body)
	}
	if n := fs.requests.Load(); n != 0 {
		t.Errorf("the feed server was reached %d times", n)
	}
	var runs struct{ Runs []runJSON }
	h.do("GET", "/v1/feeds/"+f.ID+"/runs", "aggregator", nil).json(t, &runs)
	if len(runs.Runs) != 1 || runs.Runs[0].Status != feedsync.StatusFailed {
		t.Errorf("runs %+v, want one failed run", runs.Runs)
	}
	if h.cat.Version() != 1 {
		t.Errorf("catalog version %d after a refused sync", h.cat.Version())
	}
}

// TestFeedSync fetches a feed on a server that allows private feeds, then
// syncs it again (304), pushes a document in its place, and meets a failing
// issuer.
func TestFeedSync(t *testing.T) {
	h := newHarness(t, options{allowPrivate: true})
	fs := newFeedServer(t)
	r := h.do("POST", "/v1/feeds", "aggregator", `{"url":"`+fs.URL+`/feed.csv","every":"1h"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("register a local feed on a server allowing it: %d %s", r.status, r.body)
	}
	var f feedJSON
	r.json(t, &f)
	syncPath := "/v1/feeds/" + f.ID + "/sync"

	// Warm the cache before the sync.
	if r := h.do("GET", "/v1/credentials?q=restorative", "reader", nil); r.header.Get("X-Cache") != "miss" {
		t.Fatalf("first search X-Cache %q", r.header.Get("X-Cache"))
	}
	h.do("GET", "/v1/credentials?q=restorative", "reader", nil)

	r = h.do("POST", syncPath, "aggregator", nil)
	if r.status != 200 {
		t.Fatalf("sync: %d %s", r.status, r.body)
	}
	var rep syncResponse
	r.json(t, &rep)
	if rep.Added != 2 || rep.CatalogVersion != 2 || rep.Status != feedsync.StatusOK || rep.RunID == "" {
		t.Fatalf("sync report %+v", rep)
	}
	// The sync is visible to the next request: a new version, a miss,
	// the new credentials; and the model was rebuilt before the answer.
	r = h.do("GET", "/v1/credentials?q=restorative", "reader", nil)
	var s searchResponse
	r.json(t, &s)
	if r.header.Get("X-Cache") != "miss" || s.CatalogVersion != 2 || !contains(hitIDs(s), "feed-restorative") {
		t.Errorf("after the sync: X-Cache %s, version %d, hits %v", r.header.Get("X-Cache"), s.CatalogVersion, hitIDs(s))
	}
	if m := h.rec.Model(); m == nil || m.Version() != 2 {
		t.Error("the model was not rebuilt before the sync answered")
	}

	// Unchanged feed: the issuer answers 304.
	r = h.do("POST", syncPath, "aggregator", nil)
	r.json(t, &rep)
	if r.status != 200 || rep.Status != feedsync.StatusNotModified || rep.CatalogVersion != 2 {
		t.Errorf("second sync: %d %+v", r.status, rep)
	}

	// A pushed document replaces the feed's content: feed-sel is gone.
	push := "id,issuer,title,description,competencies\nfeed-restorative,Riverbend Academy,Restorative Circles in the Classroom,Run restorative circles that repair harm.,InTASC:3\n"
	r = h.doHeader("POST", syncPath, "aggregator", push, http.Header{"Content-Type": {"text/csv"}})
	if r.status != 200 {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	r.json(t, &rep)
	if rep.Retired != 1 || rep.Updated != 1 || rep.CatalogVersion != 3 {
		t.Errorf("push report %+v, want 1 updated, 1 retired, version 3", rep)
	}
	var cred struct{ Status string }
	h.do("GET", "/v1/credentials/feed-sel", "reader", nil).json(t, &cred)
	if cred.Status != "retired" {
		t.Errorf("feed-sel status %q after the push dropped it", cred.Status)
	}

	// The issuer fails: 422 with the run recorded.
	fs.fail.Store(true)
	r = h.do("POST", syncPath, "aggregator", nil)
	if r.status != http.StatusUnprocessableEntity || r.errorCode() != CodeFeedFailed {
		t.Errorf("sync of a failing feed: %d %s", r.status, r.body)
	}

	var runs struct{ Runs []runJSON }
	h.do("GET", "/v1/feeds/"+f.ID+"/runs", "aggregator", nil).json(t, &runs)
	var statuses []string
	for _, run := range runs.Runs {
		statuses = append(statuses, run.Status)
	}
	want := []string{"failed", "ok", "not-modified", "ok"}
	if strings.Join(statuses, ",") != strings.Join(want, ",") {
		t.Errorf("runs newest first %v, want %v", statuses, want)
	}
	if got := h.metric("pdpath_ingest_runs_total", map[string]string{"status": "ok"}); got != 2 {
		t.Errorf("ok runs counted %v, want 2", got)
	}
	if got := h.metric("pdpath_ingest_records_total", map[string]string{"change": "added"}); got != 2 {
		t.Errorf("added records counted %v, want 2", got)
	}
}

// TestFeedSyncUnreadableDocument: a pushed document that cannot be read at
// all is refused (400), recorded as a failed run with the reason, and
// leaves the feed's items as they were.
func TestFeedSyncUnreadableDocument(t *testing.T) {
	h := newHarness(t, options{allowPrivate: true})
	fs := newFeedServer(t)
	r := h.do("POST", "/v1/feeds", "aggregator", `{"url":"`+fs.URL+`/feed.csv","every":"1h"}`)
	var f feedJSON
	r.json(t, &f)
	syncPath := "/v1/feeds/" + f.ID + "/sync"
	if r := h.do("POST", syncPath, "aggregator", nil); r.status != 200 {
		t.Fatalf("sync: %d %s", r.status, r.body)
	}
	r = h.doHeader("POST", syncPath, "aggregator", `{"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [`,
		http.Header{"Content-Type": {"application/json"}})
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "unreadable") {
		t.Errorf("push of an unreadable document: %d %s, want 400 saying it is unreadable", r.status, r.body)
	}
	var runs struct{ Runs []runJSON }
	h.do("GET", "/v1/feeds/"+f.ID+"/runs", "aggregator", nil).json(t, &runs)
	if len(runs.Runs) != 2 || runs.Runs[0].Status != feedsync.StatusFailed || !strings.Contains(runs.Runs[0].Error, "unreadable") {
		t.Errorf("runs after the unreadable push: %+v, want the newest failed with its reason", runs.Runs)
	}
	var cred struct{ Status string }
	h.do("GET", "/v1/credentials/feed-sel", "reader", nil).json(t, &cred)
	if cred.Status != "active" {
		t.Errorf("feed-sel status %q after an unreadable push, want active", cred.Status)
	}
}

// freePort returns a port nothing listens on.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
