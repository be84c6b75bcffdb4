package caseframework

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

// fakeCanonical stands in for package frameworks.
func fakeCanonical(s string) (string, bool) {
	if strings.EqualFold(s, "Danielson Framework for Teaching") {
		return "FFT", true
	}
	return "", false
}

func TestParse(t *testing.T) {
	const doc = "https://case.example.org/ims/case/v1p0/CFDocuments/9a1b0000-0000-4000-8000-000000000000"
	tests := []struct {
		file          string
		wantFramework *catalog.Framework
		wantRejected  []struct{ record, contains string }
	}{
		{
			file: "package.json",
			wantFramework: &catalog.Framework{
				Name: "Coaching Practice Standards", Title: "Coaching Practice Standards",
				Description: "Standards for instructional coaches.", URL: doc, Source: "package.json",
				Aliases: []string{"9a1b0000-0000-4000-8000-000000000000", doc, "Coaching Practice Standards"},
				Items: []catalog.FrameworkItem{
					{Code: "CPS.1", Name: "Partnership", Description: "Builds **trusting** partnerships with teachers."},
					{Code: "CPS.1.a", Name: "Listens before advising.", Parent: "CPS.1"},
					{Code: "9a1b0000-0000-4000-8000-000000000003", Name: "An item with no human code.", Parent: "CPS.1.a"},
				},
			},
			wantRejected: []struct{ record, contains string }{
				{"/CFItems/3", "field fullStatement: required"},
				{"/CFItems/4", `field humanCodingScheme: "CPS.1" is already the code of the item at /CFItems/0`},
				{"/CFItems/5", "field humanCodingScheme: want a string, got a number"},
			},
		},
		{
			file: "wrapped.json",
			wantFramework: &catalog.Framework{
				Name: "FFT", Title: "Danielson Framework for Teaching", URL: "https://case.example.org/CFDocuments/fft-doc",
				Source:  "wrapped.json",
				Aliases: []string{"fft-doc", "https://case.example.org/CFDocuments/fft-doc", "Danielson Framework for Teaching"},
				Items: []catalog.FrameworkItem{
					{Code: "3b", Name: "Questioning and Discussion", Description: "Uses questions that deepen thinking."},
				},
			},
		},
		{
			file:         "no_title.json",
			wantRejected: []struct{ record, contains string }{{"/CFDocument", "field CFDocument.title: required"}},
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
			if res.Format != feed.FormatCASE || len(res.Credentials) != 0 {
				t.Errorf("Format %q with %d credentials", res.Format, len(res.Credentials))
			}
			if test.wantFramework == nil {
				if len(res.Frameworks) != 0 {
					t.Errorf("frameworks: %+v, want none", res.Frameworks)
				}
			} else {
				if len(res.Frameworks) != 1 || !reflect.DeepEqual(res.Frameworks[0], *test.wantFramework) {
					t.Errorf("frameworks:\n got %+v\nwant %+v", res.Frameworks, *test.wantFramework)
				}
				if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "holds no credentials") {
					t.Errorf("skipped: %+v", res.Skipped)
				}
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

func TestIsPackage(t *testing.T) {
	tests := []struct {
		doc  any
		want bool
	}{
		{map[string]any{"CFDocument": map[string]any{}}, true},
		{map[string]any{"CFPackage": map[string]any{"CFDocument": map[string]any{}}}, true},
		{map[string]any{"CFDocument": "x"}, false},
		{[]any{map[string]any{"CFDocument": map[string]any{}}}, false},
	}
	for i, test := range tests {
		if got := IsPackage(test.doc); got != test.want {
			t.Errorf("case %d: IsPackage = %v, want %v", i, got, test.want)
		}
	}
}
