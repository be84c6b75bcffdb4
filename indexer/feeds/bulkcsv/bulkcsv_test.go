package bulkcsv

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/csvtable"
	"github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

func TestParse(t *testing.T) {
	tests := []struct {
		file     string
		ids      []string
		rejected map[string]string // line -> error substring
		check    func(t *testing.T, byID map[string]catalog.Credential, res feed.Result)
	}{
		{
			file: "courses.csv",
			ids:  []string{"ce-5a1e0000-0000-4000-8000-000000000001", "ce-5a1e0000-0000-4000-8000-000000000002", "EDU-620"},
			rejected: map[string]string{
				"line 5": "field CTID: required (or External Identifier)",
				"line 6": "field learning_opportunity_name: required",
				"line 7": `"three weeks" is not an ISO 8601 duration`,
			},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				c := byID["ce-5a1e0000-0000-4000-8000-000000000001"]
				want := catalog.Credential{
					ID: "ce-5a1e0000-0000-4000-8000-000000000001", Title: "Co-Teaching in Inclusive Classrooms",
					Description: "Plan and deliver lessons with a co-teacher for students with IEPs.",
					IssuerID:    "ce-5a1e0000-0000-4000-8000-0000000000aa", Kind: catalog.KindLearningOpportunity, Type: "Course",
					URL: "https://catalog.example.edu/edu-501", Tags: []string{"co-teaching", "inclusion", "special education"},
					Lifecycle: catalog.LifecycleActive, Format: catalog.FormatOnline, Hours: catalog.Float(15),
					CostUSD: catalog.Float(475.35), AltIDs: []string{"EDU-501"},
					Competencies: []catalog.Competency{
						{Framework: "Inclusive Practice Outcomes", Name: "Co-plans lessons with a special educator"},
						{Framework: "Inclusive Practice Outcomes", Name: "Adapts materials for IEP goals"},
					},
					Costs: []catalog.CostOption{{Name: "Course fees", Currency: "US Dollar", Total: 475.35, TotalUSD: catalog.Float(475.35),
						Items: []catalog.CostItem{{Type: "Tuition", Price: 450.1}, {Type: "TechnologyFee", Price: 25.25}}}},
				}
				if !reflect.DeepEqual(c, want) {
					t.Errorf("course:\n got %+v\nwant %+v", c, want)
				}
				p := byID["ce-5a1e0000-0000-4000-8000-000000000002"]
				if p.Type != "LearningProgram" || p.Issuer != "Riverbend College" || p.Hours != nil || p.CalendarDuration != "P2Y" || p.Format != catalog.FormatHybrid {
					t.Errorf("program: %+v", p)
				}
				d := byID["EDU-620"]
				if d.Lifecycle != catalog.LifecycleCeased || d.Hours == nil || *d.Hours != 12 || d.Format != catalog.FormatInPerson {
					t.Errorf("external identifier as id, ceased, 12 hours: %+v", d)
				}
			},
		},
		{
			file: "assessments.csv",
			ids:  []string{"PRX-5301", "PRX-EU1"},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				a := byID["PRX-5301"]
				if a.Kind != catalog.KindAssessment || a.CostUSD == nil || *a.CostUSD != 146 {
					t.Errorf("assessment: %+v", a)
				}
				if eu := byID["PRX-EU1"]; eu.CostUSD != nil {
					t.Errorf("euros are not converted: %v", *eu.CostUSD)
				}
				if len(res.Notes) != 2 || !strings.Contains(res.Notes[0].Note, "not US dollars") || !strings.Contains(res.Notes[1].Note, "without an issuer") {
					t.Errorf("the unconverted cost and a file without an owner column are noted: %+v", res.Notes)
				}
			},
		},
		{
			file: "credentials.csv",
			ids:  []string{"ce-5a1e0000-0000-4000-8000-000000000010"},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				c := byID["ce-5a1e0000-0000-4000-8000-000000000010"]
				if c.Kind != catalog.KindCredential || c.Type != "Certificate" || c.Issuer != "Illinois State Board of Education" || c.Level != 1 || c.Lifecycle != catalog.LifecycleActive {
					t.Errorf("credential: %+v", c)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			cols, err := csvtable.Header(data)
			if err != nil || !IsHeader(cols) {
				t.Fatalf("IsHeader(%q) = false (%v)", cols, err)
			}
			res := Parse(tt.file, data)
			golden.Check(t, tt.file+".json", res)
			byID := map[string]catalog.Credential{}
			var ids []string
			for _, r := range res.Credentials {
				byID[r.Credential.ID] = r.Credential
				ids = append(ids, r.Credential.ID)
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("ids %q, want %q", ids, tt.ids)
			}
			got := map[string]string{}
			for _, r := range res.Rejected {
				got[r.Record] = r.Error
			}
			if len(got) != len(tt.rejected) {
				t.Errorf("rejected %v, want %v", got, tt.rejected)
			}
			for line, want := range tt.rejected {
				if !strings.Contains(got[line], want) {
					t.Errorf("%s: %q, want %q", line, got[line], want)
				}
			}
			tt.check(t, byID, res)
		})
	}
}

func TestIsHeader(t *testing.T) {
	tests := map[string]bool{
		"CTID,Learning Opportunity Name":        true,
		"External Identifier,Assessment Name":   true,
		"ctid,credential_name,description":      true,
		"id,title,issuer":                       false,
		"CTID,Description":                      false,
		"Learning Opportunity Name,Description": false,
	}
	for header, want := range tests {
		cols, _ := csvtable.Header([]byte(header + "\n"))
		if got := IsHeader(cols); got != want {
			t.Errorf("IsHeader(%s) = %v, want %v", header, got, want)
		}
	}
}
