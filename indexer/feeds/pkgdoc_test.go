package feeds

import (
	"go/parser"
	"go/token"
	"io/fs"
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
			pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool {
				return !strings.HasSuffix(fi.Name(), "_test.go")
			}, parser.ParseComments|parser.PackageClauseOnly)
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
