package recommender

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// conceptCatalog holds items written only in the profession's words
// (de-escalation, captions, family engagement …) beside items that share a
// single everyday word with a teacher's goal and name something else
// (classroom chairs, sentence frames).
func conceptCatalog() *catalog.Snapshot {
	cs := []*catalog.Credential{
		{ID: "de-escalation", Title: "Responding to Escalating Behavior Calmly",
			Description: "Recognise the escalation cycle, use a calm voice, space and choices, and plan a re-entry conversation. Includes functional behavior assessment basics and a behavior support plan."},
		{ID: "furniture", Title: "Flexible Seating: Arranging Chairs, Desks and Tables",
			Description: "Choose and arrange classroom furniture, chairs, stools and tables so that students can move between whole-class, group and independent work."},
		{ID: "dept-chair", Title: "Teacher Leadership: Department Chair Foundations",
			Description: "For newly appointed department chairs: plan department meetings around instruction, lead colleagues and manage the budget."},
		{ID: "active-learning", Title: "Cooperative Structures for Active Learning",
			Description: "Replace long stretches of teacher talk with think-pair-share, jigsaw and discussion protocols that raise student engagement and participation."},
		{ID: "captions", Title: "Accessible Video: Captions and Transcripts",
			Description: "Caption every video, provide transcripts and other alternatives for auditory information, and check materials for accessibility."},
		{ID: "english-learners", Title: "Second Language Acquisition for Content Teachers",
			Description: "How English learners acquire academic language; sentence frames, language objectives and a welcome plan for newcomer multilingual learners."},
		{ID: "sentence-writing", Title: "Sentence Combining in Writing Instruction",
			Description: "Teach students to combine short sentences into complex ones to improve the style of their essays."},
		{ID: "family", Title: "Family Engagement: Two-Way Communication",
			Description: "Build family partnership with positive outreach, home visits and student-led conferences in the family's language."},
		{ID: "formative", Title: "Formative Assessment: Exit Tickets and Hinge Questions",
			Description: "Check for understanding during the lesson with hinge questions and exit tickets, and adjust the next lesson from the evidence."},
		{ID: "retrieval", Title: "Retrieval Practice and Spaced Review",
			Description: "Low-stakes quizzing that mixes earlier topics so learning lasts; long-term memory and spaced practice."},
		{ID: "trauma", Title: "Trauma-Informed Classroom Practice",
			Description: "How chronic stress shapes attention and behavior; predictable routines, co-regulation and relationships that make the classroom safe."},
		{ID: "culture", Title: "Culturally Responsive Teaching: Funds of Knowledge",
			Description: "Draw on students' cultural identity and community knowledge; curriculum as mirrors and windows."},
		{ID: "number-talks", Title: "Number Talks and Productive Struggle",
			Description: "Daily mental math routines in which students share strategies and explain their reasoning; representations and problem solving."},
		{ID: "wellbeing", Title: "Educator Well-Being and Secondary Traumatic Stress",
			Description: "Recognise compassion fatigue and burnout, set boundaries and build a personal sustainability plan."},
		{ID: "executive-function", Title: "Supporting Executive Function",
			Description: "Planning, organization and time management routines: visual planners, chunked assignments and self-monitoring checklists."},
		{ID: "lateral-reading", Title: "Lateral Reading and Source Evaluation",
			Description: "Teach media literacy: leave an unfamiliar site to check what others say about it, fact-check claims and spot misinformation."},
	}
	for _, c := range cs {
		c.Issuer = "Test"
		c.Status = catalog.StatusActive
	}
	return &catalog.Snapshot{Version: 1, Credentials: cs}
}

