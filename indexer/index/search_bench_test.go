package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/synth"
)

var (
	searchBenchOnce sync.Once
	searchBenchDir  string
	searchBenchErr  error
	searchBenchQs   []string
)

// searchBenchIndex builds (once) a 10k-credential synthetic index and the
// queries the search benchmarks run: words of 200 titles.
func searchBenchIndex(b *testing.B) (string, []string) {
	searchBenchOnce.Do(func() {
		const n = 10000
		dir, err := tempDirOutsideTest()
		if err != nil {
			searchBenchErr = err
			return
		}
		searchBenchDir = filepath.Join(dir, "bleve")
		creds := synth.Generate(n, 1)
		ix, err := Create(searchBenchDir, nil)
		if err != nil {
			searchBenchErr = err
			return
		}
		if searchBenchErr = ix.Apply(context.Background(), creds, nil, 1, nil); searchBenchErr != nil {
			return
		}
		if searchBenchErr = ix.Close(); searchBenchErr != nil {
			return
		}
		for i := 0; i < n && len(searchBenchQs) < 200; i += n / 200 {
			words := strings.Fields(strings.ToLower(creds[i].Title))
			searchBenchQs = append(searchBenchQs, strings.Join(words[:min(3, len(words))], " "))
		}
	})
	if searchBenchErr != nil {
		b.Fatal(searchBenchErr)
	}
	return searchBenchDir, searchBenchQs
}

// BenchmarkSearch runs the API's search (facets and highlights on; facets
// from the index's doc values, and from the records as the catalog store
// sets up), facets alone and the plain page, beside the raw Bleve baseline on the same words, over one
// read-only 10k-credential index.
func BenchmarkSearch(b *testing.B) {
	dir, qs := searchBenchIndex(b)
	ix, err := OpenReadOnly(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	bl, err := OpenBaseline(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer bl.Close()
	ctx := context.Background()
	withRecords, err := OpenReadOnly(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer withRecords.Close()
	byID := map[string]*catalog.Credential{}
	for _, c := range synth.Generate(10000, 1) {
		byID[c.ID] = c
	}
	withRecords.UseRecords(func(id string) (*catalog.Credential, bool) { c, ok := byID[id]; return c, ok }, nil)
	for _, bc := range []struct {
		name string
		run  func(q string) error
	}{
		{"api", func(q string) error {
			_, err := ix.Search(ctx, Request{Query: q, Limit: 10, Facets: true, Highlight: true})
			return err
		}},
		{"api-records", func(q string) error {
			_, err := withRecords.Search(ctx, Request{Query: q, Limit: 10, Facets: true, Highlight: true})
			return err
		}},
		{"facets", func(q string) error {
			_, err := ix.Search(ctx, Request{Query: q, Limit: 10, Facets: true})
			return err
		}},
		{"page", func(q string) error {
			_, err := ix.Search(ctx, Request{Query: q, Limit: 10})
			return err
		}},
		{"raw-bleve", func(q string) error {
			_, err := bl.Match(q)
			return err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := bc.run(qs[i%len(qs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tempDirOutsideTest makes a folder that outlives one benchmark function,
// so the index is built once for all of them.
func tempDirOutsideTest() (string, error) { return os.MkdirTemp("", "pdpath-index-bench-") }
