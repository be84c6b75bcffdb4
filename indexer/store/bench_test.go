package store

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/synth"
)

// feedChunk is how many credentials go into one synthetic feed file, to
// stay well under the per-file size limit at any catalog size.
const feedChunk = 20000

func syntheticInputs(b *testing.B, n int) []Input {
	b.Helper()
	var inputs []Input
	creds := synth.Generate(n, 1)
	for start := 0; start < n; start += feedChunk {
		var buf bytes.Buffer
		if err := synth.WriteCSV(&buf, creds[start:min(start+feedChunk, n)]); err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, Input{Source: fmt.Sprintf("synthetic-%d.csv", start/feedChunk), Data: buf.Bytes()})
	}
	return inputs
}

// BenchmarkIngestPipeline measures the whole ingest of a new catalog:
// parse CSV, normalise and resolve, hash, flag duplicates, index, persist
// and load the generation. Compare with BenchmarkRawBleveBatch.
func BenchmarkIngestPipeline(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("n=%dk", n/1000), func(b *testing.B) {
			inputs := syntheticInputs(b, n)
			b.ResetTimer()
			start := time.Now()
			for it := 0; it < b.N; it++ {
				c, err := Open(context.Background(), b.TempDir(), Options{})
				if err != nil {
					b.Fatal(err)
				}
				rep, err := c.IngestInputs(context.Background(), inputs)
				if err != nil || rep.Added != n {
					b.Fatalf("added %d of %d: %v", rep.Added, n, err)
				}
				c.Close()
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "records/s")
		})
	}
}

// BenchmarkIncrementalSync measures a sync that changes one credential of
// a large catalog: copy-on-write of the live index plus one document.
func BenchmarkIncrementalSync(b *testing.B) {
	const n = 10000
	inputs := syntheticInputs(b, n)
	c, err := Open(context.Background(), b.TempDir(), Options{CloseDelay: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.IngestInputs(context.Background(), inputs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		edited := bytes.Replace(inputs[0].Data, []byte("synth-1,"), []byte("synth-1,"), 1)
		edited = append([]byte(nil), edited...)
		edited = bytes.Replace(edited, []byte("\nsynth-2,"), []byte(fmt.Sprintf("\nsynth-2,rev%d ", it)), 1)
		rep, err := c.IngestInputs(context.Background(), []Input{{Source: inputs[0].Source, Data: edited}})
		if err != nil || rep.Updated+rep.Added != 1 {
			b.Fatalf("report %s: %v", counts(rep), err)
		}
	}
}

// BenchmarkOpen measures opening a 100k-credential catalog (records and
// index) and reports its size on disk.
func BenchmarkOpen(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 100k-credential catalog")
	}
	const n = 100000
	dir := b.TempDir()
	c, err := Open(context.Background(), dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.IngestInputs(context.Background(), syntheticInputs(b, n)); err != nil {
		b.Fatal(err)
	}
	c.Close()
	var size int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		c, err := Open(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if c.Version() != 1 {
			b.Fatal("wrong version")
		}
		c.Close()
	}
	b.ReportMetric(float64(size)/(1<<20), "MB-on-disk")
}
