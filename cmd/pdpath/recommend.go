package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/profile"
)

func runRecommend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "recommend", "[--index DIR] --profile FILE|- [--backpack FILE] [--limit N] [--why-not ID] [--json]")
	fs.docs = "The educator profile, the backpack and the --json output, with examples: recommender/README.md in the pdpath repository."
	fs.indexFlag()
	profilePath := fs.String("profile", "", "educator profile JSON (shape in recommender/README.md), or - for standard input")
	backpackPath := fs.String("backpack", "", "earned badges: OB 2.0 Assertions, OB 3.0 credentials or a CLR 2.0, added to earned")
	limit := fs.Int("limit", 10, "how many suggestions")
	whyNot := fs.String("why-not", "", "explain why this credential id is (not) suggested instead of listing suggestions")
	if _, err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	if *profilePath == "" {
		return usagef("--profile is required (use - for standard input)")
	}
	if *limit < 1 {
		return usagef("--limit must be at least 1")
	}
	data, err := readJSON(e, *profilePath)
	if err != nil {
		return err
	}
	var backpack []byte
	var notInCatalog []string
	if *backpackPath != "" {
		if backpack, err = readJSON(e, *backpackPath); err != nil {
			return err
		}
	}

	cat, eng, err := openEngine(ctx, fs)
	if err != nil {
		return err
	}
	defer cat.Close()
	p, err := profile.ParseAndValidate(data, eng.Model())
	if err != nil {
		return fmt.Errorf("profile %s: %w%s", inputName(*profilePath), err, requestBodyHint(data))
	}
	if backpack != nil {
		b, err := profile.ParseBackpack(backpack)
		if err != nil {
			return fmt.Errorf("backpack %s: %w", inputName(*backpackPath), err)
		}
		matched, unmatched := eng.MatchBackpack(b)
		profile.MergeEarned(&p, matched)
		notInCatalog = unmatched
		if len(unmatched) > 0 {
			fmt.Fprintf(e.stderr, "backpack: %d badge(s) not in the catalog: %s\n", len(unmatched), strings.Join(unmatched, ", "))
		}
	}

	opts := recommender.RecommendOptions{Limit: *limit}
	if *whyNot != "" {
		ex, err := eng.WhyNot(ctx, p, *whyNot, opts)
		if err != nil {
			return err
		}
		if fs.json {
			return writeJSON(e.stdout, ex)
		}
		fmt.Fprintf(e.stdout, "%s — %s: %s\n", ex.ID, ex.Title, ex.Status)
		for _, r := range ex.Reasons {
			fmt.Fprintf(e.stdout, "  - %s\n", r)
		}
		return nil
	}
	res, err := eng.Recommend(ctx, p, opts)
	if err != nil {
		return err
	}
	res.NotInCatalog = notInCatalog
	if fs.json {
		return writeJSON(e.stdout, res)
	}
	printRecommendations(e.stdout, res)
	return nil
}

// printRecommendations writes what the JSON answer holds for people:
// relaxed preferences, backpack badges the catalog does not hold, and for
// each item its facts (naming unknown cost and hours) and reasons.
func printRecommendations(w io.Writer, res recommender.Result) {
	if len(res.Relaxed) > 0 {
		fmt.Fprintf(w, "Nothing met every preference, so these were relaxed: %s\n", strings.Join(res.Relaxed, ", "))
	}
	if len(res.NotInCatalog) > 0 {
		fmt.Fprintf(w, "Backpack: %d badge(s) are not in the catalog and were not counted as earned: %s\n",
			len(res.NotInCatalog), strings.Join(res.NotInCatalog, ", "))
	}
	if len(res.Items) == 0 {
		fmt.Fprintln(w, "No suggestions.")
	}
	for i, it := range res.Items {
		fmt.Fprintf(w, "%2d. %s — %s  (score %.3f)\n    %s\n", i+1, it.Title, it.Issuer, it.Score, it.ID)
		fmt.Fprintf(w, "    %s, %s\n", strings.ReplaceAll(it.Kind, "_", " "), factsLine(it.CostUSD, it.Hours, it.Format, it.Level))
		if it.URL != "" {
			fmt.Fprintf(w, "    %s\n", it.URL)
		}
		for _, r := range it.Reasons {
			fmt.Fprintf(w, "    - %s\n", r)
		}
	}
}

// requestBodyHint says so when a --profile file is a POST
// /v1/recommendations body ({"profile": {...}, "limit": N}) rather than the
// profile itself: the most common mix-up between the API and the command.
func requestBodyHint(data []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return ""
	}
	if _, ok := top["profile"]; !ok {
		return ""
	}
	return `; the file looks like an API request body: --profile takes the profile itself (the value of "profile"), and --backpack the backpack`
}
