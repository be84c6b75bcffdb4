package recommender

import "github.com/pdpath/pdpath/recommender/profile"

// MatchBackpack maps a backpack's badge ids (BadgeClass or Achievement ids)
// to catalog credential ids — through each credential's own id or any
// alternative URI a feed used for it — and returns the ids the catalog
// knows, in backpack order, and the ones it does not. The matched ids are
// what to add to a profile's earned list (profile.MergeEarned).
func (e *Engine) MatchBackpack(b profile.Backpack) (matched, unmatched []string) {
	m := e.model.Load()
	for _, id := range b.BadgeIDs {
		if m != nil {
			if i, ok := m.resolve(id); ok {
				matched = append(matched, m.creds[i].ID)
				continue
			}
		}
		unmatched = append(unmatched, id)
	}
	return matched, unmatched
}
