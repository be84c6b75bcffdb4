package feeds

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDocs checks that every package of the feed importers and of
// the framework registry has exactly one package doc comment, and that it
// starts the way Go documentation expects.
func TestPackageDocs(t *testing.T) {
	for _, root := range []string{".", filepath.Join("..", "frameworks")} {
		err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() || d.Name() == "testdata" {
				if d != nil && d.IsDir() && d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return err
			}
			pkgs, err := parsePackages(dir)
			if err != nil {
				return err
			}
			for name, pkg := range pkgs {
				var docs []string
				for file, f := range pkg.Files {
					if f.Doc != nil {
						docs = append(docs, file)
						if !strings.HasPrefix(f.Doc.Text(), "Package "+name+" ") {
							t.Errorf("%s: package doc should start %q", file, "Package "+name)
						}
					}
				}
				if len(docs) != 1 {
					t.Errorf("package %s in %s has %d doc comments (%v), want exactly 1", name, dir, len(docs), docs)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// parsedPackage is the package clauses of one directory's non-test files.
type parsedPackage struct {
	Files map[string]*ast.File
}

// parsePackages parses the package clause and comments of every non-test
// Go file in dir, grouped by package name.
func parsePackages(dir string) (map[string]*parsedPackage, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	pkgs := map[string]*parsedPackage{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		path := filepath.Join(dir, name)
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			return nil, err
		}
		p := pkgs[f.Name.Name]
		if p == nil {
			p = &parsedPackage{Files: map[string]*ast.File{}}
			pkgs[f.Name.Name] = p
		}
		p.Files[path] = f
	}
	return pkgs, nil
}
