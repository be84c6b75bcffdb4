package planner

// Plan is the planner's answer: which credentials, in what order, when.
// Steps are listed by start month and, within a month, prerequisites first,
// then by level and cost; every step's prerequisites are earlier in the list
// or already earned.
type Plan struct {
	Steps        []Step  `json:"steps"`
	TotalCostUSD float64 `json:"total_cost_usd"`
	TotalHours   float64 `json:"total_hours"`
	// Covered and Uncovered list targets as "FRAMEWORK:CODE" and goal
	// credentials by id. A target met by earned credentials is covered.
	Covered   []string `json:"covered"`
	Uncovered []string `json:"uncovered"`
	// Optimal is true when the search finished and proved that no plan
	// covers more (weighted by how many members need each target), or
	// covers as much for less, or for as much in fewer hours.
	Optimal bool `json:"optimal"`
	// LowerBoundCostUSD is a proven lower bound on the cost of any plan
	// covering at least as much as this one; it equals TotalCostUSD when
	// Optimal is true.
	LowerBoundCostUSD float64 `json:"lower_bound_cost_usd"`
	// UncoveredReasons says, for each entry of Uncovered, why.
	UncoveredReasons map[string]string `json:"uncovered_reasons,omitempty"`
	// Members reports, for a cohort plan, which of each member's gaps the
	// plan covers.
	Members []MemberCoverage `json:"members,omitempty"`
}

// Step is one credential of a plan. Month is the month it starts and
// EndMonth the month its hours run out; a step starts no earlier than the
// month after each of its prerequisites ends. CostUSD and Hours are 0 when
// the catalog does not state them, and CostStated or HoursStated is then
// false: the optimisation counted them as 0.
type Step struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Month       string   `json:"month"`
	EndMonth    string   `json:"end_month"`
	Hours       float64  `json:"hours"`
	CostUSD     float64  `json:"cost_usd"`
	HoursStated bool     `json:"hours_stated"`
	CostStated  bool     `json:"cost_stated"`
	Level       int      `json:"level,omitempty"`
	Covers      []string `json:"covers"`
	// Requires lists the step's prerequisites that the plan relies on:
	// credentials already earned and steps earlier in the list.
	Requires []string `json:"requires"`
}

// MemberCoverage is one cohort member's view of a shared plan. Gaps are the
// member's gaps still open (not met by what the member or the whole team has
// earned), AlreadyMet the ones that are; Covered and Uncovered split Gaps by
// whether the plan covers them.
type MemberCoverage struct {
	ID         string   `json:"id"`
	Gaps       []string `json:"gaps"`
	Covered    []string `json:"covered"`
	Uncovered  []string `json:"uncovered"`
	AlreadyMet []string `json:"already_met,omitempty"`
}
