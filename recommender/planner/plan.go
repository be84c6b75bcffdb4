package planner

// Plan is the planner's answer: which credentials, in what order, when.
// Steps are listed by start month and, within a month, prerequisites first,
// then by level and cost; every step's prerequisites are earlier in the list
// or already earned (by the member the step is for).
type Plan struct {
	Steps []Step `json:"steps"`
	// TotalCostUSD and TotalHours add up the amounts the steps state;
	// UnknownCostSteps and UnknownHoursSteps count the steps that state
	// none, which the totals therefore leave out.
	TotalCostUSD      float64 `json:"total_cost_usd"`
	TotalHours        float64 `json:"total_hours"`
	UnknownCostSteps  int     `json:"unknown_cost_steps"`
	UnknownHoursSteps int     `json:"unknown_hours_steps"`
	// Covered and Uncovered list targets as "FRAMEWORK:CODE" and goal
	// credentials by id. A target met by earned credentials is covered; for
	// a cohort, a target is covered when it is for every member who needs
	// it.
	Covered   []string `json:"covered"`
	Uncovered []string `json:"uncovered"`
	// Optimal is true when the search finished and proved, on amounts the
	// catalog states, that no plan covers more, or covers as much for less,
	// or for as much in fewer hours. It is false whenever a step states no
	// cost or hours, or a step had to be left out after scheduling;
	// OptimalNote then says why.
	Optimal     bool   `json:"optimal"`
	OptimalNote string `json:"optimal_note,omitempty"`
	// LowerBoundCostUSD is a proven lower bound on the stated cost of any
	// plan covering at least as much as this one (0 when a credential that
	// could be chosen states no cost); it equals TotalCostUSD when Optimal
	// is true.
	LowerBoundCostUSD float64 `json:"lower_bound_cost_usd"`
	// EndMonth is the month the last step ends ("" without steps).
	EndMonth string `json:"end_month,omitempty"`
	// UncoveredReasons says, for each entry of Uncovered, why.
	UncoveredReasons map[string]string `json:"uncovered_reasons,omitempty"`
	// Members is a cohort plan's view per member: the member's own steps,
	// totals and coverage.
	Members []MemberPlan `json:"members,omitempty"`
}

// Step is one credential of a plan. Month is the month it starts and
// EndMonth the month its hours run out; a step starts no earlier than the
// month after each of its prerequisites ends. CostUSD and Hours are 0 when
// the catalog does not state them, and CostStated or HoursStated is then
// false: the amount is unknown, not free. Member names the cohort member
// the step is for.
type Step struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Member      string   `json:"member,omitempty"`
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

// MemberPlan is one cohort member's view of a shared plan: the steps
// planned for the member (within the member's own earned credentials and
// preferences) and their totals. Gaps are the member's own gaps still open,
// AlreadyMet the ones the member has met; Covered and Uncovered split
// everything the member needs (request targets, goals and own gaps) by
// whether the plan reaches it, with reasons for the rest.
type MemberPlan struct {
	ID                string            `json:"id"`
	Steps             []Step            `json:"steps"`
	TotalCostUSD      float64           `json:"total_cost_usd"`
	TotalHours        float64           `json:"total_hours"`
	UnknownCostSteps  int               `json:"unknown_cost_steps"`
	UnknownHoursSteps int               `json:"unknown_hours_steps"`
	Gaps              []string          `json:"gaps"`
	Covered           []string          `json:"covered"`
	Uncovered         []string          `json:"uncovered"`
	AlreadyMet        []string          `json:"already_met,omitempty"`
	UncoveredReasons  map[string]string `json:"uncovered_reasons,omitempty"`
}