// TestConceptLexicon pins, one concept family at a time, that a goal in a
// teacher's everyday words reaches the item named in the profession's
// words, and that a reason found only through the lexicon says "related
// to your goal", never that it matches her words.
func TestConceptLexicon(t *testing.T) {
	e := New(Options{})
	if err := e.Rebuild(context.Background(), conceptCatalog()); err != nil {
		t.Fatal(err)
	}
	off := e.feat
	off.lexicon = false
	tests := []struct {
		family, goal, want string
		// phrase is the goal's words the reason must quote ("" when the
		// item shares her own words, so no lexicon reason is due).
		phrase string
	}{
		{"behaviour", "I have a fourth grader who throws chairs when he gets frustrated.", "de-escalation", "throws chairs"},
		{"leadership", "I'm the new department chair and our meetings are all logistics.", "dept-chair", ""},
		{"engagement", "kids zone out when I lecture", "active-learning", "zone out"},
		{"accessibility", "A student who is hard of hearing just joined my class.", "captions", "hard of hearing"},
		{"english learners", "A boy who just arrived from Syria understands almost nothing we say.", "english-learners", "just arrived"},
		{"family", "Parents never come in to meet me.", "family", "Parents never come"},
		{"assessment", "I don't find out they're lost until it's too late.", "formative", "find out they're lost"},
		{"memory", "By May they've forgotten everything from the fall.", "retrieval", "By May they've forgotten"},
		{"trauma", "Several of my kids have a rough home life.", "trauma", "rough home life"},
		{"math", "They only want the answer and never say how they got it.", "number-talks", "only want the answer"},
		{"wellbeing", "I'm burned out and dread Sunday nights.", "wellbeing", "burned out"},
		{"media literacy", "My students believe everything they see online.", "lateral-reading", "believe everything they see"},
		{"executive function", "Half my class procrastinates until the last minute.", "executive-function", "procrastinates"},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.family, func(t *testing.T) {
			p := catalog.Profile{Goals: tc.goal}
			res, err := e.Recommend(ctx, p, RecommendOptions{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); len(got) == 0 || got[0] != tc.want {
				t.Fatalf("top = %v, want %s first", got, tc.want)
			}
			it := res.Items[0]
			for _, w := range it.Why {
				if w.Kind != "goal" {
					continue
				}
				// "Matches your goals" quotes only her own words.
				for _, term := range w.Terms {
					if !slices.Contains(semantic.Words(tc.goal), term) {
						t.Errorf("goal why quotes %q, not a word of %q", term, tc.goal)
					}
				}
			}
			if tc.phrase == "" {
				return
			}
			k := slices.IndexFunc(it.Reasons, func(r string) bool { return strings.HasPrefix(r, "Related to your goal (") })
			if k < 0 || !strings.Contains(it.Reasons[k], `"`+tc.phrase+`" → `) {
				t.Fatalf("reasons %q lack `Related to your goal (%q → …)`", it.Reasons, tc.phrase)
			}
			w := it.Why[k]
			if w.Kind != "goal_related" || len(w.Terms) < 2 {
				t.Fatalf("why %+v, want kind goal_related with the item's words", w)
			}
			text := strings.ToLower(it.Title + " " + e.mustDescription(t, it.ID))
			for _, term := range w.Terms {
				if !strings.Contains(text, term) {
					t.Errorf("why quotes %q, which %s does not say", term, it.ID)
				}
			}
		})
	}
	// The lexicon is what carries these: without it the chair-thrower gets
	// furniture, or at least not de-escalation first.
	res, err := e.recommend(ctx, catalog.Profile{Goals: tests[0].goal}, RecommendOptions{Limit: 5}, off)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) > 0 && got[0] == "de-escalation" {
		t.Errorf("without the lexicon de-escalation still leads %v; the test no longer measures the lexicon", got)
	}
}

// mustDescription returns credential id's description from the current
// model.
func (e *Engine) mustDescription(t *testing.T, id string) string {
	t.Helper()
	m, err := e.current()
	if err != nil {
		t.Fatal(err)
	}
	i, ok := m.resolve(id)
	if !ok {
		t.Fatalf("no credential %s", id)
	}
	return m.creds[i].Description
}
