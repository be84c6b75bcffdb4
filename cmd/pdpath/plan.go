package main

import (
	"bytes"
	"context"
	"fmt"
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
		return fmt.Errorf("request %s: %w", inputName(*requestPath), err)
	}
	cat, err := openCatalog(ctx, fs)
	if err != nil {
		return err
	}
	defer cat.Close()
	plan, err := planner.New(cat.Snapshot(), planner.Options{}).Plan(ctx, req)
	if err != nil {
		return err
	}
	if fs.json {
		return writeJSON(e.stdout, plan)
	}
	proof := "best found within the time limit"
	if plan.Optimal {
		proof = "proven optimal"
	}
	fmt.Fprintf(e.stdout, "%d step(s), $%.2f, %.1f hours (%s)\n", len(plan.Steps), plan.TotalCostUSD, plan.TotalHours, proof)
	for i, s := range plan.Steps {
		fmt.Fprintf(e.stdout, "%2d. %s  %s — $%.2f, %.1f h\n    %s\n", i+1, s.Month, s.Title, s.CostUSD, s.Hours, s.ID)
		if len(s.Covers) > 0 {
			fmt.Fprintf(e.stdout, "    covers: %s\n", strings.Join(s.Covers, ", "))
		}
		if len(s.Requires) > 0 {
			fmt.Fprintf(e.stdout, "    after: %s\n", strings.Join(s.Requires, ", "))
		}
	}
	if len(plan.Uncovered) > 0 {
		fmt.Fprintf(e.stdout, "not covered: %s\n", strings.Join(plan.Uncovered, ", "))
	}
	return nil
}
