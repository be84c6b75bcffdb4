package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/pathways"
	"github.com/pdpath/pdpath/recommender/planner"
)

// documentedType pairs a schema of the OpenAPI document with the Go type
// encoded (or decoded) for it.
type documentedType struct {
	schema string
	typ    reflect.Type
	// request marks a body the server decodes: any field may be left out,
	// so the schema's required list is not derived from the type.
	request bool
	// alwaysSet names omitempty fields the handler always fills, which
	// the schema may therefore require.
	alwaysSet []string
	// hidden names fields the handler always clears before answering,
	// which the schema leaves out.
	hidden []string
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// documentedTypes lists every schema the server encodes or decodes with
// its Go type. Schemas not listed here (CTDLDocument, the wrappers the
// pathway routes decode by hand) are free-form or checked by the exchange
// tests alone.
var documentedTypes = []documentedType{
	{schema: "Error", typ: typeOf[errorBody]()},
	{schema: "Competency", typ: typeOf[catalog.Competency]()},
	{schema: "CostOption", typ: typeOf[catalog.CostOption]()},
	{schema: "CostItem", typ: typeOf[catalog.CostItem]()},
	{schema: "Credential", typ: typeOf[credentialJSON](), alwaysSet: []string{"status"}, hidden: []string{"sources", "hash"}},
	{schema: "Publisher", typ: typeOf[publisher]()},
	{schema: "FacetCount", typ: typeOf[index.FacetCount]()},
	{schema: "SearchHit", typ: typeOf[searchHit]()},
	{schema: "SearchResponse", typ: typeOf[searchResponse]()},
	{schema: "FrameworkItem", typ: typeOf[catalog.FrameworkItem]()},
	{schema: "Framework", typ: typeOf[catalog.Framework]()},
	{schema: "FrameworksResponse", typ: typeOf[frameworksResponse]()},
	{schema: "Gap", typ: typeOf[catalog.Gap](), request: true},
	{schema: "Preferences", typ: typeOf[catalog.Preferences](), request: true},
	{schema: "Profile", typ: typeOf[catalog.Profile](), request: true},
	{schema: "RecommendationRequest", typ: typeOf[recommendRequest](), request: true},
	{schema: "Recommendation", typ: typeOf[recommender.Item]()},
	{schema: "RecommendationResponse", typ: typeOf[recommender.Result]()},
	{schema: "Target", typ: typeOf[planner.Target](), request: true},
	{schema: "PlanRequest", typ: typeOf[planner.Request](), request: true},
	{schema: "PlanStep", typ: typeOf[planner.Step]()},
	{schema: "MemberPlan", typ: typeOf[planner.MemberPlan]()},
	{schema: "Plan", typ: typeOf[planner.Plan]()},
	{schema: "Rejection", typ: typeOf[catalog.Rejection]()},
	{schema: "Skipped", typ: typeOf[catalog.Skipped]()},
	{schema: "Note", typ: typeOf[catalog.Note]()},
	{schema: "Report", typ: typeOf[catalog.Report]()},
	{schema: "SyncResponse", typ: typeOf[syncResponse]()},
	{schema: "FeedRegistration", typ: typeOf[registerRequest](), request: true},
	{schema: "Feed", typ: typeOf[feedJSON]()},
	{schema: "FeedDuplicate", typ: typeOf[feedDuplicate]()},
	{schema: "ItemRef", typ: typeOf[itemRef]()},
	{schema: "Run", typ: typeOf[runJSON]()},
	{schema: "KeyCreate", typ: typeOf[createKeyRequest](), request: true},
	{schema: "CreatedKey", typ: typeOf[createdKey]()},
	{schema: "KeyInfo", typ: typeOf[keyJSON]()},
	{schema: "Pathway", typ: typeOf[pathwayJSON]()},
	{schema: "ProgressUpdate", typ: typeOf[progressRequest](), request: true},
	{schema: "PathwayProgress", typ: typeOf[pathways.Progress]()},
	{schema: "Readiness", typ: typeOf[readiness]()},
	{schema: "Why", typ: typeOf[recommender.Why]()},
	{schema: "WhyNotRequest", typ: typeOf[whyNotRequest](), request: true},
	{schema: "Explanation", typ: typeOf[recommender.Explanation]()},
	{schema: "Opened", typ: typeOf[recommender.Opened]()},
	{schema: "StackMember", typ: typeOf[recommender.StackMember]()},
	{schema: "Stack", typ: typeOf[recommender.Stack]()},
	{schema: "PathwayRef", typ: typeOf[recommender.PathwayRef]()},
	{schema: "Unlocks", typ: typeOf[recommender.Unlocks]()},
}

// jsonField is one field as encoding/json writes it.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitempty bool
}

