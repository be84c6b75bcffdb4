package index

import (
	"context"
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
