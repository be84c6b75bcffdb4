package recommender

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender/profile"
)

// openTestStore ingests testdata/catalog.csv into a real on-disk catalog
// (Bleve index included) in a temporary directory.
func openTestStore(t *testing.T) *store.Catalog {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rep, err := st.Ingest(ctx, []string{"testdata/catalog.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 || rep.Added == 0 {
		t.Fatalf("ingest report %+v", rep)
	}
	return st
}

// TestWithStore runs the ranker the way the server does: BM25 candidates
// from the catalog's Bleve index, the model built from the store's
// snapshot (frameworks included), profiles parsed and validated strictly.
func TestWithStore(t *testing.T) {
	st := openTestStore(t)
	e := New(Options{Searcher: st})
	ctx := context.Background()
	if err := e.Rebuild(ctx, st.Snapshot()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		profile string
		check   func(t *testing.T, res Result)
	}{
		{"quiet students", `{"goals":"quiet students talk more"}`, func(t *testing.T, res Result) {
			top := ids(res)[:5]
			if !slices.Contains(top, "disc-socratic") && !slices.Contains(top, "disc-protocols") {
				t.Errorf("top 5 = %v, want a discussion protocol", top)
			}
		}},
		{"earned and budget", `{"goals":"formative assessment feedback","earned":["fa-1"],"preferences":{"max_cost_usd":20}}`, func(t *testing.T, res Result) {
			if slices.Contains(ids(res), "fa-1") {
				t.Error("earned fa-1 returned")
			}
			if res.Items[0].ID != "fa-2" || !hasReason(res.Items[0], "Next level after Formative Assessment Level 1") {
				t.Errorf("first item %+v, want fa-2 as the next level", res.Items[0])
			}
			if slices.Contains(ids(res), "fa-3") {
				t.Error("fa-3 ($45) returned despite the $20 budget")
			}
		}},
		{"gap alias and goal words", `{"goals":"checking for understanding with exit tickets","gaps":[{"framework":"Danielson","code":"3d"}]}`, func(t *testing.T, res Result) {
			it := res.Items[0]
			if it.ID != "fa-1" || !hasReason(it, "Matches your goals: checking, exit, tickets") || !hasReason(it, "Covers your gap FFT 3d") {
				t.Errorf("first item %+v, want fa-1 with goal words and the gap", it)
			}
		}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			p, err := profile.ParseAndValidate([]byte(test.profile), e.Model())
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Recommend(ctx, p, RecommendOptions{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			test.check(t, res)
		})
	}
}

// TestBackpackBecomesEarned reads an Open Badges 2.0 backpack whose badges
// are catalog credentials and checks they count as earned.
func TestBackpackBecomesEarned(t *testing.T) {
	st := openTestStore(t)
	e := New(Options{Searcher: st})
	if err := e.Rebuild(context.Background(), st.Snapshot()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/backpack_ob2.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := profile.ParseBackpack(data)
	if err != nil {
		t.Fatal(err)
	}
	matched, unmatched := e.MatchBackpack(b)
	if !slices.Equal(matched, []string{"fa-1", "coach-found"}) || !slices.Equal(unmatched, []string{"https://elsewhere.example.org/badges/first-aid"}) {
		t.Fatalf("matched %v unmatched %v", matched, unmatched)
	}
	p := catalog.Profile{Goals: "coaching cycles and formative assessment"}
	profile.MergeEarned(&p, matched)
	res, err := e.Recommend(context.Background(), p, RecommendOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range matched {
		if slices.Contains(ids(res), id) {
			t.Errorf("backpack badge %s suggested", id)
		}
	}
	adv, ok := itemByID(res, "coach-adv")
	if !ok || !hasReason(adv, `Prerequisites met: you hold "Instructional Coaching Foundations"`) {
		t.Errorf("coach-adv = %+v, want its prerequisite met through the backpack", adv)
	}
}
