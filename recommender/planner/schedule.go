package planner

import (
	"cmp"
	"slices"
)

// order puts the chosen credentials (catalog positions) in an order in
// which each one's prerequisites are earned or come earlier: among those
// that can be taken next, the lowest level first (an unstated level counts
// as 1, entry), then the cheapest, then by id.
func (p *Planner) order(chosen []int, earned earnedSet) []int {
	left := slices.Clone(chosen)
	slices.SortFunc(left, func(a, b int) int {
		ca, cb := p.creds[a], p.creds[b]
		if c := cmp.Compare(max(ca.Level, 1), max(cb.Level, 1)); c != 0 {
			return c
		}
		if c := cmp.Compare(cents(ca.Cost()), cents(cb.Cost())); c != 0 {
			return c
		}
		return cmp.Compare(ca.ID, cb.ID)
	})
	placed := make(map[int]bool, len(chosen))
	out := make([]int, 0, len(chosen))
	for len(left) > 0 {
		next := -1
		for k, i := range left {
			if p.held(i, earned, placed) >= p.need[i] {
				next = k
				break
			}
		}
		if next < 0 {
			// Unreachable for a plan from solve, which is orderable; keep
			// the remaining steps rather than lose them.
			next = 0
		}
		placed[left[next]] = true
		out = append(out, left[next])
		left = slices.Delete(left, next, next+1)
	}
	return out
}

// held counts credential i's prerequisites that are earned or placed.
func (p *Planner) held(i int, earned earnedSet, placed map[int]bool) int {
	n := 0
	for _, j := range p.prereqs[i] {
		if earned.pos[j] || placed[j] {
			n++
		}
	}
	for _, ref := range p.unresolved[i] {
		if earned.raw[ref] {
			n++
		}
	}
	return n
}

// requires lists credential i's prerequisites the plan relies on: earned
// ones and ones placed earlier, in the catalog's order.
func (p *Planner) requires(i int, earned earnedSet, placed map[int]bool) []string {
	out := []string{}
	for _, j := range p.prereqs[i] {
		if earned.pos[j] || placed[j] {
			out = append(out, p.creds[j].ID)
		}
	}
	for _, ref := range p.unresolved[i] {
		if earned.raw[ref] {
			out = append(out, ref)
		}
	}
	return out
}

// span is when a step runs: the month it starts and the month it ends.
type span struct{ start, end month }

// schedule places steps, given in order with their hours (hundredths) and,
// for each, the earlier steps it depends on. Each month holds at most
// perMonth hundredths of an hour; a step starts in the first month with
// time left that is after every month in which one of its dependencies
// ends, and runs on through as many months as its hours need. With
// perMonth 0 everything is in the start month.
func schedule(hours []int64, deps [][]int, start month, perMonth int64) []span {
	out := make([]span, len(hours))
	if perMonth <= 0 {
		for k := range out {
			out[k] = span{start, start}
		}
		return out
	}
	used := make(map[month]int64)
	for k, h := range hours {
		m := start
		for _, d := range deps[k] {
			m = max(m, out[d].end+1)
		}
		if h == 0 {
			out[k] = span{m, m}
			continue
		}
		for used[m] >= perMonth {
			m++
		}
		first := m
		for {
			take := min(perMonth-used[m], h)
			used[m] += take
			h -= take
			if h == 0 {
				break
			}
			m++
		}
		out[k] = span{first, m}
	}
	return out
}
