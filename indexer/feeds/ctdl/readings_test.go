package ctdl

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

// TestReadings pins each CTDL reading to a record of testdata/readings.json.
func TestReadings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "readings.json"))
	if err != nil {
		t.Fatal(err)
	}
	res := Parse("readings.json", data)
	golden.Check(t, "readings.json.json", res)
	if len(res.Rejected) != 0 {
		t.Fatalf("rejected: %+v", res.Rejected)
	}
	byID := map[string]catalog.Credential{}
	for _, r := range res.Credentials {
		byID[r.Credential.ID] = r.Credential
	}
	const (
		degree   = "ce-7a000000-0000-4000-8000-000000000001"
		workshop = "ce-7a000000-0000-4000-8000-000000000002"
		test     = "ce-7a000000-0000-4000-8000-000000000003"
		draft    = "ce-7a000000-0000-4000-8000-000000000004"
		program  = "ce-7a000000-0000-4000-8000-000000000005"
	)
	notes := map[string]string{}
	for _, n := range res.Notes {
		notes[n.Record] += n.Note + "\n"
	}
	tests := []struct {
		reading string
		id      string
		got     func(c catalog.Credential) any
		want    any
	}{
		{"kind of a degree", degree, func(c catalog.Credential) any { return c.Kind }, catalog.KindCredential},
		{"kind of a learning opportunity profile", workshop, func(c catalog.Credential) any { return c.Kind }, catalog.KindLearningOpportunity},
		{"kind of an assessment profile", test, func(c catalog.Credential) any { return c.Kind }, catalog.KindAssessment},
		{"kind of a course", draft, func(c catalog.Credential) any { return c.Kind }, catalog.KindLearningOpportunity},
		{"kind of a learning program", program, func(c catalog.Credential) any { return c.Kind }, catalog.KindLearningOpportunity},
		{"every language of the title", degree, func(c catalog.Credential) any { return c.Titles["ar"] }, "بكالوريوس العلوم في التعليم الابتدائي"},
		{"English preferred for the title", degree, func(c catalog.Credential) any { return c.Title }, "Bachelor of Science in Elementary Education"},
		{"every language of the description", degree, func(c catalog.Credential) any { return len(c.Descriptions) }, 2},
		{"keywords in every language", degree, func(c catalog.Credential) any { return c.Tags }, []string{"literacy", "القراءة"}},
		{"items of one cost profile add up in cents; the lowest alternative is the cost", degree,
			func(c catalog.Credential) any { return *c.CostUSD }, 13593.99},
		{"every cost profile kept with its total", degree, func(c catalog.Credential) any {
			var out []float64
			for _, o := range c.Costs {
				out = append(out, o.Total)
			}
			return out
		}, []float64{13593.99, 21000, 30000}},
		{"a non-USD profile has no USD total", degree, func(c catalog.Credential) any { return c.Costs[2].TotalUSD == nil && c.Costs[2].Currency == "CAD" }, true},
		{"calendar years are a duration, not hours", degree, func(c catalog.Credential) any { return [2]any{c.Hours == nil, c.CalendarDuration} }, [2]any{true, "P4Y"}},
		{"effort hours beside a calendar range", workshop, func(c catalog.Credential) any { return [2]any{*c.Hours, c.CalendarDuration} }, [2]any{15.0, "P8W/P12W"}},
		{"an hour range gives its larger end", test, func(c catalog.Credential) any { return *c.Hours }, 4.5},
		{"continuing education units as contact hours", program, func(c catalog.Credential) any { return *c.Hours }, 30.0},
		{"clock hours of credit are effort", "ce-7a000000-0000-4000-8000-000000000006", func(c catalog.Credential) any { return *c.Hours }, 12.0},
		{"semester hours are not effort", "ce-7a000000-0000-4000-8000-000000000007", func(c catalog.Credential) any { return c.Hours == nil }, true},
		{"costs shared through a cost manifest", "ce-7a000000-0000-4000-8000-000000000007", func(c catalog.Credential) any { return *c.CostUSD }, 1250.5},
		{"a price written as text; two totals under one heading are alternatives", test, func(c catalog.Credential) any {
			return [2]any{*c.CostUSD, len(c.Costs)}
		}, [2]any{99.0, 2}},
		{"uncoded alignments kept by name, framework as written and URI", degree, func(c catalog.Credential) any { return c.Competencies }, []catalog.Competency{
			{Framework: "Program Learning Outcomes", Name: "Plans standards-based reading instruction", URL: "https://example.edu/plo/1"},
			{Name: "Communicates with families"},
		}},
		{"audience level terms: the lowest level", degree, func(c catalog.Credential) any { return c.Level }, 2},
		{"audience level by name", workshop, func(c catalog.Credential) any { return c.Level }, 2},
		{"lifecycle active", degree, func(c catalog.Credential) any { return c.Lifecycle }, catalog.LifecycleActive},
		{"lifecycle ceased", test, func(c catalog.Credential) any { return c.Lifecycle }, catalog.LifecycleCeased},
		{"adms:status provisional", draft, func(c catalog.Credential) any { return c.Lifecycle }, catalog.LifecycleProvisional},
		{"approvedIn places and approvedBy a state agency", workshop, func(c catalog.Credential) any { return c.ApprovedIn }, []string{"US-IL", "US-TX"}},
		{"issuer by an IRI of another case and form, kept as written", degree, func(c catalog.Credential) any { return c.IssuerID },
			"https://credentialengineregistry.org/graph/ce-7a000000-0000-4000-8000-0000000000AA"},
		{"offerer named from the graph through a reference object", workshop, func(c catalog.Credential) any { return c.Issuer }, "Lakeside College"},
		{"embedded owner", test, func(c catalog.Credential) any { return c.Issuer }, "Evaluation Systems"},
		{"issuer from the organization that lists the record", program, func(c catalog.Credential) any { return c.Issuer }, "Lakeside College"},
	}
	for _, tt := range tests {
		t.Run(tt.reading, func(t *testing.T) {
			c, ok := byID[tt.id]
			if !ok {
				t.Fatalf("%s missing", tt.id)
			}
			if got := tt.got(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	for loc, want := range map[string]string{
		"/@graph/0": "cost_usd is the lowest",
		"/@graph/1": "is a state education agency",
		"/@graph/2": "hours is the larger",
	} {
		if !strings.Contains(notes[loc], want) {
			t.Errorf("note for %s: %q, want %q", loc, notes[loc], want)
		}
	}
}
