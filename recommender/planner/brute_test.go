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
	// planEarned is what the whole plan holds; members lists each
	// member's held credentials and open targets (keys; goals by id).
	planEarned map[string]bool
	members    []judgeMember
}

type judgeMember struct {
	earned map[string]bool
	open   []string
}

func newJudge(snap *catalog.Snapshot, req Request) *judge {
	j := &judge{snap: snap, req: req, byID: snap.ByID(), planEarned: make(map[string]bool)}
	for _, id := range req.Earned {
		j.planEarned[id] = true
	}
	type person struct {
		earned []string
		gaps   []string
	}
	var people []person
	if len(req.Cohort) == 0 {
		people = []person{{}}
	} else {
		for _, id := range req.Cohort[0].Earned {
			all := true
			for _, m := range req.Cohort {
				all = all && slices.Contains(m.Earned, id)
			}
			if all {
				j.planEarned[id] = true
			}
		}
		for _, m := range req.Cohort {
			var gaps []string
			for _, g := range m.Gaps {
				gaps = append(gaps, g.Key())
			}
			people = append(people, person{earned: m.Earned, gaps: gaps})
		}
	}
	for _, pe := range people {
		m := judgeMember{earned: make(map[string]bool)}
		for id := range j.planEarned {
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

// score checks ids and returns (valid, covered weight, cents, hundredths).
func (j *judge) score(ids []string) (bool, int64, int64, int64) {
	var cost, hours int64
	taken := make(map[string]bool)
	for _, id := range ids {
		c := j.byID[id]
		if c == nil || !c.Active() || j.planEarned[id] || taken[id] {
			return false, 0, 0, 0
		}
		taken[id] = true
		cost += cents(c.Cost())
		hours += cents(c.Duration())
	}
	if m := j.req.Constraints.MaxCostUSD; m != nil && float64(cost) > math.Round(*m*100) {
		return false, 0, 0, 0
	}
	if m := j.req.Constraints.MaxHours; m != nil && float64(hours) > math.Round(*m*100) {
		return false, 0, 0, 0
	}
	// Some order must give every credential enough prerequisites first.
	have := make(map[string]bool)
	for id := range j.planEarned {
		have[id] = true
	}
	for progress := true; progress; {
		progress = false
		for _, id := range ids {
			if have[id] && !j.planEarned[id] {
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
			if n >= need && !have[id] {
				have[id] = true
				progress = true
			}
		}
	}
	for _, id := range ids {
		if !have[id] {
			return false, 0, 0, 0
		}
	}
	var w int64
	for _, m := range j.members {
		for _, key := range m.open {
			if j.covers(taken, key) {
				w++
			}
		}
	}
	return true, w, cost, hours
}

// optimum tries every subset of the candidates.
func (j *judge) optimum() (int64, int64, int64) {
	var cands []string
	for _, c := range j.snap.Credentials {
		if c.Active() && !j.planEarned[c.ID] {
			cands = append(cands, c.ID)
		}
	}
	bw, bc, bh := int64(-1), int64(0), int64(0)
	for mask := 0; mask < 1<<len(cands); mask++ {
		var ids []string
		for k, id := range cands {
			if mask&(1<<k) != 0 {
				ids = append(ids, id)
			}
		}
		ok, w, c, h := j.score(ids)
		if !ok {
			continue
		}
		if w > bw || w == bw && (c < bc || c == bc && h < bh) {
			bw, bc, bh = w, c, h
		}
	}
	return bw, bc, bh
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
			checkAgainstBruteForce(t, 1500)
		})
	}
}

func checkAgainstBruteForce(t *testing.T, instances int) {
	rng := rand.New(rand.NewPCG(20270101, 7))
	budgeted, cohorts, partial := 0, 0, 0
	for k := range instances {
		snap, req := randomInstance(rng)
		if req.Constraints.MaxCostUSD != nil || req.Constraints.MaxHours != nil {
			budgeted++
		}
		if len(req.Cohort) > 0 {
			cohorts++
		}
		j := newJudge(snap, req)
		ww, wc, wh := j.optimum()

		pl := New(snap, Options{TimeLimit: 10 * time.Second})
		plan, err := pl.Plan(context.Background(), req)
		if err != nil {
			t.Fatalf("instance %d: Plan: %v", k, err)
		}
		var ids []string
		for _, s := range plan.Steps {
			ids = append(ids, s.ID)
		}
		ok, gw, gc, gh := j.score(ids)
		if !ok {
			t.Fatalf("instance %d: plan %v is not valid\nrequest %+v", k, ids, req)
		}
		if gw != ww || gc != wc || gh != wh {
			t.Fatalf("instance %d: plan %v scores (weight %d, cents %d, hours %d), brute force (%d, %d, %d)\nrequest %+v\ncatalog %s",
				k, ids, gw, gc, gh, ww, wc, wh, req, dumpCatalog(snap))
		}
		if !plan.Optimal {
			t.Errorf("instance %d: Optimal false on a small instance", k)
		}
		if math.Abs(plan.LowerBoundCostUSD-plan.TotalCostUSD) > 1e-9 {
			t.Errorf("instance %d: lower bound %v != cost %v of an optimal plan", k, plan.LowerBoundCostUSD, plan.TotalCostUSD)
		}
		if len(plan.Uncovered) > 0 {
			partial++
			for _, u := range plan.Uncovered {
				if plan.UncoveredReasons[u] == "" {
					t.Errorf("instance %d: uncovered %s has no reason", k, u)
				}
			}
		}
		checkStepOrder(t, plan, j.planEarned, req.Constraints.HoursPerMonth > 0)
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
