package catalog

// Profile describes one educator for the recommender: what she wants to grow
// in, the gaps her evaluation named, what she has earned and her limits.
// Every field is optional.
type Profile struct {
	ID          string      `json:"id,omitempty"`
	Goals       string      `json:"goals,omitempty"`
	Gaps        []Gap       `json:"gaps,omitempty"`
	Earned      []string    `json:"earned,omitempty"`
	Preferences Preferences `json:"preferences,omitzero"`
	// YearsExperience is how long the educator has taught; nil when not
	// stated. It steers induction items toward new teachers and away from
	// veterans.
	YearsExperience *float64 `json:"years_experience,omitempty"`
}

// Gap is a competency the educator needs to grow in. Weight is its
// importance; 0 is read as 1.
type Gap struct {
	Framework string  `json:"framework"`
	Code      string  `json:"code"`
	Weight    float64 `json:"weight,omitempty"`
}

// Key returns the gap as "FRAMEWORK:CODE".
func (g Gap) Key() string { return g.Framework + ":" + g.Code }

// Preferences are the educator's hard limits. Nil numbers and empty lists
// mean "no limit".
type Preferences struct {
	MaxCostUSD     *float64 `json:"max_cost_usd,omitempty"`
	MaxHours       *float64 `json:"max_hours,omitempty"`
	Issuers        []string `json:"issuers,omitempty"`
	ExcludeIssuers []string `json:"exclude_issuers,omitempty"`
	Formats        []string `json:"formats,omitempty"`
	GradeBands     []string `json:"grade_bands,omitempty"`
	Subjects       []string `json:"subjects,omitempty"`
	// ApprovedIn keeps items approved in one of these jurisdictions; a
	// state's approval ("US-IL") covers its districts.
	ApprovedIn []string `json:"approved_in,omitempty"`
}
