package recommender

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func TestRecommend(t *testing.T) {
	e := newTestEngine(t, nil)
	byID := loadTestSnapshot(t, 1).ByID()
	tests := []struct {
		name    string
		profile catalog.Profile
		limit   int
		check   func(t *testing.T, res Result)
	}{
		{
			name:    "synonyms: quiet students talk more finds discussion protocols",
			profile: catalog.Profile{Goals: "quiet students talk more"},
			check: func(t *testing.T, res Result) {
				top := ids(res)[:min(5, len(res.Items))]
				if !slices.Contains(top, "disc-socratic") && !slices.Contains(top, "disc-protocols") {
					t.Errorf("top 5 = %v, want a discussion-protocol credential (disc-socratic or disc-protocols)", top)
				}
			},
		},
		{
			name:    "earned never returned",
			profile: catalog.Profile{Goals: "classroom discussion talk moves participation", Earned: []string{"disc-talkmoves", "disc-protocols"}},
			limit:   40,
			check: func(t *testing.T, res Result) {
				for _, id := range []string{"disc-talkmoves", "disc-protocols"} {
					if slices.Contains(ids(res), id) {
						t.Errorf("earned %s returned", id)
					}
				}
			},
		},
		{
			name:    "budget filter is inclusive",
			profile: catalog.Profile{Goals: "formative assessment feedback", Preferences: catalog.Preferences{MaxCostUSD: fptr(20)}},
			limit:   40,
			check: func(t *testing.T, res Result) {
				for _, it := range res.Items {
					if c := byID[it.ID]; c.CostUSD != nil && *c.CostUSD > 20 {
						t.Errorf("%s costs $%g, above the $20 limit", it.ID, *c.CostUSD)
					}
				}
				if !slices.Contains(ids(res), "fa-2") {
					t.Errorf("fa-2 costs exactly $20 and must pass; got %v", ids(res))
				}
				for _, id := range []string{"fa-3", "assess-rubrics"} {
					if slices.Contains(ids(res), id) {
						t.Errorf("%s costs more than $20 but was returned", id)
					}
				}
				if len(res.Relaxed) != 0 {
					t.Errorf("relaxed %v, want none", res.Relaxed)
				}
			},
		},
		{
			name:    "next level after an earned level 1",
			profile: catalog.Profile{Earned: []string{"fa-1"}},
			check: func(t *testing.T, res Result) {
				it, ok := itemByID(res, "fa-2")
				if !ok {
					t.Fatalf("fa-2 missing from %v", ids(res))
				}
				if res.Items[0].ID != "fa-2" {
					t.Errorf("first item %s, want fa-2 (the next level)", res.Items[0].ID)
				}
				if !hasReason(it, "Next level after Formative Assessment Level 1") {
					t.Errorf("fa-2 reasons %q lack the next-level reason", it.Reasons)
				}
				if !hasReason(it, `Prerequisites met: you hold "Formative Assessment Level 1"`) {
					t.Errorf("fa-2 reasons %q lack prerequisite status", it.Reasons)
				}
			},
		},
		{
			name:    "missing prerequisite named and suggested with it",
			profile: catalog.Profile{Goals: "lead multi-week coaching cycles with video analysis"},
			check: func(t *testing.T, res Result) {
				adv, ok := itemByID(res, "coach-adv")
				if !ok {
					t.Fatalf("coach-adv missing from %v", ids(res))
				}
				if !hasReason(adv, `Requires "Instructional Coaching Foundations", which you have not earned yet`) {
					t.Errorf("coach-adv reasons %q do not name the missing prerequisite", adv.Reasons)
				}
				found, ok := itemByID(res, "coach-found")
				if !ok {
					t.Fatalf("the prerequisite coach-found is not suggested with it: %v", ids(res))
				}
				if slices.Index(ids(res), "coach-found") > slices.Index(ids(res), "coach-adv") {
					t.Errorf("prerequisite ranked after the credential it unlocks: %v", ids(res))
				}
				if !hasReason(found, "Prerequisite for Advanced Coaching Cycles") {
					t.Errorf("coach-found reasons %q", found.Reasons)
				}
			},
		},
		{
			name:    "guideline gap met by checkpoints, with framework, code and name",
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "UDL", Code: "7", Weight: 1}}},
			check: func(t *testing.T, res Result) {
				top := ids(res)[:3]
				if !slices.Contains(top, "udl-engage") || !slices.Contains(top, "udl-guideline7") {
					t.Errorf("top 3 = %v, want udl-engage and udl-guideline7", top)
				}
				it, _ := itemByID(res, "udl-engage")
				if !hasReason(it, "Covers your gap UDL 7 (") || !hasReason(it, "through UDL 7.") {
					t.Errorf("udl-engage reasons %q", it.Reasons)
				}
			},
		},
		{
			name:    "checkpoint gap partly met by its guideline",
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "UDL", Code: "7.2"}}},
			limit:   20,
			check: func(t *testing.T, res Result) {
				it, ok := itemByID(res, "udl-guideline7")
				if !ok || !hasReason(it, "Partly addresses your gap UDL 7.2") || hasReason(it, "Covers") {
					t.Errorf("udl-guideline7 = %+v, want a partly-addresses reason and no covers", it)
				}
				if w := gapWhy(it, "UDL:7.2"); w.Match != "parent" || w.Via != "UDL:7" {
					t.Errorf("udl-guideline7 gap why = %+v, want match parent via UDL:7", w)
				}
				if i, j := slices.Index(ids(res), "udl-engage"), slices.Index(ids(res), "udl-guideline7"); i < 0 || i > j {
					t.Errorf("exact checkpoint match udl-engage should outrank the guideline: %v", ids(res))
				}
			},
		},
		{
			name:    "crosswalk: an InTASC gap reaches FFT-aligned credentials",
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "FFT", Code: "3d"}}},
			limit:   20,
			check: func(t *testing.T, res Result) {
				it, ok := itemByID(res, "tech-data") // InTASC:6 and ISTE-E only
				if !ok || !hasReason(it, "Related to your gap FFT 3d") || hasReason(it, "Covers") {
					t.Errorf("tech-data = %+v, want it related (not covering) through the crosswalk", it)
				}
				if w := gapWhy(it, "FFT:3d"); w.Match != "crosswalk" || w.Via != "InTASC:6" {
					t.Errorf("tech-data gap why = %+v, want match crosswalk via its own InTASC:6", w)
				}
			},
		},
		{
			name: "unstated format ranks below a stated match and says so",
			// udl-choice and udl-choice-online are the same offering;
			// only the second states its format.
			profile: catalog.Profile{Gaps: []catalog.Gap{{Framework: "UDL", Code: "7.1"}},
				Preferences: catalog.Preferences{Formats: []string{"online"}}},
			check: func(t *testing.T, res Result) {
				i, j := slices.Index(ids(res), "udl-choice-online"), slices.Index(ids(res), "udl-choice")
				if i < 0 || j < 0 || i > j {
					t.Fatalf("want udl-choice-online (online) above udl-choice (no format): %v", ids(res))
				}
				if it, _ := itemByID(res, "udl-choice"); !hasReason(it, "Does not state its format") {
					t.Errorf("udl-choice reasons %q", it.Reasons)
				}
				if slices.Contains(ids(res), "udl-guideline7") {
					t.Error("in-person credential returned despite formats [online]")
				}
			},
		},
		{
			name: "nothing matches: relax the filter that blocks, and say which",
			profile: catalog.Profile{Goals: "science inquiry",
				Preferences: catalog.Preferences{Issuers: []string{"No Such Issuer"}, Subjects: []string{"science"}, MaxCostUSD: fptr(0)}},
			check: func(t *testing.T, res Result) {
				if len(res.Items) == 0 {
					t.Fatal("no items after relaxing")
				}
				if !slices.Equal(res.Relaxed, []string{"issuers"}) {
					t.Errorf("relaxed = %v, want [issuers]", res.Relaxed)
				}
				for _, it := range res.Items {
					if c := byID[it.ID]; c.CostUSD == nil || *c.CostUSD != 0 {
						t.Errorf("%s is not free; only issuers was relaxed", it.ID)
					}
					if !hasReason(it, "Outside your preferences: issued by") {
						t.Errorf("%s reasons %q do not say the issuer filter was relaxed", it.ID, it.Reasons)
					}
				}
			},
		},
		{
			name:    "cold start: entry level, cheap, diverse",
			profile: catalog.Profile{},
			check: func(t *testing.T, res Result) {
				if len(res.Items) != 10 {
					t.Fatalf("got %d items", len(res.Items))
				}
				issuers := map[string]bool{}
				entry := 0
				for _, it := range res.Items {
					issuers[it.Issuer] = true
					if hasReason(it, "level 1") && hasReason(it, "No prerequisites") {
						entry++
					}
					if !hasReason(it, "starting point") {
						t.Errorf("%s: reasons %q lack the cold-start explanation", it.ID, it.Reasons)
					}
				}
				if len(issuers) < 4 {
					t.Errorf("cold start uses %d issuers, want ≥ 4", len(issuers))
				}
				if entry < 8 {
					t.Errorf("%d of 10 entry-level without prerequisites, want ≥ 8", entry)
				}
			},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res, err := e.Recommend(context.Background(), test.profile, RecommendOptions{Limit: test.limit})
			if err != nil {
				t.Fatal(err)
			}
			for k, it := range res.Items {
				if len(it.Reasons) == 0 {
					t.Errorf("%s has no reasons", it.ID)
				}
				if k > 0 && it.Score > res.Items[k-1].Score {
					t.Errorf("scores not best first at %d", k)
				}
			}
			test.check(t, res)
		})
	}
}

