// Package feed defines what every feed-format parser returns: catalog
// item records located inside their file, frameworks, issuer names, the
// records rejected or skipped and notes on the choices made. Format
// packages fill a Result; package feeds re-exports it to callers. MatchKey
// is how identifiers of organizations are matched across files.
package feed

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

// Format names, as detected from content and reported in Result.Format.
const (
	FormatOpenBadges2  = "openbadges2"
	FormatOpenBadges3  = "openbadges3" // Open Badges 3.0 and CLR 2.0
	FormatCTDL         = "ctdl"
	FormatCSV          = "csv" // credentials in pdpath's CSV layout (indexer/README.md)
	FormatCASE         = "case"
	FormatFrameworkCSV = "framework-csv"
	// FormatBulkCSV is a Credential Engine bulk-upload spreadsheet
	// (credential, learning opportunity, course or assessment template).
	FormatBulkCSV = "ce-bulk-csv"
)

// Record is one credential read from a feed and where it was found: a JSON
// pointer such as "/@graph/3" or "/0" ("" for a document that is the record
// itself), or "line 17" for CSV.
type Record struct {
	Credential catalog.Credential `json:"credential"`
	Locator    string             `json:"locator"`
}

// Result is everything one feed file yields. Issuers maps issuer IRIs to
// display names found in the file (OB 2.0 Issuer/Profile documents, OB 3.0
// profiles, CTDL CredentialOrganization nodes) so a caller can name issuers
// that another file only refers to.
type Result struct {
	Format      string              `json:"format"`
	Credentials []Record            `json:"credentials"`
	Frameworks  []catalog.Framework `json:"frameworks,omitempty"`
	Issuers     map[string]string   `json:"issuers,omitempty"`
	// Owners maps an item's identifier, as an organization's own record
	// lists it (CTDL ceterms:owns, ceterms:offers), to that organization's
	// identifier: the issuer of an item that names none itself.
	Owners   map[string]string   `json:"owners,omitempty"`
	Rejected []catalog.Rejection `json:"rejected,omitempty"`
	Skipped  []catalog.Skipped   `json:"skipped,omitempty"`
	// Notes say what the parser chose where the feed left a choice (which
	// of several costs, an id derived for a record without one).
	Notes []catalog.Note `json:"notes,omitempty"`

	byID map[string]int // position of each credential id in Credentials
}

// Reject records that the record at locator (or the whole file, for "")
// could not be imported.
func (r *Result) Reject(source, locator string, err error) {
	r.Rejected = append(r.Rejected, catalog.Rejection{Source: source, Record: locator, Error: err.Error()})
}

// Skip records that the record at locator holds no catalog entry.
func (r *Result) Skip(source, locator, reason string) {
	r.Skipped = append(r.Skipped, catalog.Skipped{Source: source, Record: locator, Reason: reason})
}

// Note records a choice the parser made for the record at locator.
func (r *Result) Note(source, locator, format string, args ...any) {
	r.Notes = append(r.Notes, catalog.Note{Source: source, Record: locator, Note: fmt.Sprintf(format, args...)})
}

// AddIssuer remembers an issuer's display name. The first non-empty name
// stated for an IRI wins.
func (r *Result) AddIssuer(id, name string) {
	if id == "" || name == "" {
		return
	}
	if r.Issuers == nil {
		r.Issuers = make(map[string]string)
	}
	if _, ok := r.Issuers[id]; !ok {
		r.Issuers[id] = name
	}
}

// Add appends a credential record. A second record with an id already
// added is the same credential restated when its title matches (it only
// fills fields the first left empty) and a conflicting record otherwise (it
// is rejected and the first kept). Add reports whether the record was
// appended.
func (r *Result) Add(source string, rec Record) bool {
	if i := r.Index(rec.Credential.ID); i >= 0 {
		prev := &r.Credentials[i]
		if prev.Credential.Title == rec.Credential.Title {
			fillMissing(&prev.Credential, rec.Credential)
			return false
		}
		r.Reject(source, rec.Locator, fmt.Errorf("field id: %q is already used by the record at %s with another title; the first is kept",
			rec.Credential.ID, describeLocator(prev.Locator)))
		return false
	}
	r.Credentials = append(r.Credentials, rec)
	if r.byID == nil {
		r.byID = make(map[string]int)
	}
	r.byID[rec.Credential.ID] = len(r.Credentials) - 1
	return true
}

// Index returns the position of the credential with the given id, or -1.
func (r *Result) Index(id string) int {
	if len(r.byID) != len(r.Credentials) {
		// Credentials was filled or changed other than through Add.
		r.byID = make(map[string]int, len(r.Credentials))
		for i, rec := range r.Credentials {
			if _, dup := r.byID[rec.Credential.ID]; !dup {
				r.byID[rec.Credential.ID] = i
			}
		}
	}
	if i, ok := r.byID[id]; ok && i < len(r.Credentials) && r.Credentials[i].Credential.ID == id {
		return i
	}
	return -1
}

