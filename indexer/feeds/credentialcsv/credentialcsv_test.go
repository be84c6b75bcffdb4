package credentialcsv

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

func TestParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "catalog.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res := Parse("catalog.csv", data)
	golden.Check(t, "catalog.csv.json", res)
	if res.Format != feed.FormatCSV {
		t.Errorf("Format = %q", res.Format)
	}

	want := []feed.Record{
		{Locator: "line 2", Credential: catalog.Credential{
			ID: "pd-fc-1", Title: "Feedback Cycles Level 1", Issuer: "Northside PD Collaborative",
			Competencies: []catalog.Competency{{Framework: "InTASC", Code: "6"}, {Framework: "UDL", Code: "7.2"}},
			Level:        1, CostUSD: catalog.Float(25), Hours: catalog.Float(6), Format: catalog.FormatOnline,
			URL: "https://pd.example.org/fc1", GradeBands: []string{"K-2", "3-5"}, Subjects: []string{"math", "ela"},
			Tags: []string{"feedback", "assessment"},
		}},
		{Locator: "line 3", Credential: catalog.Credential{
			ID: "pd-fc-2", Title: "Feedback Cycles Level 2", IssuerID: "https://pd.example.org/issuer",
			Competencies: []catalog.Competency{{Framework: "FFT", Code: "3d"}},
			Level:        2, Prerequisites: []string{"pd-fc-1"}, CostUSD: catalog.Float(1200.5), Hours: catalog.Float(12.5),
			Format: catalog.FormatInPerson, URL: "https://pd.example.org/fc2", GradeBands: []string{"6-8"}, Subjects: []string{"science"},
		}},
		{Locator: "line 7", Credential: catalog.Credential{
			ID: "pd-coach", Title: "Coaching Conversations", Issuer: "Northside PD Collaborative",
			Competencies: []catalog.Competency{{Framework: "ISTE-E", Code: "2.4"}},
			Level:        3, Prerequisites: []string{"pd-fc-1", "pd-fc-2"}, CostUSD: catalog.Float(0),
			Format: catalog.FormatHybrid, GradeBands: []string{"PreK", "adult"}, Subjects: []string{"social studies"},
			Tags: []string{"coaching"},
		}},
		{Locator: "line 15", Credential: catalog.Credential{
			ID: "  pd-spaced ", Title: "Spaced Id", Issuer: "Northside PD Collaborative",
			Competencies: []catalog.Competency{{Framework: "https://frameworks.example.org/fw", Code: "4"}},
			Format:       catalog.FormatHybrid, GradeBands: []string{"9-12"},
		}},
	}
	if !reflect.DeepEqual(res.Credentials, want) {
		t.Errorf("credentials:\n got %+v\nwant %+v", res.Credentials, want)
	}

	wantRejected := []struct{ record, contains string }{
		{"line 4", `field level: "two" is not a whole number`},
		{"line 5", `field format: "zoom" is not online, in-person or hybrid`},
		{"line 6", "field title: required"},
		{"line 9", `field competencies: "InTASC6" is not FRAMEWORK:CODE`},
		{"line 10", `field grade_bands: "grade 13" is not one of`},
		{"line 11", `field url: "ftp://pd.example.org" is not an absolute http(s) URL`},
		{"line 12", `field cost_usd: "-5" is negative`},
		{"line 13", `field id: "pd-fc-1" is already used by the record at line 2`},
		{"line 14", `bare " in non-quoted-field`},
	}
	if len(res.Rejected) != len(wantRejected) {
		t.Errorf("got %d rejections, want %d: %+v", len(res.Rejected), len(wantRejected), res.Rejected)
	}
	for i, w := range wantRejected {
		if i < len(res.Rejected) && (res.Rejected[i].Record != w.record || !strings.Contains(res.Rejected[i].Error, w.contains) ||
			res.Rejected[i].Source != "catalog.csv") {
			t.Errorf("rejection %d: got %+v, want %s with %q", i, res.Rejected[i], w.record, w.contains)
		}
	}
}

func TestParseWholeFile(t *testing.T) {
	tests := []struct {
		name, data, contains string
	}{
		{"no title column", "id,name\na,b\n", `required column "title" is missing`},
		{"duplicate column", "id,title,Title\na,b,c\n", `column "title" appears twice`},
		{"empty", "", "empty CSV"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := Parse("x.csv", []byte(test.data))
			if len(res.Rejected) != 1 || res.Rejected[0].Record != "" || !strings.Contains(res.Rejected[0].Error, test.contains) {
				t.Errorf("got %+v, want one whole-file rejection with %q", res.Rejected, test.contains)
			}
		})
	}
}

