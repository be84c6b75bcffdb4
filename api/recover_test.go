package api

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/store"
)

// TestReadyzFollowsCatalogDamage reproduces a damaged index passing
// /readyz: with no complete generation to fall back to, /readyz says not
// ready and the metric shows it; an ingest rebuilds and it is ready again,
// with a note and a counted fallback.
func TestReadyzFollowsCatalogDamage(t *testing.T) {
	h := newHarness(t, options{memory: true})
	if r := h.do("GET", "/readyz", "", nil); r.status != http.StatusOK {
		t.Fatalf("readyz before damage: %d %s", r.status, r.body)
	}
	segs, _ := filepath.Glob(filepath.Join(h.dir, "gen-*", "bleve", "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files")
	}
	for _, seg := range segs {
		b, err := os.ReadFile(seg)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0xff
		os.WriteFile(seg, b, 0o644)
	}
	if err := h.cat.Check(context.Background()); err == nil {
		t.Fatal("check found no damage")
	}
	r := h.do("GET", "/readyz", "", nil)
	if r.status != http.StatusServiceUnavailable || strings.Contains(string(r.body), h.dir) {
		t.Errorf("readyz with a damaged catalog: %d %s; want 503 without server paths", r.status, r.body)
	}
	if got := h.metric("pdpath_catalog_ready", nil); got != 0 {
		t.Errorf("pdpath_catalog_ready = %v, want 0", got)
	}
	if _, err := h.cat.IngestInputs(context.Background(), []store.Input{{Source: "x.csv", Data: []byte("id,title\nx-1,Rebuilt\n")}}); err != nil {
		t.Fatalf("ingest after damage: %v", err)
	}
	r = h.do("GET", "/readyz", "", nil)
	var body readiness
	r.json(t, &body)
	if r.status != http.StatusOK || body.CatalogVersion != 2 {
		t.Errorf("readyz after the rebuild: %d %s", r.status, r.body)
	}
	if got := h.metric("pdpath_catalog_fallbacks_total", nil); got != 1 {
		t.Errorf("pdpath_catalog_fallbacks_total = %v, want 1", got)
	}
	if got := h.metric("pdpath_catalog_ready", nil); got != 1 {
		t.Errorf("pdpath_catalog_ready = %v, want 1", got)
	}
}
