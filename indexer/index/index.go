// Package index owns pdpath's Bleve index: the mapping, how a catalog item
// becomes an indexed document, batched writes stamped with the catalog
// version, and searches with filters (kind, issuer, competency, cost,
// hours), facets and highlights. Text in every language a feed states is
// searched with that language's analyzer, and proper names match as
// phrases before stems. Nothing outside this package sees a Bleve type.
package index

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
)

// BatchSize is how many documents go into one Bleve batch. Larger batches
// index faster but hold more in memory; 1,000 keeps a 1M-credential rebuild
// under a few hundred MB.
const BatchSize = 1000

// versionKey is the internal key under which the catalog version the index
// reflects is stored, in the same batch as the documents it describes.
var versionKey = []byte("pdpath.catalog_version")

// languagesKey is the internal key listing the lang sub-fields the index
// holds text in (space-separated), so searches only query those.
var languagesKey = []byte("pdpath.languages")

// ErrNotFound is returned when an index directory does not exist.
var ErrNotFound = derrors.New(derrors.NotFound, "index: not found")

// ParentFunc returns the code a framework code refines ("7" for UDL "7.2"),
// or "" at the top level. Documents are indexed under every ancestor of
// their codes so a filter or facet on a UDL guideline includes checkpoints.
type ParentFunc func(framework, code string) string

// Index is an open Bleve index of credentials.
type Index struct {
	b        bleve.Index
	parent   ParentFunc
	readOnly bool
	// records, when set, finds the credential behind a hit, so facets are
	// counted from memory (see UseRecords).
	records func(id string) (*catalog.Credential, bool)
	// searchLangs caches searchLanguages on a read-only index, whose
	// languages never change: every query needs them.
	searchLangs atomic.Pointer[[]string]
	// counts remembers term counts on a read-only index (termCounts),
	// texts the hits of texts searched repeatedly (textHits).
	counts termCounts
	texts  textHits
}

// UseRecords gives the index the credentials it was built from: lookup
// finds one by id, parent is the framework hierarchy it was indexed with.
// Facet counts then come from these records, computed exactly as the
// indexed facet fields are, instead of from the index's compressed doc
// values, which cost a chunk decompression per hit. Call it before
// searching; the records must be the ones the index holds.
func (ix *Index) UseRecords(lookup func(id string) (*catalog.Credential, bool), parent ParentFunc) {
	ix.records = lookup
	if ix.parent == nil {
		ix.parent = parent
	}
}

// facetTerms calls visit with every facet field's terms for c: what
// Document puts in those fields, each term once. Bleve indexes an empty
// string field as the empty term, so an unstated issuer, format or level
// is counted under "" as the index counts it.
func facetTerms(c *catalog.Credential, parent ParentFunc, visit func(field, term string)) {
	visit(fieldIssuer, c.Issuer)
	visit(fieldFormat, c.Format)
	visit(fieldKind, c.ItemKind())
	for _, j := range c.ApprovedIn {
		visit(fieldApprovedIn, j)
	}
	if c.Level > 0 {
		visit(fieldLevelKey, strconv.Itoa(c.Level))
	} else {
		visit(fieldLevelKey, "")
	}
	var fws, comps []string
	for _, comp := range c.Competencies {
		if !slices.Contains(fws, comp.Framework) {
			fws = append(fws, comp.Framework)
			visit(fieldFramework, comp.Framework)
		}
		code := comp.Code
		for depth := 0; code != "" && depth < 8; depth++ {
			if k := comp.Framework + ":" + code; !slices.Contains(comps, k) {
				comps = append(comps, k)
				visit(fieldCompetency, k)
			}
			if parent == nil {
				break
			}
			code = parent(comp.Framework, code)
		}
	}
}

// Create makes a new, empty index at dir.
func Create(dir string, parent ParentFunc) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	b, err := bleve.New(dir, m)
	if err != nil {
		return nil, fmt.Errorf("index: create %s: %w", dir, err)
	}
	return &Index{b: b, parent: parent}, nil
}

// Open opens the index at dir for writing. Only one process may hold an
// index open for writing.
func Open(dir string, parent ParentFunc) (*Index, error) {
	return open(dir, parent, false)
}

// OpenReadOnly opens the index at dir for searching. Read-only openers take a
// shared lock, so a copy of the directory can be made while they search.
func OpenReadOnly(dir string) (*Index, error) {
	return open(dir, nil, true)
}

