package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/ckb"
	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fa"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hi"
	"github.com/blevesearch/bleve/v2/analysis/lang/hr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hu"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/analysis/lang/tr"
	"github.com/blevesearch/bleve/v2/analysis/token/length"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Field names of the indexed document. Text fields use English analysis with
// stemming; every other language of a title or description goes to a
// sub-field of lang analysed for that language (lang.fr, lang.ar, ...;
// lang.other with the standard analyzer where Bleve has none); proper
// names are kept unstemmed in names for phrase matching; identifiers,
// facets and the item kind are keywords; cost, hours and level are
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
	fieldKind         = "kind"
	fieldNames        = "names"
	fieldLang         = "lang"
	fieldApprovedIn   = "approved_in"
	docTypeCredential = "credential"
)

// languageAnalyzers maps a language tag's primary subtag onto the Bleve
// analyzer for that language. Text in a language Bleve has no analyzer for
// is indexed with the standard analyzer (under langOther).
var languageAnalyzers = map[string]string{
	"ar": ar.AnalyzerName, "ckb": ckb.AnalyzerName, "da": da.AnalyzerName, "de": de.AnalyzerName,
	"en": en.AnalyzerName, "es": es.AnalyzerName, "fa": fa.AnalyzerName, "fi": fi.AnalyzerName,
	"fr": fr.AnalyzerName, "hi": hi.AnalyzerName, "hr": hr.AnalyzerName, "hu": hu.AnalyzerName,
	"it": it.AnalyzerName, "nl": nl.AnalyzerName, "no": no.AnalyzerName, "nb": no.AnalyzerName,
	"nn": no.AnalyzerName, "pt": pt.AnalyzerName, "ro": ro.AnalyzerName,
	"ru": ru.AnalyzerName, "sv": sv.AnalyzerName, "tr": tr.AnalyzerName,
	"zh": cjk.AnalyzerName, "ja": cjk.AnalyzerName, "ko": cjk.AnalyzerName,
}

// langOther is the sub-field of fieldLang for languages without an analyzer.
const langOther = "other"

// langField returns the sub-field of fieldLang that holds text in the
// language of tag ("fr-CA" → "fr", "zh-Hant" → "cjk", "sw" → "other").
func langField(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")), "-")
	if a, ok := languageAnalyzers[primary]; ok {
		return a
	}
	return langOther
}

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

// textFieldNames are textFields' names.
var textFieldNames = func() []string {
	out := make([]string, len(textFields))
	for i, f := range textFields {
		out[i] = f.name
	}
	return out
}()

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
		// Facets and sorting never read text fields, so they keep no
		// doc values, which would copy every term of every document
		// into the segment a second time (a 100k index: 165 MB with
		// them, 153 MB without).
		f.DocValues = false
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

	// names holds proper names (issuer, title) unstemmed, with positions,
	// so a phrase such as "Indiana University" matches them before any
	// stem does ("university" and "universal" stem alike).
	exact := bleve.NewTextFieldMapping()
	exact.Analyzer = standard.Name
	exact.Store = false
	exact.IncludeTermVectors = true
	exact.IncludeInAll = false
	exact.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldNames, exact)
	langs := bleve.NewDocumentStaticMapping()
	analyzers := map[string]bool{langOther: true}
	for _, a := range languageAnalyzers {
		analyzers[a] = true
	}
	for a := range analyzers {
		f := text(false)
		f.Analyzer = a
		if a == langOther {
			f.Analyzer = standard.Name
		}
		langs.AddFieldMappingsAt(a, f)
	}
	doc.AddSubDocumentMapping(fieldLang, langs)
	doc.AddFieldMappingsAt(fieldTitle, text(true))
	doc.AddFieldMappingsAt(fieldDescription, text(true))
	for _, name := range []string{fieldTags, fieldIssuerName, fieldCompNames, fieldExpansions} {
		doc.AddFieldMappingsAt(name, text(false))
	}
	for _, name := range []string{fieldIssuer, fieldFramework, fieldCompetency, fieldCode, fieldFormat, fieldLevelKey, fieldStated, fieldGradeBand, fieldSubject, fieldType, fieldKind, fieldApprovedIn} {
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