func TestNormalisers(t *testing.T) {
	formats := map[string]string{
		"Online": "online", "virtual": "online", "In Person": "in-person", "in-person": "in-person",
		"face-to-face": "in-person", "Blended": "hybrid", "HYBRID": "hybrid", "zoom": "",
	}
	for in, want := range formats {
		if got := Format(in); got != want {
			t.Errorf("Format(%q) = %q, want %q", in, got, want)
		}
	}
	bands := map[string]string{
		"PreK": "PreK", "pre-k": "PreK", "Pre-K": "PreK", "k-2": "K-2", "K2": "K-2", "K–2": "K-2",
		"3-5": "3-5", "grades 6-8": "6-8", "Grade 9-12": "9-12", "Adult": "adult", "adults": "adult", "13": "",
	}
	for in, want := range bands {
		if got := GradeBand(in); got != want {
			t.Errorf("GradeBand(%q) = %q, want %q", in, got, want)
		}
	}
	comps := []struct {
		in   string
		want catalog.Competency
		ok   bool
	}{
		{"InTASC:6", catalog.Competency{Framework: "InTASC", Code: "6"}, true},
		{" UDL : 7.2 ", catalog.Competency{Framework: "UDL", Code: "7.2"}, true},
		{"urn:example:fw:3", catalog.Competency{Framework: "urn:example:fw", Code: "3"}, true},
		{"https://example.org/fw", catalog.Competency{}, false},
		{"InTASC", catalog.Competency{}, false},
		{":6", catalog.Competency{}, false},
	}
	for _, test := range comps {
		got, err := Competency(test.in)
		if (err == nil) != test.ok || got != test.want {
			t.Errorf("Competency(%q) = %+v, %v; want %+v (ok %v)", test.in, got, err, test.want, test.ok)
		}
	}
}

// TestParseSpreadsheetExport reads a CSV as spreadsheets export it: a BOM,
// CRLF line ends, mixed-case headers in another order with unknown columns,
// a quoted multi-line description, lists separated by commas, and values
// written in words ("Beginner", "Self-paced online", "K-5", "USD 45").
func TestParseSpreadsheetExport(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "spreadsheet.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res := Parse("spreadsheet.csv", data)
	want := []feed.Record{
		{Locator: "line 2", Credential: catalog.Credential{
			ID: "mt-1", Title: "Math Talk Routines", Description: "First line.\nSecond line, with a comma.",
			Competencies: []catalog.Competency{{Framework: "InTASC", Code: "8"}, {Framework: "UDL", Code: "7.1"}, {Framework: "UDL", Code: "7.2"}},
			Level:        1, CostUSD: catalog.Float(45), Format: catalog.FormatOnline, GradeBands: []string{"K-2", "3-5"},
			Subjects: []string{"math", "science"}, Tags: []string{"discourse", "routines"},
		}},
		{Locator: "line 4", Credential: catalog.Credential{
			ID: "mt-2", Title: "Student Conferences",
			Competencies: []catalog.Competency{{Framework: "Danielson", Code: "3b"}, {Framework: "Danielson", Code: "3c"}},
			Level:        2, Format: catalog.FormatHybrid, GradeBands: []string{"6-8"}, Subjects: []string{"ela"}, Tags: []string{"conferring"},
		}},
	}
	if !reflect.DeepEqual(res.Credentials, want) {
		t.Errorf("credentials:\n got %+v\nwant %+v", res.Credentials, want)
	}
	if len(res.Rejected) != 1 || res.Rejected[0].Record != "line 5" || !strings.Contains(res.Rejected[0].Error, `field grade_bands: "Grade 13"`) {
		t.Errorf("rejected %+v", res.Rejected)
	}
}

func TestGradeBands(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"6-8", []string{"6-8"}},
		{"Grades 6\u20138", []string{"6-8"}},
		{"K-5", []string{"K-2", "3-5"}},
		{"K\u201312", []string{"K-2", "3-5", "6-8", "9-12"}},
		{"PK-2", []string{"PreK", "K-2"}},
		{"Pre-K to 1", []string{"PreK", "K-2"}},
		{"6-12", []string{"6-8", "9-12"}},
		{"4-6", []string{"3-5", "6-8"}},
		{"Grade 7", []string{"6-8"}},
		{"9th-12th", []string{"9-12"}},
		{"K", []string{"K-2"}},
		{"Middle School", []string{"6-8"}},
		{"elementary", []string{"K-2", "3-5"}},
		{"High School", []string{"9-12"}},
		{"Adult", []string{"adult"}},
		{"Grade 13", nil},
		{"8-6", nil},
		{"college", nil},
	}
	for _, test := range tests {
		t.Run(test.in, func(t *testing.T) {
			if got := GradeBands(test.in); !reflect.DeepEqual(got, test.want) {
				t.Errorf("GradeBands(%q) = %q, want %q", test.in, got, test.want)
			}
		})
	}
}

