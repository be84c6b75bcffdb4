package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestPlanAbsurdHours reproduces a plan that used to walk month by month
// for ever: a credential stating 1e12 hours (or a merely huge 100,000) at
// a few minutes of study a month. The plan must come back, leave the step
// out and say why, with every month a real calendar month.
func TestPlanAbsurdHours(t *testing.T) {
	tests := []struct {
		name     string
		hours    float64
		perMonth float64
		by       string
		want     string
	}{
		{"a trillion hours", 1e12, 0.01, "", "more than a plan can schedule"},
		{"a hundred thousand hours", 100000, 0.01, "", "cannot end within the 100-year horizon"},
		{"long course, short deadline", 60, 10, "2027-03", "cannot end within by 2027-03"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			creds := []*catalog.Credential{
				cred("endless", 10, tc.hours, "UDL:7.2"),
				cred("short", 10, 1, "FFT:2d"),
			}
			req := Request{Targets: targets("UDL:7", "FFT:2d"),
				Constraints: Constraints{HoursPerMonth: tc.perMonth, Start: "2027-01", By: tc.by}}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			got, err := New(&catalog.Snapshot{Credentials: creds}, Options{}).Plan(ctx, req)
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			if len(got.Steps) != 1 || got.Steps[0].ID != "short" {
				t.Fatalf("steps %v, want only the short course", stepIDs(got))
			}
			if why := got.UncoveredReasons["UDL:7"]; !strings.Contains(why, tc.want) {
				t.Errorf("reason %q, want it to say %q", why, tc.want)
			}
			for _, s := range got.Steps {
				if m, err := parseMonth(s.EndMonth); err != nil || m > month(2027*12+HorizonMonths) {
					t.Errorf("step %s ends %q", s.ID, s.EndMonth)
				}
			}
		})
	}
}

// TestPlanByDeadline: the by month bounds when the last step ends; a
// chain whose last course cannot finish in time is reported, not planned.
func TestPlanByDeadline(t *testing.T) {
	creds := []*catalog.Credential{
		cred("udl-intro", 20, 10, "UDL:7.1"),
		needs(cred("udl-advanced", 30, 10, "UDL:7.2"), 0, "udl-intro"),
		cred("routines", 15, 10, "FFT:2d"),
	}
	tests := []struct {
		name      string
		by        string
		covered   []string
		uncovered []string
	}{
		// 10 hours a month: Jan intro, Feb routines, Mar advanced.
		{"time for all", "2027-03", []string{"UDL:7.1", "UDL:7.2", "FFT:2d"}, nil},
		// By February only 20 hours fit: two of the three.
		{"two months", "2027-02", nil, []string{"UDL:7.2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planAny(t, creds, Request{Targets: targets("UDL:7.1", "UDL:7.2", "FFT:2d"),
				Constraints: Constraints{HoursPerMonth: 10, Start: "2027-01", By: tc.by}})
			for _, s := range got.Steps {
				if s.EndMonth > tc.by {
					t.Errorf("step %s ends %s, after by %s", s.ID, s.EndMonth, tc.by)
				}
			}
			for _, k := range tc.covered {
				if !strings.Contains(strings.Join(got.Covered, ","), k) {
					t.Errorf("%s not covered: %v", k, got.Covered)
				}
			}
			for _, k := range tc.uncovered {
				if got.UncoveredReasons[k] == "" {
					t.Errorf("%s: no reason in %v", k, got.UncoveredReasons)
				}
			}
			checkStepOrder(t, got, nil, true)
		})
	}
}

