package recommender

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/synth"
)

// teacherCatalog is a small catalog of the kinds of items the behaviours
// below are about: behaviour credentials aligned to FFT 2d directly and
// through the crosswalk, general and subject-specific items, induction
// items and one for mentors, a three-step stack, state and district
// approvals, and culturally responsive items written in the catalog's own
// words.
func teacherCatalog() *catalog.Snapshot {
	comp := func(keys ...string) []catalog.Competency {
		var out []catalog.Competency
		for _, k := range keys {
			fw, code, _ := strings.Cut(k, ":")
			out = append(out, catalog.Competency{Framework: fw, Code: code})
		}
		return out
	}
	cs := []*catalog.Credential{
		{ID: "least-invasive", Issuer: "Mesa", Title: "Least-Invasive Responses to Off-Task Behavior",
			Description:  "Redirect off-task behavior with proximity, nonverbal signals and quiet private corrections before escalating; keep the lesson moving while you manage behavior.",
			Competencies: comp("FFT:2d", "InTASC:3"), Subjects: []string{"general"}, GradeBands: []string{"6-8", "9-12"}},
		{ID: "pbis-tier1", Issuer: "Riverbend", Title: "Behavior MTSS: Tier 1 PBIS in the Classroom",
			Description:  "Teach and acknowledge behavior expectations, respond to minor misbehavior consistently and track behavior data.",
			Competencies: comp("FFT:2d", "FFT:2c"), Subjects: []string{"general"}, CostUSD: catalog.Float(0), Hours: catalog.Float(8), Format: "hybrid", Level: 1,
			ApprovedIn: []string{"US-IL"}},
		{ID: "de-escalation", Issuer: "TeachStack", Title: "Responding to Escalating Behavior Calmly",
			Description:  "Recognise the escalation cycle, use calm language and give students a way back when behavior escalates.",
			Competencies: comp("FFT:2d", "InTASC:3"), Subjects: []string{"general", "sped"}, CostUSD: catalog.Float(45), Hours: catalog.Float(6), Format: "online",
			ApprovedIn: []string{"US-IL:district:lakeview"}},
		{ID: "math-talk", Issuer: "Mesa", Title: "Math Talk Moves: Revoicing, Restating and Adding On",
			Description:  "Use talk moves so students explain and critique mathematical reasoning in whole-class discussion.",
			Competencies: comp("FFT:3b", "InTASC:8", "NBPTS:3"), Subjects: []string{"math"}},
		{ID: "lab-safety", Issuer: "TeachStack", Title: "Running Safe and Orderly Science Labs",
			Description:  "Plan lab routines, materials stations and roles so every group works safely and stays on task during investigations.",
			Competencies: comp("FFT:2c", "InTASC:3"), Subjects: []string{"science"}, GradeBands: []string{"6-8"}, CostUSD: catalog.Float(30), Hours: catalog.Float(5), Format: "online"},
		{ID: "ela-seminar", Issuer: "TeachStack", Title: "Socratic Seminar in English Class",
			Description:  "Prepare students to lead text-based seminars about literature.",
			Competencies: comp("FFT:3b"), Subjects: []string{"ela"}},
		{ID: "induction-launch", Issuer: "Riverbend", Title: "New Teacher Launch: The First Ten Days",
			Description:  "For teachers in their first or second year: plan the first ten days of school, procedures and routines, with a mentor's observation.",
			Competencies: comp("FFT:2c", "InTASC:3"), Tags: []string{"new teachers", "induction"}, Subjects: []string{"general"}, Level: 1},
		{ID: "mentor-prep", Issuer: "Riverbend", Title: "Mentor Teacher Preparation",
			Description:  "Experienced teachers learn to mentor new teachers through observation cycles and coaching language.",
			Competencies: comp("FFT:4d"), Tags: []string{"mentoring", "induction", "veteran teachers"}, Subjects: []string{"general"}},
		{ID: "routines-refresh", Issuer: "Mesa", Title: "Teaching Classroom Routines Explicitly",
			Description:  "Model, practise and reinforce classroom routines and procedures so transitions take seconds, not minutes.",
			Competencies: comp("FFT:2c"), Subjects: []string{"general"}},
		{ID: "coach-1", Issuer: "Riverbend", Title: "Instructional Coaching Cycles 1: Student-Centered Goals",
			Description: "Begin coaching cycles with colleagues from a student learning goal.", Competencies: comp("FFT:4d"), Level: 1},
		{ID: "coach-2", Issuer: "Riverbend", Title: "Instructional Coaching Cycles 2: Data and Feedback Conversations",
			Description: "Collect classroom data during coaching cycles and hold feedback conversations with colleagues.", Competencies: comp("FFT:4d"), Level: 2,
			Prerequisites: []string{"coach-1"}},
		{ID: "coach-3", Issuer: "Riverbend", Title: "Instructional Coaching Cycles 3: Coaching for Equity",
			Description: "Lead coaching cycles with colleagues that focus on equitable outcomes in classroom data.", Competencies: comp("FFT:4d"), Level: 3,
			Prerequisites: []string{"coach-2"}},
		{ID: "peer-coaching", Issuer: "Lakeshore", Title: "Peer Coaching for Classroom Teachers",
			Description: "Coach a colleague through a short observation and feedback cycle.", Competencies: comp("FFT:4d")},
		{ID: "peer-coaching-copy", Issuer: "TeachStack", Title: "Peer Coaching for Classroom Teachers",
			Description: "Coach a colleague through a short observation and feedback cycle.", Competencies: comp("FFT:4d"),
			Provenance: catalog.Provenance{PossibleDuplicates: []string{"peer-coaching"}}},
		{ID: "coaching-certificate", Issuer: "Lakeshore", Title: "Coaching Certificate",
			Description: "Awarded for the coaching cycles stack.", HasPart: []string{"coach-1", "coach-2", "coach-3"}},
		{ID: "cr-curriculum", Issuer: "Brightpath", Title: "Culturally Responsive Teaching: Connecting Curriculum to Students' Lives",
			Description:  "Draw on students' cultures, home languages, family traditions and community knowledge so lessons build on who students are.",
			Competencies: comp("InTASC:2", "UDL:7.2")},
		{ID: "translanguaging", Issuer: "Cascadia", Title: "Home Languages as a Resource: Translanguaging Practices",
			Description:  "Invite students' home languages into discussion and writing as a bridge to academic English.",
			Competencies: comp("UDL:2.4", "InTASC:2")},
		{ID: "udl-foundations", Issuer: "CILD", Title: "UDL Foundations",
			Description: "The principles of Universal Design for Learning and the engagement guidelines.", Competencies: comp("UDL:7", "UDL:1")},
		{ID: "udl-choice", Issuer: "CILD", Title: "Choice and Autonomy",
			Description: "Offer students choices of task, tool and pace to recruit interest.", Competencies: comp("UDL:7.1")},
	}
	for _, c := range cs {
		c.Status = catalog.StatusActive
	}
	return &catalog.Snapshot{Version: 1, Credentials: cs}
}

