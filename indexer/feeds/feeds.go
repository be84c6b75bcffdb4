// Package feeds reads one feed file of any supported format: it detects the
// format from the content (never the file name), hands the bytes to that
// format's parser, and returns catalog items (credentials, learning
// opportunities, assessments), frameworks, issuer names, per-record
// rejections and notes on the choices made. A JSON file may hold one
// document, an array, or JSON Lines (one document a line; a line that is
// not JSON is rejected by its line number and the others are read). It
// touches no index; the sync decides what to do with the result.
//
// The format readers live in the sub-packages: openbadges2 (Open Badges
// 2.0 and 1.0), openbadges3 (Open Badges 3.0, CLR 2.0), ctdl (Credential
// Engine CTDL, Registry envelopes and search responses), credentialcsv,
// bulkcsv (Credential Engine bulk-upload templates), caseframework,
// frameworkcsv; backpack and ctdlpathway read earned badges and CTDL
// pathway exchange documents for the recommender. All JSON-LD is read
// through one layer, internal/jsonval.
package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pdpath/pdpath/indexer/feeds/bulkcsv"
	"github.com/pdpath/pdpath/indexer/feeds/caseframework"
	"github.com/pdpath/pdpath/indexer/feeds/credentialcsv"
	"github.com/pdpath/pdpath/indexer/feeds/ctdl"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/frameworkcsv"
	"github.com/pdpath/pdpath/indexer/feeds/internal/csvtable"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/openbadges2"
	"github.com/pdpath/pdpath/indexer/feeds/openbadges3"
	"github.com/pdpath/pdpath/indexer/frameworks"
)

// MaxFileBytes is the largest feed file Parse accepts. Callers reading from
// disk or the network enforce it while reading too.
const MaxFileBytes = 64 << 20

// The formats Parse detects, as reported in Result.Format.
const (
	FormatOpenBadges2  = feed.FormatOpenBadges2
	FormatOpenBadges3  = feed.FormatOpenBadges3
	FormatCTDL         = feed.FormatCTDL
	FormatCSV          = feed.FormatCSV
	FormatCASE         = feed.FormatCASE
	FormatFrameworkCSV = feed.FormatFrameworkCSV
	FormatBulkCSV      = feed.FormatBulkCSV
)

// Formats lists every format name, for validating a caller's choice.
var Formats = []string{FormatOpenBadges2, FormatOpenBadges3, FormatCTDL, FormatCSV, FormatCASE, FormatFrameworkCSV, FormatBulkCSV}

// Record is one credential and where the file holds it (a JSON pointer or
// "line N").
type Record = feed.Record

// Result is everything one file yields; see feed.Result.
type Result = feed.Result

var bom = []byte("\xef\xbb\xbf")

// catchPanics turns a parser bug into a rejection of the file rather than a
// crash of the ingest. The fuzz test turns it off to see the bugs.
var catchPanics = true

// Parse detects the format of data and parses it. It never panics and
// never fails as a whole: a file it cannot read at all (empty, too large,
// neither JSON nor CSV, JSON or CSV of no known format) comes back as one
// rejection with an empty Record.
func Parse(source string, data []byte) Result {
	return ParseAs(source, "", data)
}

// ParseAs parses data as the given format, or detects it when format is
// "". It is Parse for callers that were told the format.
func ParseAs(source, format string, data []byte) (res Result) {
	if catchPanics {
		defer func() {
			if p := recover(); p != nil {
				res = Result{Format: format, Credentials: []Record{}}
				res.Reject(source, "", fmt.Errorf("internal error while parsing: %v", p))
			}
		}()
	}
	res = parse(source, format, data)
	if res.Credentials == nil {
		res.Credentials = []Record{}
	}
	for i := range res.Frameworks {
		fw := &res.Frameworks[i]
		if fw.Title == "" {
			fw.Title = frameworks.Title(fw.Name)
		}
		if fw.Title == "" {
			fw.Title = fw.Name
		}
	}
	return res
}

