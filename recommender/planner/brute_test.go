package planner

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// randomInstance builds a small catalog (at most 14 credentials, so every
// subset can be tried) and a request against it: 3 to 6 targets in a
// made-up framework "T" matched by exact code, random prerequisites that
// may form cycles, k-of-n minimums, unknown prerequisite URIs, retired and
// earned credentials, goal credentials, budgets and sometimes a cohort.
func randomInstance(rng *rand.Rand) (*catalog.Snapshot, Request) {
	n := 4 + rng.IntN(11)
	nt := 3 + rng.IntN(4)
	code := func() string { return strconv.Itoa(1 + rng.IntN(nt+2)) }
	snap := &catalog.Snapshot{}
	for i := range n {
		c := &catalog.Credential{ID: fmt.Sprintf("c%02d", i), Title: fmt.Sprintf("Credential %d", i), Level: rng.IntN(4)}
		for range 1 + rng.IntN(3) {
			c.Competencies = append(c.Competencies, catalog.Competency{Framework: "T", Code: code()})
		}
		switch r := rng.Float64(); {
		case r < 0.1:
		case r < 0.3:
			c.CostUSD = catalog.Float(float64(rng.IntN(800)) / 4)
		default:
			c.CostUSD = catalog.Float(float64(5 * rng.IntN(40)))
		}
		if rng.Float64() < 0.85 {
			c.Hours = catalog.Float(float64(rng.IntN(41)) / 2)
		}
		if rng.Float64() < 0.4 {
			for range 1 + rng.IntN(3) {
				c.Prerequisites = append(c.Prerequisites, fmt.Sprintf("c%02d", rng.IntN(n)))
			}
			if rng.Float64() < 0.1 {
				c.Prerequisites = append(c.Prerequisites, "urn:elsewhere:"+strconv.Itoa(rng.IntN(2)))
			}
			if rng.Float64() < 0.4 {
				c.PrerequisitesMin = 1 + rng.IntN(len(c.Prerequisites))
			}
		}
		if rng.Float64() < 0.1 {
			c.Status = catalog.StatusRetired
		}
		if r := rng.Float64(); r < 0.3 {
			c.Format = catalog.FormatOnline
		} else if r < 0.5 {
			c.Format = catalog.FormatHybrid
		}
		snap.Credentials = append(snap.Credentials, c)
	}
	var req Request
	for _, i := range rng.Perm(nt)[:3+rng.IntN(nt-2)] {
		req.Targets = append(req.Targets, Target{Framework: "T", Code: strconv.Itoa(i + 1)})
	}
	randomIDs := func(p float64) []string {
		var ids []string
		for i := range n {
			if rng.Float64() < p {
				ids = append(ids, fmt.Sprintf("c%02d", i))
			}
		}
		if rng.Float64() < 0.1 {
			ids = append(ids, "urn:elsewhere:0")
		}
		return ids
	}
	req.Earned = randomIDs(0.1)
	req.Constraints.Start = "2027-01"
	req.Constraints.HoursPerMonth = []float64{0, 4, 10, 25}[rng.IntN(4)]
	if rng.Float64() < 0.3 {
		req.GoalCredentials = []string{fmt.Sprintf("c%02d", rng.IntN(n+1))} // c(n) is unknown
	}
	if rng.Float64() < 0.45 {
		req.Constraints.MaxCostUSD = catalog.Float(float64(rng.IntN(300)))
	}
	if rng.Float64() < 0.3 {
		req.Constraints.MaxHours = catalog.Float(float64(rng.IntN(40)))
	}
	if rng.Float64() < 0.25 {
		for k := range 2 + rng.IntN(2) {
			m := catalog.Profile{ID: fmt.Sprintf("m%d", k), Earned: randomIDs(0.2)}
			if rng.Float64() < 0.3 {
				m.Preferences.MaxCostUSD = catalog.Float(float64(rng.IntN(120)))
			}
			if rng.Float64() < 0.3 {
				m.Preferences.Formats = []string{catalog.FormatOnline}
			}
			for range 1 + rng.IntN(3) {
				m.Gaps = append(m.Gaps, catalog.Gap{Framework: "T", Code: code()})
			}
			req.Cohort = append(req.Cohort, m)
		}
	}
	return snap, req
}

// judge evaluates a set of credential ids for a request by the rules, from
// scratch: whether it is a valid plan, and its covered weight, cost (cents)
// and hours (hundredths).
type judge struct {
	snap *catalog.Snapshot
	req  Request
	byID map[string]*catalog.Credential
	// members lists each member's held credentials, open targets (keys;
	// goals by id) and preferences.
	members []judgeMember
}

