package ctdl

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/golden"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

type rejection struct{ record, contains string }

const (
	reg          = "https://credentialengineregistry.org/resources/"
	dataLiteracy = "ce-11111111-0000-4000-8000-000000000001"
	leadership   = "ce-11111111-0000-4000-8000-000000000002"
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
			file: "graph.json",
			wantLocators: map[string]string{
				dataLiteracy: "/@graph/1",
				leadership:   "/@graph/2",
				"ce-11111111-0000-4000-8000-000000000005":       "/@graph/6",
				reg + "ce-11111111-0000-4000-8000-000000000006": "/@graph/7",
			},
			wantRejected: []rejection{
				{"/@graph/4", "field ceterms:name: required"},
				{"/@graph/5", `field ceterms:estimatedDuration[0].ceterms:exactDuration: "three weeks" is not an ISO 8601 duration`},
			},
			wantSkipped: nil,
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				want := catalog.Credential{
					ID:          dataLiteracy,
					Title:       "Data Literacy for Teachers Level 2",
					Description: "Uses assessment data to plan small-group instruction.",
					Titles:      map[string]string{"en-US": "Data Literacy for Teachers Level 2", "es": "Alfabetización de datos nivel 2"},
					Kind:        catalog.KindCredential,
					Issuer:      "Riverbend Educator Institute",
					IssuerID:    reg + "ce-00000000-0000-4000-8000-0000000000aa",
					Type:        "MicroCredential",
					URL:         "https://riverbend.example.org/data-literacy-2",
					Image:       "https://riverbend.example.org/img/dl2.png",
					Competencies: []catalog.Competency{
						{Framework: "InTASC Model Core Teaching Standards", Code: "Standard 6", Name: "Assessment", URL: "https://example.org/intasc/6"},
						{Framework: "Danielson Framework for Teaching", Code: "3d", Name: "Using Assessment in Instruction"},
					},
					Level:            2,
					Prerequisites:    []string{reg + "ce-11111111-0000-4000-8000-000000000000", "ce-22222222-0000-4000-8000-000000000001"},
					PrerequisitesMin: 1,
					PartOf:           []string{reg + "ce-11111111-0000-4000-8000-0000000000ff"},
					SupersededBy:     reg + "ce-11111111-0000-4000-8000-000000000009",
					CostUSD:          catalog.Float(150.5),
					Costs: []catalog.CostOption{
						{Currency: "USD", Items: []catalog.CostItem{{Type: "Tuition", Price: 120}, {Price: 30.5}}, Total: 150.5, TotalUSD: catalog.Float(150.5)},
						{Currency: "EUR", Items: []catalog.CostItem{{Price: 99}}, Total: 99},
					},
					Hours:  catalog.Float(15),
					Format: catalog.FormatHybrid,
					Tags:   []string{"data", "assessment", "datos", "Mathematics"},
					AltIDs: []string{reg + dataLiteracy},
				}
				if got := byID[dataLiteracy]; !reflect.DeepEqual(got, want) {
					t.Errorf("micro-credential:\n got %+v\nwant %+v", got, want)
				}
				l := byID[leadership]
				if l.Issuer != "Other Org" || l.IssuerID != "https://other.example.org/org" {
					t.Errorf("embedded offeredBy: %q (%q)", l.Issuer, l.IssuerID)
				}
				if len(l.Prerequisites) != 3 || l.PrerequisitesMin != 2 {
					t.Errorf("2 of 3 through a blank-node condition: %q min %d", l.Prerequisites, l.PrerequisitesMin)
				}
				if l.CostUSD == nil || *l.CostUSD != 400 {
					t.Errorf("aggregate cost: %v", l.CostUSD)
				}
				if l.Hours != nil || l.CalendarDuration != "P1W/P1M" {
					t.Errorf("maximum duration P1M is a calendar length, not hours: %v %q", l.Hours, l.CalendarDuration)
				}
				if l.Format != catalog.FormatHybrid {
					t.Errorf("online and in person: %q", l.Format)
				}
				doc := byID[reg+"ce-11111111-0000-4000-8000-000000000006"]
				if doc.Title != "Doctorat professionnel" || doc.AltIDs != nil {
					t.Errorf("@id as id, any language: %+v", doc)
				}
				if res.Issuers[reg+"ce-00000000-0000-4000-8000-0000000000aa"] != "Riverbend Educator Institute" {
					t.Errorf("issuers: %v", res.Issuers)
				}
			},
		},
		{
			file: "envelopes.json",
			wantLocators: map[string]string{
				"ce-44444444-0000-4000-8000-000000000001": "/0/decoded_resource/@graph/0",
				"ce-44444444-0000-4000-8000-000000000002": "/1/decoded_resource",
			},
			check: func(t *testing.T, byID map[string]catalog.Credential, res feed.Result) {
				b := byID["ce-44444444-0000-4000-8000-000000000001"]
				if !reflect.DeepEqual(b.Tags, []string{"restorative practices", "classroom culture"}) || b.Type != "Badge" {
					t.Errorf("badge: %+v", b)
				}
				d := byID["ce-44444444-0000-4000-8000-000000000002"]
				if d.Title != "Bachelor Erziehung" || d.Hours != nil || d.CalendarDuration != "P3M" {
					t.Errorf("degree: title %q hours %v duration %q", d.Title, d.Hours, d.CalendarDuration)
				}
			},
		},
		{
			file:        "org_only.json",
			wantSkipped: []string{""},
			check: func(t *testing.T, _ map[string]catalog.Credential, res feed.Result) {
				if !strings.Contains(res.Skipped[0].Reason, "no CTDL credential") {
					t.Errorf("reason: %q", res.Skipped[0].Reason)
				}
				if res.Issuers[reg+"ce-00000000-0000-4000-8000-0000000000bb"] != "Hilltop Teacher Center" {
					t.Errorf("issuers: %v", res.Issuers)
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
			byID := map[string]catalog.Credential{}
			gotLocators := map[string]string{}
			for _, r := range res.Credentials {
				byID[r.Credential.ID] = r.Credential
				gotLocators[r.Credential.ID] = r.Locator
			}
			if test.wantLocators == nil {
				test.wantLocators = map[string]string{}
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

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in       string
		hours    float64
		calendar bool
		wantErr  bool
	}{
		{"PT15H", 15, false, false},
		{"PT90M", 1.5, false, false},
		{"PT1H30M", 1.5, false, false},
		{"pt2.5h", 2.5, false, false},
		{"P1D", 0, true, false},
		{"P8W", 0, true, false},
		{"P3M", 0, true, false},
		{"P2Y", 0, true, false},
		{"P1DT4H", 0, true, false},
		{"P", 0, false, true},
		{"PT", 0, false, true},
		{"P1DT", 0, false, true},
		{"15 hours", 0, false, true},
		{"", 0, false, true},
	}
	for _, test := range tests {
		got, err := ParseDuration(test.in)
		if (err != nil) != test.wantErr || got.Hours != test.hours || got.Calendar != test.calendar {
			t.Errorf("ParseDuration(%q) = %+v, %v; want hours %v calendar %v (error %v)", test.in, got, err, test.hours, test.calendar, test.wantErr)
		}
	}
}

func TestIsCredentialType(t *testing.T) {
	tests := map[string]bool{
		"ceterms:Badge": true, "ceterms:MicroCredential": true, "ceterms:Certificate": true,
		"ceterms:Certification": true, "ceterms:DigitalBadge": true, "ceterms:OpenBadge": true,
		"ceterms:BachelorDegree": true, "ceterms:MasterOfScienceDegree": true, "ceterms:Diploma": true,
		"ceterms:License": true, "ceterms:ResearchDoctorate": true, "https://purl.org/ctdl/terms/Degree": true,
		"ceterms:SomeFutureCertificate":  true,
		"ceterms:CredentialOrganization": false, "ceterms:ConditionProfile": false, "ceterms:CostProfile": false,
		"ceterms:CredentialAlignmentObject": false, "ceterms:Course": false, "ceasn:Competency": false, "Badge": false,
	}
	for typ, want := range tests {
		if got := IsCredentialType(typ); got != want {
			t.Errorf("IsCredentialType(%q) = %v, want %v", typ, got, want)
		}
	}
}

// TestParseSearchWrapper reads a search API response: its "data" lists
// resources and envelopes, located under /data. Prices and codes come as
// strings and numbers in the shapes publishers use.
func TestParseSearchWrapper(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "search_wrapper.json"))
	if err != nil {
		t.Fatal(err)
	}
	res := Parse("search_wrapper.json", data)
	tests := []struct {
		id, locator, title, issuer string
		cost                       float64
	}{
		{"ce-33333333-0000-4000-8000-000000000001", "/data/0", "Morning Meeting Routines", "Hillside Teacher Center", 49},
		{"ce-33333333-0000-4000-8000-000000000002", "/data/1/decoded_resource", "Restorative Circles Certificate", "", 1200},
	}
	if len(res.Credentials) != len(tests) {
		t.Fatalf("got %d credentials, want %d: %+v", len(res.Credentials), len(tests), res.Credentials)
	}
	// A codedNotation written as a number is read as written.
	if got, want := res.Credentials[0].Credential.Competencies, []catalog.Competency{{Framework: "InTASC", Code: "3"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("competencies %+v, want %+v", got, want)
	}
	for i, test := range tests {
		t.Run(test.id, func(t *testing.T) {
			rec := res.Credentials[i]
			c := rec.Credential
			if c.ID != test.id || rec.Locator != test.locator || c.Title != test.title || c.Issuer != test.issuer ||
				c.CostUSD == nil || *c.CostUSD != test.cost {
				t.Errorf("got %+v at %q", c, rec.Locator)
			}
		})
	}
	want := []catalog.Rejection{{Source: "search_wrapper.json", Record: "/data/2",
		Error: `field ceterms:estimatedCost[0].ceterms:price: "€30" is not a number`}}
	if !reflect.DeepEqual(res.Rejected, want) {
		t.Errorf("rejected %+v, want %+v", res.Rejected, want)
	}
}

// TestPriceValue covers ceterms:price as publishers write it: a number, or
// a string with a dollar sign, "USD" or thousands separators.
func TestPriceValue(t *testing.T) {
	tests := []struct {
		in      any
		want    float64
		ok      bool
		wantErr string
	}{
		{json.Number("249.5"), 249.5, true, ""},
		{"249.00", 249, true, ""},
		{"$249.00", 249, true, ""},
		{" US$ 1,200 ", 1200, true, ""},
		{"1,200 USD", 1200, true, ""},
		{"USD 45", 45, true, ""},
		{"", 0, false, ""},
		{"$", 0, false, ""},
		{"€30", 0, false, `field price: "€30" is not a number`},
		{"call us", 0, false, `field price: "call us" is not a number`},
		{true, 0, false, "field price: want a number, got a boolean"},
	}
	for _, test := range tests {
		t.Run(fmt.Sprint(test.in), func(t *testing.T) {
			var f jsonval.Fields
			got, ok := priceValue(&f, test.in, "price")
			if got != test.want || ok != test.ok {
				t.Errorf("priceValue(%q) = %v, %v; want %v, %v", test.in, got, ok, test.want, test.ok)
			}
			if (f.Err == nil) != (test.wantErr == "") || (f.Err != nil && f.Err.Error() != test.wantErr) {
				t.Errorf("error %v, want %q", f.Err, test.wantErr)
			}
		})
	}
}

// TestHoursTimeRequired prefers the engaged time a DurationProfile states
// (ceterms:timeRequired) to the calendar span it takes.
func TestHoursTimeRequired(t *testing.T) {
	tests := []struct {
		name     string
		profiles string
		want     any // float64 hours, nil for none, or an error substring
	}{
		{"engaged time over a span", `[{"ceterms:exactDuration":"P6M","ceterms:timeRequired":"PT50H"}]`, 50.0},
		{"engaged time in a later profile", `[{"ceterms:maximumDuration":"P3M"},{"ceterms:timeRequired":"PT12H30M"}]`, 12.5},
		{"span only", `[{"ceterms:minimumDuration":"PT20H","ceterms:maximumDuration":"PT40H"}]`, 40.0},
		{"calendar minimum only", `[{"ceterms:minimumDuration":"P1W"}]`, nil},
		{"calendar years", `[{"ceterms:exactDuration":"P2Y"}]`, nil},
		{"description only", `[{"ceterms:description":{"en":"About a semester"}}]`, nil},
		{"bad engaged time", `[{"ceterms:timeRequired":"50 hours","ceterms:exactDuration":"PT50H"}]`, `ceterms:estimatedDuration[0].ceterms:timeRequired: "50 hours" is not an ISO 8601 duration`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			doc := `{"@type":"ceterms:Badge","ceterms:ctid":"ce-h","ceterms:name":"H","ceterms:estimatedDuration":` + test.profiles + `}`
			res := Parse("h.json", []byte(doc))
			switch want := test.want.(type) {
			case string:
				if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error, want) {
					t.Errorf("rejected %+v, want %q", res.Rejected, want)
				}
			case nil:
				if len(res.Credentials) != 1 || res.Credentials[0].Credential.Hours != nil {
					t.Errorf("got %+v, want no hours", res.Credentials)
				}
			case float64:
				if len(res.Credentials) != 1 || res.Credentials[0].Credential.Hours == nil || *res.Credentials[0].Credential.Hours != want {
					t.Errorf("got %+v (rejected %+v), want %v hours", res.Credentials, res.Rejected, want)
				}
			}
		})
	}
}
