package planner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// FuzzPlanRequest feeds arbitrary bodies to the request parser and, when
// one parses, to the planner over a small catalog with a long course and a
// prerequisite chain: nothing may panic, every refusal must be the
// caller's mistake, and every plan must come back within its time limit
// with its months inside the horizon.
func FuzzPlanRequest(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"targets":[{"framework":"UDL","code":"7"}],"constraints":{"hours_per_month":0.01,"start":"2027-01"}}`,
		`{"targets":[{"framework":"FFT","code":"2d"}],"constraints":{"max_cost_usd":0,"hours_per_month":10,"by":"2027-03"}}`,
		`{"goal_credentials":["advanced"],"earned":["intro"],"constraints":{"start":"8999-12"}}`,
		`{"cohort":[{"id":"a","gaps":[{"framework":"UDL","code":"7.2"}],"preferences":{"max_cost_usd":0,"formats":["online"]}},{"earned":["intro"]}]}`,
		`{"targets":[{"framework":"FFTX","code":"3b"}]}`,
		`{"constraints":{"hours_per_month":1e308}}`,
	} {
		f.Add([]byte(seed))
	}
	snap := &catalog.Snapshot{Credentials: []*catalog.Credential{
		cred("intro", 10, 5, "UDL:7.1"),
		needs(cred("advanced", 30, 20, "UDL:7.2", "FFT:2d"), 0, "intro"),
		cred("endless", 5, 1e12, "UDL:7.2"),
		cred("unstated", -1, -1, "FFT:2d"),
	}}
	pl := New(snap, Options{TimeLimit: 200 * time.Millisecond})
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseRequest(bytes.NewReader(body))
		if err != nil {
			if !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("refusal %v is not ErrInvalidRequest", err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		got, err := pl.Plan(ctx, req)
		if err != nil {
			if !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("Plan(%s): %v", body, err)
			}
			return
		}
		for _, s := range got.Steps {
			if _, err := parseMonth(s.EndMonth); err != nil {
				t.Fatalf("step %s ends %q", s.ID, s.EndMonth)
			}
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("plan does not encode: %v", err)
		}
	})
}
