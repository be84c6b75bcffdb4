// Package credentialcsv reads credentials from pdpath's CSV layout: a
// header row, columns in any order (unknown ones ignored), several values in
// a cell separated by ";" (or by "," in a cell without ";"), competencies
// written FRAMEWORK:CODE, and values in the words spreadsheets use ("K-5",
// "Self-paced online", "USD 45", "Beginner"). A record with a bad field is
// rejected as "line N" naming the field; the others still land.
package credentialcsv

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/csvtable"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// Parse reads a credentials CSV.
func Parse(source string, data []byte) feed.Result {
	res := feed.Result{Format: feed.FormatCSV}
	t, err := csvtable.Parse(data)
	if err != nil {
		res.Reject(source, "", err)
		return res
	}
	for _, col := range []string{"id", "title"} {
		if !t.Has(col) {
			res.Reject(source, "", fmt.Errorf("CSV header: required column %q is missing (columns: %s)", col, strings.Join(t.Columns, ",")))
			return res
		}
	}
	res.Credentials = make([]feed.Record, 0, len(t.Rows))
	// Rows and unreadable records are reported in file order.
	problems := t.Problems
	for _, row := range t.Rows {
		for len(problems) > 0 && problems[0].Line < row.Line {
			res.Reject(source, line(problems[0].Line), problems[0].Err)
			problems = problems[1:]
		}
		c, err := Record(row)
		if err != nil {
			res.Reject(source, line(row.Line), err)
			continue
		}
		res.Add(source, feed.Record{Credential: c, Locator: line(row.Line)})
	}
	for _, p := range problems {
		res.Reject(source, line(p.Line), p.Err)
	}
	return res
}

func line(n int) string { return fmt.Sprintf("line %d", n) }

