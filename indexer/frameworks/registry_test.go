package frameworks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func bundled(t *testing.T) *Registry {
	t.Helper()
	r, err := Bundled()
	if err != nil {
		t.Fatalf("Bundled: %v", err)
	}
	return r
}

func TestBundled(t *testing.T) {
	r := bundled(t)
	tests := []struct {
		name, title string
		items       int
		sample      catalog.FrameworkItem
	}{
		{InTASC, "InTASC Model Core Teaching Standards (CCSSO, 2013)", 10, catalog.FrameworkItem{Code: "6", Name: "Assessment"}},
		{PSEL, "Professional Standards for Educational Leaders (2015)", 10, catalog.FrameworkItem{Code: "2", Name: "Ethics and Professional Norms"}},
		{ISTEE, "ISTE Standards for Educators", 7, catalog.FrameworkItem{Code: "2.4", Name: "Collaborator"}},
		{UDL, "CAST UDL Guidelines 2.2", 40, catalog.FrameworkItem{Code: "7.2", Parent: "7"}},
		{FFT, "Danielson Framework for Teaching (2013)", 26, catalog.FrameworkItem{Code: "3b", Parent: "3"}},
		{NBPTS, "National Board Five Core Propositions", 5, catalog.FrameworkItem{Code: "5", Name: "Membership in learning communities"}},
		{DigCompEdu, "European Framework for the Digital Competence of Educators", 28, catalog.FrameworkItem{Code: "2.1", Parent: "2"}},
	}
	var names []string
	for _, fw := range r.Frameworks() {
		names = append(names, fw.Name)
	}
	if want := []string{InTASC, PSEL, ISTEE, UDL, FFT, NBPTS, DigCompEdu}; !reflect.DeepEqual(names, want) {
		t.Errorf("Frameworks() = %q, want %q (crosswalk.csv is not a framework)", names, want)
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			fw, ok := r.Lookup(test.name)
			if !ok {
				t.Fatalf("Lookup(%q) failed", test.name)
			}
			if fw.Title != test.title || len(fw.Items) != test.items {
				t.Errorf("%q with %d items, want %q with %d", fw.Title, len(fw.Items), test.title, test.items)
			}
			if !strings.HasPrefix(fw.Source, "datasets/frameworks/") {
				t.Errorf("Source %q", fw.Source)
			}
			it, ok := fw.Item(test.sample.Code)
			if !ok || (test.sample.Name != "" && it.Name != test.sample.Name) || it.Parent != test.sample.Parent {
				t.Errorf("item %s = %+v (found %v), want %+v", test.sample.Code, it, ok, test.sample)
			}
			for _, it := range fw.Items {
				if it.Name == "" || it.Description == "" {
					t.Errorf("item %s lacks a name or description", it.Code)
				}
				if it.Parent != "" {
					if _, ok := fw.Item(it.Parent); !ok {
						t.Errorf("item %s has unknown parent %q", it.Code, it.Parent)
					}
				}
			}
		})
	}
	codes := func(name string) []string {
		fw, _ := r.Lookup(name)
		var out []string
		for _, it := range fw.Items {
			out = append(out, it.Code)
		}
		return out
	}
	if got := codes(NBPTS); !reflect.DeepEqual(got, []string{"1", "2", "3", "4", "5"}) {
		t.Errorf("NBPTS codes %q", got)
	}
	if got := codes(ISTEE); !reflect.DeepEqual(got, []string{"2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"}) {
		t.Errorf("ISTE-E codes %q", got)
	}
}

