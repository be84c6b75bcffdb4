package planner

import (
	"fmt"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// memberFilter reports why a cohort member's preferences rule a credential
// out of the steps planned for that member, or "" when they allow it. As
// for suggestions, a credential that does not state a filtered field (no
// cost, no format) is not ruled out for it; an item for all subjects
// ("general") passes any subject filter, and a subject suits its area
// (catalog.SubjectsSuit); a state's approval covers its
// districts.
func memberFilter(pr catalog.Preferences, c *catalog.Credential) string {
	if pr.MaxCostUSD != nil && c.CostUSD != nil && *c.CostUSD > *pr.MaxCostUSD+1e-9 {
		return fmt.Sprintf("costs $%.2f, over max_cost_usd $%.2f", *c.CostUSD, *pr.MaxCostUSD)
	}
	if pr.MaxHours != nil && c.Hours != nil && *c.Hours > *pr.MaxHours+1e-9 {
		return fmt.Sprintf("takes %s hours, over max_hours %s", num(*c.Hours), num(*pr.MaxHours))
	}
	if len(pr.Issuers) > 0 && !issuerIn(c, pr.Issuers) {
		return fmt.Sprintf("issuer %q is not one of issuers", c.Issuer)
	}
	if len(pr.ExcludeIssuers) > 0 && issuerIn(c, pr.ExcludeIssuers) {
		return fmt.Sprintf("issuer %q is excluded", c.Issuer)
	}
	if len(pr.Formats) > 0 && c.Format != "" && !containsFold(pr.Formats, c.Format) {
		return fmt.Sprintf("format %s is not one of formats (%s)", c.Format, strings.Join(pr.Formats, ", "))
	}
	if len(pr.GradeBands) > 0 && len(c.GradeBands) > 0 && !anyFold(c.GradeBands, pr.GradeBands) {
		return fmt.Sprintf("grade bands %s are not among grade_bands", strings.Join(c.GradeBands, ", "))
	}
	if len(pr.Subjects) > 0 && len(c.Subjects) > 0 && !catalog.SubjectsSuit(c.Subjects, pr.Subjects) {
		return fmt.Sprintf("subjects %s are not among subjects", strings.Join(c.Subjects, ", "))
	}
	if len(pr.ApprovedIn) > 0 && len(c.ApprovedIn) > 0 && !approvedFor(c.ApprovedIn, pr.ApprovedIn) {
		return fmt.Sprintf("approved only in %s", strings.Join(c.ApprovedIn, ", "))
	}
	return ""
}

func issuerIn(c *catalog.Credential, list []string) bool {
	for _, x := range list {
		x = strings.TrimSpace(x)
		if strings.EqualFold(x, c.Issuer) || c.IssuerID != "" && strings.EqualFold(x, c.IssuerID) {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
}

func anyFold(have, want []string) bool {
	for _, h := range have {
		if containsFold(want, h) {
			return true
		}
	}
	return false
}

// approvedFor reports whether an approval in one of have reaches one of the
// wanted jurisdictions: the same code, or a wanted district of an approving
// state ("US-IL" reaches "US-IL-CHICAGO").
func approvedFor(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if strings.EqualFold(h, w) || len(w) > len(h) && strings.EqualFold(w[:len(h)], h) && w[len(h)] == '-' {
				return true
			}
		}
	}
	return false
}