func newTeacherEngine(t *testing.T) *Engine {
	t.Helper()
	e := New(Options{})
	if err := e.Rebuild(context.Background(), teacherCatalog()); err != nil {
		t.Fatal(err)
	}
	return e
}

func position(res Result, id string) int {
	for i, it := range res.Items {
		if it.ID == id {
			return i
		}
	}
	return -1
}

func TestTeacherProfiles(t *testing.T) {
	e := newTeacherEngine(t)
	years := func(v float64) *float64 { return &v }
	tests := []struct {
		name    string
		profile catalog.Profile
		check   func(t *testing.T, res Result)
	}{
		{
			name: "a science teacher's subject filter keeps general behaviour credentials and drops other subjects",
			profile: catalog.Profile{Goals: "students goof off during labs", Gaps: []catalog.Gap{{Framework: "FFT", Code: "2d"}},
				Preferences: catalog.Preferences{Subjects: []string{"science"}}},
			check: func(t *testing.T, res Result) {
				for _, id := range []string{"least-invasive", "pbis-tier1", "de-escalation", "lab-safety"} {
					if position(res, id) < 0 {
						t.Errorf("%s (general or science) missing: %v", id, ids(res))
					}
				}
				for _, id := range []string{"math-talk", "ela-seminar"} {
					if position(res, id) >= 0 {
						t.Errorf("%s is for another subject but was suggested", id)
					}
				}
				for _, id := range []string{"least-invasive", "pbis-tier1"} {
					if it, ok := itemByID(res, id); ok && hasReason(it, "Does not state subjects") {
						t.Errorf("%s is for all subjects (general) and must not be called unstated: %q", id, it.Reasons)
					}
				}
			},
		},
		{
			name:    "an FFT 2d gap puts behaviour credentials first, aligned directly, and math talk nowhere near the top",
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "FFT", Code: "2d"}}},
			check: func(t *testing.T, res Result) {
				for _, it := range res.Items[:3] {
					if w := gapWhy(it, "FFT:2d"); w.Match != "direct" || w.Via != "FFT:2d" {
						t.Errorf("top item %s: gap why %+v, want a direct FFT:2d alignment", it.ID, w)
					}
					if !strings.HasPrefix(it.Reasons[0], "Covers your gap FFT 2d") {
						t.Errorf("top item %s: first reason %q, want the direct gap", it.ID, it.Reasons[0])
					}
				}
				if p := position(res, "math-talk"); p >= 0 && p < 5 {
					t.Errorf("math talk moves at %d for a behaviour gap: %v", p+1, ids(res))
				}
			},
		},
		{
			name:    "a crosswalk match is related to the gap, never covers it",
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "FFT", Code: "2d"}}},
			check: func(t *testing.T, res Result) {
				checked := 0
				for _, it := range res.Items {
					for k, w := range it.Why {
						if w.Kind == "gap" && w.Match == "crosswalk" {
							checked++
							if !strings.HasPrefix(it.Reasons[k], "Related to your gap") {
								t.Errorf("%s: crosswalk reason worded %q", it.ID, it.Reasons[k])
							}
						}
					}
				}
				if checked == 0 {
					t.Fatal("no crosswalk match in this list: the test catalog no longer exercises the wording it checks")
				}
			},
		},
		{
			name:    "a nine-year veteran (from her goals) does not get induction items for routines",
			profile: catalog.Profile{Goals: "Nine years teaching fourth grade, and this year transitions eat twenty minutes; I keep re-teaching routines and procedures."},
			check: func(t *testing.T, res Result) {
				r, i := position(res, "routines-refresh"), position(res, "induction-launch")
				if r < 0 || (i >= 0 && i < r) {
					t.Errorf("routines-refresh at %d, induction-launch at %d: want the routine credential above the induction one: %v", r+1, i+1, ids(res))
				}
				if it, ok := itemByID(res, "induction-launch"); ok && !hasReason(it, "ranked lower") {
					t.Errorf("induction item without the experience reason: %q", it.Reasons)
				}
			},
		},
		{
			name:    "a first-year teacher (years_experience 0) gets the induction item among the first two for the same goal",
			profile: catalog.Profile{Goals: "Transitions eat twenty minutes and I keep re-teaching routines and procedures.", YearsExperience: years(0)},
			check: func(t *testing.T, res Result) {
				p := position(res, "induction-launch")
				if p < 0 || p > 1 {
					t.Fatalf("induction-launch at %d, want 1 or 2: %v", p+1, ids(res))
				}
				if w := res.Items[p].Why; !slices.ContainsFunc(w, func(x Why) bool { return x.Kind == "experience" && x.Stage == "new" }) {
					t.Errorf("no experience why on the induction item: %+v", w)
				}
			},
		},
		{
			name:    "filler words (second, grade, teacher, starting) do not pull in the new-teacher item",
			profile: catalog.Profile{Goals: "Second grade teacher starting a unit: I want students to share their home languages and cultures."},
			check: func(t *testing.T, res Result) {
				if p := position(res, "induction-launch"); p >= 0 && p < 3 {
					t.Errorf("induction-launch at %d on filler words: %v", p+1, ids(res))
				}
				for _, it := range res.Items {
					for _, w := range it.Why {
						if w.Kind == "goal" && slices.ContainsFunc(w.Terms, func(s string) bool { return domainStopwords[s] }) {
							t.Errorf("%s matched on filler %v", it.ID, w.Terms)
						}
					}
				}
			},
		},
		{
			name:    "home languages and cultures finds the culturally responsive items",
			profile: catalog.Profile{Goals: "my students' home languages and cultures"},
			check: func(t *testing.T, res Result) {
				top := ids(res)[:3]
				if !slices.Contains(top, "cr-curriculum") || !slices.Contains(top, "translanguaging") {
					t.Errorf("top 3 %v, want cr-curriculum and translanguaging", top)
				}
			},
		},
		{
			name:    "an item two unearned steps away ranks below the first step and names what is missing",
			profile: catalog.Profile{Goals: "coaching cycles with colleagues", Earned: nil},
			check: func(t *testing.T, res Result) {
				c1, c2, c3 := position(res, "coach-1"), position(res, "coach-2"), position(res, "coach-3")
				if c1 < 0 || (c3 >= 0 && c3 < c1) || (c3 >= 0 && c2 >= 0 && c3 < c2) {
					t.Errorf("coach-1 %d, coach-2 %d, coach-3 %d: want the reachable step first and the far one last: %v", c1+1, c2+1, c3+1, ids(res))
				}
				if it, ok := itemByID(res, "coach-2"); ok && !hasReason(it, "Instructional Coaching Cycles 1") {
					t.Errorf("coach-2 does not name its missing prerequisite: %q", it.Reasons)
				}
			},
		},
		{
			name:    "the same offering under another issuer counts as held",
			profile: catalog.Profile{Goals: "peer coaching observation and feedback", Earned: []string{"peer-coaching"}},
			check: func(t *testing.T, res Result) {
				if p := position(res, "peer-coaching-copy"); p >= 0 {
					t.Errorf("the copy of a held credential is suggested at %d: %v", p+1, ids(res))
				}
			},
		},
		{
			name:    "holding step one makes step two the next step",
			profile: catalog.Profile{Goals: "coaching cycles with colleagues", Earned: []string{"coach-1"}},
			check: func(t *testing.T, res Result) {
				if res.Items[0].ID != "coach-2" {
					t.Errorf("first item %s, want coach-2: %v", res.Items[0].ID, ids(res))
				}
			},
		},
		{
			name: "a district teacher gets items approved by her state or her district, never another district's",
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "FFT", Code: "2d"}},
				Preferences: catalog.Preferences{ApprovedIn: []string{"US-IL:district:riverbend-usd"}}},
			check: func(t *testing.T, res Result) {
				if position(res, "pbis-tier1") != 0 {
					t.Errorf("the state-approved item is not first: %v", ids(res))
				}
				if position(res, "de-escalation") >= 0 {
					t.Errorf("another district's item was suggested: %v", ids(res))
				}
				if it, ok := itemByID(res, "least-invasive"); ok && !hasReason(it, "approved for credit") {
					t.Errorf("an item without approvals does not say so: %q", it.Reasons)
				}
			},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res, err := e.Recommend(context.Background(), test.profile, RecommendOptions{Limit: 8})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) == 0 {
				t.Fatal("no suggestions")
			}
			test.check(t, res)
		})
	}
}

