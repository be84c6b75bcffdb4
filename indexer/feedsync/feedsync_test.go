package feedsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/store"
)

const csvHeader = "id,issuer,title,description,competencies,level,prerequisites,cost_usd,hours,format,url,grade_bands,subjects,tags\n"

// feedRows are the records the test issuer publishes, one CSV line each.
var feedRows = []string{
	`fs-1,Test Issuer,Turn and Talk Routines,"Structure partner talk so every student speaks.",InTASC:8,1,,0,5,online,,6-8,ela,discussion`,
	`fs-2,Test Issuer,Socratic Seminar,"Plan and run a student-led seminar.",InTASC:8;FFT:3b,2,fs-1,40,10,online,,6-8,ela,discussion`,
	`fs-3,Test Issuer,Exit Tickets,"Design exit tickets and regroup students the next day.",InTASC:6,1,,25,4,hybrid,,3-5,math,assessment`,
}

func csvOf(rows ...string) string { return csvHeader + strings.Join(rows, "\n") + "\n" }

// feedServer is an issuer's web server: it serves one CSV document with a
// strong ETag and answers 304 to a matching If-None-Match.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	body     string
	requests int
	notMod   int
	lastINM  string
	// arrived, when set, is sent to when a request arrives; gate, when
	// set, holds the response until it is closed.
	arrived chan struct{}
	gate    chan struct{}
}

