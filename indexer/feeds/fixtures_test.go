package feeds

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/internal/golden"
	"github.com/pdpath/pdpath/indexer/frameworks"
)

// fixturesDir finds shared/fixtures beside the module root (the real-world
// feed files are kept outside the repository).
func fixturesDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("../shared/fixtures not present: no module root found above the test's directory")
		}
		dir = parent
	}
	fx := filepath.Join(filepath.Dir(dir), "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skip("../shared/fixtures not present: the real-world feed files are kept beside the repository, not in it, and this checkout has none")
	}
	return fx
}

type fixtureWant struct {
	format   string
	ids      []string // credential ids, in file order
	titles   []string
	rejected []string // locators of rejected records
	anyIDs   bool     // ids are derived: check pins them
	skipped  []string // locators of skipped records
	check    func(t *testing.T, res Result)
}

const wgu = "https://credentialengineregistry.org/resources/ce-036d082d-d80e-41a7-99a0-2d63a4ad3a4a"

var fixtureWants = map[string]fixtureWant{
	"README.md":             {rejected: []string{""}},
	"openbadges/SOURCE.txt": {rejected: []string{""}},
	"ctdl/SOURCE.txt":       {rejected: []string{""}},
	"case/SOURCE.txt":       {rejected: []string{""}},
	"frameworks/SOURCE.txt": {rejected: []string{""}},
	"openbadges/ob20__basic-assertion.json": {
		format: FormatOpenBadges2, skipped: []string{""},
		check: func(t *testing.T, res Result) {
			if !strings.Contains(res.Skipped[0].Reason, "Assertion") {
				t.Errorf("skip reason %q should say it is an Assertion", res.Skipped[0].Reason)
			}
		},
	},
	"openbadges/ob20__rdf-validation__valid-alignment-object.json": {
		format: FormatOpenBadges2, skipped: []string{""},
	},
	"openbadges/ob20__assets__badgeclass1.json": {
		format: FormatOpenBadges2, ids: []string{"http://example.org/badgeclass1"}, titles: []string{"Example Badge"},
		check: func(t *testing.T, res Result) {
			c := res.Credentials[0].Credential
			if c.IssuerID != "http://example.org/issuer1.json" || c.Issuer != "" {
				t.Errorf("issuer IRI kept for the caller to name: %q (%q)", c.Issuer, c.IssuerID)
			}
			if c.Description != "An example" || c.Image != "http://example.org/robotics-badge.png" || c.URL != "http://example.com/badgecriteria.json" {
				t.Errorf("description/image/criteria URL: %+v", c)
			}
		},
	},
	"openbadges/ob20__assets__robotics-badge.json": {
		format: FormatOpenBadges2, ids: []string{"https://example.org/robotics-badge.json"}, titles: []string{"Awesome Robotics Badge"},
		check: func(t *testing.T, res Result) {
			if got := res.Credentials[0].Credential.IssuerID; got != "https://example.org/organization.json" {
				t.Errorf("IssuerID %q", got)
			}
		},
	},
	"openbadges/ob30__simple.json": {
		format: FormatOpenBadges3, ids: []string{"https://example.com/achievements/21st-century-skills/teamwork"}, titles: []string{"Teamwork"},
		check: func(t *testing.T, res Result) {
			c := res.Credentials[0].Credential
			if c.Issuer != "Example Corp" || c.IssuerID != "https://example.com/issuers/876543" {
				t.Errorf("issuer %q (%q)", c.Issuer, c.IssuerID)
			}
			if !strings.HasPrefix(c.Criteria, "Team members are nominated") {
				t.Errorf("criteria %q", c.Criteria)
			}
		},
	},
	"openbadges/ob30__complete.json": {
		format: FormatOpenBadges3, ids: []string{"https://1edtech.edu/achievements/degree"}, titles: []string{"1EdTech University Degree"},
		check: func(t *testing.T, res Result) {
			c := res.Credentials[0].Credential
			want := []catalog.Competency{{Framework: "1EdTech University Program and Course Catalog", Code: "degree",
				Name: "1EdTech University Degree", URL: "https://1edtech.edu/catalog/degree"}}
			if !reflect.DeepEqual(c.Competencies, want) {
				t.Errorf("alignments (CFItem and CTDL targets of one code): %+v", c.Competencies)
			}
			if c.Issuer != "1EdTech University" || c.IssuerID != "https://1edtech.edu/issuers/565049" || c.Type != "Degree" {
				t.Errorf("creator %q (%q), type %q", c.Issuer, c.IssuerID, c.Type)
			}
			if !reflect.DeepEqual(c.Tags, []string{"research", "computer science"}) {
				t.Errorf("tags %q", c.Tags)
			}
			if c.Criteria != "Degree Requirements\nStudents must complete..." {
				t.Errorf("markdown criteria %q", c.Criteria)
			}
		},
	},
	"openbadges/clr20__simple.json": {
		format: FormatOpenBadges3,
		ids: []string{"https://example.com/achievements/21st-century-skills/teamwork",
			"urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002", "urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002"},
		titles: []string{"Teamwork", "Achievement 1", "Achievement 2"},
		check: func(t *testing.T, res Result) {
			a1, a2 := res.Credentials[1].Credential, res.Credentials[2].Credential
			if !reflect.DeepEqual(a1.HasPart, []string{a2.ID}) || !reflect.DeepEqual(a2.PartOf, []string{a1.ID}) {
				t.Errorf("isParentOf: HasPart %q, PartOf %q", a1.HasPart, a2.PartOf)
			}
			if a1.Issuer != "Example University" || a1.IssuerID != "https://example.edu/issuers/565049" {
				t.Errorf("creator named by the CLR issuer profile: %q (%q)", a1.Issuer, a1.IssuerID)
			}
			if res.Credentials[0].Credential.Issuer != "Example Corp" {
				t.Errorf("nested credential's issuer: %q", res.Credentials[0].Credential.Issuer)
			}
		},
	},
	"openbadges/clr20__complex.json": {
		format: FormatOpenBadges3,
		ids: []string{"urn:uuid:3314c2c0-2ee9-4183-838b-470c15ddfb08", "urn:uuid:bb9a27e6-3a2d-413b-b0c7-97ef9dfdde22",
			"urn:uuid:0f09ae53-33ae-4472-8daa-d7381b859e6c"},
		titles: []string{"Nurse Assistant 1 Program with Licensure", "Health Careers 1", "Human Anatomy and Physiology"},
		// Three more achievements reuse the id 0f09ae53... under other names.
		rejected: []string{
			"/credentialSubject/verifiableCredential/3/credentialSubject/achievement",
			"/credentialSubject/verifiableCredential/4/credentialSubject/achievement",
			"/credentialSubject/verifiableCredential/5/credentialSubject/achievement",
		},
		check: func(t *testing.T, res Result) {
			program := res.Credentials[0].Credential
			for _, part := range []string{"urn:uuid:bb9a27e6-3a2d-413b-b0c7-97ef9dfdde22", "urn:uuid:0f09ae53-33ae-4472-8daa-d7381b859e6c",
				"urn:uuid:6364db90-edf9-47b9-b92b-4b116cac19a5", "urn:uuid:e935e820-d9a0-4e9e-8b84-6ec82caabaf7"} {
				if !contains(program.HasPart, part) {
					t.Errorf("program HasPart %q lacks %s", program.HasPart, part)
				}
			}
			if got := res.Credentials[1].Credential.PartOf; !reflect.DeepEqual(got, []string{program.ID}) {
				t.Errorf("course PartOf %q", got)
			}
			for _, r := range res.Credentials {
				if r.Credential.Issuer != "Western High School, RSD" {
					t.Errorf("%s issuer %q", r.Credential.ID, r.Credential.Issuer)
				}
			}
			for _, r := range res.Rejected {
				if !strings.HasPrefix(r.Error, "field id:") {
					t.Errorf("rejection %+v should name the id field", r)
				}
			}
		},
	},
	"ctdl/wgu-aws-devops-openbadge.registry.json": {
		format: FormatCTDL, ids: []string{"ce-727764d7-b909-4e5c-b26a-c4d0fced2159"}, titles: []string{"WGU Certificate: AWS Cloud DevOps v1.1"},
		check: func(t *testing.T, res Result) {
			c := ctdlCommon(t, res, "OpenBadge")
			if c.URL != "https://api.badgr.io/public/badges/a9STuosRQuOqLKKKYhB9dQ" || c.Image == "" {
				t.Errorf("subjectWebpage/image: %q %q", c.URL, c.Image)
			}
			if len(c.Prerequisites) != 0 {
				t.Errorf("learning opportunities are not prerequisite credentials: %q", c.Prerequisites)
			}
		},
	},
	"ctdl/wgu-bs-accounting.registry.json": {
		format: FormatCTDL, ids: []string{"ce-b75970c9-d352-46a0-b67d-3256c9cdbb31"}, titles: []string{"Bachelor of Science, Accounting (BSACC_202503)"},
		check: func(t *testing.T, res Result) {
			c := ctdlCommon(t, res, "BachelorOfScienceDegree")
			if c.Hours != nil || c.CalendarDuration != "P4Y" || c.Format != catalog.FormatOnline || c.CostUSD != nil || c.Level != 2 {
				t.Errorf("P4Y (a calendar length, not hours), online, unpriced, bachelor's level: hours %v duration %q format %q cost %v level %d",
					c.Hours, c.CalendarDuration, c.Format, c.CostUSD, c.Level)
			}
			if len(c.Tags) != 74 || c.Tags[0] != "Accounting" {
				t.Errorf("keywords: %d, first %q", len(c.Tags), c.Tags[0])
			}
		},
	},
	"ctdl/wgu-bs-computer-science.registry.json": {
		format: FormatCTDL, ids: []string{"ce-8f5a2e25-7a30-4eb0-ab9e-ab441ac928c6"}, titles: []string{"Bachelor of Science, Computer Science (BSCS_202412)"},
		check: func(t *testing.T, res Result) {
			c := ctdlCommon(t, res, "BachelorOfScienceDegree")
			if len(c.HasPart) != 3 || c.HasPart[0] != "https://credentialengineregistry.org/resources/ce-775cb611-f56d-4eca-99fb-13ed9ddda230" {
				t.Errorf("hasPart %q", c.HasPart)
			}
		},
	},
	"ctdl/wgu-mba.registry.json": {
		format: FormatCTDL, ids: []string{"ce-6977cef9-298a-4f1e-bdac-d66509887ebf"}, titles: []string{"Master of Business Administration (MBA_201404)"},
		check: func(t *testing.T, res Result) {
			c := ctdlCommon(t, res, "MasterDegree")
			if c.Hours != nil || c.CalendarDuration != "P2Y" || !contains(c.Tags, "MBA") {
				t.Errorf("hours %v, duration %q, tags %q", c.Hours, c.CalendarDuration, c.Tags)
			}
		},
	},
	"ctdl/wgu-ms-nursing-education.registry.json": {
		format: FormatCTDL, ids: []string{"ce-6f236de1-9651-471a-9773-d9c7087b92c3"}, titles: []string{"Master of Science, Nursing - Education (BSN to MSN) (MSNUED_202003)"},
		check: func(t *testing.T, res Result) {
			ctdlCommon(t, res, "MasterOfScienceDegree")
		},
	},
	"case/AdoptedTestFramework.json":    {format: FormatCASE, skipped: []string{""}, check: caseFramework("Adopted Test", 1, nil)},
	"case/EmptyExternalFramework.json":  {format: FormatCASE, skipped: []string{""}, check: caseFramework("Test Framework External Empty", 0, nil)},
	"case/ItemTypeTestFramework.json":   {format: FormatCASE, skipped: []string{""}, check: caseFramework("Item Type Test", 1, nil)},
	"case/Utf8TestFramework.json":       {format: FormatCASE, skipped: []string{""}, check: caseFramework("UTF8 𝑑 Test", 1, nil)},
	"case/MarkdownFramework.json":       {format: FormatCASE, skipped: []string{""}, check: caseFramework("Test Markdown Framework", 2, map[string]string{"MD.Table": "", "MD.Math": ""})},
	"case/SequenceNumberFramework.json": {format: FormatCASE, skipped: []string{""}, check: caseFramework("Sequence Number Test", 2, map[string]string{"SNT.1": "", "SNT.2": ""})},
	"case/SmartLevelFramework.json": {format: FormatCASE, skipped: []string{""}, check: caseFramework("SmartLevel Test", 14, map[string]string{
		"00000000-0000-0000-0000-000000000001": "",
		"00000000-0000-0000-0000-000000000002": "",
		"00000000-0000-0000-0000-000000000003": "00000000-0000-0000-0000-000000000001",
		"00000000-0000-0000-0000-000000000012": "00000000-0000-0000-0000-000000000001",
		"00000000-0000-0000-0000-000000000013": "00000000-0000-0000-0000-000000000002",
		"00000000-0000-0000-0000-000000000014": "00000000-0000-0000-0000-000000000002",
	})},
	"real/SOURCE.txt": {rejected: []string{""}},
	"real/ctdl/capella-mba.graph.json": {
		format: FormatCTDL, ids: []string{"ce-53bc7e5d-d39c-4687-ac89-0474f691055d"},
		titles: []string{"Master of Business Administration (MBA) - self-designed"},
		check: func(t *testing.T, res Result) {
			c := res.Credentials[0].Credential
			if c.Lifecycle != catalog.LifecycleActive || c.Level != 3 || c.Kind != catalog.KindCredential {
				t.Errorf("credentialStat:Active, audLevel:MastersDegreeLevel: lifecycle %q level %d kind %q", c.Lifecycle, c.Level, c.Kind)
			}
			if c.IssuerID != "https://credentialengineregistry.org/graph/ce-8DDBF031-BAD6-4B19-B726-066D5F71AD01" {
				t.Errorf("owner IRI as written: %q", c.IssuerID)
			}
		},
	},
	"real/ctdl/capella-mba-provisional.graph.json": {
		format: FormatCTDL, ids: []string{"ce-53bc7e5d-d39c-4687-ac89-0474f691055d"},
		titles: []string{"Master of Business Administration (MBA) - self-designed"},
		check: func(t *testing.T, res Result) {
			if c := res.Credentials[0].Credential; c.Lifecycle != catalog.LifecycleProvisional {
				t.Errorf("the graph's adms:status Provisional reaches its node: %q", c.Lifecycle)
			}
		},
	},
	"real/ctdl/health-informatics-cert.legacy-node.json": {
		format: FormatCTDL, ids: []string{"ce-28E50037-D306-4F1E-AA9D-22A0E716B7A7"}, titles: []string{"Health Informatics"},
		check: func(t *testing.T, res Result) {
			c := res.Credentials[0].Credential
			if c.Issuer != "Medical Licensing Board of Indiana" || len(c.OfferedBy) != 1 || c.OfferedBy[0] != "Indiana University Bloomington" {
				t.Errorf("embedded owner and offering institution: %q, %q", c.Issuer, c.OfferedBy)
			}
			if res.Issuers["ce-6A62B250-A1A2-4D31-A702-CDC2437EFD31"] != "Indiana University Bloomington" {
				t.Errorf("embedded offerer remembered by its ctid: %v", res.Issuers)
			}
		},
	},
	"real/ctdl/ms-project-management.legacy-node.json": {
		format: FormatCTDL, ids: []string{"urn:ctid:6bf1a7e2-814e-4598-a66e-a3e2ecb727d8"}, titles: []string{"Master of Science in Project Management"},
	},
	"real/ctdl/lopp-seed.array.json": {
		format: FormatCTDL,
		ids: []string{"ce-438F33F1-C0BE-4C22-A8BA-67B7F0BF172E", "ce-32cf4120-867e-4d6f-939f-d5c6ed85cf78", "ce-284749bf-5641-4e39-adc3-01af9946b562",
			"ce-1fc5d594-6786-4d58-8306-dd3ee14aea52", "ce-ab50cf88-e374-4f8c-a3fb-588ead37339f", "ce-e947a7d7-a854-4ff0-a51b-05fc7973671c",
			"ce-f2198b4b-8c3f-42f7-98a6-ce8f9f0c36fc", "ce-3113cd78-4381-4c94-abe0-57f87748a8de", "ce-0d9c779d-b7dc-42cd-a57c-c7024549f7a7",
			"ce-5ff5149f-05b1-4385-bd0f-c84e31442211"},
		titles: []string{"Certified Safety Professional (CSP)", "Evaluating Your Course Design", "Bachelor of Arts in Sociology Coursework",
			"TESTING_TESTING_Bachelor of Science in Information Technology - Organizational Behavior and Leadership",
			"Bachelor of Arts in Religious Studies Coursework", "Certified Partner Abuse Intervention Professional Training",
			"CEM Training Seminar", "Bachelor of Arts with a Major in Philosophy Coursework",
			"Bachelor of Science with a Major in Biology Coursework", "Bachelor of Arts in Theatre Studies Coursework"},
		check: func(t *testing.T, res Result) {
			for _, r := range res.Credentials {
				if r.Credential.Kind != catalog.KindLearningOpportunity {
					t.Errorf("%s: kind %q", r.Credential.ID, r.Credential.Kind)
				}
			}
			pd := res.Credentials[1].Credential
			if pd.CostUSD == nil || *pd.CostUSD != 200 || len(pd.Costs) != 2 {
				t.Errorf("member and non-member fees are alternatives, the lowest is the cost: %v %+v", pd.CostUSD, pd.Costs)
			}
			if pd.Hours != nil || pd.CalendarDuration != "P2W" {
				t.Errorf("two weeks is a calendar length: hours %v duration %q", pd.Hours, pd.CalendarDuration)
			}
			if len(res.Notes) != 1 || res.Notes[0].Record != "/1" || !strings.Contains(res.Notes[0].Note, "lowest") {
				t.Errorf("the cost choice is noted: %+v", res.Notes)
			}
		},
	},
	"real/ob2/audinate-dante-level2.badgeclass.json": {
		format: FormatOpenBadges2, ids: []string{"https://ultanmolloy-lgtm.github.io/dante-level2-badge/badge/badgeclass.json"},
		titles: []string{"Dante Certified – Level 2 (2nd Edition)"},
		check: func(t *testing.T, res Result) {
			if c := res.Credentials[0].Credential; c.Issuer != "Audinate" {
				t.Errorf("embedded issuer typed Issuer: %q", c.Issuer)
			}
		},
	},
	"real/ob2/openbadges-directory.badges-small.jsonl.json": {
		format: FormatOpenBadges2, anyIDs: true,
		titles: []string{"CEM Member", "CEM Twitterati", "Moodle MOOC 2: Personalizing Virtual Learning Space with Dr. Anita Zijdemans Boudreau",
			"Unow", "Cultivating a Growth Mindset", "5 Games Your Middle Schooler Should Be Playing", "Awesome Robotics Badge",
			"MOOC GdP : examen final", "MOOC GdP : Analyse fonctionnelle", "MOOC GdP : Planification", "Badge Pré MOOC", "Badge Pré MOOC2",
			"Badge Pré MOOC3", "Badge Pré MOOC4", "Badge Pré MOOC5", "Badge Pré MOOC6", "Badge Pré MOOC7", "Badge Pré MOOC8", "Badge Pré MOOC9",
			"Badge Pré MOOC10", "Badge Pré MOOC11", "Badge Pré MOOC12"},
		check: func(t *testing.T, res Result) {
			if len(res.Credentials) != 22 || len(res.Notes) != 22 {
				t.Fatalf("22 lines, 22 badge classes each with a derived id noted: %d, %d notes", len(res.Credentials), len(res.Notes))
			}
			for i, r := range res.Credentials {
				if r.Locator != fmt.Sprintf("line %d", i+1) || !strings.HasPrefix(r.Credential.ID, "urn:pdpath:badgeclass:") || r.Credential.IssuerID == "" {
					t.Errorf("line %d: %q at %q issuer %q", i+1, r.Credential.ID, r.Locator, r.Credential.IssuerID)
				}
			}
			robotics := res.Credentials[6].Credential
			if robotics.Title != "Awesome Robotics Badge" || len(robotics.Competencies) != 2 || robotics.Competencies[0].Name != "CCSS.ELA-Literacy.RST.11-12.3" {
				t.Errorf("OB 1.0 alignment (name, url): %+v", robotics.Competencies)
			}
			again := Parse("other-name.jsonl", mustRead(t, "real/ob2/openbadges-directory.badges-small.jsonl.json"))
			if again.Credentials[0].Credential.ID != res.Credentials[0].Credential.ID {
				t.Errorf("derived ids are stable: %q then %q", res.Credentials[0].Credential.ID, again.Credentials[0].Credential.ID)
			}
		},
	},
	"real/ob3/kqed-pbs-media-literacy-educator.achievementcredential.json": {
		format: FormatOpenBadges3, ids: []string{"https://badging-build.vercel.app/issuers/67115d0efcca67051ffe3b0c/credentials/6813f23a79473f4ec0f5cbfb"},
		titles: []string{"PBS Media Literacy Educator Certification by KQED"},
	},
	"frameworks/digcompedu_statements.csv": {
		format: FormatFrameworkCSV, skipped: []string{""},
		check: func(t *testing.T, res Result) {
			if len(res.Frameworks) != 1 {
				t.Fatalf("frameworks: %d", len(res.Frameworks))
			}
			fw := res.Frameworks[0]
			if fw.Name != frameworks.DigCompEdu || fw.Title != frameworks.Title(frameworks.DigCompEdu) {
				t.Errorf("named from the file name through the resolver: %q / %q", fw.Name, fw.Title)
			}
			depth := map[int]int{}
			for _, it := range fw.Items {
				d := strings.Count(it.Code, ".")
				depth[d]++
				wantParent := ""
				if i := strings.LastIndex(it.Code, "."); i > 0 {
					wantParent = it.Code[:i]
				}
				if it.Parent != wantParent {
					t.Errorf("item %s parent %q, want %q", it.Code, it.Parent, wantParent)
				}
			}
			if depth[0] != 6 || depth[1] != 22 || depth[2] != 147 {
				t.Errorf("areas/competences/statements = %d/%d/%d, want 6/22/147", depth[0], depth[1], depth[2])
			}
			if it, ok := fw.Item("2.1"); !ok || it.Name != "Selecting" {
				t.Errorf("competence 2.1: %+v", it)
			}
		},
	},
}

