package ctdlpathway

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	const doc = `{"@context":"https://credreg.net/ctdl/schema/context/json","@graph":[
	  {"@id":"urn:p","@type":"ceterms:Pathway","ceterms:ctid":"ce-p","ceterms:name":{"en-US":"Coach Pathway","es":"Ruta"},
	   "ceterms:hasDestinationComponent":"c"},
	  {"@id":"pre","@type":"ceterms:CredentialComponent","ceterms:name":"Earned Before","ceterms:proxyFor":"urn:cred:pre"},
	  {"@id":"a","@type":"ceterms:CredentialComponent","ceterms:name":"First","ceterms:proxyFor":"urn:cred:a","ceterms:precedes":"b"},
	  {"@id":"b","@type":"ceterms:CredentialComponent","ceterms:name":{"en":"Second"},"ceterms:proxyFor":{"@id":"urn:cred:b"},
	   "ceterms:precedes":{"@id":"c"},
	   "ceterms:hasCondition":{"@type":"ceterms:ComponentCondition","ceterms:targetComponent":["a","pre"]}},
	  {"@id":"c","@type":"ceterms:CredentialComponent","ceterms:name":"Third","ceterms:proxyFor":"urn:cred:c","ceasn:hasChild":"b"}
	]}`
	p, err := Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &Pathway{ID: "urn:p", CTID: "ce-p", Name: "Coach Pathway",
		Steps: []Component{
			{ID: "a", Title: "First", ProxyFor: "urn:cred:a"},
			{ID: "b", Title: "Second", ProxyFor: "urn:cred:b", Requires: []string{"a", "pre"}},
			{ID: "c", Title: "Third", ProxyFor: "urn:cred:c", Requires: []string{"b"}},
		},
		Earned:      []Component{{ID: "pre", Title: "Earned Before", ProxyFor: "urn:cred:pre"}},
		Destination: "c",
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
}

func TestReadErrors(t *testing.T) {
	const pw = `{"@id":"urn:p","@type":"ceterms:Pathway"}`
	comp := func(id, extra string) string {
		return `{"@id":"` + id + `","@type":"ceterms:CredentialComponent","ceterms:proxyFor":"urn:` + id + `"` + extra + `}`
	}
	tests := []struct{ name, doc, want string }{
		{"not JSON", `{`, "unexpected end"},
		{"no pathway", `[` + comp("a", "") + `]`, "no ceterms:Pathway node"},
		{"component without proxy", `[` + pw + `,{"@id":"x","@type":"ceterms:CredentialComponent"}]`, "component x has no ceterms:proxyFor"},
		{"cycle", `[` + pw + `,` + comp("a", `,"ceterms:hasChild":"b"`) + `,` + comp("b", `,"ceterms:hasChild":"a"`) + `]`, "form a cycle"},
		{"loop", `[` + pw + `,` + comp("a", `,"ceterms:precedes":"b"`) + `,` + comp("b", `,"ceterms:precedes":"a"`) + `]`, "form 0 chains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read([]byte(tt.doc))
			if !errors.Is(err, ErrNotPathway) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrNotPathway with %q", err, tt.want)
			}
		})
	}
}
