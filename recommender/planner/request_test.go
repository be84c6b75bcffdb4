package planner

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string // substring; empty means success
	}{
		{"spec example", `{
			"targets": [{"framework": "UDL", "code": "7"}],
			"goal_credentials": ["cred-1"],
			"earned": ["cred-0"],
			"cohort": [{"id": "t1", "gaps": [{"framework": "FFT", "code": "3b", "weight": 1}], "earned": ["x"]}],
			"constraints": {"max_cost_usd": 300, "max_hours": 60, "hours_per_month": 10, "start": "2027-01"}
		}`, ""},
		{"empty object", `{}`, ""},
		{"unknown top-level field", `{"targets": [], "budget": 3}`, `unknown field "budget"`},
		{"unknown constraint", `{"constraints": {"max_cost": 3}}`, `unknown field "max_cost"`},
		{"unknown target field", `{"targets": [{"framework": "UDL", "code": "7", "level": 2}]}`, `unknown field "level"`},
		{"unknown cohort field", `{"cohort": [{"nmae": "x"}]}`, `unknown field "nmae"`},
		{"month without zero", `{"constraints": {"start": "2027-1"}}`, "constraints.start"},
		{"month 13", `{"constraints": {"start": "2027-13"}}`, "want 01 to 12"},
		{"month 00", `{"constraints": {"start": "2027-00"}}`, "constraints.start"},
		{"full date", `{"constraints": {"start": "2027-01-01"}}`, "constraints.start"},
		{"slash", `{"constraints": {"start": "2027/01"}}`, "constraints.start"},
		{"negative cost", `{"constraints": {"max_cost_usd": -1}}`, "constraints.max_cost_usd"},
		{"negative hours", `{"constraints": {"max_hours": -0.5}}`, "constraints.max_hours"},
		{"negative pace", `{"constraints": {"hours_per_month": -10}}`, "constraints.hours_per_month"},
		{"pace beyond a month's hours", `{"constraints": {"hours_per_month": 1000}}`, "from 0 to 744"},
		{"pace too small to count", `{"constraints": {"hours_per_month": 0.001}}`, "below 0.01"},
		{"tiny pace", `{"constraints": {"hours_per_month": 0.01}}`, ""},
		{"absurd budget", `{"constraints": {"max_cost_usd": 1e300}}`, "constraints.max_cost_usd"},
		{"absurd hours", `{"constraints": {"max_hours": 1e12}}`, "constraints.max_hours"},
		{"by", `{"constraints": {"start": "2027-01", "by": "2027-06"}}`, ""},
		{"by before start", `{"constraints": {"start": "2027-06", "by": "2027-01"}}`, "before constraints.start"},
		{"start far ahead", `{"constraints": {"start": "9999-12"}}`, "outside the years"},
		{"by far ahead", `{"constraints": {"by": "9999-12"}}`, "outside the years"},
		{"by malformed", `{"constraints": {"by": "June"}}`, "constraints.by"},
		{"member budget negative", `{"cohort": [{"preferences": {"max_cost_usd": -5}}]}`, "cohort[0].preferences.max_cost_usd"},
		{"negative gap weight", `{"cohort": [{"gaps": [{"framework": "UDL", "code": "7", "weight": -1}]}]}`, "cohort[0].gaps[0].weight"},
		{"empty code", `{"targets": [{"framework": "UDL", "code": ""}]}`, "targets[0].code"},
		{"empty framework", `{"targets": [{"code": "7"}]}`, "targets[0].framework"},
		{"empty goal", `{"goal_credentials": [""]}`, "goal_credentials[0]"},
		{"wrong type", `{"targets": "UDL:7"}`, "cannot unmarshal"},
		{"trailing data", `{} {}`, "after the request"},
		{"null", `null`, "null"},
		{"array", `[{"targets": []}]`, "must be a JSON object, got an array"},
		{"string", ` "UDL:7"`, "must be a JSON object, got a string"},
		{"number", `7`, "must be a JSON object, got a number"},
		{"not json", `targets`, "invalid character"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			req, err := ParseRequest(strings.NewReader(test.body))
			if test.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseRequest: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseRequest = %+v, want an error containing %q", req, test.wantErr)
			}
			if !strings.Contains(err.Error(), test.wantErr) {
				t.Errorf("error %q does not contain %q", err, test.wantErr)
			}
			if !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("error %v does not wrap ErrInvalidRequest", err)
			}
		})
	}
}

func TestParseRequestFields(t *testing.T) {
	req, err := ParseRequest(strings.NewReader(`{
		"targets": [{"framework": "UDL", "code": "7"}],
		"goal_credentials": ["g"], "earned": ["e"],
		"cohort": [{"id": "t1", "gaps": [{"framework": "FFT", "code": "3b"}]}],
		"constraints": {"max_cost_usd": 300, "max_hours": 60, "hours_per_month": 10, "start": "2027-01"}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := req.Constraints
	if req.Targets[0].Key() != "UDL:7" || req.GoalCredentials[0] != "g" || req.Earned[0] != "e" ||
		req.Cohort[0].ID != "t1" || req.Cohort[0].Gaps[0].Key() != "FFT:3b" ||
		c.MaxCostUSD == nil || *c.MaxCostUSD != 300 || c.MaxHours == nil || *c.MaxHours != 60 ||
		c.HoursPerMonth != 10 || c.Start != "2027-01" {
		t.Errorf("ParseRequest = %+v", req)
	}
}

func TestMonth(t *testing.T) {
	tests := []struct {
		in    string
		add   int
		want  string
		valid bool
	}{
		{"2027-01", 0, "2027-01", true},
		{"2027-01", 11, "2027-12", true},
		{"2027-11", 3, "2028-02", true},
		{"2027-12", 1, "2028-01", true},
		{"1999-12", 25, "2002-01", true},
		{"0001-01", 0, "0001-01", true},
		{"2027-1", 0, "", false},
		{"2027-00", 0, "", false},
		{"2027-13", 0, "", false},
		{"２０２７-01", 0, "", false},
		{"2027_01", 0, "", false},
		{"", 0, "", false},
	}
	for _, test := range tests {
		m, err := parseMonth(test.in)
		if !test.valid {
			if err == nil {
				t.Errorf("parseMonth(%q) = %v, want an error", test.in, m)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseMonth(%q): %v", test.in, err)
			continue
		}
		if got := (m + month(test.add)).String(); got != test.want {
			t.Errorf("%s + %d months = %s, want %s", test.in, test.add, got, test.want)
		}
	}
}
