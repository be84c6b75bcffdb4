package recommender

import (
	"context"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestCoEarned: when earning histories show two credentials held together
// again and again, holding one suggests the other, and says why.
func TestCoEarned(t *testing.T) {
	var histories [][]string
	for range 5 {
		histories = append(histories, []string{"reflect-practice", "family-engage"})
	}
	histories = append(histories, []string{"reflect-practice", "tech-ai"})
	e := New(Options{Build: BuildOptions{Histories: histories}})
	if err := e.Rebuild(context.Background(), loadTestSnapshot(t, 1)); err != nil {
		t.Fatal(err)
	}
	res, err := e.Recommend(context.Background(), catalog.Profile{Earned: []string{"reflect-practice"}}, RecommendOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].ID != "family-engage" || !hasReason(res.Items[0], "Often earned together with Reflective Teaching Practice") {
		t.Errorf("first item %+v, want family-engage, often earned with what she holds", res.Items[0])
	}
	if it, ok := itemByID(res, "tech-ai"); ok && hasReason(it, "Often earned together") {
		t.Error("a pair seen once is not a pattern")
	}
}

type snapshotFunc func() *catalog.Snapshot

func (f snapshotFunc) Snapshot() *catalog.Snapshot { return f() }

// TestWatch builds the first model at once and rebuilds when the source's
// version changes.
func TestWatch(t *testing.T) {
	snaps := []*catalog.Snapshot{loadTestSnapshot(t, 1), loadTestSnapshot(t, 2)}
	cur := make(chan *catalog.Snapshot, 1)
	cur <- snaps[0]
	latest := snaps[0]
	src := snapshotFunc(func() *catalog.Snapshot {
		select {
		case s := <-cur:
			latest = s
		default:
		}
		return latest
	})
	e := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Watch(ctx, src, 10*time.Millisecond)
	waitVersion := func(v int64) {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if m := e.Model(); m != nil && m.Version() == v {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("model never reached version %d", v)
	}
	waitVersion(1)
	cur <- snaps[1]
	waitVersion(2)
}