// jsonFields lists t's fields as encoding/json sees them, embedded
// structs flattened.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
		out = append(out, jsonField{name: name, typ: f.Type, omitempty: omit})
	}
	return out
}

// TestDocumentSchemasMatchTypes checks each schema against the Go type the
// server encodes for it: the same properties, each of the JSON type the
// field encodes to, referring to the schema of a nested type, required
// exactly when the field is always written, and nullable exactly when a
// nil pointer is written as null. The exchange tests then only see answers
// the document can describe.
func TestDocumentSchemasMatchTypes(t *testing.T) {
	doc := specValidator(t).Doc()
	c := schemaCheck{t: t, names: map[reflect.Type]string{}}
	for _, d := range documentedTypes {
		c.names[d.typ] = d.schema
	}
	for _, d := range documentedTypes {
		t.Run(d.schema, func(t *testing.T) {
			ref := doc.Components.Schemas[d.schema]
			if ref == nil || ref.Value == nil {
				t.Fatalf("the document has no schema %s", d.schema)
			}
			c := schemaCheck{t: t, names: c.names, request: d.request}
			c.object(d.schema, d.typ, ref.Value, d.alwaysSet, d.hidden)
		})
	}
}

// schemaCheck compares schemas with Go types.
type schemaCheck struct {
	t     *testing.T
	names map[reflect.Type]string
	// request: the type is decoded, so leaving a field out is always
	// allowed and null is not part of the contract.
	request bool
}

// object compares an object schema with a struct type.
func (c schemaCheck) object(where string, typ reflect.Type, s *openapi3.Schema, alwaysSet, hidden []string) {
	c.t.Helper()
	if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
		c.t.Errorf("%s does not set additionalProperties: false", where)
	}
	var goNames, required []string
	for _, f := range jsonFields(typ) {
		if slices.Contains(hidden, f.name) {
			continue
		}
		goNames = append(goNames, f.name)
		if !f.omitempty || slices.Contains(alwaysSet, f.name) {
			required = append(required, f.name)
		}
		if p := s.Properties[f.name]; p != nil && p.Value != nil {
			c.field(where+"."+f.name, f, p)
		}
	}
	var docNames []string
	for name := range s.Properties {
		docNames = append(docNames, name)
	}
	sort.Strings(goNames)
	sort.Strings(docNames)
	if !slices.Equal(goNames, docNames) {
		c.t.Errorf("%s properties:\n document %v\n      Go %v", where, docNames, goNames)
	}
	if c.request {
		return
	}
	sort.Strings(required)
	docRequired := slices.Clone(s.Required)
	sort.Strings(docRequired)
	if !slices.Equal(required, docRequired) {
		c.t.Errorf("%s required:\n document %v\n      Go %v (the fields written even when empty)", where, docRequired, required)
	}
}

// field compares one property with the field's Go type.
func (c schemaCheck) field(where string, f jsonField, p *openapi3.SchemaRef) {
	c.t.Helper()
	typ := f.typ
	if typ.Kind() == reflect.Pointer {
		// A nil pointer is left out with omitempty and written as null
		// without it.
		if want := !f.omitempty; !c.request && p.Value.Nullable != want {
			c.t.Errorf("%s: nullable is %v, want %v", where, p.Value.Nullable, want)
		}
		typ = typ.Elem()
	} else if p.Value.Nullable && typ.Kind() != reflect.Slice && typ.Kind() != reflect.Map && typ != reflect.TypeFor[json.RawMessage]() {
		c.t.Errorf("%s: nullable, but a %s is never null", where, typ)
	}
	c.value(where, typ, p)
}

