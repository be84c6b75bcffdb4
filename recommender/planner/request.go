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
// over every step (nil: no limit). HoursPerMonth is the study time available
// each month (0: everything is scheduled in the start month). Start is the
// first month, "YYYY-MM" (empty: the current month).
type Constraints struct {
	MaxCostUSD    *float64 `json:"max_cost_usd"`
	MaxHours      *float64 `json:"max_hours"`
	HoursPerMonth float64  `json:"hours_per_month"`
	Start         string   `json:"start"`
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
	if c.MaxCostUSD != nil && (*c.MaxCostUSD < 0 || !finite(*c.MaxCostUSD)) {
		return bad("constraints.max_cost_usd must be a non-negative number, got %v", *c.MaxCostUSD)
	}
	if c.MaxHours != nil && (*c.MaxHours < 0 || !finite(*c.MaxHours)) {
		return bad("constraints.max_hours must be a non-negative number, got %v", *c.MaxHours)
	}
	if c.HoursPerMonth < 0 || !finite(c.HoursPerMonth) {
		return bad("constraints.hours_per_month must be a non-negative number, got %v", c.HoursPerMonth)
	}
	if c.Start != "" {
		if _, err := parseMonth(c.Start); err != nil {
			return bad("constraints.start: %v", err)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
