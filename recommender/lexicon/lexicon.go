// Package lexicon owns the concept lexicon: a small table, written from
// general knowledge of teaching, that maps the everyday words a teacher
// uses for a situation ("a child throws chairs", "kids zone out when I
// lecture", "parents never come to conferences") to the words the
// profession and its frameworks use for the practice that answers it
// (de-escalation and behaviour support, active learning and engagement,
// family engagement) and, where one names it, a framework code.
//
// The table is lexicon.csv, embedded. Match finds its phrases in a goal:
// words are compared after lower-casing and the semantic space's light
// stemming ("throws" meets "throw"), stop words included, so "hard of
// hearing" needs all three words; at each position the longest phrase
// wins and matches do not overlap, so "department chair" is leadership
// and never the "chairs" of a behaviour phrase. Every negation compares
// as one word ("doesn't", "do not", "never", "barely" speak English), and
// up to MaxGap other words may lie inside a phrase within one clause
// ("don't speak any English").
package lexicon

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/pdpath/pdpath/recommender/semantic"
)

//go:embed lexicon.csv
var table string

// Entry is one concept: the everyday phrases that name it and what the
// profession calls it.
type Entry struct {
	// Family is the area of practice ("behaviour", "english learners").
	Family string
	// Phrases are the everyday wordings, as written in the table.
	Phrases []string
	// Terms are the profession's words for the practice.
	Terms string
	// Codes are framework codes, "FRAMEWORK:CODE", that name it.
	Codes []string
}

// Match is one phrase of the lexicon found in a text.
type Match struct {
	// Words are the text that matched, as written ("throws chairs",
	// "they've forgotten").
	Words string
	Entry *Entry
}

// Lexicon is a parsed table, safe for concurrent use.
type Lexicon struct {
	entries []Entry
	// phrases by their first normalized word, longest first.
	byFirst map[string][]phrase
}

type phrase struct {
	words []string
	entry int
}

// norm turns a word into the form phrases are compared in: the semantic
// space's stem when it keeps the word, else the word itself (stop words
// and numbers stay, so "hard of hearing" and "504 plan" match as written).
func norm(w string) string {
	if t, ok := semantic.Term(w); ok {
		return t
	}
	if b, ok := inflected[w]; ok {
		return b
	}
	return w
}

// inflected maps the forms of common verbs the semantic space keeps as
// stop words, and so does not stem, to one form: "who gets it" meets
// "who got it".
var inflected = func() map[string]string {
	m := map[string]string{}
	for _, row := range []string{"get gets got getting gotten", "make makes made making",
		"want wants wanted wanting", "need needs needed needing", "help helps helped helping",
		"use uses used using", "like likes liked liking", "do does did doing done",
		"have has had having", "be is are was were been being am"} {
		f := strings.Fields(row)
		for _, w := range f {
			m[w] = f[0]
		}
	}
	return m
}()

// Parse reads a lexicon table: CSV with a header
// family,phrases,terms,codes; lines starting with '#' are comments;
// phrases and codes are separated by ';'. Errors name the line and field.
func Parse(r io.Reader) (*Lexicon, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 4
	l := &Lexicon{byFirst: map[string][]phrase{}}
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("lexicon: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if header {
			if strings.Join(rec, ",") != "family,phrases,terms,codes" {
				return nil, fmt.Errorf("lexicon: line %d: want header family,phrases,terms,codes, got %q", line, strings.Join(rec, ","))
			}
			header = false
			continue
		}
		e := Entry{Family: strings.TrimSpace(rec[0]), Terms: strings.TrimSpace(rec[2])}
		if e.Family == "" {
			return nil, fmt.Errorf("lexicon: line %d: field family is empty", line)
		}
		if e.Terms == "" {
			return nil, fmt.Errorf("lexicon: line %d: field terms is empty", line)
		}
		for _, c := range strings.Split(rec[3], ";") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			if fw, code, ok := strings.Cut(c, ":"); !ok || fw == "" || code == "" {
				return nil, fmt.Errorf("lexicon: line %d: field codes: %q is not FRAMEWORK:CODE", line, c)
			}
			e.Codes = append(e.Codes, c)
		}
		idx := len(l.entries)
		for _, p := range strings.Split(rec[1], ";") {
			p = strings.TrimSpace(p)
			var words []string
			for _, w := range split(p) {
				words = append(words, w.norm)
			}
			if len(words) == 0 {
				continue
			}
			e.Phrases = append(e.Phrases, p)
			l.byFirst[words[0]] = append(l.byFirst[words[0]], phrase{words, idx})
		}
		if len(e.Phrases) == 0 {
			return nil, fmt.Errorf("lexicon: line %d: field phrases is empty", line)
		}
		l.entries = append(l.entries, e)
	}
	if header {
		return nil, errors.New("lexicon: empty table")
	}
	for k, ps := range l.byFirst {
		// Longest first, so the longest phrase at a position wins.
		sortLongestFirst(ps)
		l.byFirst[k] = ps
	}
	return l, nil
}

