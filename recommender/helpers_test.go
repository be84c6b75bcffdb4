package recommender

import (
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// loadTestSnapshot reads testdata/catalog.csv (the CSV feed format)
// into a snapshot for the ranker's pure tests; store_test.go feeds the same
// file through the real catalog store.
func loadTestSnapshot(t testing.TB, version int64) *catalog.Snapshot {
	t.Helper()
	f, err := os.Open("testdata/catalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	list := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ";")
	}
	num := func(s string) *float64 {
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	snap := &catalog.Snapshot{Version: version}
	for _, r := range rows[1:] {
		get := func(name string) string { return r[col[name]] }
		c := &catalog.Credential{ID: get("id"), Issuer: get("issuer"), Title: get("title"), Description: get("description"),
			Prerequisites: list(get("prerequisites")), CostUSD: num(get("cost_usd")), Hours: num(get("hours")),
			Format: get("format"), URL: get("url"), GradeBands: list(get("grade_bands")), Subjects: list(get("subjects")),
			Tags: list(get("tags"))}
		c.Status = catalog.StatusActive
		c.Level, _ = strconv.Atoi(get("level"))
		for _, k := range list(get("competencies")) {
			fw, code, _ := strings.Cut(k, ":")
			c.Competencies = append(c.Competencies, catalog.Competency{Framework: fw, Code: code})
		}
		snap.Credentials = append(snap.Credentials, c)
	}
	return snap
}

// newTestEngine builds an engine over the test catalog without a search
// index (the model's own postings give lexical candidates).
func newTestEngine(t testing.TB, w *Weights) *Engine {
	t.Helper()
	e := New(Options{Weights: w})
	if err := e.Rebuild(context.Background(), loadTestSnapshot(t, 1)); err != nil {
		t.Fatal(err)
	}
	return e
}

func ids(res Result) []string {
	out := make([]string, len(res.Items))
	for i, it := range res.Items {
		out[i] = it.ID
	}
	return out
}

func itemByID(res Result, id string) (Item, bool) {
	for _, it := range res.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

func hasReason(it Item, substr string) bool {
	for _, r := range it.Reasons {
		if strings.Contains(r, substr) {
			return true
		}
	}
	return false
}

func fptr(v float64) *float64 { return &v }

// gapWhy returns the item's why of kind gap for gap key, or a zero Why.
func gapWhy(it Item, key string) Why {
	for _, w := range it.Why {
		if w.Kind == "gap" && w.Gap == key {
			return w
		}
	}
	return Why{}
}