func TestCanonicalName(t *testing.T) {
	tests := map[string]string{
		"InTASC": InTASC, "intasc": InTASC, "InTASC Model Core Teaching Standards": InTASC, "CCSSO InTASC": InTASC,
		"InTASC 2013": InTASC, "https://ccsso.org/resource-library/intasc-model-core-teaching-standards": InTASC,
		"www.ccsso.org/intasc": InTASC,
		"PSEL":                 PSEL, "PSEL 2015": PSEL, "NPBEA PSEL": PSEL, "Professional Standards for Educational Leaders": PSEL,
		"https://www.npbea.org/psel/": PSEL,
		"ISTE-E":                      ISTEE, "ISTE": ISTEE, "iste e": ISTEE, "ISTE Standards for Educators": ISTEE, "ISTE Standards: Educators": ISTEE,
		"https://iste.org/standards/iste-standards-for-teachers": ISTEE, "https://www.iste.org/standards/for-educators": ISTEE,
		"UDL": UDL, "CAST UDL Guidelines": UDL, "Universal Design for Learning": UDL, "UDL Guidelines 2.2": UDL,
		"https://udlguidelines.cast.org/": UDL, "udlguidelines.cast.org": UDL, "https://www.cast.org/impact/universal-design-for-learning-udl": UDL,
		"FFT": FFT, "Danielson": FFT, "Framework for Teaching": FFT, "Danielson Framework for Teaching": FFT,
		"the Framework for Teaching": FFT, "https://danielsongroup.org/the-framework-for-teaching/": FFT,
		"NBPTS": NBPTS, "National Board": NBPTS, "NBPTS Five Core Propositions": NBPTS, "https://www.nbpts.org/standards-five-core-propositions/": NBPTS,
		"DigCompEdu": DigCompEdu, "digcompedu": DigCompEdu, "DigComp Edu": DigCompEdu,
		"European Framework for the Digital Competence of Educators":              DigCompEdu,
		"European Framework for the Digital Competence of Educators (DigCompEdu)": DigCompEdu,
		"Framework for Teaching (Danielson)":                                      FFT,
		"https://joint-research-centre.ec.europa.eu/digcompedu_en":                DigCompEdu,
		"https://ec.europa.eu/jrc/en/digcompedu":                                  DigCompEdu,
	}
	for in, want := range tests {
		if got, ok := CanonicalName(in); !ok || got != want {
			t.Errorf("CanonicalName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, unknown := range []string{"", "Common Core", "ISTE Standards for Students https://iste.org/standards/students",
		"https://iste.org/standards/students", "https://ec.europa.eu/education", "Cast iron", "1EdTech University Program and Course Catalog", "Acme Standards (Unknown)"} {
		if got, ok := CanonicalName(unknown); ok {
			t.Errorf("CanonicalName(%q) = %q, want unknown", unknown, got)
		}
	}
}

func TestResolve(t *testing.T) {
	r := bundled(t)
	tests := []struct {
		in   catalog.Competency
		want catalog.Competency
		ok   bool
	}{
		// InTASC
		{catalog.Competency{Framework: "InTASC", Code: "Standard 6"}, catalog.Competency{Framework: InTASC, Code: "6", Name: "Assessment"}, true},
		{catalog.Competency{Framework: "CCSSO InTASC", Code: "InTASC 6"}, catalog.Competency{Framework: InTASC, Code: "6", Name: "Assessment"}, true},
		{catalog.Competency{Framework: " intasc ", Code: "#10"}, catalog.Competency{Framework: InTASC, Code: "10", Name: "Leadership and Collaboration"}, true},
		{catalog.Competency{Name: "InTASC Standard 6: Assessment"}, catalog.Competency{Framework: InTASC, Code: "6", Name: "InTASC Standard 6: Assessment"}, true},
		{catalog.Competency{Framework: "ccsso.org", Name: "Assessment", URL: "https://ccsso.org/intasc#6"},
			catalog.Competency{Framework: InTASC, Code: "6", Name: "Assessment", URL: "https://ccsso.org/intasc#6"}, true},
		{catalog.Competency{Framework: "InTASC", Name: "Learner Development"}, catalog.Competency{Framework: InTASC, Code: "1", Name: "Learner Development"}, true},
		// PSEL, NBPTS
		{catalog.Competency{Framework: "PSEL 2015", Code: "Standard 3"}, catalog.Competency{Framework: PSEL, Code: "3", Name: "Equity and Cultural Responsiveness"}, true},
		{catalog.Competency{Framework: "National Board", Code: "Proposition 2"}, catalog.Competency{Framework: NBPTS, Code: "2", Name: "Knowing the subject and how to teach it"}, true},
		// FFT
		{catalog.Competency{Framework: "Danielson", Code: "1A"}, catalog.Competency{Framework: FFT, Code: "1a", Name: "Knowledge of content and pedagogy"}, true},
		{catalog.Competency{Framework: "Framework for Teaching", Code: "Component 3b"}, catalog.Competency{Framework: FFT, Code: "3b", Name: "Questioning and discussion techniques"}, true},
		{catalog.Competency{Framework: "FFT", Code: "3b:"}, catalog.Competency{Framework: FFT, Code: "3b", Name: "Questioning and discussion techniques"}, true},
		{catalog.Competency{Framework: "Danielson Framework for Teaching", Code: "Domain 3"}, catalog.Competency{Framework: FFT, Code: "3", Name: "Instruction"}, true},
		{catalog.Competency{Framework: "FFT", Name: "Domain 2: The Classroom Environment"}, catalog.Competency{Framework: FFT, Code: "2", Name: "Domain 2: The Classroom Environment"}, true},
		// ISTE-E
		{catalog.Competency{Framework: "ISTE", Code: "2.3"}, catalog.Competency{Framework: ISTEE, Code: "2.3", Name: "Citizen"}, true},
		{catalog.Competency{Framework: "ISTE Standards for Educators", Code: "ISTE 2.3"}, catalog.Competency{Framework: ISTEE, Code: "2.3", Name: "Citizen"}, true},
		{catalog.Competency{Framework: "ISTE-E", Code: "2.3.a"}, catalog.Competency{Framework: ISTEE, Code: "2.3", Name: "Citizen (2.3.a)"}, true},
		{catalog.Competency{Framework: "ISTE", Name: "Collaborator"}, catalog.Competency{Framework: ISTEE, Code: "2.4", Name: "Collaborator"}, true},
		{catalog.Competency{Framework: "iste.org", Name: "Designer", URL: "https://iste.org/standards/iste-standards-for-teachers"},
			catalog.Competency{Framework: ISTEE, Code: "2.5", Name: "Designer", URL: "https://iste.org/standards/iste-standards-for-teachers"}, true},
		// UDL
		{catalog.Competency{Framework: "CAST UDL Guidelines", Code: "Checkpoint 7.2"}, catalog.Competency{Framework: UDL, Code: "7.2", Name: "Optimize relevance, value and authenticity"}, true},
		{catalog.Competency{Framework: "UDL", Code: "Guideline 7"}, catalog.Competency{Framework: UDL, Code: "7", Name: "Options for recruiting interest"}, true},
		{catalog.Competency{Framework: "udlguidelines.cast.org", Name: "Checkpoint 5.3", URL: "https://udlguidelines.cast.org/action-expression/5.3"},
			catalog.Competency{Framework: UDL, Code: "5.3", Name: "Checkpoint 5.3", URL: "https://udlguidelines.cast.org/action-expression/5.3"}, true},
		{catalog.Competency{URL: "https://udlguidelines.cast.org/engagement/7.2"},
			catalog.Competency{Framework: UDL, Code: "7.2", Name: "Optimize relevance, value and authenticity", URL: "https://udlguidelines.cast.org/engagement/7.2"}, true},
		{catalog.Competency{Framework: "UDL Guidelines 2.2", Name: "UDL Guidelines 2.2 checkpoint 9.3"},
			catalog.Competency{Framework: UDL, Code: "9.3", Name: "UDL Guidelines 2.2 checkpoint 9.3"}, true},
		// DigCompEdu
		{catalog.Competency{Framework: "DigCompEdu", Code: "2.1"}, catalog.Competency{Framework: DigCompEdu, Code: "2.1", Name: "Selecting digital resources"}, true},
		{catalog.Competency{Framework: "European Framework for the Digital Competence of Educators", Code: "2.1.3"},
			catalog.Competency{Framework: DigCompEdu, Code: "2.1", Name: "Selecting digital resources"}, true},
		// Unknown frameworks are kept as written (trimmed).
		{catalog.Competency{Framework: " 1EdTech University Program and Course Catalog ", Code: "degree ", URL: "https://1edtech.edu/catalog/degree"},
			catalog.Competency{Framework: "1EdTech University Program and Course Catalog", Code: "degree", URL: "https://1edtech.edu/catalog/degree"}, false},
		{catalog.Competency{Name: "National Board certification support"}, catalog.Competency{Name: "National Board certification support"}, false},
		{catalog.Competency{Framework: "case.example.org", Name: "Recruiting interest", URL: "https://case.example.org/uri/7.2"},
			catalog.Competency{Framework: "case.example.org", Name: "Recruiting interest", URL: "https://case.example.org/uri/7.2"}, false},
	}
	for _, test := range tests {
		got, ok := r.Resolve(test.in)
		if ok != test.ok || got != test.want {
			t.Errorf("Resolve(%+v)\n = %+v, %v\nwant %+v, %v", test.in, got, ok, test.want, test.ok)
		}
	}
}

func TestParent(t *testing.T) {
	r := bundled(t)
	bare := New() // no items: the code's shape decides for hierarchical frameworks
	tests := []struct {
		reg             *Registry
		framework, code string
		want            string
	}{
		{r, "UDL", "7.2", "7"},
		{r, "CAST UDL Guidelines", "7", ""},
		{r, "FFT", "3b", "3"},
		{r, "Danielson", "3", ""},
		{r, "DigCompEdu", "2.1", "2"},
		{r, "ISTE-E", "2.3", ""},
		{r, "InTASC", "6", ""},
		{r, "Unknown", "1.1", ""},
		{bare, "UDL", "9.3", "9"},
		{bare, "FFT", "4f", "4"},
		{bare, "DigCompEdu", "6.5", "6"},
		{bare, "ISTE-E", "2.3", ""},
	}
	for _, test := range tests {
		if got := test.reg.Parent(test.framework, test.code); got != test.want {
			t.Errorf("Parent(%q, %q) = %q, want %q", test.framework, test.code, got, test.want)
		}
	}
}

func TestAdd(t *testing.T) {
	r := bundled(t)
	const docURI = "https://case.example.org/ims/case/v1p0/CFDocuments/9a1b"
	r.Add(catalog.Framework{
		Name: "Coaching Practice Standards", Title: "Coaching Practice Standards", Source: "coaching.json",
		Aliases: []string{"9a1b", docURI},
		Items: []catalog.FrameworkItem{
			{Code: "CPS.1", Name: "Partnership"},
			{Code: "CPS.1.a", Name: "Listens before advising", Parent: "CPS.1"},
		},
	})
	for _, spelling := range []string{"Coaching Practice Standards", "coaching practice standards", "9a1b", docURI} {
		if fw, ok := r.Lookup(spelling); !ok || fw.Name != "Coaching Practice Standards" || len(fw.Items) != 2 {
			t.Errorf("Lookup(%q) = %+v, %v", spelling, fw, ok)
		}
	}
	got, ok := r.Resolve(catalog.Competency{Framework: docURI, Code: "cps.1.A"})
	if want := (catalog.Competency{Framework: "Coaching Practice Standards", Code: "CPS.1.a", Name: "Listens before advising"}); !ok || got != want {
		t.Errorf("Resolve by CASE document URI = %+v, %v", got, ok)
	}
	got, ok = r.Resolve(catalog.Competency{Framework: "9a1b", Name: "Partnership"})
	if !ok || got.Code != "CPS.1" {
		t.Errorf("Resolve by item name = %+v, %v", got, ok)
	}
	if p := r.Parent("Coaching Practice Standards", "CPS.1.a"); p != "CPS.1" {
		t.Errorf("Parent = %q", p)
	}

	// A later package claiming a built-in alias does not take it over, and
	// adding a built-in framework under another spelling merges into it,
	// keeping the bundled wording.
	r.Add(catalog.Framework{Name: "Other", Aliases: []string{"ISTE"}, Items: []catalog.FrameworkItem{{Code: "O1", Name: "x"}}})
	if name, _ := r.Canonical("ISTE"); name != ISTEE {
		t.Errorf("ISTE now names %q", name)
	}
	r.Add(catalog.Framework{Name: "digcompedu", Aliases: []string{"digcompedu_statements"}, Items: []catalog.FrameworkItem{
		{Code: "2.1", Name: "Selecting"},
		{Code: "2.1.1", Name: "To formulate appropriate search strategies", Parent: "2.1"},
	}})
	fw, _ := r.Lookup(DigCompEdu)
	if it, _ := fw.Item("2.1"); it.Name != "Selecting digital resources" {
		t.Errorf("bundled wording replaced: %+v", it)
	}
	if it, ok := fw.Item("2.1.1"); !ok || it.Parent != "2.1" {
		t.Errorf("statement not merged: %+v", it)
	}
	if got, _ := r.Resolve(catalog.Competency{Framework: "DigCompEdu", Code: "2.1.1"}); got.Code != "2.1.1" {
		t.Errorf("a statement code known to the registry is kept: %+v", got)
	}
	if fw, _ := r.Lookup("Other"); fw == nil || len(fw.Items) != 1 {
		t.Errorf("the package claiming ISTE is a framework of its own: %+v", fw)
	}
	if n := len(r.Frameworks()); n != 9 {
		t.Errorf("%d frameworks, want the 7 built-in and 2 imported", n)
	}
}

// TestCanonicalNameAsPublished covers framework names as issuers write them
// beyond the listed aliases: a version or edition after the name, the short
// name in parentheses inside the full one, a possessive, a publisher before
// the name.
func TestCanonicalNameAsPublished(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for unknown
	}{
		{"UDL Guidelines v2.2", UDL},
		{"UDL Guidelines version 2.2", UDL},
		{"Universal Design for Learning (UDL) Guidelines", UDL},
		{"Danielson Framework for Teaching 2013 Edition", FFT},
		{"Danielson Framework for Teaching, 2013", FFT},
		{"Danielson's Framework for Teaching", FFT},
		{"Danielson\u2019s Framework for Teaching", FFT},
		{"Professional Standards for Educational Leaders (PSEL) 2015", PSEL},
		{"NPBEA Professional Standards for Educational Leaders", PSEL},
		{"CCSSO InTASC Standards", InTASC},
		{"Digital Competence Framework for Educators", DigCompEdu},
		{"ISTE Standards for Educators (2017)", ISTEE},
		// Still unknown: a bare number, a name with only a version known,
		// a family of standards that is not one framework.
		{"2013", ""},
		{"Version 2.2", ""},
		{"ISTE Standards", ""},
		{"Teacher's Standards", ""},
	}
	for _, test := range tests {
		t.Run(test.in, func(t *testing.T) {
			got, ok := CanonicalName(test.in)
			if got != test.want || ok != (test.want != "") {
				t.Errorf("CanonicalName(%q) = %q, %v; want %q", test.in, got, ok, test.want)
			}
		})
	}
}

// TestResolveISTEIndicators covers ISTE educator indicators written with
// the standard's number within the educator set ("4b" is 2.4.b).
func TestResolveISTEIndicators(t *testing.T) {
	r := bundled(t)
	tests := []struct {
		code     string
		wantCode string
		wantName string
	}{
		{"4b", "2.4", "Collaborator (2.4.b)"},
		{"ISTE-E 4a", "2.4", "Collaborator (2.4.a)"},
		{"Educator Standard 3c", "2.3", "Citizen (2.3.c)"},
		{"Standard 5.b", "2.5", "Designer (2.5.b)"},
		{"Standard 6", "2.6", "Facilitator"},
		{"2.7.a", "2.7", "Analyst (2.7.a)"},
	}
	for _, test := range tests {
		t.Run(test.code, func(t *testing.T) {
			got, ok := r.Resolve(catalog.Competency{Framework: "ISTE", Code: test.code})
			want := catalog.Competency{Framework: ISTEE, Code: test.wantCode, Name: test.wantName}
			if !ok || got != want {
				t.Errorf("Resolve(ISTE %q) = %+v, %v; want %+v", test.code, got, ok, want)
			}
		})
	}
}
