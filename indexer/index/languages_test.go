package index

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// feedItems are catalog items as real feeds state them: a bilingual
// Arabic/English record, a French and German one, a learning opportunity
// and an assessment, an uncoded competency, and an issuer whose name
// stems like another item's title.
func feedItems() []*catalog.Credential {
	return []*catalog.Credential{
		{ID: "bilingual", Title: "Classroom Assessment Literacy", Description: "Using evidence of learning to plan instruction.",
			Titles:       map[string]string{"en": "Classroom Assessment Literacy", "ar": "محو الأمية في التقييم الصفي"},
			Descriptions: map[string]string{"en": "Using evidence of learning to plan instruction.", "ar": "استخدام أدلة التعلم لتخطيط التدريس والمعلمين"},
			Issuer:       "Gulf Teacher Academy"},
		{ID: "francais", Title: "Bachelor Erziehung", Titles: map[string]string{"de": "Bachelor Erziehung", "fr-CA": "Baccalauréat en éducation préscolaire"},
			Issuer: "Université Exemple", Kind: catalog.KindCredential},
		{ID: "course", Title: "Evaluating Your Course Design", Issuer: "Quality Matters", Kind: catalog.KindLearningOpportunity,
			Competencies: []catalog.Competency{{Framework: "QM Rubric", Name: "Learner interaction and engagement"}}},
		{ID: "exam", Title: "Praxis Reading Specialist", Issuer: "ETS", Kind: catalog.KindAssessment},
		{ID: "ai", Title: "Universal AI for Classrooms", Description: "Artificial intelligence tools at university level.", Issuer: "Edtech Lab"},
		{ID: "iu", Title: "Health Informatics", Description: "Health records and diagnostic codes.", Issuer: "Indiana University Bloomington"},
		{ID: "offered", Title: "Medical Coding", Description: "Coding for universal health records.", Issuer: "Medical Licensing Board",
			OfferedBy: []string{"Purdue University Northwest"}},
	}
}

func TestFeedItemsSearch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Apply(ctx, feedItems(), nil, 1, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		req   Request
		first string   // the best hit
		all   []string // or the exact set of hits, in any order
	}{
		{"Arabic title", Request{Query: "التقييم"}, "bilingual", nil},
		{"Arabic description, stemmed", Request{Query: "المعلم"}, "bilingual", nil},
		{"French title, accent and plural folded", Request{Query: "education prescolaire"}, "francais", nil},
		{"uncoded competency by name", Request{Query: "learner engagement"}, "course", nil},
		{"issuer phrase before stems", Request{Query: "Indiana University"}, "iu", nil},
		{"offering institution phrase before stems", Request{Query: "Purdue University"}, "offered", nil},
		{"kind: learning opportunities", Request{Kind: catalog.KindLearningOpportunity}, "", []string{"course"}},
		{"kind: assessments", Request{Kind: catalog.KindAssessment}, "", []string{"exam"}},
		{"kind: credentials include unstated kinds", Request{Kind: catalog.KindCredential}, "", []string{"bilingual", "francais", "ai", "iu", "offered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Limit = 10
			res, err := ix.Search(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if tt.first != "" {
				if len(got) == 0 || got[0] != tt.first {
					t.Errorf("hits %v, want %s first", got, tt.first)
				}
				return
			}
			if len(got) != len(tt.all) {
				t.Fatalf("hits %v, want %v", got, tt.all)
			}
			for _, id := range tt.all {
				found := false
				for _, g := range got {
					found = found || g == id
				}
				if !found {
					t.Errorf("hits %v lack %s", got, id)
				}
			}
		})
	}
}