func parse(source, format string, data []byte) (res Result) {
	if len(data) > MaxFileBytes {
		res.Reject(source, "", fmt.Errorf("file is %d bytes, more than the %d MiB a feed file may have", len(data), MaxFileBytes>>20))
		return res
	}
	data = bytes.TrimPrefix(data, bom)
	var doc any
	var lines *jsonLines
	if format == "" {
		var err error
		if format, doc, lines, err = detect(data); err != nil {
			res.Reject(source, "", err)
			return res
		}
	} else if isJSONFormat(format) {
		var err error
		if doc, lines, err = decodeJSON(data); err != nil {
			res.Format = format
			res.Reject(source, "", err)
			return res
		}
	}
	if lines != nil {
		defer func() {
			lines.relocate(&res)
			res.Rejected = lines.merge(lines.bad(source), res.Rejected)
		}()
	}
	switch format {
	case FormatOpenBadges2:
		res = openbadges2.FromJSON(source, doc)
	case FormatOpenBadges3:
		res = openbadges3.FromJSON(source, doc)
	case FormatCTDL:
		res = ctdl.FromJSON(source, doc)
	case FormatCASE:
		res = caseframework.FromJSON(source, doc, frameworks.CanonicalName)
	case FormatCSV:
		res = credentialcsv.Parse(source, data)
	case FormatFrameworkCSV:
		res = frameworkcsv.Parse(source, data, frameworks.CanonicalName)
	case FormatBulkCSV:
		res = bulkcsv.Parse(source, data)
	default:
		res.Reject(source, "", fmt.Errorf("unknown feed format %q (want one of %s)", format, strings.Join(Formats, ", ")))
		return res
	}
	res.Format = format
	return res
}

func isJSONFormat(format string) bool {
	switch format {
	case FormatOpenBadges2, FormatOpenBadges3, FormatCTDL, FormatCASE:
		return true
	}
	return false
}

// Detect names the format of data from its content, or says why it has
// none.
func Detect(data []byte) (string, error) {
	if len(data) > MaxFileBytes {
		return "", fmt.Errorf("file is %d bytes, more than the %d MiB a feed file may have", len(data), MaxFileBytes>>20)
	}
	format, _, _, err := detect(bytes.TrimPrefix(data, bom))
	return format, err
}

var errUnknownJSON = errors.New("unrecognised JSON: not an Open Badges 2.0 BadgeClass or Assertion, an Open Badges 3.0 " +
	"Achievement or credential, a CLR 2.0 credential, CTDL JSON-LD (ceterms types) or a CASE package (CFDocument)")

// detect returns the format of data and, for JSON, the decoded document
// (for JSON Lines, the array of its lines' documents and where each was).
func detect(data []byte) (string, any, *jsonLines, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return "", nil, nil, errors.New("empty file: no feed content")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		doc, lines, err := decodeJSON(data)
		if err != nil {
			return "", nil, nil, err
		}
		if format := classifyJSON(doc); format != "" {
			return format, doc, lines, nil
		}
		return "", nil, nil, errUnknownJSON
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return "", nil, nil, errors.New("not JSON or CSV: the file is binary or not UTF-8 text")
	}
	if err := notAFeed(trimmed); err != nil {
		return "", nil, nil, err
	}
	cols, err := csvtable.Header(data)
	if err != nil {
		return "", nil, nil, fmt.Errorf("not JSON, and not readable as CSV: %w", err)
	}
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	switch {
	case bulkcsv.IsHeader(cols):
		return FormatBulkCSV, nil, nil, nil
	case has["id"] && has["title"]:
		return FormatCSV, nil, nil, nil
	case frameworkcsv.IsFrameworkHeader(cols):
		return FormatFrameworkCSV, nil, nil, nil
	}
	if len(cols) == 1 {
		semi := strings.Split(cols[0], ";")
		for i := range semi {
			semi[i] = strings.Trim(semi[i], "_")
		}
		if slices.Contains(semi, "id") && slices.Contains(semi, "title") || frameworkcsv.IsFrameworkHeader(semi) {
			return "", nil, nil, fmt.Errorf("CSV header (%s): the columns are separated by \";\", but a feed CSV separates columns "+
				"with commas (\";\" separates several values within one cell)", cols[0])
		}
		return "", nil, nil, errors.New("not JSON, and not a CSV with a recognised header: the first line has no comma-separated columns")
	}
	return "", nil, nil, fmt.Errorf("unrecognised CSV header (%s): a credentials CSV needs id and title columns, a framework CSV a code column and a name, text or description column, "+
		"a Credential Engine bulk-upload CSV a CTID or External Identifier column and a Learning Opportunity, Credential or Assessment Name column",
		strings.Join(cols, ","))
}

var (
	compactJWT = regexp.MustCompile(`^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$`)
	htmlTitle  = regexp.MustCompile(`(?is)<title[^>]*>\s*(.*?)\s*</title>`)
)

