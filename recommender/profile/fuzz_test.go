package profile

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedJSON adds every JSON file under dirs (missing ones skipped) to f.
func seedJSON(f *testing.F, dirs ...string) {
	f.Helper()
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return nil
			}
			if data, err := os.ReadFile(path); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
			return nil
		})
	}
}

// FuzzParseProfile checks the profile parser on any bytes: it never
// panics, a refusal is a FieldError, and an accepted profile validates and
// survives a JSON round trip.
func FuzzParseProfile(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"goals":"coaching","gaps":[{"framework":"UDL","code":"7"}],"earned":["x"],"preferences":{"max_cost_usd":100,"max_hours":10,"format":"online","grade_band":"6-8"}}`,
		`{"gaps":[{"framework":"udl","code":"7.1","weight":1e400}]}`,
		`{"gaps":"UDL:7"}`,
		`{"preferences":{"max_cost_usd":-1}}`,
		`{} []`,
	} {
		f.Add([]byte(s))
	}
	seedJSON(f, "testdata")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseAndValidate(data, nil)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("refusal %T %v is neither a FieldError nor ErrInvalid", err, err)
			}
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("accepted profile does not marshal: %v", err)
		}
		if _, err := ParseAndValidate(again, nil); err != nil {
			t.Fatalf("round trip of %s refused: %v", again, err)
		}
	})
}

// FuzzParseBackpack checks the backpack parser on any bytes: it never
// panics, and what it accepts lists at least one badge and no empty id.
func FuzzParseBackpack(f *testing.F) {
	seedJSON(f, "testdata", filepath.Join("..", "..", "..", "shared", "fixtures", "openbadges"))
	f.Add([]byte(`{"type":"Assertion","badge":"urn:b"}`))
	f.Add([]byte(`[{"type":"Assertion","badge":{"id":"urn:b","type":"BadgeClass"}},{"@graph":[{"type":"Assertion"}]}]`))
	f.Add([]byte(`{"type":["VerifiablePresentation"],"verifiableCredential":[{"type":["ClrCredential"],"credentialSubject":{"verifiableCredential":[{"type":["OpenBadgeCredential"],"credentialSubject":{"achievement":{"id":"urn:a"}}}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBackpack(data)
		if err != nil {
			return
		}
		if len(b.BadgeIDs) == 0 {
			t.Fatal("accepted a backpack with no badge")
		}
		for _, id := range b.BadgeIDs {
			if id == "" {
				t.Fatalf("empty badge id in %v", b.BadgeIDs)
			}
		}
	})
}
