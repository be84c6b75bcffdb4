package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// jsonContentType is the content type of every JSON response.
const jsonContentType = "application/json; charset=utf-8"

// writeJSON answers with v as JSON. HTML characters are left as they are
// (search highlights carry <mark>), which is safe because the content type
// is JSON, never HTML.
func writeJSON(c *gin.Context, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a value the server built can fail to encode (a NaN score):
		// the server's fault.
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, `{"error":{"code":%q,"message":"internal error: response could not be encoded (request %s)"}}`+"\n", CodeInternal, requestID(c))
	}
	c.Data(status, jsonContentType, buf.Bytes())
}

// readBody reads the whole request body under the route's size limit.
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, badRequest("could not read the request body: %v", err)
	}
	return data, nil
}

// decodeStrict decodes one JSON object from data into v: unknown fields,
// wrong types and trailing data are the caller's mistakes, answered with
// a message naming the field.
func decodeStrict(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return badRequest("the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := jsonPosition(data, syn.Offset)
			return badRequest("invalid JSON body at line %d, column %d: %s", line, col, jsonMessage(err))
		}
		return badRequest("invalid JSON body: %s", jsonMessage(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("invalid JSON body: unexpected data after the object")
	}
	return nil
}

func jsonMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field == "" {
		// The body as a whole is not an object: say so, not which Go
		// type it was to fill.
		return fmt.Sprintf("the body must be a JSON object, got %s", typeErr.Value)
	}
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("field %q: want %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonPosition turns an offset from encoding/json (just past the byte at
// fault) into a 1-based line and column.
func jsonPosition(data []byte, offset int64) (line, col int) {
	offset = min(max(offset-1, 0), int64(len(data)))
	before := data[:offset]
	return bytes.Count(before, []byte("\n")) + 1, len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:]))) + 1
}

// profileFields are the top-level fields of an educator profile.
var profileFields = []string{"goals", "gaps", "earned", "preferences", "years_experience"}

// hintBareProfile adds a hint to err when body is an educator profile sent
// on its own where the route wants it wrapped as {"profile": …}: the most
// common first mistake with POST /v1/recommendations.
func hintBareProfile(body []byte, err error) error {
	var e *Error
	var top map[string]json.RawMessage
	if !errors.As(err, &e) || json.Unmarshal(body, &top) != nil {
		return err
	}
	if _, ok := top["profile"]; ok {
		return err
	}
	for _, f := range profileFields {
		if _, ok := top[f]; ok {
			return badRequest(`%s; the body looks like a bare educator profile: wrap it as {"profile": {...}}`, e.Message)
		}
	}
	return err
}