// ctdlCommon checks what every WGU registry record shares: the ctid as id,
// the registry URI among the alternative ids, and WGU as owner by IRI (the
// organization's own record is not in the file, so its name is not either).
func ctdlCommon(t *testing.T, res Result, typ string) catalog.Credential {
	t.Helper()
	c := res.Credentials[0].Credential
	if want := []string{"https://credentialengineregistry.org/resources/" + c.ID}; !reflect.DeepEqual(c.AltIDs, want) {
		t.Errorf("AltIDs %q, want %q", c.AltIDs, want)
	}
	if c.IssuerID != wgu || c.Issuer != "" || c.Type != typ || c.Kind != catalog.KindCredential {
		t.Errorf("issuer %q (%q), type %q", c.Issuer, c.IssuerID, c.Type)
	}
	if res.Credentials[0].Locator != "" {
		t.Errorf("a single-node document is the record: locator %q", res.Credentials[0].Locator)
	}
	return c
}

// caseFramework checks a CASE package's framework: its name, item count and
// the parent of some items (by code; "" for top level).
func caseFramework(name string, items int, parents map[string]string) func(*testing.T, Result) {
	return func(t *testing.T, res Result) {
		if len(res.Frameworks) != 1 {
			t.Fatalf("frameworks: %d", len(res.Frameworks))
		}
		fw := res.Frameworks[0]
		if fw.Name != name || len(fw.Items) != items {
			t.Errorf("framework %q with %d items, want %q with %d", fw.Name, len(fw.Items), name, items)
		}
		if !contains(fw.Aliases, "d0000000-0000-0000-0000-000000000000") {
			t.Errorf("aliases %q lack the CFDocument identifier", fw.Aliases)
		}
		for code, parent := range parents {
			it, ok := fw.Item(code)
			if !ok || it.Parent != parent {
				t.Errorf("item %s: %+v (found %v), want parent %q", code, it, ok, parent)
			}
		}
	}
}

