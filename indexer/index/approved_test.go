package index

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestApprovedInFilterAndFacet: a teacher in Riverbend looks for items her
// district accepts for PD credit; an Illinois approval counts there, another
// district's does not, and the facet counts approvals as stated.
func TestApprovedInFilterAndFacet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Create(dir, udlParent)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	creds := []*catalog.Credential{
		{ID: "state", Title: "Restorative Circles", Issuer: "A", ApprovedIn: []string{"US-IL"}},
		{ID: "district", Title: "Restorative Conversations", Issuer: "A", ApprovedIn: []string{"US-IL:district:riverbend-usd"}},
		{ID: "other-district", Title: "Restorative Practice Lead", Issuer: "B", ApprovedIn: []string{"US-IL:district:lakeview"}},
		{ID: "other-state", Title: "Restorative Justice", Issuer: "B", ApprovedIn: []string{"US-WI"}},
		{ID: "unstated", Title: "Restorative Basics", Issuer: "B"},
	}
	if err := ix.Apply(context.Background(), creds, nil, 1, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		jurisdiction string
		want         []string
	}{
		{"US-IL:district:riverbend-usd", []string{"district", "state"}},
		{"US-IL", []string{"state"}},
		{"US-WI", []string{"other-state"}},
		{"", []string{"district", "other-district", "other-state", "state", "unstated"}},
	}
	for _, test := range tests {
		t.Run(test.jurisdiction, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Query: "restorative", ApprovedIn: test.jurisdiction, Limit: 10, Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			slices.Sort(got)
			if !slices.Equal(got, test.want) {
				t.Errorf("approved_in %q: %v, want %v", test.jurisdiction, got, test.want)
			}
		})
	}
	res, err := ix.Search(context.Background(), Request{Facets: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Facets["approved_in"]); n != 4 {
		t.Errorf("approved_in facet has %d values, want 4: %v", n, res.Facets["approved_in"])
	}
}
