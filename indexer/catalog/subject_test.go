package catalog

import "testing"

func TestSubject(t *testing.T) {
	tests := map[string]string{
		"Mathematics":               "math",
		"  English  Language Arts ": "ela",
		"Computer Science":          "cs",
		"All content areas":         "general",
		"Biology":                   "biology",
		"":                          "",
	}
	for in, want := range tests {
		if got := Subject(in); got != want {
			t.Errorf("Subject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubjectsSuit(t *testing.T) {
	tests := []struct {
		name       string
		have, want []string
		suits      bool
	}{
		{"same word", []string{"math"}, []string{"math"}, true},
		{"other spelling", []string{"Mathematics"}, []string{"math"}, true},
		{"her spelling", []string{"ela"}, []string{"English Language Arts"}, true},
		{"for every subject", []string{"general"}, []string{"science"}, true},
		{"for every subject, other words", []string{"Cross-curricular"}, []string{"arts"}, true},
		{"part of her area", []string{"biology"}, []string{"science"}, true},
		{"her part of the area", []string{"science"}, []string{"chemistry"}, true},
		{"history in social studies", []string{"US History"}, []string{"social studies"}, true},
		{"STEM for a math teacher", []string{"stem"}, []string{"math"}, true},
		{"physics for a STEM teacher", []string{"physics"}, []string{"STEM"}, true},
		{"siblings in an area", []string{"chemistry"}, []string{"biology"}, false},
		{"another subject", []string{"math"}, []string{"ela"}, false},
		{"STEM is not ELA", []string{"stem"}, []string{"ela"}, false},
		{"nothing stated", nil, []string{"math"}, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := SubjectsSuit(test.have, test.want); got != test.suits {
				t.Errorf("SubjectsSuit(%q, %q) = %v, want %v", test.have, test.want, got, test.suits)
			}
		})
	}
}