func mustRead(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixturesDir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestFixtures(t *testing.T) {
	dir := fixturesDir(t)
	seen := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		seen++
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := Parse("fixtures/"+rel, data)
			golden.Check(t, strings.ReplaceAll(rel, "/", "__")+".json", res)

			for _, r := range res.Credentials {
				if strings.TrimSpace(r.Credential.ID) == "" || r.Credential.Title == "" {
					t.Errorf("credential at %q without id or title", r.Locator)
				}
			}
			want, ok := fixtureWants[rel]
			if !ok {
				t.Logf("no expectations written for %s; checked only that it parses", rel)
				return
			}
			if res.Format != want.format {
				t.Errorf("Format = %q, want %q", res.Format, want.format)
			}
			var ids, titles, rejected, skipped []string
			for _, r := range res.Credentials {
				ids = append(ids, r.Credential.ID)
				titles = append(titles, r.Credential.Title)
			}
			for _, r := range res.Rejected {
				rejected = append(rejected, r.Record)
			}
			for _, s := range res.Skipped {
				skipped = append(skipped, s.Record)
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"ids", ids, map[bool][]string{false: want.ids, true: ids}[want.anyIDs]}, {"titles", titles, want.titles}, {"rejected", rejected, want.rejected}, {"skipped", skipped, want.skipped}} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s:\n got %q\nwant %q", c.what, c.got, c.want)
				}
			}
			if t.Failed() {
				t.Logf("rejections: %+v", res.Rejected)
				return
			}
			if want.check != nil {
				want.check(t, res)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < len(fixtureWants) {
		t.Errorf("found %d fixture files, expectations name %d", seen, len(fixtureWants))
	}
}
