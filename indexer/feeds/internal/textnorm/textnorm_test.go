package textnorm

import (
	"reflect"
	"testing"
	// Registers -update, accepted by every test package under indexer/feeds.
	_ "github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

func TestInferLevel(t *testing.T) {
	tests := map[string]int{
		"Formative Assessment Level 2":      2,
		"Coaching level 3: Practice":        3,
		"Level II Mentor":                   2,
		"Assessment (level three)":          3,
		"Level-4 Leadership":                4,
		"Levels of Questioning":             0,
		"Masters Degree Level":              0,
		"Level 0 Orientation":               0,
		"Level 12":                          0,
		"Leveling Up Literacy":              0,
		"Bachelor of Science, Level Design": 0,
	}
	for title, want := range tests {
		if got := InferLevel(title); got != want {
			t.Errorf("InferLevel(%q) = %d, want %d", title, got, want)
		}
	}
}

func TestPlainMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Degree Requirements\nStudents must complete...", "Degree Requirements\nStudents must complete..."},
		{"Submit **two** plans and a [reflection](https://x.example/r).", "Submit two plans and a reflection."},
		{"* item *one*\n* `code` span", "* item one\n* code span"},
		{"keep snake_case_words and 2*3*4", "keep snake_case_words and 2*3*4"},
		{"> quoted\r\n\r\n\r\n\r\nnext", "quoted\n\nnext"},
		{"![badge](https://x.example/b.png) earned", "badge earned"},
	}
	for _, test := range tests {
		if got := PlainMarkdown(test.in); got != test.want {
			t.Errorf("PlainMarkdown(%q) = %q, want %q", test.in, got, test.want)
		}
	}
}

func TestCleanList(t *testing.T) {
	got := CleanList([]string{" math ", "Math", "", "social   studies", "ela"})
	want := []string{"math", "social studies", "ela"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CleanList = %q, want %q", got, want)
	}
}

func TestURLs(t *testing.T) {
	tests := []struct {
		in           string
		web, iri     bool
		host, images string
	}{
		{"https://www.Example.org/a", true, true, "example.org", "https://www.Example.org/a"},
		{"urn:uuid:1234", false, true, "", "urn:uuid:1234"},
		{"did:web:example.org", false, true, "", "did:web:example.org"},
		{"Lakeside Academy", false, false, "", "Lakeside Academy"},
		{"ftp://example.org/x", false, true, "example.org", "ftp://example.org/x"},
		{"data:image/png;base64,AAAA", false, true, "", ""},
	}
	for _, test := range tests {
		if got := IsWebURL(test.in); got != test.web {
			t.Errorf("IsWebURL(%q) = %v", test.in, got)
		}
		if got := IsIRI(test.in); got != test.iri {
			t.Errorf("IsIRI(%q) = %v", test.in, got)
		}
		if got := Host(test.in); got != test.host {
			t.Errorf("Host(%q) = %q, want %q", test.in, got, test.host)
		}
		if got := Image(test.in); got != test.images {
			t.Errorf("Image(%q) = %q, want %q", test.in, got, test.images)
		}
	}
}
