package main

import (
	"context"
	"fmt"

	"github.com/pdpath/pdpath/indexer/store"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ingest", "[--index DIR] [--json] PATH_OR_URL...")
	fs.indexFlag()
	inputs, err := fs.parse(args, 1, -1)
	if err != nil {
		return err
	}
	bar := newProgressBar(e.stderr)
	cat, err := store.Open(ctx, fs.indexDir(), store.Options{Logger: fs.logger(), Progress: bar.update, Derive: saveModel})
	if err != nil {
		return err
	}
	defer cat.Close()
	rep, err := cat.Ingest(ctx, inputs)
	bar.done()
	if err != nil {
		return err
	}
	if fs.json {
		return writeJSON(e.stdout, rep)
	}
	fmt.Fprintf(e.stdout, "catalog version %d: %d added, %d updated, %d unchanged, %d retired, %d rejected\n",
		rep.CatalogVersion, rep.Added, rep.Updated, rep.Unchanged, rep.Retired, len(rep.Rejected))
	if rep.Frameworks > 0 {
		fmt.Fprintf(e.stdout, "%d framework(s) imported\n", rep.Frameworks)
	}
	if rep.PossibleDuplicates > 0 {
		fmt.Fprintf(e.stdout, "%d credential(s) flagged as possible duplicates of another issuer's\n", rep.PossibleDuplicates)
	}
	for name, n := range rep.UnresolvedFrameworks {
		fmt.Fprintf(e.stdout, "unknown framework %q kept as written (%d alignments)\n", name, n)
	}
	for _, r := range rep.Rejected {
		loc := r.Source
		if r.Record != "" {
			loc += " " + r.Record
		}
		fmt.Fprintf(e.stdout, "rejected: %s: %s\n", loc, r.Error)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "skipped: %s %s: %s\n", s.Source, s.Record, s.Reason)
	}
	return nil
}
