// Package textnorm holds the small text clean-ups every feed parser applies
// the same way: a level read from a title, markdown turned into plain text,
// lists trimmed and de-duplicated, and URLs recognised.
package textnorm

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var levelPattern = regexp.MustCompile(`(?i)\blevel[\s:#.-]*(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|x|ix|viii|vii|vi|v|iv|iii|ii|i)\b`)

var levelWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
}

// InferLevel reads a stack level from a title such as "Coaching Level 2",
// "Level II: Practice" or "Assessment (level three)". It returns 0 when the
// title names no level from 1 to 10.
func InferLevel(title string) int {
	m := levelPattern.FindStringSubmatch(title)
	if m == nil {
		return 0
	}
	word := strings.ToLower(m[1])
	if n, err := strconv.Atoi(word); err == nil {
		if n >= 1 && n <= 10 {
			return n
		}
		return 0
	}
	return levelWords[word]
}

var (
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdStrong   = regexp.MustCompile(`(\*\*|__)([^*_\n]+)(\*\*|__)`)
	mdEmphasis = regexp.MustCompile(`(^|[^\pL\pN*_])[*_]([^*_\n]+)[*_]([^\pL\pN*_]|$)`)
	mdCode     = regexp.MustCompile("`([^`\n]*)`")
	mdHeading  = regexp.MustCompile(`^\s{0,3}#{1,6}\s+`)
	mdQuote    = regexp.MustCompile(`^\s{0,3}>\s?`)
	blankRuns  = regexp.MustCompile(`\n{3,}`)
)

// PlainMarkdown turns the markdown feeds use in criteria narratives into
// plain text: headings, emphasis, code spans and link syntax are removed,
// keeping their text; line breaks and list markers stay.
func PlainMarkdown(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = mdHeading.ReplaceAllString(line, "")
		line = mdQuote.ReplaceAllString(line, "")
		line = mdImage.ReplaceAllString(line, "$1")
		line = mdLink.ReplaceAllString(line, "$1")
		line = mdStrong.ReplaceAllString(line, "$2")
		line = mdEmphasis.ReplaceAllString(line, "$1$2$3")
		line = mdCode.ReplaceAllString(line, "$1")
		lines[i] = strings.TrimRight(line, " \t")
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// CleanList trims every entry and drops empty ones and repeats (compared
// without regard to case), keeping the first spelling and the order.
func CleanList(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.Join(strings.Fields(s), " ")
		key := strings.ToLower(s)
		if s == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s)
	}
	return out
}

// AppendUnique appends s to list unless it is empty or already there.
func AppendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

// IsWebURL reports whether s is an absolute http or https URL.
func IsWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// IsIRI reports whether s looks like an identifier IRI (a URL, urn:, did:,
// tag: ...) rather than a display name.
func IsIRI(s string) bool {
	if strings.ContainsAny(s, " \t\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	return u.Host != "" || u.Opaque != ""
}

// Image returns an image reference worth keeping: a URL, not an inline
// data: URI, which would bloat the catalog.
func Image(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(s), "data:") {
		return ""
	}
	return s
}

// Host returns the lower-case host of a URL without a leading "www.", or ""
// when s is not an absolute URL.
func Host(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
