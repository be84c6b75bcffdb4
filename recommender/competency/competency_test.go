package competency

import (
	"encoding/csv"
	"io/fs"
	"math"
	"path"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/datasets"
	"github.com/pdpath/pdpath/indexer/catalog"
)

// bundledFrameworks reads the framework CSVs shipped in datasets, the same
// data the catalog's snapshot carries.
func bundledFrameworks(t *testing.T) []*catalog.Framework {
	t.Helper()
	files, err := fs.Glob(datasets.Frameworks, "frameworks/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*catalog.Framework{}
	var out []*catalog.Framework
	for _, f := range files {
		if path.Base(f) == "crosswalk.csv" {
			continue
		}
		r, err := datasets.Frameworks.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(r).ReadAll()
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, row := range rows[1:] {
			fw := byName[row[0]]
			if fw == nil {
				fw = &catalog.Framework{Name: row[0]}
				byName[row[0]] = fw
				out = append(out, fw)
			}
			fw.Items = append(fw.Items, catalog.FrameworkItem{Code: row[1], Name: row[2], Description: row[3], Parent: row[4]})
		}
	}
	if len(out) == 0 {
		t.Skip("no bundled framework files in datasets/frameworks")
	}
	return out
}

func TestExpand(t *testing.T) {
	edges := []Edge{{From: "InTASC:6", To: "FFT:3d", Strength: 0.9}}
	s := New(bundledFrameworks(t), edges, nil)
	tests := []struct {
		name     string
		gap      string
		key      string
		relation Relation
		min, max float64
	}{
		{"exact", "UDL:7", "UDL:7", Exact, 1, 1},
		{"guideline gap met by its checkpoint", "UDL:7", "UDL:7.2", Refines, 0.85, 0.95},
		{"checkpoint gap partly met by its guideline", "UDL:7.2", "UDL:7", Broader, 0.4, 0.6},
		{"sibling checkpoint is weak", "UDL:7.2", "UDL:7.1", Sibling, 0.1, 0.3},
		{"FFT domain met by its component", "FFT:3", "FFT:3b", Refines, 0.85, 0.95},
		{"FFT component partly met by its domain", "FFT:3b", "FFT:3", Broader, 0.4, 0.6},
		{"crosswalk both ways", "FFT:3d", "InTASC:6", Crosswalk, 0.7, 0.8},
		{"crosswalk from a domain through its component", "FFT:3", "InTASC:6", Crosswalk, 0.6, 0.7},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			var got *Match
			for _, m := range s.Expand(test.gap) {
				if m.Key == test.key {
					got = &m
					break
				}
			}
			if got == nil {
				t.Fatalf("Expand(%s) lacks %s", test.gap, test.key)
			}
			if got.Relation != test.relation || got.Strength < test.min || got.Strength > test.max {
				t.Errorf("Expand(%s)[%s] = %v %.3f, want %v in [%.2f, %.2f]", test.gap, test.key, got.Relation, got.Strength, test.relation, test.min, test.max)
			}
		})
	}
	if m := s.Expand("UDL:7"); containsKey(m, "UDL:8.1") {
		t.Error("a UDL 7 gap must not be met by checkpoint 8.1")
	}
}

func containsKey(ms []Match, key string) bool {
	for _, m := range ms {
		if m.Key == key {
			return true
		}
	}
	return false
}

func TestPlanScore(t *testing.T) {
	s := New(bundledFrameworks(t), nil, nil)
	p := s.NewPlan([]Gap{{Key: "UDL:7", Weight: 2}, {Key: "InTASC:6", Weight: 1}})
	tests := []struct {
		codes []string
		want  float64
	}{
		{[]string{"UDL:7.1", "InTASC:6"}, (2*0.9 + 1) / 3},
		{[]string{"UDL:7"}, 2.0 / 3},
		{[]string{"PSEL:1"}, 0},
	}
	for _, test := range tests {
		got, cov := p.Score(test.codes)
		if math.Abs(got-test.want) > 1e-9 {
			t.Errorf("Score(%v) = %.4f, want %.4f (coverage %v)", test.codes, got, test.want, cov)
		}
	}
}

func TestCanonical(t *testing.T) {
	fws := bundledFrameworks(t)
	for _, f := range fws {
		if f.Name == "FFT" {
			f.Aliases = []string{"Danielson"}
		}
	}
	s := New(fws, nil, nil)
	if got := s.Canonical("danielson", "3B"); got != "FFT:3b" {
		t.Errorf("Canonical = %q, want FFT:3b", got)
	}
	if got := s.Canonical("Local Rubric", "x1"); got != "Local Rubric:x1" {
		t.Errorf("unknown framework kept as written, got %q", got)
	}
	if !s.KnownCode("UDL", "7.2") || s.KnownCode("InTASC", "11") {
		t.Error("KnownCode wrong")
	}
}

func TestBundledCrosswalk(t *testing.T) {
	edges, err := BundledCrosswalk()
	if err != nil {
		t.Fatal(err)
	}
	if len(edges) == 0 {
		t.Skip("no crosswalk bundled yet")
	}
	s := New(bundledFrameworks(t), edges, nil)
	for _, e := range edges {
		for _, k := range []string{e.From, e.To} {
			fw, code, _ := strings.Cut(k, ":")
			if !s.KnownCode(fw, code) {
				t.Errorf("crosswalk names %s, which its framework does not list", k)
			}
		}
	}
}

func TestParseCrosswalkErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"from,to\n", `lacks "strength"`},
		{"from,to,strength,note\nInTASC:1,FFT:1b,2,x\n", "line 2: strength"},
		{"from,to,strength,note\nInTASC1,FFT:1b,0.5,x\n", "line 2: from and to"},
	}
	for _, test := range tests {
		_, err := ParseCrosswalk(strings.NewReader(test.in))
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("ParseCrosswalk(%q) err = %v, want %q", test.in, err, test.want)
		}
	}
}
