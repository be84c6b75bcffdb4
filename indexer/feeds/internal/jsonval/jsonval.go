// Package jsonval is the one JSON-LD reading layer of every reader under
// indexer/feeds (Open Badges, CTDL, CASE, backpacks, CTDL pathways): it
// decodes loosely typed JSON and JSON-LD documents, builds JSON pointers
// to records, and reads fields that may be a value or a list, a string or
// a language map (one language or all of them), an IRI or an embedded
// node, a type with or without a prefix, naming the field whenever one has
// the wrong JSON type.
package jsonval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Decode parses one JSON document. Numbers are kept as json.Number so that
// prices and ids are not rounded; syntax errors give line and column.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, describe(data, err)
	}
	if _, err := dec.Token(); err == nil {
		line, col := position(data, dec.InputOffset())
		return nil, fmt.Errorf("invalid JSON: unexpected data after the document at line %d, column %d", line, col)
	}
	return v, nil
}

func describe(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, syn.Offset)
		return fmt.Errorf("invalid JSON at line %d, column %d: %w", line, col, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := position(data, int64(len(bytes.TrimRight(data, " \t\r\n"))))
		return fmt.Errorf("invalid JSON: unexpected end of the document: the file ends at line %d, column %d before it is complete (truncated?)", line, col)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// Kind names the JSON type of a decoded value, for error messages.
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Pointer extends the JSON pointer base with reference tokens: strings are
// escaped per RFC 6901, ints are array indexes.
func Pointer(base string, tokens ...any) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		switch t := t.(type) {
		case int:
			b.WriteString(strconv.Itoa(t))
		case string:
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
		default:
			fmt.Fprint(&b, t)
		}
	}
	return b.String()
}

// Field joins a field path for messages: Field("alignment", 1, "targetCode")
// is "alignment[1].targetCode".
func Field(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		case string:
			if p == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// FieldError says which field of a record is at fault and why. Its message
// reads "field NAME: REASON".
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return "field " + e.Field + ": " + e.Reason }

// Required is the error for a missing required field.
func Required(field string) *FieldError { return &FieldError{Field: field, Reason: "required"} }

// Fields reads the fields of one record and keeps the first problem found,
// so a parser can read every field and check Err once.
type Fields struct {
	Err error
}

