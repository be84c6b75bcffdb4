package pathway

import (
	"slices"
	"testing"

	"github.com/pdpath/pdpath/recommender/planner"
)

func TestProgress(t *testing.T) {
	steps := []planner.Step{
		{ID: "a", CostUSD: 10, Hours: 2, CostStated: true, HoursStated: true},
		{ID: "b", CostUSD: 20, Hours: 3, Requires: []string{"a"}, CostStated: true, HoursStated: true},
		{ID: "c", CostUSD: 30, Hours: 4, CostStated: true, HoursStated: true},
		{ID: "d", CostUSD: 40, Hours: 5, Requires: []string{"b", "c"}, CostStated: true, HoursStated: true},
	}
	// A district course that states no fee: its cost is unknown, not $0.
	unstated := append(slices.Clone(steps), planner.Step{ID: "e", Hours: 6, HoursStated: true})
	tests := []struct {
		name    string
		steps   []planner.Step
		earned  []string
		want    Progress
		wantNxt string
	}{
		{"nothing yet", steps, nil, Progress{Total: 4, Percent: 0, RemainingCostUSD: 100, RemainingHours: 14}, "a"},
		{"first done", steps, []string{"a"}, Progress{Total: 4, Earned: 1, Percent: 25, RemainingCostUSD: 90, RemainingHours: 12}, "b"},
		{"out of order: the next step waits for its prerequisite", steps, []string{"c"},
			Progress{Total: 4, Earned: 1, Percent: 25, RemainingCostUSD: 70, RemainingHours: 10}, "a"},
		{"earned ids outside the plan do not count", steps, []string{"a", "zzz"},
			Progress{Total: 4, Earned: 1, Percent: 25, RemainingCostUSD: 90, RemainingHours: 12}, "b"},
		{"all done", steps, []string{"a", "b", "c", "d"}, Progress{Total: 4, Earned: 4, Percent: 100}, ""},
		{"no steps", nil, nil, Progress{Percent: 100}, ""},
		{"a step with no stated cost", unstated, []string{"a", "b", "c", "d"},
			Progress{Total: 5, Earned: 4, Percent: 80, RemainingHours: 6, RemainingUnknownCost: 1}, "e"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			p := &Pathway{Plan: planner.Plan{Steps: test.steps}, Earned: test.earned}
			got := p.Progress()
			next := ""
			if got.Next != nil {
				next = got.Next.ID
			}
			got.Next = nil
			if got != test.want || next != test.wantNxt {
				t.Errorf("Progress = %+v next %q, want %+v next %q", got, next, test.want, test.wantNxt)
			}
		})
	}
}
