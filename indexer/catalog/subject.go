package catalog

import "strings"

// Subject normalises a subject name to the lower-case word the catalog
// stores and filters by, folding common spellings: "Mathematics" is
// "math", "English Language Arts" is "ela", "Computer Science" is "cs".
// Names it does not know are lower-cased and kept.
func Subject(v string) string {
	s := strings.Join(strings.Fields(strings.ToLower(v)), " ")
	if c, ok := subjectSpellings[s]; ok {
		return c
	}
	return s
}

var subjectSpellings = map[string]string{
	"mathematics": "math", "maths": "math",
	"english language arts": "ela", "english/language arts": "ela", "english": "ela", "language arts": "ela",
	"reading/language arts": "ela", "literacy": "ela",
	"sciences":         "science",
	"computer science": "cs", "computing": "cs",
	"english as a second language": "esl", "english language development": "esl", "eld": "esl", "ell": "esl",
	"english learners": "esl", "multilingual learners": "esl",
	"the arts": "arts", "fine arts": "arts", "visual arts": "art",
	"pe": "physical education", "p.e.": "physical education",
	"sped":                           "special education",
	"career and technical education": "cte",
	"world language":                 "world languages", "foreign language": "world languages", "foreign languages": "world languages",
	"social science": "social studies", "social sciences": "social studies",
	"general education": "general", "all subjects": "general", "any subject": "general",
	"all content areas": "general", "any content area": "general", "cross-curricular": "general",
	"interdisciplinary": "general", "multiple subjects": "general", "all": "general", "any": "general",
}

// subjectAreas maps a subject taught within a broader one to that area:
// a biology teacher asking for science items, or a science teacher
// asking for science, is served by an item for biology and by one for
// science.
var subjectAreas = map[string]string{
	"biology": "science", "chemistry": "science", "physics": "science", "earth science": "science",
	"environmental science": "science", "life science": "science", "physical science": "science",
	"algebra": "math", "geometry": "math", "calculus": "math", "statistics": "math", "precalculus": "math",
	"history": "social studies", "us history": "social studies", "u.s. history": "social studies",
	"world history": "social studies", "civics": "social studies", "government": "social studies",
	"geography": "social studies", "economics": "social studies", "psychology": "social studies",
	"reading": "ela", "writing": "ela", "literature": "ela", "phonics": "ela",
	"music": "arts", "art": "arts", "band": "arts", "choir": "arts", "orchestra": "arts",
	"theater": "arts", "theatre": "arts", "drama": "arts", "dance": "arts",
	"spanish": "world languages", "french": "world languages", "german": "world languages",
	"chinese": "world languages", "mandarin": "world languages", "latin": "world languages",
	"health": "physical education",
	"coding": "cs", "programming": "cs",
}

// stemAreas are the areas STEM spans.
var stemAreas = map[string]bool{"science": true, "math": true, "cs": true, "engineering": true, "technology": true}

// SubjectArea returns the broad area a subject belongs to ("biology" is
// "science"), or the subject itself when it is one.
func SubjectArea(v string) string {
	s := Subject(v)
	if a, ok := subjectAreas[s]; ok {
		return a
	}
	return s
}

// ForAllSubjects reports whether a subject name means every subject
// ("general", "all content areas").
func ForAllSubjects(v string) bool { return Subject(v) == "general" }

// SubjectsSuit reports whether an item stated for the subjects have suits
// a teacher of one of want: an item for all subjects, the same subject in
// any spelling, a subject and the area it is part of (biology and
// science, either way round), or STEM beside one of the areas it spans. An item that states no subject
// is the caller's to judge.
func SubjectsSuit(have, want []string) bool {
	for _, h := range have {
		if ForAllSubjects(h) {
			return true
		}
		hs, ha := Subject(h), SubjectArea(h)
		for _, w := range want {
			ws, wa := Subject(w), SubjectArea(w)
			// Siblings within an area (biology and chemistry) do not
			// suit each other; a subject and its area do.
			if hs == ws || hs == wa || ws == ha || hs == "stem" && stemAreas[wa] || ws == "stem" && stemAreas[ha] {
				return true
			}
		}
	}
	return false
}