type judgeMember struct {
	id     string
	earned map[string]bool
	open   []string
	prefs  catalog.Preferences
}

// score is a plan's objective: covered weight (more is better), then the
// number of steps stating no cost, the stated cost, the number stating no
// hours and the stated hours (less is better).
type score struct {
	w, uc, c, uh, h int64
}

func (a score) better(b score) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	for _, d := range [][2]int64{{a.uc, b.uc}, {a.c, b.c}, {a.uh, b.uh}, {a.h, b.h}} {
		if d[0] != d[1] {
			return d[0] < d[1]
		}
	}
	return false
}

func (a score) plus(b score) score {
	return score{a.w + b.w, a.uc + b.uc, a.c + b.c, a.uh + b.uh, a.h + b.h}
}

func newJudge(snap *catalog.Snapshot, req Request) *judge {
	j := &judge{snap: snap, req: req, byID: snap.ByID()}
	type person struct {
		id     string
		earned []string
		gaps   []string
		prefs  catalog.Preferences
	}
	var people []person
	if len(req.Cohort) == 0 {
		people = []person{{}}
	} else {
		for k, m := range req.Cohort {
			var gaps []string
			for _, g := range m.Gaps {
				gaps = append(gaps, g.Key())
			}
			id := m.ID
			if id == "" {
				id = fmt.Sprintf("member-%d", k+1)
			}
			people = append(people, person{id: id, earned: m.Earned, gaps: gaps, prefs: m.Preferences})
		}
	}
	for _, pe := range people {
		m := judgeMember{id: pe.id, earned: make(map[string]bool), prefs: pe.prefs}
		for _, id := range req.Earned {
			m.earned[id] = true
		}
		for _, id := range pe.earned {
			m.earned[id] = true
		}
		var wants []string
		for _, t := range req.Targets {
			wants = append(wants, t.Key())
		}
		wants = append(wants, req.GoalCredentials...)
		wants = append(wants, pe.gaps...)
		slices.Sort(wants)
		for _, w := range slices.Compact(wants) {
			if !j.covers(m.earned, w) {
				m.open = append(m.open, w)
			}
		}
		j.members = append(j.members, m)
	}
	return j
}

// covers reports whether a set of credentials meets a target key ("T:3")
// or is a goal id.
func (j *judge) covers(set map[string]bool, key string) bool {
	if set[key] {
		return true
	}
	for id := range set {
		if c := j.byID[id]; c != nil && slices.Contains(c.CompetencyKeys(), key) {
			return true
		}
	}
	return false
}

// allowed reports whether member m may be planned credential c: active,
// not held, within the member's own limits (an unstated amount passes).
func (j *judge) allowed(m judgeMember, c *catalog.Credential) bool {
	if c == nil || !c.Active() || m.earned[c.ID] {
		return false
	}
	pr := m.prefs
	if pr.MaxCostUSD != nil && c.CostUSD != nil && *c.CostUSD > *pr.MaxCostUSD {
		return false
	}
	if len(pr.Formats) > 0 && c.Format != "" && !slices.Contains(pr.Formats, c.Format) {
		return false
	}
	return true
}

// scoreMember checks the credentials planned for member k and scores them.
func (j *judge) scoreMember(k int, ids []string) (bool, score) {
	m := j.members[k]
	var sc score
	taken := make(map[string]bool)
	for _, id := range ids {
		c := j.byID[id]
		if !j.allowed(m, c) || taken[id] {
			return false, score{}
		}
		taken[id] = true
		if c.CostUSD == nil {
			sc.uc++
		}
		if c.Hours == nil {
			sc.uh++
		}
		sc.c += cents(c.Cost())
		sc.h += cents(c.Duration())
	}
	// Some order must give every credential enough prerequisites first.
	have := make(map[string]bool)
	for id := range m.earned {
		have[id] = true
	}
	for progress := true; progress; {
		progress = false
		for _, id := range ids {
			if have[id] {
				continue
			}
			c := j.byID[id]
			seen := make(map[string]bool)
			n := 0
			for _, p := range c.Prerequisites {
				if !seen[p] && have[p] {
					n++
				}
				seen[p] = true
			}
			need := len(seen)
			if c.PrerequisitesMin > 0 {
				need = c.PrerequisitesMin
			}
			if n >= need {
				have[id] = true
				progress = true
			}
		}
	}
	for _, id := range ids {
		if !have[id] {
			return false, score{}
		}
	}
	for _, key := range m.open {
		if j.covers(taken, key) {
			sc.w++
		}
	}
	return true, sc
}

