package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShowUnlocksAndRecommendText runs the commands a teacher uses to look
// one item up, see what it opens, and read suggestions as text.
func TestShowUnlocksAndRecommendText(t *testing.T) {
	dir := bundledIndex(t)
	profile := filepath.Join("..", "..", "datasets", "profiles", "25-second-year-science-behaviour.json")
	backpack := filepath.Join(t.TempDir(), "backpack.json")
	if err := os.WriteFile(backpack, []byte(`[
		{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"urn:uuid:1","recipient":{"type":"email","identity":"t@example.org","hashed":false},
		 "badge":"rusd-mtss-05","issuedOn":"2026-01-01T00:00:00Z","verification":{"type":"hosted"}},
		{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"urn:uuid:2","recipient":{"type":"email","identity":"t@example.org","hashed":false},
		 "badge":"https://badges.example.org/not-in-this-catalog","issuedOn":"2026-01-01T00:00:00Z","verification":{"type":"hosted"}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		check    func(t *testing.T, out, errOut string)
	}{
		{name: "show --json: every field of one item", args: []string{"show", "--index", dir, "--json", "rusd-coach-02"},
			check: func(t *testing.T, out, _ string) {
				var c struct {
					ID, Title, Issuer, Kind, Status string
					Prerequisites                   []string
					CostUSD                         *float64 `json:"cost_usd"`
					Sources                         []string
				}
				decodeOne(t, out, &c)
				if c.ID != "rusd-coach-02" || c.Title == "" || c.Status != "active" || len(c.Prerequisites) != 1 || c.CostUSD == nil || *c.CostUSD != 75 {
					t.Errorf("show = %+v", c)
				}
				if len(c.Sources) != 0 {
					t.Errorf("show names feed locations %v", c.Sources)
				}
			}},
		{name: "show as text names unknown cost", args: []string{"show", "--index", dir, "https://badges.mesaverde.example.edu/badgeclasses/math-talk-moves"},
			check: func(t *testing.T, out, _ string) {
				for _, want := range []string{"title:", "Math Talk Moves", "cost:          not stated", "FFT:3b"} {
					if !strings.Contains(out, want) {
						t.Errorf("show text lacks %q:\n%s", want, out)
					}
				}
			}},
		{name: "show unknown id", args: []string{"show", "--index", dir, "no-such-item"}, wantCode: 1,
			check: func(t *testing.T, _, errOut string) {
				if !strings.Contains(errOut, `"no-such-item"`) {
					t.Errorf("error does not name the id: %s", errOut)
				}
			}},
		{name: "unlocks --json: coaching cycle 1 opens cycle 2", args: []string{"unlocks", "--index", dir, "--json", "rusd-coach-01"},
			check: func(t *testing.T, out, _ string) {
				var u struct {
					ID    string
					Opens []struct {
						ID        string
						Completes bool
					}
				}
				decodeOne(t, out, &u)
				if u.ID != "rusd-coach-01" || len(u.Opens) != 1 || u.Opens[0].ID != "rusd-coach-02" || !u.Opens[0].Completes {
					t.Errorf("unlocks = %+v", u)
				}
			}},
		{name: "unlocks: a certificate part advances the certificate across its other parts", args: []string{"unlocks", "--index", dir, "ce-5e6a0a2e-dd70-434d-81d7-7cffb7decc0c"},
			check: func(t *testing.T, out, _ string) {
				if !strings.Contains(out, "Cascadia Science of Reading Certificate") || !strings.Contains(out, "still needed") {
					t.Errorf("unlocks text:\n%s", out)
				}
			}},
		{name: "unlocks unknown id", args: []string{"unlocks", "--index", dir, "no-such-item"}, wantCode: 1},
		{name: "recommend text shows facts and unknowns", args: []string{"recommend", "--index", dir, "--profile", profile, "--limit", "5"},
			check: func(t *testing.T, out, _ string) {
				for _, want := range []string{"cost ", "hours ", "format ", "Covers your gap FFT 2d"} {
					if !strings.Contains(out, want) {
						t.Errorf("recommend text lacks %q:\n%s", want, out)
					}
				}
			}},
		{name: "recommend text names backpack badges not in the catalog", args: []string{"recommend", "--index", dir, "--profile", profile, "--backpack", backpack, "--limit", "5"},
			check: func(t *testing.T, out, _ string) {
				if !strings.Contains(out, "not in the catalog") || !strings.Contains(out, "https://badges.example.org/not-in-this-catalog") {
					t.Errorf("recommend text lacks the backpack note:\n%s", out)
				}
				if strings.Contains(out, "rusd-mtss-05\n") {
					t.Errorf("a badge in the backpack was suggested:\n%s", out)
				}
			}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", test.args...)
			if code != test.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, test.wantCode, errOut)
			}
			if test.check != nil {
				test.check(t, out, errOut)
			}
		})
	}
}
