// Package bulkcsv reads Credential Engine bulk-upload spreadsheets saved as
// CSV: the credential, learning opportunity (course, learning program) and
// assessment templates publishers fill in to publish to the Registry. Their
// columns are read by the templates' own header names ("CTID", "External
// Identifier", "Learning Opportunity Name", "Credential Name", "Assessment
// Name", "Owned By", "Offered By", "Life Cycle Status Type", "Cost: …"),
// in any order and spelling of case and punctuation; unknown columns are
// ignored. Several values in one cell are separated by "|" (or ";").
package bulkcsv

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/ctdl"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/csvtable"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// key folds a header name to letters and digits only: "Cost: Types List"
// and "cost_types_list" are both "costtypeslist".
func key(col string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(col) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// The template columns, by folded name, for each catalog field; the first
// present wins.
var (
	idCols          = []string{"ctid"}
	externalIDCols  = []string{"externalidentifier", "internalidentifier", "codednotation"}
	kindNameCols    = map[string]string{"learningopportunityname": catalog.KindLearningOpportunity, "coursename": catalog.KindLearningOpportunity, "learningprogramname": catalog.KindLearningOpportunity, "assessmentname": catalog.KindAssessment, "credentialname": catalog.KindCredential}
	nameCols        = []string{"learningopportunityname", "coursename", "learningprogramname", "assessmentname", "credentialname", "name"}
	descriptionCols = []string{"description"}
	ownerCols       = []string{"ownedby", "ownedbyctid", "owningorganization", "owningorganizationctid", "organization", "organizationname", "organizationctid", "offeredby", "offeredbyctid"}
	competencyCols  = []string{"teachescompetencies", "teachescompetency", "competencies", "assessescompetencies", "requirescompetencies"}
	frameworkCols   = []string{"teachescompetencyframework", "competencyframework", "assessescompetencyframework"}
	typeCols        = []string{"learningtype", "credentialtype", "assessmenttype", "type"}
	urlCols         = []string{"subjectwebpage", "incatalog", "availableonlineat", "url"}
	keywordCols     = []string{"keywords", "keyword"}
	lifecycleCols   = []string{"lifecyclestatustype", "credentialstatustype", "status"}
	deliveryCols    = []string{"deliverytype", "learningdeliverytype", "assessmentdeliverytype"}
	levelCols       = []string{"audienceleveltype", "audiencelevel"}
	durationCols    = []string{"estimatedduration", "exactduration", "duration", "estimateddurationexactduration", "timerequired"}
	priceCols       = []string{"costprice", "price", "cost"}
	costListCols    = []string{"costtypeslist", "costtypelist", "costitems"}
	currencyCols    = []string{"costcurrencytype", "currency", "costcurrency"}
	costNameCols    = []string{"costname", "costdescription"}
	creditValueCols = []string{"creditunitvalue"}
	creditTypeCols  = []string{"creditunittype"}
)

// IsHeader reports whether CSV columns (as csvtable.Header returns them)
// are a bulk-upload template's: an identifier column (CTID or External
// Identifier) and a name column of one of the templates.
func IsHeader(cols []string) bool {
	has := map[string]bool{}
	for _, c := range cols {
		has[key(c)] = true
	}
	id := has["ctid"] || has["externalidentifier"]
	for _, n := range nameCols[:len(nameCols)-1] {
		if has[n] && id {
			return true
		}
	}
	return false
}

type table struct {
	t    *csvtable.Table
	cols map[string]string // folded name -> csvtable column name
}

func (t table) col(names []string) string {
	for _, n := range names {
		if c, ok := t.cols[n]; ok {
			return c
		}
	}
	return ""
}

func (t table) get(row csvtable.Row, names []string) string {
	if c := t.col(names); c != "" {
		return row.Get(c)
	}
	return ""
}

// Parse reads a bulk-upload CSV.
func Parse(source string, data []byte) feed.Result {
	res := feed.Result{Format: feed.FormatBulkCSV}
	t, err := csvtable.Parse(data)
	if err != nil {
		res.Reject(source, "", err)
		return res
	}
	tb := table{t: t, cols: map[string]string{}}
	for _, c := range t.Columns {
		if _, dup := tb.cols[key(c)]; !dup && c != "" {
			tb.cols[key(c)] = c
		}
	}
	if !IsHeader(t.Columns) {
		res.Reject(source, "", fmt.Errorf("CSV header: a bulk-upload template needs a CTID or External Identifier column and a "+
			"Learning Opportunity Name, Credential Name or Assessment Name column (columns: %s)", strings.Join(t.Columns, ",")))
		return res
	}
	kind := catalog.KindCredential
	for _, n := range nameCols {
		if k, ok := kindNameCols[n]; ok && tb.col([]string{n}) != "" {
			kind = k
			break
		}
	}
	noIssuer := 0
	firstNoIssuer := ""
	problems := t.Problems
	for _, row := range t.Rows {
		for len(problems) > 0 && problems[0].Line < row.Line {
			res.Reject(source, line(problems[0].Line), problems[0].Err)
			problems = problems[1:]
		}
		c, note, err := tb.record(row, kind)
		if err != nil {
			res.Reject(source, line(row.Line), err)
			continue
		}
		if c.Issuer == "" && c.IssuerID == "" {
			if noIssuer == 0 {
				firstNoIssuer = line(row.Line)
			}
			noIssuer++
		}
		if res.Add(source, feed.Record{Credential: c, Locator: line(row.Line)}) && note != "" {
			res.Note(source, line(row.Line), "%s", note)
		}
	}
	for _, p := range problems {
		res.Reject(source, line(p.Line), p.Err)
	}
	if noIssuer > 0 && tb.col(ownerCols) == "" {
		res.Note(source, firstNoIssuer, "the file has no Owned By or Offered By column: %d record(s) are imported without an issuer "+
			"(a bulk upload is published under the uploading organization's account, which the file does not name)", noIssuer)
	}
	return res
}

func line(n int) string { return fmt.Sprintf("line %d", n) }

func fail(field, format string, args ...any) error {
	return &jsonval.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// values splits a cell holding several values: on "|" as the bulk-upload
// templates do, else on ";".
func values(s string) []string { return csvtable.SplitCell(s, "|", ";") }

var ctidLike = regexp.MustCompile(`(?i)^ce-[0-9a-f-]{36}$`)

// record reads one row. The note, when not empty, says what was chosen for
// it (which of several costs).
func (tb table) record(row csvtable.Row, kind string) (catalog.Credential, string, error) {
	c := catalog.Credential{Kind: kind}
	ctid := tb.get(row, idCols)
	external := tb.get(row, externalIDCols)
	switch {
	case ctid != "":
		c.ID = ctid
		if external != "" && external != ctid {
			c.AltIDs = []string{external}
		}
	case external != "":
		c.ID = external
	default:
		return c, "", fail("CTID", "required (or External Identifier)")
	}
	c.Title = strings.Join(strings.Fields(tb.get(row, nameCols)), " ")
	if c.Title == "" {
		return c, "", fail(tb.col(nameCols), "required")
	}
	c.Description = tb.get(row, descriptionCols)
	if owner := tb.get(row, ownerCols); owner != "" {
		if ctidLike.MatchString(owner) || textnorm.IsIRI(owner) {
			c.IssuerID = owner
		} else {
			c.Issuer = owner
		}
	}
	if typ := tb.get(row, typeCols); typ != "" {
		c.Type = strings.ReplaceAll(jsonval.Local(typ), " ", "")
		if k := ctdl.ItemKind("ceterms:" + c.Type); k != "" {
			c.Kind = k
		}
	}
	if u := tb.get(row, urlCols); textnorm.IsWebURL(u) {
		c.URL = u
	}
	c.Tags = textnorm.CleanList(values(tb.get(row, keywordCols)))
	c.Lifecycle = ctdl.LifecycleOf(tb.get(row, lifecycleCols))
	c.Format = deliveryFormat(values(tb.get(row, deliveryCols)))
	framework := tb.get(row, frameworkCols)
	for _, name := range values(tb.get(row, competencyCols)) {
		// Competencies are named, not coded: kept by name, framework as written.
		comp := catalog.Competency{Framework: framework, Name: name}
		if textnorm.IsWebURL(name) {
			comp = catalog.Competency{Framework: framework, URL: name}
		}
		c.Competencies = append(c.Competencies, comp)
	}
	c.Level = textnorm.InferLevel(c.Title)
	for _, l := range values(tb.get(row, levelCols)) {
		if n := ctdl.AudienceLevel(l); n > 0 && (c.Level == 0 || n < c.Level) {
			c.Level = n
		}
	}
	if d := tb.get(row, durationCols); d != "" {
		hours, calendar, err := readDuration(d)
		if err != nil {
			return c, "", fail(tb.col(durationCols), "%v", err)
		}
		c.Hours, c.CalendarDuration = hours, calendar
	}
	if c.Hours == nil {
		if v := tb.get(row, creditValueCols); v != "" {
			typ := strings.ToLower(tb.get(row, creditTypeCols))
			if n, err := strconv.ParseFloat(v, 64); err == nil && (strings.Contains(typ, "contact hour") || strings.Contains(typ, "clock hour")) {
				c.Hours = catalog.Float(n)
			}
		}
	}
	note, err := tb.cost(row, &c)
	if err != nil {
		return c, "", err
	}
	return c, note, nil
}

func deliveryFormat(terms []string) string {
	var found []string
	for _, t := range terms {
		f := ""
		switch strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(jsonval.Local(t))) {
		case "onlineonly", "online":
			f = catalog.FormatOnline
		case "inpersononly", "inperson":
			f = catalog.FormatInPerson
		case "blendeddelivery", "blended", "hybrid":
			f = catalog.FormatHybrid
		}
		if f != "" {
			found = textnorm.AppendUnique(found, f)
		}
	}
	switch len(found) {
	case 0:
		return ""
	case 1:
		return found[0]
	}
	return catalog.FormatHybrid
}

var plainDuration = regexp.MustCompile(`(?i)^(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|days?|weeks?|wks?|months?|years?|yrs?)$`)

// readDuration reads a duration cell: ISO 8601 (PT15H, P8W), or a number
// and unit as spreadsheets hold them ("15 hours", "8 weeks"). Hours and
// minutes are effort; days and longer a calendar length kept as ISO 8601.
func readDuration(s string) (*float64, string, error) {
	if m := plainDuration.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		switch u := strings.ToLower(m[2]); {
		case strings.HasPrefix(u, "h"):
			return catalog.Float(n), "", nil
		case strings.HasPrefix(u, "min"):
			return catalog.Float(n / 60), "", nil
		case strings.HasPrefix(u, "d"):
			return nil, "P" + m[1] + "D", nil
		case strings.HasPrefix(u, "w"):
			return nil, "P" + m[1] + "W", nil
		case strings.HasPrefix(u, "mo"):
			return nil, "P" + m[1] + "M", nil
		default:
			return nil, "P" + m[1] + "Y", nil
		}
	}
	d, err := ctdl.ParseDuration(s)
	if err != nil {
		return nil, "", err
	}
	if d.Calendar {
		return nil, d.Text, nil
	}
	return catalog.Float(d.Hours), "", nil
}

