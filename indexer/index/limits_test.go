package index

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestLongTokensAreNotIndexed reproduces a one-word blob reaching Bleve's
// term dictionary: words over MaxTokenRunes are dropped by every text
// analyzer, and the words around them are still found.
func TestLongTokensAreNotIndexed(t *testing.T) {
	for _, n := range []int{MaxTokenRunes + 1, 5000} {
		blob := strings.Repeat("é", n)
		ix, err := Create(filepath.Join(t.TempDir(), "bleve"), udlParent)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		cr := &catalog.Credential{ID: "blob-1", Title: "Riverbend " + blob, Description: blob + " seminar", Issuer: "X", Tags: []string{blob}}
		if err := ix.Apply(context.Background(), []*catalog.Credential{cr}, nil, 1, nil); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{fieldTitle, fieldDescription, fieldTags} {
			d, err := ix.b.FieldDict(field)
			if err != nil {
				t.Fatal(err)
			}
			for {
				e, err := d.Next()
				if err != nil {
					t.Fatal(err)
				}
				if e == nil {
					break
				}
				if utf8.RuneCountInString(e.Term) > MaxTokenRunes {
					t.Errorf("%d-rune word: field %s indexes a %d-rune term", n, field, utf8.RuneCountInString(e.Term))
				}
			}
			d.Close()
		}
		for _, q := range []string{"riverbend", "seminar"} {
			hits, err := ix.SearchText(context.Background(), q, 5)
			if err != nil || len(hits) != 1 {
				t.Errorf("search %q = %v, %v; want blob-1", q, hits, err)
			}
		}
	}
}

// TestVerifyFindsDamage reproduces damaged index files passing unnoticed:
// Verify names the file for each kind of damage, and passes a sound index.
func TestVerifyFindsDamage(t *testing.T) {
	damage := map[string]func(t *testing.T, dir string){
		"sound": func(t *testing.T, dir string) {},
		"truncated segment": func(t *testing.T, dir string) {
			seg := segments(t, dir)[0]
			info, _ := os.Stat(seg)
			if err := os.Truncate(seg, info.Size()/2); err != nil {
				t.Fatal(err)
			}
		},
		"flipped bytes": func(t *testing.T, dir string) {
			seg := segments(t, dir)[0]
			b, _ := os.ReadFile(seg)
			for i := len(b) / 3; i < len(b)/3+8; i++ {
				b[i] ^= 0xff
			}
			os.WriteFile(seg, b, 0o644)
		},
		"missing root": func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "store", "root.bolt")) },
		"bad meta": func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{"), 0o644)
		},
		"missing meta":  func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "index_meta.json")) },
		"empty segment": func(t *testing.T, dir string) { os.Truncate(segments(t, dir)[0], 0) },
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bleve")
			ix, err := Create(dir, udlParent)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(context.Background(), testCredentials(), nil, 1, nil); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			fn(t, dir)
			err = Verify(dir)
			if name == "sound" {
				if err != nil {
					t.Fatalf("sound index: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), dir) {
				t.Fatalf("Verify = %v, want ErrCorrupt naming a file under %s", err, dir)
			}
			if strings.Contains(err.Error(), "mapping") {
				t.Errorf("Verify = %v, blames the mapping", err)
			}
		})
	}
}

func segments(t *testing.T, dir string) []string {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files")
	}
	return segs
}

// TestSetLoggerRoutesBleveLines reproduces Bleve's unstructured lines in
// the structured log: after SetLogger they arrive as records.
func TestSetLoggerRoutesBleveLines(t *testing.T) {
	var buf strings.Builder
	SetLogger(slog.New(slog.NewJSONHandler(&buf, nil)))
	defer SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	log.Printf("unable to load snapshot, %v, continuing", "boom")
	line := strings.TrimSpace(buf.String())
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("log line %q is not a JSON record: %v", line, err)
	}
	if rec["component"] != "bleve" || !strings.Contains(rec["msg"].(string), "unable to load snapshot") {
		t.Errorf("record %v", rec)
	}
}
