package openbadges3

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

const (
	cert    = "urn:uuid:aaaaaaaa-0000-4000-8000-000000000001"
	module1 = "urn:uuid:aaaaaaaa-0000-4000-8000-000000000002"
	module2 = "urn:uuid:aaaaaaaa-0000-4000-8000-000000000003"
)

func TestParse(t *testing.T) {
	tests := []struct {
		file         string
		wantLocators map[string]string
		wantRejected []rejection
		wantSkipped  []string
		check        func(t *testing.T, byID map[string]catalog.Credential, res feed.Result)
	}{
		{
			file: "achievements.json",
			wantLocators: map[string]string{
				"https://micro.example.edu/achievements/udl-design-level-3": "/0",
				"https://micro.example.edu/achievements/feedback":           "/1",
			},
			wantRejected: []rejection{
				{"/2", "field id: required"},
				{"/3", "field name: want a string, got an array"},
				{"/4", `field type: want Achievement, OpenBadgeCredential, AchievementCredential or ClrCredential, got "Rubric"`},
			},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				udl := byID["https://micro.example.edu/achievements/udl-design-level-3"]
				want := catalog.Credential{
					ID:          "https://micro.example.edu/achievements/udl-design-level-3",
					Title:       "UDL Lesson Design Level 3",
					Description: "Designs lessons with multiple means of engagement.",
					Criteria:    "Evidence\n* A unit plan with three options for engagement\n* rubric score of 3",
					Issuer:      "Micro Example College",
					IssuerID:    "did:web:micro.example.edu",
					Type:        "Badge",
					Image:       "https://micro.example.edu/img/udl3.png",
					Competencies: []catalog.Competency{
						{Framework: "case.example.org", Name: "Recruiting interest", URL: "https://case.example.org/uri/7.2"},
						{Framework: "CAST UDL Guidelines", Code: "Checkpoint 7.2", Name: "Checkpoint 7.2", URL: "https://udlguidelines.cast.org/engagement/7.2"},
					},
					Level: 3,
					Tags:  []string{"udl", "lesson design"},
				}
				if !reflect.DeepEqual(udl, want) {
					t.Errorf("achievement:\n got %+v\nwant %+v", udl, want)
				}
				fb := byID["https://micro.example.edu/achievements/feedback"]
				if fb.Issuer != "Micro Example College" || fb.IssuerID != "did:web:micro.example.edu" || fb.Type != "Achievement" {
					t.Errorf("creator by IRI: got issuer %q (%q), type %q", fb.Issuer, fb.IssuerID, fb.Type)
				}
				if !reflect.DeepEqual(fb.Tags, []string{"feedback"}) {
					t.Errorf("tags spelling: got %q", fb.Tags)
				}
			},
		},
		{
			file: "clr.json",
			wantLocators: map[string]string{
				cert:    "/credentialSubject/verifiableCredential/0/credentialSubject/achievement",
				module1: "/credentialSubject/achievement/0",
				module2: "/credentialSubject/achievement/1",
			},
			wantRejected: []rejection{{"/credentialSubject/association/4", "field associationType: want a string, got a number"}},
			wantSkipped:  []string{"/credentialSubject/verifiableCredential/1", "/credentialSubject/verifiableCredential/2"},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				c := byID[cert]
				if c.Issuer != "Example Coaching Academy" || c.Description != "Restated with a description." {
					t.Errorf("certificate: issuer %q, description %q", c.Issuer, c.Description)
				}
				if !reflect.DeepEqual(c.HasPart, []string{module1, module2}) {
					t.Errorf("certificate HasPart = %q", c.HasPart)
				}
				m1, m2 := byID[module1], byID[module2]
				if !reflect.DeepEqual(m1.PartOf, []string{cert}) || !reflect.DeepEqual(m2.PartOf, []string{cert}) {
					t.Errorf("PartOf: module 1 %q, module 2 %q", m1.PartOf, m2.PartOf)
				}
				if !reflect.DeepEqual(m2.Prerequisites, []string{module1}) {
					t.Errorf("precedes: module 2 prerequisites %q", m2.Prerequisites)
				}
				if m1.SupersededBy != "urn:uuid:aaaaaaaa-0000-4000-8000-000000000099" {
					t.Errorf("replacedBy: %q", m1.SupersededBy)
				}
				if m1.Issuer != "Example Unified School District" || m2.Issuer != "Example Unified School District" {
					t.Errorf("CLR issuer for its own achievements: %q, %q", m1.Issuer, m2.Issuer)
				}
			},
		},
		{
			file:         "credential.json",
			wantLocators: map[string]string{"https://badges.example.org/achievements/2": "/1/credentialSubject/achievement"},
			wantRejected: []rejection{{"/0", "field credentialSubject.achievement: want an object, got a string"}},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				if got := byID["https://badges.example.org/achievements/2"].Issuer; got != "Example Badges" {
					t.Errorf("issuer named by another credential of the file: got %q", got)
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
			if res.Format != feed.FormatOpenBadges3 {
				t.Errorf("Format = %q", res.Format)
			}
			byID := map[string]catalog.Credential{}
			gotLocators := map[string]string{}
			for _, r := range res.Credentials {
				byID[r.Credential.ID] = r.Credential
				gotLocators[r.Credential.ID] = r.Locator
			}
			if !reflect.DeepEqual(gotLocators, test.wantLocators) {
				t.Errorf("credentials (id → locator):\n got %v\nwant %v", gotLocators, test.wantLocators)
			}
			if len(res.Rejected) != len(test.wantRejected) {
				t.Errorf("rejected: got %+v, want %d", res.Rejected, len(test.wantRejected))
			}
			for i, w := range test.wantRejected {
				if i < len(res.Rejected) && (res.Rejected[i].Record != w.record || !strings.Contains(res.Rejected[i].Error, w.contains)) {
					t.Errorf("rejection %d: got %+v, want record %q with %q", i, res.Rejected[i], w.record, w.contains)
				}
			}
			var skipped []string
			for _, s := range res.Skipped {
				skipped = append(skipped, s.Record)
			}
			if !reflect.DeepEqual(skipped, test.wantSkipped) {
				t.Errorf("skipped: got %q, want %q", skipped, test.wantSkipped)
			}
			test.check(t, byID, res)
		})
	}
}