// cost reads the row's cost: a price column, and a "Cost: Types List" whose
// entries ("costType:Tuition~4500.00|costType:Fees~120") are the items of
// one cost and add up. The items win over a lone price that differs, which
// the note says.
func (tb table) cost(row csvtable.Row, c *catalog.Credential) (string, error) {
	currency := tb.get(row, currencyCols)
	if currency != "" && !isUSD(currency) {
		if tb.get(row, priceCols) != "" || tb.get(row, costListCols) != "" {
			return fmt.Sprintf("cost: in %s, not US dollars; cost_usd is left unstated", currency), nil
		}
		return "", nil
	}
	opt := catalog.CostOption{Name: tb.get(row, costNameCols), Currency: currency}
	var cents int64
	priced := false
	for _, item := range values(tb.get(row, costListCols)) {
		typ, amount, ok := strings.Cut(item, "~")
		if !ok {
			typ, amount, ok = strings.Cut(item, "=")
		}
		if !ok {
			continue
		}
		p, err := price(amount)
		if err != nil {
			return "", fail(tb.col(costListCols), "%v", err)
		}
		cents += p
		priced = true
		opt.Items = append(opt.Items, catalog.CostItem{Type: jsonval.Local(strings.TrimSpace(typ)), Price: float64(p) / 100})
	}
	note := ""
	if v := tb.get(row, priceCols); v != "" {
		p, err := price(v)
		if err != nil {
			return "", fail(tb.col(priceCols), "%v", err)
		}
		switch {
		case !priced:
			cents, priced = p, true
			opt.Items = append(opt.Items, catalog.CostItem{Price: float64(p) / 100})
		case p != cents:
			note = fmt.Sprintf("cost: the items of the cost list add up to %.2f USD, the price column says %.2f; the items are used", float64(cents)/100, float64(p)/100)
		}
	}
	if !priced {
		return "", nil
	}
	opt.Total = float64(cents) / 100
	opt.TotalUSD = catalog.Float(opt.Total)
	c.CostUSD = catalog.Float(opt.Total)
	c.Costs = []catalog.CostOption{opt}
	return note, nil
}

// price reads an amount in whole cents: "4,500.00", "$120", "120 USD".
func price(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, cur := range []string{"us$", "$", "usd"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, cur))
	}
	t = strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(t, "usd")), ",", "")
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("%q is not a price", s)
	}
	return int64(math.Round(n * 100)), nil
}

func isUSD(currency string) bool {
	switch strings.NewReplacer(" ", "", ".", "").Replace(strings.ToLower(currency)) {
	case "usd", "usdollar", "usdollars", "$", "us$", "dollar", "dollars":
		return true
	}
	return false
}
