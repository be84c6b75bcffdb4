package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pdpath/pdpath/recommender/planner"
)

func runPlan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "plan", "[--index DIR] --request FILE|- [--json]")
	fs.docs = "The plan request and response, with examples: recommender/README.md in the pdpath repository."
	fs.indexFlag()
	requestPath := fs.String("request", "", "plan request JSON (shape in recommender/README.md), or - for standard input")
	if _, err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	if *requestPath == "" {
		return usagef("--request is required (use - for standard input)")
	}
	data, err := readJSON(e, *requestPath)
	if err != nil {
		return err
	}
	req, err := planner.ParseRequest(bytes.NewReader(data))
	if err != nil {
		return usagef("request %s: %v", inputName(*requestPath), err)
	}
	cat, err := openCatalog(ctx, fs)
	if err != nil {
		return err
	}
	defer cat.Close()
	plan, err := planner.New(cat.Snapshot(), planner.Options{}).Plan(ctx, req)
	if err != nil {
		if errors.Is(err, planner.ErrInvalidRequest) {
			return usagef("request %s: %v", inputName(*requestPath), err)
		}
		return err
	}
	if fs.json {
		return writeJSON(e.stdout, plan)
	}
	writePlanText(e.stdout, plan)
	return nil
}

// writePlanText prints a plan for people: the totals with what they leave
// out, each step, what is not covered and why, and for a cohort each
// member's own steps.
func writePlanText(w io.Writer, plan planner.Plan) {
	proof := "best found within the time limit"
	switch {
	case plan.Optimal:
		proof = "proven optimal"
	case plan.OptimalNote != "":
		proof = "not proven optimal: " + plan.OptimalNote
	}
	fmt.Fprintf(w, "%d step(s), %s, %s\n", len(plan.Steps),
		amount(fmt.Sprintf("$%.2f", plan.TotalCostUSD), plan.UnknownCostSteps, "cost"),
		amount(fmt.Sprintf("%.1f h", plan.TotalHours), plan.UnknownHoursSteps, "hours"))
	fmt.Fprintf(w, "(%s)\n", proof)
	for i, s := range plan.Steps {
		who := ""
		if s.Member != "" {
			who = "  [" + s.Member + "]"
		}
		fmt.Fprintf(w, "%2d. %s  %s — %s, %s%s\n    %s\n", i+1, monthRange(s), s.Title,
			stated(fmt.Sprintf("$%.2f", s.CostUSD), s.CostStated, "cost"),
			stated(fmt.Sprintf("%.1f h", s.Hours), s.HoursStated, "hours"), who, s.ID)
		if len(s.Covers) > 0 {
			fmt.Fprintf(w, "    covers: %s\n", strings.Join(s.Covers, ", "))
		}
		if len(s.Requires) > 0 {
			fmt.Fprintf(w, "    after: %s\n", strings.Join(s.Requires, ", "))
		}
	}
	if len(plan.Uncovered) > 0 {
		fmt.Fprintf(w, "not covered: %s\n", strings.Join(plan.Uncovered, ", "))
		for _, k := range plan.Uncovered {
			if why := plan.UncoveredReasons[k]; why != "" {
				fmt.Fprintf(w, "  %s: %s\n", k, why)
			}
		}
	}
	for _, m := range plan.Members {
		fmt.Fprintf(w, "\n%s: %d step(s), %s, %s\n", m.ID, len(m.Steps),
			amount(fmt.Sprintf("$%.2f", m.TotalCostUSD), m.UnknownCostSteps, "cost"),
			amount(fmt.Sprintf("%.1f h", m.TotalHours), m.UnknownHoursSteps, "hours"))
		for _, s := range m.Steps {
			fmt.Fprintf(w, "  %s  %s (%s)\n", monthRange(s), s.Title, s.ID)
		}
		if len(m.AlreadyMet) > 0 {
			fmt.Fprintf(w, "  already met: %s\n", strings.Join(m.AlreadyMet, ", "))
		}
		if len(m.Covered) > 0 {
			fmt.Fprintf(w, "  covered: %s\n", strings.Join(m.Covered, ", "))
		}
		for _, k := range m.Uncovered {
			fmt.Fprintf(w, "  not covered %s: %s\n", k, m.UncoveredReasons[k])
		}
	}
}

// amount shows a total with how many steps it leaves out.
func amount(total string, unknown int, what string) string {
	if unknown == 0 {
		return total
	}
	return fmt.Sprintf("%s + %d step(s) with unknown %s", total, unknown, what)
}

// stated shows a step's amount, or that the catalog does not state it.
func stated(v string, ok bool, what string) string {
	if ok {
		return v
	}
	return what + " not stated"
}

func monthRange(s planner.Step) string {
	if s.EndMonth == "" || s.EndMonth == s.Month {
		return s.Month
	}
	return s.Month + "–" + s.EndMonth
}
