package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"os"

	"github.com/pdpath/pdpath/indexer/catalogdb"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/store"
)

func runIngest(ctx context.Context, e *env, args []string) (err error) {
	fs := newFlagSet(e, "ingest", "[--index DIR] [--store URL] [--json] PATH_OR_URL...\n\n"+
		"The command trusts its operator: http(s) URLs are fetched from any address, loopback and\n"+
		"private networks included, and redirects are followed there too. Feeds registered through\n"+
		"the API (`pdpath serve`) are fetched from public addresses only unless the server runs with\n"+
		"--allow-private-feeds.")
	fs.docs = "Feed formats ingest reads, with examples: indexer/README.md in the pdpath repository."
	fs.indexFlag()
	fs.storeFlag()
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the ingest to this file (read it with `go tool pprof FILE`)")
	inputs, err := fs.parse(args, 1, -1)
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer func() {
		if perr := stopProfile(); err == nil {
			err = perr
		}
	}()
	for _, in := range inputs {
		if strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://") {
			fs.logger().Info("fetching URLs as the operator: loopback and private addresses are allowed, redirects included")
			break
		}
	}
	bar := newProgressBar(e.stderr)
	index.SetLogger(fs.logger())
	// The operator names the inputs, so a URL on their own network
	// (or one redirecting there) is theirs to fetch: the command line
	// trusts its operator, unlike the server, which refuses such feeds.
	fetcher := fetch.New(fetch.Policy{AllowPrivate: true})
	opts := store.Options{Logger: fs.logger(), Progress: bar.update, Fetcher: fetcher, Derive: saveModel, OpenDamaged: true}
	var rep catalog.Report
	var dups [][]string
	if dsn := fs.storeURL(); dsn != "" {
		rep, dups, err = ingestToStore(ctx, dsn, fs.indexDir(), opts, inputs)
	} else {
		var cat *store.Catalog
		cat, err = store.Open(ctx, fs.indexDir(), opts)
		if err != nil {
			return err
		}
		defer cat.Close()
		rep, err = cat.Ingest(ctx, inputs)
		dups = duplicateGroups(cat.Snapshot())
	}
	bar.done()
	if err != nil {
		return err
	}
	failed := unreadInputs(rep)
	if fs.json {
		out := struct {
			catalog.Report
			// Duplicates lists each flagged item with the ids it resembles.
			Duplicates [][]string `json:"duplicates,omitempty"`
		}{rep, dups}
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
		return failed
	}
	fmt.Fprintf(e.stdout, "catalog version %d: %d added, %d updated, %d unchanged, %d retired, %d rejected\n",
		rep.CatalogVersion, rep.Added, rep.Updated, rep.Unchanged, rep.Retired, len(rep.Rejected))
	if rep.Frameworks > 0 {
		fmt.Fprintf(e.stdout, "%d framework(s) imported\n", rep.Frameworks)
	}
	if rep.PossibleDuplicates > 0 {
		fmt.Fprintf(e.stdout, "%d credential(s) flagged as possible duplicates of another issuer's:\n", rep.PossibleDuplicates)
		for _, g := range dups {
			fmt.Fprintf(e.stdout, "  %s ~ %s\n", g[0], strings.Join(g[1:], ", "))
		}
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
		if s.Record == "" {
			fmt.Fprintf(e.stdout, "skipped: %s: %s\n", s.Source, s.Reason)
			continue
		}
		fmt.Fprintf(e.stdout, "skipped: %s %s: %s\n", s.Source, s.Record, s.Reason)
	}
	return failed
}

// unreadInputs is the run's failure when a whole input (a file or URL)
// could not be read, fetched or parsed: the other inputs have landed, but
// a script must not take the run for a success.
func unreadInputs(rep catalog.Report) error {
	var srcs []string
	for _, r := range rep.Rejected {
		if r.Record == "" {
			srcs = append(srcs, r.Source)
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	return fmt.Errorf("nothing imported from %d input(s) that could not be read, fetched or parsed: %s (the report's rejections say why; any other inputs were imported)",
		len(srcs), strings.Join(srcs, ", "))
}

// duplicateGroups lists each item flagged as a possible duplicate with the
// ids it resembles, each pair once: [id, other ids...], sorted by id.
func duplicateGroups(snap *catalog.Snapshot) [][]string {
	var groups [][]string
	for _, c := range snap.Credentials {
		g := []string{c.ID}
		for _, d := range c.PossibleDuplicates {
			if d > c.ID {
				g = append(g, d)
			}
		}
		if len(g) > 1 {
			groups = append(groups, g)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i][0] < groups[j][0] })
	return groups
}

// ingestToStore records the inputs in the catalog of record in PostgreSQL,
// where every server following it picks them up, and reports what they
// changed, as applied to this machine's copy of the catalog under index.
func ingestToStore(ctx context.Context, dsn, index string, opts store.Options, paths []string) (catalog.Report, [][]string, error) {
	log, err := catalogdb.Open(ctx, dsn)
	if err != nil {
		return catalog.Report{}, nil, err
	}
	defer log.Close()
	cat, err := store.Open(ctx, catalogdb.CatalogDir(index, dsn), opts)
	if err != nil {
		return catalog.Report{}, nil, err
	}
	defer cat.Close()
	inputs, unread, err := cat.ReadInputs(ctx, paths)
	if err != nil {
		return catalog.Report{}, nil, err
	}
	host, _ := os.Hostname()
	rep, err := catalogdb.NewWriter(catalogdb.NewFollower(log, cat, catalogdb.CatalogDir(index, dsn), opts.Logger), "ingest@"+host).IngestInputs(ctx, inputs)
	unread.AddTo(&rep)
	return rep, duplicateGroups(cat.Snapshot()), err
}