// memberCap is each member's study time until the by month, in
// hundredths of an hour; -1 without a by month.
func (j *judge) memberCap() int64 {
	c := j.req.Constraints
	if c.By == "" || c.HoursPerMonth == 0 {
		return -1
	}
	start, _ := parseMonth(c.Start)
	by, _ := parseMonth(c.By)
	return int64(by-start+1) * cents(c.HoursPerMonth)
}

// within reports whether a team score keeps the request's limits.
func (j *judge) within(sc score) bool {
	if m := j.req.Constraints.MaxCostUSD; m != nil && float64(sc.c) > math.Round(*m*100) {
		return false
	}
	if m := j.req.Constraints.MaxHours; m != nil && float64(sc.h) > math.Round(*m*100) {
		return false
	}
	return true
}

// optimum tries every subset of the candidates for each member, keeps each
// member's scores that no other beats on every count, and combines them
// across members within the team limits.
func (j *judge) optimum() score {
	var fronts [][]score
	for k, m := range j.members {
		var cands []string
		for _, c := range j.snap.Credentials {
			if j.allowed(m, c) {
				cands = append(cands, c.ID)
			}
		}
		var all []score
		for mask := 0; mask < 1<<len(cands); mask++ {
			var ids []string
			for b, id := range cands {
				if mask&(1<<b) != 0 {
					ids = append(ids, id)
				}
			}
			if ok, sc := j.scoreMember(k, ids); ok && j.within(sc) && (j.memberCap() < 0 || sc.h <= j.memberCap()) {
				all = append(all, sc)
			}
		}
		var front []score
		for _, a := range all {
			dominated := false
			for _, b := range all {
				if b != a && b.w >= a.w && b.uc <= a.uc && b.c <= a.c && b.uh <= a.uh && b.h <= a.h {
					dominated = true
					break
				}
			}
			if !dominated && !slices.Contains(front, a) {
				front = append(front, a)
			}
		}
		fronts = append(fronts, front)
	}
	best := score{w: -1}
	var walk func(k int, acc score)
	walk = func(k int, acc score) {
		if !j.within(acc) {
			return
		}
		if k == len(fronts) {
			if acc.better(best) {
				best = acc
			}
			return
		}
		for _, sc := range fronts[k] {
			walk(k+1, acc.plus(sc))
		}
	}
	walk(0, score{})
	return best
}

// scorePlan checks a plan's steps member by member and scores the team.
func (j *judge) scorePlan(plan Plan) (bool, score) {
	var total score
	for k, m := range j.members {
		var ids []string
		for _, s := range plan.Steps {
			if s.Member == m.id {
				ids = append(ids, s.ID)
			}
		}
		ok, sc := j.scoreMember(k, ids)
		if !ok || j.memberCap() >= 0 && sc.h > j.memberCap() {
			return false, score{}
		}
		total = total.plus(sc)
	}
	return j.within(total), total
}

// TestPlanMatchesBruteForce compares the planner with exhaustive search on
// hundreds of random small instances: same covered weight, same cost, same
// hours, every time, and every plan valid.
//
// It runs twice: as configured, where nearly every instance is settled by
// the quick search, and with the quick search cut to one node, so that
// every instance goes through the LP relaxation at the root.
func TestPlanMatchesBruteForce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		quick int
	}{
		{"quick search", quickNodes},
		{"LP at the root", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(q int) { quickNodes = q }(quickNodes)
			quickNodes = tc.quick
			checkAgainstBruteForce(t, 1500, randomInstance)
		})
	}
}

// TestPlanDeadlineMatchesBruteForce compares plans with a by month against
// exhaustive search. Without prerequisites a member's steps pack the months
// from the start, so the by month is exactly a bound on each member's
// hours: hours_per_month times the months until by.
func TestPlanDeadlineMatchesBruteForce(t *testing.T) {
	checkAgainstBruteForce(t, 600, func(rng *rand.Rand) (*catalog.Snapshot, Request) {
		snap, req := randomInstance(rng)
		for _, c := range snap.Credentials {
			c.Prerequisites, c.PrerequisitesMin = nil, 0
		}
		req.Constraints.HoursPerMonth = []float64{4, 10}[rng.IntN(2)]
		req.Constraints.By = []string{"2027-01", "2027-02", "2027-03", "2027-04"}[rng.IntN(4)]
		return snap, req
	})
}

