package feedsync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/pgdb/pgdbtest"
	"github.com/pdpath/pdpath/indexer/store"
)

// feedStores open, for one test, a fresh feed store of each kind; each
// call of the returned function opens the same storage again (another
// server's view of it, for PostgreSQL).
var feedStores = map[string]func(t *testing.T) func() Store{
	"bolt": func(t *testing.T) func() Store {
		dir := t.TempDir()
		var once sync.Once
		var reg Store
		return func() Store {
			// bbolt allows one opener; every view is the same one.
			once.Do(func() {
				r, err := OpenStore(context.Background(), "", dir, RegistryOptions{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close() })
				reg = r
			})
			return reg
		}
	},
	"postgres": func(t *testing.T) func() Store {
		dsn := pgdbtest.Schema(t, "feedsync_test")
		return func() Store {
			r, err := OpenStore(context.Background(), dsn, "", RegistryOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return r
		}
	},
}

// TestStores runs one behaviour suite against both feed stores.
func TestStores(t *testing.T) {
	for name, open := range feedStores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			views := open(t)
			a, b := views(), views()
			f, err := a.Register(ctx, Feed{Owner: "agg", URL: "https://issuer.example/feed.csv", Format: "csv", Every: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Register(ctx, Feed{Owner: "agg", URL: f.URL}); !errors.Is(err, ErrConflict) {
				t.Errorf("second registration of one URL by one owner: %v, want ErrConflict", err)
			}
			if _, err := b.Register(ctx, Feed{Owner: "agg", URL: "ftp://x"}); !errors.Is(err, ErrInvalid) {
				t.Errorf("a bad URL: %v, want ErrInvalid", err)
			}
			got, err := b.Get(ctx, "agg", f.ID)
			if err != nil || got.URL != f.URL || got.Every != time.Hour || got.Format != "csv" || !got.LastRun.IsZero() {
				t.Errorf("Get from another view = %+v, %v", got, err)
			}
			for _, id := range []string{f.ID, "nope", "\x00", "\xff"} {
				if _, err := b.Get(ctx, "other", id); !errors.Is(err, ErrNotFound) {
					t.Errorf("Get(%q) by another owner: %v, want ErrNotFound", id, err)
				}
			}
			if list, err := b.List(ctx, "agg"); err != nil || len(list) != 1 {
				t.Errorf("List = %v, %v", list, err)
			}
			if list, err := b.List(ctx, "other"); err != nil || len(list) != 0 {
				t.Errorf("another owner's List = %v, %v", list, err)
			}

			start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range MaxRuns + 3 {
				run := Run{ID: fmt.Sprintf("run-%02d", i), FeedID: f.ID, Started: start.Add(time.Duration(i) * time.Minute),
					Finished: start.Add(time.Duration(i)*time.Minute + time.Second), Status: StatusOK,
					Report: catalog.Report{Added: i, Rejected: []catalog.Rejection{}}}
				if err := a.recordRun(run, &validators{etag: fmt.Sprintf(`"v%d"`, i)}); err != nil {
					t.Fatal(err)
				}
			}
			runs, err := b.Runs(ctx, "agg", f.ID, 0)
			if err != nil || len(runs) != MaxRuns || runs[0].ID != fmt.Sprintf("run-%02d", MaxRuns+2) || runs[0].Report.Added != MaxRuns+2 {
				t.Errorf("Runs: %d runs, newest %+v, %v; want %d, newest first", len(runs), runs[0], err, MaxRuns)
			}
			got, _ = b.Get(ctx, "agg", f.ID)
			if got.ETag != fmt.Sprintf(`"v%d"`, MaxRuns+2) || !got.LastRun.Equal(start.Add(time.Duration(MaxRuns+2)*time.Minute)) {
				t.Errorf("after runs the feed is %+v", got)
			}
			if err := a.recordRun(Run{ID: "failed", FeedID: f.ID, Started: start.Add(time.Hour), Finished: start.Add(time.Hour), Status: StatusFailed}, nil); err != nil {
				t.Fatal(err)
			}
			if got, _ = b.Get(ctx, "agg", f.ID); got.ETag != fmt.Sprintf(`"v%d"`, MaxRuns+2) {
				t.Errorf("a failed run changed the validators to %q", got.ETag)
			}
			if err := b.Delete(ctx, "other", f.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("Delete by another owner: %v", err)
			}
			if err := b.Delete(ctx, "agg", f.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Get(ctx, "agg", f.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get after Delete: %v", err)
			}
		})
	}
}

// TestSharedStoreSyncsOnce: three servers (syncers on their own catalogs
// and one PostgreSQL feed store) asked to sync one feed at once fetch it
// once; every one answers with the run that fetch recorded.
func TestSharedStoreSyncsOnce(t *testing.T) {
	ctx := context.Background()
	views := feedStores["postgres"](t)
	srv := newFeedServer(t, csvOf(feedRows...))
	gate := make(chan struct{})
	srv.mu.Lock()
	srv.gate = gate
	srv.mu.Unlock()
	var f Feed
	var syncers []*Syncer
	for i := range 3 {
		reg := views()
		if i == 0 {
			var err error
			if f, err = reg.Register(ctx, Feed{Owner: "agg", URL: srv.URL + "/feed.csv"}); err != nil {
				t.Fatal(err)
			}
		}
		fetcher := fetch.New(fetch.Policy{AllowPrivate: true, Timeout: 10 * time.Second})
		cat, err := store.Open(ctx, t.TempDir(), store.Options{Fetcher: fetcher, CloseDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cat.Close() })
		syncers = append(syncers, NewSyncer(SyncerConfig{Registry: reg, Catalog: cat, Fetcher: fetcher}))
	}
	runs := make([]Run, len(syncers))
	errs := make([]error, len(syncers))
	var wg sync.WaitGroup
	for i, s := range syncers {
		wg.Go(func() { runs[i], errs[i] = s.Sync(ctx, "agg", f.ID) })
	}
	// Let the one fetch through once the others have had time to ask.
	time.Sleep(500 * time.Millisecond)
	close(gate)
	wg.Wait()
	if requests, _, _ := srv.stats(); requests != 1 {
		t.Errorf("the feed was fetched %d times by three servers asked at once, want 1", requests)
	}
	for i := range syncers {
		if errs[i] != nil || runs[i].ID != runs[0].ID || runs[i].Report.Added != len(feedRows) {
			t.Errorf("server %d: run %+v, %v; want the one run %s", i, runs[i], errs[i], runs[0].ID)
		}
	}
}

// TestSharedStoreSchedulesOnce: three servers' schedulers on one
// PostgreSQL feed store, each checking for due feeds as they start, sync a
// due feed once between them.
func TestSharedStoreSchedulesOnce(t *testing.T) {
	ctx := context.Background()
	views := feedStores["postgres"](t)
	srv := newFeedServer(t, csvOf(feedRows...))
	first := views()
	f, err := first.Register(ctx, Feed{Owner: "agg", URL: srv.URL + "/feed.csv", Every: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range 3 {
		reg := views()
		fetcher := fetch.New(fetch.Policy{AllowPrivate: true, Timeout: 10 * time.Second})
		cat, err := store.Open(ctx, t.TempDir(), store.Options{Fetcher: fetcher, CloseDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cat.Close() })
		syncer := NewSyncer(SyncerConfig{Registry: reg, Catalog: cat, Fetcher: fetcher})
		// No ticks: each scheduler checks once, on start.
		s := NewScheduler(SchedulerConfig{Registry: reg, Syncer: syncer, Ticks: make(chan time.Time)})
		wg.Go(func() { s.Run(runCtx) })
	}
	// Every scheduler's first check has ended once the feed has a run and
	// no lease is held; give them until then.
	deadline := time.Now().Add(20 * time.Second)
	for {
		runs, err := first.Runs(ctx, "agg", f.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var leases int
		if err := first.(*PostgresRegistry).pool.QueryRow(ctx, `SELECT count(*) FROM feed_leases`).Scan(&leases); err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 && leases == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the due feed was never synced")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	runs, _ := first.Runs(ctx, "agg", f.ID, 0)
	if requests, _, _ := srv.stats(); requests != 1 || len(runs) != 1 {
		t.Errorf("three schedulers fetched the due feed %d times and recorded %d runs, want 1 and 1", requests, len(runs))
	}
}
