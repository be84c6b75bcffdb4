package pathway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/planner"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testCatalog has a "two of three" capstone, a chain, an earned
// prerequisite and credential ids of every shape proxyFor handles.
func testCatalog() *catalog.Snapshot {
	c := func(id, title string, cost, hours float64, comps []string, min int, pre ...string) *catalog.Credential {
		cr := &catalog.Credential{ID: id, Title: title, Type: "MicroCredential", CostUSD: catalog.Float(cost),
			Hours: catalog.Float(hours), Prerequisites: pre, PrerequisitesMin: min}
		for _, k := range comps {
			fw, code, _ := strings.Cut(k, ":")
			cr.Competencies = append(cr.Competencies, catalog.Competency{Framework: fw, Code: code})
		}
		return cr
	}
	return &catalog.Snapshot{Credentials: []*catalog.Credential{
		c("ce-0b1e5e11-0000-4000-8000-000000000001", "Design Review Capstone", 120, 20, []string{"UDL:9"}, 2,
			"engagement", "https://badges.example.org/expression", "materials 101"),
		c("engagement", "Options for Engagement", 30, 8, []string{"UDL:7"}, 0, "basics"),
		c("https://badges.example.org/expression", "Options for Expression", 25, 6, []string{"UDL:5"}, 0),
		c("materials 101", "Accessible Materials", 60, 6, nil, 0),
		c("basics", "Learner Variability Basics", 0, 4, nil, 0),
		c("assessment", "Assessment Literacy", 15, 5, []string{"InTASC:6"}, 0, "basics"),
	}}
}

func planned(t *testing.T, req planner.Request) *Pathway {
	t.Helper()
	snap := testCatalog()
	pl, err := planner.New(snap, planner.Options{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return &Pathway{
		ID: "pw/42", Owner: "coach@example.org", Name: "Inclusive design", Description: "A year of UDL practice.",
		Request: req, Plan: pl, Earned: []string{"engagement"},
		Created: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC), Updated: time.Date(2027, 2, 2, 3, 4, 5, 0, time.UTC),
	}
}

var (
	goalRequest = planner.Request{
		GoalCredentials: []string{"ce-0b1e5e11-0000-4000-8000-000000000001"},
		Earned:          []string{"basics"},
		Constraints:     planner.Constraints{HoursPerMonth: 10, Start: "2027-09"},
	}
	targetRequest = planner.Request{
		Targets:     []planner.Target{{Framework: "UDL", Code: "7"}, {Framework: "InTASC", Code: "6"}},
		Constraints: planner.Constraints{HoursPerMonth: 10, Start: "2027-09"},
	}
)

func TestCTDLRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		req      planner.Request
		goal     []string
		earned   []string
		destType string
	}{
		{"goal credential as destination", goalRequest, goalRequest.GoalCredentials, []string{"basics"}, typeCredential},
		{"targets: a basic destination component", targetRequest, nil, nil, typeBasic},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			p := planned(t, test.req)
			if len(p.Plan.Steps) < 2 {
				t.Fatalf("the plan is too small to test: %+v", p.Plan.Steps)
			}
			data, err := ExportCTDL(p, testCatalog())
			if err != nil {
				t.Fatal(err)
			}
			again, err := ExportCTDL(p, testCatalog())
			if err != nil || !bytes.Equal(data, again) {
				t.Errorf("export is not deterministic")
			}
			checkCTDLShape(t, data, test.destType)
			got, err := ImportCTDL(data)
			if err != nil {
				t.Fatalf("ImportCTDL: %v\n%s", err, data)
			}
			if got.ID != p.ID || got.Name != p.Name || got.Description != p.Description {
				t.Errorf("imported id %q name %q description %q", got.ID, got.Name, got.Description)
			}
			if len(got.Plan.Steps) != len(p.Plan.Steps) {
				t.Fatalf("imported %d steps, exported %d", len(got.Plan.Steps), len(p.Plan.Steps))
			}
			for i, s := range p.Plan.Steps {
				g := got.Plan.Steps[i]
				if g.ID != s.ID || g.Title != s.Title || !slices.Equal(g.Requires, s.Requires) {
					t.Errorf("step %d: imported %s %q requires %v, exported %s %q requires %v",
						i, g.ID, g.Title, g.Requires, s.ID, s.Title, s.Requires)
				}
			}
			if !slices.Equal(got.Request.GoalCredentials, test.goal) || !slices.Equal(got.Request.Earned, test.earned) {
				t.Errorf("imported goals %v earned %v, want %v and %v", got.Request.GoalCredentials, got.Request.Earned, test.goal, test.earned)
			}
		})
	}
}