// TestItemFacts: every suggestion carries cost, hours, format, level, url
// and kind, with null for what the item does not state, and one why per
// reason.
func TestItemFacts(t *testing.T) {
	e := newTeacherEngine(t)
	res, err := e.Recommend(context.Background(), catalog.Profile{Gaps: []catalog.Gap{{Framework: "FFT", Code: "2d"}}}, RecommendOptions{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, it := range raw.Items {
		for _, f := range []string{"cost_usd", "hours", "format", "level", "url", "kind", "why", "reasons"} {
			if _, ok := it[f]; !ok {
				t.Errorf("item %s lacks %q", it["id"], f)
			}
		}
		if string(it["id"]) == `"least-invasive"` && (string(it["cost_usd"]) != "null" || string(it["hours"]) != "null") {
			t.Errorf("an item that states no cost or hours shows cost %s hours %s, want null", it["cost_usd"], it["hours"])
		}
	}
	for _, it := range res.Items {
		if len(it.Why) != len(it.Reasons) {
			t.Errorf("%s: %d why objects for %d reasons", it.ID, len(it.Why), len(it.Reasons))
		}
		if it.Kind != catalog.KindCredential {
			t.Errorf("%s kind %q", it.ID, it.Kind)
		}
	}
}

func TestReadExperience(t *testing.T) {
	years := func(v float64) *float64 { return &v }
	tests := []struct {
		goals  string
		stated *float64
		want   string
	}{
		{goals: "Nine years teaching fourth grade", want: stageVeteran},
		{goals: "Eighteen years in third grade and I finally started National Board", want: stageVeteran},
		{goals: "First-year teacher, 7th grade math", want: stageNew},
		{goals: "Second-year middle school science teacher", want: stageNew},
		{goals: "I'm a new teacher and my class is loud", want: stageNew},
		{goals: "veteran teacher tired of the same PD", want: stageVeteran},
		{goals: "Twenty-two years in fifth grade, and my principal wants me to help the younger teachers", want: stageVeteran},
		{goals: "thirty one years in the classroom", want: stageVeteran},
		{goals: "Twenty five years teaching and still learning", want: stageVeteran},
		{goals: "a couple of years teaching so far", want: stageNew},
		{goals: "I've been running circles for two years", want: stageNone},
		{goals: "My students are 7 years old", want: stageNone},
		{goals: "Half my fifth graders read two years behind grade level", want: stageNone},
		{goals: "It is the first year of our new reading curriculum", want: stageNone},
		{goals: "My first year teaching high school chemistry", want: stageNew},
		{goals: "I mentor new teachers at my site", want: stageNone},
		{goals: "second grade teacher starting a unit", want: stageNone},
		{goals: "first year teaching, but years_experience says otherwise", stated: years(12), want: stageVeteran},
		{goals: "", stated: years(1), want: stageNew},
		{goals: "", stated: years(4), want: stageNone},
	}
	for _, test := range tests {
		t.Run(test.goals, func(t *testing.T) {
			got := readExperience(catalog.Profile{Goals: test.goals, YearsExperience: test.stated})
			if got.stage != test.want {
				t.Errorf("stage %q, want %q (%+v)", got.stage, test.want, got)
			}
		})
	}
}

func TestIsInduction(t *testing.T) {
	tests := []struct {
		c    catalog.Credential
		want bool
	}{
		{catalog.Credential{Title: "New Teacher Launch: The First Ten Days"}, true},
		{catalog.Credential{Title: "Year-One Family Communication", Tags: []string{"new teachers", "induction"}}, true},
		{catalog.Credential{Title: "Classroom Environment Foundations for New Teachers"}, true},
		{catalog.Credential{Title: "Mentor Teacher Preparation", Tags: []string{"mentoring", "induction", "veteran teachers"}}, false},
		{catalog.Credential{Title: "Supporting Beginning Teachers through the First Year"}, false},
		{catalog.Credential{Title: "Professional Capacity Foundations: Onboarding New Staff", Tags: []string{"new teacher induction"}}, false},
		{catalog.Credential{Title: "Teaching Classroom Routines Explicitly"}, false},
		{catalog.Credential{Title: "Teaching Electromagnetic Induction with Simulations", Tags: []string{"physics"}}, false},
		{catalog.Credential{Title: "Proof by Induction in Algebra II"}, false},
	}
	for _, test := range tests {
		if got := isInduction(&test.c); got != test.want {
			t.Errorf("isInduction(%q) = %v, want %v", test.c.Title, got, test.want)
		}
	}
}

// TestSurelyNotInductionAgreesWithMarkers checks the shortcut isInduction
// takes: it may say "surely not" only when the lower-cased texts hold no
// marker word.
func TestSurelyNotInductionAgreesWithMarkers(t *testing.T) {
	creds := synth.Generate(3000, 5)
	for _, title := range []string{"New Teacher Launch", "NEW TO TEACHING", "Year-One Routines", "FIRST-YEAR Teachers",
		"İnduction Programme", "Early Career Teacher Circle", "Novice teacher", "Electromagnetic Induction",
		"Newtonian Physics", "Year 1 Phonics", "Ｎew teacher", "\u212aindergarten Readiness", "Café Beginnings"} {
		creds = append(creds, &catalog.Credential{Title: title, Description: "A course."},
			&catalog.Credential{Title: "A course", Description: strings.Repeat("x", 290) + title},
			&catalog.Credential{Title: "A course", Tags: []string{"physics", title}})
	}
	for _, c := range creds {
		desc := c.Description
		if len(desc) > 300 {
			desc = desc[:300]
		}
		head := strings.ToLower(c.Title + " | " + strings.Join(c.Tags, " | "))
		marked := mayNameInduction(head) || mayNameInduction(strings.ToLower(desc))
		if surelyNotInduction(c) && marked {
			t.Errorf("%q (tags %q, description %.40q…): surely not induction, yet it holds a marker word", c.Title, c.Tags, c.Description)
		}
		if !marked && !surelyNotInduction(c) && isASCII(c.Title+desc+strings.Join(c.Tags, "")) {
			t.Errorf("%q: ASCII text with no marker word, yet not surely not induction", c.Title)
		}
	}
}

func TestForMentorsInAgreesWithTheExpression(t *testing.T) {
	for _, text := range []string{"mentor teachers", "mentoring programme for new staff", "coaching cycles", "leadership academy",
		"aspiring principals", "veteran educators", "experienced teachers", "experienced  teachers", "supporting students",
		"onboarding", "leaders", "new teacher induction", "classroom routines", "mentorship", "the principle of"} {
		if got, want := forMentorsIn(text), forMentors.MatchString(text); got != want {
			t.Errorf("forMentorsIn(%q) = %v, the expression says %v", text, got, want)
		}
	}
	for _, c := range synth.Generate(2000, 9) {
		text := strings.ToLower(c.Title + " | " + c.Description)
		if got, want := forMentorsIn(text), forMentors.MatchString(text); got != want {
			t.Errorf("forMentorsIn(%.60q…) = %v, the expression says %v", text, got, want)
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestApprovedInJurisdictions(t *testing.T) {
	tests := []struct {
		have, want []string
		ok         bool
	}{
		{[]string{"US-IL"}, []string{"US-IL:district:riverbend-usd"}, true},
		{[]string{"US-IL:district:riverbend-usd"}, []string{"US-IL:district:riverbend-usd"}, true},
		{[]string{"us-il"}, []string{"US-IL"}, true},
		{[]string{"US-IL:district:riverbend-usd"}, []string{"US-IL"}, false},
		{[]string{"US-IL:district:lakeview"}, []string{"US-IL:district:riverbend-usd"}, false},
		{[]string{"US-I"}, []string{"US-IL"}, false},
	}
	for _, test := range tests {
		if got := ApprovedIn(test.have, test.want); got != test.ok {
			t.Errorf("ApprovedIn(%v, %v) = %v, want %v", test.have, test.want, got, test.ok)
		}
	}
}

func TestUnlocks(t *testing.T) {
	e := newTeacherEngine(t)
	u, err := e.Unlocks(context.Background(), "coach-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Opens) != 1 || u.Opens[0].ID != "coach-2" || !u.Opens[0].Completes {
		t.Errorf("opens %+v, want coach-2 completed", u.Opens)
	}
	if len(u.Stacks) != 1 || u.Stacks[0].ID != "coaching-certificate" || len(u.Stacks[0].Members) != 3 {
		t.Errorf("stacks %+v, want the coaching certificate with three members", u.Stacks)
	}
	if _, err := e.Unlocks(context.Background(), "no-such-thing", nil); err == nil {
		t.Error("unknown id: no error")
	}
}
