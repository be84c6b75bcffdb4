package catalogdb

import (
	"context"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/pgdb/pgdbtest"
	"github.com/pdpath/pdpath/indexer/store"
)

const header = "id,issuer,title,description,competencies,level,prerequisites,cost_usd,hours,format\n"

// batches is a catalog's history: an ingest, an update and a retirement,
// and a repeat that changes nothing.
var batches = [][]store.Input{
	{{Source: "https://issuer.example/a.csv", Data: []byte(header +
		"a-1,Issuer A,Talk Moves,Discussion routines.,InTASC:8,1,,0,4,online\n" +
		"a-2,Issuer A,Exit Tickets,Formative checks.,InTASC:6,1,,10,2,online\n")}},
	{{Source: "https://issuer.example/a.csv", Data: []byte(header +
		"a-1,Issuer A,Talk Moves II,Discussion routines.,InTASC:8,1,,0,4,online\n")}},
	{{Source: "https://issuer.example/a.csv", Data: []byte(header +
		"a-1,Issuer A,Talk Moves II,Discussion routines.,InTASC:8,1,,0,4,online\n")}},
}

type summary struct {
	Added, Updated, Unchanged, Retired int
	Version                            int64
}

func sum(r catalog.Report) summary {
	return summary{r.Added, r.Updated, r.Unchanged, r.Retired, r.CatalogVersion}
}

// TestCatalogBackends runs one history through the embedded catalog and
// through the catalog of record: every batch reports the same, and a
// server starting later on an empty directory rebuilds the same catalog.
func TestCatalogBackends(t *testing.T) {
	ctx := context.Background()
	embedded, err := store.Open(ctx, t.TempDir(), store.Options{CloseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer embedded.Close()

	dsn := pgdbtest.Schema(t, "catalogdb_test")
	follower := func() (*Follower, *store.Catalog) {
		log, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(log.Close)
		dir := CatalogDir(t.TempDir(), dsn)
		cat, err := store.Open(ctx, dir, store.Options{CloseDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cat.Close() })
		return NewFollower(log, cat, dir, nil), cat
	}
	f, shared := follower()
	w := NewWriter(f, "test")
	for i, b := range batches {
		want, err := embedded.IngestInputs(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.IngestInputs(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if sum(got) != sum(want) {
			t.Errorf("batch %d: the catalog of record reports %+v, the embedded catalog %+v", i, sum(got), sum(want))
		}
	}
	if shared.Version() != embedded.Version() || shared.Version() != 2 {
		t.Errorf("versions: shared %d, embedded %d; want 2", shared.Version(), embedded.Version())
	}

	// A server starting later rebuilds the same catalog from the log,
	// and catching up again changes nothing.
	late, lateCat := follower()
	reps, err := late.CatchUp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != len(batches) || lateCat.Version() != shared.Version() {
		t.Errorf("rebuilt %d batches to version %d, want %d batches and version %d", len(reps), lateCat.Version(), len(batches), shared.Version())
	}
	cr, ok := lateCat.Credential("a-1")
	if !ok || cr.Title != "Talk Moves II" {
		t.Errorf("rebuilt a-1 = %+v, %v", cr, ok)
	}
	if again, err := late.CatchUp(ctx); err != nil || len(again) != 0 {
		t.Errorf("a second catch-up applied %d batches (%v), want none", len(again), err)
	}
	if c, ok := lateCat.Credential("a-2"); ok && c.Status != "retired" {
		t.Errorf("a-2 is %q after its source dropped it, want retired", c.Status)
	}
}
