package main

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/pdpath/pdpath"

type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-e", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// layer orders the top-level folders along the data flow: feeds → indexer →
// recommender → api → cmd. A package may import its own layer and those
// before it, never one after.
func layer(path string) int {
	rel := strings.TrimPrefix(path, module+"/")
	for i, prefix := range []string{"datasets", "indexer", "recommender", "api", "cmd"} {
		if rel == prefix || strings.HasPrefix(rel, prefix+"/") {
			return i
		}
	}
	return -1
}

// allowedImports is the package-level allow-list of the module's own
// imports: each package (or "dir/..." for a package and everything under
// it) may import only the module packages listed, again with "/..."
// wildcards. The most specific entry for a package applies. A new package
// or a new edge between packages is added here on purpose, where a
// reviewer sees it; an edge against the data flow (a back-edge) is refused
// even if listed (see layer).
var allowedImports = map[string][]string{
	"datasets": nil,

	// indexer: the catalog's domain, feeds, the search index, the store
	// of record and what surrounds it.
	"indexer/catalog":            nil,
	"indexer/derrors":            nil,
	"indexer/fetch":              {"indexer/derrors"},
	"indexer/pgdb":               {"indexer/derrors"},
	"indexer/pgdb/pgdbtest":      {"indexer/pgdb", "indexer/tcpproxy"},
	"indexer/tcpproxy":           nil,
	"indexer/auth":               {"indexer/derrors", "indexer/pgdb", "indexer/fsutil", "indexer/randid"},
	"indexer/fsutil":             nil,
	"indexer/randid":             nil,
	"indexer/poll":               nil,
	"indexer/feeds/internal/...": {"indexer/catalog", "indexer/feeds/internal/..."},
	"indexer/feeds/feed":         {"indexer/catalog", "indexer/feeds/internal/..."},
	"indexer/feeds/...":          {"indexer/catalog", "indexer/derrors", "indexer/feeds/feed", "indexer/feeds/internal/..."},
	"indexer/feeds/bulkcsv":      {"indexer/catalog", "indexer/derrors", "indexer/feeds/feed", "indexer/feeds/ctdl", "indexer/feeds/internal/..."},
	"indexer/feeds":              {"indexer/catalog", "indexer/derrors", "indexer/feeds/...", "indexer/frameworks"},
	"indexer/frameworks":         {"datasets", "indexer/catalog", "indexer/feeds/frameworkcsv"},
	"indexer/index":              {"indexer/catalog", "indexer/derrors"},
	"indexer/synth":              {"datasets", "indexer/catalog"},
	"indexer/catalogdb":          {"indexer/catalog", "indexer/fsutil", "indexer/pgdb", "indexer/poll", "indexer/store"},
	"indexer/store":              {"indexer/catalog", "indexer/derrors", "indexer/feeds", "indexer/feeds/feed", "indexer/fetch", "indexer/frameworks", "indexer/index", "indexer/pgdb", "indexer/fsutil"},
	"indexer/feedsync":           {"indexer/catalog", "indexer/derrors", "indexer/feeds/feed", "indexer/fetch", "indexer/store", "indexer/pgdb", "indexer/pgdb/pgdbtest", "indexer/fsutil", "indexer/poll", "indexer/randid"},

	// recommender: ranking, planning and saved pathways over catalog
	// snapshots; never the search engine or the store of record.
	"recommender/competency": {"datasets", "indexer/catalog"},
	"recommender/semantic":   nil,
	"recommender/lexicon":    {"recommender/semantic"},
	"recommender/profile":    {"indexer/catalog", "indexer/derrors", "indexer/feeds/backpack"},
	"recommender/planner":    {"indexer/catalog", "indexer/derrors", "indexer/frameworks", "recommender/profile"},
	"recommender/eval":       {"indexer/catalog", "recommender/profile"},
	"recommender/pathway":    {"indexer/catalog", "indexer/derrors", "indexer/feeds/ctdlpathway", "recommender/planner"},
	"recommender/pathstore":  {"indexer/derrors", "indexer/pgdb", "indexer/fsutil", "indexer/randid"},
	"recommender/pathways":   {"indexer/catalog", "indexer/derrors", "recommender/pathstore", "recommender/pathway", "recommender/planner"},
	"recommender": {"indexer/catalog", "indexer/derrors", "indexer/frameworks", "recommender/competency", "recommender/eval",
		"recommender/lexicon", "recommender/planner", "recommender/profile", "recommender/semantic"},

	// api: HTTP only.
	"api/cache":               {"indexer/derrors"},
	"api/internal/redistest":  {"indexer/tcpproxy"},
	"api/openapi":             nil,
	"api/ratelimit":           nil,
	"api/openapi/openapitest": {"api/openapi"},
	"api/web":                 {"indexer/catalog", "recommender/profile"},
	"api":                     {"api/...", "indexer/...", "recommender/..."},

	// cmd wires everything.
	"cmd/...": {"api/...", "indexer/...", "recommender/..."},
}

