package index

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/pdpath/pdpath/indexer/synth"
)

// BenchmarkRawBleveBatch is the baseline for the ingest pipeline: the same
// documents the pipeline indexes, written straight through Bleve batches
// with the same mapping and batch size, with no parsing, merging or state.
// Compare its records/s with BenchmarkIngestPipeline in indexer/store.
func BenchmarkRawBleveBatch(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("n=%dk", n/1000), func(b *testing.B) {
			creds := synth.Generate(n, 1)
			ix := &Index{parent: nil}
			docs := make([]Document, n)
			for i, c := range creds {
				docs[i] = ix.Document(c)
			}
			m, err := newMapping()
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			for it := 0; it < b.N; it++ {
				bi, err := bleve.New(filepath.Join(b.TempDir(), "raw"), m)
				if err != nil {
					b.Fatal(err)
				}
				batch := bi.NewBatch()
				for i, d := range docs {
					if err := batch.Index(creds[i].ID, d); err != nil {
						b.Fatal(err)
					}
					if batch.Size() >= BatchSize {
						if err := bi.Batch(batch); err != nil {
							b.Fatal(err)
						}
						batch.Reset()
					}
				}
				if err := bi.Batch(batch); err != nil {
					b.Fatal(err)
				}
				bi.Close()
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "records/s")
		})
	}
}
