package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorruptNewestGenerationFallsBack reproduces a damaged newest
// generation stopping every reader and the next ingest: the catalog serves
// the last complete generation, says which file is damaged, and the next
// ingest writes a sound generation past the damaged one.
func TestCorruptNewestGenerationFallsBack(t *testing.T) {
	segment := func(t *testing.T, gen string) string {
		segs, _ := filepath.Glob(filepath.Join(gen, bleveDir, "store", "*.zap"))
		if len(segs) == 0 {
			t.Fatal("no segment files")
		}
		return segs[len(segs)-1]
	}
	tests := []struct {
		name    string
		damage  func(t *testing.T, dir, gen string)
		serving int64  // version served after the damage
		names   string // in the error Health reports
	}{
		{"truncated segment", func(t *testing.T, dir, gen string) {
			seg := segment(t, gen)
			info, _ := os.Stat(seg)
			os.Truncate(seg, info.Size()/2)
		}, 1, ".zap is truncated or damaged"},
		{"flipped segment bytes", func(t *testing.T, dir, gen string) {
			seg := segment(t, gen)
			b, _ := os.ReadFile(seg)
			for i := len(b) / 2; i < len(b)/2+16; i++ {
				b[i] ^= 0x5a
			}
			os.WriteFile(seg, b, 0o644)
		}, 1, ".zap is truncated or damaged"},
		{"missing segment", func(t *testing.T, dir, gen string) {
			os.Remove(segment(t, gen))
		}, 1, ".zap is missing"},
		{"missing index root", func(t *testing.T, dir, gen string) {
			os.Remove(filepath.Join(gen, bleveDir, "store", "root.bolt"))
		}, 1, "root.bolt is missing"},
		{"truncated records", func(t *testing.T, dir, gen string) {
			p := filepath.Join(gen, recordsFile)
			info, _ := os.Stat(p)
			os.Truncate(p, info.Size()/2)
		}, 1, recordsFile},
		{"missing meta.json", func(t *testing.T, dir, gen string) {
			os.Remove(filepath.Join(gen, metaFile))
		}, 1, "meta.json is missing"},
		{"garbage meta.json", func(t *testing.T, dir, gen string) {
			os.WriteFile(filepath.Join(gen, metaFile), []byte("{not json"), 0o644)
		}, 1, "meta.json does not parse"},
		{"garbage CURRENT", func(t *testing.T, dir, gen string) {
			os.WriteFile(filepath.Join(dir, currentFile), []byte("\x00\x01junk"), 0o644)
		}, 2, "CURRENT"},
		{"missing CURRENT", func(t *testing.T, dir, gen string) {
			os.Remove(filepath.Join(dir, currentFile))
		}, 2, "CURRENT is missing"},
	}
	edited := func(rev string) []byte {
		return []byte(strings.Replace(feedA, "Level 1", "Level 1 "+rev, 1))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c, err := Open(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ingest(t, c, Input{Source: "a.csv", Data: edited("v1")})
			ingest(t, c, Input{Source: "a.csv", Data: edited("v2")})
			c.Close()
			tt.damage(t, dir, filepath.Join(dir, genName(2)))

			c, err = Open(context.Background(), dir, Options{CloseDelay: 1})
			if err != nil {
				t.Fatalf("open after damage: %v", err)
			}
			defer c.Close()
			h := c.Health()
			if c.Version() != tt.serving || !h.Ready || h.Fallbacks != 1 || !strings.Contains(h.Corrupt, tt.names) {
				t.Fatalf("after damage: version %d, health %+v; want version %d, ready, 1 fallback naming %q", c.Version(), h, tt.serving, tt.names)
			}
			if strings.Contains(h.Corrupt, "mapping") {
				t.Errorf("health blames the mapping: %s", h.Corrupt)
			}
			if hits, err := c.SearchText(context.Background(), "discussion", 10); err != nil || len(hits) == 0 {
				t.Errorf("search on the fallback: %v, %v", hits, err)
			}
			// The next ingest rebuilds, even with input that changes
			// nothing against the fallback.
			rep := ingest(t, c, Input{Source: "a.csv", Data: edited(map[int64]string{1: "v1", 2: "v2"}[tt.serving])})
			if rep.CatalogVersion != 3 || c.Version() != 3 {
				t.Fatalf("ingest after damage wrote version %d (live %d), want 3", rep.CatalogVersion, c.Version())
			}
			c.Close()
			c2 := openTest(t, dir)
			if c2.Version() != 3 || c2.Health().Fallbacks != 0 {
				t.Errorf("reopened: version %d, health %+v; want 3 and no fallback", c2.Version(), c2.Health())
			}
			if hits, err := c2.SearchText(context.Background(), "discussion", 10); err != nil || len(hits) != 2 {
				t.Errorf("search after the rebuild: %v, %v", hits, err)
			}
		})
	}
}

