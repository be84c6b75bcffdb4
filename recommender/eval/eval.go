// Package eval measures rankers offline against graded judgments: for each
// case (a profile and the credentials an expert graded 1–3 for it) it asks
// every ranker for its list exactly as it would be returned to the
// educator and scores the top k with nDCG@k (graded gains), recall@k (of
// the credentials graded ≥ 1) and MRR (first relevant credential). Rankers
// are plain functions, so the package knows nothing of how lists are made.
package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/profile"
)

// Case is one judged profile.
type Case struct {
	ID       string
	Profile  catalog.Profile
	Relevant map[string]int
	// Line is the case's line in its judgments file.
	Line int
}

// Ranker returns credential ids for a profile, best first, exactly as the
// educator would see them (at most k).
type Ranker func(ctx context.Context, p catalog.Profile, k int) ([]string, error)

// Metrics are one ranker's means over all cases.
type Metrics struct {
	NDCG   float64 `json:"ndcg"`
	Recall float64 `json:"recall"`
	MRR    float64 `json:"mrr"`
}

// Report is the outcome of a run, as printed by `pdpath eval --json`.
type Report struct {
	Cases   int                `json:"cases"`
	K       int                `json:"k"`
	Rankers map[string]Metrics `json:"rankers"`
	// PerCase holds every case's metrics by ranker, in file order; Run
	// fills it and callers drop it when only the means are wanted.
	PerCase []CaseResult `json:"per_case,omitempty"`
}

// CaseResult is one case's metrics for every ranker.
type CaseResult struct {
	ID      string             `json:"id"`
	Line    int                `json:"line"`
	Rankers map[string]Metrics `json:"rankers"`
}

// ReadJudgments reads JSON Lines judgments:
// {"id":"case-1","profile":{...},"relevant":{"CREDENTIAL_ID":3}}. Blank lines
// are skipped. Profiles are parsed strictly and validated against fw (nil
// skips framework checks). Errors name the file line and the field.
func ReadJudgments(r io.Reader, fw profile.Frameworks) ([]Case, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var cases []Case
	ids := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		c, err := parseCase(text, fw)
		if err != nil {
			return nil, fmt.Errorf("eval: judgments line %d: %w", line, err)
		}
		c.Line = line
		if c.ID == "" {
			c.ID = fmt.Sprintf("line-%d", line)
		}
		if prev, dup := ids[c.ID]; dup {
			return nil, fmt.Errorf("eval: judgments line %d: id %q repeats line %d", line, c.ID, prev)
		}
		ids[c.ID] = line
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: read judgments after line %d: %w", line, err)
	}
	return cases, nil
}

func parseCase(text []byte, fw profile.Frameworks) (Case, error) {
	var raw struct {
		ID       string          `json:"id"`
		Profile  json.RawMessage `json:"profile"`
		Relevant map[string]int  `json:"relevant"`
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return Case{}, fmt.Errorf("a case is a JSON object, got %s", typeErr.Value)
		}
		if errors.As(err, &typeErr) {
			return Case{}, fmt.Errorf("%s: want %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return Case{}, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	c := Case{ID: raw.ID, Relevant: raw.Relevant}
	if len(raw.Profile) > 0 && string(raw.Profile) != "null" {
		p, err := profile.ParseAndValidate(raw.Profile, fw)
		if err != nil {
			var fe *profile.FieldError
			if errors.As(err, &fe) && fe.Path != "" {
				return Case{}, fmt.Errorf("profile.%s: %s", fe.Path, fe.Message)
			}
			return Case{}, err
		}
		c.Profile = p
	}
	for id, g := range c.Relevant {
		if g < 0 || g > 3 {
			return Case{}, fmt.Errorf("relevant[%q]: grade %d not in 0..3", id, g)
		}
	}
	return c, nil
}

// NDCG returns nDCG@k of ranked against graded relevance, with gain
// 2^grade − 1 so an ideal credential (3) is worth seven somewhat-relevant
// ones (1). A case with no relevant credential scores 0.
func NDCG(ranked []string, rel map[string]int, k int) float64 {
	var dcg float64
	for i, id := range ranked[:min(k, len(ranked))] {
		if g := rel[id]; g > 0 {
			dcg += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
		}
	}
	grades := make([]int, 0, len(rel))
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	var ideal float64
	for i, g := range grades[:min(k, len(grades))] {
		ideal += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// Recall returns the share of credentials graded ≥ 1 found in the top k.
func Recall(ranked []string, rel map[string]int, k int) float64 {
	total := 0
	for _, g := range rel {
		if g > 0 {
			total++
		}
	}
	if total == 0 {
		return 0
	}
	found := 0
	for _, id := range ranked[:min(k, len(ranked))] {
		if rel[id] > 0 {
			found++
		}
	}
	return float64(found) / float64(total)
}

// ReciprocalRank returns 1/rank of the first relevant credential in the top
// k, 0 when none.
func ReciprocalRank(ranked []string, rel map[string]int, k int) float64 {
	for i, id := range ranked[:min(k, len(ranked))] {
		if rel[id] > 0 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// Run scores every ranker on every case at cutoff k. A ranker's error stops
// the run, naming the ranker and the case.
func Run(ctx context.Context, cases []Case, rankers map[string]Ranker, k int) (Report, error) {
	if k <= 0 {
		k = 10
	}
	rep := Report{Cases: len(cases), K: k, Rankers: map[string]Metrics{}}
	rep.PerCase = make([]CaseResult, len(cases))
	for i, c := range cases {
		rep.PerCase[i] = CaseResult{ID: c.ID, Line: c.Line, Rankers: map[string]Metrics{}}
	}
	names := make([]string, 0, len(rankers))
	for n := range rankers {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		var sum Metrics
		for i, c := range cases {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			ranked, err := rankers[name](ctx, c.Profile, k)
			if err != nil {
				return rep, fmt.Errorf("eval: ranker %s on case %s (line %d): %w", name, c.ID, c.Line, err)
			}
			m := Metrics{NDCG: NDCG(ranked, c.Relevant, k), Recall: Recall(ranked, c.Relevant, k), MRR: ReciprocalRank(ranked, c.Relevant, k)}
			rep.PerCase[i].Rankers[name] = Metrics{NDCG: round(m.NDCG), Recall: round(m.Recall), MRR: round(m.MRR)}
			sum.NDCG += m.NDCG
			sum.Recall += m.Recall
			sum.MRR += m.MRR
		}
		if n := float64(len(cases)); n > 0 {
			sum = Metrics{NDCG: round(sum.NDCG / n), Recall: round(sum.Recall / n), MRR: round(sum.MRR / n)}
		}
		rep.Rankers[name] = sum
	}
	return rep, nil
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }
