package recommender

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func TestBandsNamedIn(t *testing.T) {
	cases := []struct {
		text string
		want bandSet
	}{
		{"Play-Based Learning Centers | PreK | early literacy", bandPreK},
		{"Pre-Kindergarten Read-Alouds", bandPreK},
		{"Kindergarten Writing Workshop", bandK2},
		{"for middle school science teachers", band68},
		{"High School Algebra: Modeling with Functions", band912},
		{"Upper Elementary Book Clubs", band35},
		{"Elementary Math Talks", bandK2 | band35},
		{"Coaching across K-12", bandsSchool},
		{"Reading Workshop (K-5)", bandK2 | band35},
		// Words inside other words name no band.
		{"Prekeys and kindergartenish toys", 0},
		{"Secondary sources in history", band68 | band912},
		{"Formative assessment for every classroom", 0},
	}
	for _, c := range cases {
		if got := bandsNamedIn(c.text); got != c.want {
			t.Errorf("bandsNamedIn(%q) = %06b, want %06b", c.text, got, c.want)
		}
	}
}

func TestBandFit(t *testing.T) {
	f := fitter{bands: bandK2}
	cases := []struct {
		name          string
		stated, named bandSet
		want          float64
	}{
		{"stated for her band only", bandK2, 0, 1},
		{"stated for two bands", bandPreK | bandK2, 0, 0.5},
		{"stated for every band", bandsSchool, 0, 0.2},
		{"stated beats what the text names", bandK2, band912, 1},
		{"text names her band", 0, bandK2, 0.8},
		{"text names her band and another", 0, bandK2 | band35, 0.4},
		{"text names only another band", 0, band912, 0},
		{"says nothing", 0, 0, 0.3},
	}
	for _, c := range cases {
		if got := f.bandFit(c.stated, c.named); got != c.want {
			t.Errorf("%s: bandFit = %v, want %v", c.name, got, c.want)
		}
	}
}

// fitCatalog has items for different grade bands and subjects with the
// same prior, so only who they are written for tells them apart.
func fitCatalog() *catalog.Snapshot {
	free, short := catalog.Float(0), catalog.Float(5)
	cs := []*catalog.Credential{
		{ID: "prek-play", Issuer: "A", Title: "Play Centers That Teach", GradeBands: []string{"PreK"},
			Description: "Plan learning centers where play builds language and number sense."},
		{ID: "every-band", Issuer: "B", Title: "Formative Checks for Understanding", GradeBands: []string{"PreK", "K-2", "3-5", "6-8", "9-12"},
			Description: "Quick checks that show who understands the lesson."},
		{ID: "read-aloud", Issuer: "C", Title: "Interactive Read-Aloud", Tags: []string{"PreK", "K-2"},
			Description: "Plan stopping points and questions for a picture book read-aloud."},
		{ID: "hs-algebra", Issuer: "D", Title: "High School Algebra: Modeling with Functions",
			Description: "Students model situations with linear and exponential functions."},
		{ID: "lab-inquiry", Issuer: "E", Title: "Inquiry Lab Investigations", Subjects: []string{"science"},
			Description: "Students plan investigations, collect data and argue from evidence about questions they ask."},
		{ID: "general-inquiry", Issuer: "F", Title: "Inquiry Investigations Across the Curriculum", Subjects: []string{"general"},
			Description: "Students plan investigations, collect data and argue from evidence about questions they ask."},
	}
	for _, c := range cs {
		c.Status = catalog.StatusActive
		c.CostUSD, c.Hours, c.Level = free, short, 1
	}
	return &catalog.Snapshot{Version: 1, Credentials: cs}
}

func TestFitOrdersByWhoItemsAreFor(t *testing.T) {
	e := New(Options{})
	if err := e.Rebuild(context.Background(), fitCatalog()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// A PreK teacher who says nothing else: the item stated for PreK
	// alone leads, the one for every band and the high-school one trail.
	prek := catalog.Profile{ID: "prek", Preferences: catalog.Preferences{GradeBands: []string{"PreK"}}}
	res, err := e.Recommend(ctx, prek, RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) == 0 || got[0] != "prek-play" {
		t.Fatalf("PreK teacher: want prek-play first, got %v", got)
	}
	if !hasWhy(res.Items[0], Why{Kind: "fit", Preference: "grade_bands", Terms: []string{"PreK"}}) {
		t.Errorf("PreK teacher: prek-play should say it is for PreK; why = %+v", res.Items[0].Why)
	}
	if k := position(res, "every-band"); k >= 0 && hasWhy(res.Items[k], Why{Kind: "fit", Preference: "grade_bands"}) {
		t.Errorf("an item for every band claims to fit her band: %+v", res.Items[k].Why)
	}
	if pa, pe := position(res, "read-aloud"), position(res, "every-band"); pa < 0 || pe >= 0 && pa > pe {
		t.Errorf("PreK teacher: the read-aloud tagged PreK should come before the item for every band: %v", ids(res))
	}
	if ph, pr := position(res, "hs-algebra"), position(res, "read-aloud"); ph >= 0 && ph < pr {
		t.Errorf("PreK teacher: a high-school item outranks one tagged PreK: %v", ids(res))
	}

	// A science teacher: of two items with the same words, the one for
	// science comes first; the general one still passes her filter.
	sci := catalog.Profile{ID: "sci", Goals: "students plan investigations and argue from evidence",
		Preferences: catalog.Preferences{Subjects: []string{"science"}}}
	res, err = e.Recommend(ctx, sci, RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ps, pg := position(res, "lab-inquiry"), position(res, "general-inquiry")
	if ps < 0 || pg < 0 || ps > pg {
		t.Errorf("science teacher: want lab-inquiry before general-inquiry, both listed; got %v", ids(res))
	}
}

// TestSubjectFilterReadsSubjectsAsTeachersDo: a science teacher's
// filter keeps items a feed states for biology or "Sciences", and a
// biology teacher's keeps items for science, but neither keeps math.
func TestSubjectFilterReadsSubjectsAsTeachersDo(t *testing.T) {
	cs := []*catalog.Credential{
		{ID: "bio", Issuer: "A", Title: "Investigations in Biology", Subjects: []string{"Biology"}},
		{ID: "sci", Issuer: "B", Title: "Investigations in Science", Subjects: []string{"Sciences"}},
		{ID: "math", Issuer: "C", Title: "Investigations in Mathematics", Subjects: []string{"Mathematics"}},
		{ID: "chem", Issuer: "D", Title: "Investigations in Chemistry", Subjects: []string{"chemistry"}},
	}
	for _, c := range cs {
		c.Status = catalog.StatusActive
		c.Description = "Students plan investigations, collect data and argue from evidence."
	}
	e := New(Options{})
	if err := e.Rebuild(context.Background(), &catalog.Snapshot{Version: 1, Credentials: cs}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		subject  string
		listed   []string
		excluded []string
	}{
		{"science", []string{"bio", "sci", "chem"}, []string{"math"}},
		{"Biology", []string{"bio", "sci"}, []string{"math", "chem"}},
		{"math", []string{"math"}, []string{"bio", "sci", "chem"}},
	}
	for _, test := range tests {
		t.Run(test.subject, func(t *testing.T) {
			p := catalog.Profile{ID: "t", Goals: "investigations with evidence", Preferences: catalog.Preferences{Subjects: []string{test.subject}}}
			res, err := e.Recommend(context.Background(), p, RecommendOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Relaxed) > 0 {
				t.Fatalf("filters relaxed %v; got %v", res.Relaxed, ids(res))
			}
			for _, id := range test.listed {
				if position(res, id) < 0 {
					t.Errorf("%s teacher: %s missing from %v", test.subject, id, ids(res))
				}
			}
			for _, id := range test.excluded {
				if position(res, id) >= 0 {
					t.Errorf("%s teacher: %s listed: %v", test.subject, id, ids(res))
				}
			}
		})
	}
}

func TestWantedGoals(t *testing.T) {
	cases := []struct {
		goals        string
		keep, remove []string
	}{
		{"I want to mentor new teachers, but I don't want to be their evaluator.",
			[]string{"mentor new teachers"}, []string{"evaluator"}},
		{"My principal keeps asking me to help the younger teachers on my team.",
			[]string{"help the younger teachers", "team"}, []string{"principal"}},
		{"I'm not looking for a leadership title; I want better discussions in class.",
			[]string{"better discussions"}, []string{"leadership"}},
		{"Help colleagues grow without being their boss or evaluator. Coaching cycles appeal to me.",
			[]string{"Help colleagues grow", "Coaching cycles"}, []string{"boss", "evaluator"}},
		// The students' refusals are the situation, not her wishes.
		{"The kids won't speak Spanish to each other and don't want to read aloud.",
			[]string{"won't speak Spanish", "don't want to read aloud"}, nil},
		{"I am applying to be a principal next year.", []string{"principal"}, nil},
		// What she already has is not what she is looking for.
		{"I've built exit tickets into my classes. Now our team wants common assessments.",
			[]string{"common assessments"}, []string{"exit tickets"}},
		{"We already use rubrics, but students ignore the feedback.",
			[]string{"students ignore the feedback"}, []string{"rubrics"}},
		{"I've tried exit tickets and they don't tell me much.", []string{"exit tickets"}, nil},
	}
	for _, c := range cases {
		got := wantedGoals(c.goals)
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("wantedGoals(%q) = %q, lost %q", c.goals, got, k)
			}
		}
		for _, r := range c.remove {
			if strings.Contains(strings.ToLower(got), r) {
				t.Errorf("wantedGoals(%q) = %q, kept %q", c.goals, got, r)
			}
		}
	}
}

func TestSpellNotation(t *testing.T) {
	cases := []struct {
		goals     string
		fractions bool
	}{
		{"My 7th graders think 1/8 is bigger than 1/6.", true},
		{"They add 3 / 4 and 1 / 2 and get 4/6", true},
		{"Conferences are on 9/12/2025.", false},
		{"Students use and/or misuse commas", false},
		{"No numbers here", false},
	}
	for _, c := range cases {
		got := strings.HasSuffix(spellNotation(c.goals), " fractions")
		if got != c.fractions {
			t.Errorf("spellNotation(%q) adds fractions = %v, want %v", c.goals, got, c.fractions)
		}
	}
}

// A leveled prerequisite chain of one issuer is a stack whatever its
// titles say: holding its first two levels makes the third the next level,
// named after the higher one she holds.
func TestLeveledChainIsAStack(t *testing.T) {
	cs := []*catalog.Credential{
		{ID: "a1", Issuer: "T", Title: "Assessment Foundations: Exit Tickets", Level: 1},
		{ID: "a2", Issuer: "T", Title: "Assessment Practitioner: Rubrics", Level: 2, Prerequisites: []string{"a1"}},
		{ID: "a3", Issuer: "T", Title: "Assessment Leader: Common Assessment Cycles", Level: 3, Prerequisites: []string{"a2"}},
		{ID: "other", Issuer: "U", Title: "Common Assessments in Teams", Level: 2, Prerequisites: []string{"a2"}},
	}
	for _, c := range cs {
		c.Status = catalog.StatusActive
	}
	e := New(Options{})
	if err := e.Rebuild(context.Background(), &catalog.Snapshot{Version: 1, Credentials: cs}); err != nil {
		t.Fatal(err)
	}
	res, err := e.Recommend(context.Background(), catalog.Profile{ID: "p", Earned: []string{"a1", "a2"}}, RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	k := position(res, "a3")
	if k < 0 {
		t.Fatalf("a3 not suggested: %v", ids(res))
	}
	var next *Why
	for i, w := range res.Items[k].Why {
		if w.Kind == "next_step" {
			next = &res.Items[k].Why[i]
		}
	}
	if next == nil || next.Relation != "next_level" || next.Credential != "a2" {
		t.Errorf("a3's next-step reason = %+v, want next_level after a2", next)
	}
	if o := position(res, "other"); o >= 0 && o < k {
		t.Errorf("another issuer's item that builds on a2 outranks the stack's next level: %v", ids(res))
	}
}

// hasWhy reports whether item holds a reason of want's kind and
// preference (and terms, when want names some).
func hasWhy(item Item, want Why) bool {
	for _, w := range item.Why {
		if w.Kind == want.Kind && w.Preference == want.Preference &&
			(want.Terms == nil || slices.Equal(w.Terms, want.Terms)) {
			return true
		}
	}
	return false
}

func TestFitterReadsGradesFromGoals(t *testing.T) {
	cases := []struct {
		name      string
		prefs     catalog.Preferences
		goals     string
		bands     bandSet
		fromGoals bool
	}{
		{"goals name the grade", catalog.Preferences{}, "My 7th graders still think 1/8 is bigger than 1/6.", band68, true},
		{"high school words", catalog.Preferences{}, "Juniors and sophomores in my chemistry labs", band912, true},
		{"preferences win over goals", catalog.Preferences{GradeBands: []string{"K-2"}}, "I used to teach high school", bandK2, false},
		{"no grade anywhere", catalog.Preferences{}, "Parents email me angrily at night", 0, false},
	}
	for _, c := range cases {
		f := newFitter(c.prefs, c.goals)
		if f.bands != c.bands || f.bandsFromGoals != c.fromGoals {
			t.Errorf("%s: bands %06b from goals %v, want %06b %v", c.name, f.bands, f.bandsFromGoals, c.bands, c.fromGoals)
		}
	}
}
