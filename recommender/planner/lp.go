package planner

import (
	"errors"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// Limits on the LP relaxation's size: gonum's simplex is dense (each
// iteration factorises the basis afresh), so beyond them the search goes on
// with the combinatorial bound alone.
const (
	maxLPRows = 250
	maxLPCols = 500
)

// lpTimeLimit bounds one LP solve.
const lpTimeLimit = 25 * time.Millisecond

// lpRow is one constraint Σ coef·x ≤ rhs over candidates (and, when target
// ≥ 0, minus that target's give-up variable).
type lpRow struct {
	cands  []int
	coefs  []float64
	rhs    float64
	target int
}

// lpBound solves the LP relaxation of the current subtree with gonum's
// simplex and returns it, rounded up to whole cents, as a lower bound on the
// scalar objective bigM*uncovered + cost. Variables x_j ∈ [0,1] relax "take
// candidate j"; u_t ≥ 0 relaxes "give target t up" (only under a budget).
//
//	minimise   Σ cost_j x_j + Σ bigM w_t u_t
//	subject to Σ_{j covers t} x_j + u_t ≥ 1            for each pending target t
//	           Σ_{i ∈ prereqs(j)} x_i ≥ deficit_j      for each chosen j short of prerequisites
//	           Σ_{i ∈ prereqs(j)} x_i ≥ deficit_j x_j  for each free j with a deficit
//	           Σ cost_j x_j ≤ money left, Σ hours_j x_j ≤ hours left
//
// Bounds x_j ≤ 1 are written only where they matter: an x_j above 1 never
// helps the covering rows, only "k of n" rows with k ≥ 2. Coverers the LP
// can do without are left out first (lpDominated). ok is false when the LP
// was too large, ran out of time or the simplex failed; the caller then
// keeps its other bound.
func (s *searcher) lpBound() (bound int64, ok bool) {
	if s.timeUp() {
		return 0, false
	}
	pr := s.pr
	n := len(pr.cost)
	base := s.cost + s.bigM*s.abandonedW

	availMemo := make([]int8, n)
	av := func(j int) bool {
		if availMemo[j] == 0 {
			availMemo[j] = 2
			if s.avail(j) {
				availMemo[j] = 1
			}
		}
		return availMemo[j] == 1
	}
	colOf := make([]int, n)
	for j := range colOf {
		colOf[j] = -1
	}
	var cands []int
	addCol := func(j int) {
		if colOf[j] < 0 {
			colOf[j] = len(cands)
			cands = append(cands, j)
		}
	}
	upper := make(map[int]bool)
	var rows []lpRow
	dropped := s.lpDominated(av)

	for t := range pr.weight {
		if !s.pendingTarget(t) {
			continue
		}
		r := lpRow{rhs: -1, target: -1}
		for _, j := range pr.coverers[t] {
			if av(j) && !dropped[j] {
				addCol(j)
				r.cands = append(r.cands, j)
				r.coefs = append(r.coefs, -1)
			}
		}
		if len(r.cands) == 0 {
			if !s.budgeted {
				return 0, false
			}
			base += s.bigM * pr.weight[t] // given up whatever happens
			continue
		}
		if s.budgeted {
			r.target = t
		}
		rows = append(rows, r)
	}
	for _, j := range s.stack {
		d := s.deficit(j)
		if d <= 0 {
			continue
		}
		r := lpRow{rhs: -float64(d), target: -1}
		for _, i := range pr.prereqs[j] {
			if av(i) {
				addCol(i)
				r.cands = append(r.cands, i)
				r.coefs = append(r.coefs, -1)
				if d >= 2 {
					upper[i] = true
				}
			}
		}
		if len(r.cands) < d {
			return 0, false
		}
		rows = append(rows, r)
	}
	// Free candidates pull in their own prerequisites (cands grows while
	// the loop runs).
	for q := 0; q < len(cands); q++ {
		j := cands[q]
		d := s.deficit(j)
		if d <= 0 {
			continue
		}
		var open []int
		for _, i := range pr.prereqs[j] {
			if av(i) {
				addCol(i)
				open = append(open, i)
			}
		}
		if d > len(open) {
			// Not enough prerequisites left: x_j must be 0.
			rows = append(rows, lpRow{cands: []int{j}, coefs: []float64{1}, target: -1})
			continue
		}
		r := lpRow{cands: []int{j}, coefs: []float64{float64(d)}, target: -1}
		for _, i := range open {
			r.cands = append(r.cands, i)
			r.coefs = append(r.coefs, -1)
			if d >= 2 {
				upper[i] = true
			}
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return base, true
	}
	if s.costCap < 1<<62 {
		r := lpRow{rhs: float64(s.costCap - s.capC), target: -1}
		for _, j := range cands {
			if pr.capCost[j] > 0 {
				r.cands = append(r.cands, j)
				r.coefs = append(r.coefs, float64(pr.capCost[j]))
			}
		}
		if len(r.cands) > 0 {
			rows = append(rows, r)
		}
	}
	if s.hoursCap < 1<<62 {
		r := lpRow{rhs: float64(s.hoursCap - s.capH), target: -1}
		for _, j := range cands {
			if pr.capHours[j] > 0 {
				r.cands = append(r.cands, j)
				r.coefs = append(r.coefs, float64(pr.capHours[j]))
			}
		}
		if len(r.cands) > 0 {
			rows = append(rows, r)
		}
	}
	for _, j := range cands {
		if upper[j] {
			rows = append(rows, lpRow{cands: []int{j}, coefs: []float64{1}, rhs: 1, target: -1})
		}
	}

	return s.solveLP(rows, cands, colOf, base)
}

// lpDominated returns the coverers the LP can leave out without changing
// its optimum. A coverer is free-standing when it needs no more
// prerequisites and is no prerequisite of a candidate that does, so it
// appears only in covering rows, the objective and the limit rows. If
// another free-standing coverer covers every pending target it covers and
// is no worse in the objective and in each limit row, any LP solution can
// move its weight onto the other one.
func (s *searcher) lpDominated(av func(int) bool) map[int]bool {
	pr := s.pr
	var free []int
	covered := make(map[int][]int) // free-standing coverer → pending targets
	for t := range pr.weight {
		if !s.pendingTarget(t) {
			continue
		}
		for _, j := range pr.coverers[t] {
			if _, seen := covered[j]; !seen && av(j) && s.freeStanding(j, av) {
				free = append(free, j)
				covered[j] = nil
			}
			if _, ok := covered[j]; ok {
				covered[j] = append(covered[j], t)
			}
		}
	}
	// What the LP sees of a column besides coverage: its objective and its
	// coefficients in the limit rows present.
	useHours := s.hoursCap < 1<<62
	useCost := s.costCap < 1<<62
	noWorse := func(a, b int) (bool, bool) {
		le, lt := pr.cost[a] <= pr.cost[b], pr.cost[a] < pr.cost[b]
		if useCost {
			le = le && pr.capCost[a] <= pr.capCost[b]
			lt = lt || pr.capCost[a] < pr.capCost[b]
		}
		if useHours {
			le = le && pr.capHours[a] <= pr.capHours[b]
			lt = lt || pr.capHours[a] < pr.capHours[b]
		}
		return le, lt
	}
	dropped := make(map[int]bool)
	for _, b := range free {
		for _, a := range free {
			if a == b || dropped[a] {
				continue
			}
			le, lt := noWorse(a, b)
			if !le || len(covered[a]) < len(covered[b]) {
				continue
			}
			if !lt && len(covered[a]) == len(covered[b]) && a > b {
				continue // identical columns: keep the first
			}
			if subset(covered[b], covered[a]) {
				dropped[b] = true
				break
			}
		}
	}
	return dropped
}

// freeStanding reports whether candidate j needs no more prerequisites and
// no chosen or available candidate that still needs prerequisites lists it.
func (s *searcher) freeStanding(j int, av func(int) bool) bool {
	if s.deficit(j) > 0 {
		return false
	}
	for _, d := range s.pr.dependents[j] {
		if s.deficit(d) > 0 && (s.chosen[d] || av(d)) {
			return false
		}
	}
	return true
}

// subset reports whether every element of a (ascending) is in b
// (ascending).
func subset(a, b []int) bool {
	k := 0
	for _, v := range a {
		for k < len(b) && b[k] < v {
			k++
		}
		if k == len(b) || b[k] != v {
			return false
		}
	}
	return true
}

// solveLP writes the rows in gonum's standard form and solves it. Each
// row Σ a·x ≤ h becomes an equality with a slack, or, when h < 0 (a
// covering row), is negated and gets a surplus and an artificial variable
// costing bigM, more than any plan costs. That gives the simplex a
// feasible starting basis (slacks and artificials), so no phase I is run.
// Every right-hand side is loosened by a distinct tiny amount, which keeps
// the bases non-degenerate (gonum's simplex can cycle on degenerate
// covering LPs) and only relaxes the LP, so the bound stays valid.
func (s *searcher) solveLP(rows []lpRow, cands []int, colOf []int, base int64) (bound int64, ok bool) {
	pr := s.pr
	nx := len(cands)
	nu := 0
	for _, r := range rows {
		if r.target >= 0 {
			nu++
		}
	}
	nart := 0
	for _, r := range rows {
		if r.rhs < 0 {
			nart++
		}
	}
	m := len(rows)
	n := nx + nu + m + nart
	if m > maxLPRows || nx+nu > maxLPCols {
		return 0, false
	}
	obj := make([]float64, n)
	for k, j := range cands {
		obj[k] = float64(pr.cost[j])
	}
	a := mat.NewDense(m, n, nil)
	b := make([]float64, m)
	basis := make([]int, m)
	u, art := nx, nx+nu+m
	for i, r := range rows {
		sign := 1.0
		if r.rhs < 0 {
			sign = -1
		}
		for k, j := range r.cands {
			a.Set(i, colOf[j], sign*r.coefs[k])
		}
		if r.target >= 0 {
			a.Set(i, u, -sign)
			obj[u] = float64(s.bigM * pr.weight[r.target])
			u++
		}
		slack := nx + nu + i
		a.Set(i, slack, sign)
		loosen := 1e-9 * (1 + float64((i*7919)%997)/997)
		b[i] = sign * (r.rhs + loosen) // Σ a·x ≤ h + ε, or -Σ a·x ≥ -h - ε
		basis[i] = slack
		if r.rhs < 0 {
			a.Set(i, art, 1)
			obj[art] = float64(s.bigM)
			basis[i] = art
			art++
		}
	}
	stop := s.deadline
	if d := time.Now().Add(lpTimeLimit); d.Before(stop) {
		stop = d
	}
	g := &guardedMatrix{dense: a, stop: stop}
	defer func() {
		if r := recover(); r != nil {
			if r != errLPStopped {
				panic(r)
			}
			bound, ok = 0, false
		}
	}()
	opt, _, err := lp.Simplex(obj, g, b, 1e-10, basis)
	if err != nil {
		return 0, false
	}
	return base + ceilTol(opt), true
}

var errLPStopped = errors.New("planner: LP relaxation stopped at its time limit")

// guardedMatrix hands the constraint matrix to gonum's simplex, which reads
// it every iteration; past the stop time a read panics with errLPStopped,
// which lpBound recovers, so a slow or cycling solve cannot outlive its
// time limit. It deliberately has no RawMatrix method, so every read goes
// through At.
type guardedMatrix struct {
	dense *mat.Dense
	stop  time.Time
	reads int
}

func (g *guardedMatrix) Dims() (r, c int) { return g.dense.Dims() }

func (g *guardedMatrix) At(i, j int) float64 {
	g.reads++
	if g.reads%1024 == 0 && time.Now().After(g.stop) {
		panic(errLPStopped)
	}
	return g.dense.At(i, j)
}

func (g *guardedMatrix) T() mat.Matrix { return mat.Transpose{Matrix: g} }
