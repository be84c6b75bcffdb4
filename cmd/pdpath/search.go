package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/store"
)

// searchHit is one line of `pdpath search --json`.
type searchHit struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Issuer string  `json:"issuer"`
	Score  float64 `json:"score"`
}

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "search", `[--index DIR] [--limit N] [--json] QUERY   (QUERY "" lists the whole catalog)`)
	fs.indexFlag()
	limit := fs.Int("limit", 10, "how many hits to print")
	pos, err := fs.parse(args, 1, 1)
	if err != nil {
		return err
	}
	if *limit < 1 {
		return usagef("--limit must be at least 1")
	}
	index.SetLogger(fs.logger())
	cat, err := store.Open(ctx, fs.indexDir(), store.Options{Logger: fs.logger()})
	if err != nil {
		return err
	}
	defer cat.Close()
	res, err := cat.Search(ctx, index.Request{Query: pos[0], Limit: *limit})
	if err != nil {
		return err
	}
	out := struct {
		Total uint64      `json:"total"`
		Hits  []searchHit `json:"hits"`
	}{Total: res.Total, Hits: []searchHit{}}
	for _, h := range res.Hits {
		hit := searchHit{ID: h.ID, Score: h.Score}
		if c, ok := cat.Credential(h.ID); ok {
			hit.Title, hit.Issuer = c.Title, c.Issuer
		}
		out.Hits = append(out.Hits, hit)
	}
	if fs.json {
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%d match(es)\n", out.Total)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, h := range out.Hits {
		fmt.Fprintf(tw, "%.3f\t%s\t%s\t%s\n", h.Score, oneLine(h.Title, 60), oneLine(h.Issuer, 30), h.ID)
	}
	return tw.Flush()
}