// allowed returns the allow-list entry that applies to pkg (a path
// relative to the module) and whether there is one.
func allowed(pkg string) ([]string, bool) {
	if deps, ok := allowedImports[pkg]; ok {
		return deps, true
	}
	best, found := "", false
	for pattern := range allowedImports {
		base, ok := strings.CutSuffix(pattern, "/...")
		if ok && (pkg == base || strings.HasPrefix(pkg, base+"/")) && len(pattern) > len(best) {
			best, found = pattern, true
		}
	}
	return allowedImports[best], found
}

// matches reports whether pkg is named by pattern.
func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pattern == pkg
}

// checkImport says why pkg may not import dep (both relative to the
// module), or "" when it may.
func checkImport(pkg, dep string) string {
	if layer(module+"/"+dep) > layer(module+"/"+pkg) {
		return "it is downstream in the data flow (datasets → indexer → recommender → api → cmd)"
	}
	deps, ok := allowed(pkg)
	if !ok {
		return "the package is not in allowedImports; add it with the imports it needs"
	}
	for _, pattern := range deps {
		if matches(pattern, dep) {
			return ""
		}
	}
	return "the edge is not in allowedImports"
}

func TestImportsFollowTheDataFlow(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		for _, imp := range p.Imports {
			if dep, ok := strings.CutPrefix(imp, module+"/"); ok {
				if why := checkImport(rel, dep); why != "" {
					t.Errorf("%s imports %s: %s", rel, dep, why)
				}
			}
			if strings.HasPrefix(imp, "github.com/blevesearch/") && rel != "indexer/index" {
				t.Errorf("%s imports %s: only indexer/index may use Bleve", p.ImportPath, imp)
			}
			if rel == "indexer/catalog" && strings.Contains(imp, ".") {
				t.Errorf("indexer/catalog imports %s: the domain leaf uses the standard library only", imp)
			}
		}
	}
}

// TestCheckImportRefusesBackEdges keeps the checker honest: edges against
// the flow, between layers or inside one, are refused.
func TestCheckImportRefusesBackEdges(t *testing.T) {
	tests := []struct {
		pkg, dep string
		ok       bool
	}{
		{"recommender", "indexer/catalog", true},
		{"api", "recommender/pathstore", true},
		{"indexer/feeds/ctdl", "indexer/feeds/internal/jsonval", true},
		{"indexer/catalog", "indexer/store", false},         // inside a layer
		{"indexer/store", "indexer/feedsync", false},        // inside a layer
		{"indexer/fetch", "recommender", false},             // across layers
		{"recommender/planner", "recommender", false},       // child to parent
		{"recommender", "api", false},                       // across layers
		{"indexer/feeds/feed", "indexer/feeds/ctdl", false}, // a parser's base to a parser
		{"recommender/nothere", "indexer/catalog", false},   // unknown package
	}
	for _, tt := range tests {
		if got := checkImport(tt.pkg, tt.dep) == ""; got != tt.ok {
			t.Errorf("checkImport(%s, %s) allowed=%v, want %v", tt.pkg, tt.dep, got, tt.ok)
		}
	}
}

func TestEveryPackageHasOneDocComment(t *testing.T) {
	for _, p := range listPackages(t) {
		docs := 0
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil && strings.HasPrefix(f.Doc.Text(), "Package ") || f.Doc != nil && strings.HasPrefix(f.Doc.Text(), "Command ") {
				docs++
			}
		}
		if docs != 1 {
			t.Errorf("%s has %d package doc comments, want exactly 1", p.ImportPath, docs)
		}
	}
}
