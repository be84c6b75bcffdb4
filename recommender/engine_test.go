package recommender

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestRefreshSwapsAtomically rebuilds the model repeatedly while requests
// run. Every answer must come whole from one catalog version: version N of
// the test catalog renames one credential's title to "v N", so an item
// whose title disagrees with the answer's version would show a torn read.
// Run with -race.
func TestRefreshSwapsAtomically(t *testing.T) {
	versioned := func(v int64) *catalog.Snapshot {
		s := loadTestSnapshot(t, v)
		for _, c := range s.Credentials {
			if c.ID == "disc-socratic" {
				c.Title = "Socratic Seminar Facilitation v" + itoa(v)
			}
		}
		return s
	}
	e := New(Options{})
	if err := e.Rebuild(context.Background(), versioned(1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var answers, torn atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				res, err := e.Recommend(ctx, catalog.Profile{Goals: "socratic seminar discussion"}, RecommendOptions{Limit: 5})
				if err != nil {
					if errors.Is(err, context.Canceled) {
						return
					}
					t.Error(err)
					return
				}
				answers.Add(1)
				if it, ok := itemByID(res, "disc-socratic"); ok && it.Title != "Socratic Seminar Facilitation v"+itoa(res.CatalogVersion) {
					torn.Add(1)
				}
			}
		}()
	}
	start := time.Now()
	for v := int64(2); v <= 6; v++ {
		before := answers.Load()
		e.Refresh(versioned(v))
		// Refresh returns at once; requests are served meanwhile.
		if err := e.Wait(); err != nil {
			t.Fatal(err)
		}
		if e.Model().Version() != v {
			t.Errorf("after refresh to %d the live model is %d", v, e.Model().Version())
		}
		if answers.Load() == before && time.Since(start) > 5*time.Second {
			t.Error("requests stalled during a rebuild")
		}
	}
	// An older snapshot arriving late never replaces a newer model.
	e.Refresh(versioned(3))
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := e.Model().Version(); got != 6 {
		t.Errorf("stale snapshot swapped in: version %d, want 6", got)
	}
	cancel()
	wg.Wait()
	if torn.Load() > 0 {
		t.Errorf("%d answers mixed two catalog versions", torn.Load())
	}
	if answers.Load() == 0 {
		t.Error("no request completed")
	}
}

// TestRefreshSameVersionIsNoop checks that an unchanged catalog version
// does not rebuild.
func TestRefreshSameVersionIsNoop(t *testing.T) {
	e := newTestEngine(t, nil)
	m := e.Model()
	e.Refresh(loadTestSnapshot(t, 1))
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
	if e.Model() != m {
		t.Error("same version rebuilt")
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
