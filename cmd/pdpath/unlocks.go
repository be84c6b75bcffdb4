package main

import (
	"context"
	"fmt"
	"strings"
)

func runUnlocks(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "unlocks", "[--index DIR] [--json] ID")
	fs.indexFlag()
	fs.docs = "What unlocks lists (next items, stacks, pathways), as GET /v1/credentials/{id}/unlocks returns it: api/README.md in the pdpath repository."
	pos, err := fs.parse(args, 1, 1)
	if err != nil {
		return err
	}
	cat, eng, err := openEngine(ctx, fs)
	if err != nil {
		return err
	}
	defer cat.Close()
	u, err := eng.Unlocks(ctx, pos[0], nil)
	if err != nil {
		return err
	}
	if fs.json {
		return writeJSON(e.stdout, u)
	}
	fmt.Fprintf(e.stdout, "Earning %s (%s) opens:\n", u.Title, u.Issuer)
	if len(u.Opens) == 0 {
		fmt.Fprintln(e.stdout, "  no item in the catalog names it as a prerequisite")
	}
	for _, o := range u.Opens {
		how := "completes its prerequisites"
		if !o.Completes {
			how = "advances its prerequisites; still needed: " + strings.Join(o.Remaining, ", ")
		}
		fmt.Fprintf(e.stdout, "  - %s — %s (%s)\n    %s\n    %s\n", o.Title, o.Issuer, o.ID, how, factsLine(o.CostUSD, o.Hours, o.Format, o.Level))
	}
	for _, s := range u.Stacks {
		fmt.Fprintf(e.stdout, "Part of %s (%s):\n", s.Title, strings.ReplaceAll(s.Relation, "_", " "))
		for _, mb := range s.Members {
			mark := " "
			if mb.ID == u.ID {
				mark = "*"
			}
			lvl := ""
			if mb.Level > 0 {
				lvl = fmt.Sprintf("level %d: ", mb.Level)
			}
			fmt.Fprintf(e.stdout, "  %s %s%s — %s (%s)\n", mark, lvl, mb.Title, mb.Issuer, mb.ID)
		}
	}
	for _, p := range u.Pathways {
		fmt.Fprintf(e.stdout, "In pathway %s (%s, %s)\n", p.Title, p.ID, p.Source)
	}
	return nil
}

// factsLine is an item's cost, hours, format and level, naming what it
// does not state.
func factsLine(cost, hours *float64, format string, level int) string {
	parts := []string{"cost " + statedMoney(cost), "hours " + statedHours(hours)}
	if format == "" {
		format = "not stated"
	}
	parts = append(parts, "format "+format)
	if level > 0 {
		parts = append(parts, fmt.Sprintf("level %d", level))
	}
	return strings.Join(parts, ", ")
}
