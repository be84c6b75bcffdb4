package feeds

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseDetectsFormat(t *testing.T) {
	tests := []struct {
		name       string
		data       string
		wantFormat string
		wantCreds  int
		wantError  string // whole-file rejection, when the file has no format
	}{
		{"OB2 BadgeClass", `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"b1","name":"B"}`, FormatOpenBadges2, 1, ""},
		{"OB2 without context", `[{"type":"BadgeClass","id":"b1","name":"B"}]`, FormatOpenBadges2, 1, ""},
		{"OB2 inline context", `{"@context":{"obi":"https://w3id.org/openbadges#"},"type":"BadgeClass","id":"b1","name":"B"}`, FormatOpenBadges2, 1, ""},
		{"OB3 Achievement", `{"type":["Achievement"],"id":"a1","name":"A"}`, FormatOpenBadges3, 1, ""},
		{"OB3 context", `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":["Profile"],"id":"p","name":"P"}`, FormatOpenBadges3, 0, ""},
		{"CLR", `{"type":["VerifiableCredential","ClrCredential"],"credentialSubject":{"achievement":[{"id":"a","name":"A"}]}}`, FormatOpenBadges3, 1, ""},
		{"CTDL node", `{"@type":"ceterms:Badge","ceterms:ctid":"ce-1","ceterms:name":"B"}`, FormatCTDL, 1, ""},
		{"CTDL graph", `{"@context":"https://credreg.net/ctdl/schema/context/json","@graph":[{"@type":"ceterms:Certification","@id":"https://x.example/1","ceterms:name":{"en":"C"}}]}`, FormatCTDL, 1, ""},
		{"CTDL envelopes", `[{"envelope_id":"e","decoded_resource":{"@type":"ceterms:Degree","ceterms:ctid":"ce-2","ceterms:name":"D"}}]`, FormatCTDL, 1, ""},
		{"CTDL search API wrapper", `{"data":[{"@type":"ceterms:Badge","ceterms:ctid":"ce-3","ceterms:name":{"en-US":"B"}}],"valid":true}`, FormatCTDL, 1, ""},
		{"CTDL search API wrapper of envelopes", `{"data":[{"decoded_resource":{"@type":"ceterms:Certificate","ceterms:ctid":"ce-4","ceterms:name":"C"}}]}`, FormatCTDL, 1, ""},
		{"CTDL Search API response with related items", `{"data":[{"@type":"ceterms:AssessmentProfile","ceterms:ctid":"ce-9","ceterms:name":"A","ceterms:ownedBy":"https://credentialengineregistry.org/resources/ce-00000000-0000-4000-8000-0000000000aa"}],"extra":{"TotalResults":1,"RelatedItems":[{"@type":"ceterms:CredentialOrganization","@id":"https://credentialengineregistry.org/graph/ce-00000000-0000-4000-8000-0000000000AA","ceterms:name":"Related Org"},{"@type":"ceterms:Certificate","ceterms:ctid":"ce-10","ceterms:name":"Referred to only"}]},"valid":true}`, FormatCTDL, 1, ""},
		{"CTDL Registry search results", `{"results":[{"decoded_resource":{"@type":"ceterms:Course","ceterms:ctid":"ce-5","ceterms:name":"C"}}],"total":1}`, FormatCTDL, 1, ""},
		{"CTDL learning opportunities, bare array", `[{"@type":"ceterms:LearningOpportunityProfile","ceterms:ctid":"ce-6","ceterms:name":"L"},{"@type":"ceterms:AssessmentProfile","ceterms:ctid":"ce-7","ceterms:name":"A"}]`, FormatCTDL, 2, ""},
		{"OB 1.0 badge class", `{"name":"B","description":"D","criteria":"https://x.example/c","issuer":"https://x.example/i"}`, FormatOpenBadges2, 1, ""},
		{"JSON Lines of OB 1.0", "{\"name\":\"A\",\"criteria\":\"https://x.example/a\",\"issuer\":\"https://x.example/i\"}\n\n{\"name\":\"B\",\"criteria\":\"https://x.example/b\",\"issuer\":\"https://x.example/i\"}\n", FormatOpenBadges2, 2, ""},
		{"JSON Lines of OB 2.0", "{\"type\":\"BadgeClass\",\"id\":\"b1\",\"name\":\"B\"}\r\n{\"type\":\"BadgeClass\",\"id\":\"b2\",\"name\":\"C\"}\r\n", FormatOpenBadges2, 2, ""},
		{"bulk-upload course CSV", "CTID,External Identifier,Learning Opportunity Name,Offered By\nce-8,C1,Course,Org\n", FormatBulkCSV, 1, ""},
		{"CASE", `{"CFDocument":{"identifier":"d","title":"T"},"CFItems":[]}`, FormatCASE, 0, ""},
		{"credentials CSV", "id,title\nx,Y\n", FormatCSV, 1, ""},
		{"credentials CSV with BOM and CRLF", "\xef\xbb\xbfTitle,ID\r\nY,x\r\n", FormatCSV, 1, ""},
		{"framework CSV", "framework,code,name,description,parent\nLocal,1,One,,\n", FormatFrameworkCSV, 0, ""},
		{"empty", "", "", 0, "empty file"},
		{"whitespace", " \n\t ", "", 0, "empty file"},
		{"BOM only", "\xef\xbb\xbf", "", 0, "empty file"},
		{"invalid JSON", `{"type": "BadgeClass",`, "", 0, "invalid JSON"},
		{"unknown JSON", `{"hello":"world"}`, "", 0, "unrecognised JSON"},
		{"JSON scalar", `["a", 1]`, "", 0, "unrecognised JSON"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", "", 0, "binary or not UTF-8"},
		{"plain text", "just some words\nand more\n", "", 0, "not a CSV with a recognised header"},
		{"unknown CSV", "name,email\nA,a@example.org\n", "", 0, "unrecognised CSV header (name,email)"},
		{"wrapper of something else", `{"data":[{"hello":"world"}]}`, "", 0, "unrecognised JSON"},
		{"truncated JSON", "{\"type\": \"BadgeClass\",\n \"name\": \"B", "", 0, "unexpected end of the document: the file ends at line 2, column 11"},
		{"HTML error page", "<!DOCTYPE html>\n<html><head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>\n", "", 0,
			`an HTML page (an error or login page served in place of the feed?) titled "502 Bad Gateway"`},
		{"HTML without a title", "<html><body>Sign in</body></html>", "", 0, "the file is an HTML page"},
		{"XML", "<?xml version=\"1.0\"?>\n<feed/>\n", "", 0, "the file is an XML or HTML document"},
		{"HTML fragment", "<h1>404 Not Found</h1>\n", "", 0, "the file is an XML or HTML document"},
		{"compact JWT", "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln\n", "", 0, "compact JWT"},
		{"semicolon-separated CSV", "ID;Title;Cost USD\nx;Y;10\n", "", 0, `CSV header (id;title;cost_usd): the columns are separated by ";"`},
		{"semicolon-separated framework CSV", "code;name\n1;One\n", "", 0, `the columns are separated by ";"`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res := Parse("in", []byte(test.data))
			if test.wantError != "" {
				if len(res.Rejected) != 1 || res.Rejected[0].Record != "" || !strings.Contains(res.Rejected[0].Error, test.wantError) ||
					res.Rejected[0].Source != "in" {
					t.Errorf("got %+v, want one whole-file rejection with %q", res.Rejected, test.wantError)
				}
				if _, err := Detect([]byte(test.data)); err == nil {
					t.Error("Detect found a format")
				}
				return
			}
			if res.Format != test.wantFormat || len(res.Credentials) != test.wantCreds || len(res.Rejected) != 0 {
				t.Errorf("format %q, %d credentials, rejected %+v; want %q with %d", res.Format, len(res.Credentials), res.Rejected,
					test.wantFormat, test.wantCreds)
			}
			if got, err := Detect([]byte(test.data)); got != test.wantFormat || err != nil {
				t.Errorf("Detect = %q, %v", got, err)
			}
		})
	}
}

