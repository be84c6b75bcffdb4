package lexicon

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/datasets"
)

func families(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Entry.Family+":"+m.Words)
	}
	return out
}

// TestMatchTeacherPhrasing pins one everyday wording per concept family:
// the phrase a teacher would write finds the profession's area.
func TestMatchTeacherPhrasing(t *testing.T) {
	cases := []struct {
		goal string
		want []string // family:words, in goal order
	}{
		{"I have a fourth grader who throws chairs when he gets frustrated", []string{"behaviour:throws chairs"}},
		{"He threw things and we had to clear the room", []string{"behaviour:clear the room"}},
		{"As department chair I want our meetings to stop going sideways", []string{"leadership:department chair"}},
		{"kids zone out when I lecture", []string{"engagement:zone out", "engagement:when I lecture"}},
		{"A student who is hard of hearing just joined my class", []string{"accessibility:hard of hearing"}},
		{"My newcomers don't speak English yet", []string{"english learners:newcomers"}},
		{"Parents never come to conferences", []string{"family:Parents never come"}},
		{"I don't find out they're lost until the unit test", []string{"assessment:find out they're lost"}},
		{"Half my second graders are still sounding out every word", []string{"literacy:sounding out every word"}},
		{"They only want the answer, never explain their thinking", []string{"math:only want the answer"}},
		{"So many of my kids carry trauma from home", []string{"sel:trauma"}},
		{"their traditions and cultures never show up in our books", []string{"culture:traditions"}},
		{"I'm exhausted and burned out", []string{"wellbeing:exhausted"}},
		{"I want to pursue National Board certification", []string{"national board:National Board"}},
		{"I was asked to mentor new teachers", []string{"induction:mentor new teachers"}},
		{"I want to coach other teachers on my campus", []string{"coaching:coach other teachers"}},
		{"Some kids are way ahead and finish early", []string{"differentiation:Some kids are way ahead"}},
		{"My students write a sentence and stop", nil},
		{"We need new chairs for the library", nil},
		{"By May they've forgotten everything", []string{"assessment:By May they've forgotten"}},
		{"Kids DON'T LISTEN", []string{"behaviour:DON'T LISTEN"}},
		// A few words may lie inside a phrase, never across a clause break.
		{"Three of them don't speak any English", []string{"english learners:don't speak any English"}},
		{"Kids don't. Listen to this", nil},
		// Every negation is one: "do not", "never", "rarely" read as "don't".
		{"They do not speak English yet", []string{"english learners:do not speak English yet"}},
		{"My students rarely talk in class", []string{"discussion:rarely talk"}},
		{"a dashboard that nobody reads", []string{"assessment:dashboard"}},
		// Forms of common verbs kept unstemmed still meet: "got" is "gets".
		{"It is hard to tell who got it", []string{"assessment:who got it"}},
		// "Barely speaks" is not a child who uses a device to talk.
		{"He barely speaks in class", nil},
		// The areas added by hand, one everyday wording each.
		{"A few kids are done in ten minutes and have nothing to do", []string{"differentiation:done in ten minutes"}},
		{"My Spanish 2 class switches back to English the moment I stop talking", []string{"world languages:Spanish 2 class"}},
		{"Our labs are cookbook labs", []string{"science:labs"}},
		{"I want them to work with primary sources", []string{"social studies:primary sources"}},
		{"My band students need better rehearsal habits", []string{"arts:band students"}},
		{"Students in PE won't dress out", []string{"physical education:won't dress out"}},
		{"My seniors need help with college applications", []string{"career:college applications"}},
		{"Half my class never turns in homework", []string{"homework:never turns in"}},
		{"There is a lot of name calling at recess", []string{"conflict:name calling", "behaviour:recess"}},
		{"My quiet kids never ask for help", []string{"discussion:quiet kids", "engagement:never ask for help"}},
		{"We have refugees with gaps in their schooling", []string{"culture:refugees", "english learners:gaps in their schooling"}},
		{"I teach a combination class in a small rural school", []string{"rural:combination class"}},
		{"I'm on an improvement plan after my last observation", []string{"evaluation:improvement plan"}},
		{"My team doesn't collaborate", []string{"collaboration:doesn't collaborate"}},
		{"My preschoolers need more purposeful play", []string{"early childhood:preschoolers"}},
		{"I'm renewing my National Board certificate", []string{"national board:renewing my National Board"}},
		// Common words that stem like a phrase do not fire: "looking for" is
		// not "look-fors", "stems from" not STEM, "feel" not "feelings",
		// "them" not "theme", "bands" not music, "experiment with"
		// not science, "from scratch" not coding.
		{"I'm looking for something to experiment with", nil},
		{"His behavior stems from what I feel is anxiety at home", []string{"sel:anxiety"}},
		{"I built the unit from scratch and want to teach them well", nil},
		{"We sorted them into bands by score", nil},
		{"I'd like to take an online course on the order of operations", nil},
		// Working with colleagues: mentoring without evaluating, peer
		// observation, co-teaching, leading without a title, coaching,
		// team meetings and school leadership.
		{"My principal keeps asking me to help the younger teachers on my team", []string{"evaluation:My principal", "induction:help the younger teachers"}},
		{"I want to support the newer teachers without being their evaluator", []string{"induction:support the newer teachers"}},
		{"I'd like to visit other classrooms and watch other teachers teach", []string{"coaching:visit other classrooms"}},
		{"My co-teacher and I never plan together", []string{"special education:My co-teacher", "collaboration:never plan together"}},
		{"Colleagues come to me for ideas but I have no official role", []string{"leadership:Colleagues come to me"}},
		{"I'm a new instructional coach and teachers see me as an evaluator", []string{"coaching:new instructional coach"}},
		{"Our PLC meetings turn into venting sessions", []string{"leadership:Our PLC"}},
		{"We never know what to do with the data", []string{"assessment:what to do with the data"}},
		{"It is my first year as an assistant principal", []string{"leadership:first year as an assistant principal"}},
		// "team", "title" and "coach" alone are not collaboration,
		// leadership or coaching.
		{"Our team won the game and the kids got a title", nil},
		{"My students plan a title for their story", nil},
		// In the classroom: devices, integrity, grading load, many grades in
		// one room, absences and disasters, school transitions, tests,
		// small groups, IEPs in general education, restorative practice,
		// questioning and inquiry.
		{"My students are always on their phones during labs", []string{"technology:on their phones", "science:labs"}},
		{"I keep seeing other tabs open on their laptops", []string{"technology:other tabs", "technology:laptops"}},
		{"They copy each other's answers", []string{"assessment:copy each other's"}},
		{"Students use ChatGPT to write their essays", []string{"assessment:ChatGPT to write their", "literacy:essays"}},
		{"I spend my Sundays grading", []string{"assessment:Sundays grading"}},
		{"I have three grade levels in one room", []string{"rural:grade levels in one room"}},
		{"Half the class was absent after the storm", []string{"attendance:absent", "sel:after the storm"}},
		{"Half my class was out for two weeks", []string{"attendance:out for two weeks"}},
		{"My fifth graders are moving up to middle school", []string{"transitions:moving up to middle school"}},
		{"My students freeze during tests", []string{"assessment:freeze during tests"}},
		{"What does the rest of the class do while I'm with a group", []string{"differentiation:What does the rest of the class do"}},
		{"I teach a general ed class with six kids with IEPs and no para", []string{"special education:general ed class"}},
		{"I want alternatives to suspension", []string{"behaviour:alternatives to suspension"}},
		{"They wait for me to answer my own questions", []string{"discussion:wait for me to answer"}},
		{"I want them to figure things out on their own", []string{"instruction:figure things out on their own"}},
		{"Our advisory program needs a purpose", []string{"sel:advisory program"}},
		// "show up", "apologize", "crisis" and "going to high school" are not
		// attendance, repair, disaster or a school transition.
		{"Their cultures never show up in our books", []string{"culture:cultures"}},
		{"A kid said he had to apologize", nil},
		{"I'm in a crisis with my lesson plans", []string{"planning:lesson plans"}},
		{"I'm going to high school next year to teach chemistry", nil},
		// Subjects and settings: young children and screens, online classes,
		// reading in content classes, labs, maths, newcomers and their
		// families, community, outdoors, the arts, health, careers, play and
		// National Board.
		{"Our first graders just got tablets", []string{"technology:graders just got tablets"}},
		{"My virtual students never turn on their cameras", []string{"technology:virtual students"}},
		{"I'm not a reading teacher but my history students struggle with the textbook", []string{"literacy:not a reading teacher"}},
		{"My students are always messing around during labs", []string{"science:messing around during labs"}},
		{"My students are terrified of math", []string{"math:terrified of math"}},
		{"We use fraction tiles", []string{"math:fraction tiles"}},
		{"A new student just came to this country and only speaks Spanish", []string{"english learners:came to this country"}},
		{"I don't know how to talk to families who don't speak English", []string{"english learners:talk to families who don't speak"}},
		{"I want to partner with local businesses", []string{"family:partner with local"}},
		{"I want to take my class outside more", []string{"instruction:take my class outside"}},
		{"I want to bring art and music into my lessons", []string{"arts:art and music into my lessons"}},
		{"I teach health and PE", []string{"physical education:health and PE"}},
		{"My seniors have no plans after high school", []string{"career:plans after high school"}},
		{"My kids never get to play anymore", []string{"early childhood:never get to play"}},
		{"I'm a National Board candidate", []string{"national board:National Board candidate"}},
		// "translate", "outside" and "play" alone are not newcomers,
		// outdoor learning or early childhood.
		{"I want to translate research into practice", nil},
		{"I'm teaching outside my content area next year", nil},
		{"We play games on Fridays", nil},
		// A science unit on storms, a tragedy in literature and a flood of
		// emails are not a disaster at school; an advisory committee is not
		// advisory.
		{"We just finished our hurricane unit", nil},
		{"Romeo and Juliet is a tragedy", nil},
		{"I get a flood of messages every night", nil},
		{"I'm on the district advisory committee", []string{"leadership:advisory committee"}},
	}
	lex := Default()
	for _, c := range cases {
		got := families(lex.Match(c.goal))
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Match(%q) = %q, want %q", c.goal, got, c.want)
		}
	}
}

