package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
)

// A credential pointing at its owner by a /graph/ URI in upper case, and
// the organization's own Registry envelope under /resources/ in lower
// case, in another file of the same ingest.
const (
	ctdlCredential = `{"@context":"https://credreg.net/ctdl/schema/context/json","@graph":[{
  "@id":"https://credentialengineregistry.org/resources/ce-0a000000-0000-4000-8000-000000000001",
  "@type":"ceterms:MasterDegree","ceterms:ctid":"ce-0a000000-0000-4000-8000-000000000001",
  "ceterms:name":{"en-US":"Master of Science in Nursing Education"},
  "ceterms:ownedBy":["https://credentialengineregistry.org/graph/ce-6A62B250-A1A2-4D31-A702-CDC2437EFD31"],
  "ceterms:targetCompetency":[{"@type":"ceterms:CredentialAlignmentObject","ceterms:frameworkName":{"en-US":"WGU Nursing Competencies"},
    "ceterms:targetNodeName":{"en-US":"Curriculum design for clinical nurse educators"}}],
  "ceterms:estimatedCost":[
    {"@type":"ceterms:CostProfile","ceterms:name":{"en-US":"Resident tuition"},"ceterms:currency":"USD","ceterms:price":"4,530.33","ceterms:directCostType":"costType:Tuition"},
    {"@type":"ceterms:CostProfile","ceterms:name":{"en-US":"Resident tuition"},"ceterms:currency":"USD","ceterms:price":9063.66,"ceterms:directCostType":"costType:TechnologyFee"},
    {"@type":"ceterms:CostProfile","ceterms:name":{"en-US":"Non-resident tuition"},"ceterms:currency":"USD","ceterms:price":19999.99}],
  "ceterms:estimatedDuration":[{"@type":"ceterms:DurationProfile","ceterms:minimumDuration":"P8W","ceterms:maximumDuration":"P12W"}]
}]}`
	ctdlOrganization = `[{"envelope_ceterms_ctid":"ce-6a62b250-a1a2-4d31-a702-cdc2437efd31","decoded_resource":{
  "@context":"https://credreg.net/ctdl/schema/context/json",
  "@id":"https://credentialengineregistry.org/resources/ce-6a62b250-a1a2-4d31-a702-cdc2437efd31",
  "@type":"ceterms:CredentialOrganization","ceterms:ctid":"ce-6a62b250-a1a2-4d31-a702-cdc2437efd31",
  "ceterms:name":{"en-US":"Indiana University Bloomington"}}}]`
	ctdlActive = `{"@context":"https://credreg.net/ctdl/schema/context/json","@graph":[{
  "@type":"ceterms:Certificate","ceterms:ctid":"ce-0b000000-0000-4000-8000-000000000001","ceterms:name":"Literacy Coach Certificate",
  "ceterms:offeredBy":{"@type":"ceterms:CredentialOrganization","ceterms:name":"Riverbend Institute"},
  "ceterms:lifeCycleStatusType":"lifeCycle:Active"}]}`
	ctdlProvisional = `{"@context":"https://credreg.net/ctdl/schema/context/json","adms:status":"graphPublicationStatus:Provisional","@graph":[{
  "@type":"ceterms:Certificate","ceterms:ctid":"ce-0b000000-0000-4000-8000-000000000001","ceterms:name":"Literacy Coach Certificate (draft)",
  "ceterms:offeredBy":{"@type":"ceterms:CredentialOrganization","ceterms:name":"Riverbend Institute"}}]}`
	noIssuer = `[{"@context":"https://credreg.net/ctdl/schema/context/json","@type":"ceterms:Course",
  "ceterms:ctid":"ce-0c000000-0000-4000-8000-000000000001","ceterms:name":"Orphan Course"},
 {"@context":"https://credreg.net/ctdl/schema/context/json","@type":"ceterms:Course",
  "ceterms:ctid":"ce-0c000000-0000-4000-8000-000000000002","ceterms:name":"Course With A Page","ceterms:subjectWebpage":"https://www.riverbend.example.edu/courses/7"}]`
)

