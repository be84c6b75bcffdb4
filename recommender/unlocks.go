package recommender

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Unlocks is what earning one credential opens: the items whose
// prerequisites it completes or advances, the stacks it belongs to, and the
// pathways (published in the catalog, or saved by a coach) that include it,
// across issuers.
type Unlocks struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Issuer string `json:"issuer"`
	// Opens lists the items that name it as a prerequisite.
	Opens []Opened `json:"opens"`
	// Stacks lists the stacks and leveled series it is part of.
	Stacks []Stack `json:"stacks"`
	// Pathways lists the pathways that include it.
	Pathways       []PathwayRef `json:"pathways"`
	CatalogVersion int64        `json:"catalog_version,omitempty"`
}

// Opened is one item that lists the credential as a prerequisite.
type Opened struct {
	Item
	// Completes is true when earning the credential alone meets every
	// prerequisite the item asks for; otherwise it advances them and
	// Remaining names the others (ids, or the feed's own identifiers when
	// the catalog does not hold them).
	Completes bool     `json:"completes"`
	Remaining []string `json:"remaining"`
}

// Stack is a stack or leveled series the credential belongs to.
type Stack struct {
	// ID is the stack's own credential id when the stack is a catalog item
	// (a certificate that has parts), else empty.
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
	// Relation says how it was found: "part_of" (the credential names the
	// stack), "has_part" (the stack names the credential) or "series"
	// (one issuer's leveled titles).
	Relation string        `json:"relation"`
	Members  []StackMember `json:"members"`
}

// StackMember is one credential of a stack, in level order.
type StackMember struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Issuer string `json:"issuer"`
	Level  int    `json:"level"`
}

// PathwayRef names a pathway that includes the credential.
type PathwayRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Source is "catalog" for a pathway an issuer published, "saved" for
	// one a coach saved.
	Source string `json:"source"`
}

// SavedPathways finds the saved pathways that include a credential; the
// API supplies one over its pathway store. Nil means none.
type SavedPathways interface {
	PathwaysWith(ctx context.Context, credentialID string) ([]PathwayRef, error)
}

// Unlocks answers "what opens if I earn id?". Unknown ids are ErrNotFound.
func (e *Engine) Unlocks(ctx context.Context, id string, saved SavedPathways) (Unlocks, error) {
	m, err := e.current()
	if err != nil {
		return Unlocks{}, err
	}
	i, ok := m.resolve(id)
	if !ok {
		return Unlocks{}, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	c := m.creds[i]
	out := Unlocks{ID: c.ID, Title: c.Title, Issuer: c.Issuer, Opens: []Opened{}, Stacks: []Stack{}, Pathways: []PathwayRef{}, CatalogVersion: m.version}
	for _, j := range m.successors[i] {
		s := m.creds[j]
		if !s.Active() {
			continue
		}
		var remaining []string
		for _, p := range m.prereqs[j] {
			if p != i {
				remaining = append(remaining, m.creds[p].ID)
			}
		}
		remaining = append(remaining, m.unresolved[j]...)
		need := s.PrerequisitesMin
		total := len(m.prereqs[j]) + len(m.unresolved[j])
		if need <= 0 || need > total {
			need = total
		}
		o := Opened{Item: m.newItem(j, 0, nil, nil), Completes: need <= 1, Remaining: remaining}
		if o.Remaining == nil || o.Completes {
			o.Remaining = []string{}
		}
		out.Opens = append(out.Opens, o)
	}
	slices.SortStableFunc(out.Opens, func(a, b Opened) int {
		if a.Completes != b.Completes {
			if a.Completes {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})

	member := func(j int32) StackMember {
		return StackMember{ID: m.creds[j].ID, Title: m.creds[j].Title, Issuer: m.creds[j].Issuer, Level: m.levels[j]}
	}
	seen := map[string]bool{}
	addStack := func(st Stack) {
		key := st.ID + "|" + st.Title
		if seen[key] || len(st.Members) == 0 {
			return
		}
		seen[key] = true
		out.Stacks = append(out.Stacks, st)
	}
	// Stacks that name their parts (a certificate's has_part) or that the
	// credential names (part_of), across issuers.
	for _, k := range m.containers[i] {
		sc := m.creds[k]
		st := Stack{ID: sc.ID, Title: sc.Title, Relation: "has_part"}
		for _, part := range sc.HasPart {
			if j, ok := m.resolve(part); ok {
				st.Members = append(st.Members, member(j))
			}
		}
		if isPathway(sc.Type) {
			out.Pathways = append(out.Pathways, PathwayRef{ID: sc.ID, Title: sc.Title, Source: "catalog"})
			continue
		}
		addStack(st)
	}
	for _, name := range c.PartOf {
		st := Stack{Title: name, Relation: "part_of"}
		if k, ok := m.resolve(name); ok {
			st.ID, st.Title = m.creds[k].ID, m.creds[k].Title
		}
		for _, j := range m.partOf[name] {
			st.Members = append(st.Members, member(j))
		}
		addStack(st)
	}
	if s := m.series[i]; s >= 0 && len(out.Stacks) == 0 {
		st := Stack{Title: seriesTitle(m, m.seriesMembers[s]), Relation: "series"}
		for _, j := range m.seriesMembers[s] {
			st.Members = append(st.Members, member(j))
		}
		addStack(st)
	}
	for k := range out.Stacks {
		slices.SortStableFunc(out.Stacks[k].Members, func(a, b StackMember) int { return cmp.Compare(a.Level, b.Level) })
	}
	if saved != nil {
		refs, err := saved.PathwaysWith(ctx, c.ID)
		if err != nil {
			return Unlocks{}, fmt.Errorf("recommender: saved pathways with %q: %w", c.ID, err)
		}
		out.Pathways = append(out.Pathways, refs...)
	}
	return out, nil
}

// isPathway reports whether a feed type names a pathway (CTDL
// ceterms:Pathway and its kin) rather than a credential.
func isPathway(typ string) bool {
	return strings.Contains(strings.ToLower(typ), "pathway")
}

// seriesTitle names a leveled series by what its members' titles share
// before the level marker, else the first member's title.
func seriesTitle(m *Model, members []int32) string {
	if len(members) == 0 {
		return ""
	}
	t := m.creds[members[0]].Title
	if loc := levelMarker.FindStringIndex(t); loc != nil && loc[0] > 0 {
		return strings.TrimRight(strings.TrimSpace(t[:loc[0]]), ",:;-–—")
	}
	return t
}
