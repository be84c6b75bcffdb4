package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/profile"
)

// DefaultTimeLimit bounds one Plan call when Options.TimeLimit is zero.
const DefaultTimeLimit = 2 * time.Second

// maxScheduleRounds bounds how often a plan is made again without steps a
// schedule pushed past the last month allowed.
const maxScheduleRounds = 4

// Options configure a Planner. The zero value is ready to use.
type Options struct {
	// Matcher decides whether a credential meets a target competency. Nil
	// means the default: the same framework, and the same code or one of
	// its descendants in the framework's hierarchy (a checkpoint meets its
	// guideline, a component its domain; a parent alone never meets its
	// child).
	Matcher Matcher
	// TimeLimit bounds the search of one Plan call (default
	// DefaultTimeLimit); the context's deadline applies too.
	TimeLimit time.Duration
	// Now is the clock, used only for the start month of a request that
	// gives none (default time.Now).
	Now func() time.Time
}

// Planner turns plan requests into plans over one catalog snapshot. It is
// safe for concurrent use; it never modifies the snapshot.
type Planner struct {
	opts  Options
	creds []*catalog.Credential
	// index maps credential ids, and then the other URIs feeds use for
	// them, to positions in creds.
	index map[string]int
	// prereqs are the resolved prerequisites of each credential; unresolved
	// holds the ones naming no credential in the catalog, which only an
	// earned entry of the same spelling can satisfy. need is how many of
	// them must be held.
	prereqs    [][]int
	unresolved [][]string
	need       []int
	dependents [][]int
	hier       hierarchy
	// codes maps framework → code → credentials aligned to it, for the
	// default matcher.
	codes map[string]map[string][]int
	// names knows the frameworks and codes a request may name.
	names frameworkNames
}