func checkAgainstBruteForce(t *testing.T, instances int, gen func(*rand.Rand) (*catalog.Snapshot, Request)) {
	rng := rand.New(rand.NewPCG(20270101, 7))
	budgeted, cohorts, partial := 0, 0, 0
	for k := range instances {
		snap, req := gen(rng)
		if req.Constraints.MaxCostUSD != nil || req.Constraints.MaxHours != nil {
			budgeted++
		}
		if len(req.Cohort) > 0 {
			cohorts++
		}
		j := newJudge(snap, req)
		want := j.optimum()

		pl := New(snap, Options{TimeLimit: 10 * time.Second})
		plan, err := pl.Plan(context.Background(), req)
		if err != nil {
			t.Fatalf("instance %d: Plan: %v", k, err)
		}
		var ids []string
		for _, s := range plan.Steps {
			ids = append(ids, s.Member+"/"+s.ID)
		}
		ok, got := j.scorePlan(plan)
		if !ok {
			t.Fatalf("instance %d: plan %v is not valid\nrequest %+v\ncatalog %s", k, ids, req, dumpCatalog(snap))
		}
		if got != want {
			t.Fatalf("instance %d: plan %v scores %+v, brute force %+v\nrequest %+v\ncatalog %s",
				k, ids, got, want, req, dumpCatalog(snap))
		}
		stated := plan.UnknownCostSteps == 0 && plan.UnknownHoursSteps == 0
		if plan.Optimal != stated {
			t.Errorf("instance %d: Optimal %v with %d unstated costs and %d unstated hours", k, plan.Optimal, plan.UnknownCostSteps, plan.UnknownHoursSteps)
		}
		if plan.Optimal && math.Abs(plan.LowerBoundCostUSD-plan.TotalCostUSD) > 1e-9 {
			t.Errorf("instance %d: lower bound %v != cost %v of an optimal plan", k, plan.LowerBoundCostUSD, plan.TotalCostUSD)
		}
		if int64(math.Round(plan.TotalCostUSD*100)) != got.c || int64(math.Round(plan.TotalHours*100)) != got.h {
			t.Errorf("instance %d: totals $%v, %v h; steps state %d cents, %d hundredths", k, plan.TotalCostUSD, plan.TotalHours, got.c, got.h)
		}
		if len(plan.Uncovered) > 0 {
			partial++
			for _, u := range plan.Uncovered {
				if plan.UncoveredReasons[u] == "" {
					t.Errorf("instance %d: uncovered %s has no reason", k, u)
				}
			}
		}
		for _, st := range plan.Steps {
			if by := req.Constraints.By; by != "" && st.EndMonth > by {
				t.Errorf("instance %d: step %s ends %s, after by %s", k, st.ID, st.EndMonth, by)
			}
		}
		for _, m := range j.members {
			var mine Plan
			for _, s := range plan.Steps {
				if s.Member == m.id {
					mine.Steps = append(mine.Steps, s)
				}
			}
			checkStepOrder(t, mine, m.earned, req.Constraints.HoursPerMonth > 0)
		}
	}
	t.Logf("%d instances: %d with budgets, %d cohorts, %d with uncovered targets", instances, budgeted, cohorts, partial)
}

// checkStepOrder asserts that every step's requirements are earned or come
// earlier, and start after they end.
func checkStepOrder(t *testing.T, plan Plan, earned map[string]bool, spread bool) {
	t.Helper()
	end := make(map[string]string)
	for _, s := range plan.Steps {
		for _, r := range s.Requires {
			if earned[r] {
				continue
			}
			e, ok := end[r]
			if !ok {
				t.Fatalf("step %s requires %s, which is neither earned nor earlier", s.ID, r)
			}
			if spread && s.Month <= e {
				t.Fatalf("step %s starts %s, before its prerequisite %s ends (%s)", s.ID, s.Month, r, e)
			}
		}
		end[s.ID] = s.EndMonth
	}
}

func dumpCatalog(snap *catalog.Snapshot) string {
	s := ""
	for _, c := range snap.Credentials {
		s += fmt.Sprintf("\n  %s cost=%v hours=%v comps=%v prereqs=%v min=%d status=%q",
			c.ID, c.Cost(), c.Duration(), c.CompetencyKeys(), c.Prerequisites, c.PrerequisitesMin, c.Status)
	}
	return s
}