func TestTableIsWellFormed(t *testing.T) {
	lex := Default()
	if len(lex.Entries()) < 150 {
		t.Fatalf("only %d concepts in the bundled table", len(lex.Entries()))
	}
	seen := map[string]string{}
	for _, e := range lex.Entries() {
		for _, p := range e.Phrases {
			k := normPhrase(p)
			if prev, dup := seen[k]; dup && prev != e.Family {
				t.Errorf("phrase %q is in %s and %s", p, prev, e.Family)
			}
			seen[k] = e.Family
			if ms := lex.Match(p); len(ms) == 0 {
				t.Errorf("phrase %q of %s does not match itself", p, e.Family)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"header", "a,b,c,d\n", "want header"},
		{"empty terms", "family,phrases,terms,codes\nbehaviour,throws chairs,,\n", "line 2: field terms is empty"},
		{"bad code", "family,phrases,terms,codes\nbehaviour,throws chairs,de-escalation,FFT2d\n", `field codes: "FFT2d"`},
		{"no phrase", "family,phrases,terms,codes\nbehaviour, ; ,de-escalation,\n", "field phrases is empty"},
		{"fields", "family,phrases,terms,codes\nbehaviour,x\n", "wrong number of fields"},
		{"empty", "", "empty table"},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want it to say %q", c.name, err, c.want)
		}
	}
}

