package main

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/pdpath/pdpath/recommender/eval"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "eval", "[--index DIR] --judgments FILE [--k 10] [--json]")
	fs.docs = "The judgments file and the metrics, with an example: recommender/README.md in the pdpath repository."
	fs.indexFlag()
	judgmentsPath := fs.String("judgments", "", "graded judgments, JSON Lines (shape in recommender/README.md)")
	k := fs.Int("k", 10, "cut-off rank for the metrics")
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
	rep, err := eval.Run(ctx, cases, eng.Rankers(), *k)
	if err != nil {
		return err
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
	return tw.Flush()
}
