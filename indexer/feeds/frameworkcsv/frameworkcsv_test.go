package frameworkcsv

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

// fakeCanonical stands in for package frameworks, which imports this one.
func fakeCanonical(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "udl", "cast udl guidelines":
		return "UDL", true
	case "digcompedu":
		return "DigCompEdu", true
	}
	return "", false
}

func TestParse(t *testing.T) {
	tests := []struct {
		file           string
		wantFrameworks []catalog.Framework
		wantRejected   []struct{ record, contains string }
	}{
		{
			file: "district_rubric.csv",
			wantFrameworks: []catalog.Framework{{
				Name: "district_rubric", Source: "district_rubric.csv",
				Items: []catalog.FrameworkItem{
					{Code: "A", Name: "Planning", Description: "Plans units backward from goals."},
					{Code: "A1", Name: "Goals", Description: "Writes measurable learning goals.", Parent: "A"},
					{Code: "A2", Name: "Materials", Description: "Chooses materials that fit the goals.", Parent: "A"},
					{Code: "B", Name: "Environment", Description: "Sets up a safe classroom."},
					{Code: "B3", Name: "Transitions", Description: "Moves between activities, calmly.", Parent: "B"},
				},
			}},
			wantRejected: []struct{ record, contains string }{
				{"line 5", "field code: required"},
				{"line 7", `field code: "A1" is already used at line 3`},
				{"line 8", `field parent: "Nowhere" is neither the code nor the unique name of another item`},
				{"line 9", "field name: required"},
			},
		},
		{
			file: "multi.csv",
			wantFrameworks: []catalog.Framework{
				{Name: "UDL", Source: "multi.csv", Aliases: []string{"CAST UDL Guidelines"}, Items: []catalog.FrameworkItem{
					{Code: "7", Name: "Recruiting interest"},
					{Code: "7.2", Name: "Optimize relevance and authenticity", Parent: "7"},
					{Code: "7.3", Name: "Minimize threats", Parent: "7"},
				}},
				{Name: "Local Literacy Rubric", Source: "multi.csv", Items: []catalog.FrameworkItem{
					{Code: "R1", Name: "Reads aloud daily"},
					{Code: "R1.a", Name: "Uses varied texts", Parent: "R1"},
				}},
			},
		},
	}
	for _, test := range tests {
		t.Run(test.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", test.file))
			if err != nil {
				t.Fatal(err)
			}
			res := Parse(test.file, data, fakeCanonical)
			golden.Check(t, test.file+".json", res)
			if res.Format != feed.FormatFrameworkCSV || len(res.Credentials) != 0 {
				t.Errorf("Format %q with %d credentials", res.Format, len(res.Credentials))
			}
			if !reflect.DeepEqual(res.Frameworks, test.wantFrameworks) {
				t.Errorf("frameworks:\n got %+v\nwant %+v", res.Frameworks, test.wantFrameworks)
			}
			if len(res.Skipped) != len(test.wantFrameworks) {
				t.Errorf("skipped: %+v, want one per framework", res.Skipped)
			}
			if len(res.Rejected) != len(test.wantRejected) {
				t.Errorf("rejected %+v, want %d", res.Rejected, len(test.wantRejected))
			}
			for i, w := range test.wantRejected {
				if i < len(res.Rejected) && (res.Rejected[i].Record != w.record || !strings.Contains(res.Rejected[i].Error, w.contains)) {
					t.Errorf("rejection %d: got %+v, want %s with %q", i, res.Rejected[i], w.record, w.contains)
				}
			}
		})
	}
}

func TestNameFromSource(t *testing.T) {
	tests := []struct {
		source    string
		canonical Canonical
		want      string
	}{
		{"/data/frameworks/digcompedu_statements.csv", fakeCanonical, "DigCompEdu"},
		{"https://example.org/files/UDL-checkpoints.csv?token=1", fakeCanonical, "UDL"},
		{"district_rubric.csv", fakeCanonical, "district_rubric"},
		{"digcompedu_statements.csv", nil, "digcompedu_statements"},
		{"", fakeCanonical, ""},
	}
	for _, test := range tests {
		if got := NameFromSource(test.source, test.canonical); got != test.want {
			t.Errorf("NameFromSource(%q) = %q, want %q", test.source, got, test.want)
		}
	}
}

func TestIsFrameworkHeader(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"framework,code,name,description,parent", true},
		{"level,code,text,parent", true},
		{"Code,Description", true},
		{"id,title,code,name", false},
		{"id,title", false},
		{"code,parent", false},
	}
	for _, test := range tests {
		if got := IsFrameworkFile([]byte(test.header + "\n")); got != test.want {
			t.Errorf("IsFrameworkFile(%q) = %v, want %v", test.header, got, test.want)
		}
	}
}