func TestTerms(t *testing.T) {
	ms := Default().Match("hard of hearing and throws chairs")
	got := Terms(ms)
	for _, w := range []string{"captions", "de-escalation"} {
		if !strings.Contains(got, w) {
			t.Errorf("Terms = %q, want it to hold %q", got, w)
		}
	}
}

// normPhrase is a phrase as Match compares it, so two phrases that differ
// only in their negation ("can't read", "won't read") are one phrase.
func normPhrase(p string) string {
	var out []string
	for _, w := range split(p) {
		out = append(out, w.norm)
	}
	return strings.Join(out, " ")
}

// TestCodesExistInFrameworks keeps the table's framework codes to codes
// the bundled frameworks define.
func TestCodesExistInFrameworks(t *testing.T) {
	known := map[string]bool{}
	files, err := fs.Glob(datasets.Frameworks, "frameworks/*.csv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bundled frameworks (%v)", err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(datasets.Frameworks, name)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) == 0 || rows[0][0] != "framework" {
			continue // the crosswalk
		}
		for _, r := range rows[1:] {
			known[r[0]+":"+r[1]] = true
		}
	}
	for _, e := range Default().Entries() {
		for _, c := range e.Codes {
			if !known[c] {
				t.Errorf("%s (%s): code %s is not in the bundled frameworks", e.Family, e.Phrases[0], c)
			}
		}
	}
}
