// Package pathway defines saved pathways — a plan request, the plan the
// planner made for it and the steps completed since — and exchanges them
// with other systems as CTDL Pathway documents (JSON-LD). It stores
// nothing itself.
package pathway

import (
	"slices"
	"time"

	"github.com/pdpath/pdpath/recommender/planner"
)

// Pathway is a plan an educator (or a coach for a team) saved. Earned
// lists the ids of the plan's steps completed so far.
type Pathway struct {
	ID          string          `json:"id"`
	Owner       string          `json:"owner"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Request     planner.Request `json:"request"`
	Plan        planner.Plan    `json:"plan"`
	Earned      []string        `json:"earned"`
	Created     time.Time       `json:"created"`
	Updated     time.Time       `json:"updated"`
}

// Progress is how far along a pathway is.
type Progress struct {
	Total  int `json:"total"`
	Earned int `json:"earned"`
	// Percent is Earned/Total in percent; 100 for a pathway with no steps.
	Percent float64 `json:"percent"`
	// RemainingCostUSD and RemainingHours add up what the steps not yet
	// earned state; the Unknown counts are those steps that state none,
	// which the sums leave out (an unstated cost is unknown, not free).
	RemainingCostUSD      float64 `json:"remaining_cost_usd"`
	RemainingHours        float64 `json:"remaining_hours"`
	RemainingUnknownCost  int     `json:"remaining_unknown_cost_steps"`
	RemainingUnknownHours int     `json:"remaining_unknown_hours_steps"`
	// Next is the first step not earned whose prerequisites in the plan
	// are all earned; nil when every step is.
	Next *planner.Step `json:"next,omitempty"`
}

// Progress counts the plan's steps listed in Earned and finds the next
// step to take.
func (p *Pathway) Progress() Progress {
	done := make(map[string]bool, len(p.Earned))
	for _, id := range p.Earned {
		done[id] = true
	}
	inPlan := make(map[string]bool, len(p.Plan.Steps))
	for _, s := range p.Plan.Steps {
		inPlan[s.ID] = true
	}
	pr := Progress{Total: len(p.Plan.Steps), Percent: 100}
	var firstOpen *planner.Step
	for i := range p.Plan.Steps {
		s := &p.Plan.Steps[i]
		if done[s.ID] {
			pr.Earned++
			continue
		}
		pr.RemainingCostUSD += s.CostUSD
		pr.RemainingHours += s.Hours
		if !s.CostStated {
			pr.RemainingUnknownCost++
		}
		if !s.HoursStated {
			pr.RemainingUnknownHours++
		}
		if firstOpen == nil {
			firstOpen = s
		}
		ready := !slices.ContainsFunc(s.Requires, func(r string) bool { return inPlan[r] && !done[r] })
		if ready && pr.Next == nil {
			pr.Next = s
		}
	}
	if pr.Next == nil {
		pr.Next = firstOpen
	}
	if pr.Next != nil {
		next := *pr.Next
		pr.Next = &next
	}
	if pr.Total > 0 {
		pr.Percent = 100 * float64(pr.Earned) / float64(pr.Total)
	}
	return pr
}
