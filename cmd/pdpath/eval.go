package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"text/tabwriter"

	"github.com/pdpath/pdpath/recommender/eval"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "eval", "[--index DIR] --judgments FILE [--k 10] [--cases [--ranker NAME]] [--json]")
	fs.docs = "The judgments file and the metrics, with an example: recommender/README.md in the pdpath repository."
	fs.indexFlag()
	judgmentsPath := fs.String("judgments", "", "graded judgments, JSON Lines (shape in recommender/README.md)")
	k := fs.Int("k", 10, "cut-off rank for the metrics")
	perCase := fs.Bool("cases", false, "also list every case's metrics (worst pdpath nDCG first in text output)")
	only := fs.String("ranker", "", "run only this ranker (and bm25 for comparison)")
	if _, err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	if *judgmentsPath == "" {
		return usagef("--judgments is required")
	}
	if *k < 1 {
		return usagef("--k must be at least 1")
	}
	data, err := readInput(e, *judgmentsPath)
	if err != nil {
		return err
	}
	cat, eng, err := openEngine(ctx, fs)
	if err != nil {
		return err
	}
	defer cat.Close()
	cases, err := eval.ReadJudgments(bytes.NewReader(data), eng.Model())
	if err != nil {
		return fmt.Errorf("judgments %s: %w", inputName(*judgmentsPath), err)
	}
	rankers := eng.Rankers()
	if *only != "" {
		r, ok := rankers[*only]
		if !ok {
			return usagef("--ranker %q: no such ranker", *only)
		}
		rankers = map[string]eval.Ranker{*only: r, "bm25": rankers["bm25"]}
	}
	rep, err := eval.Run(ctx, cases, rankers, *k)
	if err != nil {
		return err
	}
	if !*perCase {
		rep.PerCase = nil
	}
	if fs.json {
		return writeJSON(e.stdout, rep)
	}
	fmt.Fprintf(e.stdout, "%d case(s), k=%d\n", rep.Cases, rep.K)
	names := make([]string, 0, len(rep.Rankers))
	for name := range rep.Rankers {
		names = append(names, name)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ranker\tnDCG@%d\trecall@%d\tMRR\n", rep.K, rep.K)
	for _, name := range names {
		m := rep.Rankers[name]
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\n", name, m.NDCG, m.Recall, m.MRR)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.PerCase) > 0 {
		return writeCases(e, rep)
	}
	return nil
}

// writeCases lists every case's nDCG@k for the full ranker and plain
// search, worst full-ranker case first, so the cases to study come first.
func writeCases(e *env, rep eval.Report) error {
	main := "pdpath"
	if _, ok := rep.Rankers[main]; !ok {
		for name := range rep.Rankers {
			if name != "bm25" {
				main = name
				break
			}
		}
	}
	rows := slices.Clone(rep.PerCase)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Rankers[main].NDCG < rows[j].Rankers[main].NDCG })
	fmt.Fprintln(e.stdout)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "case\tline\t%s nDCG@%d\trecall@%d\tMRR\tbm25 nDCG@%d\n", main, rep.K, rep.K, rep.K)
	for _, c := range rows {
		m := c.Rankers[main]
		b := "-"
		if bm, ok := c.Rankers["bm25"]; ok {
			b = fmt.Sprintf("%.4f", bm.NDCG)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.4f\t%s\n", c.ID, c.Line, m.NDCG, m.Recall, m.MRR, b)
	}
	return tw.Flush()
}