// TestJSONLinesBadLine rejects a line that is not JSON by its line number
// and reads the lines around it.
func TestJSONLinesBadLine(t *testing.T) {
	data := "{\"name\":\"A\",\"criteria\":\"https://x.example/a\",\"issuer\":\"https://x.example/i\"}\n" +
		"{\"name\":\"B\",\"criteria\":\n" +
		"{\"name\":\"C\",\"issuer\":\"https://x.example/i\"}\n" +
		"{\"name\":\"D\",\"criteria\":\"https://x.example/d\",\"issuer\":\"https://x.example/i\"}\n" +
		"{\"type\":\"BadgeClass\",\"id\":\"urn:x\",\"name\":\"E\"}\n" +
		"{\"type\":\"BadgeClass\",\"id\":\"urn:x\",\"name\":\"Not E\"}\n"
	res := Parse("dump.jsonl", []byte(data))
	var locs []string
	for _, r := range res.Credentials {
		locs = append(locs, r.Locator)
	}
	if strings.Join(locs, ",") != "line 1,line 4,line 5" {
		t.Errorf("credentials at %q, want lines 1, 4 and 5", locs)
	}
	if len(res.Rejected) != 3 || res.Rejected[0].Record != "line 2" || !strings.Contains(res.Rejected[0].Error, "invalid JSON") ||
		res.Rejected[1].Record != "line 3" || res.Rejected[2].Record != "line 6" || !strings.Contains(res.Rejected[2].Error, "the record at line 5") {
		t.Errorf("rejected %+v, want line 2 (not JSON), line 3 (no type, not an OB 1.0 class), line 6 (id of line 5)", res.Rejected)
	}
}

