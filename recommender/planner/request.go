package planner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
)

// ErrInvalidRequest marks every error caused by the caller's request rather
// than by the planner; the API maps it to a 4xx status.
var ErrInvalidRequest = derrors.New(derrors.Invalid, "planner: invalid request")

// Request is a plan request, the body of `POST /v1/plans` and the file read by
// `pdpath plan`. Targets and goal credentials say what the pathway must reach;
// Earned lists credentials already held; Cohort, when set, makes the plan a
// shared one for a team whose members' gaps become targets too.
type Request struct {
	Targets         []Target          `json:"targets"`
	GoalCredentials []string          `json:"goal_credentials"`
	Earned          []string          `json:"earned"`
	Cohort          []catalog.Profile `json:"cohort"`
	Constraints     Constraints       `json:"constraints"`
}

// Target is one competency the pathway must cover, as a canonical framework
// name and code ("UDL", "7").
type Target struct {
	Framework string `json:"framework"`
	Code      string `json:"code"`
}

// Key returns the target as "FRAMEWORK:CODE", the form used in Plan.Covered
// and Plan.Uncovered.
func (t Target) Key() string { return t.Framework + ":" + t.Code }

// Constraints limit the whole pathway. MaxCostUSD and MaxHours are totals
// over every step, for a cohort the whole team's (nil: no limit).
// HoursPerMonth is the study time each person has a month (0: everything is
// scheduled in the start month). Start is the first month, "YYYY-MM"
// (empty: the current month); By, when set, the month the last step must end
// in.
type Constraints struct {
	MaxCostUSD    *float64 `json:"max_cost_usd"`
	MaxHours      *float64 `json:"max_hours"`
	HoursPerMonth float64  `json:"hours_per_month"`
	Start         string   `json:"start"`
	By            string   `json:"by,omitempty"`
}

// Limits on what a request may ask for, checked when it is read: beyond
// them a request is refused, never truncated.
const (
	// MaxTargets bounds targets and goal credentials together.
	MaxTargets = 200
	// MaxCohort bounds the members of a cohort.
	MaxCohort = 50
	// MaxEarned bounds each earned list.
	MaxEarned = 5000
	// MaxHoursPerMonth is the hours of a 31-day month.
	MaxHoursPerMonth = 744
	// MaxBudgetUSD and MaxBudgetHours bound max_cost_usd and max_hours.
	MaxBudgetUSD   = 1e8
	MaxBudgetHours = 1e6
	// HorizonMonths is how far ahead a plan may schedule: a step that
	// would end later is left out and reported.
	HorizonMonths = 1200
)

// minMonth and maxMonth bound start and by, so that every month a plan
// schedules, up to the horizon, is a four-digit year.
const (
	minMonth month = 1900 * 12
	maxMonth month = 8999*12 + 11
)

// maxAmount is the largest cost (dollars) or duration (hours) a credential
// may state and still be planned; larger ones are reported, not scheduled.
const maxAmount = 1e7

// jsonKind names the kind of JSON value that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// ParseRequest decodes one plan request strictly: an unknown field anywhere
// (the error names it), trailing data, a malformed start month or a negative
// number is an error wrapping ErrInvalidRequest.
func ParseRequest(r io.Reader) (Request, error) {
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("unexpected %v after the request object", tok)
		}
		return Request{}, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	if bytes.Equal(raw, []byte("null")) {
		return Request{}, fmt.Errorf("%w: the request is null", ErrInvalidRequest)
	}
	if raw[0] != '{' {
		return Request{}, fmt.Errorf("%w: the request must be a JSON object, got %s", ErrInvalidRequest, jsonKind(raw[0]))
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	var req Request
	if err := strict.Decode(&req); err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	if err := req.Validate(); err != nil {
		return Request{}, err
	}
	return req, nil
}

