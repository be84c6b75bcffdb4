package planner

import (
	"cmp"
	"slices"
)

// assemble turns the chosen credentials into a Plan: ordered, scheduled,
// with coverage for the whole request and for each cohort member.
func (p *Planner) assemble(in *input, chosen []int, c Constraints, start month) Plan {
	ord := p.order(chosen, in.earned)
	open := in.openTargets()
	pos := make(map[int]int, len(ord)) // credential → index in ord
	placed := make(map[int]bool, len(ord))
	steps := make([]Step, len(ord))
	hours := make([]int64, len(ord))
	deps := make([][]int, len(ord))
	var totalCents int64
	plan := Plan{Steps: []Step{}, Covered: []string{}, Uncovered: []string{}}
	for k, i := range ord {
		cr := p.creds[i]
		st := Step{
			ID: cr.ID, Title: cr.Title, Level: cr.Level,
			CostUSD: cr.Cost(), Hours: cr.Duration(),
			CostStated: cr.CostUSD != nil, HoursStated: cr.Hours != nil,
			Covers:   []string{},
			Requires: p.requires(i, in.earned, placed),
		}
		for _, t := range open {
			if !t.isGoal && containsSorted(t.matches, i) {
				st.Covers = append(st.Covers, t.key)
			}
		}
		for _, j := range p.prereqs[i] {
			if placed[j] {
				deps[k] = append(deps[k], pos[j])
			}
		}
		steps[k] = st
		hours[k] = cents(cr.Duration())
		totalCents += cents(cr.Cost())
		plan.TotalHours += cr.Duration()
		pos[i], placed[i] = k, true
	}
	spans := schedule(hours, deps, start, cents(c.HoursPerMonth))
	for k := range steps {
		steps[k].Month, steps[k].EndMonth = spans[k].start.String(), spans[k].end.String()
	}
	idx := make([]int, len(steps))
	for k := range idx {
		idx[k] = k
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(spans[a].start, spans[b].start) })
	for _, k := range idx {
		plan.Steps = append(plan.Steps, steps[k])
	}
	plan.TotalCostUSD = float64(totalCents) / 100

	inPlan := make(map[int]bool, len(chosen))
	for _, i := range chosen {
		inPlan[i] = true
	}
	covered := func(t *target) bool {
		for _, i := range t.matches {
			if inPlan[i] {
				return true
			}
		}
		return false
	}
	for _, t := range in.targets {
		if t.weight == 0 || t.metBy(in.earned) || covered(t) {
			plan.Covered = append(plan.Covered, t.key)
		} else {
			plan.Uncovered = append(plan.Uncovered, t.key)
		}
	}
	if in.cohort {
		for _, m := range in.members {
			mc := MemberCoverage{ID: m.id, Gaps: []string{}, Covered: []string{}, Uncovered: []string{}}
			for _, g := range m.gaps {
				switch {
				case g.metBy(m.earned):
					mc.AlreadyMet = append(mc.AlreadyMet, g.key)
				case covered(g):
					mc.Gaps = append(mc.Gaps, g.key)
					mc.Covered = append(mc.Covered, g.key)
				default:
					mc.Gaps = append(mc.Gaps, g.key)
					mc.Uncovered = append(mc.Uncovered, g.key)
				}
			}
			plan.Members = append(plan.Members, mc)
		}
	}
	return plan
}

func containsSorted(s []int, v int) bool {
	_, ok := slices.BinarySearch(s, v)
	return ok
}
