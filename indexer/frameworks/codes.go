package frameworks

import (
	"regexp"
	"strconv"
	"strings"
)

// codeForm reads a built-in framework's code out of how feeds write it:
// "Standard 6", "#6", "Component 3b", "ISTE 2.3.a", "Checkpoint 7.2", or a
// name or URL that carries the code.
type codeForm interface {
	// normalize returns the code, and a finer part the code leaves out
	// (an ISTE indicator such as "2.3.a") when there is one.
	normalize(s string) (code, detail string, ok bool)
}

// clean lower-cases s and spells dashes plainly.
func clean(s string) string {
	return strings.NewReplacer("\u2013", "-", "\u2014", "-", "\u00a0", " ").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// afterWord returns the text after each occurrence of one of words, with
// a plural "s" and separators such as "#" or ":" skipped ("standard #6:
// assessment" gives "6: assessment").
func afterWord(s string, words []string) []string {
	var out []string
	for _, w := range words {
		for start := 0; ; {
			i := strings.Index(s[start:], w)
			if i < 0 {
				break
			}
			start += i + len(w)
			out = append(out, strings.TrimLeft(strings.TrimPrefix(s[start:], "s"), " #:.-\t"))
		}
	}
	return out
}

// numbered frameworks have codes 1..max: InTASC and PSEL standards, NBPTS
// propositions.
type numbered struct {
	max   int
	words []string
}

var standaloneInt = regexp.MustCompile(`(?:^|[^0-9.])([0-9]{1,2})(?:$|[^0-9.]|\.(?:$|[^0-9]))`)
var leadingInt = regexp.MustCompile(`^([0-9]{1,2})(?:$|[^0-9.]|\.(?:$|[^0-9]))`)

func (n numbered) normalize(s string) (string, string, bool) {
	s = clean(s)
	pick := func(m []string) (string, bool) {
		if m == nil {
			return "", false
		}
		v, _ := strconv.Atoi(m[1])
		if v >= 1 && v <= n.max {
			return strconv.Itoa(v), true
		}
		return "", false
	}
	for _, rest := range afterWord(s, n.words) {
		if code, ok := pick(leadingInt.FindStringSubmatch(rest)); ok {
			return code, "", true
		}
	}
	for _, m := range standaloneInt.FindAllStringSubmatch(s, -1) {
		if code, ok := pick(m); ok {
			return code, "", true
		}
	}
	return "", "", false
}

// fftCodes: Danielson domains 1..4 and components "1a".."4f".
type fftCodes struct{}

var fftCode = regexp.MustCompile(`(?:^|[^0-9a-z])([1-4])\s*[.:-]?\s*([a-f])?(?:$|[^0-9a-z])`)
var fftLeading = regexp.MustCompile(`^([1-4])\s*[.:-]?\s*([a-f])?(?:$|[^0-9a-z])`)

func (fftCodes) normalize(s string) (string, string, bool) {
	s = clean(s)
	for _, rest := range afterWord(s, []string{"component", "domain"}) {
		if m := fftLeading.FindStringSubmatch(rest); m != nil {
			return m[1] + m[2], "", true
		}
	}
	if m := fftCode.FindStringSubmatch(s); m != nil {
		return m[1] + m[2], "", true
	}
	return "", "", false
}

// isteCodes: ISTE Standards for Educators "2.1".."2.7", also written as the
// standard's number within the educator set ("Standard 4", indicator "4b")
// or its role name ("Collaborator"). Indicators ("2.4.b") keep to their
// standard.
type isteCodes struct{}

var (
	isteDotted = regexp.MustCompile(`(?:^|[^0-9.])([1-7])\.([1-7])(?:\.?([a-e]))?(?:$|[^0-9a-z])`)
	isteSingle = regexp.MustCompile(`(?:^|[^0-9.])([1-7])\.?([a-e])?(?:$|[^0-9.a-z])`)
	isteRoles  = regexp.MustCompile(`\b(learner|leader|citizen|collaborator|designer|facilitator|analyst)\b`)
)

// isteRoleCodes numbers the educator roles in the standards' order.
var isteRoleCodes = map[string]string{
	"learner": "2.1", "leader": "2.2", "citizen": "2.3", "collaborator": "2.4",
	"designer": "2.5", "facilitator": "2.6", "analyst": "2.7",
}

func (isteCodes) normalize(s string) (string, string, bool) {
	s = clean(s)
	if m := isteDotted.FindStringSubmatch(s); m != nil {
		code := m[1] + "." + m[2]
		detail := ""
		if m[3] != "" {
			detail = code + "." + m[3]
		}
		return code, detail, true
	}
	if m := isteSingle.FindStringSubmatch(s); m != nil {
		// "4b": indicator b of the fourth educator standard, 2.4.
		code := "2." + m[1]
		if m[2] != "" {
			return code, code + "." + m[2], true
		}
		return code, "", true
	}
	if m := isteRoles.FindStringSubmatch(s); m != nil {
		return isteRoleCodes[m[1]], "", true
	}
	return "", "", false
}

// udlCodes: UDL guidelines "1".."9" and checkpoints "1.1".."9.3".
type udlCodes struct{}

var udlCode = regexp.MustCompile(`(?:^|[^0-9.])([1-9])(?:\.([1-9]))?(?:$|[^0-9])`)
var udlLeading = regexp.MustCompile(`^([1-9])(?:\.([1-9]))?(?:$|[^0-9])`)

func (udlCodes) normalize(s string) (string, string, bool) {
	s = clean(s)
	join := func(m []string) string {
		if m[2] != "" {
			return m[1] + "." + m[2]
		}
		return m[1]
	}
	// "UDL Guidelines 2.2" names the version, not a checkpoint.
	s = strings.NewReplacer("guidelines 2.2", "guidelines", "guidelines v2.2", "guidelines").Replace(s)
	for _, rest := range afterWord(s, []string{"checkpoint", "guideline"}) {
		if m := udlLeading.FindStringSubmatch(rest); m != nil {
			return join(m), "", true
		}
	}
	if m := udlCode.FindStringSubmatch(s); m != nil {
		return join(m), "", true
	}
	return "", "", false
}

// digCompEduCodes: DigCompEdu areas "1".."6", competences "1.1".."6.5" and
// activity statements below them ("1.1.3").
type digCompEduCodes struct{}

var digCode = regexp.MustCompile(`(?:^|[^0-9.])([1-6])(?:\.([0-9]))?(?:\.([0-9]{1,2}))?(?:$|[^0-9])`)

func (digCompEduCodes) normalize(s string) (string, string, bool) {
	m := digCode.FindStringSubmatch(clean(s))
	if m == nil {
		return "", "", false
	}
	code := m[1]
	if m[2] != "" {
		code += "." + m[2]
		if m[3] != "" {
			code += "." + m[3]
		}
	}
	return code, "", true
}

// shapeParent derives a parent from a code's shape: "7.2" → "7",
// "2.1.3" → "2.1", "3b" → "3".
func shapeParent(code string) string {
	if i := strings.LastIndex(code, "."); i > 0 {
		return code[:i]
	}
	i := 0
	for i < len(code) && code[i] >= '0' && code[i] <= '9' {
		i++
	}
	if i > 0 && i < len(code) && isAlpha(code[i:]) {
		return code[:i]
	}
	return ""
}
