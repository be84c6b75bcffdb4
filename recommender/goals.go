package recommender

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/lexicon"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// domainStopwords are words every teacher's goal is full of and no
// practice is named by: who she is (teacher, students, school), where
// (grade, classroom level words), when (year, second, starting) and
// filler. Dropped from the goal text the ranker queries with, they no
// longer pull in items that merely share them ("new teacher" induction
// items for a goal that says "second grade teacher starting a unit").
// The words that do name a practice stay, and her experience is read
// apart (readExperience), not matched as words.
var domainStopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`teacher teachers teach teaching taught educator educators school schools
		student students kid kids child children pupil pupils class classes grade grades grader graders
		year years yr yrs month months week weeks day days semester today tomorrow
		first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth last next
		one two three four five six seven eight nine ten eleven twelve twenty thirty
		start starting started begin beginning began new old veteran novice
		im ive id dont doesnt cant wont isnt arent didnt thats theyre youre
		try trying tried feel feels felt think thinks know knows knew see seem seems going go goes
		want wanted wanting hope hoping love loves lot lots thing things stuff something anything everything
		always never still even just already again ever actually maybe probably sure bit little big
		good great hard easy able get getting keep keeps kept put take takes give gives given find finds
		ms mr mrs high middle elementary primary secondary upper lower k12 prek
		level levels currently now also them they their mine re minute minutes hour hours times
		finish finished spend spent half whole end come comes came ask asks asked tell tells told say says said
		honestly obviously since may might whose nothing another else everyone someone somebody nobody anyone
		instead far away look looks looked lately finally mostly usually often sometimes`) {
		m[w] = true
	}
	return m
}()

