package planner

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// earnedSet is what the plan may take as held: credential positions, and
// every earned string as written (which may satisfy a prerequisite the
// catalog cannot resolve).
type earnedSet struct {
	pos map[int]bool
	raw map[string]bool
}

func (p *Planner) newEarned(ids ...[]string) earnedSet {
	e := earnedSet{pos: make(map[int]bool), raw: make(map[string]bool)}
	for _, list := range ids {
		for _, id := range list {
			e.add(p, id)
		}
	}
	return e
}

// lookup resolves a credential id as people write it: the catalog's id
// or another URI of the item, in the spellings catalog.ResolveID knows.
func (p *Planner) lookup(id string) (int, bool) {
	return catalog.ResolveID(id, func(k string) (int, bool) { i, ok := p.index[k]; return i, ok })
}

func (e earnedSet) add(p *Planner, id string) {
	e.raw[id] = true
	if i, ok := p.lookup(id); ok {
		e.pos[i] = true
		e.raw[p.creds[i].ID] = true
	}
}

func (e earnedSet) clone() earnedSet {
	c := earnedSet{pos: make(map[int]bool, len(e.pos)), raw: make(map[string]bool, len(e.raw))}
	for k := range e.pos {
		c.pos[k] = true
	}
	for k := range e.raw {
		c.raw[k] = true
	}
	return c
}

// target is one thing a plan should reach: a competency or a goal
// credential. weight is how many people (cohort members, or the one
// requester) still need it.
type target struct {
	key     string
	comp    catalog.Competency
	isGoal  bool
	goal    int // credential position of a goal; -1 when not in the catalog
	weight  int64
	matches []int // credentials meeting the target, any status
}

// metBy reports whether the earned set meets the target.
func (t *target) metBy(e earnedSet) bool {
	if t.isGoal {
		return e.raw[t.key] || t.goal >= 0 && e.pos[t.goal]
	}
	for _, i := range t.matches {
		if e.pos[i] {
			return true
		}
	}
	return false
}

// member is one person the plan is for: a cohort member, or the requester
// when there is no cohort. Steps are planned for one member each, within
// that member's earned credentials and preferences.
type member struct {
	id     string
	earned earnedSet // the request's earned list and the member's own
	prefs  catalog.Preferences
	gaps   []*target // the member's own gaps
	needs  []*target // targets, goals and gaps the member has not met
	// late holds credentials a schedule pushed past the last month
	// allowed, with why; the next round plans without them.
	late map[int]string
}

// input is a request resolved against the catalog.
type input struct {
	targets []*target // request targets, goals, then members' gaps; unique keys
	members []member
	cohort  bool
	// perMonth is the study time each member has a month, in hundredths
	// of an hour (0: no pacing); start and last bound the schedule, last
	// being the by month or the horizon.
	perMonth    int64
	start, last month
	by          bool
}

// prepare resolves targets, goals and earned lists. Without a cohort the
// request is one member's; with one, every member needs the request's
// targets and goals and their own gaps, and holds the request's earned
// list and their own.
func (p *Planner) prepare(req Request, comps map[string]catalog.Competency) *input {
	in := &input{cohort: len(req.Cohort) > 0}
	byKey := make(map[string]*target)
	get := func(key string, mk func() *target) *target {
		if t, ok := byKey[key]; ok {
			return t
		}
		t := mk()
		byKey[key] = t
		in.targets = append(in.targets, t)
		return t
	}
	competency := func(framework, code string) *target {
		comp := catalog.Competency{Framework: framework, Code: code}
		if c, ok := comps[framework+"\x00"+code]; ok {
			comp = c
		}
		return get("c\x00"+comp.Key(), func() *target {
			return &target{key: comp.Key(), comp: comp, goal: -1, matches: p.matching(comp)}
		})
	}
	var shared []*target
	for _, t := range req.Targets {
		shared = append(shared, competency(t.Framework, t.Code))
	}
	for _, id := range req.GoalCredentials {
		shared = append(shared, get("g\x00"+id, func() *target {
			t := &target{key: id, isGoal: true, goal: -1}
			if i, ok := p.lookup(id); ok {
				t.goal = i
				t.matches = []int{i}
			}
			return t
		}))
	}
	if !in.cohort {
		in.members = []member{{earned: p.newEarned(req.Earned)}}
	}
	for k, prof := range req.Cohort {
		m := member{id: prof.ID, earned: p.newEarned(req.Earned, prof.Earned), prefs: prof.Preferences}
		if m.id == "" {
			m.id = fmt.Sprintf("member-%d", k+1)
		}
		for _, g := range prof.Gaps {
			t := competency(g.Framework, g.Code)
			if !slices.Contains(m.gaps, t) {
				m.gaps = append(m.gaps, t)
			}
		}
		in.members = append(in.members, m)
	}
	for k := range in.members {
		m := &in.members[k]
		all := slices.Clone(shared)
		for _, g := range m.gaps {
			if !slices.Contains(all, g) {
				all = append(all, g)
			}
		}
		for _, t := range all {
			if !t.metBy(m.earned) {
				t.weight++
				m.needs = append(m.needs, t)
			}
		}
	}
	return in
}

