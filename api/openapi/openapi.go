// Package openapi embeds the OpenAPI 3 document that describes pdpath's
// HTTP API. The server serves it at /openapi.json; the tests (through
// package openapitest) check real requests and responses against it, so
// the document cannot drift from what the server does.
package openapi

import _ "embed"

//go:embed openapi.json
var document []byte

// Document returns the OpenAPI document as JSON. Callers must not modify
// the returned slice.
func Document() []byte { return document }
