package recommender

import (
	"context"
	"testing"

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

// TestCloseEndsBuilds: Close waits for the build under way, and nothing
// scheduled after it starts another, so an engine never outlives its owner.
func TestCloseEndsBuilds(t *testing.T) {
	tests := []struct {
		name string
		run  bool // closed by Run's context rather than Close
	}{{"Close", false}, {"Run", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Options{})
			e.Refresh(loadTestSnapshot(t, 1))
			if tt.run {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { e.Run(ctx); close(done) }()
				cancel()
				<-done
			} else if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			e.mu.Lock()
			building := e.building
			e.mu.Unlock()
			if building {
				t.Fatal("a build is still running after Close")
			}
			e.Refresh(loadTestSnapshot(t, 2))
			e.mu.Lock()
			building = e.building
			e.mu.Unlock()
			if building {
				t.Error("Refresh after Close started a build")
			}
			if err := e.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}
