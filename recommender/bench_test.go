package recommender

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/frameworks"
	"github.com/pdpath/pdpath/indexer/synth"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// Benchmarks run on synthetic catalogs (package synth) of 1k to 1M
// credentials. Run them on one core, as the targets are stated:
//
//	go test ./recommender/ -run '^$' -bench . -cpu 1 -benchtime 2000x
//
// BenchmarkRecommend measures the ranker over the model's own candidate
// sources (no search index: building a 1M-document Bleve index is the
// store's benchmark, not this one); p50-ms and p99-ms are per-request
// latencies over the run. BenchmarkRecommendDenseBaseline scores every
// credential with dense float64 vectors (semantic and competency parts) in
// the same run. BenchmarkBuildModel reports build time (ns/op), allocation
// and the model's resident size.

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}}

type benchCatalog struct {
	snap     *catalog.Snapshot
	engine   *Engine
	profiles []catalog.Profile
	err      error
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]*benchCatalog{}
)

func skipLarge(b *testing.B, n int) {
	if n >= 1_000_000 && testing.Short() {
		b.Skip("1M-credential catalog skipped in -short mode: generating and modelling it takes minutes and several GB")
	}
}

func benchSnapshot(b *testing.B, n int) *catalog.Snapshot {
	reg, err := frameworks.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	return &catalog.Snapshot{Version: 1, Credentials: synth.Generate(n, 42), Frameworks: reg.Frameworks()}
}

// benchEngine builds (once per size, shared by the benchmarks) an engine
// over a synthetic catalog.
func benchEngine(b *testing.B, n int) *benchCatalog {
	benchMu.Lock()
	defer benchMu.Unlock()
	if bc, ok := benchCache[n]; ok {
		return bc
	}
	bc := &benchCatalog{snap: benchSnapshot(b, n)}
	bc.engine = New(Options{})
	bc.err = bc.engine.Rebuild(context.Background(), bc.snap)
	bc.profiles = synth.Profiles(500, n, 7)
	benchCache[n] = bc
	return bc
}

func reportLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) float64 {
		return float64(d[min(len(d)-1, int(q*float64(len(d))))]) / 1e6
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func BenchmarkRecommend(b *testing.B) {
	for _, size := range benchSizes {
		b.Run("n="+size.name, func(b *testing.B) {
			skipLarge(b, size.n)
			bc := benchEngine(b, size.n)
			if bc.err != nil {
				b.Fatal(bc.err)
			}
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p := bc.profiles[i%len(bc.profiles)]
				start := time.Now()
				if _, err := bc.engine.Recommend(ctx, p, RecommendOptions{Limit: 10}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, lat)
		})
	}
}

// denseBaseline holds every active credential as one dense float64 row:
// its semantic vector followed by a one-hot over competency keys.
type denseBaseline struct {
	m    *Model
	dim  int
	keys map[string]int
	rows []float64
	cred []int32
}

func newDenseBaseline(m *Model) *denseBaseline {
	d := &denseBaseline{m: m, keys: map[string]int{}}
	for _, i := range m.active {
		for _, k := range m.keys[i] {
			if _, ok := d.keys[k]; !ok {
				d.keys[k] = len(d.keys)
			}
		}
	}
	sem := m.sem.Dim()
	d.dim = sem + len(d.keys)
	d.rows = make([]float64, len(m.active)*d.dim)
	for r, i := range m.active {
		row := d.rows[r*d.dim : (r+1)*d.dim]
		for j, x := range m.vec(i) {
			row[j] = float64(x)
		}
		for _, k := range m.keys[i] {
			row[sem+d.keys[k]] = 1
		}
		d.cred = append(d.cred, i)
	}
	return d
}

// rank scores every credential against the profile's dense query vector
// (the same semantic query and gap expansion the ranker uses) and keeps
// the best ten.
func (d *denseBaseline) rank(p catalog.Profile) []int32 {
	m := d.m
	q := make([]float64, d.dim)
	var gaps []competency.Gap
	parts := []semantic.Part{{Text: p.Goals, Weight: 1}}
	for _, g := range p.Gaps {
		key := m.space.Canonical(g.Framework, g.Code)
		gaps = append(gaps, competency.Gap{Key: key, Weight: g.Weight})
		parts = append(parts, semantic.Part{Text: m.space.Name(key), Weight: 0.5})
	}
	sq := m.sem.Query(parts...)
	for j, x := range sq.Vec {
		q[j] = float64(x)
	}
	for _, g := range gaps {
		for _, mt := range m.space.Expand(g.Key) {
			if c, ok := d.keys[mt.Key]; ok {
				q[m.sem.Dim()+c] += g.Weight * mt.Strength
			}
		}
	}
	type sc struct {
		i int32
		s float64
	}
	top := make([]sc, 0, 11)
	for r := range d.cred {
		row := d.rows[r*d.dim : (r+1)*d.dim]
		var s float64
		for j, x := range row {
			s += x * q[j]
		}
		if len(top) < 10 || s > top[len(top)-1].s {
			top = append(top, sc{d.cred[r], s})
			slices.SortFunc(top, func(a, b sc) int { return cmp.Compare(b.s, a.s) })
			if len(top) > 10 {
				top = top[:10]
			}
		}
	}
	out := make([]int32, len(top))
	for k, t := range top {
		out[k] = t.i
	}
	return out
}

func BenchmarkRecommendDenseBaseline(b *testing.B) {
	for _, size := range benchSizes {
		b.Run("n="+size.name, func(b *testing.B) {
			skipLarge(b, size.n)
			bc := benchEngine(b, size.n)
			if bc.err != nil {
				b.Fatal(bc.err)
			}
			d := newDenseBaseline(bc.engine.Model())
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				d.rank(bc.profiles[i%len(bc.profiles)])
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, lat)
		})
	}
}

func BenchmarkBuildModel(b *testing.B) {
	for _, size := range benchSizes {
		b.Run("n="+size.name, func(b *testing.B) {
			skipLarge(b, size.n)
			snap := benchSnapshot(b, size.n)
			b.ReportAllocs()
			b.ResetTimer()
			var m *Model
			for i := 0; i < b.N; i++ {
				var err error
				if m, err = BuildModel(context.Background(), snap, BuildOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			st := m.Stats()
			b.ReportMetric(float64(st.ModelBytes)/(1<<20), "model-MB")
			b.ReportMetric(float64(st.Dims), "dims")
			b.ReportMetric(float64(st.Vocabulary), "terms")
		})
	}
}

// TestBenchmarkSetup keeps the benchmarks' code paths compiled and sane in
// plain `go test`: the dense baseline and the ranker agree on the best
// credentials often enough to be comparing like with like.
func TestBenchmarkSetup(t *testing.T) {
	reg, err := frameworks.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	snap := &catalog.Snapshot{Version: 1, Credentials: synth.Generate(2000, 42), Frameworks: reg.Frameworks()}
	e := New(Options{})
	if err := e.Rebuild(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
	d := newDenseBaseline(e.Model())
	overlap, total := 0, 0
	for _, p := range synth.Profiles(30, 2000, 7) {
		p.Preferences = catalog.Preferences{}
		p.Earned = nil
		res, err := e.Recommend(context.Background(), p, RecommendOptions{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(res)
		for _, i := range d.rank(p) {
			total++
			if slices.Contains(got, e.Model().creds[i].ID) {
				overlap++
			}
		}
	}
	if total == 0 || float64(overlap)/float64(total) < 0.2 {
		t.Errorf("dense baseline and ranker share %d of %d top-10 items; the benchmark would compare unlike things", overlap, total)
	}
	t.Logf("dense baseline and ranker share %d of %d top-10 items", overlap, total)
}