// Fail records a problem with field unless one is already recorded.
func (f *Fields) Fail(field, format string, args ...any) {
	if f.Err == nil {
		f.Err = &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
}

func (f *Fields) wrongType(field, want string, v any) {
	f.Fail(field, "want %s, got %s", want, Kind(v))
}

// Raw returns a string exactly as written (for identifiers, kept byte for
// byte); absent or null gives "".
func (f *Fields) Raw(v any, field string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	f.wrongType(field, "a string", v)
	return ""
}

// String returns a string field with surrounding space removed; absent or
// null gives "".
func (f *Fields) String(v any, field string) string {
	return strings.TrimSpace(f.Raw(v, field))
}

// Text returns a string field that generators sometimes write as a JSON
// number (a code such as 6 or 7.2), the number kept as written. Surrounding
// space is removed; absent or null gives "".
func (f *Fields) Text(v any, field string) string {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return f.String(v, field)
}

// Strings returns a string or a list of strings, trimmed, without empty
// entries.
func (f *Fields) Strings(v any, field string) []string {
	var out []string
	for i, e := range List(v) {
		s, ok := e.(string)
		if !ok {
			if _, isList := v.([]any); isList {
				f.wrongType(Field(field, i), "a string", e)
			} else {
				f.wrongType(field, "a string or an array of strings", e)
			}
			continue
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Object returns an object field; absent or null gives nil.
func (f *Fields) Object(v any, field string) map[string]any {
	switch v := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return v
	}
	f.wrongType(field, "an object", v)
	return nil
}

// Objects returns an object or a list of objects. Each is returned with the
// path segment that locates it (an index when the field is a list).
func (f *Fields) Objects(v any, field string) []Indexed {
	var out []Indexed
	_, isList := v.([]any)
	for i, e := range List(v) {
		m, ok := e.(map[string]any)
		if !ok {
			if isList {
				f.wrongType(Field(field, i), "an object", e)
			} else {
				f.wrongType(field, "an object or an array of objects", e)
			}
			continue
		}
		it := Indexed{Node: m, Index: -1, Field: field}
		if isList {
			it.Index, it.Field = i, Field(field, i)
		}
		out = append(out, it)
	}
	return out
}

// Indexed is one object read from a field that may hold one or many. Index
// is its position in the list, or -1 when the field held a single object;
// Field is its path for messages.
type Indexed struct {
	Node  map[string]any
	Index int
	Field string
}

// Number returns a number given as a JSON number or a numeric string.
func (f *Fields) Number(v any, field string) (float64, bool) {
	var s string
	switch v := v.(type) {
	case nil:
		return 0, false
	case json.Number:
		s = v.String()
	case float64:
		return v, true
	case string:
		s = strings.TrimSpace(v)
		if s == "" {
			return 0, false
		}
	default:
		f.wrongType(field, "a number", v)
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		f.Fail(field, "%q is not a number", s)
		return 0, false
	}
	return n, true
}

// Ref is an IRI reference or an embedded node, as JSON-LD allows for any
// property whose values are other resources.
type Ref struct {
	ID   string
	Node map[string]any
}

// Refs reads a value that is an IRI string, an embedded node (its "@id" or
// "id" taken as ID), or a list of them.
func (f *Fields) Refs(v any, field string) []Ref {
	var out []Ref
	_, isList := v.([]any)
	for i, e := range List(v) {
		name := field
		if isList {
			name = Field(field, i)
		}
		switch e := e.(type) {
		case string:
			if e != "" {
				out = append(out, Ref{ID: e})
			}
		case map[string]any:
			id, _ := e["@id"].(string)
			if id == "" {
				id, _ = e["id"].(string)
			}
			out = append(out, Ref{ID: id, Node: e})
		default:
			f.wrongType(name, "an IRI string or an object", e)
		}
	}
	return out
}

// List returns v as a list: nil for absent or null, the elements of an
// array, or a one-element list for any other value.
func List(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// Types reads a "type" or "@type" value: a string or a list of strings.
func (f *Fields) Types(v any, field string) []string {
	return f.Strings(v, field)
}

// Local returns the local part of a type or term: "BadgeClass" for
// "obi:BadgeClass" or "https://w3id.org/openbadges#BadgeClass".
func Local(term string) string {
	if i := strings.LastIndexAny(term, "#/:"); i >= 0 {
		return term[i+1:]
	}
	return term
}

// HasType reports whether any of types has the local name want.
func HasType(types []string, want string) bool {
	for _, t := range types {
		if Local(t) == want {
			return true
		}
	}
	return false
}

// LangString reads a string that may be a language map ({"en-US": "..."}
// or {"en": ["..."]}), a JSON-LD value object ({"@value": "..."}) or a list
// of those. English is preferred, then any language in a stable order; of a
// list the first non-empty entry is taken.
func (f *Fields) LangString(v any, field string) string {
	for _, s := range f.LangStrings(v, field) {
		return s
	}
	return ""
}

// LangStrings reads every string of the preferred language from the forms
// LangString accepts.
func (f *Fields) LangStrings(v any, field string) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if s := strings.TrimSpace(v); s != "" {
			return []string{s}
		}
		return nil
	case []any:
		var out []string
		for i, e := range v {
			out = append(out, f.LangStrings(e, Field(field, i))...)
		}
		return out
	case map[string]any:
		if val, ok := v["@value"]; ok {
			return f.LangStrings(val, field)
		}
		lang, ok := PreferredLanguage(v)
		if !ok {
			return nil
		}
		return f.Strings(v[lang], Field(field, lang))
	}
	f.wrongType(field, "a string or a language map", v)
	return nil
}

// PreferredLanguage picks the key of a language map to read: "en", then
// "en-US", then any other English, then the first key in sorted order.
func PreferredLanguage(m map[string]any) (string, bool) {
	if len(m) == 0 {
		return "", false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rank := func(k string) int {
		switch l := strings.ToLower(k); {
		case l == "en":
			return 0
		case l == "en-us":
			return 1
		case strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_"):
			return 2
		}
		return 3
	}
	best := keys[0]
	for _, k := range keys[1:] {
		if rank(k) < rank(best) {
			best = k
		}
	}
	return best, true
}

// LangMap reads a text that may be a language map and returns every
// language it states (the first non-empty string of each, keyed by the tag
// as written) with the preferred text (see PreferredLanguage). A plain
// string or value object without @language gives a nil map; a value object
// with @language, or a list of them, is read like a language map.
func (f *Fields) LangMap(v any, field string) (map[string]string, string) {
	langs := map[string]string{}
	plain := ""
	var walk func(v any, field string)
	walk = func(v any, field string) {
		switch v := v.(type) {
		case nil:
		case string:
			if s := strings.TrimSpace(v); s != "" && plain == "" {
				plain = s
			}
		case []any:
			for i, e := range v {
				walk(e, Field(field, i))
			}
		case map[string]any:
			if val, ok := v["@value"]; ok {
				if lang, _ := v["@language"].(string); lang != "" {
					if s := strings.TrimSpace(f.Raw(val, Field(field, "@value"))); s != "" && langs[lang] == "" {
						langs[lang] = s
					}
					return
				}
				walk(val, field)
				return
			}
			for lang, e := range v {
				for _, s := range f.Strings(e, Field(field, lang)) {
					if langs[lang] == "" {
						langs[lang] = s
					}
				}
			}
		default:
			f.wrongType(field, "a string or a language map", v)
		}
	}
	walk(v, field)
	if len(langs) == 0 {
		return nil, plain
	}
	m := make(map[string]any, len(langs))
	for k, s := range langs {
		m[k] = s
	}
	best, _ := PreferredLanguage(m)
	if plain != "" {
		// A plain string beside tagged ones is the publisher's default.
		return langs, plain
	}
	return langs, langs[best]
}

// ID returns a node's identifier: its "@id", else its "id".
func ID(m map[string]any) string {
	for _, k := range []string{"@id", "id"} {
		if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// RefID returns a reference's identifier: the string itself for an IRI,
// else an embedded node's "@id" or "id"; anything else gives "".
func RefID(v any) string {
	switch n := v.(type) {
	case string:
		return strings.TrimSpace(n)
	case map[string]any:
		return ID(n)
	}
	return ""
}

// RefIDs returns the identifiers of every reference a value holds (an IRI,
// an embedded node, or a list of them), skipping values without one.
func RefIDs(v any) []string {
	var out []string
	for _, e := range List(v) {
		if id := RefID(e); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// Nodes returns the embedded nodes (objects) a value holds.
func Nodes(v any) []map[string]any {
	var out []map[string]any
	for _, e := range List(v) {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// TypeSet returns the local names of a node's "type" and "@type" values
// ("Assertion" for "obi:Assertion").
func TypeSet(m map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, key := range []string{"type", "@type"} {
		for _, t := range List(m[key]) {
			if s, ok := t.(string); ok {
				out[Local(s)] = true
			}
		}
	}
	return out
}

// Text returns the preferred text of a value that may be a plain string, a
// language map, a value object or a list of those, ignoring values of
// another JSON type. It is LangString for readers that report no field
// errors.
func Text(v any) string {
	var f Fields
	return f.LangString(v, "")
}

// AllLangStrings reads every string of every language from the forms
// LangString accepts: the preferred language first, then the others in
// sorted order (keywords in a bilingual record are all kept).
func (f *Fields) AllLangStrings(v any, field string) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for i, e := range v {
			out = append(out, f.AllLangStrings(e, Field(field, i))...)
		}
		return out
	case map[string]any:
		if _, ok := v["@value"]; ok {
			return f.LangStrings(v, field)
		}
		best, ok := PreferredLanguage(v)
		if !ok {
			return nil
		}
		out := f.Strings(v[best], Field(field, best))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k != best {
				out = append(out, f.Strings(v[k], Field(field, k))...)
			}
		}
		return out
	}
	return f.LangStrings(v, field)
}
