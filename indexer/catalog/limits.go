package catalog

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// Limits on what one catalog item may hold. Every feed format passes
// through Bound before a record reaches the catalog, so a hostile or broken
// feed cannot make the index, the model or a response grow without bound:
// prose longer than its limit is cut (and the cut reported), identifiers
// and links longer than theirs are refused, and numbers outside their range
// reject the record, since a guessed value would be silently wrong.
const (
	// MaxIDBytes caps an id and every reference to one (prerequisites,
	// stacks, alternative ids, superseded_by).
	MaxIDBytes = 2048
	// MaxURLBytes caps the url, image and issuer_id links.
	MaxURLBytes = 2048
	// MaxTitleRunes, MaxDescriptionRunes and MaxCriteriaRunes cap prose.
	MaxTitleRunes       = 500
	MaxDescriptionRunes = 20000
	MaxCriteriaRunes    = 20000
	// MaxNameRunes caps an issuer's or a competency's name.
	MaxNameRunes = 500
	// MaxCompetencyNameRunes caps a competency's statement.
	MaxCompetencyNameRunes = 2000
	// MaxLabelRunes caps one tag, subject, grade band, jurisdiction, type,
	// kind, format, framework or code.
	MaxLabelRunes = 200
	// MaxListItems caps each list (tags, competencies, prerequisites...).
	MaxListItems = 500
	// MaxCostUSD and MaxHours bound the stated cost and hours; MaxLevel
	// bounds the step in a progression.
	MaxCostUSD = 1_000_000
	MaxHours   = 10_000
	MaxLevel   = 100
)

// Adjustment is a change Bound made to a record that was kept: which field
// and what was done to it.
type Adjustment struct {
	Field   string
	Message string
}

// Bound checks c against the limits above. It cuts prose and lists that
// are too long, reporting each cut as an Adjustment, and returns an error
// naming the field when the record must be refused (an id or link too long
// to be one, a number outside its range).
func Bound(c *Credential) ([]Adjustment, error) {
	var adj []Adjustment
	if len(c.ID) > MaxIDBytes {
		return nil, fmt.Errorf("id is %d bytes, over the %d-byte limit", len(c.ID), MaxIDBytes)
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"url", &c.URL, MaxURLBytes},
		{"image", &c.Image, MaxURLBytes},
		{"issuer_id", &c.IssuerID, MaxURLBytes},
		{"superseded_by", &c.SupersededBy, MaxIDBytes},
	} {
		if len(*f.v) > f.max {
			return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit", f.name, len(*f.v), f.max)
		}
	}
	for _, f := range []struct {
		name string
		list *[]string
	}{
		{"prerequisites", &c.Prerequisites}, {"part_of", &c.PartOf}, {"has_part", &c.HasPart}, {"alt_ids", &c.AltIDs},
	} {
		for i, ref := range *f.list {
			if len(ref) > MaxIDBytes {
				return nil, fmt.Errorf("%s[%d] is %d bytes, over the %d-byte limit for an id", f.name, i, len(ref), MaxIDBytes)
			}
		}
		if n := len(*f.list); n > MaxListItems {
			*f.list = (*f.list)[:MaxListItems]
			adj = append(adj, Adjustment{f.name, fmt.Sprintf("%s lists %d entries; kept the first %d", f.name, n, MaxListItems)})
		}
	}

	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"title", &c.Title, MaxTitleRunes},
		{"description", &c.Description, MaxDescriptionRunes},
		{"criteria", &c.Criteria, MaxCriteriaRunes},
		{"issuer", &c.Issuer, MaxNameRunes},
		{"kind", &c.Kind, MaxLabelRunes},
		{"type", &c.Type, MaxLabelRunes},
		{"format", &c.Format, MaxLabelRunes},
	} {
		if a, ok := cut(f.name, f.v, f.max); ok {
			adj = append(adj, a)
		}
	}
	for _, f := range []struct {
		name string
		list *[]string
	}{
		{"tags", &c.Tags}, {"subjects", &c.Subjects}, {"grade_bands", &c.GradeBands}, {"approved_in", &c.ApprovedIn},
	} {
		if n := len(*f.list); n > MaxListItems {
			*f.list = (*f.list)[:MaxListItems]
			adj = append(adj, Adjustment{f.name, fmt.Sprintf("%s lists %d entries; kept the first %d", f.name, n, MaxListItems)})
		}
		for i := range *f.list {
			if a, ok := cut(fmt.Sprintf("%s[%d]", f.name, i), &(*f.list)[i], MaxLabelRunes); ok {
				adj = append(adj, a)
			}
		}
	}
	if n := len(c.Competencies); n > MaxListItems {
		c.Competencies = c.Competencies[:MaxListItems]
		adj = append(adj, Adjustment{"competencies", fmt.Sprintf("competencies lists %d entries; kept the first %d", n, MaxListItems)})
	}
	for i := range c.Competencies {
		comp := &c.Competencies[i]
		if len(comp.URL) > MaxURLBytes {
			return nil, fmt.Errorf("competencies[%d].url is %d bytes, over the %d-byte limit", i, len(comp.URL), MaxURLBytes)
		}
		for _, f := range []struct {
			name string
			v    *string
			max  int
		}{
			{"framework", &comp.Framework, MaxLabelRunes},
			{"code", &comp.Code, MaxLabelRunes},
			{"name", &comp.Name, MaxCompetencyNameRunes},
		} {
			if a, ok := cut(fmt.Sprintf("competencies[%d].%s", i, f.name), f.v, f.max); ok {
				adj = append(adj, a)
			}
		}
	}

	if err := inRange("cost_usd", c.CostUSD, MaxCostUSD); err != nil {
		return nil, err
	}
	if err := inRange("hours", c.Hours, MaxHours); err != nil {
		return nil, err
	}
	if c.Level < 0 || c.Level > MaxLevel {
		return nil, fmt.Errorf("level %d is outside 0..%d", c.Level, MaxLevel)
	}
	if c.PrerequisitesMin < 0 || c.PrerequisitesMin > MaxListItems {
		return nil, fmt.Errorf("prerequisites_min %d is outside 0..%d", c.PrerequisitesMin, MaxListItems)
	}
	return adj, nil
}

// cut shortens *s to max runes (on a rune boundary) and says so.
func cut(field string, s *string, max int) (Adjustment, bool) {
	// len counts bytes, never fewer than runes: most values pass here
	// without counting.
	if len(*s) <= max {
		return Adjustment{}, false
	}
	n := utf8.RuneCountInString(*s)
	if n <= max {
		return Adjustment{}, false
	}
	i, r := 0, 0
	for i = range *s {
		if r == max {
			break
		}
		r++
	}
	*s = (*s)[:i]
	// Copy so the long original can be freed.
	*s = string([]byte(*s))
	return Adjustment{field, fmt.Sprintf("%s is %d characters; kept the first %d", field, n, max)}, true
}

func inRange(field string, v *float64, max float64) error {
	if v == nil {
		return nil
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0 || *v > max {
		return fmt.Errorf("%s %v is outside 0..%v", field, *v, max)
	}
	return nil
}
