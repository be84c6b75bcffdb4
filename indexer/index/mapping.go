package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
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
	fieldApprovedIn   = "approved_in"
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

// newMapping builds the index mapping explicitly: a fixed schema (dynamic
// mapping off) so a feed with odd fields can never change what is indexed.
func newMapping() (mapping.IndexMapping, error) {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
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
	for _, name := range []string{fieldIssuer, fieldFramework, fieldCompetency, fieldCode, fieldFormat, fieldLevelKey, fieldStated, fieldGradeBand, fieldSubject, fieldType, fieldApprovedIn} {
		doc.AddFieldMappingsAt(name, kw())
	}
	for _, name := range []string{fieldLevel, fieldCost, fieldHours} {
		doc.AddFieldMappingsAt(name, num())
	}

	m := bleve.NewIndexMapping()
	m.TypeField = "doc_type"
	m.DefaultType = docTypeCredential
	m.AddDocumentMapping(docTypeCredential, doc)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = bindex.BM25Scoring
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("index: invalid mapping: %w", err)
	}
	return m, nil
}