// AddOwner remembers that the organization org lists item as its own. The
// first organization to list an item wins.
func (r *Result) AddOwner(item, org string) {
	if item == "" || org == "" {
		return
	}
	if r.Owners == nil {
		r.Owners = make(map[string]string)
	}
	if _, ok := r.Owners[item]; !ok {
		r.Owners[item] = org
	}
}

// NameIssuers fills the display name of every credential whose issuer the
// file names only by IRI, from the issuers the file describes (matched by
// MatchKey), and the issuer of one that names none from the organization
// that lists it as its own.
func (r *Result) NameIssuers() {
	names := make(map[string]string, len(r.Issuers))
	for _, id := range slices.Sorted(maps.Keys(r.Issuers)) {
		if _, dup := names[MatchKey(id)]; !dup {
			names[MatchKey(id)] = r.Issuers[id]
		}
	}
	owners := make(map[string]string, len(r.Owners))
	for item, org := range r.Owners {
		owners[MatchKey(item)] = org
	}
	for i := range r.Credentials {
		c := &r.Credentials[i].Credential
		if c.Issuer == "" && c.IssuerID == "" {
			for _, id := range append([]string{c.ID}, c.AltIDs...) {
				if org, ok := owners[MatchKey(id)]; ok {
					c.IssuerID = org
					break
				}
			}
		}
		if c.Issuer == "" && c.IssuerID != "" {
			c.Issuer = names[MatchKey(c.IssuerID)]
		}
	}
}

func describeLocator(loc string) string {
	if loc == "" {
		return "the document root"
	}
	return loc
}

// fillMissing copies into c the fields it leaves empty that d states.
func fillMissing(c *catalog.Credential, d catalog.Credential) {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&c.Description, d.Description}, {&c.Criteria, d.Criteria}, {&c.Issuer, d.Issuer},
		{&c.IssuerID, d.IssuerID}, {&c.Type, d.Type}, {&c.URL, d.URL}, {&c.Image, d.Image},
		{&c.Format, d.Format}, {&c.SupersededBy, d.SupersededBy},
		{&c.CalendarDuration, d.CalendarDuration}, {&c.Lifecycle, d.Lifecycle}, {&c.Kind, d.Kind},
	} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	for _, f := range []struct {
		dst *[]string
		src []string
	}{
		{&c.PartOf, d.PartOf}, {&c.HasPart, d.HasPart},
		{&c.GradeBands, d.GradeBands}, {&c.Subjects, d.Subjects}, {&c.Tags, d.Tags}, {&c.AltIDs, d.AltIDs},
		{&c.ApprovedIn, d.ApprovedIn}, {&c.OfferedBy, d.OfferedBy},
	} {
		if len(*f.dst) == 0 {
			*f.dst = f.src
		}
	}
	if len(c.Competencies) == 0 {
		c.Competencies = d.Competencies
	}
	if c.Level == 0 {
		c.Level = d.Level
	}
	if len(c.Prerequisites) == 0 {
		c.Prerequisites, c.PrerequisitesMin = d.Prerequisites, d.PrerequisitesMin
	}
	if c.CostUSD == nil {
		c.CostUSD, c.Costs = d.CostUSD, d.Costs
	}
	if c.Titles == nil {
		c.Titles = d.Titles
	}
	if c.Descriptions == nil {
		c.Descriptions = d.Descriptions
	}
	if c.Hours == nil {
		c.Hours = d.Hours
	}
}

// ParseJSON decodes data and hands the document to fromJSON; a document that
// is not JSON is one whole-file rejection in a Result of the given format.
// Every JSON format's Parse is this with its own FromJSON.
func ParseJSON(source, format string, data []byte, fromJSON func(source string, doc any) Result) Result {
	doc, err := jsonval.Decode(data)
	if err != nil {
		res := Result{Format: format}
		res.Reject(source, "", err)
		return res
	}
	return fromJSON(source, doc)
}

// ctidPattern finds a Credential Engine CTID inside an identifier: a bare
// "ce-…" or the tail of a Registry URI (…/resources/ce-…, …/graph/ce-…).
var ctidPattern = regexp.MustCompile(`(?i)(?:^|[/:])(ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:$|[/?#])`)

// MatchKey is the form under which identifiers of organizations and
// records are matched across files: a CTID, whether bare or inside a
// Registry URI of any form (/resources/, /graph/, another host), is its
// lower-case "ce-…"; any other identifier is matched without regard to
// case or a trailing slash.
func MatchKey(id string) string {
	id = strings.TrimSpace(id)
	if m := ctidPattern.FindStringSubmatch(id); m != nil {
		return strings.ToLower(m[1])
	}
	return strings.ToLower(strings.TrimSuffix(id, "/"))
}
