package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func udlParent(framework, code string) string {
	if framework == "UDL" {
		if i := strings.IndexByte(code, '.'); i > 0 {
			return code[:i]
		}
	}
	return ""
}

func testCredentials() []*catalog.Credential {
	return []*catalog.Credential{
		{ID: "udl-1", Title: "UDL Recruiting Interest", Description: "Offer choices that raise learners' interest.", Issuer: "Center A",
			Competencies: []catalog.Competency{{Framework: "UDL", Code: "7.1", Name: "Optimize choice and autonomy"}}, CostUSD: catalog.Float(0), Hours: catalog.Float(5), Format: "online", Level: 1},
		{ID: "disc-1", Title: "Structured Academic Discussion", Description: "Students use talk protocols such as turn-and-talk and Socratic seminar.", Issuer: "Network B",
			Competencies: []catalog.Competency{{Framework: "InTASC", Code: "8", Name: "Instructional Strategies"}}, CostUSD: catalog.Float(120), Hours: catalog.Float(12), Format: "hybrid", Level: 2},
		{ID: "assess-1", Title: "Formative Assessment with Exit Tickets", Description: "Design exit tickets and adjust tomorrow's lesson.", Issuer: "Network B",
			Competencies: []catalog.Competency{{Framework: "InTASC", Code: "6", Name: "Assessment"}, {Framework: "FFT", Code: "3d"}}},
		{ID: "plan-1", Title: "Lesson Planning with Universal Design for Learning", Description: "Plan lessons with flexible means of engagement.", Issuer: "Center A",
			Competencies: []catalog.Competency{{Framework: "UDL", Code: "8.2"}}, CostUSD: catalog.Float(300), Hours: catalog.Float(40)},
	}
}

func newTestIndex(t *testing.T) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Create(dir, udlParent)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), testCredentials(), nil, 7, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func ids(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchFiltersAndSynonyms(t *testing.T) {
	ix := newTestIndex(t)
	ctx := context.Background()
	tests := []struct {
		name string
		req  Request
		want []string // exact set, any order
		// top: want must be the first hits rather than all of them; free
		// text is an OR of terms, so weaker matches may follow.
		top bool
	}{
		{"empty query lists all", Request{Query: "", Limit: 10}, []string{"udl-1", "disc-1", "assess-1", "plan-1"}, false},
		{"acronym finds spelled-out form", Request{Query: "UDL", Limit: 10}, []string{"udl-1", "plan-1"}, false},
		{"spelled-out form finds acronym", Request{Query: "universal design for learning", Limit: 10}, []string{"udl-1", "plan-1"}, true},
		{"stemming", Request{Query: "discussions", Limit: 10}, []string{"disc-1"}, false},
		{"issuer filter", Request{Query: "", Issuer: "Network B", Limit: 10}, []string{"disc-1", "assess-1"}, false},
		{"framework and code", Request{Framework: "InTASC", Code: "6", Limit: 10}, []string{"assess-1"}, false},
		{"guideline includes checkpoints", Request{Framework: "UDL", Code: "7", Limit: 10}, []string{"udl-1"}, false},
		{"code alone across frameworks", Request{Code: "3d", Limit: 10}, []string{"assess-1"}, false},
		{"budget keeps unstated cost", Request{MaxCostUSD: catalog.Float(120), Limit: 10}, []string{"udl-1", "disc-1", "assess-1"}, false},
		{"hours inclusive", Request{MaxHours: catalog.Float(12), Limit: 10}, []string{"udl-1", "disc-1", "assess-1"}, false},
		{"no match", Request{Query: "zzzyzx", Limit: 10}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if tt.top && len(got) > len(tt.want) {
				got = got[:len(tt.want)]
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("hits = %v, want %v", got, want)
			}
			if !tt.top && int(res.Total) != len(want) {
				t.Errorf("total = %d, want %d", res.Total, len(want))
			}
		})
	}
}

func TestTitleOutranksDescription(t *testing.T) {
	ix := newTestIndex(t)
	hits, err := ix.SearchText(context.Background(), "exit tickets", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].ID != "assess-1" {
		t.Fatalf("hits = %v, want assess-1 first", hits)
	}
}

func TestFacetsAndHighlights(t *testing.T) {
	ix := newTestIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "learning", Facets: true, Highlight: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	count := func(facet, value string) int {
		for _, fc := range res.Facets[facet] {
			if fc.Value == value {
				return fc.Count
			}
		}
		return 0
	}
	if got := count("issuer", "Center A"); got != 2 {
		t.Errorf("issuer facet Center A = %d, want 2 (facets %v)", got, res.Facets)
	}
	if got := count("code", "UDL:7"); got != 1 {
		t.Errorf("code facet UDL:7 = %d, want 1", got)
	}
	highlighted := false
	for _, h := range res.Hits {
		for _, frags := range h.Highlights {
			for _, f := range frags {
				if strings.Contains(f, "<mark>") {
					highlighted = true
				}
			}
		}
	}
	if !highlighted {
		t.Errorf("no highlighted fragment in %+v", res.Hits)
	}
}

func TestVersionMarkerAndReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := ix.Version(); v != 0 {
		t.Fatalf("new index version = %d", v)
	}
	if err := ix.Apply(context.Background(), testCredentials()[:2], nil, 3, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), nil, []string{"udl-1"}, 4, nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if v, _ := ro.Version(); v != 4 {
		t.Errorf("version = %d, want 4", v)
	}
	if n, _ := ro.DocCount(); n != 1 {
		t.Errorf("doc count = %d, want 1", n)
	}
	if err := ro.Apply(context.Background(), testCredentials(), nil, 5, nil); err == nil {
		t.Error("apply on read-only index succeeded")
	}
	if _, err := OpenReadOnly(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("opening a missing index succeeded")
	}
}

func TestExpansions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A UDL course", "universal design for learning"},
		{"Social-Emotional Learning in grade 3", "sel"},
		{"Support for English learners", ""},
		{"english learner scaffolds", "el ; ell"},
	}
	for _, tt := range tests {
		if got := expansions(tt.in); !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("expansions(%q) = %q, want it to contain %q", tt.in, got, tt.want)
		}
	}
}

func TestFacetsOverTheBestMatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Create(dir, udlParent)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// FacetWindow+100 matches: the first 100 say "seminar" twice in the
	// title and rank first.
	var creds []*catalog.Credential
	for i := 0; i < FacetWindow+100; i++ {
		c := &catalog.Credential{ID: "c-" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i), Title: "Discussion seminar practice", Issuer: "Wide Issuer", Format: "online"}
		if i < 100 {
			c.Title = "Seminar seminar: discussion"
			c.Issuer = "Top Issuer"
		}
		creds = append(creds, c)
	}
	if err := ix.Apply(context.Background(), creds, nil, 1, nil); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "seminar", Facets: true, Highlight: true, Limit: 5, Offset: 95})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != uint64(len(creds)) {
		t.Errorf("total = %d, want %d", res.Total, len(creds))
	}
	want := map[string]int{"Top Issuer": 100, "Wide Issuer": FacetWindow - 100}
	for _, fc := range res.Facets["issuer"] {
		if fc.Count != want[fc.Value] {
			t.Errorf("issuer %q counted %d, want %d", fc.Value, fc.Count, want[fc.Value])
		}
	}
	if got := res.Facets["format"]; len(got) != 1 || got[0].Count != FacetWindow {
		t.Errorf("format facet = %v, want online × %d", got, FacetWindow)
	}
	if len(res.Hits) != 5 {
		t.Fatalf("page of %d hits, want 5", len(res.Hits))
	}
	top := 0
	for _, h := range res.Hits {
		if h.ID < "c-0100" {
			top++
		}
		if len(h.Highlights) == 0 {
			t.Errorf("hit %s has no highlights", h.ID)
		}
	}
	if top != 5 {
		// Hits 95..99 are the last of the top issuer's (scores tie within it).
		t.Errorf("page at offset 95 holds %d of the top 100, want 5", top)
	}
	plain, err := ix.Search(context.Background(), Request{Query: "seminar", Limit: 5, Offset: 95})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(plain), ids(res)) {
		t.Errorf("page with facets %v, without %v", ids(res), ids(plain))
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestFacetsFromRecordsMatchTheIndex(t *testing.T) {
	ix := newTestIndex(t)
	ctx := context.Background()
	creds := testCredentials()
	creds[1].Competencies = append(creds[1].Competencies, catalog.Competency{Framework: "UDL", Code: "7.2"}, catalog.Competency{Framework: "UDL", Code: "7.1"})
	if err := ix.Apply(ctx, creds, nil, 8, nil); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*catalog.Credential{}
	for _, c := range creds {
		byID[c.ID] = c
	}
	for _, q := range []string{"", "learning", "students discussion"} {
		req := Request{Query: q, Facets: true, Limit: 10}
		fromIndex, err := ix.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		withRecords := &Index{b: ix.b, parent: ix.parent, readOnly: ix.readOnly}
		withRecords.UseRecords(func(id string) (*catalog.Credential, bool) { c, ok := byID[id]; return c, ok }, udlParent)
		fromRecords, err := withRecords.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromIndex.Facets, fromRecords.Facets) {
			t.Errorf("%q: facets from records %v, from the index %v", q, fromRecords.Facets, fromIndex.Facets)
		}
		// A record missing from the lookup falls back to the index.
		partial := &Index{b: ix.b, parent: ix.parent, readOnly: ix.readOnly}
		partial.UseRecords(func(id string) (*catalog.Credential, bool) { return nil, false }, udlParent)
		fallback, err := partial.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromIndex.Facets, fallback.Facets) {
			t.Errorf("%q: facets with records missing %v, from the index %v", q, fallback.Facets, fromIndex.Facets)
		}
	}
}