func open(dir string, parent ParentFunc, readOnly bool) (*Index, error) {
	b, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": readOnly})
	if err != nil {
		if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, dir)
		}
		return nil, fmt.Errorf("index: open %s: %w", dir, err)
	}
	return &Index{b: b, parent: parent, readOnly: readOnly}, nil
}

// Close releases the index.
func (ix *Index) Close() error {
	if err := ix.b.Close(); err != nil {
		return fmt.Errorf("index: close: %w", err)
	}
	return nil
}

// Version returns the catalog version the index reflects, 0 for a new index.
func (ix *Index) Version() (int64, error) {
	v, err := ix.b.GetInternal(versionKey)
	if err != nil {
		return 0, fmt.Errorf("index: read version: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("index: bad version marker %q: %w", v, err)
	}
	return n, nil
}

// languages returns the lang sub-fields the index holds text in.
func (ix *Index) languages() (map[string]bool, error) {
	v, err := ix.b.GetInternal(languagesKey)
	if err != nil {
		return nil, fmt.Errorf("index: read languages: %w", err)
	}
	out := map[string]bool{}
	for _, l := range strings.Fields(string(v)) {
		out[l] = true
	}
	return out, nil
}

// searchLanguages returns the lang sub-fields a query searches, sorted.
// A read-only index reads them once; a writable one on every call, as an
// ingest may add languages.
func (ix *Index) searchLanguages() ([]string, error) {
	if p := ix.searchLangs.Load(); p != nil {
		return *p, nil
	}
	set, err := ix.languages()
	if err != nil {
		return nil, err
	}
	langs := slices.Sorted(maps.Keys(set))
	if ix.readOnly {
		ix.searchLangs.Store(&langs)
	}
	return langs, nil
}

// DocCount returns the number of indexed credentials.
func (ix *Index) DocCount() (uint64, error) {
	n, err := ix.b.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}

// Apply indexes put, removes del and records version, in batches of
// BatchSize. The version marker travels in the last batch, so an index whose
// marker equals the catalog's holds every document of that version.
// progress, when not nil, is called after each batch.
//
// Building a batch (document conversion and field mapping) and writing the
// previous one (analysis and a durable segment) overlap: one goroutine fills
// batches while this one writes them, and a batch is only ever used by one
// goroutine at a time.
func (ix *Index) Apply(ctx context.Context, put []*catalog.Credential, del []string, version int64, progress func(done, total int)) error {
	if ix.readOnly {
		return errors.New("index: apply on a read-only index")
	}
	type filled struct {
		batch *bleve.Batch
		done  int
		err   error
	}
	total := len(put) + len(del)
	langs, err := ix.languages()
	if err != nil {
		return err
	}
	known := len(langs)
	ready := make(chan filled, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ready)
		batch := ix.b.NewBatch()
		done := 0
		fail := func(err error) {
			select {
			case ready <- filled{err: err}:
			case <-stop:
			}
		}
		send := func(last bool) bool {
			if last {
				if len(langs) > known {
					batch.SetInternal(languagesKey, []byte(strings.Join(slices.Sorted(maps.Keys(langs)), " ")))
				}
				batch.SetInternal(versionKey, []byte(strconv.FormatInt(version, 10)))
			}
			select {
			case ready <- filled{batch: batch, done: done}:
			case <-stop:
				return false
			}
			batch = ix.b.NewBatch()
			return true
		}
		for _, id := range del {
			batch.Delete(id)
			done++
			if batch.Size() >= BatchSize && !send(false) {
				return
			}
		}
		for _, c := range put {
			if err := ctx.Err(); err != nil {
				fail(fmt.Errorf("index: apply interrupted: %w", err))
				return
			}
			doc := ix.Document(c)
			for l := range doc.Lang {
				langs[l] = true
			}
			if err := batch.Index(c.ID, doc); err != nil {
				fail(fmt.Errorf("index: credential %q: %w", c.ID, err))
				return
			}
			done++
			if batch.Size() >= BatchSize && !send(false) {
				return
			}
		}
		send(true)
	}()
	for f := range ready {
		if f.err != nil {
			return f.err
		}
		if err := ix.b.Batch(f.batch); err != nil {
			return fmt.Errorf("index: write batch: %w", err)
		}
		if progress != nil {
			progress(f.done, total)
		}
	}
	return nil
}

