package recommender

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/synth"
)

// The cheap tests that skip a regular expression must never skip a text
// the expression matches: they only save work.
func TestPrefiltersNeverSkipAMatch(t *testing.T) {
	titles := []string{"Formative Assessment, Level 2: Feedback", "Clinical Practice II: Lead Teaching", "Part III — Capstone",
		"Instructional Coaching: Coaching Cycles", "UDL Tier 1", "Step 3 – Plan", "XIV- odd", "Mix: no", "Rubrics", "Ii:",
		"Level3", "Stage IV"}
	texts := []string{"new teacher induction", "for beginning teachers in year one", "first years of teaching",
		"new to the profession", "early-career teachers", "novice teachers and mentors", "electromagnetic induction",
		"a first-year teacher", "new curriculum for teachers", "teachers of newcomers"}
	for _, c := range synth.Generate(5000, 3) {
		titles = append(titles, c.Title)
		texts = append(texts, strings.ToLower(c.Title+" | "+c.Description))
	}
	for _, s := range titles {
		if levelMarker.MatchString(s) && !mayNameLevel(s) {
			t.Errorf("mayNameLevel(%q) = false, but levelMarker matches", s)
		}
	}
	for _, s := range texts {
		if inductionMarker.MatchString(s) && !mayNameInduction(s) {
			t.Errorf("mayNameInduction(%q) = false, but inductionMarker matches", s)
		}
	}
}

// seriesNumbering is the regular expression seriesKey's scan stands for.
var seriesNumbering = regexp.MustCompile(`\b([0-9]+|[IVX]+)\b|[:\-–—(),]`)

func TestSeriesKeyMatchesItsExpression(t *testing.T) {
	titles := []string{"Formative Assessment, Level 2: Feedback", "Clinical Practice II: Lead Teaching", "Part III — Capstone",
		"Coaching 101 (Year 1)", "K-2 Phonics – Unit 3", "Grade 4/5 Math", "X-Ray Vision II", "Ünïcode Title 2: Ça va", "IVX", "3D Printing"}
	for _, c := range synth.Generate(3000, 5) {
		titles = append(titles, c.Title)
	}
	for _, title := range titles {
		c := &catalog.Credential{Issuer: "Issuer", Title: title}
		want := "issuer|" + strings.Join(strings.Fields(strings.ToLower(seriesNumbering.ReplaceAllString(title, " "))), " ")
		if got := seriesKey(c); got != want {
			t.Errorf("seriesKey(%q) = %q, want %q", title, got, want)
		}
	}
}
