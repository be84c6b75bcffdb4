package index

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Request is a catalog search: free text plus optional filters. An empty
// Query matches every indexed (active) credential.
type Request struct {
	Query     string
	Issuer    string
	Framework string
	Code      string
	// Kind keeps items of one kind (catalog.KindCredential,
	// KindLearningOpportunity, KindAssessment); credentials include the
	// items that state no kind.
	Kind string
	// ApprovedIn keeps items approved in that jurisdiction or in one that
	// contains it (a state's approval covers its districts).
	ApprovedIn string
	// MaxCostUSD and MaxHours keep credentials at or under the limit and
	// those that do not state the value.
	MaxCostUSD *float64
	MaxHours   *float64
	Limit      int
	Offset     int
	Facets     bool
	Highlight  bool
}

// Result is one page of search hits with the total match count and, when
// asked for, facet counts by issuer, framework, code, format and level.
type Result struct {
	Total  uint64                  `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets,omitempty"`
}

// Hit is one matching credential with its score and highlighted fragments
// keyed by field.
type Hit struct {
	ID         string              `json:"id"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// FacetCount is how many matches carry one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// facetFields maps the facet names callers see to indexed fields.
var facetFields = map[string]string{
	"issuer":      fieldIssuer,
	"framework":   fieldFramework,
	"code":        fieldCompetency,
	"format":      fieldFormat,
	"level":       fieldLevelKey,
	"kind":        fieldKind,
	"approved_in": fieldApprovedIn,
}

// DefaultLimit is the page size when a request names none.
const DefaultLimit = 10

// Search runs req against the index. The context's deadline reaches Bleve.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	langs, err := ix.languages()
	if err != nil {
		return nil, err
	}
	sr := bleve.NewSearchRequestOptions(buildQuery(req, slices.Sorted(maps.Keys(langs))), limit, max(req.Offset, 0), false)
	if req.Facets {
		for name, field := range facetFields {
			sr.AddFacet(name, bleve.NewFacetRequest(field, 50))
		}
	}
	if req.Highlight && strings.TrimSpace(req.Query) != "" {
		sr.Highlight = bleve.NewHighlightWithStyle(html.Name)
		sr.Highlight.AddField(fieldTitle)
		sr.Highlight.AddField(fieldDescription)
	}
	res, err := ix.b.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", req.Query, err)
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		hit := Hit{ID: h.ID, Score: h.Score}
		if len(h.Fragments) > 0 {
			hit.Highlights = h.Fragments
		}
		out.Hits = append(out.Hits, hit)
	}
	if req.Facets {
		out.Facets = map[string][]FacetCount{}
		for name, fr := range res.Facets {
			counts := []FacetCount{}
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
				}
			}
			out.Facets[name] = counts
		}
	}
	return out, nil
}

// SearchText returns up to limit credential ids matching free text, best
// first, scored by BM25 over the text fields. It is the plain-search
// baseline and the recommender's candidate source.
func (ix *Index) SearchText(ctx context.Context, text string, limit int) ([]catalog.Hit, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	res, err := ix.Search(ctx, Request{Query: text, Limit: limit})
	if err != nil {
		return nil, err
	}
	hits := make([]catalog.Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = catalog.Hit{ID: h.ID, Score: h.Score}
	}
	return hits, nil
}

// namesBoost weighs a query that matches a proper name (an issuer, a
// title) word for word, as a phrase, above any stemmed match.
const namesBoost = 6

// buildQuery turns a request into a Bleve query: a disjunction of match
// queries over the boosted text fields, the same text as a phrase over the
// unstemmed names, and a match over each language field the index holds
// (langs), conjoined with the filters.
func buildQuery(req Request, langs []string) query.Query {
	var must []query.Query
	if text := strings.TrimSpace(req.Query); text != "" {
		var should []query.Query
		for _, f := range textFields {
			mq := bleve.NewMatchQuery(text)
			mq.SetField(f.name)
			mq.SetBoost(f.boost)
			should = append(should, mq)
		}
		pq := bleve.NewMatchPhraseQuery(text)
		pq.SetField(fieldNames)
		pq.SetBoost(namesBoost)
		should = append(should, pq)
		for _, l := range langs {
			mq := bleve.NewMatchQuery(text)
			mq.SetField(fieldLang + "." + l)
			should = append(should, mq)
		}
		must = append(must, bleve.NewDisjunctionQuery(should...))
	}
	term := func(field, value string) query.Query {
		tq := bleve.NewTermQuery(value)
		tq.SetField(field)
		return tq
	}
	if req.Issuer != "" {
		must = append(must, term(fieldIssuer, req.Issuer))
	}
	switch {
	case req.Framework != "" && req.Code != "":
		must = append(must, term(fieldCompetency, req.Framework+":"+req.Code))
	case req.Framework != "":
		must = append(must, term(fieldFramework, req.Framework))
	case req.Code != "":
		rq := bleve.NewRegexpQuery(".*:" + regexp.QuoteMeta(req.Code))
		rq.SetField(fieldCompetency)
		must = append(must, rq)
	}
	switch req.Kind {
	case "":
	case catalog.KindCredential:
		// Items indexed before kinds existed carry none.
		other := bleve.NewBooleanQuery()
		other.AddMust(bleve.NewMatchAllQuery())
		other.AddMustNot(term(fieldKind, catalog.KindLearningOpportunity), term(fieldKind, catalog.KindAssessment))
		must = append(must, other)
	default:
		must = append(must, term(fieldKind, req.Kind))
	}
	if j := strings.TrimSpace(req.ApprovedIn); j != "" {
		// "US-IL:district:x" is met by an approval of itself or of any
		// jurisdiction before a ":" in it ("US-IL").
		var any []query.Query
		for k := len(j); k > 0; k = strings.LastIndex(j[:k], ":") {
			any = append(any, term(fieldApprovedIn, j[:k]))
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if req.MaxCostUSD != nil {
		must = append(must, atMostOrUnstated(fieldCost, "cost", *req.MaxCostUSD))
	}
	if req.MaxHours != nil {
		must = append(must, atMostOrUnstated(fieldHours, "hours", *req.MaxHours))
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery()
	}
	if len(must) == 1 {
		return must[0]
	}
	return bleve.NewConjunctionQuery(must...)
}

// atMostOrUnstated matches documents whose numeric field is at most limit
// (inclusive) or that do not state the field at all: a credential that does
// not say what it costs is not excluded by a budget.
func atMostOrUnstated(field, stated string, limit float64) query.Query {
	inclusive := true
	rq := bleve.NewNumericRangeInclusiveQuery(nil, &limit, nil, &inclusive)
	rq.SetField(field)
	st := bleve.NewTermQuery(stated)
	st.SetField(fieldStated)
	unstated := bleve.NewBooleanQuery()
	unstated.AddMust(bleve.NewMatchAllQuery())
	unstated.AddMustNot(st)
	return bleve.NewDisjunctionQuery(rq, unstated)
}