// TestDiversityKeepsNearCopiesApart: three issuers publish the same
// classroom-management course. Without diversity the copies fill the top
// three; with it, a different credential comes right after the first.
func TestDiversityKeepsNearCopiesApart(t *testing.T) {
	p := catalog.Profile{Goals: "classroom management routines and expectations, and restorative conversations"}
	isCopy := func(id string) bool { return strings.HasPrefix(id, "cm-essentials") }
	plain := DefaultWeights
	plain.Diversity = 0
	res, err := newTestEngine(t, &plain).Recommend(context.Background(), p, RecommendOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !isCopy(got[0]) || !isCopy(got[1]) || !isCopy(got[2]) {
		t.Fatalf("test premise: without diversity the copies should fill the top 3, got %v", got)
	}
	res, err = newTestEngine(t, nil).Recommend(context.Background(), p, RecommendOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(res)
	if !isCopy(got[0]) {
		t.Errorf("the best match should still lead: %v", got)
	}
	if isCopy(got[1]) {
		t.Errorf("with diversity a near-copy follows the first: %v", got)
	}
}

func TestResultJSON(t *testing.T) {
	e := newTestEngine(t, nil)
	res, err := e.Recommend(context.Background(), catalog.Profile{Goals: "formative assessment"}, RecommendOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"id", "title", "issuer", "score", "reasons"} {
		if _, ok := doc.Items[0][key]; !ok {
			t.Errorf("item JSON %s lacks %q", b, key)
		}
	}
}

func TestWhyNot(t *testing.T) {
	e := newTestEngine(t, nil)
	ctx := context.Background()
	base := catalog.Profile{Goals: "instructional coaching cycles", Earned: []string{"fa-1"},
		Preferences: catalog.Preferences{MaxCostUSD: fptr(50)}}
	tests := []struct {
		id     string
		status string
		reason string
	}{
		{"fa-1", StatusEarned, "already hold"},
		{"coach-adv", StatusFiltered, "costs $80, above your limit of $50"},
		{"coach-found", StatusSuggested, "Suggested at position"},
		{"read-sor", StatusFiltered, "costs $75"},
		{"read-writing", StatusRanked, "Matches none of the words of your goals"},
	}
	for _, test := range tests {
		t.Run(test.id, func(t *testing.T) {
			ex, err := e.WhyNot(ctx, base, test.id, RecommendOptions{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Status != test.status && !(test.status == StatusRanked && ex.Status == StatusNotMatched) {
				t.Errorf("status = %s, want %s (reasons %q)", ex.Status, test.status, ex.Reasons)
			}
			if !slices.ContainsFunc(ex.Reasons, func(r string) bool { return strings.Contains(r, test.reason) }) {
				t.Errorf("reasons %q lack %q", ex.Reasons, test.reason)
			}
		})
	}
	if _, err := e.WhyNot(ctx, base, "no-such-id", RecommendOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: err = %v, want ErrNotFound", err)
	}
}

func TestSimilar(t *testing.T) {
	e := newTestEngine(t, nil)
	res, err := e.Similar(context.Background(), "fa-2", 5)
	if err != nil {
		t.Fatal(err)
	}
	got := ids(res)
	if slices.Contains(got, "fa-2") {
		t.Error("Similar returned the credential itself")
	}
	if !slices.Contains(got, "fa-1") || !slices.Contains(got, "fa-3") {
		t.Errorf("Similar(fa-2) = %v, want the other levels of its series", got)
	}
	res, err = e.Similar(context.Background(), "cm-essentials-a", 5)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, id := range ids(res) {
		if strings.HasPrefix(id, "cm-essentials") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Similar(cm-essentials-a) lists %d near-copies, want exactly 1: %v", n, ids(res))
	}
	if _, err := e.Similar(context.Background(), "nope", 5); !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestNotReady(t *testing.T) {
	e := New(Options{})
	if _, err := e.Recommend(context.Background(), catalog.Profile{}, RecommendOptions{}); !errors.Is(err, ErrNotReady) {
		t.Errorf("err = %v, want ErrNotReady", err)
	}
}

// TestPrerequisiteComesJustAhead pins where a missing prerequisite lands
// when the item it opens is what she asked for: directly ahead of that
// item, not above the other items that match her better. A first step
// that merely shares a stack ("Online Facilitation, Level 1" for a
// goal about lecturing) must not lead the list on its successor's merit.
func TestPrerequisiteComesJustAhead(t *testing.T) {
	e := newTestEngine(t, nil)
	m, err := e.current()
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.newRequest(context.Background(), m, catalog.Profile{Goals: "lead multi-week coaching cycles with video analysis"}, false)
	if err != nil {
		t.Fatal(err)
	}
	ranked, _ := r.rank(10)
	var adv, found *cand
	for _, c := range ranked {
		switch m.creds[c.idx].ID {
		case "coach-adv":
			adv = c
		case "coach-found":
			found = c
		}
	}
	if adv == nil || found == nil || adv.steps != 1 {
		t.Fatalf("test premise: coach-adv one step away and coach-found a candidate (%v, %v)", adv, found)
	}
	tests := []struct {
		name        string
		own         float64 // coach-found's own score before the lift
		wantScore   float64
		wantUnlocks bool
	}{
		{"weak on its own: lifted just ahead", 0.01, adv.score * 1.001, true},
		{"strong on its own: keeps its score and says what it opens", adv.score * 1.5, adv.score * 1.5, true},
		{"far stronger on its own: the weaker item is not its reason", adv.score * 3, adv.score * 3, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			found.score, found.unlocks = test.own, -1
			r.promotePrerequisites(ranked)
			if math.Abs(found.score-test.wantScore) > 1e-9 {
				t.Errorf("coach-found score %.4f, want %.4f (coach-adv %.4f)", found.score, test.wantScore, adv.score)
			}
			if got := found.unlocks == adv.idx; got != test.wantUnlocks {
				t.Errorf("unlocks coach-adv = %v, want %v", got, test.wantUnlocks)
			}
		})
	}
}

// TestEarnedInOtherSpellings: a credential she holds is never suggested,
// however she writes its id: a CTID in capitals or inside the registry's
// graph URI, a badge URL with http or a trailing slash.
func TestEarnedInOtherSpellings(t *testing.T) {
	cs := []*catalog.Credential{
		{ID: "ce-3cc89b41-f339-4684-8473-b8248ac03649", Issuer: "A", Title: "Mentoring Conversations"},
		{ID: "https://badges.example.edu/badgeclasses/mentoring-cycles", Issuer: "B", Title: "Mentoring Cycles"},
		{ID: "mentoring-basics", Issuer: "C", Title: "Mentoring Basics"},
	}
	for _, c := range cs {
		c.Status = catalog.StatusActive
		c.Description = "Mentoring conversations with new teachers."
	}
	e := New(Options{})
	if err := e.Rebuild(context.Background(), &catalog.Snapshot{Version: 1, Credentials: cs}); err != nil {
		t.Fatal(err)
	}
	p := catalog.Profile{ID: "t", Goals: "mentoring new teachers", Earned: []string{
		"https://credentialengineregistry.org/graph/CE-3CC89B41-F339-4684-8473-B8248AC03649",
		"http://badges.example.edu/badgeclasses/mentoring-cycles/",
	}}
	res, err := e.Recommend(context.Background(), p, RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) != 1 || got[0] != "mentoring-basics" {
		t.Errorf("suggested %v; want only mentoring-basics, the one she does not hold", got)
	}
}
