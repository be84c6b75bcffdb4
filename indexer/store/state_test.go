package store

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/frameworks"
)

func TestStateRoundTripKeepsEveryField(t *testing.T) {
	dir := t.TempDir()
	zero := 0.0
	st := &state{Version: 4, Sources: map[string]*SourceInfo{"/feeds/a.csv": {Records: 2}},
		Frameworks: []*catalog.Framework{{Name: "Local", Items: []catalog.FrameworkItem{{Code: "1", Name: "One"}}}},
		Credentials: []*catalog.Credential{
			{ID: "a-1", Title: "Free, \"quoted\"\nline", CostUSD: &zero, Tags: []string{"x"}, Level: 2,
				Competencies: []catalog.Competency{{Framework: "InTASC", Code: "8"}}},
			{ID: "a-2", Title: "Second", Provenance: catalog.Provenance{Status: catalog.StatusRetired, Sources: []string{"/feeds/a.csv"}}},
		}}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(st)
		t.Errorf("read back\n%s\nwant\n%s", a, b)
	}
	if got.Credentials[0].CostUSD == nil {
		t.Error("a stated cost of 0 came back unstated")
	}
}

func TestStateReadsSingleFileOfOlderVersions(t *testing.T) {
	dir := t.TempDir()
	st := &state{Version: 2, Sources: map[string]*SourceInfo{},
		Credentials: []*catalog.Credential{{ID: "a-1", Title: "One"}}}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, legacyStateFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("legacy state read as %+v", got)
	}
	// Writing it again moves it to the current layout.
	if err := writeState(dir, got); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, legacyStateFile)); !os.IsNotExist(err) {
		t.Errorf("state.json still there after a rewrite: %v", err)
	}
	if again, err := loadState(dir); err != nil || !reflect.DeepEqual(again, st) {
		t.Errorf("after the rewrite: %+v, %v", again, err)
	}
}

func TestStateBadRecordNamesIt(t *testing.T) {
	dir := t.TempDir()
	st := &state{Version: 1, Sources: map[string]*SourceInfo{},
		Credentials: []*catalog.Credential{{ID: "a-1"}, {ID: "a-2"}, {ID: "a-3"}}}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, recordsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	lines[1] = "{\"id\": 7}\n"
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadState(dir); err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("err = %v, want one naming record 2", err)
	}
	lines[1] = ""
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadState(dir); err == nil || !strings.Contains(err.Error(), "holds 2 records") {
		t.Errorf("missing record: err = %v, want a count mismatch", err)
	}
}

