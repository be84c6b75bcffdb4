package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The repository's documents point only at files it holds: every relative
// Markdown link resolves (and its #anchor names a heading of the target),
// and every Markdown file named in inline code exists.
var (
	mdLink     = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	mdCodeFile = regexp.MustCompile("`([A-Za-z0-9_./-]+\\.md)`")
	mdHeading  = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*$`)
	slugDrop   = regexp.MustCompile(`[^a-z0-9 _-]`)
)

// slug is the anchor a Markdown renderer gives a heading.
func slug(heading string) string {
	s := strings.ToLower(strings.ReplaceAll(heading, "`", ""))
	return strings.ReplaceAll(slugDrop.ReplaceAllString(s, ""), " ", "-")
}

func anchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range mdHeading.FindAllStringSubmatch(string(data), -1) {
		out[slug(m[1])] = true
	}
	return out
}

func TestDocumentsReferToFilesTheRepositoryHolds(t *testing.T) {
	root := filepath.Join("..", "..")
	var docs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") || name == "var" || name == "bin" || name == "shared" || name == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".md") {
			docs = append(docs, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 5 {
		t.Fatalf("found only %d Markdown files under %s", len(docs), root)
	}
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, doc)
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := doc
			if file != "" {
				path = filepath.Join(filepath.Dir(doc), file)
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s links to %s, which the repository does not hold", rel, target)
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(path, ".md") && !anchors(t, path)[anchor] {
				t.Errorf("%s links to %s: no heading makes the anchor #%s", rel, target, anchor)
			}
		}
		for _, m := range mdCodeFile.FindAllStringSubmatch(string(data), -1) {
			name := m[1]
			_, errDoc := os.Stat(filepath.Join(filepath.Dir(doc), name))
			_, errRoot := os.Stat(filepath.Join(root, name))
			if errDoc != nil && errRoot != nil {
				t.Errorf("%s names %s, which the repository does not hold", rel, name)
			}
		}
	}
}
