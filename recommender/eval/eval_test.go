package eval

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func TestMetrics(t *testing.T) {
	rel := map[string]int{"a": 3, "b": 1, "c": 2}
	tests := []struct {
		name              string
		ranked            []string
		k                 int
		ndcg, recall, mrr float64
	}{
		{"ideal order", []string{"a", "c", "b"}, 10, 1, 1, 1},
		{"nothing relevant", []string{"x", "y"}, 10, 0, 0, 0},
		{"first relevant at 2", []string{"x", "b"}, 10, (1 / math.Log2(3)) / (7 + 3/math.Log2(3) + 1/2.0), 1.0 / 3, 0.5},
		{"cut at k", []string{"x", "a"}, 1, 0, 0, 0},
		{"empty list", nil, 10, 0, 0, 0},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := NDCG(test.ranked, rel, test.k); math.Abs(got-test.ndcg) > 1e-9 {
				t.Errorf("NDCG = %v, want %v", got, test.ndcg)
			}
			if got := Recall(test.ranked, rel, test.k); math.Abs(got-test.recall) > 1e-9 {
				t.Errorf("Recall = %v, want %v", got, test.recall)
			}
			if got := ReciprocalRank(test.ranked, rel, test.k); math.Abs(got-test.mrr) > 1e-9 {
				t.Errorf("MRR = %v, want %v", got, test.mrr)
			}
		})
	}
	if NDCG([]string{"a"}, map[string]int{}, 10) != 0 {
		t.Error("a case without relevant credentials must score 0")
	}
}

func TestReadJudgments(t *testing.T) {
	good := `{"id":"case-1","profile":{"goals":"discussion"},"relevant":{"x":3}}

{"id":"case-2","profile":{},"relevant":{"y":1,"z":2}}
`
	cases, err := ReadJudgments(strings.NewReader(good), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[1].Line != 3 || cases[0].Profile.Goals != "discussion" || cases[1].Relevant["z"] != 2 {
		t.Errorf("cases = %+v", cases)
	}
	bad := []struct{ in, want string }{
		{`{"id":"a","relevant":{}}` + "\n" + `{"id":"b","profile":{"gaps":[{"framework":"UDL"}]}}`, "line 2: profile.gaps[0].code: required"},
		{`{"id":"a","profile":{"goal":"x"}}`, "line 1: profile.goal: unknown field"},
		{`{"id":"a","relevance":{}}`, `line 1: unknown field "relevance"`},
		{`{"id":"a","relevant":{"x":4}}`, `line 1: relevant["x"]: grade 4 not in 0..3`},
		{`{"id":"a"}` + "\n" + `{"id":"a"}`, `line 2: id "a" repeats line 1`},
		{`not json`, "line 1:"},
		{`[{"id":"a"}]`, "line 1: a case is a JSON object, got array"},
		{`{"id":"a","relevant":{"x":"3"}}`, "line 1: relevant: want int, got string"},
	}
	for _, test := range bad {
		_, err := ReadJudgments(strings.NewReader(test.in), nil)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("ReadJudgments(%q) err = %v, want %q", test.in, err, test.want)
		}
	}
}

func TestRun(t *testing.T) {
	cases := []Case{
		{ID: "1", Relevant: map[string]int{"a": 3}},
		{ID: "2", Relevant: map[string]int{"b": 2}},
	}
	perfect := func(_ context.Context, p catalog.Profile, k int) ([]string, error) { return []string{"a", "b"}, nil }
	rep, err := Run(context.Background(), cases, map[string]Ranker{"fixed": perfect}, 10)
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Rankers["fixed"]
	// Case 1 finds a at rank 1; case 2 finds b at rank 2.
	wantNDCG := round((1 + 1/math.Log2(3)) / 2)
	if rep.Cases != 2 || rep.K != 10 || m.NDCG != wantNDCG || m.Recall != 1 || m.MRR != 0.75 {
		t.Errorf("report = %+v, want ndcg %v recall 1 mrr 0.75", rep, wantNDCG)
	}
}
