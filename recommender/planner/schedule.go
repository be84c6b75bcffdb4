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

// farMonth stands for "no end" in the schedule's month ranges.
const farMonth month = 1 << 50

// segment is a run of months, from and to inclusive, in which the same
// study time (hundredths of an hour) is already used each month.
type segment struct {
	from, to month
	used     int64
}

// schedule places steps, given in order with their hours (hundredths) and,
// for each, the earlier steps it depends on. Each month holds at most
// perMonth hundredths of an hour; a step starts in the first month with
// time left that is after every month in which one of its dependencies
// ends, and runs on through as many months as its hours need. With
// perMonth 0 everything is in the start month.
//
// Time is kept as runs of months with equal use, so a step of a million
// hours at a few minutes a month costs as much to place as one of ten:
// the work grows with the number of steps, never with the months spanned.
func schedule(hours []int64, deps [][]int, start month, perMonth int64) []span {
	out := make([]span, len(hours))
	if perMonth <= 0 {
		for k := range out {
			out[k] = span{start, start}
		}
		return out
	}
	segs := []segment{{from: start, to: farMonth}}
	for k, h := range hours {
		m := start
		for _, d := range deps[k] {
			m = max(m, out[d].end+1)
		}
		if h == 0 || m >= farMonth {
			out[k] = span{m, m}
			continue
		}
		segs, out[k] = place(segs, m, h, perMonth)
	}
	return out
}

// place takes h hundredths of an hour from the months at or after m, each
// month giving what it has left, and returns the updated runs and the span
// used.
func place(segs []segment, m month, h, perMonth int64) ([]segment, span) {
	// Split the run holding m so that one starts at m.
	i := 0
	for i < len(segs) && segs[i].to < m {
		i++
	}
	if segs[i].from < m {
		head := segs[i]
		head.to = m - 1
		segs[i].from = m
		segs = slices.Insert(segs, i, head)
		i++
	}
	first := month(-1)
	for ; i < len(segs); i++ {
		sg := segs[i]
		free := perMonth - sg.used
		if free <= 0 {
			continue
		}
		if first < 0 {
			first = sg.from
		}
		months := int64(sg.to - sg.from + 1)
		n := (h + free - 1) / free // months this run needs at its free rate
		if n <= months {
			end := sg.from + month(n-1)
			rest := h - (n-1)*free
			var repl []segment
			if n > 1 {
				repl = append(repl, segment{from: sg.from, to: end - 1, used: perMonth})
			}
			repl = append(repl, segment{from: end, to: end, used: sg.used + rest})
			if end < sg.to {
				repl = append(repl, segment{from: end + 1, to: sg.to, used: sg.used})
			}
			segs = slices.Replace(segs, i, i+1, repl...)
			return merge(segs), span{first, end}
		}
		segs[i].used = perMonth
		h -= free * months
	}
	// Unreachable: the last run reaches farMonth.
	return segs, span{first, farMonth}
}

// merge joins neighbouring runs with equal use.
func merge(segs []segment) []segment {
	out := segs[:1]
	for _, sg := range segs[1:] {
		if l := &out[len(out)-1]; l.used == sg.used && l.to+1 == sg.from {
			l.to = sg.to
			continue
		}
		out = append(out, sg)
	}
	return out
}
