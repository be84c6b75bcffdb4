package profile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// testFrameworks knows InTASC (codes 1..10) and UDL (any code), and maps the
// alias "Danielson" to FFT, enough to exercise every validation branch.
type testFrameworks struct{}

func (testFrameworks) CanonicalFramework(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "intasc":
		return "InTASC", true
	case "udl":
		return "UDL", true
	case "fft", "danielson":
		return "FFT", true
	}
	return "", false
}

func (testFrameworks) KnownCode(fw, code string) bool {
	if fw != "InTASC" {
		return true
	}
	n, err := strconv.Atoi(code)
	return err == nil && n >= 1 && n <= 10
}

func TestParseAndValidate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // substring; "" means success
		check   func(t *testing.T, p catalog.Profile)
	}{
		{name: "empty object is a valid profile", in: `{}`},
		{name: "null fields mean not given", in: `{"goals":null,"gaps":null,"preferences":null}`},
		{name: "full documented example", in: `{
			"id": "t-1", "goals": "help quiet students talk more",
			"gaps": [{"framework": "InTASC", "code": "6", "weight": 1.0}],
			"earned": ["cred-a"],
			"preferences": {"max_cost_usd": 50, "max_hours": 20, "issuers": [], "exclude_issuers": [],
				"formats": ["online"], "grade_bands": ["6-8"], "subjects": ["math"]}}`,
			check: func(t *testing.T, p catalog.Profile) {
				if p.Goals != "help quiet students talk more" || len(p.Gaps) != 1 || *p.Preferences.MaxCostUSD != 50 {
					t.Errorf("decoded %+v", p)
				}
			}},
		{name: "unknown top-level field", in: `{"goal":"x"}`, wantErr: `goal: unknown field`},
		{name: "unknown gap field names its index", in: `{"gaps":[{"framework":"UDL","code":"7"},{"framework":"UDL","cod":"7"}]}`, wantErr: `gaps[1].cod: unknown field`},
		{name: "unknown preference", in: `{"preferences":{"max_price":3}}`, wantErr: `preferences.max_price: unknown field`},
		{name: "wrong type", in: `{"gaps":[{"framework":"UDL","code":7}]}`, wantErr: `gaps[0].code: want a string, got a number`},
		{name: "earned must be strings", in: `{"earned":[1]}`, wantErr: `earned[0]: want a string`},
		{name: "missing code", in: `{"gaps":[{"framework":"UDL","code":"7"},{"framework":"UDL"}]}`, wantErr: `gaps[1].code: required`},
		{name: "missing framework", in: `{"gaps":[{"code":"7"}]}`, wantErr: `gaps[0].framework: required`},
		{name: "negative weight", in: `{"gaps":[{"framework":"UDL","code":"7","weight":-1}]}`, wantErr: `gaps[0].weight: must be a number ≥ 0`},
		{name: "unknown framework", in: `{"gaps":[{"framework":"Nope","code":"7"}]}`, wantErr: `gaps[0].framework: unknown framework "Nope"`},
		{name: "unknown code", in: `{"gaps":[{"framework":"InTASC","code":"77"}]}`, wantErr: `gaps[0].code: "77" is not a code of InTASC`},
		{name: "alias and zero weight normalized", in: `{"gaps":[{"framework":"Danielson","code":"3b"}]}`,
			check: func(t *testing.T, p catalog.Profile) {
				if p.Gaps[0].Framework != "FFT" || p.Gaps[0].Weight != 1 {
					t.Errorf("gap = %+v, want FFT weight 1", p.Gaps[0])
				}
			}},
		{name: "bad format", in: `{"preferences":{"formats":["online","mail"]}}`, wantErr: `preferences.formats[1]: "mail" is not one of`},
		{name: "grade band canonicalized", in: `{"preferences":{"grade_bands":["prek","9–12"]}}`,
			check: func(t *testing.T, p catalog.Profile) {
				if !slices.Equal(p.Preferences.GradeBands, []string{"PreK", "9-12"}) {
					t.Errorf("grade bands = %v", p.Preferences.GradeBands)
				}
			}},
		{name: "bad grade band", in: `{"preferences":{"grade_bands":["college"]}}`, wantErr: `preferences.grade_bands[0]`},
		{name: "negative budget", in: `{"preferences":{"max_cost_usd":-5}}`, wantErr: `preferences.max_cost_usd: must be a number ≥ 0`},
		{name: "veteran with state approval", in: `{"years_experience": 9, "preferences": {"approved_in": [" US-IL "]}}`,
			check: func(t *testing.T, p catalog.Profile) {
				if p.YearsExperience == nil || *p.YearsExperience != 9 || !slices.Equal(p.Preferences.ApprovedIn, []string{"US-IL"}) {
					t.Errorf("decoded %+v", p)
				}
			}},
		{name: "negative years", in: `{"years_experience": -1}`, wantErr: `years_experience: must be a number of years`},
		{name: "years as text", in: `{"years_experience": "nine"}`, wantErr: `years_experience: want a number`},
		{name: "empty jurisdiction", in: `{"preferences": {"approved_in": ["US-IL", ""]}}`, wantErr: `preferences.approved_in[1]: empty jurisdiction`},
		{name: "trailing data", in: `{} {}`, wantErr: `unexpected data after`},
		{name: "not JSON", in: `{"goals":`, wantErr: `not valid JSON`},
		{name: "empty body", in: ``, wantErr: `empty document`},
		{name: "array instead of object", in: `[]`, wantErr: `want an object, got an array`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			p, err := ParseAndValidate([]byte(test.in), testFrameworks{})
			if test.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), test.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, test.wantErr)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("err %v does not match ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if test.check != nil {
				test.check(t, p)
			}
		})
	}
}

