package feeds

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

// jsonLines is a JSON Lines file read as one array: line[i] is the line
// number of the array's element i, and invalid holds the lines that are
// not JSON, each rejected on its own.
type jsonLines struct {
	line    []int
	invalid []catalog.Rejection
}

// decodeJSON decodes a JSON document, or, when the text holds several
// documents one a line (JSON Lines, as badge directories export them), the
// array of those documents. A file is JSON Lines only when its first line
// is a complete document by itself; then a line that is not JSON is
// rejected alone and the others are read.
func decodeJSON(data []byte) (any, *jsonLines, error) {
	doc, err := jsonval.Decode(data)
	if err == nil {
		return doc, nil, nil
	}
	raw := bytes.Split(data, []byte("\n"))
	first := -1
	for i, l := range raw {
		if len(bytes.TrimSpace(l)) > 0 {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, nil, err
	}
	if _, ferr := jsonval.Decode(raw[first]); ferr != nil || first == len(raw)-1 {
		return nil, nil, err
	}
	lines := &jsonLines{}
	var docs []any
	for i, l := range raw {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		d, lerr := jsonval.Decode(l)
		if lerr != nil {
			lines.invalid = append(lines.invalid, catalog.Rejection{Record: "line " + strconv.Itoa(i+1),
				Error: strings.Replace(lerr.Error(), "at line 1, column", "at column", 1)})
			continue
		}
		docs = append(docs, d)
		lines.line = append(lines.line, i+1)
	}
	if len(docs) < 2 && len(lines.invalid) > len(docs) {
		return nil, nil, err
	}
	return docs, lines, nil
}

// bad returns the rejections of the lines that are not JSON.
func (l *jsonLines) bad(source string) []catalog.Rejection {
	out := make([]catalog.Rejection, len(l.invalid))
	for i, r := range l.invalid {
		r.Source = source
		out[i] = r
	}
	return out
}

// merge returns the rejections of unreadable lines and the parser's in line
// order.
func (l *jsonLines) merge(bad, parsed []catalog.Rejection) []catalog.Rejection {
	out := append(bad, parsed...)
	lineOf := func(r catalog.Rejection) int {
		n, _ := strconv.Atoi(strings.Fields(strings.TrimPrefix(r.Record, "line ") + " 0")[0])
		return n
	}
	slices.SortStableFunc(out, func(a, b catalog.Rejection) int { return lineOf(a) - lineOf(b) })
	return out
}

var recordAt = regexp.MustCompile(`record at /[^\s,;]*`)

// relocate rewrites the JSON pointers the parser gave into the array of
// lines ("/3/issuer") as line locators ("line 4", "line 4 /issuer").
func (l *jsonLines) relocate(res *Result) {
	fix := func(loc string) string {
		if !strings.HasPrefix(loc, "/") {
			return loc
		}
		idx, rest, _ := strings.Cut(loc[1:], "/")
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(l.line) {
			return loc
		}
		out := fmt.Sprintf("line %d", l.line[i])
		if rest != "" {
			out += " /" + rest
		}
		return out
	}
	for i := range res.Credentials {
		res.Credentials[i].Locator = fix(res.Credentials[i].Locator)
	}
	for i := range res.Rejected {
		res.Rejected[i].Record = fix(res.Rejected[i].Record)
		// A message may point at another record ("already used by the
		// record at /0").
		res.Rejected[i].Error = recordAt.ReplaceAllStringFunc(res.Rejected[i].Error, func(m string) string {
			return "record at " + fix(strings.TrimPrefix(m, "record at "))
		})
	}
	for i := range res.Skipped {
		res.Skipped[i].Record = fix(res.Skipped[i].Record)
	}
	for i := range res.Notes {
		res.Notes[i].Record = fix(res.Notes[i].Record)
	}
}
