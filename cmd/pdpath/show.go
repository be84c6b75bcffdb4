package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/pdpath/pdpath/api"
	"github.com/pdpath/pdpath/indexer/catalog"
)

func runShow(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "show", "[--index DIR] [--json] ID")
	fs.indexFlag()
	fs.docs = "Every field of a catalog item, as GET /v1/credentials/{id} returns it: api/README.md in the pdpath repository."
	pos, err := fs.parse(args, 1, 1)
	if err != nil {
		return err
	}
	cat, err := openCatalog(ctx, fs)
	if err != nil {
		return err
	}
	defer cat.Close()
	c, ok := cat.Credential(pos[0])
	if !ok {
		return fmt.Errorf("no catalog item with id %q (ids are the issuer's own, byte for byte; `pdpath search` lists them)", pos[0])
	}
	if fs.json {
		return writeJSON(e.stdout, api.PublicItem(c))
	}
	item := *c
	if item.Status == "" {
		item.Status = catalog.StatusActive
	}
	printItem(e.stdout, &item)
	return nil
}

// printItem writes every stated field of c, one per line; a number the
// item does not state is written as not stated.
func printItem(w io.Writer, c *catalog.Credential) {
	line := func(name, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-14s %s\n", name+":", v)
		}
	}
	line("id", c.ID)
	line("title", c.Title)
	line("issuer", c.Issuer)
	line("issuer id", c.IssuerID)
	line("kind", c.ItemKind())
	line("type", c.Type)
	line("status", c.Status)
	line("url", c.URL)
	if c.Level > 0 {
		line("level", fmt.Sprint(c.Level))
	}
	line("cost", statedMoney(c.CostUSD))
	line("hours", statedHours(c.Hours))
	line("format", c.Format)
	line("grade bands", strings.Join(c.GradeBands, ", "))
	line("subjects", strings.Join(c.Subjects, ", "))
	line("approved in", strings.Join(c.ApprovedIn, ", "))
	line("tags", strings.Join(c.Tags, ", "))
	var comps []string
	for _, k := range c.Competencies {
		s := k.Key()
		if k.Name != "" {
			s += " (" + k.Name + ")"
		}
		comps = append(comps, s)
	}
	line("competencies", strings.Join(comps, "; "))
	prereq := strings.Join(c.Prerequisites, ", ")
	if prereq != "" && c.PrerequisitesMin > 0 && c.PrerequisitesMin < len(c.Prerequisites) {
		prereq = fmt.Sprintf("any %d of %s", c.PrerequisitesMin, prereq)
	}
	line("prerequisites", prereq)
	line("part of", strings.Join(c.PartOf, ", "))
	line("has parts", strings.Join(c.HasPart, ", "))
	line("superseded by", c.SupersededBy)
	line("duplicates", strings.Join(c.PossibleDuplicates, ", "))
	line("other ids", strings.Join(c.AltIDs, ", "))
	if !c.FirstSeen.IsZero() {
		line("first seen", c.FirstSeen.Format("2006-01-02"))
	}
	if c.Description != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Description))
	}
	if c.Criteria != "" {
		fmt.Fprintf(w, "\nCriteria:\n%s\n", strings.TrimSpace(c.Criteria))
	}
}

// statedMoney and statedHours write an optional amount, or "not stated".
func statedMoney(v *float64) string {
	if v == nil {
		return "not stated"
	}
	if *v == 0 {
		return "free"
	}
	return fmt.Sprintf("$%.2f", *v)
}

func statedHours(v *float64) string {
	if v == nil {
		return "not stated"
	}
	return fmt.Sprintf("%g h", *v)
}