func TestSearchTextKeepsTheRarestWords(t *testing.T) {
	ix := newTestIndex(t)
	// More distinct words than maxTextTerms, most of them in several
	// credentials or in none: the rare words still find their credential.
	filler := strings.Repeat("lesson learners students design plan offer choices interest ", 3)
	tests := []struct {
		name, text, want string
	}{
		{"short text", "socratic seminar", "disc-1"},
		{"repeated words", "seminar seminar seminar", "disc-1"},
		{"rare word among common ones", filler + "socratic", "disc-1"},
		{"rare words after unknown ones", "zyx1 zyx2 zyx3 zyx4 zyx5 zyx6 zyx7 zyx8 zyx9 zyx10 zyx11 zyx12 zyx13 tickets", "assess-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.SearchText(context.Background(), tt.text, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(hits, func(h catalog.Hit) bool { return h.ID == tt.want }) {
				t.Errorf("SearchText(%q) = %v, want %s among them", tt.text, hits, tt.want)
			}
		})
	}
}

// TestSearchTextScoresAsTheFullQuery checks that what a read-only index
// remembers (term counts, the hits of texts searched repeatedly) changes
// no hit and no score: the reference is textQuery's query with the counts
// read afresh.
func TestSearchTextScoresAsTheFullQuery(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bleve")
	w, err := Create(dir, udlParent)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Apply(ctx, testCredentials(), nil, 7, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	texts := []string{
		"Network B",         // the phrase matches an issuer
		"network b tickets", // every word in the names field, not as a phrase
		"exit tickets socratic seminar and more zzzyzx",
		"lesson learners students design plan offer choices interest socratic seminar discussion",
		"the of and", // stop words only
	}
	// Counts read and the text noted; counts remembered and the hits
	// kept; the hits kept returned.
	for round := 0; round < 3; round++ {
		for _, text := range texts {
			got, err := ix.SearchText(ctx, text, 10)
			if err != nil {
				t.Fatal(err)
			}
			want := fullTextQueryHits(t, ix, text)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d, SearchText(%q) = %v, the full query gives %v", round, text, got, want)
			}
		}
	}
}

// fullTextQueryHits runs textQuery's query, built here from term counts
// read afresh.
func fullTextQueryHits(t *testing.T, ix *Index, text string) []catalog.Hit {
	t.Helper()
	ctx := context.Background()
	saved := ix.readOnly
	ix.readOnly = false // no remembered counts
	defer func() { ix.readOnly = saved }()
	terms, err := ix.rarestTerms(ctx, text, maxTextTerms)
	if err != nil {
		t.Fatal(err)
	}
	langs, err := ix.searchLanguages()
	if err != nil {
		t.Fatal(err)
	}
	q := termsQuery(text, terms, langs)
	res, err := ix.b.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 10, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	hits := make([]catalog.Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = catalog.Hit{ID: h.ID, Score: h.Score}
	}
	return hits
}

func TestTextHitsKeepsTextsSearchedAgain(t *testing.T) {
	var th textHits
	hits := []catalog.Hit{{ID: "a", Score: 2}, {ID: "b", Score: 1}}
	if _, kept, keep := th.get("goals", 10); kept || keep {
		t.Fatalf("first search: kept %v, keep %v; want neither", kept, keep)
	}
	if _, kept, keep := th.get("goals", 10); kept || !keep {
		t.Fatalf("second search: kept %v, keep %v; want keep", kept, keep)
	}
	th.put("goals", 10, hits)
	got, kept, _ := th.get("goals", 10)
	if !kept || !reflect.DeepEqual(got, hits) {
		t.Fatalf("third search: %v (kept %v), want %v", got, kept, hits)
	}
	got[0].ID = "changed"
	if again, _, _ := th.get("goals", 10); again[0].ID != "a" {
		t.Errorf("a caller's change reached the kept hits: %v", again)
	}
	if _, kept, _ := th.get("goals", 5); kept {
		t.Error("hits kept for one limit were returned for another")
	}
	// The oldest text gives way once maxKeptTexts are kept.
	for i := range maxKeptTexts {
		th.put(fmt.Sprint("text ", i), 10, hits)
	}
	if _, kept, _ := th.get("goals", 10); kept {
		t.Error("the oldest text is still kept after maxKeptTexts newer ones")
	}
	if _, kept, _ := th.get(fmt.Sprint("text ", maxKeptTexts-1), 10); !kept {
		t.Error("the newest text is not kept")
	}
	if len(th.hits) != maxKeptTexts {
		t.Errorf("%d texts kept, want at most %d", len(th.hits), maxKeptTexts)
	}
}
