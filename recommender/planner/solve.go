package planner

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// problem is one reduced optimisation instance, free of catalog types.
// Candidates and targets are numbered from 0. Money is in cents and time in
// hundredths of an hour so that comparisons are exact.
//
// A solution is a set S of candidates that can be taken in some order in
// which each candidate has at least need[j] of its prereqs already taken
// (earned prerequisites are already subtracted from need). It is judged by
// (uncovered target weight, cost, hours), smallest first, and must keep the
// stated amounts (capCost, capHours) within maxCost and maxHours when they
// are set (≥ 0), and each group's capHours within its groupCap.
//
// cost and hours are what the objective sees; they may add a penalty to the
// stated amount (an unstated cost is not free: it ranks after every stated
// one). capCost and capHours, when nil, equal cost and hours.
type problem struct {
	cost, hours       []int64 // per candidate, as the objective sees them
	capCost, capHours []int64 // per candidate, as the limits see them
	// group is each candidate's group (a cohort member), -1 for none;
	// groupCap bounds the capHours of each group's chosen candidates
	// (< 0: no limit).
	group      []int
	groupCap   []int64
	covers     [][]int // per candidate: the targets it covers
	coverers   [][]int // per target: the candidates covering it
	weight     []int64 // per target, ≥ 1
	prereqs    [][]int // per candidate: candidates that count towards need
	need       []int   // per candidate
	dependents [][]int // per candidate: candidates listing it in prereqs
	maxCost    int64   // < 0: no limit
	maxHours   int64   // < 0: no limit
}

// solution is a set of candidates with its objective.
type solution struct {
	chosen      []int // ascending
	uncovered   int64 // uncovered target weight
	cost, hours int64
}

