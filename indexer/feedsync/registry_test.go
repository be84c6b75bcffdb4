package feedsync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	berrors "go.etcd.io/bbolt/errors"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/store"
)

func TestParseEvery(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, true},
		{"0", 0, true},
		{"24h", 24 * time.Hour, true},
		{" 90m ", 90 * time.Minute, true},
		{"15m", 15 * time.Minute, true},
		{"1m", 0, false},
		{"14m59s", 0, false},
		{"720h", 720 * time.Hour, true},
		{"59s", 0, false},
		{"721h", 0, false},
		{"-1h", 0, false},
		{"daily", 0, false},
		{"24", 0, false},
	}
	for _, test := range tests {
		got, err := ParseEvery(test.in)
		if test.ok && (err != nil || got != test.want) {
			t.Errorf("ParseEvery(%q) = %v, %v; want %v", test.in, got, err, test.want)
		}
		if !test.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseEvery(%q) = %v, %v; want ErrInvalid", test.in, got, err)
		}
	}
}

func TestRegisterRejectsBadFeeds(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	ok := Feed{Owner: "agg", URL: "https://issuer.example/feed.csv", Every: time.Hour}
	tests := []struct {
		name string
		edit func(*Feed)
	}{
		{"no owner", func(f *Feed) { f.Owner = "" }},
		{"id set", func(f *Feed) { f.ID = "chosen" }},
		{"ftp URL", func(f *Feed) { f.URL = "ftp://issuer.example/feed.csv" }},
		{"file URL", func(f *Feed) { f.URL = "file:///etc/passwd" }},
		{"relative URL", func(f *Feed) { f.URL = "/feed.csv" }},
		{"no host", func(f *Feed) { f.URL = "https:///feed.csv" }},
		{"credentials in URL", func(f *Feed) { f.URL = "https://user:pw@issuer.example/feed.csv" }},
		{"huge URL", func(f *Feed) { f.URL = "https://issuer.example/" + strings.Repeat("a", MaxURLBytes) }},
		{"unknown format", func(f *Feed) { f.Format = "rss" }},
		{"every too short", func(f *Feed) { f.Every = 30 * time.Second }},
		{"every too long", func(f *Feed) { f.Every = 31 * 24 * time.Hour }},
	}
	for _, test := range tests {
		f := ok
		test.edit(&f)
		if _, err := e.reg.Register(ctx, f); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", test.name, err)
		}
	}
	if err := checkURL("https://user:secret@issuer.example/"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("credential error %v must not show the password", err)
	}

	first, err := e.reg.Register(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == "" || !first.Created.Equal(e.clock.Now()) || first.Every != time.Hour {
		t.Errorf("registered %+v", first)
	}
	if _, err := e.reg.Register(ctx, ok); !errors.Is(err, ErrConflict) {
		t.Errorf("same owner, same URL: %v, want ErrConflict", err)
	}
	other := ok
	other.Owner = "other-agg"
	if _, err := e.reg.Register(ctx, other); err != nil {
		t.Errorf("another owner registering the same URL: %v", err)
	}
}

