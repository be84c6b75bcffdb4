package semantic

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokenize splits text into the terms the semantic space is built on:
// lower-cased words without stop words, numbers or one-letter tokens, each
// reduced by a light stemmer so "discussions", "discussing" and "discussed"
// meet. The stemmer is deliberately conservative: LSA joins the related
// forms it leaves apart, while an aggressive one would merge words the
// catalog uses for different practices.
func Tokenize(text string) []string {
	var out []string
	forEachWord(text, func(w string) {
		if t, ok := Term(w); ok {
			out = append(out, t)
		}
	})
	return out
}

// Words returns the lower-cased words of text in order, stop words
// included; reasons use it to quote the educator's own words.
func Words(text string) []string {
	var out []string
	forEachWord(text, func(w string) { out = append(out, w) })
	return out
}

// Term returns the index term for one lower-cased word, and false for a
// word the space ignores (a stop word, a number, a single letter).
func Term(w string) (string, bool) {
	if len(w) < 2 || stopwords[w] || isNumber(w) {
		return "", false
	}
	return stem(w), true
}

func forEachWord(text string, fn func(string)) {
	buf := make([]byte, 0, 32)
	flush := func() {
		if len(buf) > 0 {
			fn(string(buf))
			buf = buf[:0]
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < 0x80 {
			// ASCII fast path: most catalog text is plain English.
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				buf = append(buf, c)
			case 'A' <= c && c <= 'Z':
				buf = append(buf, c+'a'-'A')
			case c == '\'':
			default:
				flush()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		case r == '’':
			// "students’" keeps its stem, as with an ASCII apostrophe.
		default:
			flush()
		}
	}
	flush()
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stem strips the commonest English inflections. Rules apply in order and
// keep at least a three-letter stem.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:n-1]
	}
	// w may have changed; re-measure before the derivational rules.
	n = len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:n-3])
	case n > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed"):
		w = undouble(w[:n-2])
	case n > 6 && strings.HasSuffix(w, "ation"):
		w = w[:n-3]
	case n > 5 && strings.HasSuffix(w, "ly"):
		w = w[:n-2]
	case n > 7 && strings.HasSuffix(w, "ment"):
		w = w[:n-4]
	}
	if len(w) > 4 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "planned"'s "plann" back into "plan"; l, s and z stay
// doubled as in "skill", "assess", "buzz".
func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouslz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopwords are function words and filler that carry no practice.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at
		be because been before being below between both but by can could did do does doing down during
		each etc few for from further get gets got had has have having he her here hers herself him himself
		his how i if in into is it its itself just let me more most my myself no nor not now of off on once
		only or other our ours ourselves out over own same she should so some such than that the their
		theirs them themselves then there these they this those through to too under until up upon us very
		via was we were what when where which while who whom why will with within without would you your
		yours yourself yourselves want wants need needs like make makes made many much one ones way ways
		really better best help helps helping new use used uses using well within across around every`) {
		m[w] = true
	}
	return m
}()