func fail(field, format string, args ...any) error {
	return &jsonval.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Record turns one CSV record into a credential, or names the first field
// it cannot accept.
func Record(row csvtable.Row) (catalog.Credential, error) {
	var c catalog.Credential
	c.ID = row.Raw("id")
	if strings.TrimSpace(c.ID) == "" {
		return c, jsonval.Required("id")
	}
	c.Title = strings.Join(strings.Fields(row.Get("title")), " ")
	if c.Title == "" {
		return c, jsonval.Required("title")
	}
	c.Description = row.Get("description")
	if iss := row.Get("issuer"); textnorm.IsIRI(iss) {
		c.IssuerID = iss
	} else {
		c.Issuer = iss
	}

	comps, err := Competencies(row.Raw("competencies"))
	if err != nil {
		return c, fail("competencies", "%v", err)
	}
	c.Competencies = comps

	if v := row.Get("level"); v != "" {
		n, ok := Level(v)
		if !ok {
			return c, fail("level", "%q is not a whole number (1 = entry)", v)
		}
		c.Level = n
	}
	if c.Level == 0 {
		c.Level = textnorm.InferLevel(c.Title)
	}

	for _, id := range row.Split("prerequisites", ";") {
		if id == c.ID {
			return c, fail("prerequisites", "the credential lists itself")
		}
		c.Prerequisites = textnorm.AppendUnique(c.Prerequisites, id)
	}

	if c.CostUSD, err = amount(row.Get("cost_usd"), "cost_usd"); err != nil {
		return c, err
	}
	if c.Hours, err = amount(row.Get("hours"), "hours"); err != nil {
		return c, err
	}

	if v := row.Get("format"); v != "" {
		if c.Format = Format(v); c.Format == "" {
			return c, fail("format", "%q is not online, in-person or hybrid", v)
		}
	}
	if v := row.Get("url"); v != "" {
		if !textnorm.IsWebURL(v) {
			return c, fail("url", "%q is not an absolute http(s) URL", v)
		}
		c.URL = v
	}
	for _, v := range strings.FieldsFunc(row.Raw("grade_bands"), func(r rune) bool { return r == ';' || r == ',' }) {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		bands := GradeBands(v)
		if len(bands) == 0 {
			return c, fail("grade_bands", "%q is not one of %s", v, strings.Join(catalog.GradeBands, ", "))
		}
		for _, band := range bands {
			c.GradeBands = textnorm.AppendUnique(c.GradeBands, band)
		}
	}
	for _, v := range values(row.Raw("subjects")) {
		c.Subjects = textnorm.AppendUnique(c.Subjects, Subject(v))
	}
	c.Tags = textnorm.CleanList(values(row.Raw("tags")))
	c.ApprovedIn = textnorm.CleanList(values(row.Raw("approved_in")))
	return c, nil
}

// values splits a cell holding several values: on ";" as the layout says, or
// on "," when the cell has no ";" ("math, science"), as spreadsheets are
// often filled in.
func values(cell string) []string { return csvtable.SplitCell(cell, ";", ",") }

// Competencies reads a competencies cell: FRAMEWORK:CODE entries separated
// by ";" (or by "," when every part is an entry or a code, so that a
// framework name holding a comma stays whole). An entry that is only a code
// ("InTASC:6;7", "UDL:7.1, 7.2") belongs to the framework named before it.
func Competencies(cell string) ([]catalog.Competency, error) {
	var out []catalog.Competency
	for _, entry := range strings.Split(cell, ";") {
		parts := strings.Split(entry, ",")
		for _, v := range parts {
			if v = strings.TrimSpace(v); v != "" && !strings.Contains(v, ":") && !codeOnly(v) {
				parts = []string{entry}
				break
			}
		}
		for _, v := range parts {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if n := len(out); n > 0 && codeOnly(v) {
				out = append(out, catalog.Competency{Framework: out[n-1].Framework, Code: v})
				continue
			}
			comp, err := Competency(v)
			if err != nil {
				return nil, err
			}
			out = append(out, comp)
		}
	}
	return out, nil
}

// codeOnly reports whether a competency entry is a bare code ("7", "#6",
// "3b", "7.2") rather than FRAMEWORK:CODE.
func codeOnly(v string) bool {
	return v != "" && !strings.Contains(v, ":") && strings.IndexAny(v[:1], "#0123456789") == 0
}

// Competency reads one FRAMEWORK:CODE entry. A framework written as a URL
// keeps its own colons; the code follows the last one.
func Competency(v string) (catalog.Competency, error) {
	v = strings.TrimRight(strings.TrimSpace(v), ":")
	i := strings.Index(v, ":")
	if lower := strings.ToLower(v); strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "urn:") {
		i = strings.LastIndex(v, ":")
		if j := strings.Index(v, "://"); i == j {
			i = -1
		}
	}
	if i <= 0 || i == len(v)-1 {
		return catalog.Competency{}, fmt.Errorf("%q is not FRAMEWORK:CODE", v)
	}
	return catalog.Competency{Framework: strings.TrimSpace(v[:i]), Code: strings.TrimSpace(v[i+1:])}, nil
}

// amount reads a non-negative number: "25", "25.50", "$1,200", "USD 45",
// "free". "n/a", "TBD" and a dash state no amount.
func amount(v, field string) (*float64, error) {
	s := strings.ToLower(v)
	switch s {
	case "", "n/a", "na", "tbd", "-", "\u2013", "\u2014":
		return nil, nil
	case "free":
		return catalog.Float(0), nil
	}
	for _, cur := range []string{"us$", "$", "usd"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, cur))
	}
	for _, unit := range []string{"usd", "hours", "hour", "hrs", "hr", "h"} {
		if strings.HasSuffix(s, unit) {
			s = strings.TrimSuffix(s, unit)
			break
		}
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, fail(field, "%q is not a number", v)
	}
	if n < 0 {
		return nil, fail(field, "%q is negative", v)
	}
	return catalog.Float(n), nil
}

func squash(v string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '.', '/', '\u2013', '\u2014':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(v)))
}

// Format normalises a delivery format: "Online", "in person", "blended",
// or a phrase that says one ("Self-paced online", "Hybrid/Blended"; online
// and in person together are hybrid). It returns "" for a value it does not
// recognise.
func Format(v string) string {
	switch squash(v) {
	case "online", "virtual", "remote", "onlineonly", "elearning":
		return catalog.FormatOnline
	case "inperson", "facetoface", "f2f", "onsite", "classroom", "inpersononly":
		return catalog.FormatInPerson
	case "hybrid", "blended", "blendedlearning", "blendeddelivery", "mixed":
		return catalog.FormatHybrid
	}
	has := func(words ...string) bool {
		for _, w := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
			if slices.Contains(words, w) {
				return true
			}
		}
		return false
	}
	online := has("online", "virtual", "remote", "e-learning", "elearning", "web-based")
	inPerson := has("in-person", "face-to-face", "f2f", "onsite", "on-site", "classroom") ||
		strings.Contains(strings.ToLower(v), "in person") || strings.Contains(strings.ToLower(v), "face to face")
	switch {
	case has("hybrid", "blended") || (online && inPerson):
		return catalog.FormatHybrid
	case online:
		return catalog.FormatOnline
	case inPerson:
		return catalog.FormatInPerson
	}
	return ""
}

