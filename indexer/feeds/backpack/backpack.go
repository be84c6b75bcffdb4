// Package backpack reads what a teacher's badge backpack says she has
// earned: Open Badges 2.0 Assertions, Open Badges 3.0 credentials, CLR 2.0
// credentials and verifiable presentations of them. It returns the ids of
// the badges awarded (BadgeClass or Achievement ids, the ids the catalog
// knows items by) and notes on what it skipped.
package backpack

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

// ErrNoBadges is returned when a backpack document holds no assertion or
// credential that names a badge.
var ErrNoBadges = errors.New("backpack: no Open Badges assertion, Open Badges 3.0 credential or CLR credential")

// Backpack is what a backpack says was earned. BadgeIDs are BadgeClass
// (OB 2.0) or Achievement (OB 3.0, CLR 2.0) ids, in document order without
// repeats. Notes say what was skipped and why (an assertion whose badge
// has no id, a CLR's unawarded achievement list).
type Backpack struct {
	BadgeIDs []string `json:"badge_ids"`
	Notes    []string `json:"notes,omitempty"`
}

// Parse reads earned badges from one JSON document: an Open Badges 2.0
// Assertion (badge as an IRI or an embedded BadgeClass), an Open Badges 3.0
// OpenBadgeCredential/AchievementCredential (credentialSubject.achievement),
// a CLR 2.0 ClrCredential (every credentialSubject.verifiableCredential
// inside it), a verifiable presentation, a JSON-LD @graph, or an array of
// any of these.
func Parse(data []byte) (Backpack, error) {
	var b Backpack
	doc, err := jsonval.Decode(data)
	if err != nil {
		return b, fmt.Errorf("backpack: not valid JSON: %w", err)
	}
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			b.BadgeIDs = append(b.BadgeIDs, id)
		}
	}
	walk("", doc, add, &b.Notes)
	if len(b.BadgeIDs) == 0 {
		return b, ErrNoBadges
	}
	return b, nil
}

// walk visits one node of the document. It only descends through
// containers that hold awarded badges (arrays, @graph, presentations, CLR
// subjects), so a BadgeClass or Achievement merely described — in a catalog
// feed, in a CLR's list of achievements — never counts as earned.
func walk(path string, v any, add func(string), notes *[]string) {
	switch n := v.(type) {
	case []any:
		for i, e := range n {
			walk(jsonval.Pointer(path, i), e, add, notes)
		}
	case map[string]any:
		types := jsonval.TypeSet(n)
		switch {
		case types["Assertion"] || (n["badge"] != nil && n["recipient"] != nil):
			id := jsonval.RefID(n["badge"])
			if id == "" {
				*notes = append(*notes, path+": assertion without a badge id, skipped")
				return
			}
			add(id)
		case types["ClrCredential"]:
			for i, sm := range jsonval.Nodes(n["credentialSubject"]) {
				sub := jsonval.Pointer(path, "credentialSubject", i)
				walk(sub+"/verifiableCredential", sm["verifiableCredential"], add, notes)
				if sm["achievement"] != nil {
					*notes = append(*notes, sub+"/achievement: achievements listed in a CLR without an awarded credential are not counted as earned")
				}
			}
		case types["OpenBadgeCredential"] || types["AchievementCredential"] ||
			(types["VerifiableCredential"] && hasAchievementSubject(n)):
			found := false
			for _, sm := range jsonval.Nodes(n["credentialSubject"]) {
				if id := jsonval.RefID(sm["achievement"]); id != "" {
					add(id)
					found = true
				}
			}
			if !found {
				*notes = append(*notes, path+": credential without credentialSubject.achievement.id, skipped")
			}
		case types["VerifiablePresentation"] || n["verifiableCredential"] != nil:
			walk(path+"/verifiableCredential", n["verifiableCredential"], add, notes)
		case n["@graph"] != nil:
			walk(path+"/@graph", n["@graph"], add, notes)
		default:
			label := strings.Join(slices.Sorted(maps.Keys(types)), ",")
			if label == "" {
				label = "untyped object"
			}
			*notes = append(*notes, fmt.Sprintf("%s: %s is not an earned badge, skipped", orRoot(path), label))
		}
	}
}

func orRoot(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

func hasAchievementSubject(n map[string]any) bool {
	for _, sm := range jsonval.Nodes(n["credentialSubject"]) {
		if sm["achievement"] != nil {
			return true
		}
	}
	return false
}
