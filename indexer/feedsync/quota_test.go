package feedsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/store"
	bolt "go.etcd.io/bbolt"
)

// TestFeedQuota reproduces one key registering feeds without limit.
func TestFeedQuota(t *testing.T) {
	reg, err := OpenRegistry(t.TempDir(), RegistryOptions{MaxFeedsPerOwner: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := reg.Register(ctx, Feed{Owner: "a", URL: fmt.Sprintf("https://issuer.example/%d.csv", i)}); err != nil {
			t.Fatalf("feed %d: %v", i, err)
		}
	}
	_, err = reg.Register(ctx, Feed{Owner: "a", URL: "https://issuer.example/4.csv"})
	if !errors.Is(err, ErrQuota) {
		t.Fatalf("fourth feed: %v, want ErrQuota", err)
	}
	if _, err := reg.Register(ctx, Feed{Owner: "b", URL: "https://issuer.example/4.csv"}); err != nil {
		t.Errorf("another owner's first feed: %v", err)
	}
	feeds, _ := reg.List(ctx, "a")
	if err := reg.Delete(ctx, "a", feeds[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Register(ctx, Feed{Owner: "a", URL: "https://issuer.example/4.csv"}); err != nil {
		t.Errorf("a feed after deleting one: %v", err)
	}
}

// TestPausedFeedIsNotDue reproduces a feed that cannot be stopped short of
// deleting it.
func TestPausedFeedIsNotDue(t *testing.T) {
	reg, err := OpenRegistry(t.TempDir(), RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ctx := context.Background()
	f, err := reg.Register(ctx, Feed{Owner: "a", URL: "https://issuer.example/feed.csv", Every: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if !due(f, now) {
		t.Fatal("a new scheduled feed is not due")
	}
	if _, err := reg.SetPaused(ctx, "b", f.ID, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("another owner pausing: %v, want ErrNotFound", err)
	}
	p, err := reg.SetPaused(ctx, "a", f.ID, true)
	if err != nil || !p.Paused || due(p, now) {
		t.Fatalf("paused: %+v, %v; want paused and not due", p, err)
	}
	got, _ := reg.Get(ctx, "a", f.ID)
	if !got.Paused {
		t.Error("pause not stored")
	}
	r, _ := reg.SetPaused(ctx, "a", f.ID, false)
	if r.Paused || !due(r, now) {
		t.Errorf("resumed: %+v; want due again", r)
	}
}

// TestLegacyFeedAdoptsItsSource reproduces an upgrade stranding a feed's
// items: a catalog written before sources had owners filed them under the
// bare URL; the feed's first sync since adopts them, so it can still
// update and retire them, while a feed registered later at the same URL
// cannot.
func TestLegacyFeedAdoptsItsSource(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	const url = "https://issuer.example/feed.csv"
	header := "id,issuer,title,description,competencies\n"
	rows := "l-1,Issuer,One,First.,InTASC:1\nl-2,Issuer,Two,Second.,InTASC:2\n"
	// What the older catalog holds: the feed's items under its URL alone.
	if _, err := e.cat.IngestInputs(ctx, []store.Input{{Source: url, Data: []byte(header + rows)}}); err != nil {
		t.Fatal(err)
	}
	legacy := e.register(t, "agg", url, 0)
	e.reg.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeeds)
		var d diskFeed
		json.Unmarshal(b.Get([]byte(legacy.ID)), &d)
		d.OwnedSource = false
		v, _ := json.Marshal(d)
		return b.Put([]byte(legacy.ID), v)
	})
	late := e.register(t, "other", url, 0)
	run, err := e.syncer.SyncData(ctx, "other", late.ID, []byte(header))
	if err != nil || run.Report.Retired != 0 {
		t.Fatalf("a later feed at the same URL: %s, %v; want nothing retired", counts(run.Report), err)
	}
	run, err = e.syncer.SyncData(ctx, "agg", legacy.ID, []byte(header+"l-1,Issuer,One,First.,InTASC:1\n"))
	if err != nil || run.Report.Retired != 1 || len(run.Report.Rejected) != 0 {
		t.Fatalf("the legacy feed's first sync: %s, %v; want l-2 retired", counts(run.Report), err)
	}
	if f, _ := e.reg.Get(ctx, "agg", legacy.ID); f.legacySource {
		t.Error("the feed is still marked legacy after a successful sync")
	}
}
