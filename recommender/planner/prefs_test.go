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
