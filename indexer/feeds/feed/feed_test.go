package feed

import (
	"reflect"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	// Registers -update, accepted by every test package under indexer/feeds.
	_ "github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

func TestAdd(t *testing.T) {
	var r Result
	first := Record{Locator: "/0", Credential: catalog.Credential{ID: "a", Title: "Alpha", IssuerID: "urn:org"}}
	restated := Record{Locator: "/5", Credential: catalog.Credential{ID: "a", Title: "Alpha", Description: "More words", Tags: []string{"x"}}}
	conflicting := Record{Locator: "/7", Credential: catalog.Credential{ID: "a", Title: "Another"}}
	other := Record{Locator: "/8", Credential: catalog.Credential{ID: "b", Title: "Beta", IssuerID: "urn:org"}}

	tests := []struct {
		rec  Record
		want bool
	}{{first, true}, {restated, false}, {conflicting, false}, {other, true}}
	for i, test := range tests {
		if got := r.Add("f.json", test.rec); got != test.want {
			t.Errorf("Add #%d = %v, want %v", i, got, test.want)
		}
	}
	if len(r.Credentials) != 2 {
		t.Fatalf("credentials: %+v", r.Credentials)
	}
	a := r.Credentials[0].Credential
	if a.Description != "More words" || !reflect.DeepEqual(a.Tags, []string{"x"}) || a.IssuerID != "urn:org" {
		t.Errorf("a restated record fills empty fields only: %+v", a)
	}
	want := []catalog.Rejection{{Source: "f.json", Record: "/7",
		Error: `field id: "a" is already used by the record at /0 with another title; the first is kept`}}
	if !reflect.DeepEqual(r.Rejected, want) {
		t.Errorf("rejected %+v", r.Rejected)
	}

	r.AddIssuer("urn:org", "Org")
	r.AddIssuer("urn:org", "Later name")
	r.AddIssuer("urn:empty", "")
	r.NameIssuers()
	if r.Credentials[0].Credential.Issuer != "Org" || r.Credentials[1].Credential.Issuer != "Org" || len(r.Issuers) != 1 {
		t.Errorf("issuers %v, credentials %+v", r.Issuers, r.Credentials)
	}
	if r.Index("b") != 1 || r.Index("zzz") != -1 {
		t.Error("Index")
	}
}
