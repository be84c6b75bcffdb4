package catalog

import "testing"

func TestResolveID(t *testing.T) {
	catalogIDs := map[string]int{
		"ce-3cc89b41-f339-4684-8473-b8248ac03649":                                                1,
		"https://badges.example.edu/badgeclasses/peer-observation":                               2,
		"https://credentialengineregistry.org/resources/ce-0e46c215-b5fa-4b0c-9b18-bd763f20134c": 3,
		"rusd-coach-04":                   4,
		"http://old.example.org/badge/7/": 5,
	}
	lookup := func(id string) (int, bool) { v, ok := catalogIDs[id]; return v, ok }
	tests := []struct {
		id   string
		want int
	}{
		{"ce-3cc89b41-f339-4684-8473-b8248ac03649", 1},
		{"CE-3CC89B41-F339-4684-8473-B8248AC03649", 1},
		{"https://credentialengineregistry.org/graph/ce-3cc89b41-f339-4684-8473-b8248ac03649", 1},
		{"https://credentialengineregistry.org/resources/ce-3cc89b41-f339-4684-8473-b8248ac03649", 1},
		{"ce-0e46c215-b5fa-4b0c-9b18-bd763f20134c", 3},
		{"http://badges.example.edu/badgeclasses/peer-observation/", 2},
		{" rusd-coach-04 ", 4},
		{"https://old.example.org/badge/7", 5},
		{"rusd-coach-05", 0},
		{"https://badges.example.edu/badgeclasses/peer", 0},
		{"", 0},
	}
	for _, test := range tests {
		got, ok := ResolveID(test.id, lookup)
		if test.want == 0 && ok || test.want != 0 && got != test.want {
			t.Errorf("ResolveID(%q) = %d, %v; want %d", test.id, got, ok, test.want)
		}
	}
}
