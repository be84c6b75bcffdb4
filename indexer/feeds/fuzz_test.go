package feeds

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds Parse the fixtures, every parser's own test data and
// mutations of them. Parse must not panic (recovery is switched off here),
// and what it returns must hold together.
func FuzzParse(f *testing.F) {
	var roots []string
	if dir, err := os.Getwd(); err == nil {
		roots = append(roots, dir)
		fx := filepath.Join(dir, "..", "..", "..", "shared", "fixtures")
		if _, err := os.Stat(fx); err == nil {
			roots = append(roots, fx)
		}
	}
	for _, root := range roots {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+"golden"+string(filepath.Separator)) {
				return nil
			}
			if strings.HasSuffix(path, ".go") {
				return nil
			}
			if data, err := os.ReadFile(path); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
			return nil
		})
	}
	f.Add([]byte(`{"@graph":[{"@type":"ceterms:Badge","ceterms:requires":[{"ceterms:alternativeCondition":["_:x"]}]}]}`))
	f.Add([]byte("id,title,level\n1,\"a\n"))

	catchPanics = false
	defer func() { catchPanics = true }()
	f.Fuzz(func(t *testing.T, data []byte) {
		res := Parse("fuzz", data)
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
		whole := false
		for _, r := range res.Rejected {
			if r.Source != "fuzz" || r.Error == "" {
				t.Fatalf("rejection without source or error: %+v", r)
			}
			whole = whole || r.Record == ""
		}
		if res.Format == "" && !whole {
			t.Fatalf("no format and no whole-file rejection: %+v", res)
		}
		for _, r := range res.Credentials {
			if strings.TrimSpace(r.Credential.ID) == "" || r.Credential.Title == "" {
				t.Fatalf("credential without id or title at %q: %+v", r.Locator, r.Credential)
			}
		}
		for _, fw := range res.Frameworks {
			if fw.Name == "" || fw.Items == nil {
				t.Fatalf("framework without name or items: %+v", fw)
			}
		}
	})
}
