package planner

import (
	"cmp"
	"fmt"
	"slices"
)

// assemble turns each member's chosen credentials into steps, ordered and
// scheduled at the member's pace, and fills in coverage for the whole
// request and, for a cohort, each member. A step that would end after the
// last month allowed (by, or the horizon) is left out with the steps that
// rely on it and recorded in the member's late set; dropped reports whether
// that happened, and the member's reasons say why.
func (p *Planner) assemble(in *input, chosen [][]int) (plan Plan, dropped bool) {
	plan = Plan{Steps: []Step{}, Covered: []string{}, Uncovered: []string{}}
	type placed struct {
		step  Step
		start month
		order int
	}
	var all []placed
	var end month = -1
	var totalCents, totalHours int64
	covered := make([]map[*target]bool, len(in.members))
	for k := range in.members {
		m := &in.members[k]
		mp := MemberPlan{ID: m.id, Steps: []Step{}, Gaps: []string{}, Covered: []string{}, Uncovered: []string{}}
		ord := p.order(chosen[k], m.earned)
		pos := make(map[int]int, len(ord))
		isPlaced := make(map[int]bool, len(ord))
		steps := make([]Step, len(ord))
		hours := make([]int64, len(ord))
		deps := make([][]int, len(ord))
		for n, i := range ord {
			cr := p.creds[i]
			st := Step{
				ID: cr.ID, Title: cr.Title, Level: cr.Level, Member: m.id,
				CostUSD: cr.Cost(), Hours: cr.Duration(),
				CostStated: cr.CostUSD != nil, HoursStated: cr.Hours != nil,
				Covers:   []string{},
				Requires: p.requires(i, m.earned, isPlaced),
			}
			for _, t := range m.needs {
				if !t.isGoal && containsSorted(t.matches, i) {
					st.Covers = append(st.Covers, t.key)
				}
			}
			for _, j := range p.prereqs[i] {
				if isPlaced[j] {
					deps[n] = append(deps[n], pos[j])
				}
			}
			steps[n] = st
			hours[n] = cents(cr.Duration())
			pos[i], isPlaced[i] = n, true
		}
		spans := schedule(hours, deps, in.start, in.perMonth)
		// Leave out what ends too late, and what relies on it.
		late := make([]bool, len(ord))
		lateWhy := make(map[string]string)
		for n := range ord {
			for _, d := range deps[n] {
				if late[d] {
					late[n] = true
					lateWhy[steps[n].ID] = fmt.Sprintf("%s needs %s, which cannot end by %s", steps[n].ID, steps[d].ID, in.last)
				}
			}
			if !late[n] && spans[n].end > in.last {
				late[n] = true
				why := fmt.Sprintf("%s would end in %s, after %s", steps[n].ID, monthText(spans[n].end), limitText(in))
				lateWhy[steps[n].ID] = why
				if m.late == nil {
					m.late = make(map[int]string)
				}
				m.late[ord[n]] = fmt.Sprintf("would end in %s, after %s, once its prerequisites and the member's other steps are scheduled",
					monthText(spans[n].end), limitText(in))
			}
		}
		inPlan := make(map[int]bool, len(ord))
		var idx []int
		for n, i := range ord {
			if late[n] {
				dropped = true
				continue
			}
			inPlan[i] = true
			idx = append(idx, n)
			steps[n].Month, steps[n].EndMonth = spans[n].start.String(), spans[n].end.String()
			end = max(end, spans[n].end)
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(spans[a].start, spans[b].start) })
		var memberCents, memberHours int64
		for _, n := range idx {
			st := steps[n]
			if !in.cohort {
				st.Member = ""
			}
			mp.Steps = append(mp.Steps, st)
			all = append(all, placed{st, spans[n].start, len(all)})
			memberCents += cents(st.CostUSD)
			memberHours += cents(st.Hours)
			if !st.CostStated {
				mp.UnknownCostSteps++
			}
			if !st.HoursStated {
				mp.UnknownHoursSteps++
			}
		}
		mp.TotalCostUSD, mp.TotalHours = float64(memberCents)/100, float64(memberHours)/100
		totalCents += memberCents
		totalHours += memberHours
		plan.UnknownCostSteps += mp.UnknownCostSteps
		plan.UnknownHoursSteps += mp.UnknownHoursSteps

		covered[k] = make(map[*target]bool)
		for _, t := range m.needs {
			for _, i := range t.matches {
				if inPlan[i] {
					covered[k][t] = true
					break
				}
			}
			if covered[k][t] {
				mp.Covered = append(mp.Covered, t.key)
			} else {
				mp.Uncovered = append(mp.Uncovered, t.key)
				for _, i := range t.matches {
					if why, ok := lateWhy[p.creds[i].ID]; ok {
						if mp.UncoveredReasons == nil {
							mp.UncoveredReasons = make(map[string]string)
						}
						mp.UncoveredReasons[t.key] = "too late: " + why
						break
					}
				}
			}
		}
		for _, g := range m.gaps {
			if slices.Contains(m.needs, g) {
				mp.Gaps = append(mp.Gaps, g.key)
			} else {
				mp.AlreadyMet = append(mp.AlreadyMet, g.key)
			}
		}
		plan.Members = append(plan.Members, mp)
	}
	// Steps by start month; within a month, member by member in plan order.
	slices.SortStableFunc(all, func(a, b placed) int { return cmp.Compare(a.start, b.start) })
	for _, pl := range all {
		plan.Steps = append(plan.Steps, pl.step)
	}
	plan.TotalCostUSD, plan.TotalHours = float64(totalCents)/100, float64(totalHours)/100
	if end >= 0 {
		plan.EndMonth = end.String()
	}
	for _, t := range in.targets {
		ok := true
		for k := range in.members {
			if slices.Contains(in.members[k].needs, t) && !covered[k][t] {
				ok = false
			}
		}
		if ok {
			plan.Covered = append(plan.Covered, t.key)
		} else {
			plan.Uncovered = append(plan.Uncovered, t.key)
		}
	}
	return plan, dropped
}

// monthText formats a month, or says it is beyond any calendar a plan uses.
func monthText(m month) string {
	if m >= farMonth || m/12 > 9999 {
		return "a year after 9999"
	}
	return m.String()
}

// limitText names the last month a step may end in and why.
func limitText(in *input) string {
	if in.by {
		return "by " + in.last.String()
	}
	return fmt.Sprintf("the %d-year horizon (%s)", HorizonMonths/12, in.last)
}

func containsSorted(s []int, v int) bool {
	_, ok := slices.BinarySearch(s, v)
	return ok
}
