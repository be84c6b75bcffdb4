package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/store"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ingest", "[--index DIR] [--json] PATH_OR_URL...\n\n"+
		"The command trusts its operator: http(s) URLs are fetched from any address, loopback and\n"+
		"private networks included, and redirects are followed there too. Feeds registered through\n"+
		"the API (`pdpath serve`) are fetched from public addresses only unless the server runs with\n"+
		"--allow-private-feeds.")
	fs.indexFlag()
	inputs, err := fs.parse(args, 1, -1)
	if err != nil {
		return err
	}
	for _, in := range inputs {
		if strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://") {
			fs.logger().Info("fetching URLs as the operator: loopback and private addresses are allowed, redirects included")
			break
		}
	}
	bar := newProgressBar(e.stderr)
	index.SetLogger(fs.logger())
	cat, err := store.Open(ctx, fs.indexDir(), store.Options{Logger: fs.logger(), Progress: bar.update, OpenDamaged: true})
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
	for _, r := range rep.Truncated {
		fmt.Fprintf(e.stdout, "truncated: %s %s: %s\n", r.Source, r.Record, r.Error)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "skipped: %s %s: %s\n", s.Source, s.Record, s.Reason)
	}
	return nil
}