func TestParseTooLarge(t *testing.T) {
	data := bytes.Repeat([]byte(" "), MaxFileBytes+1)
	res := Parse("big.json", data)
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error, "more than the 64 MiB") {
		t.Errorf("got %+v", res.Rejected)
	}
}

func TestParseAs(t *testing.T) {
	// A CTDL node that names no credential type is still read as CTDL
	// when the caller says so, and reported as holding no credential.
	res := ParseAs("x.json", FormatCTDL, []byte(`{"@type":"ceterms:CredentialOrganization","@id":"o","ceterms:name":"Org"}`))
	if res.Format != FormatCTDL || len(res.Skipped) != 1 || res.Issuers["o"] != "Org" {
		t.Errorf("got %+v", res)
	}
	res = ParseAs("x.json", "rss", []byte(`{}`))
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error, `unknown feed format "rss"`) {
		t.Errorf("unknown format: %+v", res.Rejected)
	}
	res = ParseAs("x.csv", FormatCSV, []byte("id,name\n1,2\n"))
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error, `"title" is missing`) {
		t.Errorf("wrong layout for the stated format: %+v", res.Rejected)
	}
}

// TestOpenBadges1Directory reads a badge directory's JSON Lines dump with
// an Open Badges 1.0 issuer organization among the badge classes: the
// classes without ids get stable derived ids, one with an id keeps it, and
// the issuer document names the classes that point at it.
func TestOpenBadges1Directory(t *testing.T) {
	data := `{"location":"https://badges.example.org/issuer.json","name":"Connected PD Network","url":"https://pd.example.org"}
{"name":"Twitter Chat Moderator","description":"Moderated a chat.","criteria":"https://pd.example.org/criteria/mod","issuer":"https://badges.example.org/issuer.json","tags":["pd"],"alignment":[{"name":"ISTE-E 2.4","url":"https://iste.example.org/2.4"}]}
{"name":"Twitter Chat Moderator","description":"Moderated a chat.","criteria":"https://pd.example.org/criteria/mod","issuer":"https://badges.example.org/issuer.json"}
{"id":"https://pd.example.org/badges/host","name":"Chat Host","criteria":"https://pd.example.org/criteria/host","issuer":"https://badges.example.org/issuer.json"}
{"name":"Nameless issuer","criteria":"https://other.example.org/c","issuer":{"origin":"https://other.example.org","name":"Other Org"}}
`
	res := Parse("dump.jsonl", []byte(data))
	if len(res.Rejected) != 0 || len(res.Credentials) != 3 {
		t.Fatalf("credentials %d, rejected %+v", len(res.Credentials), res.Rejected)
	}
	mod, host, other := res.Credentials[0].Credential, res.Credentials[1].Credential, res.Credentials[2].Credential
	if !strings.HasPrefix(mod.ID, "urn:pdpath:badgeclass:") || mod.Issuer != "Connected PD Network" || len(mod.Competencies) != 1 {
		t.Errorf("derived id, issuer named from its document, OB 1.0 alignment: %+v", mod)
	}
	if host.ID != "https://pd.example.org/badges/host" || host.Issuer != "Connected PD Network" {
		t.Errorf("own id kept: %+v", host)
	}
	if other.Issuer != "Other Org" || other.IssuerID != "https://other.example.org" {
		t.Errorf("embedded 0.5-style issuer: %q (%q)", other.Issuer, other.IssuerID)
	}
	var noted []string
	for _, n := range res.Notes {
		noted = append(noted, n.Record)
	}
	if strings.Join(noted, ",") != "line 2,line 5" {
		t.Errorf("derived ids noted for lines 2 and 5 (line 3 restates line 2): %q", noted)
	}
}

// TestSearchResponseRelatedItems names a result's issuer from the
// organizations a Search API response lists beside its results, matching
// the CTID across URI forms and case, and imports no related item.
func TestSearchResponseRelatedItems(t *testing.T) {
	data := `{"data":[{"@type":"ceterms:AssessmentProfile","ceterms:ctid":"ce-9","ceterms:name":"A",
	  "ceterms:ownedBy":"https://credentialengineregistry.org/resources/ce-00000000-0000-4000-8000-0000000000aa"}],
	 "extra":{"TotalResults":1,"RelatedItems":[
	  {"@type":"ceterms:CredentialOrganization","@id":"https://credentialengineregistry.org/graph/ce-00000000-0000-4000-8000-0000000000AA","ceterms:name":"Related Org"},
	  {"@type":"ceterms:Certificate","ceterms:ctid":"ce-10","ceterms:name":"Referred to only"}]}}`
	res := Parse("search.json", []byte(data))
	if len(res.Credentials) != 1 || res.Credentials[0].Credential.Issuer != "Related Org" || res.Credentials[0].Credential.Kind != "assessment" {
		t.Errorf("got %+v", res.Credentials)
	}
}