// goalQueryText is her goals without domain stop words, the text the
// ranker searches and embeds. Words are kept in order; an apostrophe's
// "s" and single letters go with them.
func goalQueryText(goals string) string {
	var kept []string
	for _, w := range semantic.Words(goals) {
		if domainStopwords[w] {
			continue
		}
		if t, ok := semantic.Term(w); !ok || domainStopwords[t] {
			continue
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}

// unwantedCue starts what she says she does not want ("I don't want to
// be their boss", "without being their evaluator", "I'm not looking for a
// leadership title") or already has ("I've built exit tickets into my
// classes", "we already use rubrics"). Only her own wishes count: "the kids won't speak
// Spanish" describes the situation she wants help with and stays.
var unwantedCue = regexp.MustCompile(`(?i)\b(?:(?:i|we)\s+(?:really\s+|just\s+)?(?:don'?t|do\s+not|won'?t|will\s+not|never|didn'?t|did\s+not)\s+(?:want|wish|mean|plan|intend)|(?:i'?m|i\s+am|we'?re|we\s+are)\s+not\s+(?:looking\s+for|interested\s+in|asking\s+(?:for|about)|trying\s+to\s+(?:be|become)|after)|without\s+(?:being|becoming|having\s+to\s+be|turning\s+into)|rather\s+than\s+(?:being|becoming)|no\s+interest\s+in|not\s+interested\s+in|(?:i'?ve|i\s+have|we'?ve|we\s+have)\s+(?:already\s+)?(?:built|made|created|mastered|done|earned|completed|finished|been\s+using|been\s+doing)|(?:i|we)\s+already\s+(?:use|do|have|know|built|made|run|teach))\b`)

// clauseEnd ends the stretch an unwanted cue covers.
var clauseEnd = regexp.MustCompile(`[.;!?,]|\bbut\b`)

// bossMention is a person she answers to, named as context ("my
// principal keeps asking me", "our admin wants"): who asks is not what
// she wants to learn, and the role's name would pull in leadership items
// for a teacher who never asked to lead.
var bossMention = regexp.MustCompile(`(?i)\b(?:my|our)\s+(?:new\s+|assistant\s+|vice\s+)?(?:principal|principals|admin|admins|administrator|administrators|administration|ap|superintendent|boss|evaluator|district)\b`)

// wantedGoals is her goals without what she says she does not want, from
// each cue to the end of its clause, and without the people she answers
// to named as context. Words she rules out must not pull the items she
// ruled out to the top.
func wantedGoals(goals string) string {
	goals = bossMention.ReplaceAllString(goals, " ")
	locs := unwantedCue.FindAllStringIndex(goals, -1)
	if locs == nil {
		return goals
	}
	var b strings.Builder
	prev := 0
	for _, loc := range locs {
		if loc[0] < prev {
			continue
		}
		b.WriteString(goals[prev:loc[0]])
		end := len(goals)
		if e := clauseEnd.FindStringIndex(goals[loc[1]:]); e != nil {
			end = loc[1] + e[0]
		}
		prev = end
	}
	b.WriteString(goals[prev:])
	return b.String()
}

// fractionNotation is a fraction written in digits ("1/8", "3 / 4"); a
// date ("9/12/2025") is not one.
var fractionNotation = regexp.MustCompile(`(?:^|[^\d/])(\d{1,2}\s?/\s?\d{1,2})(?:$|[^\d/])`)

// spellNotation names what digits written as a fraction are about ("they
// think 1/8 is bigger than 1/6"): the practice is fractions, a word the
// goal never writes.
func spellNotation(goals string) string {
	if !strings.Contains(goals, "/") || !fractionNotation.MatchString(goals) {
		return goals
	}
	return goals + " fractions"
}

// conceptsIn finds the concept lexicon's phrases in her goals, leaving out
// a single word that is a domain stop word ("grades" is where she teaches
// far more often than what she marks). A longer phrase of common words
// ("when are we ever going to use this") says more than its words.
func conceptsIn(goals string) []lexicon.Match {
	var out []lexicon.Match
	for _, c := range lexicon.Default().Match(goals) {
		if len(semantic.Words(c.Words)) == 1 && goalQueryText(c.Words) == "" {
			continue
		}
		out = append(out, c)
	}
	return out
}

// Career stages the ranker steers by.
const (
	stageNone    = ""
	stageNew     = "new"
	stageVeteran = "veteran"
)

// Years of teaching that make a new teacher (her first or second year,
// the years induction programmes serve) and a veteran.
const (
	newTeacherYears = 3
	veteranYears    = 5
)

// experience is what the profile says about her career stage.
type experience struct {
	stage string
	years *float64
	// words quote the goal text the stage was read from, when it was.
	words string
}

var (
	numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
		"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
		"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
		"thirty": 30, "forty": 40, "a couple of": 2, "a few": 3, "several": 4}
	ordinalWords = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
		"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
	// "nine years", "12+ years of teaching", "two decades"; not "7 years
	// old" or "two years ago".
	// A compound ("twenty-two", "thirty one") is read whole: read from
	// its last word, "twenty-two years" would be two.
	yearsPhrase = regexp.MustCompile(`(?i)\b(\d{1,2}|(?:twenty|thirty|forty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a couple of|a few|several)\+?\s+(years?|yrs|decades?)\b(\s+\w+)?`)
	// "first-year teacher", "my second year teaching", "in my 3rd year".
	ordinalYear = regexp.MustCompile(`(?i)\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))[- ]year\b(\s+\w+)?`)
	// careerContext: words near "N years" that make it her teaching
	// career rather than how long she has done one thing.
	careerContext = regexp.MustCompile(`(?i)\b(teach|teaching|taught|teacher|classroom|grade|veteran|experience|career|profession|in education|in the district)\b`)
	// Words that name a stage without a number.
	newWords     = regexp.MustCompile(`(?i)\b(new|beginning|novice|brand[- ]new|early[- ]career|student|rookie)\s+teachers?\b|\bnew to (teaching|the profession|the classroom)\b|\bjust started teaching\b`)
	veteranWords = regexp.MustCompile(`(?i)\b(veteran|seasoned|experienced)\b`)
	// Someone who mentors, coaches or supports new teachers is not one.
	aboutOthers = regexp.MustCompile(`(?i)\b(mentor|mentoring|mentors|coach|coaching|support|supporting|help|helping|onboard|onboarding|train|training|hire|hiring|our|other)\s+$`)
)

// readExperience reads her career stage: years_experience when given,
// else what her goals say ("nine years", "veteran", "first-year",
// "new teacher").
func readExperience(p catalog.Profile) experience {
	if y := p.YearsExperience; y != nil {
		return experience{stage: stageFor(*y), years: y}
	}
	goals := p.Goals
	for _, m := range yearsPhrase.FindAllStringSubmatchIndex(goals, -1) {
		after := ""
		if m[6] >= 0 {
			after = strings.ToLower(strings.TrimSpace(goals[m[6]:m[7]]))
		}
		switch after {
		case "old", "ago", "from", "until", "left", "behind", "below", "above", "ahead", "later":
			// "7 years old", "two years behind grade level".
			continue
		}
		n, ok := parseCount(goals[m[2]:m[3]])
		if !ok || !careerContext.MatchString(goals[max(0, m[0]-40):min(len(goals), m[1]+25)]) {
			// "running circles for two years" is not her career.
			continue
		}
		if strings.HasPrefix(strings.ToLower(goals[m[4]:m[5]]), "decade") {
			n *= 10
		}
		y := float64(n)
		return experience{stage: stageFor(y), years: &y, words: goals[m[0]:m[5]]}
	}
	for _, m := range ordinalYear.FindAllStringSubmatchIndex(goals, -1) {
		after := ""
		if m[4] >= 0 {
			after = strings.ToLower(strings.TrimSpace(goals[m[4]:m[5]]))
		}
		if !careerContext.MatchString(goals[max(0, m[0]-40):min(len(goals), m[1]+25)]) {
			// "the first year of our new curriculum" is not her career.
			continue
		}
		if strings.HasPrefix(after, "student") || after == "course" || after == "class" || after == "program" || after == "students" {
			// "second-year students", "a first-year course".
			continue
		}
		n, ok := ordinalWords[strings.ToLower(goals[m[2]:m[3]])]
		if !ok {
			n, _ = strconv.Atoi(strings.TrimRight(strings.ToLower(goals[m[2]:m[3]]), "stndrh"))
		}
		if n <= 0 {
			continue
		}
		// The n-th year means n−1 full years behind her.
		y := float64(n - 1)
		return experience{stage: stageFor(y), years: &y, words: goals[m[0]:m[3]] + " year"}
	}
	for _, m := range newWords.FindAllStringIndex(goals, -1) {
		if aboutOthers.MatchString(goals[max(0, m[0]-40):m[0]]) {
			continue
		}
		return experience{stage: stageNew, words: goals[m[0]:m[1]]}
	}
	if m := veteranWords.FindStringIndex(goals); m != nil && !aboutOthers.MatchString(goals[max(0, m[0]-40):m[0]]) {
		return experience{stage: stageVeteran, words: goals[m[0]:m[1]]}
	}
	return experience{}
}

func parseCount(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	s = strings.ToLower(s)
	if n, ok := numberWords[s]; ok {
		return n, true
	}
	// "twenty-two", "thirty one": a tens word and a unit.
	tens, unit, _ := strings.Cut(strings.ReplaceAll(s, " ", "-"), "-")
	t, u := numberWords[tens], numberWords[unit]
	if t < 20 || t%10 != 0 || u < 1 || u > 9 {
		return 0, false
	}
	return t + u, true
}

func stageFor(years float64) string {
	switch {
	case years < newTeacherYears:
		return stageNew
	case years >= veteranYears:
		return stageVeteran
	}
	return stageNone
}

var (
	// inductionMarker: an item written for teachers in their first years.
	inductionMarker = regexp.MustCompile(`\binduction\b|\b(new|beginning|novice|first[- ]year|early[- ]career)\s+teachers?\b|\byear[- ]one\b|\bfirst years? (of|in) (teaching|the classroom|the profession)\b|\bnew to (teaching|the profession)\b`)
	// forMentors: an item that prepares the people who support new
	// teachers (mentors, coaches, leaders), which a veteran may well want.
	forMentors = regexp.MustCompile(`\bmentor(ing)? teachers?\b|\bmentoring\b.*\bnew\b|\b(supporting|mentoring|coaching|onboarding)\b|\bleaders?(hip)?\b|\bprincipals?\b|\bveteran\b|\bexperienced teachers?\b`)
)

// isInduction reports whether credential c is written for teachers in
// their first years: its title or tags say so (or its description's
// opening does), and its title and tags do not say it prepares mentors,
// coaches or leaders.
func isInduction(c *catalog.Credential) bool {
	if surelyNotInduction(c) {
		return false
	}
	head := strings.ToLower(c.Title + " | " + strings.Join(c.Tags, " | "))
	named := mayNameInduction(head) && inductionIn(head)
	if !named {
		desc := c.Description
		if len(desc) > 300 {
			desc = desc[:300]
		}
		desc = strings.ToLower(desc)
		if !mayNameInduction(desc) || !inductionIn(desc) || forMentorsIn(desc) {
			return false
		}
	}
	// Whichever names it, an item whose title or tags say it prepares
	// mentors, coaches or leaders is for them.
	return !forMentorsIn(head)
}

// forMentorsIn reports whether lower-cased text matches forMentors,
// running the expression only on text holding one of the words every
// match contains.
func forMentorsIn(text string) bool {
	for _, w := range mentorWords {
		if strings.Contains(text, w) {
			return forMentors.MatchString(text)
		}
	}
	return false
}

// mentorWords are the plain words every match of forMentors contains.
var mentorWords = []string{"mentor", "supporting", "coaching", "onboarding", "leader", "principal", "veteran", "experienced teacher"}

// mayNameInduction is a cheap test that lower-cased text could match
// inductionMarker, so the regular expressions run on few items of a large
// catalog.
func mayNameInduction(text string) bool {
	for _, marker := range inductionWords {
		if strings.Contains(text, marker) {
			return true
		}
	}
	return false
}

// surelyNotInduction reports whether isInduction would find no marker
// word (mayNameInduction) in c's title, tags or description's opening,
// without lowering them: true only when all of that text is ASCII, as
// lowering some other letters gives ASCII ones ("İ" gives "i"). Every
// start and every build reads every credential, and most name no marker.
// The title and each tag are read apart: the " | " that joins them holds
// no marker's letters.
func surelyNotInduction(c *catalog.Credential) bool {
	desc := c.Description
	if len(desc) > 300 {
		desc = desc[:300]
	}
	if !asciiNamesNoMarker(c.Title) || !asciiNamesNoMarker(desc) {
		return false
	}
	for _, t := range c.Tags {
		if !asciiNamesNoMarker(t) {
			return false
		}
	}
	return true
}

// asciiNamesNoMarker reports whether text is ASCII and, lower-cased,
// holds none of inductionWords.
func asciiNamesNoMarker(text string) bool {
	for i := 0; i < len(text); i++ {
		b := text[i]
		if b >= utf8.RuneSelf {
			return false
		}
		for _, w := range inductionByFirst[asciiLower(b)] {
			if hasLowerPrefix(text[i:], w) {
				return false
			}
		}
	}
	return true
}

// inductionByFirst lists inductionWords by their first letter.
var inductionByFirst = func() (by [utf8.RuneSelf][]string) {
	for _, w := range inductionWords {
		by[w[0]] = append(by[w[0]], w)
	}
	return by
}()

func asciiLower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// hasLowerPrefix reports whether text, its ASCII letters lower-cased,
// starts with prefix (lower case).
func hasLowerPrefix(text, prefix string) bool {
	if len(text) < len(prefix) {
		return false
	}
	for j := 0; j < len(prefix); j++ {
		if asciiLower(text[j]) != prefix[j] {
			return false
		}
	}
	return true
}

// inductionWords are the plain words every match of inductionMarker
// contains (with one space where it allows several).
var inductionWords = []string{"induction", "new to", "year one", "year-one", "first year", "first-year",
	"new teacher", "beginning teacher", "novice teacher", "early career teacher", "early-career teacher"}

// notTeacherInduction are words before "induction" that make it a topic
// taught, not a programme for new teachers ("electromagnetic induction",
// "proof by induction").
var notTeacherInduction = regexp.MustCompile(`\b(electromagnetic|magnetic|electrical|faraday'?s?|mathematical|by|labor|labour)\s+$`)

// inductionIn reports whether lower-cased text names new-teacher
// induction.
func inductionIn(text string) bool {
	for _, m := range inductionMarker.FindAllStringIndex(text, -1) {
		if text[m[0]:m[1]] == "induction" && notTeacherInduction.MatchString(text[max(0, m[0]-40):m[0]]) {
			continue
		}
		return true
	}
	return false
}

// experienceReason says why her career stage moved an induction item.
func (r *request) experienceReason(c *cand) reason {
	if r.exp.stage == stageNone || !r.m.induction[c.idx] {
		return reason{}
	}
	said := "you stated your years of experience"
	if r.exp.years != nil {
		said = fmt.Sprintf("you have %g year%s of experience", *r.exp.years, plural(int(*r.exp.years)))
	}
	if r.exp.words != "" {
		said = fmt.Sprintf("your goals say %q", r.exp.words)
	}
	w := Why{Kind: "experience", Stage: r.exp.stage, Years: r.exp.years}
	if r.exp.words != "" {
		w.Terms = []string{r.exp.words}
	}
	if r.exp.stage == stageNew {
		return reason{text: "Written for teachers in their first years, and " + said + " (ranked higher)", why: w}
	}
	return reason{text: "Written for teachers in their first years, and " + said + " (ranked lower)", why: w}
}

// Goal standards: how many framework codes her goals may name, and how
// near (LSA cosine, and relative to the nearest) each must be.
const goalStandardsMax = 3

var (
	goalStandardsMinSim   float32 = 0.5
	goalStandardsRelative float32 = 0.75
)

// goalStandards finds the framework codes whose names and descriptions lie
// nearest her goals in the semantic space and returns them as a plan of
// soft gaps, weighted by nearness; nil when none is near enough. The
// frameworks' own words carry the paraphrase: "another language at home"
// sits near UDL 2.4's "home languages", and the items aligned to it follow.
func (m *Model) goalStandards(q semantic.Query) *competency.Plan {
	if m.sem == nil || q.Vec == nil || len(m.items) == 0 {
		return nil
	}
	base := len(m.docCred)
	type near struct {
		key string
		sim float32
	}
	var best []near
	for k, key := range m.items {
		sim := semantic.Dot(q.Vec, m.sem.Vec(base+k))
		if sim < goalStandardsMinSim {
			continue
		}
		best = append(best, near{key, sim})
	}
	if len(best) == 0 {
		return nil
	}
	slices.SortFunc(best, func(a, b near) int { return cmp.Compare(b.sim, a.sim) })
	top := best[0].sim
	var gaps []competency.Gap
	for _, n := range best[:min(len(best), goalStandardsMax)] {
		if n.sim < goalStandardsRelative*top {
			break
		}
		fw, code, _ := strings.Cut(n.key, ":")
		gaps = append(gaps, competency.Gap{Key: m.space.Canonical(fw, code), Weight: float64(n.sim / top)})
	}
	return m.space.NewPlan(gaps)
}