// New prepares a planner for snap: it resolves prerequisites to catalog
// positions and indexes competency alignments. A nil snapshot is an empty
// catalog.
func New(snap *catalog.Snapshot, opts Options) *Planner {
	if snap == nil {
		snap = &catalog.Snapshot{}
	}
	if opts.TimeLimit <= 0 {
		opts.TimeLimit = DefaultTimeLimit
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Planner{
		opts:  opts,
		index: make(map[string]int, len(snap.Credentials)),
		hier:  newHierarchy(append(slices.Clone(snap.Frameworks), bundled().Frameworks()...)),
		codes: make(map[string]map[string][]int),
		names: newFrameworkNames(snap),
	}
	for _, c := range snap.Credentials {
		if c == nil {
			continue
		}
		if _, dup := p.index[c.ID]; dup {
			continue
		}
		p.index[c.ID] = len(p.creds)
		p.creds = append(p.creds, c)
	}
	for i, c := range p.creds {
		for _, alt := range c.AltIDs {
			if _, taken := p.index[alt]; !taken {
				p.index[alt] = i
			}
		}
	}
	n := len(p.creds)
	p.prereqs = make([][]int, n)
	p.unresolved = make([][]string, n)
	p.need = make([]int, n)
	p.dependents = make([][]int, n)
	for i, c := range p.creds {
		seen := make(map[int]bool)
		seenRaw := make(map[string]bool)
		for _, ref := range c.Prerequisites {
			// A credential listing itself can only count itself once
			// earned, so the reference is kept as an unresolved one.
			if j, ok := p.index[ref]; ok && j != i {
				if !seen[j] {
					seen[j] = true
					p.prereqs[i] = append(p.prereqs[i], j)
					p.dependents[j] = append(p.dependents[j], i)
				}
			} else if !seenRaw[ref] {
				seenRaw[ref] = true
				p.unresolved[i] = append(p.unresolved[i], ref)
			}
		}
		// PrerequisitesMin 0 means all of them; a minimum above the list's
		// length can never be met.
		p.need[i] = len(p.prereqs[i]) + len(p.unresolved[i])
		if c.PrerequisitesMin > 0 {
			p.need[i] = c.PrerequisitesMin
		}
		for _, comp := range c.Competencies {
			byCode := p.codes[comp.Framework]
			if byCode == nil {
				byCode = make(map[string][]int)
				p.codes[comp.Framework] = byCode
			}
			if l := byCode[comp.Code]; len(l) == 0 || l[len(l)-1] != i {
				byCode[comp.Code] = append(l, i)
			}
		}
	}
	return p
}

// matching returns the positions of every credential, active or not, that
// meets the target, ascending.
func (p *Planner) matching(target catalog.Competency) []int {
	var out []int
	if p.opts.Matcher != nil {
		for i, c := range p.creds {
			if p.opts.Matcher(target, c) {
				out = append(out, i)
			}
		}
		return out
	}
	for code, creds := range p.codes[target.Framework] {
		if p.hier.covers(target.Framework, target.Code, code) {
			out = append(out, creds...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Plan chooses the credentials that cover the request's targets and goal
// credentials at least cost (then fewest hours), with every prerequisite
// taken or earned, within the request's limits; when the limits do not
// allow everything, it covers the most (weighted by how many cohort members
// need each target) and says why the rest is uncovered. The steps come
// prerequisites first and are scheduled from the start month.
//
// The search stops at the context's deadline or Options.TimeLimit and then
// returns the best plan found with Optimal false and a lower bound. A
// cancelled context is an error; an invalid request (including a framework
// or code the catalog does not know) is one wrapping ErrInvalidRequest.
func (p *Planner) Plan(ctx context.Context, req Request) (Plan, error) {
	if err := req.Validate(); err != nil {
		return Plan{}, err
	}
	comps, err := p.resolveCompetencies(req)
	if err != nil {
		return Plan{}, err
	}
	if req.Cohort, err = normalizeCohort(req.Cohort); err != nil {
		return Plan{}, err
	}
	start, err := p.startMonth(req.Constraints.Start)
	if err != nil {
		return Plan{}, err
	}
	if err := ctx.Err(); err != nil {
		return Plan{}, fmt.Errorf("planner: plan: %w", err)
	}
	deadline := time.Now().Add(p.opts.TimeLimit)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}

	in := p.prepare(req, comps)
	in.start, in.perMonth = start, cents(req.Constraints.HoursPerMonth)
	in.last = start + HorizonMonths - 1
	if req.Constraints.By != "" {
		by, _ := parseMonth(req.Constraints.By) // checked by Validate
		if by < start {
			return Plan{}, fmt.Errorf("%w: constraints.by %s is before the start month %s", ErrInvalidRequest, by, start)
		}
		in.last, in.by = by, true
	}
	// Plan, schedule, and while a schedule pushes a step past the last
	// month, plan again without it.
	var (
		plan    Plan
		out     outcome
		bs      []*built
		chosen  [][]int
		dropped bool
		rounds  int
	)
	for {
		bs = make([]*built, len(in.members))
		groupCap := make([]int64, len(in.members))
		for k := range in.members {
			m := &in.members[k]
			bs[k] = p.build(ctx, m.earned, m.needs, p.allow(in, m))
			// A member's study time until the last month bounds the
			// member's hours, when it can bind at all.
			groupCap[k] = -1
			if in.perMonth > 0 {
				var all int64
				for _, h := range bs[k].pr.hours {
					all += h
				}
				if c := int64(in.last-in.start+1) * in.perMonth; all > c {
					groupCap[k] = c
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return Plan{}, fmt.Errorf("planner: plan: %w", err)
		}
		pr := combine(bs, req.Constraints.MaxCostUSD, req.Constraints.MaxHours, groupCap)
		out = solve(ctx, pr, deadline)
		if errors.Is(ctx.Err(), context.Canceled) {
			return Plan{}, fmt.Errorf("planner: plan: %w", ctx.Err())
		}
		chosen = make([][]int, len(in.members))
		off := 0
		for k, b := range bs {
			for _, j := range out.best.chosen {
				if j >= off && j < off+len(b.cands) {
					chosen[k] = append(chosen[k], b.cands[j-off])
				}
			}
			off += len(b.cands)
		}
		var late bool
		plan, late = p.assemble(in, chosen)
		dropped = dropped || late
		if !late || rounds >= maxScheduleRounds || time.Now().After(deadline) {
			break
		}
		rounds++
	}
	plan.Optimal = out.optimal && !dropped
	// The search bounds the objective, in which an unstated cost ranks
	// after every stated one; that bounds stated costs only when no
	// candidate leaves its cost unstated.
	plan.LowerBoundCostUSD = min(float64(out.lowerCost())/100, plan.TotalCostUSD)
	for _, b := range bs {
		if slices.Contains(b.unknownCost, true) {
			plan.LowerBoundCostUSD = 0
		}
	}
	switch {
	case !out.optimal:
		plan.OptimalNote = "the search stopped at its time limit; this is the best plan found"
	case dropped:
		plan.OptimalNote = "a schedule pushed steps past the last month allowed, and the plan was made again without them; another choice might cover more"
	case plan.UnknownCostSteps > 0 || plan.UnknownHoursSteps > 0:
		plan.Optimal = false
		plan.OptimalNote = fmt.Sprintf("optimal for what the catalog states only: %d step(s) state no cost and %d no hours, so the totals leave them out and cannot be proven least",
			plan.UnknownCostSteps, plan.UnknownHoursSteps)
	}
	if plan.Optimal {
		plan.LowerBoundCostUSD = plan.TotalCostUSD
	}
	p.explain(ctx, &plan, in, bs, chosen, req.Constraints, out.optimal)
	return plan, nil
}

// resolveCompetencies checks every framework and code the request names
// against the catalog's frameworks and returns their canonical forms, keyed
// by the spelling used ("framework\x00code"). An unknown one is an error
// naming the field.
func (p *Planner) resolveCompetencies(req Request) (map[string]catalog.Competency, error) {
	out := make(map[string]catalog.Competency)
	check := func(path, framework, code string) error {
		comp, msg := p.names.resolve(framework, code)
		if msg != "" {
			return fmt.Errorf("%w: %s: %s (target %s:%s)", ErrInvalidRequest, path, msg, framework, code)
		}
		out[framework+"\x00"+code] = comp
		return nil
	}
	for i, t := range req.Targets {
		if err := check(fmt.Sprintf("targets[%d]", i), t.Framework, t.Code); err != nil {
			return nil, err
		}
	}
	for i, m := range req.Cohort {
		for j, g := range m.Gaps {
			if err := check(fmt.Sprintf("cohort[%d].gaps[%d]", i, j), g.Framework, g.Code); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// normalizeCohort checks and normalises each member's preferences as a
// profile's are (formats and grade bands in their canonical spellings), on
// a copy: the caller's request is left as it was.
func normalizeCohort(cohort []catalog.Profile) ([]catalog.Profile, error) {
	if len(cohort) == 0 {
		return cohort, nil
	}
	out := make([]catalog.Profile, len(cohort))
	for i, m := range cohort {
		m.Gaps = nil // checked against the catalog's frameworks already
		pr := &m.Preferences
		pr.Formats, pr.GradeBands, pr.Subjects = slices.Clone(pr.Formats), slices.Clone(pr.GradeBands), slices.Clone(pr.Subjects)
		if err := profile.Validate(&m, nil); err != nil {
			var fe *profile.FieldError
			if errors.As(err, &fe) {
				return nil, fmt.Errorf("%w: cohort[%d].%s: %s", ErrInvalidRequest, i, fe.Path, fe.Message)
			}
			return nil, fmt.Errorf("%w: cohort[%d]: %v", ErrInvalidRequest, i, err)
		}
		m.Gaps = cohort[i].Gaps
		out[i] = m
	}
	return out, nil
}

// allow returns the rule that keeps credentials out of member m's steps,
// as a reason ("" when allowed): amounts too large to plan, hours that
// cannot fit before the last month at the member's pace, and the member's
// own preferences.
func (p *Planner) allow(in *input, m *member) func(i int) string {
	return func(i int) string {
		if why, ok := m.late[i]; ok {
			return why
		}
		c := p.creds[i]
		if c.CostUSD != nil && *c.CostUSD > maxAmount {
			return fmt.Sprintf("states a cost of $%s, more than a plan can count", num(*c.CostUSD))
		}
		if c.Hours != nil && *c.Hours > maxAmount {
			return fmt.Sprintf("states %s hours, more than a plan can schedule", num(*c.Hours))
		}
		if h := cents(c.Duration()); in.perMonth > 0 && h > 0 {
			months := (h + in.perMonth - 1) / in.perMonth
			if months > int64(in.last-in.start+1) {
				limit := fmt.Sprintf("the %d-year horizon", HorizonMonths/12)
				if in.by {
					limit = "by " + in.last.String()
				}
				return fmt.Sprintf("takes %s hours, %d months at %s hours a month, so it cannot end within %s",
					num(c.Duration()), months, num(float64(in.perMonth)/100), limit)
			}
		}
		if in.cohort {
			return memberFilter(m.prefs, c)
		}
		return ""
	}
}

// startMonth is the request's start month, or the clock's current month.
func (p *Planner) startMonth(s string) (month, error) {
	if s == "" {
		return monthOf(p.opts.Now()), nil
	}
	m, err := parseMonth(s)
	if err != nil {
		return 0, fmt.Errorf("%w: constraints.start: %v", ErrInvalidRequest, err)
	}
	return m, nil
}
