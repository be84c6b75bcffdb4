package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/length"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Field names of the indexed document. Text fields use English analysis with
// stemming; identifiers and facets are keywords; cost, hours and level are
// numeric. Only title and description are stored, for highlighting: the
// rest of what is displayed comes from the catalog snapshot.
const (
	fieldTitle        = "title"
	fieldDescription  = "description"
	fieldTags         = "tags"
	fieldIssuerName   = "issuer_name"
	fieldCompNames    = "competency_names"
	fieldExpansions   = "expansions"
	fieldIssuer       = "issuer"
	fieldFramework    = "framework"
	fieldCompetency   = "competency"
	fieldCode         = "code"
	fieldFormat       = "format"
	fieldLevel        = "level"
	fieldLevelKey     = "level_key"
	fieldCost         = "cost_usd"
	fieldHours        = "hours"
	fieldStated       = "stated"
	fieldGradeBand    = "grade_band"
	fieldSubject      = "subject"
	fieldType         = "type"
	docTypeCredential = "credential"
)

// textFields are searched by free-text queries, with their boosts: a word in
// the title says more about a credential than one in its description.
var textFields = []struct {
	name  string
	boost float64
}{
	{fieldTitle, 3},
	{fieldTags, 2},
	{fieldCompNames, 1.5},
	{fieldDescription, 1},
	{fieldExpansions, 1},
	{fieldIssuerName, 0.5},
}

// MaxTokenRunes is the longest word the text analyzers index. Longer
// tokens are no word anyone searches for (a pasted blob, a run of one
// letter) and would only bloat the term dictionary, so they are dropped
// before any other filter copies them.
const MaxTokenRunes = 100

// Names of the analysis parts the mapping defines.
const (
	tokenLengthFilter = "pdpath_token_length"
	// textAnalyzer is Bleve's English analyzer with tokenLengthFilter
	// first in its chain.
	textAnalyzer = "pdpath_en"
)

// addTextAnalysis registers the token-length filter and the analyzers
// that use it on m.
func addTextAnalysis(m *mapping.IndexMappingImpl) error {
	if err := m.AddCustomTokenFilter(tokenLengthFilter, map[string]interface{}{
		"type": length.Name, "max": float64(MaxTokenRunes),
	}); err != nil {
		return fmt.Errorf("index: token length filter: %w", err)
	}
	if err := m.AddCustomAnalyzer(textAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{tokenLengthFilter, en.PossessiveName, lowercase.Name, en.StopName, porter.Name},
	}); err != nil {
		return fmt.Errorf("index: text analyzer: %w", err)
	}
	return nil
}

// newMapping builds the index mapping explicitly: a fixed schema (dynamic
// mapping off) so a feed with odd fields can never change what is indexed.
func newMapping() (mapping.IndexMapping, error) {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = store
		f.IncludeTermVectors = store // highlighting needs positions
		f.IncludeInAll = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true // facets
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(true))
	doc.AddFieldMappingsAt(fieldDescription, text(true))
	for _, name := range []string{fieldTags, fieldIssuerName, fieldCompNames, fieldExpansions} {
		doc.AddFieldMappingsAt(name, text(false))
	}
	for _, name := range []string{fieldIssuer, fieldFramework, fieldCompetency, fieldCode, fieldFormat, fieldLevelKey, fieldStated, fieldGradeBand, fieldSubject, fieldType} {
		doc.AddFieldMappingsAt(name, kw())
	}
	for _, name := range []string{fieldLevel, fieldCost, fieldHours} {
		doc.AddFieldMappingsAt(name, num())
	}

	m := bleve.NewIndexMapping()
	if err := addTextAnalysis(m); err != nil {
		return nil, err
	}
	m.TypeField = "doc_type"
	m.DefaultType = docTypeCredential
	m.AddDocumentMapping(docTypeCredential, doc)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = textAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = bindex.BM25Scoring
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("index: invalid mapping: %w", err)
	}
	return m, nil
}