// Document is the indexed form of a credential. It is exported so
// benchmarks can index the very same documents through Bleve directly.
type Document struct {
	DocType         string   `json:"doc_type"`
	Title           string   `json:"title"`
	Description     string   `json:"description,omitempty"`
	Tags            []string `json:"tags,omitempty"`
	IssuerName      string   `json:"issuer_name,omitempty"`
	CompetencyNames []string `json:"competency_names,omitempty"`
	Expansions      string   `json:"expansions,omitempty"`
	Issuer          string   `json:"issuer,omitempty"`
	Framework       []string `json:"framework,omitempty"`
	Competency      []string `json:"competency,omitempty"`
	Code            []string `json:"code,omitempty"`
	Format          string   `json:"format,omitempty"`
	Level           *float64 `json:"level,omitempty"`
	LevelKey        string   `json:"level_key,omitempty"`
	CostUSD         *float64 `json:"cost_usd,omitempty"`
	Hours           *float64 `json:"hours,omitempty"`
	Stated          []string `json:"stated,omitempty"`
	GradeBand       []string `json:"grade_band,omitempty"`
	Subject         []string `json:"subject,omitempty"`
	Type            string   `json:"type,omitempty"`
	Kind            string   `json:"kind,omitempty"`
	// Names holds the issuer's name, the offering institutions' and the
	// title unstemmed, for phrases.
	Names []string `json:"names,omitempty"`
	// Lang holds the title and description in every other language the
	// feed states, keyed by analyzer (see langField).
	Lang       map[string]string `json:"lang,omitempty"`
	ApprovedIn []string          `json:"approved_in,omitempty"`
}

// Document converts a credential into its indexed form.
func (ix *Index) Document(c *catalog.Credential) Document {
	d := Document{
		DocType:     docTypeCredential,
		Title:       c.Title,
		Description: c.Description,
		Tags:        c.Tags,
		IssuerName:  c.Issuer,
		Issuer:      c.Issuer,
		Format:      c.Format,
		CostUSD:     c.CostUSD,
		Hours:       c.Hours,
		GradeBand:   c.GradeBands,
		Subject:     c.Subjects,
		Type:        c.Type,
		Kind:        c.ItemKind(),
		ApprovedIn:  c.ApprovedIn,
	}
	if c.Issuer != "" {
		d.Names = append(d.Names, c.Issuer)
	}
	for _, o := range c.OfferedBy {
		if !strings.Contains(o, "://") {
			d.Names = append(d.Names, o)
		}
	}
	d.Names = append(d.Names, c.Title)
	d.Lang = languages(c)
	if c.Level > 0 {
		d.Level = catalog.Float(float64(c.Level))
		d.LevelKey = strconv.Itoa(c.Level)
	}
	if c.CostUSD != nil {
		d.Stated = append(d.Stated, "cost")
	}
	if c.Hours != nil {
		d.Stated = append(d.Stated, "hours")
	}
	if c.Format != "" {
		d.Stated = append(d.Stated, "format")
	}
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	for _, comp := range c.Competencies {
		add(&d.Framework, "fw="+comp.Framework)
		code := comp.Code
		for depth := 0; code != "" && depth < 8; depth++ {
			add(&d.Competency, comp.Framework+":"+code)
			add(&d.Code, "code="+code)
			if ix.parent == nil {
				break
			}
			code = ix.parent(comp.Framework, code)
		}
		if comp.Name != "" {
			d.CompetencyNames = append(d.CompetencyNames, comp.Name)
		}
	}
	d.Framework = trimPrefix(d.Framework, "fw=")
	d.Code = trimPrefix(d.Code, "code=")
	d.Expansions = expansions(strings.Join(append([]string{c.Title, c.Description, strings.Join(c.Tags, " ; ")}, d.CompetencyNames...), " ; "))
	return d
}

// languages gathers a credential's titles and descriptions in languages
// other than English by the analyzer that reads them. English text is
// already in the title and description fields.
func languages(c *catalog.Credential) map[string]string {
	if len(c.Titles) == 0 && len(c.Descriptions) == 0 {
		return nil
	}
	var out map[string]string
	add := func(tags map[string]string) {
		for _, tag := range slices.Sorted(maps.Keys(tags)) {
			field := langField(tag)
			if field == en.AnalyzerName || strings.TrimSpace(tags[tag]) == "" {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			if out[field] != "" {
				out[field] += " ; "
			}
			out[field] += tags[tag]
		}
	}
	add(c.Titles)
	add(c.Descriptions)
	return out
}

// trimPrefix strips the prefix used to keep keys of different kinds apart in
// the shared seen-set.
func trimPrefix(list []string, prefix string) []string {
	for i, v := range list {
		list[i] = strings.TrimPrefix(v, prefix)
	}
	return list
}
