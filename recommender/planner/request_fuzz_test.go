package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseRequest checks the plan request parser on any bytes: it never
// panics, every refusal wraps ErrInvalidRequest, and an accepted request
// validates and survives a JSON round trip.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"targets":[{"framework":"UDL","code":"7"}],"goal_credentials":["c1"],"earned":["c0"],` +
			`"cohort":[{"id":"t1","gaps":[{"framework":"FFT","code":"3b","weight":1}],"earned":["x"]}],` +
			`"constraints":{"max_cost_usd":300,"max_hours":60,"hours_per_month":10,"start":"2027-01"}}`,
		`{"constraints":{"hours_per_month":0.01,"max_hours":1e308,"start":"9999-12"}}`,
		`{"constraints":{"max_cost_usd":-0}}`,
		`{"targets":[{"framework":"UDL","code":"7"}]} x`,
		`null`,
		`[]`,
		`{"cohort":[{"gaps":[{"framework":"UDL","code":"7","weight":1e309}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := ParseRequest(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("refusal %v does not wrap ErrInvalidRequest", err)
			}
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("accepted request does not validate: %v", err)
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("accepted request does not marshal: %v", err)
		}
		if _, err := ParseRequest(bytes.NewReader(again)); err != nil {
			t.Fatalf("round trip of %s refused: %v", again, err)
		}
	})
}
