package openbadges2

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

type rejection struct{ record, contains string }

func TestParse(t *testing.T) {
	tests := []struct {
		file         string
		wantLocators map[string]string // credential id → locator
		wantRejected []rejection
		wantSkipped  []string
		check        func(t *testing.T, byID map[string]catalog.Credential, res feed.Result)
	}{
		{
			file: "graph.json",
			wantLocators: map[string]string{
				"https://pd.example.org/badges/formative-assessment-2": "/@graph/1",
				"https://pd.example.org/badges/coaching":               "/@graph/4",
			},
			wantRejected: []rejection{
				{"/@graph/3", "field name: required"},
				{"/@graph/5", "field tags: want a string or an array of strings, got a number"},
				{"/@graph/6", "field id: want a string, got a number"},
			},
			wantSkipped: []string{"/@graph/2"},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				fa := byID["https://pd.example.org/badges/formative-assessment-2"]
				want := catalog.Credential{
					ID:          "https://pd.example.org/badges/formative-assessment-2",
					Title:       "Formative Assessment Level 2",
					Description: "Plans and uses checks for understanding in daily lessons.",
					Criteria:    "Submit two lesson plans and a reflection.",
					Issuer:      "Lakeside Teacher Academy",
					IssuerID:    "https://pd.example.org/issuer.json",
					Type:        "BadgeClass",
					URL:         "https://pd.example.org/badges/fa2/criteria",
					Image:       "https://pd.example.org/img/fa2.png",
					Competencies: []catalog.Competency{
						{Framework: "InTASC", Code: "6", Name: "InTASC Standard 6: Assessment", URL: "https://ccsso.org/intasc#6"},
						{Framework: "udlguidelines.cast.org", Name: "Checkpoint 5.3", URL: "https://udlguidelines.cast.org/action-expression/5.3"},
					},
					Level: 2,
					Tags:  []string{"assessment", "feedback"},
				}
				if !reflect.DeepEqual(fa, want) {
					t.Errorf("formative assessment badge:\n got %+v\nwant %+v", fa, want)
				}
				co := byID["https://pd.example.org/badges/coaching"]
				if co.Issuer != "Other District PD" || co.IssuerID != "https://other.example.org/issuer" {
					t.Errorf("embedded issuer: got %q (%q)", co.Issuer, co.IssuerID)
				}
				if co.Image != "" {
					t.Errorf("a data: URI image should be dropped, got %q", co.Image)
				}
				if co.URL != "https://pd.example.org/badges/coaching/criteria" {
					t.Errorf("criteria URL: got %q", co.URL)
				}
				wantComp := []catalog.Competency{{Framework: "ISTE Standards for Educators", Code: "2.4", Name: "Collaborator",
					URL: "https://iste.org/standards/iste-standards-for-teachers"}}
				if !reflect.DeepEqual(co.Competencies, wantComp) {
					t.Errorf("Badgr alignments: got %+v", co.Competencies)
				}
				if !reflect.DeepEqual(co.Tags, []string{"coaching"}) {
					t.Errorf("tags as one string: got %q", co.Tags)
				}
				if res.Issuers["https://pd.example.org/issuer.json"] != "Lakeside Teacher Academy" ||
					res.Issuers["https://other.example.org/issuer"] != "Other District PD" {
					t.Errorf("issuers: got %v", res.Issuers)
				}
			},
		},
		{
			file: "array.json",
			wantLocators: map[string]string{
				"urn:uuid:1f6b1c2e-0000-4000-8000-000000000001": "/0",
				"urn:uuid:1f6b1c2e-0000-4000-8000-000000000003": "/3",
			},
			wantRejected: []rejection{
				{"/1", "field alignment[0].targetCode: want a string, got an object"},
				{"/2", "want an object, got a string"},
				{"/5", `field type: want BadgeClass, Issuer, Profile or Assertion, got "Mystery"`},
			},
			wantSkipped: []string{"/4"},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				cc := byID["urn:uuid:1f6b1c2e-0000-4000-8000-000000000001"]
				if cc.Issuer != "" || cc.IssuerID != "https://remote.example.org/issuer" {
					t.Errorf("an issuer IRI described elsewhere stays unnamed: got %q (%q)", cc.Issuer, cc.IssuerID)
				}
				if cc.Criteria != "Requirements\nA video of a lesson opening." {
					t.Errorf("markdown narrative: got %q", cc.Criteria)
				}
				fp := byID["urn:uuid:1f6b1c2e-0000-4000-8000-000000000003"]
				want := []catalog.Competency{{Framework: "nbpts.org", Name: "Membership in learning communities",
					URL: "https://www.nbpts.org/standards-five-core-propositions/"}}
				if !reflect.DeepEqual(fp.Competencies, want) {
					t.Errorf("framework from the URL host: got %+v", fp.Competencies)
				}
			},
		},
		{
			file:        "issuer_only.json",
			wantSkipped: []string{""},
			check: func(t *testing.T, _ map[string]catalog.Credential, res feed.Result) {
				if res.Issuers["https://remote.example.org/issuer"] != "Remote Learning Collaborative" {
					t.Errorf("issuer profile: got %v", res.Issuers)
				}
			},
		},
	}
	for _, test := range tests {
		t.Run(test.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", test.file))
			if err != nil {
				t.Fatal(err)
			}
			res := Parse(test.file, data)
			golden.Check(t, test.file+".json", res)
			if res.Format != feed.FormatOpenBadges2 {
				t.Errorf("Format = %q", res.Format)
			}
			byID := map[string]catalog.Credential{}
			gotLocators := map[string]string{}
			for _, r := range res.Credentials {
				byID[r.Credential.ID] = r.Credential
				gotLocators[r.Credential.ID] = r.Locator
			}
			if len(test.wantLocators) == 0 {
				test.wantLocators = map[string]string{}
			}
			if !reflect.DeepEqual(gotLocators, test.wantLocators) {
				t.Errorf("credentials (id → locator):\n got %v\nwant %v", gotLocators, test.wantLocators)
			}
			if len(res.Rejected) != len(test.wantRejected) {
				t.Errorf("rejected: got %+v, want %d", res.Rejected, len(test.wantRejected))
			}
			for i, w := range test.wantRejected {
				if i >= len(res.Rejected) {
					break
				}
				got := res.Rejected[i]
				if got.Record != w.record || !strings.Contains(got.Error, w.contains) || got.Source != test.file {
					t.Errorf("rejection %d: got %+v, want record %q with %q", i, got, w.record, w.contains)
				}
			}
			var skipped []string
			for _, s := range res.Skipped {
				skipped = append(skipped, s.Record)
			}
			if !reflect.DeepEqual(skipped, test.wantSkipped) {
				t.Errorf("skipped: got %q, want %q", skipped, test.wantSkipped)
			}
			if test.check != nil {
				test.check(t, byID, res)
			}
		})
	}
}

func TestParseInvalidJSON(t *testing.T) {
	res := Parse("broken.json", []byte("{\n  \"type\": \"BadgeClass\",\n  \"id\": \n}"))
	if len(res.Rejected) != 1 || res.Rejected[0].Record != "" || !strings.Contains(res.Rejected[0].Error, "line 4") {
		t.Errorf("got %+v, want one whole-file rejection naming line 4", res.Rejected)
	}
}