// Level reads a level cell: a whole number ("2", "Level 2", "2.0") or a
// stage word (beginner or introductory 1, intermediate 2, advanced 3).
func Level(v string) (int, bool) {
	s := strings.TrimSpace(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(v)), "level"))
	switch s {
	case "beginner", "beginning", "entry", "introductory", "foundational", "novice":
		return 1, true
	case "intermediate":
		return 2, true
	case "advanced":
		return 3, true
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || n != math.Trunc(n) || n > 1000 {
		return 0, false
	}
	return int(n), true
}

// GradeBand normalises a grade band ("pre-k", "K2", "grades 6-8",
// "Adults") to its canonical spelling, or returns "".
func GradeBand(v string) string {
	s := squash(v)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "grades"), "grade")
	switch s {
	case "prek", "pk", "prekindergarten", "preschool":
		return "PreK"
	case "k2", "k02", "kto2", "kthrough2":
		return "K-2"
	case "35", "3to5", "3through5", "0305":
		return "3-5"
	case "68", "6to8", "6through8", "0608":
		return "6-8"
	case "912", "9to12", "9through12", "0912":
		return "9-12"
	case "adult", "adults", "adulted", "adulteducation", "adultlearners":
		return "adult"
	}
	return ""
}

// gradeRange reads a grade or a span of grades ("6", "Grade 6",
// "K-5", "PK-2", "grades 6 to 12", "9th-12th"): PreK is -1 and K is 0.
var gradeRange = regexp.MustCompile(`^(?:grades?|gr\.?)?(pre-?k|pk|k|[0-9]{1,2})(?:st|nd|rd|th)?(?:(?:-|to|through|thru)(pre-?k|pk|k|[0-9]{1,2})(?:st|nd|rd|th)?)?$`)

// bandSpans are the grades each band covers.
var bandSpans = []struct {
	band     string
	low, top int
}{{"PreK", -1, -1}, {"K-2", 0, 2}, {"3-5", 3, 5}, {"6-8", 6, 8}, {"9-12", 9, 12}}

// GradeBands returns the bands a grade-band value covers: its band when it
// names one (see GradeBand), the bands a grade or span of grades falls in
// ("K-5" is K-2 and 3-5, "Grade 7" is 6-8), or those of a school level
// ("elementary", "middle school", "high school"). It returns nil for a value
// it does not recognise.
func GradeBands(v string) []string {
	if band := GradeBand(v); band != "" {
		return []string{band}
	}
	s := strings.NewReplacer(" ", "", "\u2013", "-", "\u2014", "-").Replace(strings.ToLower(strings.TrimSpace(v)))
	switch strings.TrimSuffix(strings.TrimSuffix(s, "school"), "grades") {
	case "elementary", "primary":
		return []string{"K-2", "3-5"}
	case "middle", "juniorhigh":
		return []string{"6-8"}
	case "high":
		return []string{"9-12"}
	}
	m := gradeRange.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	grade := func(g string) int {
		switch g {
		case "prek", "pre-k", "pk":
			return -1
		case "k":
			return 0
		}
		n, _ := strconv.Atoi(g)
		return n
	}
	low, top := grade(m[1]), grade(m[1])
	if m[2] != "" {
		top = grade(m[2])
	}
	if top > 12 || low > top {
		return nil
	}
	var out []string
	for _, b := range bandSpans {
		if low <= b.top && top >= b.low {
			out = append(out, b.band)
		}
	}
	return out
}

// Subject normalises a subject to the lower-case word outputs use,
// folding common spellings ("Mathematics" is "math", "English Language
// Arts" is "ela"); see catalog.Subject.
func Subject(v string) string { return catalog.Subject(v) }