func newFeedServer(t *testing.T, body string) *feedServer {
	fs := &feedServer{body: body}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func etagOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	fs.requests++
	fs.lastINM = r.Header.Get("If-None-Match")
	body, arrived, gate := fs.body, fs.arrived, fs.gate
	fs.mu.Unlock()
	if arrived != nil {
		arrived <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	tag := etagOf(body)
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		fs.mu.Lock()
		fs.notMod++
		fs.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	fmt.Fprint(w, body)
}

func (fs *feedServer) set(body string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.body = body
}

func (fs *feedServer) stats() (requests, notModified int, lastINM string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.requests, fs.notMod, fs.lastINM
}

// fakeClock is a settable clock shared by the parts under test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a registry, an on-disk catalog and a syncer over them.
type env struct {
	dir      string
	reg      *Registry
	cat      *store.Catalog
	syncer   *Syncer
	counters *Counters
	clock    *fakeClock
}

// newEnv opens a real catalog and registry in a temporary index
// directory. The syncer may fetch from loopback (httptest listens there).
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	fetcher := fetch.New(fetch.Policy{AllowPrivate: true, Timeout: 10 * time.Second})
	cat, err := store.Open(ctx, dir, store.Options{Fetcher: fetcher, CloseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	e := &env{dir: dir, cat: cat, counters: &Counters{}, clock: newFakeClock()}
	e.reg = e.openRegistry(t)
	e.syncer = NewSyncer(SyncerConfig{Registry: e.reg, Catalog: cat, Fetcher: fetcher, Observer: e.counters, Now: e.clock.Now})
	return e
}

func (e *env) openRegistry(t *testing.T) *Registry {
	t.Helper()
	reg, err := OpenRegistry(e.dir, RegistryOptions{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

func (e *env) register(t *testing.T, owner, url string, every time.Duration) Feed {
	t.Helper()
	f, err := e.reg.Register(context.Background(), Feed{Owner: owner, URL: url, Format: "csv", Every: every})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func counts(r catalog.Report) string {
	return fmt.Sprintf("added=%d updated=%d unchanged=%d retired=%d rejected=%d version=%d",
		r.Added, r.Updated, r.Unchanged, r.Retired, len(r.Rejected), r.CatalogVersion)
}

func TestSyncLifecycle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows...))
	f := e.register(t, "agg", srv.URL+"/feed.csv", time.Hour)

	steps := []struct {
		name   string
		body   string // served from this step on; "" keeps the last
		status string
		want   string
	}{
		{"first sync adds", "", StatusOK, "added=3 updated=0 unchanged=0 retired=0 rejected=0 version=1"},
		{"unchanged feed answers 304", "", StatusNotModified, "added=0 updated=0 unchanged=0 retired=0 rejected=0 version=1"},
		{"changed feed updates", csvOf(feedRows[0], feedRows[1], strings.Replace(feedRows[2], "Exit Tickets", "Exit Tickets That Work", 1)), StatusOK,
			"added=0 updated=1 unchanged=2 retired=0 rejected=0 version=2"},
		{"dropped record is retired", csvOf(feedRows[0], feedRows[1]), StatusOK, "added=0 updated=0 unchanged=2 retired=1 rejected=0 version=3"},
		{"304 again after a change", "", StatusNotModified, "added=0 updated=0 unchanged=0 retired=0 rejected=0 version=3"},
	}
	var runIDs []string
	for _, step := range steps {
		if step.body != "" {
			srv.set(step.body)
		}
		e.clock.Advance(time.Minute)
		run, err := e.syncer.Sync(ctx, "agg", f.ID)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if run.Status != step.status || counts(run.Report) != step.want {
			t.Fatalf("%s: status %s, %s; want %s, %s", step.name, run.Status, counts(run.Report), step.status, step.want)
		}
		if run.Report.Rejected == nil {
			t.Errorf("%s: Rejected is nil; the report must encode it as []", step.name)
		}
		if !run.Started.Equal(e.clock.Now()) {
			t.Errorf("%s: started %v, want the clock's %v", step.name, run.Started, e.clock.Now())
		}
		runIDs = append([]string{run.ID}, runIDs...)
	}

	requests, notMod, inm := srv.stats()
	if requests != 5 || notMod != 2 {
		t.Errorf("server saw %d requests, %d answered 304; want 5 and 2", requests, notMod)
	}
	if inm != etagOf(csvOf(feedRows[0], feedRows[1])) {
		t.Errorf("last If-None-Match = %q, want the ETag of the last body", inm)
	}
	if c, ok := e.cat.Credential("fs-3"); !ok || c.Active() {
		t.Errorf("fs-3 after the feed dropped it: found=%v, want retired", ok)
	}
	if c, ok := e.cat.Credential("fs-1"); !ok || !c.Active() {
		t.Errorf("fs-1: found=%v, want active", ok)
	}

	runs, err := e.reg.Runs(ctx, "agg", f.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, r := range runs {
		gotIDs = append(gotIDs, r.ID)
	}
	if strings.Join(gotIDs, ",") != strings.Join(runIDs, ",") {
		t.Errorf("Runs = %v, want newest first %v", gotIDs, runIDs)
	}
	if got, _ := e.reg.Runs(ctx, "agg", f.ID, 2); len(got) != 2 || got[0].ID != runIDs[0] {
		t.Errorf("Runs(limit 2) = %d runs, want the newest 2", len(got))
	}

	runsByStatus, recs := e.counters.Snapshot()
	if runsByStatus[StatusOK] != 3 || runsByStatus[StatusNotModified] != 2 || recs != (RecordCounts{Added: 3, Updated: 1, Retired: 1}) {
		t.Errorf("counters = %v %+v; want ok=3 not-modified=2, added 3 updated 1 retired 1", runsByStatus, recs)
	}
	got, err := e.reg.Get(ctx, "agg", f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ETag != etagOf(csvOf(feedRows[0], feedRows[1])) || !got.LastRun.Equal(e.clock.Now()) {
		t.Errorf("feed after syncs: etag %q last run %v", got.ETag, got.LastRun)
	}
}

// TestSyncKeepsFeedsApart checks that one feed's sync retires only what
// that feed dropped.
func TestSyncKeepsFeedsApart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a := newFeedServer(t, csvOf(feedRows[0], feedRows[1]))
	b := newFeedServer(t, csvOf(feedRows[2]))
	fa := e.register(t, "agg", a.URL+"/a.csv", 0)
	fb := e.register(t, "agg", b.URL+"/b.csv", 0)
	for _, f := range []Feed{fa, fb} {
		if _, err := e.syncer.Sync(ctx, "agg", f.ID); err != nil {
			t.Fatal(err)
		}
	}
	a.set(csvOf(feedRows[0]))
	run, err := e.syncer.Sync(ctx, "agg", fa.ID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Report.Retired != 1 {
		t.Errorf("feed A dropped one record: %s", counts(run.Report))
	}
	if c, ok := e.cat.Credential("fs-3"); !ok || !c.Active() {
		t.Error("feed A's sync retired feed B's record fs-3")
	}
	if c, ok := e.cat.Credential("fs-2"); !ok || c.Active() {
		t.Error("fs-2, dropped by feed A, is still active")
	}
}

func TestSyncRefusesPrivateAddress(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows...))
	f := e.register(t, "agg", srv.URL+"/feed.csv", time.Hour)
	// A server's syncer: no Fetcher given, so private addresses are
	// refused — and httptest listens on 127.0.0.1.
	guarded := NewSyncer(SyncerConfig{Registry: e.reg, Catalog: e.cat, Observer: e.counters, Now: e.clock.Now})

	run, err := guarded.Sync(ctx, "agg", f.ID)
	if !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("Sync of a loopback feed: %v, want fetch.ErrBlockedAddress", err)
	}
	if run.Status != StatusFailed || !strings.Contains(run.Error, "not allowed") {
		t.Errorf("run = %s %q, want failed with the reason", run.Status, run.Error)
	}
	if requests, _, _ := srv.stats(); requests != 0 {
		t.Errorf("the blocked server received %d requests", requests)
	}
	if e.cat.Version() != 0 || run.Report.CatalogVersion != 0 {
		t.Errorf("catalog version %d after a refused sync, want 0", e.cat.Version())
	}
	runs, err := e.reg.Runs(ctx, "agg", f.ID, 0)
	if err != nil || len(runs) != 1 || runs[0].Status != StatusFailed || runs[0].Error != run.Error {
		t.Errorf("recorded runs = %+v, %v; want the one failed run", runs, err)
	}
	if runsByStatus, _ := e.counters.Snapshot(); runsByStatus[StatusFailed] != 1 {
		t.Errorf("failed runs counted: %v", runsByStatus)
	}
}

// TestFailedSyncKeepsValidators checks that a failed fetch does not lose
// the validators of what the catalog holds.
func TestFailedSyncKeepsValidators(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows...))
	f := e.register(t, "agg", srv.URL+"/feed.csv", 0)
	if _, err := e.syncer.Sync(ctx, "agg", f.ID); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	run, err := e.syncer.Sync(ctx, "agg", f.ID)
	if err == nil || run.Status != StatusFailed {
		t.Fatalf("sync of a stopped server: %s, %v; want failed", run.Status, err)
	}
	if run.Report.CatalogVersion != 1 {
		t.Errorf("failed run reports catalog version %d, want the current 1", run.Report.CatalogVersion)
	}
	got, _ := e.reg.Get(ctx, "agg", f.ID)
	if got.ETag != etagOf(csvOf(feedRows...)) {
		t.Errorf("ETag after a failed run = %q, want the last ingested one", got.ETag)
	}
}