func TestIngestFeedsAsPublished(t *testing.T) {
	c := openTest(t, t.TempDir())
	ctx := context.Background()
	inputs := []Input{
		{Source: "credential.json", Data: []byte(ctdlCredential)},
		{Source: "organization.json", Data: []byte(ctdlOrganization)},
		{Source: "provisional.json", Data: []byte(ctdlProvisional)},
		{Source: "active.json", Data: []byte(ctdlActive)},
		{Source: "orphan.json", Data: []byte(noIssuer)},
	}
	rep := ingest(t, c, inputs...)
	if got := counts(rep); got != "added=4 updated=0 unchanged=0 retired=0 rejected=0 version=1" {
		t.Fatalf("first ingest: %s (%+v)", got, rep.Rejected)
	}
	msn, ok := c.Credential("ce-0a000000-0000-4000-8000-000000000001")
	if !ok {
		t.Fatal("degree missing")
	}
	if msn.Issuer != "Indiana University Bloomington" {
		t.Errorf("issuer named from the organization in another file, CTID matched across URI forms and case: %q", msn.Issuer)
	}
	if msn.CostUSD == nil || *msn.CostUSD != 13593.99 || len(msn.Costs) != 2 {
		t.Errorf("resident tuition items add up in cents and are the lowest of two alternatives: %v %+v", msn.CostUSD, msn.Costs)
	}
	if msn.Hours != nil || msn.CalendarDuration != "P8W/P12W" {
		t.Errorf("8 to 12 weeks is a calendar range, not hours: %v %q", msn.Hours, msn.CalendarDuration)
	}
	if len(msn.Competencies) != 1 || msn.Competencies[0].Name != "Curriculum design for clinical nurse educators" || msn.Competencies[0].Framework != "WGU Nursing Competencies" {
		t.Errorf("uncoded alignment kept by name and framework as written: %+v", msn.Competencies)
	}
	coach, _ := c.Credential("ce-0b000000-0000-4000-8000-000000000001")
	if coach == nil || coach.Title != "Literacy Coach Certificate" || !catalog.Published(coach.Lifecycle) {
		t.Errorf("the provisional twin does not override the published active record: %+v", coach)
	}
	notes := map[string]string{}
	for _, n := range rep.Notes {
		notes[n.Source[strings.LastIndex(n.Source, "/")+1:]] += n.Note + "\n"
	}
	for file, want := range map[string]string{
		"credential.json":  "lowest",
		"provisional.json": "published active record is kept",
		"orphan.json":      "state no issuer and no web page",
	} {
		if !strings.Contains(notes[file], want) {
			t.Errorf("notes for %s: %q, want one saying %q", file, notes[file], want)
		}
	}
	for _, q := range []struct{ query, want string }{
		{"curriculum design clinical", "ce-0a000000-0000-4000-8000-000000000001"},
		{"Indiana University", "ce-0a000000-0000-4000-8000-000000000001"},
	} {
		res, err := c.Search(ctx, index.Request{Query: q.query, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != q.want {
			t.Errorf("search %q: %+v, want %s first", q.query, res.Hits, q.want)
		}
	}
	if page, _ := c.Credential("ce-0c000000-0000-4000-8000-000000000002"); page == nil || page.Issuer != "riverbend.example.edu" ||
		!strings.Contains(notes["orphan.json"], "named by the host of its web page") {
		t.Errorf("a record without an issuer is named by its web site, and the report says so: %+v %q", page, notes["orphan.json"])
	}
	res, err := c.Search(ctx, index.Request{Kind: catalog.KindLearningOpportunity, Limit: 5})
	if err != nil || res.Total != 2 {
		t.Errorf("kind filter: %+v %v", res, err)
	}
	if got := counts(ingest(t, c, inputs...)); got != "added=0 updated=0 unchanged=4 retired=0 rejected=0 version=1" {
		t.Errorf("re-ingest: %s", got)
	}

	// A later ingest of the credential alone still names its issuer from
	// the organizations the catalog knows.
	c2 := openTest(t, t.TempDir())
	ingest(t, c2, Input{Source: "organization.json", Data: []byte(ctdlOrganization)})
	ingest(t, c2, Input{Source: "credential.json", Data: []byte(ctdlCredential)})
	if cr, _ := c2.Credential("ce-0a000000-0000-4000-8000-000000000001"); cr == nil || cr.Issuer != "Indiana University Bloomington" {
		t.Errorf("issuer from an organization already in the catalog: %+v", cr)
	}
}

// TestIssuerFromOwningOrganization names the issuer of a record that
// states none from the organization whose own record lists it
// (ceterms:owns), in the same ingest or a later one.
func TestIssuerFromOwningOrganization(t *testing.T) {
	const org = `{"@type":"ceterms:CredentialOrganization","@id":"https://credentialengineregistry.org/resources/ce-0d000000-0000-4000-8000-0000000000aa",
	  "ceterms:name":"Owning College","ceterms:owns":["https://credentialengineregistry.org/graph/CE-0C000000-0000-4000-8000-000000000002"]}`
	for _, together := range []bool{true, false} {
		c := openTest(t, t.TempDir())
		if together {
			ingest(t, c, Input{Source: "orphan.json", Data: []byte(noIssuer)}, Input{Source: "org.json", Data: []byte(org)})
		} else {
			ingest(t, c, Input{Source: "orphan.json", Data: []byte(noIssuer)})
			if rep := ingest(t, c, Input{Source: "org.json", Data: []byte(org)}); rep.Updated != 1 {
				t.Errorf("the named record is updated: %s", counts(rep))
			}
		}
		cr, _ := c.Credential("ce-0c000000-0000-4000-8000-000000000002")
		if cr == nil || cr.Issuer != "Owning College" || cr.IssuerID != "https://credentialengineregistry.org/resources/ce-0d000000-0000-4000-8000-0000000000aa" {
			t.Errorf("together=%v: %+v", together, cr)
		}
	}
}

// TestProvisionalLaterRun keeps the published record when only its
// provisional twin arrives in a later ingest, and lets a published update
// replace a provisional record.
func TestProvisionalLaterRun(t *testing.T) {
	c := openTest(t, t.TempDir())
	ingest(t, c, Input{Source: "active.json", Data: []byte(ctdlActive)})
	rep := ingest(t, c, Input{Source: "provisional.json", Data: []byte(ctdlProvisional)})
	if rep.Updated != 0 || rep.Added != 0 {
		t.Errorf("provisional twin changed the catalog: %s", counts(rep))
	}
	if cr, _ := c.Credential("ce-0b000000-0000-4000-8000-000000000001"); cr == nil || cr.Title != "Literacy Coach Certificate" {
		t.Errorf("kept: %+v", cr)
	}

	c2 := openTest(t, t.TempDir())
	ingest(t, c2, Input{Source: "provisional.json", Data: []byte(ctdlProvisional)})
	rep = ingest(t, c2, Input{Source: "active.json", Data: []byte(ctdlActive)})
	if cr, _ := c2.Credential("ce-0b000000-0000-4000-8000-000000000001"); rep.Updated != 1 || cr == nil || cr.Title != "Literacy Coach Certificate" || cr.Lifecycle != catalog.LifecycleActive {
		t.Errorf("published record replaces the provisional one: %s %+v", counts(rep), cr)
	}
}

// TestRealFilesReingest imports every real-world file and checks that a
// second run changes nothing.
func TestRealFilesReingest(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "fixtures"))
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/fixtures not present: the real-world feed files are kept beside the repository")
	}
	c := openTest(t, t.TempDir())
	first, err := c.Ingest(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if first.Added == 0 {
		t.Fatalf("nothing imported: %+v", first)
	}
	again, err := c.Ingest(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if again.Added != 0 || again.Updated != 0 || again.Retired != 0 || again.CatalogVersion != first.CatalogVersion {
		t.Errorf("re-ingest changed the catalog: %s", counts(again))
	}
	for _, cr := range c.Snapshot().Credentials {
		if cr.Issuer == "" {
			t.Errorf("%s has no issuer", cr.ID)
		}
	}
}

// TestIngestFolderReadsJSONLines picks up .jsonl and .ndjson files when
// walking a folder.
func TestIngestFolderReadsJSONLines(t *testing.T) {
	dir := t.TempDir()
	lines := `{"name":"A","criteria":"https://x.example/a","issuer":"https://x.example/i"}
{"name":"B","criteria":"https://x.example/b","issuer":"https://x.example/i"}
`
	for _, name := range []string{"dump.jsonl", "more.ndjson"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.ReplaceAll(lines, `"name":"`, `"name":"`+name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := openTest(t, t.TempDir())
	rep, err := c.Ingest(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 4 || len(rep.Rejected) != 0 {
		t.Errorf("%s %+v", counts(rep), rep.Rejected)
	}
}
