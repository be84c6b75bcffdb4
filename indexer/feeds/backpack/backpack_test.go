package backpack

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		ids     []string
		note    string // a note that must be present
		wantErr error
	}{
		{"OB 2.0 assertion, badge by IRI", `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","recipient":{},"badge":"https://x.example/b1"}`,
			[]string{"https://x.example/b1"}, "", nil},
		{"OB 2.0 assertion, embedded badge class, prefixed type", `{"type":"obi:Assertion","badge":{"id":"https://x.example/b2","type":"BadgeClass"}}`,
			[]string{"https://x.example/b2"}, "", nil},
		{"OB 3.0 credential", `{"type":["VerifiableCredential","OpenBadgeCredential"],"credentialSubject":{"achievement":{"id":"urn:a1"}}}`,
			[]string{"urn:a1"}, "", nil},
		{"CLR with nested credentials and a bare achievement list", `{"type":["VerifiableCredential","ClrCredential"],"credentialSubject":{
			"verifiableCredential":[{"type":["AchievementCredential"],"credentialSubject":{"achievement":{"id":"urn:a2"}}}],
			"achievement":[{"id":"urn:not-earned"}]}}`,
			[]string{"urn:a2"}, "not counted as earned", nil},
		{"presentation of two, repeats once", `{"type":"VerifiablePresentation","verifiableCredential":[
			{"type":"OpenBadgeCredential","credentialSubject":{"achievement":{"id":"urn:a3"}}},
			{"type":"OpenBadgeCredential","credentialSubject":{"achievement":{"id":"urn:a3"}}}]}`,
			[]string{"urn:a3"}, "", nil},
		{"a catalog badge class is not earned", `{"type":"BadgeClass","id":"x","name":"X"}`, nil, "", ErrNoBadges},
		{"assertion without a badge id", `[{"type":"Assertion","badge":{}},{"type":"Assertion","badge":"b"}]`, []string{"b"}, "/0: assertion without a badge id", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.doc))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(b.BadgeIDs, tt.ids) {
				t.Errorf("ids %q, want %q", b.BadgeIDs, tt.ids)
			}
			if tt.note != "" && !strings.Contains(strings.Join(b.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", b.Notes, tt.note)
			}
		})
	}
	if _, err := Parse([]byte(`{"type":`)); err == nil || !strings.Contains(err.Error(), "backpack: not valid JSON") {
		t.Errorf("broken JSON: %v", err)
	}
}
