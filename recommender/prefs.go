package recommender

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Preference names as they appear in the profile JSON and in Result.Relaxed.
const (
	prefMaxCost        = "max_cost_usd"
	prefMaxHours       = "max_hours"
	prefIssuers        = "issuers"
	prefExcludeIssuers = "exclude_issuers"
	prefFormats        = "formats"
	prefGradeBands     = "grade_bands"
	prefSubjects       = "subjects"
	prefApprovedIn     = "approved_in"
)

// relaxOrder is the order filters give way in when nothing meets them all:
// the ones that narrow by topic fit first (a credential for another grade
// band still teaches the practice), her budget of money and time last.
// Excluded issuers are never relaxed: she said no to them.
var relaxOrder = []string{prefSubjects, prefGradeBands, prefFormats, prefApprovedIn, prefIssuers, prefMaxHours, prefMaxCost}

// prefs are a profile's preferences ready for matching.
type prefs struct {
	p        catalog.Preferences
	issuers  []string
	excluded []string
	// allow and deny are the issuer filters resolved to the model's
	// issuer numbers, so testing a credential compares integers.
	allow, deny map[int32]bool
	issuerOf    []int32
	// active lists the filters in force, in allPrefs order: a request
	// tests a credential against these only.
	active []string
	// none: no filter at all, the common case, checked in one branch.
	none bool
}

func newPrefs(p catalog.Preferences, m *Model) prefs {
	lower := func(in []string) []string {
		var out []string
		for _, s := range in {
			out = append(out, strings.ToLower(strings.TrimSpace(s)))
		}
		return out
	}
	f := prefs{p: p, issuers: lower(p.Issuers), excluded: lower(p.ExcludeIssuers), issuerOf: m.issuerOf}
	resolve := func(names []string) map[int32]bool {
		out := map[int32]bool{}
		for _, n := range names {
			if i, ok := m.issuerIdx[n]; ok {
				out[i] = true
			}
		}
		return out
	}
	f.allow, f.deny = resolve(f.issuers), resolve(f.excluded)
	for _, name := range allPrefs {
		if f.set(name) {
			f.active = append(f.active, name)
		}
	}
	f.none = len(f.active) == 0
	return f
}

// set reports whether the named filter is in force.
func (f prefs) set(name string) bool {
	switch name {
	case prefMaxCost:
		return f.p.MaxCostUSD != nil
	case prefMaxHours:
		return f.p.MaxHours != nil
	case prefIssuers:
		return len(f.issuers) > 0
	case prefExcludeIssuers:
		return len(f.excluded) > 0
	case prefFormats:
		return len(f.p.Formats) > 0
	case prefGradeBands:
		return len(f.p.GradeBands) > 0
	case prefSubjects:
		return len(f.p.Subjects) > 0
	case prefApprovedIn:
		return len(f.p.ApprovedIn) > 0
	}
	return false
}

// any reports whether some relaxable filter is still in force.
func (f prefs) any(relaxed map[string]bool) bool {
	return f.nextToRelax(relaxed) != ""
}

func (f prefs) nextToRelax(relaxed map[string]bool) string {
	for _, name := range relaxOrder {
		if f.set(name) && !relaxed[name] {
			return name
		}
	}
	return ""
}

func issuerIn(c *catalog.Credential, list []string) bool {
	for _, x := range list {
		if strings.EqualFold(x, c.Issuer) || (c.IssuerID != "" && strings.EqualFold(x, c.IssuerID)) {
			return true
		}
	}
	return false
}

func intersects(have, want []string, fold bool) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w || (fold && strings.EqualFold(h, w)) {
				return true
			}
		}
	}
	return false
}

// test reports whether credential c fails the named filter, or does not
// state the field it filters on. It allocates nothing: it runs for every
// candidate of every request.
func (f prefs) test(name string, c *catalog.Credential, i int32) (fail, unstated bool) {
	switch name {
	case prefMaxCost:
		if f.p.MaxCostUSD == nil {
			return false, false
		}
		if c.CostUSD == nil {
			return false, true
		}
		return *c.CostUSD > *f.p.MaxCostUSD, false
	case prefMaxHours:
		if f.p.MaxHours == nil {
			return false, false
		}
		if c.Hours == nil {
			return false, true
		}
		return *c.Hours > *f.p.MaxHours, false
	case prefIssuers:
		return len(f.issuers) > 0 && !f.allow[f.issuerOf[i]], false
	case prefExcludeIssuers:
		return len(f.excluded) > 0 && f.deny[f.issuerOf[i]], false
	case prefFormats:
		if len(f.p.Formats) == 0 {
			return false, false
		}
		if c.Format == "" {
			return false, true
		}
		return !containsFold(f.p.Formats, c.Format), false
	case prefGradeBands:
		if len(f.p.GradeBands) == 0 {
			return false, false
		}
		if len(c.GradeBands) == 0 {
			return false, true
		}
		return !intersects(c.GradeBands, f.p.GradeBands, true), false
	case prefSubjects:
		if len(f.p.Subjects) == 0 {
			return false, false
		}
		if len(c.Subjects) == 0 {
			return false, true
		}
		return !catalog.SubjectsSuit(c.Subjects, f.p.Subjects), false
	case prefApprovedIn:
		if len(f.p.ApprovedIn) == 0 {
			return false, false
		}
		if len(c.ApprovedIn) == 0 {
			return false, true
		}
		return !approvedIn(c.ApprovedIn, f.p.ApprovedIn), false
	}
	return false, false
}

