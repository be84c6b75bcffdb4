package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
)

const csvHeader = "id,issuer,title,description,competencies,level,prerequisites,cost_usd,hours,format,url,grade_bands,subjects,tags\n"

// feedA is a small, valid CSV feed used across tests.
const feedA = csvHeader +
	`a-1,Issuer A,Discussion Protocols Level 1,"Students build on each other's ideas using turn-and-talk.",InTASC:8,1,,0,5,online,,6-8,ela,discussion
a-2,Issuer A,Discussion Protocols Level 2,"Run a Socratic seminar and track participation.",InTASC:8;FFT:3b,2,a-1,40,10,online,,6-8,ela,discussion
a-3,Issuer A,Exit Tickets for Formative Assessment,"Design exit tickets and regroup students the next day.",InTASC:6,1,,25,4,hybrid,,3-5,math,assessment
`

func openTest(t *testing.T, dir string) *Catalog {
	t.Helper()
	c, err := Open(context.Background(), dir, Options{CloseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ingest(t *testing.T, c *Catalog, inputs ...Input) catalog.Report {
	t.Helper()
	rep, err := c.IngestInputs(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func counts(r catalog.Report) string {
	return fmt.Sprintf("added=%d updated=%d unchanged=%d retired=%d rejected=%d version=%d",
		r.Added, r.Updated, r.Unchanged, r.Retired, len(r.Rejected), r.CatalogVersion)
}

func total(t *testing.T, c *Catalog) uint64 {
	t.Helper()
	res, err := c.Search(context.Background(), index.Request{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func TestSyncLifecycle(t *testing.T) {
	c := openTest(t, t.TempDir())
	steps := []struct {
		name   string
		inputs []Input
		want   string
		active uint64
	}{
		{"first import", []Input{{Source: "a.csv", Data: []byte(feedA)}}, "added=3 updated=0 unchanged=0 retired=0 rejected=0 version=1", 3},
		{"same input changes nothing", []Input{{Source: "a.csv", Data: []byte(feedA)}}, "added=0 updated=0 unchanged=3 retired=0 rejected=0 version=1", 3},
		{"edited title", []Input{{Source: "a.csv", Data: []byte(strings.Replace(feedA, "Exit Tickets for", "Exit Tickets in", 1))}}, "added=0 updated=1 unchanged=2 retired=0 rejected=0 version=2", 3},
		{"record dropped from the feed", []Input{{Source: "a.csv", Data: []byte(csvHeader + strings.Join(strings.Split(feedA, "\n")[1:3], "\n") + "\n")}}, "added=0 updated=0 unchanged=2 retired=1 rejected=0 version=3", 2},
		{"record back", []Input{{Source: "a.csv", Data: []byte(feedA)}}, "added=0 updated=1 unchanged=2 retired=0 rejected=0 version=4", 3},
	}
	for _, s := range steps {
		rep := ingest(t, c, s.inputs...)
		if got := counts(rep); got != s.want {
			t.Fatalf("%s: %s, want %s", s.name, got, s.want)
		}
		if got := total(t, c); got != s.active {
			t.Fatalf("%s: %d searchable, want %d", s.name, got, s.active)
		}
	}
	cr, ok := c.Credential("a-3")
	if !ok || cr.Title != "Exit Tickets for Formative Assessment" || !cr.Active() {
		t.Fatalf("a-3 = %+v", cr)
	}
	if cr.FirstSeen.IsZero() || cr.LastSeen.Before(cr.FirstSeen) || len(cr.Sources) != 1 {
		t.Errorf("provenance = %+v", cr.Provenance)
	}
}

func TestRetiredStaysResolvable(t *testing.T) {
	c := openTest(t, t.TempDir())
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})
	rep := ingest(t, c, Input{Source: "a.csv", Data: []byte(csvHeader + "a-1,Issuer A,Discussion Protocols Level 1,x,InTASC:8,1,,0,5,online,,,,\n")})
	if rep.Retired != 2 {
		t.Fatalf("retired = %d, want 2", rep.Retired)
	}
	cr, ok := c.Credential("a-2")
	if !ok || cr.Active() || cr.Status != catalog.StatusRetired {
		t.Fatalf("a-2 = %+v, %v; want retired and resolvable", cr, ok)
	}
	hits, _ := c.SearchText(context.Background(), "Socratic seminar", 10)
	if len(hits) != 0 {
		t.Errorf("retired credential still searchable: %v", hits)
	}
}

func TestCrossListingAndBadRecords(t *testing.T) {
	c := openTest(t, t.TempDir())
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})
	feedB := csvHeader +
		"b-1,Issuer B,Restorative Circles,Run community circles to repair harm.,FFT:2a,,,0,6,in-person,,,,\n" +
		"b-2,Issuer B,Bad Cost,Something.,FFT:2a,,,lots,6,online,,,,\n" +
		"a-1,Issuer A,Discussion Protocols Level 1,\"Students build on each other's ideas using turn-and-talk.\",InTASC:8,1,,0,5,online,,6-8,ela,discussion\n"
	rep := ingest(t, c, Input{Source: "b.csv", Data: []byte(feedB)})
	if rep.Added != 1 || rep.Unchanged != 1 || len(rep.Rejected) != 1 {
		t.Fatalf("report %s, want 1 added, 1 unchanged, 1 rejected", counts(rep))
	}
	rej := rep.Rejected[0]
	if rej.Source != "b.csv" || !strings.Contains(rej.Record, "3") || !strings.Contains(rej.Error, "cost_usd") {
		t.Errorf("rejection = %+v, want b.csv line 3 field cost_usd", rej)
	}
	a1, _ := c.Credential("a-1")
	if len(a1.Sources) != 2 {
		t.Errorf("a-1 sources = %v, want both feeds", a1.Sources)
	}
	// Feed A drops a-1: feed B still publishes it, so it stays active.
	rep = ingest(t, c, Input{Source: "a.csv", Data: []byte(csvHeader + strings.Join(strings.Split(feedA, "\n")[2:4], "\n") + "\n")})
	if rep.Retired != 0 {
		t.Errorf("retired = %d, want 0 (b.csv still lists a-1)", rep.Retired)
	}
	// Feed B with a bad record retires nothing, even though b-1 is absent.
	rep = ingest(t, c, Input{Source: "b.csv", Data: []byte(csvHeader + "b-2,Issuer B,Bad Cost,Something.,FFT:2a,,,lots,6,online,,,,\n")})
	if rep.Retired != 0 || len(rep.Rejected) != 1 {
		t.Errorf("report %s, want nothing retired while the feed has a bad record", counts(rep))
	}
}

func TestUnknownFrameworkKept(t *testing.T) {
	c := openTest(t, t.TempDir())
	rep := ingest(t, c, Input{Source: "x.csv", Data: []byte(csvHeader + "x-1,Issuer X,Coaching Cycles,Plan and debrief coaching cycles.,Acme Coaching Standards:C4;InTASC:10,,,,,,,,,\n")})
	if rep.Added != 1 || rep.UnresolvedFrameworks["Acme Coaching Standards"] != 1 {
		t.Fatalf("report = %+v", rep)
	}
	cr, _ := c.Credential("x-1")
	keys := cr.CompetencyKeys()
	if !slices.Contains(keys, "Acme Coaching Standards:C4") || !slices.Contains(keys, "InTASC:10") {
		t.Errorf("competencies = %v, want the unknown one kept as written", keys)
	}
}

func TestPrerequisitesResolveThroughFeedURIs(t *testing.T) {
	c := openTest(t, t.TempDir())
	doc := `{"@context":"https://credreg.net/ctdl/schema/context/json","@graph":[
 {"@id":"https://credentialengineregistry.org/resources/ce-org","@type":"ceterms:CredentialOrganization","ceterms:ctid":"ce-org","ceterms:name":{"en-US":"Lakeside Institute"}},
 {"@id":"https://credentialengineregistry.org/resources/ce-one","@type":"ceterms:MicroCredential","ceterms:ctid":"ce-one","ceterms:name":{"en-US":"Coaching Foundations"},"ceterms:description":{"en-US":"Coaching basics."},"ceterms:ownedBy":["https://credentialengineregistry.org/resources/ce-org"]},
 {"@id":"https://credentialengineregistry.org/resources/ce-two","@type":"ceterms:MicroCredential","ceterms:ctid":"ce-two","ceterms:name":{"en-US":"Coaching Cycles"},"ceterms:description":{"en-US":"Full cycles."},"ceterms:ownedBy":["https://credentialengineregistry.org/resources/ce-org"],
  "ceterms:requires":[{"@type":"ceterms:ConditionProfile","ceterms:targetCredential":["https://credentialengineregistry.org/resources/ce-one"]}]}]}`
	rep := ingest(t, c, Input{Source: "ctdl.json", Data: []byte(doc)})
	if rep.Added != 2 {
		t.Fatalf("report = %+v", rep)
	}
	two, _ := c.Credential("ce-two")
	if !slices.Equal(two.Prerequisites, []string{"ce-one"}) || two.Issuer != "Lakeside Institute" {
		t.Errorf("ce-two = prerequisites %v issuer %q, want [ce-one] and the organization's name", two.Prerequisites, two.Issuer)
	}
	if byURI, ok := c.Credential("https://credentialengineregistry.org/resources/ce-one"); !ok || byURI.ID != "ce-one" {
		t.Errorf("lookup by @id failed: %v", byURI)
	}
}

func TestNearDuplicatesFlagged(t *testing.T) {
	c := openTest(t, t.TempDir())
	desc := "Coaches plan a full cycle with a teacher: goal setting, modeling, observation with low-inference notes and a debrief."
	feed := csvHeader +
		"u-1,Lakeshore University,Instructional Coaching Cycles,\"" + desc + "\",InTASC:10,,,300,30,online,,,,\n" +
		"m-1,PD Market,Instructional Coaching Cycles,\"" + desc + " Includes a resale license.\",InTASC:10,,,250,30,online,,,,\n" +
		"u-2,Lakeshore University,Instructional Coaching Cycles,\"" + desc + "\",InTASC:10,,,300,30,online,,,,\n"
	rep := ingest(t, c, Input{Source: "d.csv", Data: []byte(feed)})
	m1, _ := c.Credential("m-1")
	if !slices.Equal(m1.PossibleDuplicates, []string{"u-1", "u-2"}) {
		t.Errorf("m-1 duplicates = %v, want [u-1 u-2]", m1.PossibleDuplicates)
	}
	u1, _ := c.Credential("u-1")
	if slices.Contains(u1.PossibleDuplicates, "u-2") {
		t.Errorf("same-issuer credentials flagged: %v", u1.PossibleDuplicates)
	}
	if rep.PossibleDuplicates != 3 || rep.Added != 3 {
		t.Errorf("report = %s possible_duplicates=%d", counts(rep), rep.PossibleDuplicates)
	}
}

func TestIngestFilesFoldersAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	feeds := filepath.Join(dir, "feeds")
	os.MkdirAll(filepath.Join(feeds, "nested"), 0o755)
	os.WriteFile(filepath.Join(feeds, "a.csv"), []byte(feedA), 0o644)
	os.WriteFile(filepath.Join(feeds, "nested", "empty.json"), nil, 0o644)
	os.WriteFile(filepath.Join(feeds, "nested", "notes.txt"), []byte("not a feed"), 0o644)
	os.WriteFile(filepath.Join(feeds, "garbage.json"), []byte("this is not json"), 0o644)
	c := openTest(t, filepath.Join(dir, "index"))
	rep, err := c.Ingest(context.Background(), []string{feeds})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 3 || len(rep.Rejected) != 2 {
		t.Fatalf("report = %s %+v; want 3 added and the empty and garbage files rejected", counts(rep), rep.Rejected)
	}
	for _, r := range rep.Rejected {
		if r.Record != "" || r.Error == "" {
			t.Errorf("file rejection = %+v, want a whole-file error", r)
		}
	}
	if _, err := c.Ingest(context.Background(), []string{filepath.Join(dir, "missing.csv")}); err == nil {
		t.Error("a missing path was accepted")
	}
}

// TestIngestFolderListsNonFeedFiles: files met while walking a folder that
// are not feed files are listed as skipped with the reason, and the run
// goes on; hidden files stay unmentioned.
func TestIngestFolderListsNonFeedFiles(t *testing.T) {
	dir := t.TempDir()
	feeds := filepath.Join(dir, "feeds")
	os.MkdirAll(filepath.Join(feeds, "img"), 0o755)
	os.WriteFile(filepath.Join(feeds, "a.csv"), []byte(feedA), 0o644)
	os.WriteFile(filepath.Join(feeds, "README.md"), []byte("# feeds"), 0o644)
	os.WriteFile(filepath.Join(feeds, "SOURCE.txt"), []byte("from the issuer"), 0o644)
	os.WriteFile(filepath.Join(feeds, "LICENSE"), []byte("CC-BY"), 0o644)
	os.WriteFile(filepath.Join(feeds, "img", "logo.PNG"), []byte("\x89PNG"), 0o644)
	os.WriteFile(filepath.Join(feeds, ".DS_Store"), []byte("x"), 0o644)
	c := openTest(t, filepath.Join(dir, "index"))
	rep, err := c.Ingest(context.Background(), []string{feeds})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 3 || len(rep.Rejected) != 0 {
		t.Errorf("report = %s %+v; want a.csv's 3 added, nothing rejected", counts(rep), rep.Rejected)
	}
	want := map[string]string{
		"README.md":    "not a feed file: extension .md",
		"SOURCE.txt":   "not a feed file: extension .txt",
		"LICENSE":      "not a feed file: no extension",
		"img/logo.PNG": "not a feed file: extension .png",
	}
	got := map[string]string{}
	for _, s := range rep.Skipped {
		rel, _ := filepath.Rel(feeds, s.Source)
		got[filepath.ToSlash(rel)] = s.Reason
	}
	for name, reason := range want {
		if got[name] != reason {
			t.Errorf("skipped[%s] = %q, want %q", name, got[name], reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("skipped = %v, want exactly %v", got, want)
	}
}

func TestOtherProcessIngestBecomesVisible(t *testing.T) {
	dir := t.TempDir()
	reader := openTest(t, dir)
	writer := openTest(t, dir)
	ingest(t, writer, Input{Source: "a.csv", Data: []byte(feedA)})
	if reader.Version() != 0 {
		t.Fatalf("reader moved before refreshing")
	}
	changed, err := reader.Refresh(context.Background())
	if err != nil || !changed {
		t.Fatalf("refresh = %v, %v", changed, err)
	}
	if reader.Version() != 1 || total(t, reader) != 3 {
		t.Errorf("reader version %d total %d, want 1 and 3", reader.Version(), total(t, reader))
	}
}

func TestOldGenerationsPruned(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir)
	for i := 0; i < 6; i++ {
		ingest(t, c, Input{Source: "a.csv", Data: []byte(strings.Replace(feedA, "Level 1", fmt.Sprintf("Level 1 (rev %d)", i), 1))})
	}
	entries, _ := os.ReadDir(dir)
	var gens []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), genPrefix) {
			gens = append(gens, e.Name())
		}
	}
	if len(gens) != keepGenerations || c.Version() != 6 {
		t.Errorf("generations on disk %v at version %d, want the last %d", gens, c.Version(), keepGenerations)
	}
}
