package planner

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// reasonTimeLimit bounds the small searches that price the cheapest cover
// of each uncovered target for its reason.
const reasonTimeLimit = 100 * time.Millisecond

// explain fills the uncovered reasons: for each member and each target
// the member needs that the plan leaves out, why; then, for the whole plan,
// each uncovered target's reason (for a cohort, member by member).
func (p *Planner) explain(ctx context.Context, plan *Plan, in *input, bs []*built, chosen [][]int, c Constraints, optimal bool) {
	deadline := time.Now().Add(reasonTimeLimit)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for k := range in.members {
		m := &in.members[k]
		mp := &plan.Members[k]
		if len(mp.Uncovered) == 0 {
			continue
		}
		if mp.UncoveredReasons == nil {
			mp.UncoveredReasons = make(map[string]string, len(mp.Uncovered))
		}
		// With the member's own steps counted as earned, price what each
		// remaining target would add.
		withPlan := m.earned.clone()
		for _, i := range chosen[k] {
			withPlan.add(p, p.creds[i].ID)
		}
		allow := p.allow(in, m)
		for _, t := range m.needs {
			if !slices.Contains(mp.Uncovered, t.key) || mp.UncoveredReasons[t.key] != "" {
				continue
			}
			var why string
			if bs[k].usable[t] {
				why = p.budgetReason(ctx, t, withPlan, allow, plan, mp, in, c, optimal, deadline)
			} else {
				why = p.unavailableReason(t, m.earned, allow)
			}
			mp.UncoveredReasons[t.key] = why
		}
	}
	if len(plan.Uncovered) > 0 {
		plan.UncoveredReasons = make(map[string]string, len(plan.Uncovered))
		for _, key := range plan.Uncovered {
			var parts []string
			for k := range plan.Members {
				why, ok := plan.Members[k].UncoveredReasons[key]
				if !ok {
					continue
				}
				if in.cohort {
					why = plan.Members[k].ID + ": " + why
				}
				parts = append(parts, why)
			}
			plan.UncoveredReasons[key] = strings.Join(parts, "; ")
		}
	}
	if !in.cohort {
		plan.Members = nil
	}
}

// unavailableReason explains a target no credential can cover for a
// member: nothing in the catalog meets it, only retired credentials do,
// every one that does is ruled out (by the member's preferences, or by
// being too long to end in time), or every one lacks an available
// prerequisite chain.
func (p *Planner) unavailableReason(t *target, earned earnedSet, allow func(int) string) string {
	if t.isGoal {
		if t.goal < 0 {
			return fmt.Sprintf("credential %s is not in the catalog", t.key)
		}
		if g := p.creds[t.goal]; !g.Active() {
			if g.SupersededBy != "" {
				return fmt.Sprintf("credential %s is retired, superseded by %s", g.ID, g.SupersededBy)
			}
			return fmt.Sprintf("credential %s is retired", g.ID)
		}
	}
	var allowed, retired, ruled []string
	first := -1
	for _, i := range t.matches {
		c := p.creds[i]
		switch {
		case !c.Active():
			retired = append(retired, c.ID)
		case allow(i) != "":
			ruled = append(ruled, c.ID+" "+allow(i))
		default:
			allowed = append(allowed, c.ID)
			if first < 0 {
				first = i
			}
		}
	}
	switch {
	case len(allowed) > 0:
		return fmt.Sprintf("prerequisite chain unavailable: %s", p.missingPrereqs(first, earned, allow))
	case len(ruled) > 0:
		const show = 3
		more := ""
		if len(ruled) > show {
			more = fmt.Sprintf(" and %d more", len(ruled)-show)
			ruled = ruled[:show]
		}
		return fmt.Sprintf("every credential covering %s is ruled out: %s%s", t.key, strings.Join(ruled, "; "), more)
	case len(retired) > 0:
		return fmt.Sprintf("only retired credentials cover %s (%s)", t.key, strings.Join(retired, ", "))
	}
	return fmt.Sprintf("no credential in the catalog covers %s", t.key)
}

// missingPrereqs says what stops credential i from being taken.
func (p *Planner) missingPrereqs(i int, earned earnedSet, allow func(int) string) string {
	cr := p.creds[i]
	var gone []string
	for _, j := range p.prereqs[i] {
		if earned.pos[j] {
			continue
		}
		switch pj := p.creds[j]; {
		case !pj.Active():
			gone = append(gone, pj.ID+" (retired)")
		case allow(j) != "":
			gone = append(gone, pj.ID+" ("+allow(j)+")")
		default:
			gone = append(gone, pj.ID+" (itself unavailable)")
		}
	}
	for _, ref := range p.unresolved[i] {
		if !earned.raw[ref] {
			gone = append(gone, ref+" (not in the catalog)")
		}
	}
	total := len(p.prereqs[i]) + len(p.unresolved[i])
	return fmt.Sprintf("%s needs %d of %d prerequisites, and these cannot be taken: %s",
		cr.ID, p.need[i], total, strings.Join(gone, ", "))
}

// budgetReason explains a coverable target the plan leaves out: it would
// cost more, or take more hours, than the limits leave.
func (p *Planner) budgetReason(ctx context.Context, t *target, withPlan earnedSet, allow func(int) string, plan *Plan, mp *MemberPlan, in *input, c Constraints, optimal bool, deadline time.Time) string {
	single := *t
	single.weight = 1
	b := p.build(ctx, withPlan, []*target{&single}, allow)
	out := solve(ctx, combine([]*built{b}, nil, nil, nil), deadline)
	if out.best.uncovered > 0 {
		return "not reached before the time limit"
	}
	about := ""
	if !out.optimal {
		about = "at most "
	}
	var statedCost, statedHours int64
	for _, j := range out.best.chosen {
		statedCost += b.pr.cost[j]
		statedHours += b.pr.hours[j]
	}
	extraCost, extraHours := float64(statedCost)/100, float64(statedHours)/100
	if c.MaxCostUSD != nil {
		left := max(*c.MaxCostUSD-plan.TotalCostUSD, 0)
		if extraCost > left+0.005 {
			return fmt.Sprintf("over budget: the cheapest cover costs %s$%.2f more than this plan, and $%.2f of max_cost_usd $%.2f is left",
				about, extraCost, left, *c.MaxCostUSD)
		}
	}
	if c.MaxHours != nil {
		left := max(*c.MaxHours-plan.TotalHours, 0)
		if extraHours > left+0.005 {
			return fmt.Sprintf("over max_hours: the cheapest cover takes %s%s more hours, and %s of max_hours %s are left",
				about, num(extraHours), num(left), num(*c.MaxHours))
		}
	}
	if in.perMonth > 0 {
		capacity := float64(int64(in.last-in.start+1)*in.perMonth) / 100
		left := max(capacity-mp.TotalHours, 0)
		if extraHours > left+0.005 {
			return fmt.Sprintf("out of time: the cheapest cover takes %s%s more hours, and at %s hours a month only %s hours are left before %s",
				about, num(extraHours), num(float64(in.perMonth)/100), num(left), limitText(in))
		}
	}
	if !optimal {
		return "not reached before the time limit"
	}
	return "over budget: no cover fits both the money and the hours left"
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
