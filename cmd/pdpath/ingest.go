package main

import (
	"context"
	"fmt"
	"os"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/catalogdb"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/store"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ingest", "[--index DIR] [--store URL] [--json] PATH_OR_URL...")
	fs.indexFlag()
	fs.storeFlag()
	inputs, err := fs.parse(args, 1, -1)
	if err != nil {
		return err
	}
	bar := newProgressBar(e.stderr)
	// The operator names the inputs, so a URL on their own network
	// (or one redirecting there) is theirs to fetch: the command line
	// trusts its operator, unlike the server, which refuses such feeds.
	fetcher := fetch.New(fetch.Policy{AllowPrivate: true})
	opts := store.Options{Logger: fs.logger(), Progress: bar.update, Fetcher: fetcher}
	var rep catalog.Report
	if dsn := fs.storeURL(); dsn != "" {
		rep, err = ingestToStore(ctx, dsn, fs.indexDir(), opts, inputs)
	} else {
		var cat *store.Catalog
		cat, err = store.Open(ctx, fs.indexDir(), opts)
		if err != nil {
			return err
		}
		defer cat.Close()
		rep, err = cat.Ingest(ctx, inputs)
	}
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

// ingestToStore records the inputs in the catalog of record in PostgreSQL,
// where every server following it picks them up, and reports what they
// changed, as applied to this machine's copy of the catalog under index.
func ingestToStore(ctx context.Context, dsn, index string, opts store.Options, paths []string) (catalog.Report, error) {
	log, err := catalogdb.Open(ctx, dsn)
	if err != nil {
		return catalog.Report{}, err
	}
	defer log.Close()
	cat, err := store.Open(ctx, catalogdb.CatalogDir(index, dsn), opts)
	if err != nil {
		return catalog.Report{}, err
	}
	defer cat.Close()
	inputs, failed, err := cat.ReadInputs(ctx, paths)
	if err != nil {
		return catalog.Report{}, err
	}
	host, _ := os.Hostname()
	rep, err := catalogdb.NewWriter(catalogdb.NewFollower(log, cat, catalogdb.CatalogDir(index, dsn), opts.Logger), "ingest@"+host).IngestInputs(ctx, inputs)
	rep.Rejected = append(append([]catalog.Rejection{}, failed...), rep.Rejected...)
	return rep, err
}
