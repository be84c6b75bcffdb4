package openbadges3

import (
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestAchievementKind reads an achievement's achievementType as the kind of
// catalog item it is.
func TestAchievementKind(t *testing.T) {
	tests := []struct {
		achievementType string
		want            string
	}{
		{"Course", catalog.KindLearningOpportunity},
		{"LearningProgram", catalog.KindLearningOpportunity},
		{"Assessment", catalog.KindAssessment},
		{"Badge", ""},
		{"ext:Workshop", catalog.KindLearningOpportunity},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.achievementType, func(t *testing.T) {
			doc := `{"type":["Achievement"],"id":"urn:a","name":"A","achievementType":"` + tt.achievementType + `"}`
			res := Parse("a.json", []byte(doc))
			if len(res.Credentials) != 1 {
				t.Fatalf("got %+v", res)
			}
			c := res.Credentials[0].Credential
			if c.Kind != tt.want {
				t.Errorf("kind %q, want %q", c.Kind, tt.want)
			}
			if c.ItemKind() == "" {
				t.Error("every item reads as a kind")
			}
		})
	}
}