// better reports whether a beats b: less uncovered weight, then less cost,
// then fewer hours.
func (a solution) better(b solution) bool {
	if a.uncovered != b.uncovered {
		return a.uncovered < b.uncovered
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	return a.hours < b.hours
}

// outcome is what solve found: the best solution, whether the search proved
// it optimal and a lower bound on the scalar objective
// bigM*uncovered + cost of every solution.
type outcome struct {
	best    solution
	optimal bool
	lower   int64
	bigM    int64
	nodes   int
}

// lowerCost is the lower bound on the cost of any solution covering at
// least as much as the best one.
func (o outcome) lowerCost() int64 {
	if o.optimal {
		return o.best.cost
	}
	lb := o.lower - o.bigM*o.best.uncovered
	return min(max(lb, 0), o.best.cost)
}

// quickNodes is how many nodes the search may spend on the combinatorial
// bound alone before it pays for the LP relaxation at the root. Most
// requests are settled within it; gonum's dense simplex takes milliseconds
// on a relaxation with a hundred candidates.
var quickNodes = 2000

// solve runs greedy, then branch and bound until it proves optimality or
// the deadline passes: first a quick search bounded by the combinatorial
// bound alone, then, if that did not finish, a full one that also starts
// from the LP relaxation's bound at the root (which is then the lower bound
// reported if the deadline stops it). It always returns a feasible
// solution: the empty set is one, and covers nothing.
func solve(ctx context.Context, pr *problem, deadline time.Time) outcome {
	s := newSearcher(ctx, pr, deadline)
	s.greedy(func(c, _ int64) float64 { return float64(c) })
	if s.budgeted {
		// Under limits, price by the share of what is left of each limit
		// too, which matters when hours, not money, run out first.
		s.greedy(func(c, h int64) float64 {
			var share float64
			if s.costCap < 1<<62 {
				share += float64(c) / float64(s.costCap+1)
			}
			if s.hoursCap < 1<<62 {
				share += float64(h) / float64(s.hoursCap+1)
			}
			return share
		})
	}
	rootLB, rootHours, feasible, req := s.bound()
	if !feasible {
		// Only possible without budgets when a target cannot be covered,
		// which the caller rules out; the empty plan is the answer.
		return s.outcome(true, s.bestScalar)
	}
	if s.prune(rootLB, rootHours) || req.kind == reqNone && s.orderable() {
		s.offer()
		return s.outcome(true, s.bestScalar)
	}
	s.nodeLimit = quickNodes
	if s.node(rootLB, 0) {
		return s.outcome(true, s.bestScalar)
	}
	s.nodeLimit = 0
	if s.timeUp() {
		return s.outcome(false, min(rootLB, s.bestScalar))
	}
	if v, ok := s.lpBound(); ok {
		rootLB = max(rootLB, v)
	}
	s.openLB = math.MaxInt64
	if s.node(rootLB, 0) {
		return s.outcome(true, s.bestScalar)
	}
	return s.outcome(false, min(s.openLB, s.bestScalar))
}

type reqKind int

const (
	reqNone   reqKind = iota
	reqTarget         // cover a target (or leave it uncovered, with a budget)
	reqPrereq         // give a chosen candidate more of its prerequisites
	reqCut            // break a prerequisite cycle among chosen candidates
)

// requirement is what a node branches on: take one of options (or, for a
// target under a budget, give the target up).
type requirement struct {
	kind    reqKind
	target  int
	k       int
	options []int
}

// searcher holds the branch-and-bound state. Every change made on the way
// down (choose, exclude, abandon) is undone on the way back.
type searcher struct {
	pr       *problem
	ctx      context.Context
	deadline time.Time
	bigM     int64
	budgeted bool
	costCap  int64
	hoursCap int64

	chosen     []bool
	excl       []int32 // > 0: excluded in this subtree
	coverCnt   []int32 // per target: chosen candidates covering it
	abandoned  []bool  // per target: given up in this subtree
	have       []int32 // per candidate: chosen prerequisites
	cost       int64
	hours      int64
	abandonedW int64
	stack      []int

	best       solution
	bestScalar int64

	// Stated amounts of the chosen set, as the limits see them.
	capC, capH int64
	groupH     []int64
	hasGroups  bool

	// hScale exceeds the hours of every solution: cost*hScale + hours
	// orders solutions by cost, then hours.
	hScale int64
	// lexExact is whether float64 holds every scalar*hScale + hours
	// exactly enough for the lexicographic bound; with the penalties for
	// unstated amounts it may not, and the bound is then left out (it only
	// settles ties on hours).
	lexExact  bool
	chain     []chainCost
	openLB    int64
	nodes     int
	nodeLimit int // > 0: stop the current search after this many nodes
	polls     int
	halted    bool

	// scratch, indexed by candidate
	availAt   []int32
	availOK   []bool
	availTick int32
	score     []float64
	mult      []int32
	stamp     []int32
	tick      int32
}

// chainCost estimates the cheapest way to take a candidate with its
// prerequisite chain: cost, and the depth of the chain.
type chainCost struct {
	cost  int64
	depth int
}

func (a chainCost) less(b chainCost) bool {
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	return a.depth < b.depth
}

var noChain = chainCost{cost: math.MaxInt64, depth: math.MaxInt32}

func newSearcher(ctx context.Context, pr *problem, deadline time.Time) *searcher {
	n, t := len(pr.cost), len(pr.weight)
	s := &searcher{
		pr: pr, ctx: ctx, deadline: deadline,
		costCap: math.MaxInt64, hoursCap: math.MaxInt64,
		chosen: make([]bool, n), excl: make([]int32, n), have: make([]int32, n),
		coverCnt: make([]int32, t), abandoned: make([]bool, t),
		availAt: make([]int32, n), availOK: make([]bool, n), score: make([]float64, n),
		mult: make([]int32, n), stamp: make([]int32, max(n, t)),
	}
	if pr.maxCost >= 0 {
		s.costCap, s.budgeted = pr.maxCost, true
	}
	if pr.maxHours >= 0 {
		s.hoursCap, s.budgeted = pr.maxHours, true
	}
	if pr.capCost == nil {
		pr.capCost = pr.cost
	}
	if pr.capHours == nil {
		pr.capHours = pr.hours
	}
	if pr.group == nil {
		pr.group = make([]int, n)
		for j := range pr.group {
			pr.group[j] = -1
		}
	}
	s.groupH = make([]int64, len(pr.groupCap))
	for _, c := range pr.groupCap {
		if c >= 0 {
			s.hasGroups, s.budgeted = true, true
		}
	}
	// bigM exceeds the cost of every solution, so bigM*uncovered + cost
	// orders solutions by uncovered weight first, then by cost.
	var total int64
	for _, c := range pr.cost {
		total += c
	}
	s.bigM = total + 1
	s.hScale = 1
	for _, h := range pr.hours {
		s.hScale += h
	}
	// The empty set is always a solution: it covers nothing.
	var all int64
	for _, w := range pr.weight {
		all += w
	}
	s.best = solution{uncovered: all}
	s.bestScalar = s.scalar(s.best)
	s.lexExact = float64(s.bigM)*float64(all+1)*float64(s.hScale) < 1<<50
	s.chain = chainCosts(pr)
	return s
}

func (s *searcher) scalar(x solution) int64 { return s.bigM*x.uncovered + x.cost }

func (s *searcher) outcome(optimal bool, lower int64) outcome {
	if optimal {
		lower = s.bestScalar
	}
	return outcome{best: s.best, optimal: optimal, lower: lower, bigM: s.bigM, nodes: s.nodes}
}

// chainCosts computes, for every candidate, the cheapest cost of taking it
// together with enough prerequisites recursively, ignoring that chains may
// share credentials (so it may overestimate). Unreachable candidates get
// noChain. Used to order choices, never to bound.
func chainCosts(pr *problem) []chainCost {
	n := len(pr.cost)
	ch := make([]chainCost, n)
	for j := range ch {
		ch[j] = noChain
	}
	var buf []chainCost
	for changed := true; changed; {
		changed = false
		for j := range n {
			buf = buf[:0]
			for _, i := range pr.prereqs[j] {
				if ch[i] != noChain {
					buf = append(buf, ch[i])
				}
			}
			if len(buf) < pr.need[j] {
				continue
			}
			slices.SortFunc(buf, func(a, b chainCost) int {
				if a.less(b) {
					return -1
				}
				if b.less(a) {
					return 1
				}
				return 0
			})
			v := chainCost{cost: pr.cost[j], depth: 1}
			for _, c := range buf[:pr.need[j]] {
				v.cost += c.cost
				v.depth = max(v.depth, c.depth+1)
			}
			if v.less(ch[j]) {
				ch[j], changed = v, true
			}
		}
	}
	return ch
}

// timeUp reports whether the deadline passed or the context ended. It
// looks at the clock only every few calls.
func (s *searcher) timeUp() bool {
	if s.halted {
		return true
	}
	s.polls++
	if s.polls%32 != 1 {
		return false
	}
	if s.ctx.Err() != nil || time.Now().After(s.deadline) {
		s.halted = true
	}
	return s.halted
}

func (s *searcher) choose(j int) {
	pr := s.pr
	s.chosen[j] = true
	s.cost += pr.cost[j]
	s.hours += pr.hours[j]
	s.capC += pr.capCost[j]
	s.capH += pr.capHours[j]
	if g := pr.group[j]; g >= 0 && g < len(s.groupH) {
		s.groupH[g] += pr.capHours[j]
	}
	for _, t := range pr.covers[j] {
		s.coverCnt[t]++
	}
	for _, d := range pr.dependents[j] {
		s.have[d]++
	}
	s.stack = append(s.stack, j)
}

func (s *searcher) unchoose(j int) {
	pr := s.pr
	s.chosen[j] = false
	s.cost -= pr.cost[j]
	s.hours -= pr.hours[j]
	s.capC -= pr.capCost[j]
	s.capH -= pr.capHours[j]
	if g := pr.group[j]; g >= 0 && g < len(s.groupH) {
		s.groupH[g] -= pr.capHours[j]
	}
	for _, t := range pr.covers[j] {
		s.coverCnt[t]--
	}
	for _, d := range pr.dependents[j] {
		s.have[d]--
	}
	s.stack = s.stack[:len(s.stack)-1]
}

// deficit is how many more prerequisites candidate j needs.
func (s *searcher) deficit(j int) int { return s.pr.need[j] - int(s.have[j]) }

// fits reports whether taking j alone keeps the plan within the limits.
func (s *searcher) fits(j int) bool {
	pr := s.pr
	if s.capC+pr.capCost[j] > s.costCap || s.capH+pr.capHours[j] > s.hoursCap {
		return false
	}
	return s.groupFits(pr.group[j], pr.capHours[j])
}

// groupFits reports whether group g has room for h more stated hours.
func (s *searcher) groupFits(g int, h int64) bool {
	if g < 0 || g >= len(s.groupH) || s.pr.groupCap[g] < 0 {
		return true
	}
	return s.groupH[g]+h <= s.pr.groupCap[g]
}

// withinLimits reports whether the chosen set keeps every limit.
func (s *searcher) withinLimits() bool {
	if s.capC > s.costCap || s.capH > s.hoursCap {
		return false
	}
	for g, c := range s.pr.groupCap {
		if c >= 0 && s.groupH[g] > c {
			return false
		}
	}
	return true
}

// avail reports whether candidate j may still be added in this subtree.
// Once false it stays false further down: cost and hours only grow,
// exclusions only accumulate, and choosing a prerequisite moves it from
// the available ones to the ones counted in have.
func (s *searcher) avail(j int) bool {
	if s.chosen[j] || s.excl[j] > 0 || !s.fits(j) {
		return false
	}
	d := s.deficit(j)
	if d <= 0 {
		return true
	}
	for _, i := range s.pr.prereqs[j] {
		if !s.chosen[i] && s.excl[i] == 0 {
			if d--; d == 0 {
				return true
			}
		}
	}
	return false
}

// pendingTarget reports whether target t is neither covered nor given up.
func (s *searcher) pendingTarget(t int) bool { return s.coverCnt[t] == 0 && !s.abandoned[t] }

// prune reports whether a subtree whose solutions all have scalar objective
// at least lb, and need at least hoursLB more hours, can be skipped: none of
// them can beat the incumbent.
func (s *searcher) prune(lb, hoursLB int64) bool {
	return lb > s.bestScalar || lb == s.bestScalar && s.hours+hoursLB >= s.best.hours
}

// offer records the chosen set as the incumbent if it beats it. The caller
// has checked that the set is a solution.
func (s *searcher) offer() {
	if !s.withinLimits() {
		return
	}
	var unc int64
	for t, w := range s.pr.weight {
		if s.coverCnt[t] == 0 {
			unc += w
		}
	}
	cand := solution{uncovered: unc, cost: s.cost, hours: s.hours}
	if !cand.better(s.best) {
		return
	}
	cand.chosen = slices.Clone(s.stack)
	slices.Sort(cand.chosen)
	s.best, s.bestScalar = cand, s.scalar(cand)
}

// prereqsMet reports whether every chosen candidate has enough chosen
// prerequisites.
func (s *searcher) prereqsMet() bool {
	for _, j := range s.stack {
		if s.deficit(j) > 0 {
			return false
		}
	}
	return true
}

// stuck returns the chosen candidates that cannot be put in any order
// satisfying their prerequisites (a cycle such as A needs B, B needs A);
// nil when the chosen set can be ordered. The caller has checked
// prereqsMet.
func (s *searcher) stuck() []int {
	pr := s.pr
	cnt := s.mult // reused: counts of unlocked prerequisites
	queue := make([]int, 0, len(s.stack))
	for _, j := range s.stack {
		cnt[j] = 0
		if pr.need[j] == 0 {
			queue = append(queue, j)
		}
	}
	for q := 0; q < len(queue); q++ {
		for _, d := range pr.dependents[queue[q]] {
			if s.chosen[d] {
				cnt[d]++
				if int(cnt[d]) == pr.need[d] {
					queue = append(queue, d)
				}
			}
		}
	}
	var rest []int
	if len(queue) < len(s.stack) {
		unlocked := make(map[int]bool, len(queue))
		for _, j := range queue {
			unlocked[j] = true
		}
		for _, j := range s.stack {
			if !unlocked[j] {
				rest = append(rest, j)
			}
		}
	}
	for _, j := range s.stack {
		cnt[j] = 0
	}
	return rest
}

func (s *searcher) orderable() bool { return s.prereqsMet() && s.stuck() == nil }

// bound computes a lower bound on the scalar objective of every solution in
// this subtree, a lower bound on the hours they add (which settles ties on
// cost), whether the subtree can hold a solution, and the requirement to
// branch on (reqNone when all targets are settled and every chosen
// candidate has its prerequisites).
//
// The bound is the larger of two valid ones added to what is already fixed:
// a dual-feasible solution of the covering LP (each pending requirement r
// gets π_r = min over its options j of cost_j / (number of pending
// requirements j serves)), and the cheapest way to settle the single most
// expensive requirement.
func (s *searcher) bound() (int64, int64, bool, requirement) {
	pr := s.pr
	base := s.cost + s.bigM*s.abandonedW
	var pending []pendingReq
	// Options of all requirements share one backing array; availability
	// is worked out once per candidate.
	var arena []int
	s.availTick++
	avail := func(j int) bool {
		if s.availAt[j] != s.availTick {
			s.availAt[j] = s.availTick
			s.availOK[j] = s.avail(j)
		}
		return s.availOK[j]
	}
	for j := range s.stack {
		j := s.stack[j]
		d := s.deficit(j)
		if d <= 0 {
			continue
		}
		from := len(arena)
		for _, i := range pr.prereqs[j] {
			if avail(i) {
				arena = append(arena, i)
			}
		}
		if len(arena)-from < d {
			return 0, 0, false, requirement{}
		}
		pending = append(pending, pendingReq{reqPrereq, j, d, arena[from:len(arena):len(arena)]})
	}
	for t := range pr.weight {
		if !s.pendingTarget(t) {
			continue
		}
		from := len(arena)
		for _, j := range pr.coverers[t] {
			if avail(j) {
				arena = append(arena, j)
			}
		}
		if len(arena) == from && !s.budgeted {
			return 0, 0, false, requirement{}
		}
		pending = append(pending, pendingReq{reqTarget, t, 1, arena[from:len(arena):len(arena)]})
	}
	if len(pending) == 0 {
		return base, 0, true, requirement{}
	}
	for _, p := range pending {
		for _, j := range p.options {
			s.mult[j]++
		}
	}
	// The same two bounds over hours; a target that may be given up under
	// a budget needs no hours. Then the dual bound over the lexicographic
	// weight (scalar objective)*hScale + hours, which sees that a tie on
	// the scalar objective must be reached through cheap options and
	// bounds their hours.
	var dual, dualHours, dualLex float64
	var single, singleHours int64
	lex := func(j int) float64 { return float64(pr.cost[j])*float64(s.hScale) + float64(pr.hours[j]) }
	costs := make([]int64, 0, 8)
	hours := make([]int64, 0, 8)
	for _, p := range pending {
		pi := math.Inf(1)
		if p.kind == reqTarget && s.budgeted {
			pi = float64(s.bigM * pr.weight[p.idx])
		}
		for _, j := range p.options {
			pi = min(pi, float64(pr.cost[j])/float64(s.mult[j]))
		}
		dual += float64(p.k) * pi
		if p.kind != reqTarget || !s.budgeted {
			ph := math.Inf(1)
			for _, j := range p.options {
				ph = min(ph, float64(pr.hours[j])/float64(s.mult[j]))
			}
			dualHours += float64(p.k) * ph
		}
		{
			pl := math.Inf(1)
			if p.kind == reqTarget && s.budgeted {
				pl = float64(s.bigM*pr.weight[p.idx]) * float64(s.hScale)
			}
			for _, j := range p.options {
				pl = min(pl, lex(j)/float64(s.mult[j]))
			}
			dualLex += float64(p.k) * pl
		}
		switch p.kind {
		case reqPrereq:
			costs, hours = costs[:0], hours[:0]
			for _, j := range p.options {
				costs = append(costs, pr.capCost[j])
				hours = append(hours, pr.capHours[j])
			}
			slices.Sort(costs)
			slices.Sort(hours)
			var c, h int64
			for i := range p.k {
				c += costs[i]
				h += hours[i]
			}
			if s.capC+c > s.costCap || s.capH+h > s.hoursCap {
				for _, q := range pending {
					for _, j := range q.options {
						s.mult[j] = 0
					}
				}
				return 0, 0, false, requirement{}
			}
			// The bounds are over the objective's amounts, which are at
			// least the stated ones.
			costs, hours = costs[:0], hours[:0]
			for _, j := range p.options {
				costs = append(costs, pr.cost[j])
				hours = append(hours, pr.hours[j])
			}
			slices.Sort(costs)
			slices.Sort(hours)
			c, h = 0, 0
			for i := range p.k {
				c += costs[i]
				h += hours[i]
			}
			single = max(single, c)
			singleHours = max(singleHours, h)
		case reqTarget:
			best := int64(math.MaxInt64)
			if s.budgeted {
				best = s.bigM * pr.weight[p.idx]
			}
			for _, j := range p.options {
				best = min(best, pr.cost[j]+s.cheapestPrereqs(j))
			}
			single = max(single, best)
			if !s.budgeted {
				h := int64(math.MaxInt64)
				for _, j := range p.options {
					h = min(h, pr.hours[j])
				}
				singleHours = max(singleHours, h)
			}
		}
	}
	for _, p := range pending {
		for _, j := range p.options {
			s.mult[j] = 0
		}
	}
	lb := base + max(single, ceilTol(dual))
	if s.budgeted {
		lb = max(lb, base+s.bigM*s.uncoverableWeight(pending))
	}
	hlb := max(singleHours, ceilTol(dualHours))
	// A completion that ties the incumbent adds exactly the scalar
	// objective it has left, so its hours are at least the lexicographic
	// bound minus that.
	if s.lexExact {
		hlb = max(hlb, ceilTol(dualLex-float64(s.bestScalar-base)*float64(s.hScale)))
	}

	// Branch on a mandatory prerequisite requirement first, then on the
	// target with the fewest options (fail first), heaviest on ties.
	pick := -1
	for i, p := range pending {
		if pick < 0 {
			pick = i
			continue
		}
		q := pending[pick]
		switch {
		case p.kind == reqPrereq && q.kind == reqTarget:
			pick = i
		case p.kind != q.kind:
		case len(p.options)-p.k < len(q.options)-q.k:
			pick = i
		case len(p.options)-p.k == len(q.options)-q.k && p.kind == reqTarget && pr.weight[p.idx] > pr.weight[q.idx]:
			pick = i
		}
	}
	p := pending[pick]
	req := requirement{kind: p.kind, k: p.k, options: p.options}
	if p.kind == reqTarget {
		req.target = p.idx
	}
	return lb, hlb, true, req
}

// ceilTol rounds a bound computed in floating point up to whole cents,
// after allowing for rounding error, so it stays a valid lower bound on
// integer objectives.
func ceilTol(v float64) int64 {
	return int64(math.Ceil(v - 1e-6 - 1e-11*math.Abs(v)))
}

// pendingReq is a requirement not settled yet at a node: k more of options
// for a chosen candidate's prerequisites (idx is the candidate), or one of
// options to cover target idx.
type pendingReq struct {
	kind    reqKind
	idx, k  int
	options []int
}

// uncoverableWeight is a lower bound, under the limits, on the pending
// target weight any completion leaves uncovered: the pending weight minus
// what a fractional knapsack can cover within the money left, and within
// the hours left. Each option is credited with all the pending weight it
// covers; overlaps and prerequisites are ignored, which only loosens it.
func (s *searcher) uncoverableWeight(pending []pendingReq) int64 {
	pr := s.pr
	var total int64
	var opts []int
	s.tick++
	for _, p := range pending {
		if p.kind != reqTarget {
			continue
		}
		total += pr.weight[p.idx]
		for _, j := range p.options {
			if s.stamp[j] != s.tick {
				s.stamp[j] = s.tick
				opts = append(opts, j)
			}
		}
	}
	if total == 0 {
		return 0
	}
	gain := make([]float64, len(opts))
	for k, j := range opts {
		for _, t := range pr.covers[j] {
			if s.pendingTarget(t) {
				gain[k] += float64(pr.weight[t])
			}
		}
	}
	reach := float64(total)
	if s.costCap < 1<<62 {
		reach = min(reach, knapsack(opts, gain, pr.capCost, s.costCap-s.capC))
	}
	if s.hoursCap < 1<<62 {
		reach = min(reach, knapsack(opts, gain, pr.capHours, s.hoursCap-s.capH))
	}
	return max(0, total-int64(math.Floor(reach+1e-9)))
}

// knapsack is the best total gain of the fractional knapsack over items
// opts (gain by position in opts, size by candidate) within capacity.
func knapsack(opts []int, gain []float64, size []int64, capacity int64) float64 {
	var got float64
	idx := make([]int, 0, len(opts))
	for k, j := range opts {
		if size[j] == 0 {
			got += gain[k]
		} else {
			idx = append(idx, k)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Compare(gain[b]/float64(size[opts[b]]), gain[a]/float64(size[opts[a]]))
	})
	left := float64(capacity)
	for _, k := range idx {
		sz := float64(size[opts[k]])
		if sz <= left {
			got += gain[k]
			left -= sz
			continue
		}
		got += gain[k] * left / sz
		break
	}
	return got
}

// cheapestPrereqs is a lower bound on the cost of the prerequisites j still
// needs: the cheapest available ones, one level deep.
func (s *searcher) cheapestPrereqs(j int) int64 {
	d := s.deficit(j)
	if d <= 0 {
		return 0
	}
	var costs []int64
	for _, i := range s.pr.prereqs[j] {
		if !s.chosen[i] && s.excl[i] == 0 {
			costs = append(costs, s.pr.cost[i])
		}
	}
	if len(costs) < d {
		return math.MaxInt64 / 4
	}
	slices.Sort(costs)
	var c int64
	for _, v := range costs[:d] {
		c += v
	}
	return c
}

// node searches the subtree below the current state. inherited is a lower
// bound valid for the whole subtree. It reports whether the subtree was
// searched completely.
func (s *searcher) node(inherited int64, depth int) bool {
	if s.timeUp() || s.nodeLimit > 0 && s.nodes >= s.nodeLimit {
		s.openLB = min(s.openLB, inherited)
		return false
	}
	s.nodes++
	lb, hlb, feasible, req := s.bound()
	if !feasible {
		return true
	}
	lb = max(lb, inherited)
	if s.prune(lb, hlb) {
		return true
	}
	if s.budgeted && req.kind != reqNone && s.prereqsMet() && s.stuck() == nil {
		// Under a budget, the chosen set already is a solution that leaves
		// the pending targets uncovered.
		s.offer()
		if s.prune(lb, hlb) {
			return true
		}
	}
	if req.kind == reqNone {
		stuck := s.stuck()
		if stuck == nil {
			s.offer()
			return true
		}
		req = requirement{kind: reqCut, k: 1, options: s.cutOptions(stuck)}
	}
	s.orderOptions(req.options)

	complete := true
	tried := 0
	for _, j := range req.options {
		if req.kind == reqPrereq && len(req.options)-tried < req.k {
			break
		}
		if !s.avail(j) {
			tried++
			s.excl[j]++
			continue
		}
		s.choose(j)
		ok := s.node(lb, depth+1)
		s.unchoose(j)
		s.excl[j]++
		tried++
		if !ok {
			complete = false
			break
		}
	}
	if complete && req.kind == reqTarget && s.budgeted {
		// Give the target up: every candidate that covers it is excluded.
		for _, j := range s.pr.coverers[req.target] {
			s.excl[j]++
		}
		s.abandoned[req.target] = true
		s.abandonedW += s.pr.weight[req.target]
		complete = s.node(lb, depth+1)
		s.abandonedW -= s.pr.weight[req.target]
		s.abandoned[req.target] = false
		for _, j := range s.pr.coverers[req.target] {
			s.excl[j]--
		}
	}
	for _, j := range req.options[:tried] {
		s.excl[j]--
	}
	if !complete {
		s.openLB = min(s.openLB, lb)
	}
	return complete
}

// cutOptions lists the candidates that can break a prerequisite cycle among
// the stuck ones: whatever order a solution containing the chosen set uses,
// the first stuck candidate in it relies on a prerequisite outside the
// chosen set.
func (s *searcher) cutOptions(stuck []int) []int {
	var opts []int
	s.tick++
	for _, u := range stuck {
		for _, i := range s.pr.prereqs[u] {
			if s.stamp[i] != s.tick && s.avail(i) {
				s.stamp[i] = s.tick
				opts = append(opts, i)
			}
		}
	}
	return opts
}

// orderOptions sorts the options of a requirement so the most promising
// comes first: least estimated cost (with prerequisites) per unit of pending
// target weight it covers.
func (s *searcher) orderOptions(opts []int) {
	pr := s.pr
	score := s.score // scratch: read only while sorting
	for _, j := range opts {
		gain := int64(1)
		for _, t := range pr.covers[j] {
			if s.pendingTarget(t) {
				gain += pr.weight[t]
			}
		}
		est := pr.cost[j]
		if s.deficit(j) > 0 {
			est += s.cheapestPrereqs(j)
		}
		score[j] = float64(est) / float64(gain)
	}
	slices.SortStableFunc(opts, func(a, b int) int {
		if c := cmp.Compare(score[a], score[b]); c != 0 {
			return c
		}
		if c := cmp.Compare(pr.hours[a], pr.hours[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// greedy offers a first incumbent: repeatedly add the candidate (with a
// cheap prerequisite chain) whose price covers the most pending weight,
// within the limits; then drop what turned out redundant. price maps the
// cost and hours of a candidate with its chain to one number.
//
// Only a cancelled context stops it, never the time limit: the limit
// bounds the search for a better plan, and a plan that a busy machine
// left empty would be no answer at all. Greedy is polynomial and takes
// milliseconds where the search may take seconds.
func (s *searcher) greedy(price func(cost, hours int64) float64) {
	pr := s.pr
	n := len(pr.cost)
	mark := make([]bool, n)
	bad := make([]bool, n)
	var add, bestAdd []int
	for s.ctx.Err() == nil {
		bestJ := -1
		var bestRatio, bestHours float64
		for j := range n {
			if s.chosen[j] || bad[j] || s.chain[j] == noChain {
				continue
			}
			add = add[:0]
			ok := s.closure(j, mark, &add)
			for _, i := range add {
				mark[i] = false
			}
			if !ok {
				continue
			}
			var c, h, cc, ch, gain int64
			s.tick++
			for _, i := range add {
				c += pr.cost[i]
				h += pr.hours[i]
				cc += pr.capCost[i]
				ch += pr.capHours[i]
				for _, t := range pr.covers[i] {
					if s.coverCnt[t] == 0 && s.stamp[t] != s.tick {
						s.stamp[t] = s.tick
						gain += pr.weight[t]
					}
				}
			}
			if gain == 0 || s.capC+cc > s.costCap || s.capH+ch > s.hoursCap || !s.groupsFit(add) {
				continue
			}
			ratio, hr := price(c, h)/float64(gain), float64(h)/float64(gain)
			if bestJ < 0 || ratio < bestRatio || ratio == bestRatio && hr < bestHours {
				bestJ, bestRatio, bestHours = j, ratio, hr
				bestAdd = append(bestAdd[:0], add...)
			}
		}
		if bestJ < 0 {
			break
		}
		for _, i := range bestAdd {
			s.choose(i)
		}
		if s.stuck() != nil || !s.withinLimits() {
			for k := len(bestAdd) - 1; k >= 0; k-- {
				s.unchoose(bestAdd[k])
			}
			bad[bestJ] = true
		}
	}
	s.dropRedundant()
	s.offer()
	for len(s.stack) > 0 {
		s.unchoose(s.stack[len(s.stack)-1])
	}
}

// groupsFit reports whether adding every candidate of add keeps each
// group's hours within its limit.
func (s *searcher) groupsFit(add []int) bool {
	if !s.hasGroups {
		return true
	}
	extra := make(map[int]int64)
	for _, i := range add {
		if g := s.pr.group[i]; g >= 0 {
			extra[g] += s.pr.capHours[i]
		}
	}
	for g, h := range extra {
		if !s.groupFits(g, h) {
			return false
		}
	}
	return true
}

// closure appends to add the candidates needed to take j: j's cheapest
// prerequisite chain (by chainCost) that is not chosen yet, prerequisites
// first. It reports false when no chain is found.
func (s *searcher) closure(j int, mark []bool, add *[]int) bool {
	pr := s.pr
	if s.chosen[j] || mark[j] {
		return true
	}
	mark[j] = true
	d := s.deficit(j)
	for _, i := range pr.prereqs[j] {
		if mark[i] {
			d--
		}
	}
	if d > 0 {
		var opts []int
		for _, i := range pr.prereqs[j] {
			if !s.chosen[i] && !mark[i] && s.chain[i] != noChain {
				opts = append(opts, i)
			}
		}
		if len(opts) < d {
			*add = append(*add, j)
			return false
		}
		slices.SortFunc(opts, func(a, b int) int {
			if s.chain[a].less(s.chain[b]) {
				return -1
			}
			if s.chain[b].less(s.chain[a]) {
				return 1
			}
			return cmp.Compare(a, b)
		})
		for _, i := range opts[:d] {
			if !s.closure(i, mark, add) {
				*add = append(*add, j)
				return false
			}
		}
	}
	*add = append(*add, j)
	return true
}

// dropRedundant removes chosen candidates, dearest first, whose removal
// keeps every covered target covered and the set a solution.
func (s *searcher) dropRedundant() {
	pr := s.pr
	order := slices.Clone(s.stack)
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(pr.cost[b], pr.cost[a]) })
	for _, j := range order {
		needed := false
		for _, t := range pr.covers[j] {
			if s.coverCnt[t] == 1 {
				needed = true
				break
			}
		}
		if needed {
			continue
		}
		// Remove j from wherever it sits in the stack.
		k := slices.Index(s.stack, j)
		rest := slices.Clone(s.stack[k+1:])
		for i := len(rest) - 1; i >= 0; i-- {
			s.unchoose(rest[i])
		}
		s.unchoose(j)
		for _, i := range rest {
			s.choose(i)
		}
		if !s.orderable() {
			for i := len(rest) - 1; i >= 0; i-- {
				s.unchoose(rest[i])
			}
			s.choose(j)
			for _, i := range rest {
				s.choose(i)
			}
		}
	}
}