// built is a reduced problem and how it maps back to the catalog.
type built struct {
	pr      *problem
	cands   []int     // candidate number → credential position
	targets []*target // problem target number → target
	// usable is, for every open target, whether some credential that can
	// be taken (its prerequisite chain available) covers it.
	usable map[*target]bool
	// unknownCost and unknownHours mark candidates that state no cost or
	// no hours; pr holds the stated amounts (0 for those).
	unknownCost, unknownHours []bool
}

// build reduces the request to a problem for solve:
//   - candidates are active credentials not earned, so retired ones are
//     never chosen;
//   - only credentials covering an open target or that are goals, and the
//     prerequisites they can be taken with, are kept;
//   - a credential whose prerequisites can never be met (retired or
//     unknown, or circular with no way in) is dropped;
//   - a dominated credential is dropped: one that is no goal and no
//     prerequisite, when another covers at least its targets for no more
//     cost and hours and needs no more prerequisites.
//
// A credential ruled out by allow (a member's preferences, the schedule's
// horizon) is no candidate. Missing costs and hours are stated as 0 here
// and flagged; combine ranks them after stated ones. Money is rounded to
// cents and time to hundredths of an hour. The context only cuts the
// dominance pass short.
func (p *Planner) build(ctx context.Context, earned earnedSet, open []*target, allow func(i int) string) *built {
	cand := func(i int) bool { return p.creds[i].Active() && !earned.pos[i] && (allow == nil || allow(i) == "") }

	// Coverers, then everything they may need, then which of those can be
	// taken at all.
	var seeds []int
	for _, t := range open {
		for _, i := range t.matches {
			if cand(i) {
				seeds = append(seeds, i)
			}
		}
	}
	inClosure := make(map[int]bool)
	queue := slices.Clone(seeds)
	for _, i := range queue {
		inClosure[i] = true
	}
	for q := 0; q < len(queue); q++ {
		for _, j := range p.prereqs[queue[q]] {
			if cand(j) && !inClosure[j] {
				inClosure[j] = true
				queue = append(queue, j)
			}
		}
	}
	// needLeft is how many prerequisites remain after the earned ones.
	needLeft := make(map[int]int, len(queue))
	unlocked := make(map[int]bool, len(queue))
	var ready []int
	for _, i := range queue {
		n := p.need[i]
		for _, j := range p.prereqs[i] {
			if earned.pos[j] {
				n--
			}
		}
		for _, ref := range p.unresolved[i] {
			if earned.raw[ref] {
				n--
			}
		}
		needLeft[i] = max(n, 0)
		if n <= 0 {
			ready = append(ready, i)
			unlocked[i] = true
		}
	}
	count := make(map[int]int)
	for q := 0; q < len(ready); q++ {
		for _, d := range p.dependents[ready[q]] {
			if inClosure[d] && !unlocked[d] {
				count[d]++
				if count[d] >= needLeft[d] {
					unlocked[d] = true
					ready = append(ready, d)
				}
			}
		}
	}

	b := &built{usable: make(map[*target]bool)}
	goal := make(map[int]bool)
	for _, t := range open {
		for _, i := range t.matches {
			if cand(i) && unlocked[i] {
				b.usable[t] = true
				if t.isGoal {
					goal[i] = true
				}
			}
		}
		if b.usable[t] {
			b.targets = append(b.targets, t)
		}
	}
	covers := make(map[int][]int) // credential → problem targets
	for k, t := range b.targets {
		for _, i := range t.matches {
			if cand(i) && unlocked[i] {
				covers[i] = append(covers[i], k)
			}
		}
	}
	cost := func(i int) int64 { return cents(p.creds[i].Cost()) }
	hours := func(i int) int64 { return cents(p.creds[i].Duration()) }
	// An unstated amount ranks after every stated one, so a credential
	// stating none dominates nothing that states one.
	unstated := func(v *float64) int {
		if v == nil {
			return 1
		}
		return 0
	}

	// Keep coverers and their available prerequisite closure; drop
	// dominated credentials; repeat until nothing changes.
	removed := make(map[int]bool)
	var keep []int
	for {
		keep = keep[:0]
		kept := make(map[int]bool)
		var stack []int
		for i := range covers {
			if !removed[i] {
				stack = append(stack, i)
				kept[i] = true
			}
		}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			keep = append(keep, i)
			for _, j := range p.prereqs[i] {
				if cand(j) && unlocked[j] && !kept[j] {
					kept[j] = true
					stack = append(stack, j)
				}
			}
		}
		slices.Sort(keep)
		isPrereq := make(map[int]bool)
		openPrereqs := make(map[int][]int, len(keep))
		for _, i := range keep {
			for _, j := range p.prereqs[i] {
				if kept[j] {
					isPrereq[j] = true
					openPrereqs[i] = append(openPrereqs[i], j)
				}
			}
			slices.Sort(openPrereqs[i])
		}
		dominated := func(b, a int) bool {
			if cost(a) > cost(b) || hours(a) > hours(b) {
				return false
			}
			ua, ub := unstated(p.creds[a].CostUSD), unstated(p.creds[b].CostUSD)
			ha, hb := unstated(p.creds[a].Hours), unstated(p.creds[b].Hours)
			if ua > ub || ha > hb {
				return false
			}
			if needLeft[a] > 0 && (needLeft[a] > needLeft[b] || !slices.Equal(openPrereqs[a], openPrereqs[b])) {
				return false
			}
			for _, t := range covers[b] {
				if !slices.Contains(covers[a], t) {
					return false
				}
			}
			strict := cost(a) < cost(b) || hours(a) < hours(b) || len(covers[a]) > len(covers[b]) ||
				needLeft[a] < needLeft[b] || ua < ub || ha < hb
			return strict || a < b
		}
		changed := false
		for _, bi := range keep {
			// Dropping dominated credentials only speeds the search up;
			// when the caller has gone, stop trying.
			if ctx.Err() != nil {
				break
			}
			if goal[bi] || isPrereq[bi] {
				continue
			}
			for _, ai := range keep {
				if ai != bi && dominated(bi, ai) {
					removed[bi] = true
					changed = true
					break
				}
			}
		}
		if !changed {
			break
		}
	}

	num := make(map[int]int, len(keep))
	for k, i := range keep {
		num[i] = k
	}
	b.cands = slices.Clone(keep)
	n := len(keep)
	pr := &problem{
		cost: make([]int64, n), hours: make([]int64, n),
		covers: make([][]int, n), coverers: make([][]int, len(b.targets)),
		weight:  make([]int64, len(b.targets)),
		prereqs: make([][]int, n), need: make([]int, n), dependents: make([][]int, n),
		maxCost: -1, maxHours: -1,
	}
	b.unknownCost, b.unknownHours = make([]bool, n), make([]bool, n)
	for k, i := range keep {
		pr.cost[k], pr.hours[k] = cost(i), hours(i)
		b.unknownCost[k], b.unknownHours[k] = p.creds[i].CostUSD == nil, p.creds[i].Hours == nil
		pr.need[k] = needLeft[i]
		for _, j := range p.prereqs[i] {
			if jn, ok := num[j]; ok {
				pr.prereqs[k] = append(pr.prereqs[k], jn)
				pr.dependents[jn] = append(pr.dependents[jn], k)
			}
		}
		pr.covers[k] = covers[i]
		for _, t := range covers[i] {
			pr.coverers[t] = append(pr.coverers[t], k)
		}
	}
	for k := range b.targets {
		pr.weight[k] = 1
	}
	b.pr = pr
	return b
}