// checkCTDLShape asserts the parts of the CTDL Pathway model other
// systems rely on.
func checkCTDLShape(t *testing.T, data []byte, destType string) {
	t.Helper()
	var doc struct {
		Context string           `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Context != ctdlContext {
		t.Errorf("@context %q", doc.Context)
	}
	byID := map[string]map[string]any{}
	var pathways []map[string]any
	for _, n := range doc.Graph {
		byID[n["@id"].(string)] = n
		if n["@type"] == typePathway {
			pathways = append(pathways, n)
		}
	}
	if len(pathways) != 1 {
		t.Fatalf("%d pathway nodes", len(pathways))
	}
	pw := pathways[0]
	dest := node(pw).ids("ceterms:hasDestinationComponent")
	if len(dest) != 1 || byID[dest[0]]["@type"] != destType {
		t.Fatalf("destination %v of type %v, want %s", dest, byID[dest[0]]["@type"], destType)
	}
	if !slices.Equal(node(pw).ids("ceterms:hasChild"), dest) {
		t.Errorf("pathway hasChild %v, want the destination", node(pw).ids("ceterms:hasChild"))
	}
	for _, n := range doc.Graph {
		id := n["@id"].(string)
		if n["@type"] == typePathway {
			continue
		}
		if !strings.HasPrefix(node(n).str("ceterms:ctid"), "ce-") {
			t.Errorf("%s has no CTID", id)
		}
		// hasChild and isChildOf mirror each other, and every condition
		// targets children.
		for _, c := range node(n).ids("ceterms:hasChild") {
			if !slices.Contains(node(byID[c]).ids("ceterms:isChildOf"), id) {
				t.Errorf("%s has child %s, which is not its child back", id, c)
			}
		}
		for _, cond := range node(n).nodes("ceterms:hasCondition") {
			if cond.str("@type") != typeCondition {
				t.Errorf("%s: condition of type %v", id, cond["@type"])
			}
			targets := cond.ids("ceterms:targetComponent")
			req, _ := cond["ceterms:requiredNumber"].(float64)
			if req < 1 || int(req) > len(targets) {
				t.Errorf("%s: requiredNumber %v of %d targets", id, req, len(targets))
			}
			for _, tc := range targets {
				if !slices.Contains(node(n).ids("ceterms:hasChild"), tc) {
					t.Errorf("%s: condition targets %s, which is not a child", id, tc)
				}
			}
		}
		if n["@type"] == typeCredential && node(n).str("ceterms:proxyFor") == "" {
			t.Errorf("%s has no proxyFor", id)
		}
	}
}

func TestExportCTDLGolden(t *testing.T) {
	data, err := ExportCTDL(planned(t, goalRequest), testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export.golden.json")
	if *update {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("ExportCTDL differs from %s (run go test -update after checking the change):\n%s", golden, data)
	}
	// The k-of-n minimum of the capstone is written as requiredNumber 2.
	if !bytes.Contains(data, []byte(`"ceterms:requiredNumber": 2`)) {
		t.Errorf("no condition requires 2 components")
	}
}

func TestImportRegistryDocument(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "registry_pathway.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ImportCTDL(data)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		id, title string
		requires  []string
	}
	want := []step{
		{"ce-c0ffee01-1111-4222-8333-444455556666", "Learner Variability Basics", nil},
		{"https://badges.example.org/badgeclasses/expression", "Options for Expression", []string{"ce-c0ffee01-1111-4222-8333-444455556666"}},
		{"ce-c0ffee02-1111-4222-8333-444455556666", "Options for Engagement", []string{"ce-c0ffee01-1111-4222-8333-444455556666"}},
		{"ce-c0ffee05-1111-4222-8333-444455556666", "Accessible Materials", nil},
		{"ce-c0ffee04-1111-4222-8333-444455556666", "Classroom Design Review", []string{
			"https://badges.example.org/badgeclasses/expression",
			"ce-c0ffee02-1111-4222-8333-444455556666",
			"ce-c0ffee05-1111-4222-8333-444455556666",
		}},
	}
	if len(got.Plan.Steps) != len(want) {
		t.Fatalf("steps %+v", got.Plan.Steps)
	}
	for i, w := range want {
		s := got.Plan.Steps[i]
		if s.ID != w.id || s.Title != w.title || !slices.Equal(s.Requires, append([]string{}, w.requires...)) {
			t.Errorf("step %d = %s %q %v, want %s %q %v", i, s.ID, s.Title, s.Requires, w.id, w.title, w.requires)
		}
	}
	if got.ID != "ce-5f1c2d3e-0a1b-4c2d-8e3f-101112131415" || got.Name != "Inclusive Design Practitioner" ||
		!strings.HasPrefix(got.Description, "From a first look") {
		t.Errorf("pathway %q %q %q", got.ID, got.Name, got.Description)
	}
	if !slices.Equal(got.Request.GoalCredentials, []string{"ce-c0ffee04-1111-4222-8333-444455556666"}) || len(got.Request.Earned) != 0 {
		t.Errorf("goals %v earned %v", got.Request.GoalCredentials, got.Request.Earned)
	}
}

func TestImportCTDLErrors(t *testing.T) {
	const pw = `{"@id": "urn:p", "@type": "ceterms:Pathway", "ceterms:name": "P"}`
	comp := func(id, extra string) string {
		return `{"@id": "` + id + `", "@type": "ceterms:CredentialComponent", "ceterms:proxyFor": "urn:pdpath:credential:` + id + `"` + extra + `}`
	}
	tests := []struct {
		name, doc, want string
	}{
		{"not JSON", `{`, "unexpected end"},
		{"no pathway", `{"@graph": [` + comp("a", "") + `]}`, "no ceterms:Pathway node"},
		{"two pathways", `{"@graph": [` + pw + `,` + pw + `]}`, "more than one"},
		{"component without proxy", `{"@graph": [` + pw + `, {"@id": "x", "@type": "ceterms:CredentialComponent"}]}`, "no ceterms:proxyFor"},
		{"condition on a missing component", `{"@graph": [` + pw + `,` +
			comp("a", `, "ceterms:hasCondition": {"@type": "ceterms:ComponentCondition", "ceterms:targetComponent": "ghost"}`) + `]}`,
			"requires ghost, which is not in the document"},
		{"prerequisite cycle", `{"@graph": [` + pw + `,` + comp("a", `, "ceterms:hasChild": "b"`) + `,` + comp("b", `, "ceterms:hasChild": "a"`) + `]}`,
			"form a cycle"},
		{"order against prerequisites", `{"@graph": [` + pw + `,` +
			comp("a", `, "ceterms:precedes": "b", "ceterms:hasChild": "b"`) + `,` + comp("b", "") + `]}`,
			"requires b, which comes after it"},
		{"two chains", `{"@graph": [` + pw + `,` + comp("a", `, "ceterms:precedes": "b"`) + `,` + comp("b", "") + `,` +
			comp("c", `, "ceterms:precedes": "d"`) + `,` + comp("d", "") + `]}`, "form 2 chains"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			p, err := ImportCTDL([]byte(test.doc))
			if err == nil {
				t.Fatalf("ImportCTDL = %+v, want an error", p)
			}
			if !errors.Is(err, ErrCTDL) || !strings.Contains(err.Error(), test.want) {
				t.Errorf("error %q, want ErrCTDL containing %q", err, test.want)
			}
		})
	}
}

func TestProxyFor(t *testing.T) {
	for _, id := range []string{
		"ce-0b1e5e11-0000-4000-8000-000000000001",
		"https://badges.example.org/expression",
		"materials 101",
		"csv:row/7?x=1",
		"urn:uuid:1234",
	} {
		uri := proxyFor(id)
		back, err := credentialID(uri)
		if err != nil || back != id {
			t.Errorf("proxyFor(%q) = %q, back %q (%v)", id, uri, back, err)
		}
	}
	if got := proxyFor("ce-0b1e5e11-0000-4000-8000-000000000001"); got != registryResource+"ce-0b1e5e11-0000-4000-8000-000000000001" {
		t.Errorf("a CTID proxies to %q, want its registry resource", got)
	}
}
