// Package credentialcsv reads credentials from the CSV layout of the SPEC: a
// header row, columns in any order (unknown ones ignored), several values in
// a cell separated by ";", competencies written FRAMEWORK:CODE. A record
// with a bad field is rejected as "line N" naming the field; the others
// still land.
package credentialcsv

import (
	"fmt"
	"math"
	"strconv"
	"strings"

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

	for _, v := range row.Split("competencies", ";") {
		comp, err := Competency(v)
		if err != nil {
			return c, fail("competencies", "%v", err)
		}
		c.Competencies = append(c.Competencies, comp)
	}

	if v := row.Get("level"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.ToLower(v), "level")))
		if err != nil || n < 0 {
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

	var err error
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
		band := GradeBand(v)
		if band == "" {
			return c, fail("grade_bands", "%q is not one of %s", v, strings.Join(catalog.GradeBands, ", "))
		}
		c.GradeBands = textnorm.AppendUnique(c.GradeBands, band)
	}
	for _, v := range row.Split("subjects", ";") {
		c.Subjects = textnorm.AppendUnique(c.Subjects, Subject(v))
	}
	c.Tags = textnorm.CleanList(row.Split("tags", ";"))
	return c, nil
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

// amount reads a non-negative number: "25", "25.50", "$1,200", "free".
func amount(v, field string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	s := strings.ToLower(v)
	if s == "free" {
		return catalog.Float(0), nil
	}
	s = strings.TrimPrefix(s, "$")
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

// Format normalises a delivery format: "Online", "in person", "blended"...
// It returns "" for a value it does not recognise.
func Format(v string) string {
	switch squash(v) {
	case "online", "virtual", "remote", "onlineonly", "elearning":
		return catalog.FormatOnline
	case "inperson", "facetoface", "f2f", "onsite", "classroom", "inpersononly":
		return catalog.FormatInPerson
	case "hybrid", "blended", "blendedlearning", "blendeddelivery", "mixed":
		return catalog.FormatHybrid
	}
	return ""
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

// Subject normalises a subject to the lower-case word outputs use,
// folding common spellings ("Mathematics" is "math", "English Language
// Arts" is "ela").
func Subject(v string) string {
	s := strings.Join(strings.Fields(strings.ToLower(v)), " ")
	switch s {
	case "mathematics", "maths":
		return "math"
	case "english language arts", "english/language arts", "english", "language arts":
		return "ela"
	case "sciences":
		return "science"
	}
	return s
}
