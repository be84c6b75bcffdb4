package index

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
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

// FacetWindow is how many of the best matches facet counts are taken from.
// When a query matches at most this many credentials (a filtered search, a
// specific query, a catalog of a few hundred) the counts are exact; when it
// matches more, they describe the best FacetWindow matches, which is what
// a person refining a search looks at. Counting every match of a broad
// query in a large catalog visits every match's values and used to cost
// several times the query itself.
const FacetWindow = 500

// facetSize is how many values each facet lists, most frequent first.
const facetSize = 50

// Search runs req against the index. The context's deadline reaches Bleve.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	langs, err := ix.searchLanguages()
	if err != nil {
		return nil, err
	}
	offset := max(req.Offset, 0)
	size, from := limit, offset
	if req.Facets {
		// One query collects the page and the facet window together.
		size, from = max(offset+limit, FacetWindow), 0
	}
	sr := bleve.NewSearchRequestOptions(buildQuery(req, langs), size, from, false)
	if req.Highlight && strings.TrimSpace(req.Query) != "" && !req.Facets {
		addHighlight(sr)
	}
	res, err := ix.b.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", req.Query, err)
	}
	page := res.Hits
	if req.Facets {
		page = page[min(offset, len(page)):min(offset+limit, len(page))]
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(page))}
	if req.Facets {
		if out.Facets, err = ix.countFacets(res.Hits); err != nil {
			return nil, err
		}
		if req.Highlight && strings.TrimSpace(req.Query) != "" && len(page) > 0 {
			// Highlight the page only, not the whole window.
			if err := ix.highlight(ctx, req, langs, page); err != nil {
				return nil, err
			}
		}
	}
	for _, h := range page {
		hit := Hit{ID: h.ID, Score: h.Score}
		if len(h.Fragments) > 0 {
			hit.Highlights = h.Fragments
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

func addHighlight(sr *bleve.SearchRequest) {
	sr.Highlight = bleve.NewHighlightWithStyle(html.Name)
	sr.Highlight.AddField(fieldTitle)
	sr.Highlight.AddField(fieldDescription)
}

// highlight fills the fragments of page's hits by running the query again
// restricted to their ids, with highlighting on.
func (ix *Index) highlight(ctx context.Context, req Request, langs []string, page search.DocumentMatchCollection) error {
	ids := make([]string, len(page))
	for i, h := range page {
		ids[i] = h.ID
	}
	q := bleve.NewConjunctionQuery(buildQuery(req, langs), bleve.NewDocIDQuery(ids))
	sr := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	addHighlight(sr)
	res, err := ix.b.SearchInContext(ctx, sr)
	if err != nil {
		return fmt.Errorf("index: highlight %q: %w", req.Query, err)
	}
	frags := make(map[string]search.FieldFragmentMap, len(res.Hits))
	for _, h := range res.Hits {
		frags[h.ID] = h.Fragments
	}
	for _, h := range page {
		h.Fragments = frags[h.ID]
	}
	return nil
}

// countFacets counts the facet fields' values over hits, from the same
// doc values Bleve's own facets read.
func (ix *Index) countFacets(hits search.DocumentMatchCollection) (map[string][]FacetCount, error) {
	out := make(map[string][]FacetCount, len(facetFields))
	names := make(map[string]string, len(facetFields))
	fields := make([]string, 0, len(facetFields))
	counts := make(map[string]map[string]int, len(facetFields))
	for name, field := range facetFields {
		names[field] = name
		fields = append(fields, field)
		counts[field] = map[string]int{}
		out[name] = []FacetCount{}
	}
	if len(hits) == 0 {
		return out, nil
	}
	if ix.records != nil && ix.countFromRecords(hits, counts) {
		return finishFacets(out, names, counts), nil
	}
	for _, c := range counts {
		clear(c)
	}
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index: facets: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index: facets: %w", err)
	}
	defer r.Close()
	dvr, err := r.DocValueReader(fields)
	if err != nil {
		return nil, fmt.Errorf("index: facets: %w", err)
	}
	// Doc values are stored compressed in chunks of neighbouring
	// documents: visiting in index order decompresses each chunk once,
	// visiting in score order once per hit.
	ordered := slices.Clone(hits)
	slices.SortFunc(ordered, func(a, b *search.DocumentMatch) int {
		return bytes.Compare(a.IndexInternalID, b.IndexInternalID)
	})
	for _, h := range ordered {
		err := dvr.VisitDocValues(h.IndexInternalID, func(field string, term []byte) {
			if c, ok := counts[field]; ok {
				c[string(term)]++
			}
		})
		if err != nil {
			return nil, fmt.Errorf("index: facets of %q: %w", h.ID, err)
		}
	}
	return finishFacets(out, names, counts), nil
}

// countFromRecords counts the facet terms of hits from the records
// UseRecords gave, and reports false (leaving partial counts) when one of
// them is missing.
func (ix *Index) countFromRecords(hits search.DocumentMatchCollection, counts map[string]map[string]int) bool {
	for _, h := range hits {
		c, ok := ix.records(h.ID)
		if !ok {
			return false
		}
		facetTerms(c, ix.parent, func(field, term string) {
			if m, ok := counts[field]; ok {
				m[term]++
			}
		})
	}
	return true
}

// finishFacets sorts each field's counts, most frequent first, keeps the
// first facetSize and files them under the facet names callers see.
func finishFacets(out map[string][]FacetCount, names map[string]string, counts map[string]map[string]int) map[string][]FacetCount {
	for field, c := range counts {
		list := make([]FacetCount, 0, len(c))
		for v, n := range c {
			list = append(list, FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(list, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(list) > facetSize {
			list = list[:facetSize]
		}
		out[names[field]] = list
	}
	return out
}

// SearchText returns up to limit credential ids matching free text, best
// first, scored by BM25 over the text fields. It is the plain-search
// baseline and the recommender's candidate source, whose text (goals and
// the names of several competencies) runs to dozens of words: the query
// takes each distinct word once, only the maxTextTerms rarest, and leaves
// out words most of the catalog holds once minTextTerms rarer ones are in
// it, so a long text costs about what a short one does (see textQuery).
// A read-only index keeps the hits of texts it is asked for repeatedly
// (textHits).
func (ix *Index) SearchText(ctx context.Context, text string, limit int) ([]catalog.Hit, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	var keep bool
	if ix.readOnly {
		var hits []catalog.Hit
		var kept bool
		if hits, kept, keep = ix.texts.get(text, limit); kept {
			return hits, nil
		}
	}
	q, err := ix.textQuery(ctx, text)
	if err != nil {
		return nil, err
	}
	res, err := ix.b.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, limit, 0, false))
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", text, err)
	}
	hits := make([]catalog.Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = catalog.Hit{ID: h.ID, Score: h.Score}
	}
	if keep {
		ix.texts.put(text, limit, hits)
	}
	return hits, nil
}

// maxTextTerms is how many distinct words of a free text SearchText
// queries. A word found in most of the catalog ("teaching", "students")
// ranks little, as its weight is low, yet costs the most, as every item
// holding it is scored; the rarest words carry the ranking.
const maxTextTerms = 12

// A word the text fields hold more than commonTermShare times the number
// of items is left out of SearchText's query once minTextTerms rarer
// words are in it: it would score most of the catalog to add little.
const (
	commonTermShare = 0.2
	minTextTerms    = 4
)

// textTerm is one distinct analysed word of a query text and how often
// the text repeats it.
type textTerm struct {
	term string
	n    int
	df   uint64
}

// textQuery is buildQuery's text disjunction for SearchText: over each
// text field, one term query per distinct word (boosted by how often the
// text repeats it, as a match query's repeated terms would count) for
// the maxTextTerms words held by the fewest items, plus the names phrase
// and the language fields as buildQuery has them.
func (ix *Index) textQuery(ctx context.Context, text string) (query.Query, error) {
	langs, err := ix.searchLanguages()
	if err != nil {
		return nil, err
	}
	terms, err := ix.rarestTerms(ctx, text, maxTextTerms)
	if err != nil {
		return nil, err
	}
	return termsQuery(text, terms, langs), nil
}

// termsQuery is textQuery's query for the chosen terms of text; with no
// term it is the full query buildQuery makes.
func termsQuery(text string, terms []textTerm, langs []string) query.Query {
	if len(terms) == 0 {
		return buildQuery(Request{Query: text}, langs)
	}
	var should []query.Query
	for _, f := range textFields {
		tqs := make([]query.Query, len(terms))
		for i, t := range terms {
			tq := bleve.NewTermQuery(t.term)
			tq.SetField(f.name)
			tq.SetBoost(float64(t.n))
			tqs[i] = tq
		}
		// Bleve v2.6 does not apply a disjunction's boost, here or in
		// buildQuery's match queries, so both score alike
		// (TestSearchTextScoresAsTheFullQuery); weighting the fields
		// means boosting each term in both.
		dq := bleve.NewDisjunctionQuery(tqs...)
		dq.SetBoost(f.boost)
		should = append(should, dq)
	}
	should = append(should, namesAndLanguages(text, langs)...)
	return bleve.NewDisjunctionQuery(should...)
}

// namesAndLanguages are the parts of a text query every search shares:
// issuer and other names as a phrase (before their stems), and the text in
// each language's own field.
func namesAndLanguages(text string, langs []string) []query.Query {
	pq := bleve.NewMatchPhraseQuery(text)
	pq.SetField(fieldNames)
	pq.SetBoost(namesBoost)
	out := []query.Query{pq}
	for _, l := range langs {
		mq := bleve.NewMatchQuery(text)
		mq.SetField(fieldLang + "." + l)
		out = append(out, mq)
	}
	return out
}

// rarestTerms analyses text as the text fields are analysed and returns
// its distinct terms, at most limit of them: those held the fewest times
// by the text fields, words they do not hold left out.
func (ix *Index) rarestTerms(ctx context.Context, text string, limit int) ([]textTerm, error) {
	an := ix.b.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("index: analyzer %s missing", textAnalyzer)
	}
	var terms []textTerm
	seen := map[string]int{}
	for _, tok := range an.Analyze([]byte(text)) {
		t := string(tok.Term)
		if i, ok := seen[t]; ok {
			terms[i].n++
			continue
		}
		seen[t] = len(terms)
		terms = append(terms, textTerm{term: t, n: 1})
	}
	if len(terms) <= minTextTerms {
		return terms, nil
	}
	c := &counter{ix: ix}
	defer c.close()
	kept := terms[:0]
	for _, t := range terms {
		df, err := c.textCount(ctx, t.term)
		if err != nil {
			return nil, fmt.Errorf("index: search %q: %w", text, err)
		}
		t.df = df
		// A word no text field holds matches nothing there.
		if t.df > 0 {
			kept = append(kept, t)
		}
	}
	slices.SortStableFunc(kept, func(a, b textTerm) int { return cmp.Compare(a.df, b.df) })
	kept = kept[:min(len(kept), limit)]
	docs, err := c.docCount()
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", text, err)
	}
	common := uint64(commonTermShare * float64(docs))
	for i := minTextTerms; i < len(kept); i++ {
		if kept[i].df > common {
			return kept[:i], nil
		}
	}
	return kept, nil
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
		should = append(should, namesAndLanguages(text, langs)...)
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
