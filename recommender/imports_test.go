package recommender

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportRules keeps the recommender's layering: it reads the catalog's
// types and bundled data, never the server, the commands or the search
// engine (the store hides Bleve), and gonum stays inside the semantic space.
func TestImportRules(t *testing.T) {
	const mod = "github.com/pdpath/pdpath/"
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "planner" || path == "pathway" || path == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.HasPrefix(p, mod+"api"), strings.HasPrefix(p, mod+"cmd"), strings.HasPrefix(p, mod+"indexer/store"),
				strings.HasPrefix(p, mod+"indexer/index"), strings.HasPrefix(p, "github.com/blevesearch/"):
				t.Errorf("%s imports %s: the recommender must not depend on the server, commands or index", path, p)
			case strings.HasPrefix(p, "gonum.org/") && filepath.Dir(path) != "semantic":
				t.Errorf("%s imports %s: gonum stays inside package semantic", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
