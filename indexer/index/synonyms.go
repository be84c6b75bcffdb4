package index

import (
	"slices"
	"sort"
	"strings"
	"unicode"
)

// acronyms maps the field's acronyms to their spelled-out forms. Teachers and
// issuers write both ("UDL" and "Universal Design for Learning"); Bleve's own
// synonym sources expand single terms only, so each document is indexed with
// the other spelling of every acronym or phrase it contains (see expansions).
var acronyms = map[string][]string{
	"udl":   {"universal design for learning"},
	"sel":   {"social emotional learning", "social-emotional learning"},
	"pbl":   {"project based learning", "project-based learning", "problem based learning"},
	"ell":   {"english language learner", "english learner", "multilingual learner"},
	"el":    {"english learner", "english language learner"},
	"ml":    {"multilingual learner"},
	"mll":   {"multilingual learner"},
	"esl":   {"english as a second language"},
	"esol":  {"english for speakers of other languages"},
	"nbct":  {"national board certified teacher", "national board certification"},
	"nbpts": {"national board for professional teaching standards"},
	"plc":   {"professional learning community"},
	"mtss":  {"multi tiered system of supports", "multi-tiered system of supports"},
	"rti":   {"response to intervention"},
	"iep":   {"individualized education program", "individualized education plan"},
	"crt":   {"culturally responsive teaching"},
	"crp":   {"culturally relevant pedagogy"},
	"pbis":  {"positive behavioral interventions and supports"},
	"stem":  {"science technology engineering and mathematics"},
	"steam": {"science technology engineering arts and mathematics"},
	"cs":    {"computer science"},
	"ai":    {"artificial intelligence"},
	"sped":  {"special education"},
	"dok":   {"depth of knowledge"},
	"ubd":   {"understanding by design"},
	"fft":   {"framework for teaching"},
	"ct":    {"computational thinking"},
	"sor":   {"science of reading"},
}

// phrases maps the first word of each spelled-out form to the forms that
// start with it (as word lists) and their acronyms, so a text is scanned
// once, word by word.
var phrases = func() map[string][]phrase {
	m := map[string][]phrase{}
	for acr, list := range acronyms {
		for _, p := range list {
			words := strings.Fields(normalizeText(p))
			m[words[0]] = append(m[words[0]], phrase{words: words, acronym: acr})
		}
	}
	return m
}()

type phrase struct {
	words   []string
	acronym string
}

// normalizeText lower-cases s and folds punctuation to single spaces so
// "Social-Emotional Learning" and "social emotional learning" compare equal.
func normalizeText(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// expansions returns the other spellings of the acronyms and phrases found
// in text: "UDL" yields "universal design for learning" and the phrase
// yields "udl". The result is indexed in its own field so either spelling
// of a query finds the document.
func expansions(text string) string {
	words := strings.Fields(normalizeText(text))
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i, word := range words {
		for _, p := range acronyms[word] {
			add(p)
		}
		for _, p := range phrases[word] {
			if len(words)-i >= len(p.words) && slices.Equal(words[i:i+len(p.words)], p.words) {
				add(p.acronym)
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ; ")
}

// ExpandQuery returns the query followed by the other spellings of any
// acronym or phrase in it, for callers that search fields without the
// expansion field.
func ExpandQuery(q string) string {
	if e := expansions(q); e != "" {
		return q + " " + e
	}
	return q
}