// Validate checks what JSON decoding cannot: empty framework names and
// codes, negative or non-finite numbers and the start month's form. The error
// names the field at fault and wraps ErrInvalidRequest.
func (r Request) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
	}
	if n := len(r.Targets) + len(r.GoalCredentials); n > MaxTargets {
		return bad("targets and goal_credentials name %d items together, more than the %d a plan may have", n, MaxTargets)
	}
	if len(r.Cohort) > MaxCohort {
		return bad("cohort has %d members, more than the %d a plan may have", len(r.Cohort), MaxCohort)
	}
	if len(r.Earned) > MaxEarned {
		return bad("earned lists %d credentials, more than %d", len(r.Earned), MaxEarned)
	}
	for i, t := range r.Targets {
		if t.Framework == "" {
			return bad("targets[%d].framework is empty", i)
		}
		if t.Code == "" {
			return bad("targets[%d].code is empty", i)
		}
	}
	for i, id := range r.GoalCredentials {
		if id == "" {
			return bad("goal_credentials[%d] is empty", i)
		}
	}
	for i, id := range r.Earned {
		if id == "" {
			return bad("earned[%d] is empty", i)
		}
	}
	for i, m := range r.Cohort {
		if len(m.Earned) > MaxEarned {
			return bad("cohort[%d].earned lists %d credentials, more than %d", i, len(m.Earned), MaxEarned)
		}
		if len(m.Gaps) > MaxTargets {
			return bad("cohort[%d].gaps has %d entries, more than %d", i, len(m.Gaps), MaxTargets)
		}
		for j, id := range m.Earned {
			if id == "" {
				return bad("cohort[%d].earned[%d] is empty", i, j)
			}
		}
		pr := m.Preferences
		for _, f := range []struct {
			name string
			v    *float64
		}{{"max_cost_usd", pr.MaxCostUSD}, {"max_hours", pr.MaxHours}} {
			if f.v != nil && (*f.v < 0 || !finite(*f.v)) {
				return bad("cohort[%d].preferences.%s must be a non-negative number, got %v", i, f.name, *f.v)
			}
		}
		for j, g := range m.Gaps {
			if g.Framework == "" {
				return bad("cohort[%d].gaps[%d].framework is empty", i, j)
			}
			if g.Code == "" {
				return bad("cohort[%d].gaps[%d].code is empty", i, j)
			}
			if g.Weight < 0 || !finite(g.Weight) {
				return bad("cohort[%d].gaps[%d].weight must be a non-negative number", i, j)
			}
		}
	}
	c := r.Constraints
	if c.MaxCostUSD != nil && (*c.MaxCostUSD < 0 || !finite(*c.MaxCostUSD) || *c.MaxCostUSD > MaxBudgetUSD) {
		return bad("constraints.max_cost_usd must be a number from 0 to %v, got %v", float64(MaxBudgetUSD), *c.MaxCostUSD)
	}
	if c.MaxHours != nil && (*c.MaxHours < 0 || !finite(*c.MaxHours) || *c.MaxHours > MaxBudgetHours) {
		return bad("constraints.max_hours must be a number from 0 to %v, got %v", float64(MaxBudgetHours), *c.MaxHours)
	}
	if c.HoursPerMonth < 0 || !finite(c.HoursPerMonth) || c.HoursPerMonth > MaxHoursPerMonth {
		return bad("constraints.hours_per_month must be a number from 0 to %d (the hours of a month), got %v", MaxHoursPerMonth, c.HoursPerMonth)
	}
	if c.HoursPerMonth > 0 && c.HoursPerMonth < 0.01 {
		return bad("constraints.hours_per_month %v is below 0.01, the smallest amount a plan counts; use 0 for no pacing", c.HoursPerMonth)
	}
	var start month
	if c.Start != "" {
		m, err := parseMonth(c.Start)
		if err != nil {
			return bad("constraints.start: %v", err)
		}
		if m < minMonth || m > maxMonth {
			return bad("constraints.start %s is outside the years %d to %d a plan may use", c.Start, minMonth/12, maxMonth/12)
		}
		start = m
	}
	if c.By != "" {
		by, err := parseMonth(c.By)
		if err != nil {
			return bad("constraints.by: %v", err)
		}
		if by < minMonth || by > maxMonth {
			return bad("constraints.by %s is outside the years %d to %d a plan may use", c.By, minMonth/12, maxMonth/12)
		}
		if c.Start != "" && by < start {
			return bad("constraints.by %s is before constraints.start %s", c.By, c.Start)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
