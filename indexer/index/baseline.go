package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Baseline is the plain Bleve search that load tests compare pdpath's
// search and recommendations with: a match query on the title and
// description fields, top 10, over the very same index, with none of
// pdpath's boosts, filters, facets or highlights.
type Baseline struct {
	b bleve.Index
}

// OpenBaseline opens the index at dir read-only for baseline queries.
func OpenBaseline(dir string) (*Baseline, error) {
	b, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", dir, err)
	}
	return &Baseline{b: b}, nil
}

// Match runs the baseline query for text and returns the number of
// matches.
func (bl *Baseline) Match(text string) (uint64, error) {
	var should []query.Query
	for _, f := range []string{fieldTitle, fieldDescription} {
		mq := bleve.NewMatchQuery(text)
		mq.SetField(f)
		should = append(should, mq)
	}
	res, err := bl.b.Search(bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(should...), 10, 0, false))
	if err != nil {
		return 0, fmt.Errorf("index: baseline search: %w", err)
	}
	return res.Total, nil
}

// Close releases the index.
func (bl *Baseline) Close() error { return bl.b.Close() }
