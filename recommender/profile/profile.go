// Package profile reads what the recommender is told about an educator: the
// profile JSON described in recommender/README.md (strictly: an unknown
// field is an error that names it), its validation with messages that point at the offending field
// ("gaps[1].code: required"), and backpacks of earned badges (Open Badges 2.0
// Assertions, Open Badges 3.0 credentials, CLR 2.0) that add to `earned`.
package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
)

// ErrInvalid is wrapped by every error that describes a malformed or invalid
// profile, so callers can map it to a 4xx answer with errors.Is.
var ErrInvalid = derrors.New(derrors.Invalid, "profile: invalid")

// FieldError is one problem with one field of a profile. Path uses the
// JSON names with indexes ("gaps[1].code", "preferences.max_hours").
type FieldError struct {
	Path    string
	Message string
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return "profile: " + e.Message
	}
	return "profile: " + e.Path + ": " + e.Message
}

// Unwrap makes every FieldError match ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Frameworks is what validation needs to know about competency frameworks:
// how to canonicalize a name or alias, and which codes a framework has. The
// recommender's model and the frameworks registry both satisfy it; nil
// skips framework checks.
type Frameworks interface {
	// CanonicalFramework returns the canonical name for a framework name
	// or alias, and whether the framework is known.
	CanonicalFramework(name string) (string, bool)
	// KnownCode reports whether code is a code of the (canonical)
	// framework. A framework whose codes are not listed accepts any code.
	KnownCode(framework, code string) bool
}

// Parse decodes a profile strictly: unknown fields, wrong types and trailing
// data are errors naming the field. It does not validate values; call
// Validate for that (or use ParseAndValidate).
func Parse(data []byte) (catalog.Profile, error) {
	var p catalog.Profile
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return p, &FieldError{Message: "empty document; send {} for an empty profile"}
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return p, &FieldError{Message: "not valid JSON: " + jsonMessage(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return p, &FieldError{Message: "unexpected data after the profile object"}
	}
	if err := checkShape("", generic, profileShape); err != nil {
		return p, err
	}
	strict := json.NewDecoder(bytes.NewReader(trimmed))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&p); err != nil {
		// checkShape accepted it, so this is a value the shape check does
		// not model (a number out of float64 range, say).
		return p, &FieldError{Message: jsonMessage(err)}
	}
	return p, nil
}

// ParseAndValidate parses data and validates the result against fw (which
// may be nil), returning the normalized profile.
func ParseAndValidate(data []byte, fw Frameworks) (catalog.Profile, error) {
	p, err := Parse(data)
	if err != nil {
		return p, err
	}
	if err := Validate(&p, fw); err != nil {
		return p, err
	}
	return p, nil
}

func jsonMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// shape describes the JSON a profile may hold, so errors can name the exact
// path ("gaps[2].weight") that encoding/json's messages leave out.
type shape struct {
	kind   string // "object", "array", "string", "number"
	fields map[string]*shape
	elem   *shape
}

var (
	stringShape = &shape{kind: "string"}
	numberShape = &shape{kind: "number"}
	stringsList = &shape{kind: "array", elem: stringShape}
	gapShape    = &shape{kind: "object", fields: map[string]*shape{
		"framework": stringShape, "code": stringShape, "weight": numberShape,
	}}
	prefsShape = &shape{kind: "object", fields: map[string]*shape{
		"max_cost_usd": numberShape, "max_hours": numberShape,
		"issuers": stringsList, "exclude_issuers": stringsList,
		"formats": stringsList, "grade_bands": stringsList, "subjects": stringsList,
		"approved_in": stringsList,
	}}
	profileShape = &shape{kind: "object", fields: map[string]*shape{
		"id": stringShape, "goals": stringShape,
		"gaps":             {kind: "array", elem: gapShape},
		"earned":           stringsList,
		"preferences":      prefsShape,
		"years_experience": numberShape,
	}}
)

