package feeds

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFormat adds to f every file of the given folders (relative to this
// package; missing ones are skipped) that Detect names as format, so each
// parser's fuzz target starts from documents it really reads.
func seedFormat(f *testing.F, format string, dirs ...string) {
	f.Helper()
	dirs = append(dirs, filepath.Join("..", "..", "..", "shared", "fixtures"), "testdata")
	n := 0
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, ".go") || strings.Contains(path, "golden") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil || len(data) > 64<<10 {
				return nil
			}
			if got, err := Detect(data); err == nil && got == format {
				f.Add(data)
				n++
			}
			return nil
		})
	}
	if n == 0 {
		f.Logf("no %s seed files found; fuzzing from the built-in seeds only", format)
	}
}

// fuzzFormat checks one parser on data: it must not panic (recovery is off),
// its result must marshal, every credential must have an id and a title,
// and every rejection must name its source and say why.
func fuzzFormat(f *testing.F, format string) {
	catchPanics = false
	f.Cleanup(func() { catchPanics = true })
	f.Fuzz(func(t *testing.T, data []byte) {
		res := ParseAs("fuzz", format, data)
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
		for _, r := range res.Rejected {
			if r.Source != "fuzz" || r.Error == "" {
				t.Fatalf("rejection without source or error: %+v", r)
			}
		}
		for _, r := range res.Credentials {
			if strings.TrimSpace(r.Credential.ID) == "" || r.Credential.Title == "" {
				t.Fatalf("credential without id or title at %q: %+v", r.Locator, r.Credential)
			}
		}
	})
}

func FuzzOpenBadges2(f *testing.F) {
	seedFormat(f, FormatOpenBadges2, filepath.Join("openbadges2", "testdata"))
	f.Add([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"urn:x","name":"N","alignment":[{"targetFramework":"InTASC","targetCode":7}]}`))
	fuzzFormat(f, FormatOpenBadges2)
}

func FuzzOpenBadges3(f *testing.F) {
	seedFormat(f, FormatOpenBadges3, filepath.Join("openbadges3", "testdata"))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":"Achievement","id":"urn:a","name":"A","alignment":[{}]}`))
	fuzzFormat(f, FormatOpenBadges3)
}

func FuzzCTDL(f *testing.F) {
	seedFormat(f, FormatCTDL, filepath.Join("ctdl", "testdata"))
	f.Add([]byte(`{"@graph":[{"@type":"ceterms:Badge","ceterms:ctid":"ce-1","ceterms:name":{"en":"B"},"ceterms:requires":[{"ceterms:targetCredential":["_:x"]}]}]}`))
	fuzzFormat(f, FormatCTDL)
}

func FuzzCredentialCSV(f *testing.F) {
	seedFormat(f, FormatCSV, filepath.Join("credentialcsv", "testdata"))
	f.Add([]byte("id,title,cost_usd,hours,level,competencies\nx,T,1e400,-1,99999999999,InTASC:;:7\n"))
	fuzzFormat(f, FormatCSV)
}

func FuzzCASE(f *testing.F) {
	seedFormat(f, FormatCASE, filepath.Join("caseframework", "testdata"))
	f.Add([]byte(`{"CFDocument":{"identifier":"d","title":"T"},"CFItems":[{"identifier":"i","humanCodingScheme":"1"}],"CFAssociations":[{"associationType":"isChildOf","originNodeURI":{"identifier":"i"},"destinationNodeURI":{"identifier":"i"}}]}`))
	fuzzFormat(f, FormatCASE)
}

func FuzzFrameworkCSV(f *testing.F) {
	seedFormat(f, FormatFrameworkCSV, filepath.Join("frameworkcsv", "testdata"))
	f.Add([]byte("framework,code,name,parent\nX,1,One,1\nX,1.1,Child,1\n"))
	fuzzFormat(f, FormatFrameworkCSV)
}