// TestDamageFoundWhileServing reproduces damage that appears after a
// generation was opened: Check (which a failing search runs) finds it,
// falls back and keeps answering.
func TestDamageFoundWhileServing(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir)
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})
	ingest(t, c, Input{Source: "a.csv", Data: []byte(strings.Replace(feedA, "Level 1", "Level One", 1))})
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("check of a sound catalog: %v", err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, genName(2), bleveDir, "store", "*.zap"))
	for _, seg := range segs {
		b, _ := os.ReadFile(seg)
		b[len(b)/2] ^= 0xff
		os.WriteFile(seg, b, 0o644)
	}
	err := c.Check(context.Background())
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), genName(2)) {
		t.Fatalf("check = %v, want ErrCorrupt naming %s", err, genName(2))
	}
	if h := c.Health(); c.Version() != 1 || !h.Ready || h.Fallbacks != 1 {
		t.Errorf("after the check: version %d, health %+v", c.Version(), h)
	}
	if hits, err := c.SearchText(context.Background(), "discussion", 10); err != nil || len(hits) != 2 {
		t.Errorf("search after the fallback: %v, %v", hits, err)
	}
}

// TestSearchOnDamagedIndexFallsBack reproduces searches failing (or
// crashing the process) on an index whose segment was cut short under
// it: the search that meets the damage is answered from the last complete
// generation, which then stays live.
func TestSearchOnDamagedIndexFallsBack(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir)
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})
	ingest(t, c, Input{Source: "a.csv", Data: []byte(strings.Replace(feedA, "Level 1", "Level One", 1))})
	segs, _ := filepath.Glob(filepath.Join(dir, genName(2), bleveDir, "store", "*.zap"))
	for _, seg := range segs {
		if err := os.Truncate(seg, 64); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := c.SearchText(context.Background(), "discussion protocols", 10)
	if err != nil || len(hits) != 2 {
		t.Fatalf("search on the damaged index: %v, %v; want the fallback's 2 hits", hits, err)
	}
	if h := c.Health(); c.Version() != 1 || h.Fallbacks != 1 || !h.Ready {
		t.Errorf("after the search: version %d, health %+v", c.Version(), h)
	}
}

// TestOnlyGenerationDamaged reproduces a catalog that cannot be opened to
// be repaired: with its one generation's index damaged, readers get an
// error naming the damage, an ingest opens it anyway and rebuilds the
// index from the sound records.
func TestOnlyGenerationDamaged(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir)
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})
	c.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, genName(1), bleveDir, "store", "*.zap"))
	for _, seg := range segs {
		os.Truncate(seg, 100)
	}
	if _, err := Open(context.Background(), dir, Options{}); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), ".zap") {
		t.Fatalf("open of a damaged catalog: %v; want ErrCorrupt naming the segment", err)
	}
	w, err := Open(context.Background(), dir, Options{OpenDamaged: true, CloseDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if h := w.Health(); h.Ready || w.Version() != 0 {
		t.Fatalf("damaged catalog opened: version %d, health %+v; want empty and not ready", w.Version(), h)
	}
	rep := ingest(t, w, Input{Source: "b.csv", Data: []byte(csvHeader + "b-1,Issuer B,Circles,Run circles.,FFT:2a,,,,,,,,,\n")})
	if rep.CatalogVersion != 2 || !w.Health().Ready {
		t.Fatalf("rebuild: %s, health %+v", counts(rep), w.Health())
	}
	if hits, err := w.SearchText(context.Background(), "discussion", 10); err != nil || len(hits) != 2 {
		t.Errorf("the old records after the rebuild: %v, %v", hits, err)
	}
}
