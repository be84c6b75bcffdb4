package pathways

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/recommender/pathstore"
	"github.com/pdpath/pdpath/recommender/planner"
)

// fakeCatalog is a fixed catalog snapshot; planners are built per call.
type fakeCatalog struct{ snap *catalog.Snapshot }

func (c fakeCatalog) Version() int64              { return c.snap.Version }
func (c fakeCatalog) Snapshot() *catalog.Snapshot { return c.snap }
func (c fakeCatalog) Credential(id string) (*catalog.Credential, bool) {
	cr, ok := c.snap.ByID()[id]
	return cr, ok
}

type newPlanners struct{}

func (newPlanners) Planner(snap *catalog.Snapshot) (*planner.Planner, int64) {
	return planner.New(snap, planner.Options{}), snap.Version
}

func num(f float64) *float64 { return &f }

func newService(t *testing.T) *Service {
	t.Helper()
	snap := &catalog.Snapshot{Version: 3, Credentials: []*catalog.Credential{
		{ID: "basics", Title: "Discussion Basics", Issuer: "A", Hours: num(4), CostUSD: num(0)},
		{ID: "seminar", Title: "Socratic Seminar", Issuer: "A", Hours: num(6), CostUSD: num(25), Prerequisites: []string{"basics"}},
		{ID: "data", Title: "Data Teams", Issuer: "B", Hours: num(8), CostUSD: num(40)},
	}}
	store, err := pathstore.OpenBolt(filepath.Join(t.TempDir(), pathstore.FileName), pathstore.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return New(store, fakeCatalog{snap}, newPlanners{})
}

func steps(t *testing.T, p Pathway) []string {
	t.Helper()
	var plan planner.Plan
	if err := json.Unmarshal(p.Plan, &plan); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range plan.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestServiceLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	p, err := s.Create(ctx, "coach", Input{Name: " Seminar year ", Request: json.RawMessage(`{"goal_credentials":["seminar"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Seminar year" || p.Version != 1 || p.CatalogVersion != 3 || !slices.Equal(steps(t, p), []string{"basics", "seminar"}) {
		t.Fatalf("created %+v with steps %v", p, steps(t, p))
	}
	if _, err := s.Get(ctx, "another", p.ID); !errors.Is(err, pathstore.ErrNotFound) {
		t.Errorf("another owner's Get: %v", err)
	}
	if _, err := s.SetProgress(ctx, "coach", p.ID, []string{"data"}, 0); derrors.KindOf(err) != derrors.Invalid {
		t.Errorf("marking a step not in the plan: %v, want invalid", err)
	}
	pr, err := s.SetProgress(ctx, "coach", p.ID, []string{"seminar", "basics", "basics"}, 0)
	if err != nil || pr.Version != 2 {
		t.Fatalf("SetProgress = %+v, %v", pr, err)
	}
	got, _ := s.Get(ctx, "coach", p.ID)
	if !slices.Equal(got.Earned, []string{"basics", "seminar"}) {
		t.Errorf("earned %v, want the plan's order without repeats", got.Earned)
	}
	if _, err := s.Update(ctx, "coach", p.ID, Input{Name: "x", Request: json.RawMessage(`{"goal_credentials":["data"]}`), Version: 1}); !errors.Is(err, pathstore.ErrConflict) {
		t.Errorf("update with a stale version: %v, want conflict", err)
	}
	up, err := s.Update(ctx, "coach", p.ID, Input{Name: "Data and basics", Request: json.RawMessage(`{"goal_credentials":["data","basics"]}`), Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(up.Earned, []string{"basics"}) {
		t.Errorf("after replanning, earned %v; want only the steps still in the plan", up.Earned)
	}
	doc, err := s.ExportCTDL(ctx, "coach", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := s.ImportCTDL(ctx, "coach", doc)
	if err != nil {
		t.Fatalf("import of an export: %v", err)
	}
	if imp.ID == p.ID || !slices.Equal(steps(t, imp), steps(t, up)) {
		t.Errorf("imported steps %v, want %v", steps(t, imp), steps(t, up))
	}
	list, err := s.List(ctx, "coach", 0, 0)
	if err != nil || len(list) != 2 || list[0].Plan != nil {
		t.Errorf("List = %+v, %v; want two summaries", list, err)
	}
	if err := s.Delete(ctx, "coach", p.ID); err != nil {
		t.Fatal(err)
	}
}

func TestServiceRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	long := make([]byte, MaxName+1)
	for i := range long {
		long[i] = 'x'
	}
	tests := []struct {
		name string
		in   Input
	}{
		{"no name", Input{Request: json.RawMessage(`{"goal_credentials":["data"]}`)}},
		{"long name", Input{Name: string(long), Request: json.RawMessage(`{"goal_credentials":["data"]}`)}},
		{"no request", Input{Name: "x"}},
		{"version on create", Input{Name: "x", Request: json.RawMessage(`{"goal_credentials":["data"]}`), Version: 3}},
		{"bad request", Input{Name: "x", Request: json.RawMessage(`{"goal_credentials":"data"}`)}},
	}
	for _, tt := range tests {
		if _, err := s.Create(ctx, "coach", tt.in); derrors.KindOf(err) != derrors.Invalid {
			t.Errorf("%s: %v, want invalid", tt.name, err)
		}
	}
	if _, err := s.ImportCTDL(ctx, "coach", []byte("  ")); derrors.KindOf(err) != derrors.Invalid {
		t.Errorf("empty import: %v, want invalid", err)
	}
	if _, err := s.SetProgress(ctx, "coach", "x", nil, 0); derrors.KindOf(err) != derrors.Invalid {
		t.Errorf("progress without earned: %v, want invalid", err)
	}
}
