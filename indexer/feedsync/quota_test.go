package feedsync

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
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
