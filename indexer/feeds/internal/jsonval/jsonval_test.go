package jsonval

import (
	"reflect"
	"strings"
	"testing"
	// Registers -update, accepted by every test package under indexer/feeds.
	_ "github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

func TestPointerAndField(t *testing.T) {
	if got := Pointer("", "@graph", 3, "a/b~c"); got != "/@graph/3/a~1b~0c" {
		t.Errorf("Pointer = %q", got)
	}
	if got := Field("alignment", 1, "targetCode"); got != "alignment[1].targetCode" {
		t.Errorf("Field = %q", got)
	}
}

func TestDecode(t *testing.T) {
	v, err := Decode([]byte(`{"price": 1200.10, "id": "x"}`))
	if err != nil {
		t.Fatal(err)
	}
	var f Fields
	if n, ok := f.Number(v.(map[string]any)["price"], "price"); !ok || n != 1200.10 {
		t.Errorf("price = %v, %v", n, ok)
	}
	for _, bad := range []string{"{\n\"a\": }", `{"a":1} {"b":2}`, ""} {
		if _, err := Decode([]byte(bad)); err == nil || !strings.Contains(err.Error(), "JSON") {
			t.Errorf("Decode(%q) error = %v, want a JSON error", bad, err)
		}
	}
}

func TestLangStrings(t *testing.T) {
	tests := []struct {
		in   any
		want []string
	}{
		{"plain", []string{"plain"}},
		{map[string]any{"en-US": "Hello", "es": "Hola"}, []string{"Hello"}},
		{map[string]any{"en": []any{"a", "b"}, "en-US": "c"}, []string{"a", "b"}},
		{map[string]any{"fr": "Bonjour", "de": "Hallo"}, []string{"Hallo"}},
		{map[string]any{"en-GB": "Colour", "fr": "Couleur"}, []string{"Colour"}},
		{map[string]any{"@value": "v", "@language": "en"}, []string{"v"}},
		{[]any{"x", map[string]any{"en": "y"}}, []string{"x", "y"}},
		{nil, nil},
	}
	for _, test := range tests {
		var f Fields
		if got := f.LangStrings(test.in, "name"); !reflect.DeepEqual(got, test.want) || f.Err != nil {
			t.Errorf("LangStrings(%v) = %q, %v; want %q", test.in, got, f.Err, test.want)
		}
	}
	var f Fields
	f.LangString(map[string]any{"en": 3.0}, "ceterms:name")
	if f.Err == nil || f.Err.Error() != "field ceterms:name.en: want a string or an array of strings, got a number" {
		t.Errorf("wrong type in a language map: %v", f.Err)
	}
}

func TestFieldsTypeErrors(t *testing.T) {
	tests := []struct {
		read func(f *Fields)
		want string
	}{
		{func(f *Fields) { f.String(3.0, "name") }, "field name: want a string, got a number"},
		{func(f *Fields) { f.Strings([]any{"a", true}, "tags") }, "field tags[1]: want a string, got a boolean"},
		{func(f *Fields) { f.Objects([]any{map[string]any{}, "x"}, "alignment") }, "field alignment[1]: want an object, got a string"},
		{func(f *Fields) { f.Refs(7.0, "ceterms:ownedBy") }, "field ceterms:ownedBy: want an IRI string or an object, got a number"},
		{func(f *Fields) { f.Number("abc", "price") }, `field price: "abc" is not a number`},
		{func(f *Fields) { f.String(nil, "a"); f.Strings("one", "b"); f.Object(nil, "c") }, ""},
	}
	for i, test := range tests {
		var f Fields
		test.read(&f)
		got := ""
		if f.Err != nil {
			got = f.Err.Error()
		}
		if got != test.want {
			t.Errorf("case %d: error %q, want %q", i, got, test.want)
		}
	}
}

func TestRefs(t *testing.T) {
	var f Fields
	got := f.Refs([]any{"https://a.example/1", map[string]any{"@id": "https://a.example/2", "x": 1.0}, map[string]any{"id": "urn:3"}}, "r")
	ids := []string{}
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if !reflect.DeepEqual(ids, []string{"https://a.example/1", "https://a.example/2", "urn:3"}) || got[1].Node == nil || f.Err != nil {
		t.Errorf("Refs = %+v, %v", got, f.Err)
	}
}

// TestDecodeTruncated checks that a file cut off in transfer is reported
// with where it ends, not only "unexpected EOF".
func TestDecodeTruncated(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"inside an object", "{\n  \"type\": \"BadgeClass\",\n  \"name\": \"Fo", "ends at line 3, column 13"},
		{"inside an array", "[{\"id\": \"a\"},\n {\"id\": \"b\"}", "ends at line 2, column 12"},
		{"trailing newline", "{\"a\": [1, 2\n\n", "ends at line 1, column 11"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			_, err := Decode([]byte(test.data))
			if err == nil || !strings.Contains(err.Error(), test.want) || !strings.Contains(err.Error(), "truncated?") {
				t.Errorf("Decode error = %v, want one containing %q", err, test.want)
			}
		})
	}
}