func TestParseBackpack(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    []string
		wantErr error
	}{
		{name: "OB 2.0 assertions: IRI and embedded BadgeClass", file: "testdata/ob2_assertions.json",
			want: []string{"https://badges.example.org/classes/discussion-l1", "udl-foundations"}},
		{name: "CLR with nested credentials, listed-only achievements ignored", file: "testdata/clr_nested.json",
			want: []string{"formative-assessment-l2", "https://pd.example.org/achievements/coaching-cycles"}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			data, err := os.ReadFile(test.file)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ParseBackpack(data)
			if err != nil {
				t.Fatalf("ParseBackpack: %v", err)
			}
			if !slices.Equal(b.BadgeIDs, test.want) {
				t.Errorf("ids = %v, want %v", b.BadgeIDs, test.want)
			}
		})
	}
	t.Run("a BadgeClass alone is not an earned badge", func(t *testing.T) {
		_, err := ParseBackpack([]byte(`{"type":"BadgeClass","id":"x","name":"X"}`))
		if !errors.Is(err, ErrNoBadges) {
			t.Errorf("err = %v, want ErrNoBadges", err)
		}
	})
	t.Run("verifiable presentation", func(t *testing.T) {
		b, err := ParseBackpack([]byte(`{"type":["VerifiablePresentation"],"verifiableCredential":[
			{"type":["VerifiableCredential","OpenBadgeCredential"],"credentialSubject":{"achievement":{"id":"a1"}}}]}`))
		if err != nil || !slices.Equal(b.BadgeIDs, []string{"a1"}) {
			t.Errorf("ids = %v, err = %v", b.BadgeIDs, err)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		if _, err := ParseBackpack([]byte(`nope`)); err == nil {
			t.Error("want an error")
		}
	})
}

// TestParseBackpackFixtures reads the Open Badges and CLR files published by
// 1EdTech (shared/fixtures/openbadges) as they exist in the wild.
func TestParseBackpackFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "openbadges")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixtures folder %s absent (it lives beside the repository in shared/): %v", dir, err)
	}
	tests := []struct {
		file    string
		want    []string
		wantErr bool
	}{
		{file: "ob20__basic-assertion.json", want: []string{"https://example.org/robotics-badge.json"}},
		{file: "ob30__simple.json", want: []string{"https://example.com/achievements/21st-century-skills/teamwork"}},
		{file: "ob30__complete.json", want: []string{"https://1edtech.edu/achievements/degree"}},
		{file: "clr20__simple.json", want: []string{"https://example.com/achievements/21st-century-skills/teamwork"}},
		{file: "clr20__complex.json", want: []string{"urn:uuid:3314c2c0-2ee9-4183-838b-470c15ddfb08", "urn:uuid:bb9a27e6-3a2d-413b-b0c7-97ef9dfdde22", "urn:uuid:0f09ae53-33ae-4472-8daa-d7381b859e6c"}},
		{file: "ob20__assets__robotics-badge.json", wantErr: true},
	}
	for _, test := range tests {
		t.Run(test.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, test.file))
			if err != nil {
				t.Skipf("fixture missing: %v", err)
			}
			b, err := ParseBackpack(data)
			if test.wantErr {
				if !errors.Is(err, ErrNoBadges) {
					t.Errorf("err = %v, want ErrNoBadges", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBackpack: %v", err)
			}
			if !slices.Equal(b.BadgeIDs, test.want) {
				t.Errorf("ids = %v, want %v", b.BadgeIDs, test.want)
			}
		})
	}
}

func TestMergeEarned(t *testing.T) {
	p := catalog.Profile{Earned: []string{"a", "b"}}
	MergeEarned(&p, []string{"b", "c"})
	if !slices.Equal(p.Earned, []string{"a", "b", "c"}) {
		t.Errorf("earned = %v", p.Earned)
	}
}