// notAFeed recognises the text files that servers and tools hand over in
// place of a feed (an HTML error or login page, an XML document, a signed
// credential in compact JWT form) and says what the file is.
func notAFeed(trimmed []byte) error {
	if compactJWT.Match(trimmed) {
		return errors.New("not a feed: the file is a compact JWT (a signed credential in VC-JWT form), " +
			"which cannot be read without verifying it; use the credential's JSON(-LD) document")
	}
	if trimmed[0] != '<' {
		return nil
	}
	head := strings.ToLower(string(trimmed[:min(len(trimmed), 1024)]))
	if !strings.Contains(head, "<html") && !strings.Contains(head, "<!doctype html") {
		return errors.New("not a feed: the file is an XML or HTML document; feeds are JSON(-LD) or CSV")
	}
	msg := "not a feed: the file is an HTML page (an error or login page served in place of the feed?)"
	if m := htmlTitle.FindSubmatch(trimmed); m != nil {
		title := strings.Join(strings.Fields(string(m[1])), " ")
		if r := []rune(title); len(r) > 80 {
			title = string(r[:80]) + "…"
		}
		msg += fmt.Sprintf(" titled %q", title)
	}
	return errors.New(msg)
}

// classifyJSON decides a JSON document's format from its @context, its
// types and its keys. For an array the first element that tells wins.
func classifyJSON(doc any) string {
	switch d := doc.(type) {
	case map[string]any:
		return classifyObject(d, 0)
	case []any:
		for _, e := range d {
			if m, ok := e.(map[string]any); ok {
				if f := classifyObject(m, 0); f != "" {
					return f
				}
			}
		}
	}
	return ""
}

func classifyObject(m map[string]any, depth int) string {
	if caseframework.IsPackage(m) {
		return FormatCASE
	}
	if _, ok := m["decoded_resource"]; ok {
		return FormatCTDL
	}
	if openbadges2.IsBadgeClass1(m) {
		return FormatOpenBadges2
	}
	ctx := strings.ToLower(strings.Join(contextStrings(m["@context"], nil), " "))
	switch {
	case strings.Contains(ctx, "credreg.net") || strings.Contains(ctx, "purl.org/ctdl"):
		return FormatCTDL
	case strings.Contains(ctx, "purl.imsglobal.org/spec/ob/v3p0") || strings.Contains(ctx, "purl.imsglobal.org/spec/clr/v2p0"):
		return FormatOpenBadges3
	case strings.Contains(ctx, "w3id.org/openbadges") || strings.Contains(ctx, "openbadgespec.org"):
		return FormatOpenBadges2
	}
	for _, k := range []string{"@type", "type"} {
		for _, t := range jsonval.List(m[k]) {
			s, _ := t.(string)
			if f := formatOfType(s); f != "" {
				return f
			}
		}
	}
	for k := range m {
		if strings.HasPrefix(k, "ceterms:") || strings.HasPrefix(k, "ceasn:") {
			return FormatCTDL
		}
	}
	if strings.Contains(ctx, "w3.org/2018/credentials") || strings.Contains(ctx, "w3.org/ns/credentials") {
		return FormatOpenBadges3
	}
	// A search response's wrapper ({"data": [...]} from the Search API,
	// {"results": [...]}) around CTDL resources or Registry envelopes.
	for _, k := range []string{"data", "results"} {
		if d, ok := m[k]; ok && depth == 0 && m["@type"] == nil && m["@graph"] == nil {
			for _, e := range jsonval.List(d) {
				if n, ok := e.(map[string]any); ok && classifyObject(n, depth+1) == FormatCTDL {
					return FormatCTDL
				}
			}
		}
	}
	if g, ok := m["@graph"].([]any); ok && depth == 0 {
		for _, e := range g {
			if n, ok := e.(map[string]any); ok {
				if f := classifyObject(n, depth+1); f != "" {
					return f
				}
			}
		}
	}
	return ""
}

func formatOfType(t string) string {
	if strings.HasPrefix(t, "ceterms:") || strings.HasPrefix(t, "ceasn:") || ctdl.IsCredentialType(t) {
		return FormatCTDL
	}
	switch jsonval.Local(t) {
	case "Achievement", "OpenBadgeCredential", "AchievementCredential", "ClrCredential", "EndorsementCredential", "VerifiableCredential":
		return FormatOpenBadges3
	case "BadgeClass", "Assertion", "Issuer":
		return FormatOpenBadges2
	}
	return ""
}

// contextStrings collects every string of a JSON-LD @context (URLs, and
// the IRIs an inline context maps terms to).
func contextStrings(v any, into []string) []string {
	switch v := v.(type) {
	case string:
		into = append(into, v)
	case []any:
		for _, e := range v {
			into = contextStrings(e, into)
		}
	case map[string]any:
		for _, e := range v {
			into = contextStrings(e, into)
		}
	}
	return into
}