func TestDeriveWritesIntoTheGeneration(t *testing.T) {
	dir := t.TempDir()
	var seen []int64
	c, err := Open(context.Background(), dir, Options{Derive: func(ctx context.Context, gen string, snap *catalog.Snapshot) error {
		seen = append(seen, snap.Version)
		return os.WriteFile(filepath.Join(gen, "derived"), []byte(snap.Credentials[0].ID), 0o644)
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})
	b, err := os.ReadFile(filepath.Join(c.GenerationDir(c.Version()), "derived"))
	if err != nil || string(b) != "a-1" {
		t.Errorf("derived file: %q, %v", b, err)
	}
	if len(seen) != 1 || seen[0] != 1 {
		t.Errorf("Derive called for versions %v, want [1]", seen)
	}
}

func TestDetachStringsKeepsValues(t *testing.T) {
	type inner struct {
		Name string
		Tags []string
	}
	type rec struct {
		A, B  string
		Long  string
		P     *inner
		Items []inner
		when  string // unexported: left alone
	}
	long := strings.Repeat("description ", 20)
	r := rec{A: "shared", B: "shared", Long: long, P: &inner{Name: "shared", Tags: []string{"x", ""}},
		Items: []inner{{Name: "n1"}, {Name: "n2", Tags: []string{"shared"}}}, when: "kept"}
	want := r
	wantP := *r.P
	seen := map[string]string{}
	detachStrings(reflect.ValueOf(&r).Elem(), seen)
	if r.A != want.A || r.B != want.B || r.Long != long || r.P.Name != wantP.Name || !reflect.DeepEqual(r.P.Tags, []string{"x", ""}) ||
		r.Items[1].Tags[0] != "shared" || r.when != "kept" {
		t.Errorf("values changed: %+v", r)
	}
	if len(seen) != 4 { // shared, x, n1, n2; nothing for "" or the long text
		t.Errorf("interned %v, want the 4 distinct short strings", seen)
	}
	if unsafe.StringData(r.A) != unsafe.StringData(r.P.Name) {
		t.Error("two equal short strings were not shared")
	}
	if _, ok := seen[long]; ok {
		t.Error("a long string was interned")
	}
}

// mappedBy returns the records mapping holding s's bytes, nil when s is
// on the heap.
func mappedBy(s string) []byte {
	if s == "" {
		return nil
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	mappedRecords.Lock()
	defer mappedRecords.Unlock()
	for _, data := range mappedRecords.m {
		lo := uintptr(unsafe.Pointer(&data[0]))
		if p >= lo && p+uintptr(len(s)) <= lo+uintptr(len(data)) {
			return data
		}
	}
	return nil
}

func TestServedStateKeepsProseInTheRecordsFile(t *testing.T) {
	long := strings.Repeat("Educators plan lessons together. ", 8)
	tests := []struct {
		name   string
		cred   catalog.Credential
		mapped []string // which of description, criteria, descriptions[en] are views of the file
	}{
		{"plain prose", catalog.Credential{ID: "a-1", Title: "One", Description: long, Criteria: "Submit a unit plan.",
			URL: "https://example.org/a-1", Issuer: "Example"},
			[]string{"title", "description", "criteria", "url"}},
		{"escaped prose is copied", catalog.Credential{ID: "a-2", Title: "Two & more", Description: "Plans <b>&amp;</b> \"quotes\"\nand lines",
			Criteria: "Plain criteria.", Provenance: catalog.Provenance{Hash: "0123456789abcdef"}}, []string{"title", "criteria", "hash"}},
		{"HTML characters are not escaped", catalog.Credential{ID: "a-5", Title: "Reading & Writing <K-5>", Description: "Plans <b>&amp;</b> more",
			Criteria: "Submit A&B."}, []string{"title", "description", "criteria"}},
		{"language maps", catalog.Credential{ID: "a-3", Title: "Three", Description: long,
			Titles:       map[string]string{"en": "Three", "es": "Tres"},
			Descriptions: map[string]string{"en": long, "es": "Los docentes planifican."}},
			[]string{"title", "titles[es]", "description", "descriptions[en]", "descriptions[es]"}},
		{"no prose", catalog.Credential{ID: "a-4", Issuer: "Example", Tags: []string{"x"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cred := tc.cred
			st := &state{Version: 3, Sources: map[string]*SourceInfo{}, Credentials: []*catalog.Credential{&cred}}
			if err := writeState(dir, st); err != nil {
				t.Fatal(err)
			}
			heap, err := loadState(dir)
			if err != nil {
				t.Fatal(err)
			}
			served, err := readState(dir, true)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(served, st) || !reflect.DeepEqual(heap, st) {
				t.Fatalf("served %+v, heap %+v, want %+v", served.Credentials[0], heap.Credentials[0], st.Credentials[0])
			}
			got := served.Credentials[0]
			fields := map[string]string{"description": got.Description, "criteria": got.Criteria,
				"descriptions[en]": got.Descriptions["en"], "descriptions[es]": got.Descriptions["es"],
				"title": got.Title, "titles[es]": got.Titles["es"], "id": got.ID, "url": got.URL, "hash": got.Hash,
				"issuer": got.Issuer, "tag": strings.Join(got.Tags, "")}
			for name, s := range fields {
				if want := slices.Contains(tc.mapped, name); (mappedBy(s) != nil) != want {
					t.Errorf("%s %q: in the records file %v, want %v", name, s, !want, want)
				}
			}
			for _, s := range []string{heap.Credentials[0].Description, heap.Credentials[0].Criteria} {
				if mappedBy(s) != nil {
					t.Errorf("an ingest's base state holds %q in a mapping", s)
				}
			}
			// Released pages read back from the file.
			releaseRecordPages()
			if got.Description != cred.Description || got.Criteria != cred.Criteria || !maps.Equal(got.Descriptions, cred.Descriptions) {
				t.Errorf("after releasing the pages: %+v", got)
			}
			runtime.KeepAlive(served)
		})
	}
}

func TestDetachStringsCopiesLanguageMaps(t *testing.T) {
	line := []byte(`{"id":"a-1","titles":{"en":"Coaching cycles","es":"Ciclos de coaching"}}`)
	var c catalog.Credential
	if err := json.Unmarshal(line, &c); err != nil {
		t.Fatal(err)
	}
	// Point the map at line's bytes, as a decoder that does not copy would.
	text := unsafe.String(&line[0], len(line))
	view := func(s string) string { i := strings.Index(text, s); return text[i : i+len(s)] }
	c.Titles = map[string]string{view("en"): view("Coaching cycles"), view("es"): view("Ciclos de coaching")}
	detachStrings(reflect.ValueOf(&c).Elem(), map[string]string{})
	lo, hi := uintptr(unsafe.Pointer(&line[0])), uintptr(unsafe.Pointer(&line[0]))+uintptr(len(line))
	if !maps.Equal(c.Titles, map[string]string{"en": "Coaching cycles", "es": "Ciclos de coaching"}) {
		t.Fatalf("titles %v", c.Titles)
	}
	for k, v := range c.Titles {
		for _, s := range []string{k, v} {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= lo && p < hi {
				t.Errorf("%q still points into the decoded line", s)
			}
		}
	}
}

func TestGenerationResolvesIdsBeforeAlternativeURIs(t *testing.T) {
	reg, err := frameworks.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	st := &state{Version: 1, Sources: map[string]*SourceInfo{}, Credentials: []*catalog.Credential{
		{ID: "a-1", AltIDs: []string{"urn:one", "a-2", "urn:shared"}},
		{ID: "a-2", AltIDs: []string{"urn:two", "urn:shared"}},
	}}
	c := &Catalog{}
	c.cur.Store(newGeneration("gen-000001", st, reg, nil))
	tests := []struct {
		ask, want string
		found     bool
	}{
		{"a-1", "a-1", true},
		{"a-2", "a-2", true}, // an id wins over another item's alternative URI
		{"urn:one", "a-1", true},
		{"urn:two", "a-2", true},
		{"urn:shared", "a-1", true}, // the first item listing it
		{"urn:none", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		id, ok := c.Resolve(tc.ask)
		if id != tc.want || ok != tc.found {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tc.ask, id, ok, tc.want, tc.found)
		}
		cred, ok := c.Credential(tc.ask)
		if ok != tc.found || (ok && cred.ID != tc.want) {
			t.Errorf("Credential(%q) = %v, %v; want %q", tc.ask, cred, ok, tc.want)
		}
	}
}

func TestDetachStringsGivesListsExactRoom(t *testing.T) {
	tags := make([]string, 2, 8)
	tags[0], tags[1] = "a", "b"
	empty := make([]string, 0, 4)
	c := catalog.Credential{ID: "a-1", Tags: tags, Subjects: empty,
		Competencies: append(make([]catalog.Competency, 0, 5), catalog.Competency{Framework: "InTASC", Code: "8"})}
	detachStrings(reflect.ValueOf(&c).Elem(), map[string]string{})
	for name, got := range map[string][2]int{"tags": {len(c.Tags), cap(c.Tags)}, "subjects": {len(c.Subjects), cap(c.Subjects)},
		"competencies": {len(c.Competencies), cap(c.Competencies)}} {
		if got[0] != got[1] {
			t.Errorf("%s: len %d cap %d", name, got[0], got[1])
		}
	}
	if !slices.Equal(c.Tags, []string{"a", "b"}) || c.Subjects == nil || c.Competencies[0].Code != "8" {
		t.Errorf("values changed: %+v", c)
	}
}

func TestServedRecordsGiveUpTheirMapping(t *testing.T) {
	defer func(d time.Duration) { unmapDelay = d }(unmapDelay)
	unmapDelay = 0
	dir := t.TempDir()
	st := &state{Version: 1, Sources: map[string]*SourceInfo{},
		Credentials: []*catalog.Credential{{ID: "a-1", Title: "One", Description: strings.Repeat("Plan lessons. ", 10)}}}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	served, err := readState(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	data := mappedBy(served.Credentials[0].Description)
	if data == nil {
		t.Fatal("the description is not in the records file")
	}
	key := &data[0]
	mapped := func() bool {
		mappedRecords.Lock()
		defer mappedRecords.Unlock()
		_, ok := mappedRecords.m[key]
		return ok
	}
	served, data = nil, nil
	// The cleanup runs after a collection finds the records unreachable;
	// a few collections give it the chance.
	for i := 0; i < 100 && mapped(); i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if mapped() {
		t.Error("the records file is still mapped after its records became unreachable")
	}
}