// ApprovedIn reports whether an item approved in the jurisdictions have
// counts in one of want: the same jurisdiction, or one that contains it —
// a state's approval ("US-IL") covers its districts
// ("US-IL:district:riverbend-usd"), not the other way round.
func ApprovedIn(have, want []string) bool { return approvedIn(have, want) }

func approvedIn(have, want []string) bool {
	for _, w := range want {
		w = strings.TrimSpace(w)
		for _, h := range have {
			h = strings.TrimSpace(h)
			if h == "" {
				continue
			}
			if strings.EqualFold(h, w) || (len(w) > len(h) && strings.EqualFold(w[:len(h)], h) && w[len(h)] == ':') {
				return true
			}
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// violation describes how credential c fails the named filter, or "" when
// it meets it; unstated reports a filtered field c does not state.
func (f prefs) violation(name string, c *catalog.Credential, i int32) (why string, unstated bool) {
	if fail, un := f.test(name, c, i); !fail {
		return "", un
	}
	if !f.set(name) {
		return "", false
	}
	switch name {
	case prefMaxCost:
		if c.CostUSD == nil {
			return "", true
		}
		if *c.CostUSD > *f.p.MaxCostUSD {
			return fmt.Sprintf("costs %s, above your limit of %s", money(*c.CostUSD), limitMoney(*f.p.MaxCostUSD)), false
		}
	case prefMaxHours:
		if c.Hours == nil {
			return "", true
		}
		if *c.Hours > *f.p.MaxHours {
			return fmt.Sprintf("takes %s, above your limit of %s", hours(*c.Hours), hours(*f.p.MaxHours)), false
		}
	case prefIssuers:
		if !issuerIn(c, f.issuers) {
			return fmt.Sprintf("issued by %s, not one of your issuers (%s)", c.Issuer, strings.Join(f.p.Issuers, ", ")), false
		}
	case prefExcludeIssuers:
		if issuerIn(c, f.excluded) {
			return fmt.Sprintf("issued by %s, which you excluded", c.Issuer), false
		}
	case prefFormats:
		if c.Format == "" {
			return "", true
		}
		if !slices.Contains(f.p.Formats, strings.ToLower(c.Format)) {
			return fmt.Sprintf("offered %s, not in your formats (%s)", c.Format, strings.Join(f.p.Formats, ", ")), false
		}
	case prefGradeBands:
		if len(c.GradeBands) == 0 {
			return "", true
		}
		if !intersects(c.GradeBands, f.p.GradeBands, true) {
			return fmt.Sprintf("for grade bands %s, not yours (%s)", strings.Join(c.GradeBands, ", "), strings.Join(f.p.GradeBands, ", ")), false
		}
	case prefSubjects:
		if len(c.Subjects) == 0 {
			return "", true
		}
		if !catalog.SubjectsSuit(c.Subjects, f.p.Subjects) {
			return fmt.Sprintf("for %s, not your subjects (%s)", strings.Join(c.Subjects, ", "), strings.Join(f.p.Subjects, ", ")), false
		}
	case prefApprovedIn:
		if len(c.ApprovedIn) == 0 {
			return "", true
		}
		if !approvedIn(c.ApprovedIn, f.p.ApprovedIn) {
			return fmt.Sprintf("approved in %s, not in your jurisdictions (%s)", strings.Join(c.ApprovedIn, ", "), strings.Join(f.p.ApprovedIn, ", ")), false
		}
	}
	return "", false
}

// violation is a relaxed filter an item fails: its name and how.
type violation struct{ name, why string }

var allPrefs = []string{prefExcludeIssuers, prefIssuers, prefMaxCost, prefMaxHours, prefFormats, prefGradeBands, prefSubjects, prefApprovedIn}

// check applies every filter not relaxed. It returns whether c passes, the
// filtered fields c does not state (it passes, ranked lower) and the
// violations of relaxed filters (it passes because they were relaxed).
func (f prefs) check(c *catalog.Credential, i int32, relaxed map[string]bool) (ok bool, unstated []string, violates []violation) {
	if f.none {
		return true, nil, nil
	}
	for _, name := range f.active {
		fail, un := f.test(name, c, i)
		switch {
		case un:
			unstated = append(unstated, name)
		case fail && relaxed[name]:
			why, _ := f.violation(name, c, i)
			violates = append(violates, violation{name, why})
		case fail:
			return false, nil, nil
		}
	}
	return true, unstated, violates
}

// failures lists every filter c fails, for "why not".
func (f prefs) failures(c *catalog.Credential, i int32) []violation {
	var out []violation
	for _, name := range allPrefs {
		if why, _ := f.violation(name, c, i); why != "" {
			out = append(out, violation{name, why})
		}
	}
	return out
}

func money(v float64) string {
	if v == 0 {
		return "free"
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("$%d", int64(v))
	}
	return fmt.Sprintf("$%.2f", v)
}

func hours(v float64) string {
	if v == 1 {
		return "1 hour"
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d hours", int64(v))
	}
	return fmt.Sprintf("%.1f hours", v)
}