func TestFormatPhrases(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Self-paced online", catalog.FormatOnline},
		{"Online (asynchronous)", catalog.FormatOnline},
		{"Virtual, synchronous", catalog.FormatOnline},
		{"Hybrid/Blended", catalog.FormatHybrid},
		{"In-Person/Online", catalog.FormatHybrid},
		{"in person and online", catalog.FormatHybrid},
		{"Face to face workshop", catalog.FormatInPerson},
		{"On-site coaching", catalog.FormatInPerson},
		{"Correspondence", ""},
		{"zoom", ""},
	}
	for _, test := range tests {
		t.Run(test.in, func(t *testing.T) {
			if got := Format(test.in); got != test.want {
				t.Errorf("Format(%q) = %q, want %q", test.in, got, test.want)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"2", 2, true}, {"Level 3", 3, true}, {"2.0", 2, true}, {"Beginner", 1, true}, {"Introductory", 1, true},
		{"intermediate", 2, true}, {"Advanced", 3, true}, {"2.5", 0, false}, {"-1", 0, false}, {"two", 0, false}, {"expert", 0, false},
	}
	for _, test := range tests {
		t.Run(test.in, func(t *testing.T) {
			if got, ok := Level(test.in); got != test.want || ok != test.ok {
				t.Errorf("Level(%q) = %d, %v; want %d, %v", test.in, got, ok, test.want, test.ok)
			}
		})
	}
}

func TestCompetencies(t *testing.T) {
	tests := []struct {
		in      string
		want    []catalog.Competency
		wantErr string
	}{
		{"InTASC: 6; Danielson:3b", []catalog.Competency{{Framework: "InTASC", Code: "6"}, {Framework: "Danielson", Code: "3b"}}, ""},
		{"InTASC:6, UDL:7.2", []catalog.Competency{{Framework: "InTASC", Code: "6"}, {Framework: "UDL", Code: "7.2"}}, ""},
		{"UDL:7.1,7.2; ISTE:2.3", []catalog.Competency{{Framework: "UDL", Code: "7.1"}, {Framework: "UDL", Code: "7.2"}, {Framework: "ISTE", Code: "2.3"}}, ""},
		{"InTASC:6;;#7;", []catalog.Competency{{Framework: "InTASC", Code: "6"}, {Framework: "InTASC", Code: "#7"}}, ""},
		{"Danielson Framework for Teaching, 2013:3b", []catalog.Competency{{Framework: "Danielson Framework for Teaching, 2013", Code: "3b"}}, ""},
		{"", nil, ""},
		{"6; InTASC:7", nil, `"6" is not FRAMEWORK:CODE`},
		{"InTASC:6; Danielson", nil, `"Danielson" is not FRAMEWORK:CODE`},
	}
	for _, test := range tests {
		t.Run(test.in, func(t *testing.T) {
			got, err := Competencies(test.in)
			if !reflect.DeepEqual(got, test.want) || (err == nil) != (test.wantErr == "") || (err != nil && err.Error() != test.wantErr) {
				t.Errorf("Competencies(%q) = %+v, %v; want %+v, %q", test.in, got, err, test.want, test.wantErr)
			}
		})
	}
}

func TestAmount(t *testing.T) {
	tests := []struct {
		in   string
		want *float64
		err  string
	}{
		{"$45", catalog.Float(45), ""},
		{"45.00", catalog.Float(45), ""},
		{"USD 45", catalog.Float(45), ""},
		{"US$45", catalog.Float(45), ""},
		{"$45.00 USD", catalog.Float(45), ""},
		{"$1,200", catalog.Float(1200), ""},
		{"Free", catalog.Float(0), ""},
		{"N/A", nil, ""},
		{"TBD", nil, ""},
		{"-", nil, ""},
		{"€30", nil, `field cost_usd: "€30" is not a number`},
		{"-5", nil, `field cost_usd: "-5" is negative`},
	}
	for _, test := range tests {
		t.Run(test.in, func(t *testing.T) {
			got, err := amount(test.in, "cost_usd")
			if !reflect.DeepEqual(got, test.want) || (err == nil) != (test.err == "") || (err != nil && err.Error() != test.err) {
				t.Errorf("amount(%q) = %v, %v; want %v, %q", test.in, got, err, test.want, test.err)
			}
		})
	}
}
