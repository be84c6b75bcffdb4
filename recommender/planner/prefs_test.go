package planner

import (
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

func TestMemberFilterSubjects(t *testing.T) {
	tests := []struct {
		name    string
		want    []string
		item    []string
		allowed bool
	}{
		{"item for every subject", []string{"science"}, []string{"general"}, true},
		{"every subject, other words", []string{"science"}, []string{"All content areas"}, true},
		{"a part of her subject", []string{"science"}, []string{"Biology"}, true},
		{"her subject, another spelling", []string{"math"}, []string{"Mathematics"}, true},
		{"another subject", []string{"math"}, []string{"ela"}, false},
		{"no subject stated", []string{"math"}, nil, true},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			why := memberFilter(catalog.Preferences{Subjects: test.want}, &catalog.Credential{ID: "x", Subjects: test.item})
			if (why == "") != test.allowed {
				t.Errorf("memberFilter = %q, want allowed %v", why, test.allowed)
			}
		})
	}
}

// TestPlanEarnedInOtherSpellings: a prerequisite she holds, written as
// the registry's graph URI of its CTID in capitals, is not planned again.
func TestPlanEarnedInOtherSpellings(t *testing.T) {
	first := cred("ce-3cc89b41-f339-4684-8473-b8248ac03649", 50, 5, "T:A")
	second := cred("next", 40, 5, "T:B")
	second.Prerequisites = []string{first.ID}
	got := plan(t, []*catalog.Credential{first, second}, Request{
		Targets: targets("T:B"),
		Earned:  []string{"https://credentialengineregistry.org/graph/CE-3CC89B41-F339-4684-8473-B8248AC03649"},
	})
	if ids := stepIDs(got); len(ids) != 1 || ids[0] != "next" {
		t.Errorf("steps %v; want only next, its prerequisite being held", ids)
	}
}