func checkShape(path string, v any, s *shape) error {
	if v == nil {
		// null is accepted everywhere and means "not given".
		return nil
	}
	switch s.kind {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return &FieldError{Path: path, Message: "want an object, got " + jsonKind(v)}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fs, ok := s.fields[k]
			if !ok {
				known := make([]string, 0, len(s.fields))
				for f := range s.fields {
					known = append(known, f)
				}
				sort.Strings(known)
				return &FieldError{Path: join(path, k), Message: "unknown field (known fields: " + strings.Join(known, ", ") + ")"}
			}
			if err := checkShape(join(path, k), m[k], fs); err != nil {
				return err
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return &FieldError{Path: path, Message: "want an array, got " + jsonKind(v)}
		}
		for i, e := range a {
			if err := checkShape(fmt.Sprintf("%s[%d]", path, i), e, s.elem); err != nil {
				return err
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			return &FieldError{Path: path, Message: "want a string, got " + jsonKind(v)}
		}
	case "number":
		n, ok := v.(json.Number)
		if !ok {
			return &FieldError{Path: path, Message: "want a number, got " + jsonKind(v)}
		}
		if _, err := n.Float64(); err != nil {
			return &FieldError{Path: path, Message: "number out of range"}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// Validate checks a parsed profile and normalizes it in place: framework
// aliases become canonical names, grade bands their canonical spelling,
// formats and subjects lower case, a zero gap weight 1. The first problem
// found is returned as a *FieldError naming the field.
func Validate(p *catalog.Profile, fw Frameworks) error {
	for i := range p.Gaps {
		g := &p.Gaps[i]
		path := fmt.Sprintf("gaps[%d]", i)
		g.Framework = strings.TrimSpace(g.Framework)
		g.Code = strings.TrimSpace(g.Code)
		if g.Framework == "" {
			return &FieldError{Path: path + ".framework", Message: "required"}
		}
		if g.Code == "" {
			return &FieldError{Path: path + ".code", Message: "required"}
		}
		if math.IsNaN(g.Weight) || math.IsInf(g.Weight, 0) || g.Weight < 0 {
			return &FieldError{Path: path + ".weight", Message: "must be a number ≥ 0"}
		}
		if g.Weight == 0 {
			g.Weight = 1
		}
		if fw != nil {
			name, ok := fw.CanonicalFramework(g.Framework)
			if !ok {
				return &FieldError{Path: path + ".framework", Message: fmt.Sprintf("unknown framework %q", g.Framework)}
			}
			g.Framework = name
			if !fw.KnownCode(name, g.Code) {
				return &FieldError{Path: path + ".code", Message: fmt.Sprintf("%q is not a code of %s", g.Code, name)}
			}
		}
	}
	for i, id := range p.Earned {
		if strings.TrimSpace(id) == "" {
			return &FieldError{Path: fmt.Sprintf("earned[%d]", i), Message: "empty credential id"}
		}
	}
	if y := p.YearsExperience; y != nil && (math.IsNaN(*y) || math.IsInf(*y, 0) || *y < 0 || *y > 80) {
		return &FieldError{Path: "years_experience", Message: "must be a number of years from 0 to 80"}
	}
	return validatePreferences(&p.Preferences)
}

func validatePreferences(pr *catalog.Preferences) error {
	for _, f := range []struct {
		name string
		v    *float64
	}{{"max_cost_usd", pr.MaxCostUSD}, {"max_hours", pr.MaxHours}} {
		if f.v != nil && (math.IsNaN(*f.v) || math.IsInf(*f.v, 0) || *f.v < 0) {
			return &FieldError{Path: "preferences." + f.name, Message: "must be a number ≥ 0"}
		}
	}
	for i, f := range pr.Formats {
		v := strings.ToLower(strings.TrimSpace(f))
		if v == "inperson" || v == "in person" {
			v = catalog.FormatInPerson
		}
		if v != catalog.FormatOnline && v != catalog.FormatInPerson && v != catalog.FormatHybrid {
			return &FieldError{Path: fmt.Sprintf("preferences.formats[%d]", i), Message: fmt.Sprintf("%q is not one of online, in-person, hybrid", f)}
		}
		pr.Formats[i] = v
	}
	for i, b := range pr.GradeBands {
		canon, ok := CanonicalGradeBand(b)
		if !ok {
			return &FieldError{Path: fmt.Sprintf("preferences.grade_bands[%d]", i), Message: fmt.Sprintf("%q is not one of %s", b, strings.Join(catalog.GradeBands, ", "))}
		}
		pr.GradeBands[i] = canon
	}
	for i, s := range pr.Subjects {
		v := strings.ToLower(strings.TrimSpace(s))
		if v == "" {
			return &FieldError{Path: fmt.Sprintf("preferences.subjects[%d]", i), Message: "empty subject"}
		}
		pr.Subjects[i] = v
	}
	for i, j := range pr.ApprovedIn {
		v := strings.TrimSpace(j)
		if v == "" {
			return &FieldError{Path: fmt.Sprintf("preferences.approved_in[%d]", i), Message: "empty jurisdiction"}
		}
		pr.ApprovedIn[i] = v
	}
	for _, list := range []struct {
		name string
		v    []string
	}{{"issuers", pr.Issuers}, {"exclude_issuers", pr.ExcludeIssuers}} {
		for i, s := range list.v {
			if strings.TrimSpace(s) == "" {
				return &FieldError{Path: fmt.Sprintf("preferences.%s[%d]", list.name, i), Message: "empty issuer"}
			}
		}
	}
	return nil
}

// CanonicalGradeBand returns the canonical spelling of a grade band
// ("prek" → "PreK", "6–8" → "6-8") and whether it is one.
func CanonicalGradeBand(b string) (string, bool) {
	norm := strings.ToLower(strings.TrimSpace(b))
	norm = strings.NewReplacer("–", "-", "—", "-", " ", "").Replace(norm)
	for _, g := range catalog.GradeBands {
		if strings.ToLower(g) == norm {
			return g, true
		}
	}
	if norm == "pre-k" || norm == "pk" {
		return "PreK", true
	}
	return "", false
}

// MergeEarned adds ids to the profile's earned list, skipping ones already
// there, and keeps the profile's own order first.
func MergeEarned(p *catalog.Profile, ids []string) {
	for _, id := range ids {
		if !slices.Contains(p.Earned, id) {
			p.Earned = append(p.Earned, id)
		}
	}
}