// combine joins the members' reduced problems into one: member k's
// candidates and targets follow member k-1's, each candidate in group k.
// Team limits bound the sum of stated amounts (inclusive); groupCap bounds
// each member's stated hours (nil or < 0: none). In the objective, a
// credential that states no cost costs more than every stated cost of the
// problem together, and likewise for hours, so a plan uses unstated
// amounts only where nothing stated covers as much.
func combine(bs []*built, maxCost, maxHours *float64, groupCap []int64) *problem {
	out := &problem{maxCost: -1, maxHours: -1, groupCap: groupCap}
	var statedCost, statedHours int64
	for _, b := range bs {
		for _, c := range b.pr.cost {
			statedCost += c
		}
		for _, h := range b.pr.hours {
			statedHours += h
		}
	}
	penCost, penHours := statedCost+1, statedHours+1
	for g, b := range bs {
		pr := b.pr
		off, toff := len(out.cost), len(out.weight)
		for k := range pr.cost {
			c, h := pr.cost[k], pr.hours[k]
			out.capCost = append(out.capCost, c)
			out.capHours = append(out.capHours, h)
			if b.unknownCost[k] {
				c += penCost
			}
			if b.unknownHours[k] {
				h += penHours
			}
			out.cost = append(out.cost, c)
			out.hours = append(out.hours, h)
			out.group = append(out.group, g)
			out.need = append(out.need, pr.need[k])
			out.covers = append(out.covers, shift(pr.covers[k], toff))
			out.prereqs = append(out.prereqs, shift(pr.prereqs[k], off))
			out.dependents = append(out.dependents, shift(pr.dependents[k], off))
		}
		for t := range pr.weight {
			out.weight = append(out.weight, pr.weight[t])
			out.coverers = append(out.coverers, shift(pr.coverers[t], off))
		}
	}
	if maxCost != nil {
		out.maxCost = int64(math.Floor(*maxCost*100 + 1e-6))
	}
	if maxHours != nil {
		out.maxHours = int64(math.Floor(*maxHours*100 + 1e-6))
	}
	return out
}

func shift(s []int, by int) []int {
	out := make([]int, len(s))
	for k, v := range s {
		out[k] = v + by
	}
	return out
}

// cents converts dollars (or hours) to hundredths, rounding to the nearest;
// negative amounts count as 0 and amounts beyond maxAmount as maxAmount
// (credentials stating more are never candidates; see plannable).
func cents(v float64) int64 {
	if v <= 0 || math.IsNaN(v) {
		return 0
	}
	return int64(math.Round(min(v, maxAmount) * 100))
}