// TestParseCLRListSpellings reads a ClrSubject's achievements and
// associations whether they are listed under the CLR 2.0 names
// ("achievement", "association") or their plurals.
func TestParseCLRListSpellings(t *testing.T) {
	plural, err := os.ReadFile(filepath.Join("testdata", "clr_plural.json"))
	if err != nil {
		t.Fatal(err)
	}
	singular := strings.NewReplacer(`"achievements"`, `"achievement"`, `"associations"`, `"association"`).Replace(string(plural))
	const observe, debrief = "https://mentors.example.org/a/observe", "https://mentors.example.org/a/debrief"
	tests := []struct {
		name, data, key string
	}{
		{"plural", string(plural), "achievements"},
		{"singular", singular, "achievement"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := Parse("clr.json", []byte(test.data))
			byID := map[string]feed.Record{}
			for _, r := range res.Credentials {
				byID[r.Credential.ID] = r
			}
			if len(res.Credentials) != 2 || byID[observe].Locator != "/credentialSubject/"+test.key+"/0" ||
				byID[debrief].Locator != "/credentialSubject/"+test.key+"/1" {
				t.Fatalf("credentials %+v", res.Credentials)
			}
			if c := byID[debrief].Credential; !reflect.DeepEqual(c.Prerequisites, []string{observe}) || c.Issuer != "Mentor Teacher Network" {
				t.Errorf("debrief: prerequisites %q, issuer %q", c.Prerequisites, c.Issuer)
			}
			assoc := strings.Replace(test.key, "achievement", "association", 1)
			if len(res.Rejected) != 1 || res.Rejected[0].Record != "/credentialSubject/"+assoc+"/1" ||
				!strings.Contains(res.Rejected[0].Error, "field associationType: want a string") {
				t.Errorf("rejected %+v", res.Rejected)
			}
			if len(res.Skipped) != 0 {
				t.Errorf("skipped %+v", res.Skipped)
			}
		})
	}
}
