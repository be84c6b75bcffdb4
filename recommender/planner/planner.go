package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// DefaultTimeLimit bounds one Plan call when Options.TimeLimit is zero.
const DefaultTimeLimit = 2 * time.Second

// Options configure a Planner. The zero value is ready to use.
type Options struct {
	// Matcher decides whether a credential meets a target competency. Nil
	// means the default: the same framework, and the same code or one
	// related to it in the framework's hierarchy (guideline and checkpoint,
	// domain and component).
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
		hier:  newHierarchy(snap.Frameworks),
		codes: make(map[string]map[string][]int),
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
		if p.hier.related(target.Framework, target.Code, code) {
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
// cancelled context is an error; an invalid request is one wrapping
// ErrInvalidRequest.
func (p *Planner) Plan(ctx context.Context, req Request) (Plan, error) {
	if err := req.Validate(); err != nil {
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

	in := p.prepare(req)
	open := in.openTargets()
	b := p.build(in.earned, open, req.Constraints.MaxCostUSD, req.Constraints.MaxHours)
	out := solve(ctx, b.pr, deadline)
	if errors.Is(ctx.Err(), context.Canceled) {
		return Plan{}, fmt.Errorf("planner: plan: %w", ctx.Err())
	}
	chosen := make([]int, len(out.best.chosen))
	for k, j := range out.best.chosen {
		chosen[k] = b.cands[j]
	}
	plan := p.assemble(in, chosen, req.Constraints, start)
	plan.Optimal = out.optimal
	plan.LowerBoundCostUSD = float64(out.lowerCost()) / 100
	if plan.Optimal {
		plan.LowerBoundCostUSD = plan.TotalCostUSD
	}
	p.explain(ctx, &plan, in, b, chosen, req.Constraints, out.optimal)
	return plan, nil
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