// TestPlanByDeadlineChain: a cheap follow-on course cannot start until
// its 15-hour prerequisite ends in February, so with a March deadline it
// misses a February by; the plan is made again with a dearer stand-alone
// course that fits beside it.
func TestPlanByDeadlineChain(t *testing.T) {
	creds := []*catalog.Credential{
		cred("assessment-foundations", 20, 15, "InTASC:6"),
		needs(cred("assessment-follow-on", 10, 5, "FFT:1f"), 0, "assessment-foundations"),
		cred("assessment-design-workshop", 40, 5, "FFT:1f"),
	}
	got := planAny(t, creds, Request{Targets: targets("InTASC:6", "FFT:1f"),
		Constraints: Constraints{HoursPerMonth: 10, Start: "2027-01", By: "2027-02"}})
	if !sameSet(stepIDs(got), []string{"assessment-foundations", "assessment-design-workshop"}) {
		t.Fatalf("steps %v, want the foundations course and the stand-alone workshop", stepIDs(got))
	}
	if len(got.Uncovered) != 0 || got.Optimal || got.OptimalNote == "" {
		t.Errorf("uncovered %v, optimal %v %q; want all covered, no optimum claimed", got.Uncovered, got.Optimal, got.OptimalNote)
	}
	for _, s := range got.Steps {
		if s.EndMonth > "2027-02" {
			t.Errorf("step %s ends %s", s.ID, s.EndMonth)
		}
	}
	// Without the stand-alone workshop, FFT:1f is reported with the reason.
	got = planAny(t, creds[:2], Request{Targets: targets("InTASC:6", "FFT:1f"),
		Constraints: Constraints{HoursPerMonth: 10, Start: "2027-01", By: "2027-02"}})
	if why := got.UncoveredReasons["FFT:1f"]; !strings.Contains(why, "would end in 2027-03, after by 2027-02") {
		t.Errorf("reason %q", why)
	}
}

// TestPlanUnknownFramework: a target naming a framework or code the
// catalog does not know is the caller's mistake, named in the error.
func TestPlanUnknownFramework(t *testing.T) {
	creds := []*catalog.Credential{cred("fft", 10, 1, "FFT:3b")}
	tests := []struct {
		name string
		req  Request
		want string // "" for no error
	}{
		{"unknown framework", Request{Targets: targets("FFTX:3b")}, `targets[0]: unknown framework "FFTX"`},
		{"unknown code", Request{Targets: targets("FFT:9z")}, `"9z" is not a code of FFT`},
		{"unknown checkpoint", Request{Targets: targets("UDL:7.9")}, `"7.9" is not a code of UDL`},
		{"cohort gap", Request{Cohort: []catalog.Profile{{Gaps: []catalog.Gap{{Framework: "Nope", Code: "1"}}}}}, `cohort[0].gaps[0]`},
		{"cohort format", Request{Cohort: []catalog.Profile{{Preferences: catalog.Preferences{Formats: []string{"webinar"}}}}}, `cohort[0].preferences.formats[0]`},
		{"cohort format spelled another way", Request{Cohort: []catalog.Profile{{Preferences: catalog.Preferences{Formats: []string{"Online"}}}}}, ""},
		{"alias", Request{Targets: targets("Danielson Framework for Teaching:3b")}, ""},
		{"known", Request{Targets: targets("FFT:3b")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Constraints.Start = "2027-01"
			got, err := New(&catalog.Snapshot{Credentials: creds}, Options{}).Plan(context.Background(), tc.req)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Plan: %v", err)
				}
				if len(got.Uncovered) != 0 {
					t.Errorf("uncovered %v", got.Uncovered)
				}
				return
			}
			if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInvalidRequest mentioning %s", err, tc.want)
			}
		})
	}
}

// TestPlanConcurrentUse: one Planner serves many requests at once (the API
// shares it), each answer the same as alone.
func TestPlanConcurrentUse(t *testing.T) {
	snap, req := hardInstance()
	req.Constraints.MaxCostUSD = catalog.Float(100)
	pl := New(snap, Options{TimeLimit: 5 * time.Second})
	small := Request{Targets: targets("T:A", "T:B"), Constraints: Constraints{Start: "2027-01", HoursPerMonth: 5}}
	want, err := pl.Plan(context.Background(), small)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			r := small
			if i%2 == 1 {
				r = req
			}
			got, err := pl.Plan(context.Background(), r)
			if err == nil && i%2 == 0 && !slices.Equal(stepIDs(got), stepIDs(want)) {
				err = fmt.Errorf("steps %v, alone %v", stepIDs(got), stepIDs(want))
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
