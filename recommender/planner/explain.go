package planner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// reasonTimeLimit bounds the small searches that price the cheapest cover
// of each uncovered target for its reason.
const reasonTimeLimit = 100 * time.Millisecond

// explain fills plan.UncoveredReasons: for each uncovered target or goal,
// why the plan leaves it out.
func (p *Planner) explain(ctx context.Context, plan *Plan, in *input, b *built, chosen []int, c Constraints, optimal bool) {
	if len(plan.Uncovered) == 0 {
		return
	}
	plan.UncoveredReasons = make(map[string]string, len(plan.Uncovered))
	uncovered := make(map[string]bool, len(plan.Uncovered))
	for _, k := range plan.Uncovered {
		uncovered[k] = true
	}
	// With the plan's own steps counted as earned, price what each
	// remaining target would add.
	withPlan := in.earned.clone()
	for _, i := range chosen {
		withPlan.add(p, p.creds[i].ID)
	}
	deadline := time.Now().Add(reasonTimeLimit)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for _, t := range in.targets {
		if !uncovered[t.key] {
			continue
		}
		var why string
		if b.usable[t] {
			why = p.budgetReason(ctx, t, withPlan, plan, c, optimal, deadline)
		} else {
			why = p.unavailableReason(t, in.earned)
		}
		plan.UncoveredReasons[t.key] = why
	}
}

// unavailableReason explains a target no credential can cover: nothing in
// the catalog meets it, only retired credentials do, or every credential
// that does lacks an available prerequisite chain.
func (p *Planner) unavailableReason(t *target, earned earnedSet) string {
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
	var active, retired []string
	first := -1
	for _, i := range t.matches {
		if p.creds[i].Active() {
			active = append(active, p.creds[i].ID)
			if first < 0 {
				first = i
			}
		} else {
			retired = append(retired, p.creds[i].ID)
		}
	}
	switch {
	case len(active) > 0:
		return fmt.Sprintf("prerequisite chain unavailable: %s", p.missingPrereqs(first, earned))
	case len(retired) > 0:
		return fmt.Sprintf("only retired credentials cover %s (%s)", t.key, strings.Join(retired, ", "))
	}
	return fmt.Sprintf("no credential in the catalog covers %s", t.key)
}

// missingPrereqs says what stops credential i from being taken.
func (p *Planner) missingPrereqs(i int, earned earnedSet) string {
	cr := p.creds[i]
	var gone []string
	for _, j := range p.prereqs[i] {
		if earned.pos[j] {
			continue
		}
		switch pj := p.creds[j]; {
		case !pj.Active():
			gone = append(gone, pj.ID+" (retired)")
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
func (p *Planner) budgetReason(ctx context.Context, t *target, withPlan earnedSet, plan *Plan, c Constraints, optimal bool, deadline time.Time) string {
	single := *t
	single.weight = 1
	b := p.build(withPlan, []*target{&single}, nil, nil)
	out := solve(ctx, b.pr, deadline)
	if out.best.uncovered > 0 {
		return "not reached before the time limit"
	}
	about := ""
	if !out.optimal {
		about = "at most "
	}
	extraCost, extraHours := float64(out.best.cost)/100, float64(out.best.hours)/100
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
	if !optimal {
		return "not reached before the time limit"
	}
	return "over budget: no cover fits both the money and the hours left"
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
