package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/derrors"
)

// ErrNoBadges is returned when a backpack document holds no assertion or
// credential that names a badge.
var ErrNoBadges = derrors.New(derrors.Invalid, "profile: backpack holds no Open Badges assertion, Open Badges 3.0 credential or CLR credential")

// Backpack is what a teacher's badge backpack says she has earned.
// BadgeIDs are BadgeClass (OB 2.0) or Achievement (OB 3.0, CLR 2.0) ids, in
// document order without repeats: the ids the catalog knows credentials by.
// Notes say what was skipped and why (an assertion whose badge has no id, a
// CLR's unawarded achievement list).
type Backpack struct {
	BadgeIDs []string `json:"badge_ids"`
	Notes    []string `json:"notes,omitempty"`
}

// ParseBackpack reads earned badges from one JSON document: an Open Badges
// 2.0 Assertion (badge as an IRI or an embedded BadgeClass), an Open Badges
// 3.0 OpenBadgeCredential/AchievementCredential
// (credentialSubject.achievement.id), a CLR 2.0 ClrCredential (every
// credentialSubject.verifiableCredential inside it), a verifiable
// presentation, a JSON-LD @graph, or an array of any of these.
func ParseBackpack(data []byte) (Backpack, error) {
	var b Backpack
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return b, fmt.Errorf("profile: backpack is not valid JSON: %w", err)
	}
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			b.BadgeIDs = append(b.BadgeIDs, id)
		}
	}
	walkBackpack("", doc, add, &b.Notes)
	if len(b.BadgeIDs) == 0 {
		return b, ErrNoBadges
	}
	return b, nil
}

// walkBackpack visits one node of the document. It only descends through
// containers that hold awarded badges (arrays, @graph, presentations, CLR
// subjects), so a BadgeClass or Achievement merely described — in a catalog
// feed, in a CLR's list of achievements — never counts as earned.
func walkBackpack(path string, v any, add func(string), notes *[]string) {
	switch n := v.(type) {
	case []any:
		for i, e := range n {
			walkBackpack(fmt.Sprintf("%s/%d", path, i), e, add, notes)
		}
	case map[string]any:
		types := typeNames(n)
		switch {
		case types["Assertion"] || (n["badge"] != nil && n["recipient"] != nil):
			id := nodeID(n["badge"])
			if id == "" {
				*notes = append(*notes, path+": assertion without a badge id, skipped")
				return
			}
			add(id)
		case types["ClrCredential"]:
			for i, s := range asList(n["credentialSubject"]) {
				sm, ok := s.(map[string]any)
				if !ok {
					continue
				}
				sub := fmt.Sprintf("%s/credentialSubject/%d", path, i)
				walkBackpack(sub+"/verifiableCredential", sm["verifiableCredential"], add, notes)
				if sm["achievement"] != nil {
					*notes = append(*notes, sub+"/achievement: achievements listed in a CLR without an awarded credential are not counted as earned")
				}
			}
		case types["OpenBadgeCredential"] || types["AchievementCredential"] ||
			(types["VerifiableCredential"] && hasAchievementSubject(n)):
			found := false
			for _, s := range asList(n["credentialSubject"]) {
				if sm, ok := s.(map[string]any); ok {
					if id := nodeID(sm["achievement"]); id != "" {
						add(id)
						found = true
					}
				}
			}
			if !found {
				*notes = append(*notes, path+": credential without credentialSubject.achievement.id, skipped")
			}
		case types["VerifiablePresentation"] || n["verifiableCredential"] != nil:
			walkBackpack(path+"/verifiableCredential", n["verifiableCredential"], add, notes)
		case n["@graph"] != nil:
			walkBackpack(path+"/@graph", n["@graph"], add, notes)
		default:
			label := strings.Join(sortedKeys(types), ",")
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
	for _, s := range asList(n["credentialSubject"]) {
		if sm, ok := s.(map[string]any); ok && sm["achievement"] != nil {
			return true
		}
	}
	return false
}

// typeNames returns the node's type or @type values, which JSON-LD allows as
// a string or an array, with any prefix ("obi:Assertion") removed.
func typeNames(n map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, key := range []string{"type", "@type"} {
		for _, t := range asList(n[key]) {
			if s, ok := t.(string); ok {
				if i := strings.LastIndexAny(s, ":#/"); i >= 0 {
					s = s[i+1:]
				}
				out[s] = true
			}
		}
	}
	return out
}

// nodeID returns a reference's id: the string itself for an IRI, else the
// object's id or @id.
func nodeID(v any) string {
	switch n := v.(type) {
	case string:
		return strings.TrimSpace(n)
	case map[string]any:
		for _, k := range []string{"id", "@id"} {
			if s, ok := n[k].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

func asList(v any) []any {
	switch n := v.(type) {
	case nil:
		return nil
	case []any:
		return n
	default:
		return []any{n}
	}
}

func sortedKeys(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}
