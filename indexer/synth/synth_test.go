package synth

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func TestVocabularyCodesKnown(t *testing.T) {
	v := loadVocabulary()
	if len(v.dropped) > 0 {
		t.Fatalf("topic codes not in the bundled frameworks: %v", v.dropped)
	}
	// 10 InTASC + 10 PSEL + 7 ISTE-E + 40 UDL + 26 FFT + 5 NBPTS + 28 DigCompEdu.
	if got, want := len(v.all), 126; got != want {
		t.Errorf("framework items = %d, want %d", got, want)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(500, 42)
	b := Generate(500, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different catalogs")
	}
	c := Generate(500, 43)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same catalog")
	}
	// A smaller catalog is a prefix of a larger one, except possibly the
	// last, cut-short stack.
	small := Generate(200, 42)
	for i := 0; i < 197; i++ {
		if !reflect.DeepEqual(small[i], a[i]) {
			t.Fatalf("credential %d differs between n=200 and n=500", i)
		}
	}
}

func TestGenerateCatalog(t *testing.T) {
	const n = 5000
	creds := Generate(n, 7)
	if len(creds) != n {
		t.Fatalf("len = %d, want %d", len(creds), n)
	}
	v := loadVocabulary()
	byID := map[string]*catalog.Credential{}
	var free, stacked int
	words := map[string]int{}
	for i, c := range creds {
		if want := "synth-" + strconv.Itoa(i+1); c.ID != want {
			t.Fatalf("id %q, want %q", c.ID, want)
		}
		byID[c.ID] = c
		if !strings.HasPrefix(c.Issuer, "Synthetic Issuer ") {
			t.Errorf("%s: issuer %q not marked synthetic", c.ID, c.Issuer)
		}
		if c.Status != catalog.StatusActive || c.Title == "" {
			t.Errorf("%s: status %q title %q", c.ID, c.Status, c.Title)
		}
		if w := len(strings.Fields(c.Description)); w < minWords || w > maxWords {
			t.Errorf("%s: description has %d words", c.ID, w)
		}
		for _, w := range strings.Fields(strings.ToLower(c.Description)) {
			words[strings.Trim(w, ".,;:")]++
		}
		if k := len(c.Competencies); k < 1 || k > 4 {
			t.Errorf("%s: %d competencies", c.ID, k)
		}
		seen := map[string]bool{}
		for _, comp := range c.Competencies {
			if _, ok := v.byKey[comp.Key()]; !ok {
				t.Errorf("%s: unknown competency %s", c.ID, comp.Key())
			}
			if seen[comp.Key()] {
				t.Errorf("%s: duplicate competency %s", c.ID, comp.Key())
			}
			seen[comp.Key()] = true
		}
		if c.Level < 1 || c.Level > 3 {
			t.Errorf("%s: level %d", c.ID, c.Level)
		}
		if c.CostUSD == nil || c.Hours == nil {
			t.Fatalf("%s: cost or hours missing", c.ID)
		}
		if cost := *c.CostUSD; cost == 0 {
			free++
		} else if cost < 15 || cost > 400 {
			t.Errorf("%s: cost %v", c.ID, cost)
		}
		if h := *c.Hours; h < 2 || h > 60 {
			t.Errorf("%s: hours %v", c.ID, h)
		}
		switch c.Format {
		case "", catalog.FormatOnline, catalog.FormatHybrid, catalog.FormatInPerson:
		default:
			t.Errorf("%s: format %q", c.ID, c.Format)
		}
		if len(c.Prerequisites) > 0 {
			stacked++
		}
	}
	for _, c := range creds {
		for _, p := range c.Prerequisites {
			pc, ok := byID[p]
			if !ok {
				t.Errorf("%s: prerequisite %s does not exist", c.ID, p)
				continue
			}
			if pc.Level >= c.Level {
				t.Errorf("%s (level %d): prerequisite %s has level %d", c.ID, c.Level, p, pc.Level)
			}
		}
	}
	// Stacks: levels 2 and 3 of a stack have prerequisites, so about 2/3 of
	// the ~20% of stacked credentials.
	if frac := float64(stacked) / n; frac < 0.09 || frac > 0.18 {
		t.Errorf("credentials with prerequisites: %.3f", frac)
	}
	if frac := float64(free) / n; frac < 0.25 || frac > 0.35 {
		t.Errorf("free credentials: %.3f", frac)
	}
	// Zipf-like: the most frequent content term is far more common than
	// the median one.
	if words["formative"] < 10*words["wait"] {
		t.Errorf("term frequencies look flat: formative=%d wait=%d", words["formative"], words["wait"])
	}
}

func TestEachStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := Each(100, 1, func(*catalog.Credential) error {
		calls++
		if calls == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 10 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	if got := Generate(0, 1); len(got) != 0 {
		t.Fatalf("Generate(0) = %d credentials", len(got))
	}
}

func TestWriteCSV(t *testing.T) {
	creds := Generate(300, 3)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, creds); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(creds)+1 {
		t.Fatalf("rows = %d, want %d", len(rows), len(creds)+1)
	}
	if !reflect.DeepEqual(rows[0], CSVHeader) {
		t.Fatalf("header %v", rows[0])
	}
	for i, c := range creds {
		r := rows[i+1]
		if r[0] != c.ID || r[1] != c.Issuer || r[2] != c.Title || r[3] != c.Description {
			t.Fatalf("row %d does not match %s", i+1, c.ID)
		}
		if r[4] != strings.Join(c.CompetencyKeys(), ";") || r[5] != strconv.Itoa(c.Level) ||
			r[6] != strings.Join(c.Prerequisites, ";") {
			t.Fatalf("row %d: competencies/level/prerequisites %v", i+1, r[4:7])
		}
		if cost, err := strconv.ParseFloat(r[7], 64); err != nil || cost != *c.CostUSD {
			t.Fatalf("row %d: cost %q", i+1, r[7])
		}
	}

	buf.Reset()
	if err := WriteCSV(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != strings.Join(CSVHeader, ",") {
		t.Fatalf("empty catalog CSV = %q", got)
	}
}

func TestProfiles(t *testing.T) {
	const size = 1000
	ps := Profiles(200, size, 9)
	if len(ps) != 200 {
		t.Fatalf("len = %d", len(ps))
	}
	if !reflect.DeepEqual(ps, Profiles(200, size, 9)) {
		t.Fatal("same seed gave different profiles")
	}
	v := loadVocabulary()
	ids := map[string]bool{}
	for _, c := range Generate(size, 1) {
		ids[c.ID] = true
	}
	withGoals := 0
	for _, p := range ps {
		if p.Goals != "" {
			withGoals++
		}
		if len(p.Gaps) > 3 || len(p.Earned) > 5 {
			t.Errorf("%s: %d gaps, %d earned", p.ID, len(p.Gaps), len(p.Earned))
		}
		for _, g := range p.Gaps {
			if _, ok := v.byKey[g.Key()]; !ok {
				t.Errorf("%s: unknown gap %s", p.ID, g.Key())
			}
			if g.Weight <= 0 || g.Weight > 1 {
				t.Errorf("%s: gap weight %v", p.ID, g.Weight)
			}
		}
		for _, id := range p.Earned {
			if !ids[id] {
				t.Errorf("%s: earned %s not in a catalog of %d", p.ID, id, size)
			}
		}
	}
	if withGoals < 150 {
		t.Errorf("only %d of 200 profiles have goals", withGoals)
	}
	for _, p := range Profiles(20, 0, 1) {
		if len(p.Earned) > 0 {
			t.Fatalf("%s: earned %v with an empty catalog", p.ID, p.Earned)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if got := Generate(10_000, 1); len(got) != 10_000 {
			b.Fatal(len(got))
		}
	}
}

func BenchmarkEach(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		_ = Each(10_000, 1, func(*catalog.Credential) error { n++; return nil })
	}
}
