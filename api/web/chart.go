package web

import (
	"fmt"
	"sort"
	"strings"
)

// chart is the coverage chart of a plan, drawn as SVG by the plan
// template: for each framework (and the goal credentials), how many of
// the plan's targets are met before the plan (by what is earned already)
// and after it. Every bar carries its numbers as text, so nothing is told
// by colour alone, and the page has the same figures in a table.
type chart struct {
	Width, Height int
	Rows          []chartRow
	Summary       string
	Empty         bool
}

type chartRow struct {
	Label         string
	Total         int
	Before, After int
	// Y is the row's top; BeforeW and AfterW the bars' widths.
	Y, BeforeY, AfterY   int
	BeforeW, AfterW      int
	BeforeTX, AfterTX    int
	BeforeText, AfterTxt string
}

// Chart geometry, in SVG user units.
const (
	chartLabelW = 150
	chartBarW   = 360
	chartRowH   = 64
	chartTop    = 36
)

// coverageChart counts, per framework, the plan's targets covered before
// and after it. A covered target that no step covers was met by earned
// credentials already.
func coverageChart(pl *plan, names map[string]string) chart {
	byStep := map[string]bool{}
	for _, s := range pl.Steps {
		for _, c := range s.Covers {
			byStep[c] = true
		}
	}
	type counts struct{ total, before, after int }
	groups := map[string]*counts{}
	group := func(t string) *counts {
		g := "Goal credentials"
		if _, known := names[t]; known {
			g, _, _ = strings.Cut(t, ":")
		}
		if groups[g] == nil {
			groups[g] = &counts{}
		}
		return groups[g]
	}
	for _, t := range pl.Covered {
		c := group(t)
		c.total++
		c.after++
		if !byStep[t] {
			c.before++
		}
	}
	for _, t := range pl.Uncovered {
		group(t).total++
	}
	labels := make([]string, 0, len(groups))
	for l := range groups {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	ch := chart{Width: chartLabelW + chartBarW + 90}
	var parts []string
	for i, l := range labels {
		c := groups[l]
		y := chartTop + i*chartRowH
		w := func(n int) int {
			if c.total == 0 {
				return 0
			}
			return n * chartBarW / c.total
		}
		row := chartRow{Label: l, Total: c.total, Before: c.before, After: c.after,
			Y: y, BeforeY: y + 4, AfterY: y + 30, BeforeW: w(c.before), AfterW: w(c.after),
			BeforeText: fmt.Sprintf("before: %d of %d", c.before, c.total),
			AfterTxt:   fmt.Sprintf("after: %d of %d", c.after, c.total)}
		row.BeforeTX = chartLabelW + row.BeforeW + 6
		row.AfterTX = chartLabelW + row.AfterW + 6
		ch.Rows = append(ch.Rows, row)
		parts = append(parts, fmt.Sprintf("%s: %d of %d targets met before the plan, %d after", l, c.before, c.total, c.after))
	}
	ch.Height = chartTop + len(labels)*chartRowH + 8
	ch.Empty = len(labels) == 0
	ch.Summary = strings.Join(parts, "; ") + "."
	return ch
}