// value compares a schema with the Go type of a value.
func (c schemaCheck) value(where string, typ reflect.Type, p *openapi3.SchemaRef) {
	c.t.Helper()
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if p.Ref == "" && len(p.Value.AllOf) == 1 {
		// {"allOf": [{"$ref": …}], "description": …} describes a
		// reference.
		p = p.Value.AllOf[0]
	}
	if name, ok := c.names[typ]; ok {
		if want := "#/components/schemas/" + name; p.Ref != want {
			c.t.Errorf("%s: $ref %q, want %q", where, p.Ref, want)
		}
		return
	}
	var want string
	switch {
	case typ == reflect.TypeFor[json.RawMessage]():
		return // any JSON; the schema says what the handler accepts
	case typ == reflect.TypeFor[time.Time]():
		want = openapi3.TypeString
		if p.Value.Format != "date-time" {
			c.t.Errorf("%s: format %q, want date-time", where, p.Value.Format)
		}
	case typ.Kind() == reflect.String:
		want = openapi3.TypeString
	case typ.Kind() == reflect.Bool:
		want = openapi3.TypeBoolean
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		want = openapi3.TypeInteger
	case typ.Kind() == reflect.Float32 || typ.Kind() == reflect.Float64:
		want = openapi3.TypeNumber
	case typ.Kind() == reflect.Slice:
		want = openapi3.TypeArray
		if p.Value.Items == nil {
			c.t.Errorf("%s: an array without items", where)
		} else {
			c.value(where+"[]", typ.Elem(), p.Value.Items)
		}
	case typ.Kind() == reflect.Map:
		want = openapi3.TypeObject
		switch ap := p.Value.AdditionalProperties.Schema; {
		case ap != nil:
			c.value(where+"{}", typ.Elem(), ap)
		case len(p.Value.Properties) > 0 && p.Value.AdditionalProperties.Has != nil && !*p.Value.AdditionalProperties.Has:
			// A map whose keys the document lists.
			for key, v := range p.Value.Properties {
				c.value(where+"."+key, typ.Elem(), v)
			}
		default:
			c.t.Errorf("%s: a map with neither an additionalProperties schema nor its keys listed", where)
		}
	case typ.Kind() == reflect.Struct:
		// A struct without a schema of its own is described inline.
		if p.Ref != "" {
			c.t.Errorf("%s: $ref %q, but %s has no schema of its own", where, p.Ref, typ)
			return
		}
		c.object(where, typ, p.Value, nil, nil)
		want = openapi3.TypeObject
	default:
		c.t.Errorf("%s: no schema for the Go type %s", where, typ)
		return
	}
	if !p.Value.Type.Is(want) {
		c.t.Errorf("%s: type %v, want %s (Go %s)", where, p.Value.Type.Slice(), want, typ)
	}
}

// TestSearchParametersDocumented checks that the document lists exactly
// the query parameters GET /v1/credentials accepts, and the item kinds
// its kind parameter takes.
func TestSearchParametersDocumented(t *testing.T) {
	op := specValidator(t).Doc().Paths.Find("/v1/credentials").Get
	var documented []string
	for _, p := range op.Parameters {
		documented = append(documented, p.Value.Name)
		if p.Value.Name == "kind" {
			var kinds []string
			for _, v := range p.Value.Schema.Value.Enum {
				kinds = append(kinds, v.(string))
			}
			if want := []string{catalog.KindCredential, catalog.KindLearningOpportunity, catalog.KindAssessment}; !slices.Equal(kinds, want) {
				t.Errorf("kind takes %v in the document, want %v", kinds, want)
			}
		}
	}
	if !slices.Equal(documented, searchParams) {
		t.Errorf("documented parameters %v, accepted %v", documented, searchParams)
	}
}
