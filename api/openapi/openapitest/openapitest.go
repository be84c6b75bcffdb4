// Package openapitest checks HTTP requests and responses against pdpath's
// OpenAPI document with kin-openapi's validator. It is for tests; keeping it
// apart from package openapi keeps kin-openapi out of the server binary.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/pdpath/pdpath/api/openapi"
)

// Validator checks traffic against the document.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
}

// Load parses and validates the embedded document.
func Load() (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		return nil, fmt.Errorf("openapitest: parse document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapitest: invalid document: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapitest: router: %w", err)
	}
	opts := &openapi3filter.Options{
		// Whether a key is right is the server's to decide and the
		// tests' to check; the document only says which routes take one.
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		// A status the document does not list is drift too.
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	return &Validator{doc: doc, router: router, opts: opts}, nil
}

// Doc returns the parsed document.
func (v *Validator) Doc() *openapi3.T { return v.doc }

// Operations lists the documented operations as "METHOD /path", sorted.
func (v *Validator) Operations() []string {
	var out []string
	for path, item := range v.doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// routed returns a copy of r whose Path is the escaped path: the server
// routes on it (credential ids are path-escaped URIs holding %2F), so the
// validator must too.
func routed(r *http.Request, body []byte) *http.Request {
	c := r.Clone(context.Background())
	u := *r.URL
	u.Path, u.RawPath = r.URL.EscapedPath(), ""
	c.URL = &u
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.ContentLength = int64(len(body))
	return c
}

func (v *Validator) input(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	req := routed(r, body)
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not in the document: %w", r.Method, r.URL.EscapedPath(), err)
	}
	for k, p := range params {
		if un, err := url.PathUnescape(p); err == nil {
			params[k] = un
		}
	}
	return &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts}, nil
}

// Request reports whether r with body is a request the document allows.
func (v *Validator) Request(r *http.Request, body []byte) error {
	in, err := v.input(r, body)
	if err != nil {
		return err
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("request %s %s: %w", r.Method, r.URL.EscapedPath(), err)
	}
	return nil
}

// Response reports whether the response (status, header, body) to r is one
// the document allows for r's operation.
func (v *Validator) Response(r *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	in, err := v.input(r, reqBody)
	if err != nil {
		return err
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: v.opts}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("response %d to %s %s: %w", status, r.Method, r.URL.EscapedPath(), err)
	}
	return nil
}

// ErrorBody reports whether body is the document's Error shape. It is for
// answers to requests no operation describes (an unknown route, a wrong
// method), which Response cannot route.
func (v *Validator) ErrorBody(body []byte) error {
	ref := v.doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("openapitest: the document has no Error schema")
	}
	var val any
	if err := json.Unmarshal(body, &val); err != nil {
		return fmt.Errorf("error body is not JSON: %w (%q)", err, body)
	}
	if err := ref.Value.VisitJSON(val); err != nil {
		return fmt.Errorf("error body %s: %w", body, err)
	}
	return nil
}