func TestSyncData(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows...))
	f := e.register(t, "agg", srv.URL+"/feed.csv", 0)
	if _, err := e.syncer.Sync(ctx, "agg", f.ID); err != nil {
		t.Fatal(err)
	}

	// The upload replaces what the feed publishes: fs-2 and fs-3 go.
	run, err := e.syncer.SyncData(ctx, "agg", f.ID, []byte(csvOf(feedRows[0])))
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != StatusOK || counts(run.Report) != "added=0 updated=0 unchanged=1 retired=2 rejected=0 version=2" {
		t.Errorf("upload: %s %s", run.Status, counts(run.Report))
	}
	got, _ := e.reg.Get(ctx, "agg", f.ID)
	if got.ETag != "" || got.LastModified != "" {
		t.Errorf("validators after an upload = %q %q, want cleared", got.ETag, got.LastModified)
	}
	// So the next fetch reads the URL in full and restores its records.
	run, err = e.syncer.Sync(ctx, "agg", f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, inm := srv.stats(); inm != "" {
		t.Errorf("fetch after an upload sent If-None-Match %q, want none", inm)
	}
	if run.Status != StatusOK || run.Report.Updated != 2 {
		t.Errorf("fetch after upload: %s %s, want the two records back", run.Status, counts(run.Report))
	}

	if _, err := e.syncer.SyncData(ctx, "agg", f.ID, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty upload: %v, want ErrInvalid", err)
	}
	if _, err := e.syncer.SyncData(ctx, "someone-else", f.ID, []byte(csvOf(feedRows[0]))); !errors.Is(err, ErrNotFound) {
		t.Errorf("upload to another owner's feed: %v, want ErrNotFound", err)
	}
}