func sortLongestFirst(ps []phrase) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && len(ps[j].words) > len(ps[j-1].words); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default is the bundled lexicon (lexicon.csv). Its tests keep it valid.
func Default() *Lexicon {
	defaultOnce.Do(func() {
		l, err := Parse(strings.NewReader(table))
		if err != nil {
			panic(err)
		}
		defaultLex = l
	})
	return defaultLex
}

// Entries returns the concepts in table order.
func (l *Lexicon) Entries() []Entry { return l.entries }

// MaxGap is how many words of a text may lie between the words of one
// phrase ("don't speak any English" meets "don't speak English"); a gap
// never crosses a clause break (. , ; : ! ? or a dash).
const MaxGap = 2

// Match finds the lexicon's phrases in text, in text order: at each word
// the longest phrase starting there, and the search resumes after it.
// A concept is reported once, at its first phrase.
func (l *Lexicon) Match(text string) []Match {
	words := split(text)
	var out []Match
	seen := map[int]bool{}
	for i := 0; i < len(words); {
		end := -1
		for _, p := range l.byFirst[words[i].norm] {
			e, ok := matchAt(words, i, p.words)
			if !ok {
				continue
			}
			end = e
			if !seen[p.entry] {
				seen[p.entry] = true
				out = append(out, Match{Words: text[words[i].start:words[e].end], Entry: &l.entries[p.entry]})
			}
			break
		}
		if end < 0 {
			end = i
		}
		i = end + 1
	}
	return out
}

// matchAt reports whether phrase starts at words[i] and the index of the
// text word its last word met. Its words must come in order; at most
// MaxGap other words may lie between them in all, within one clause.
func matchAt(words []word, i int, phrase []string) (int, bool) {
	if words[i].norm != phrase[0] {
		return 0, false
	}
	k, gap := i, 0
	for _, pw := range phrase[1:] {
		k++
		for k < len(words) && words[k].norm != pw && !words[k].brk && gap < MaxGap {
			k++
			gap++
		}
		if k >= len(words) || words[k].norm != pw || words[k].brk {
			return 0, false
		}
	}
	return k, true
}

// word is one word of a text: where it lies and its compared form.
type word struct {
	start, end int
	norm       string
	raw        string
	// brk: a clause break (. , ; : ! ? or a dash) lies before it.
	brk bool
}

// negation is the compared form of every word that negates what follows
// ("don't", "never", "can't", "barely"), so "doesn't speak English",
// "never speak English" and "barely speak English" are one phrase.
const negation = "not"

var negations = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`not no never dont doesnt didnt cant cannot wont isnt arent
		wasnt werent havent hasnt hadnt wouldnt couldnt shouldnt barely hardly rarely seldom`) {
		m[w] = true
	}
	return m
}()

// auxiliaries before "not" fold into it ("do not" is "don't").
var auxiliaries = map[string]bool{"do": true, "does": true, "did": true, "can": true, "will": true,
	"would": true, "could": true, "should": true, "is": true, "are": true, "was": true, "were": true,
	"have": true, "has": true, "had": true}

func isBreak(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?', '(', ')', '—', '–', '\n':
		return true
	}
	return false
}

// split cuts text into words (letters and digits, with apostrophes inside
// a word dropped from the compared form, as the semantic space drops them:
// "don't" is "dont").
func split(text string) []word {
	var out []word
	start := -1
	brk := false
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.Map(func(r rune) rune {
			if r == '\'' || r == '’' {
				return -1
			}
			return unicode.ToLower(r)
		}, text[start:end])
		if w != "" {
			if negations[w] {
				w = negation
				if n := len(out); n > 0 && !brk && auxiliaries[out[n-1].raw] {
					// "do not": the auxiliary joins the negation.
					start, brk = out[n-1].start, out[n-1].brk
					out = out[:n-1]
				}
			}
			out = append(out, word{start: start, end: end, norm: norm(w), brk: brk, raw: w})
			brk = false
		}
		start = -1
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0:
			// inside a word
		default:
			flush(i)
			if isBreak(r) {
				brk = true
			}
		}
	}
	flush(len(text))
	// A trailing apostrophe ("students'") is not part of the word.
	for k := range out {
		for out[k].end > out[k].start && (text[out[k].end-1] == '\'') {
			out[k].end--
		}
	}
	return out
}

// Terms joins the profession's terms of every match, the text a goal is
// expanded with.
func Terms(ms []Match) string {
	var b strings.Builder
	for _, m := range ms {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.Entry.Terms)
	}
	return b.String()
}