func TestRegistryOwnerScoping(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	mine := e.register(t, "agg", "https://a.example/feed.csv", 0)
	e.clock.Advance(time.Second) // so "oldest first" has one answer
	e.register(t, "agg", "https://b.example/feed.csv", time.Hour)
	e.register(t, "other", "https://c.example/feed.csv", 0)

	if _, err := e.reg.Get(ctx, "other", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of another owner's feed: %v, want ErrNotFound", err)
	}
	if _, err := e.reg.Runs(ctx, "other", mine.ID, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Runs of another owner's feed: %v, want ErrNotFound", err)
	}
	if _, err := e.syncer.Sync(ctx, "other", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Sync of another owner's feed: %v, want ErrNotFound", err)
	}
	if err := e.reg.Delete(ctx, "other", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of another owner's feed: %v, want ErrNotFound", err)
	}
	list, err := e.reg.List(ctx, "agg")
	if err != nil || len(list) != 2 || list[0].ID != mine.ID {
		t.Errorf("List(agg) = %+v, %v; want its two feeds, oldest first", list, err)
	}
	all, err := e.reg.All(ctx)
	if err != nil || len(all) != 3 {
		t.Errorf("All = %d feeds, %v; want 3", len(all), err)
	}
	if err := e.reg.Delete(ctx, "agg", mine.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.Get(ctx, "agg", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := e.reg.Delete(ctx, "agg", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
}

// fakeCatalog ingests nothing and counts what it was given.
type fakeCatalog struct{ sources []string }

func (c *fakeCatalog) IngestInputs(_ context.Context, in []store.Input) (catalog.Report, error) {
	for _, i := range in {
		c.sources = append(c.sources, i.Source)
	}
	rejected := make([]catalog.Rejection, MaxStoredRejections+5)
	for i := range rejected {
		rejected[i] = catalog.Rejection{Source: in[0].Source, Record: fmt.Sprintf("line %d", i+2), Error: "no title"}
	}
	return catalog.Report{Unchanged: 1, CatalogVersion: 7, Rejected: rejected}, nil
}

func (c *fakeCatalog) Version() int64 { return 7 }

func TestRunsAreCappedAndPersist(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	cat := &fakeCatalog{}
	s := NewSyncer(SyncerConfig{Registry: e.reg, Catalog: cat, Now: e.clock.Now})
	f := e.register(t, "agg", "https://issuer.example/feed.csv", time.Hour)
	var last Run
	for range MaxRuns + 5 {
		e.clock.Advance(time.Second)
		run, err := s.SyncData(ctx, "agg", f.ID, []byte("id\n"))
		if err != nil {
			t.Fatal(err)
		}
		last = run
	}
	if len(last.Report.Rejected) != MaxStoredRejections+5 {
		t.Errorf("returned run holds %d rejections, want all %d", len(last.Report.Rejected), MaxStoredRejections+5)
	}
	for _, src := range cat.sources {
		if src != f.URL {
			t.Fatalf("upload ingested as source %q, want the feed URL", src)
		}
	}

	// Reopen the file: runs and the feed's state are on disk.
	if err := e.reg.Close(); err != nil {
		t.Fatal(err)
	}
	reg := e.openRegistry(t)
	runs, err := reg.Runs(ctx, "agg", f.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != MaxRuns {
		t.Fatalf("%d runs kept, want %d", len(runs), MaxRuns)
	}
	if runs[0].ID != last.ID || !runs[0].Started.Equal(last.Started) || runs[0].Report.CatalogVersion != 7 || runs[0].Status != StatusOK {
		t.Errorf("newest kept run = %+v, want %+v", runs[0], last)
	}
	if len(runs[0].Report.Rejected) != MaxStoredRejections {
		t.Errorf("stored run holds %d rejections, want %d", len(runs[0].Report.Rejected), MaxStoredRejections)
	}
	// The oldest kept is the sixth: five were dropped.
	if oldest := runs[len(runs)-1]; !oldest.Started.Equal(last.Started.Add(-time.Duration(MaxRuns-1) * time.Second)) {
		t.Errorf("oldest kept run started %v", oldest.Started)
	}
	got, err := reg.Get(ctx, "agg", f.ID)
	if err != nil || !got.LastRun.Equal(last.Started) || got.Every != time.Hour || got.Format != "csv" {
		t.Errorf("feed after reopen = %+v, %v", got, err)
	}
}

func TestRegistryLockedByAnotherOpen(t *testing.T) {
	dir := t.TempDir()
	first, err := OpenRegistry(dir, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := OpenRegistry(dir, RegistryOptions{LockTimeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("second open of a held registry succeeded")
	}
	if !errors.Is(err, berrors.ErrTimeout) || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second open: %v, want a lock timeout that says so", err)
	}
}