// TestConcurrentSyncsRunOnce starts a second Sync while the first is
// fetching: it must share the first's run, not fetch again.
func TestConcurrentSyncsRunOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows...))
	srv.arrived, srv.gate = make(chan struct{}, 4), make(chan struct{})
	f := e.register(t, "agg", srv.URL+"/feed.csv", 0)

	type result struct {
		run Run
		err error
	}
	results := make(chan result, 2)
	sync := func() {
		run, err := e.syncer.Sync(ctx, "agg", f.ID)
		results <- result{run, err}
	}
	go sync()
	<-srv.arrived // the first sync is fetching
	go sync()
	waitFor(t, "the second sync to join the first", func() bool {
		e.syncer.mu.Lock()
		defer e.syncer.mu.Unlock()
		fl := e.syncer.inflight[f.ID]
		return fl != nil && fl.waiters == 1
	})
	close(srv.gate)

	a, b := <-results, <-results
	if a.err != nil || b.err != nil {
		t.Fatal(a.err, b.err)
	}
	if a.run.ID != b.run.ID || a.run.Report.Added != 3 {
		t.Errorf("runs %s (%s) and %s; want one shared run that added 3", a.run.ID, counts(a.run.Report), b.run.ID)
	}
	if requests, _, _ := srv.stats(); requests != 1 {
		t.Errorf("server saw %d requests, want 1", requests)
	}
	if runs, _ := e.reg.Runs(ctx, "agg", f.ID, 0); len(runs) != 1 {
		t.Errorf("%d runs recorded, want 1", len(runs))
	}
}

// TestUploadWaitsForRunningSync checks that an upload never shares a run
// and never overlaps one: it runs after the fetch under way.
func TestUploadWaitsForRunningSync(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows...))
	srv.arrived, srv.gate = make(chan struct{}, 4), make(chan struct{})
	f := e.register(t, "agg", srv.URL+"/feed.csv", 0)

	fetched := make(chan Run, 1)
	go func() {
		run, err := e.syncer.Sync(ctx, "agg", f.ID)
		if err != nil {
			t.Error(err)
		}
		fetched <- run
	}()
	<-srv.arrived
	pushed := make(chan Run, 1)
	go func() {
		run, err := e.syncer.SyncData(ctx, "agg", f.ID, []byte(csvOf(feedRows[0])))
		if err != nil {
			t.Error(err)
		}
		pushed <- run
	}()
	waitFor(t, "the upload to wait", func() bool {
		e.syncer.mu.Lock()
		defer e.syncer.mu.Unlock()
		fl := e.syncer.inflight[f.ID]
		return fl != nil && fl.waiters == 1
	})
	close(srv.gate)
	fr, pr := <-fetched, <-pushed
	if fr.ID == pr.ID || fr.Report.Added != 3 || pr.Report.Retired != 2 {
		t.Errorf("fetch %s (%s), upload %s (%s); want two runs, the upload after the fetch",
			fr.ID, counts(fr.Report), pr.ID, counts(pr.Report))
	}
	runs, err := e.reg.Runs(ctx, "agg", f.ID, 0)
	if err != nil || len(runs) != 2 || runs[0].ID != pr.ID || runs[1].ID != fr.ID {
		t.Errorf("recorded runs %+v, %v; want the fetch, then the upload", runs, err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestUnreadableDocumentFailsTheRun: a sync whose whole document cannot be
// read (a rejection naming no record) is recorded as failed with the
// reason, fetched or pushed, and retires nothing the feed published.
func TestUnreadableDocumentFailsTheRun(t *testing.T) {
	tests := []struct {
		name     string
		push     bool
		body     string
		wantKind derrors.Kind
	}{
		{"fetched JSON cut short", false, `{"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [`, derrors.Upstream},
		{"pushed JSON cut short", true, `{"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [`, derrors.Invalid},
		{"pushed binary", true, "\x00\x01\x02\xff\xfe binary", derrors.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			srv := newFeedServer(t, csvOf(feedRows...))
			f := e.register(t, "agg", srv.URL+"/feed", 0)
			if _, err := e.syncer.Sync(ctx, "agg", f.ID); err != nil {
				t.Fatal(err)
			}
			var run Run
			var err error
			if tt.push {
				run, err = e.syncer.SyncData(ctx, "agg", f.ID, []byte(tt.body))
			} else {
				srv.set(tt.body)
				run, err = e.syncer.Sync(ctx, "agg", f.ID)
			}
			if err == nil || run.Status != StatusFailed || !strings.Contains(run.Error, "unreadable") {
				t.Fatalf("sync of an unreadable document: status %q, error %q (%v); want failed, saying why", run.Status, run.Error, err)
			}
			if k := derrors.KindOf(err); k != tt.wantKind {
				t.Errorf("error kind = %v, want %v", k, tt.wantKind)
			}
			runs, err := e.reg.Runs(ctx, "agg", f.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 2 || runs[0].Status != StatusFailed || runs[0].Error == "" {
				t.Errorf("recorded runs = %+v, want the newest failed with its reason", runs)
			}
			for _, id := range []string{"fs-1", "fs-2", "fs-3"} {
				if c, ok := e.cat.Credential(id); !ok || !c.Active() {
					t.Errorf("%s retired by an unreadable document", id)
				}
			}
		})
	}
}
