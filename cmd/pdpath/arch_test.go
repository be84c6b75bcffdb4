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

func TestImportsFollowTheDataFlow(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") && layer(imp) > layer(p.ImportPath) {
				t.Errorf("%s imports %s, which is downstream of it", p.ImportPath, imp)
			}
			rel := strings.TrimPrefix(p.ImportPath, module+"/")
			if strings.HasPrefix(imp, "github.com/blevesearch/") && rel != "indexer/index" {
				t.Errorf("%s imports %s: only indexer/index may use Bleve", p.ImportPath, imp)
			}
			if rel == "indexer/catalog" && strings.Contains(imp, ".") {
				t.Errorf("indexer/catalog imports %s: the domain leaf uses the standard library only", imp)
			}
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
