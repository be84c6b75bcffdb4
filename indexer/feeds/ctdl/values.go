package ctdl

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

// itemKinds maps the CTDL classes of learning opportunities and
// assessments onto catalog kinds; every credential class is
// catalog.KindCredential.
var itemKinds = map[string]string{
	"LearningOpportunityProfile": catalog.KindLearningOpportunity,
	"LearningOpportunity":        catalog.KindLearningOpportunity,
	"Course":                     catalog.KindLearningOpportunity,
	"LearningProgram":            catalog.KindLearningOpportunity,
	"AssessmentProfile":          catalog.KindAssessment,
	"Assessment":                 catalog.KindAssessment,
}

// ItemKind returns the catalog kind of a ceterms type: KindCredential for
// a credential class, KindLearningOpportunity for LearningOpportunityProfile,
// Course and LearningProgram, KindAssessment for AssessmentProfile, and ""
// for any other type.
func ItemKind(t string) string {
	if IsCredentialType(t) {
		return catalog.KindCredential
	}
	if !strings.HasPrefix(t, "ceterms:") && !strings.HasPrefix(t, "http://purl.org/ctdl/terms/") && !strings.HasPrefix(t, "https://purl.org/ctdl/terms/") {
		return ""
	}
	return itemKinds[jsonval.Local(t)]
}

type keyed struct {
	key   string
	value any
}

// searchResults recognises a Registry or search API response that wraps
// resources or envelopes: {"data": [...]} or {"results": [...]} on an
// object that is not itself a node.
func searchResults(m map[string]any) (keyed, bool) {
	if m["@type"] != nil || m["@id"] != nil || m["@graph"] != nil {
		return keyed{}, false
	}
	for _, k := range []string{"data", "results"} {
		if v, ok := m[k]; ok {
			return keyed{key: k, value: v}, true
		}
	}
	return keyed{}, false
}

// graphStatus reads the adms:status a Registry graph carries
// ("graphPublicationStatus:Provisional") as a lifecycle value.
func graphStatus(m map[string]any) string {
	for _, t := range terms(m["adms:status"]) {
		if l := lifecycleOf(t); l != "" {
			return l
		}
	}
	return ""
}

// terms reads a concept value as CTDL writes it: a term string
// ("audLevel:BeginnerLevel"), a reference ({"@id": ...}), a
// CredentialAlignmentObject (its targetNode, else its targetNodeName), or a
// list of those. Each is returned as its lower-case local name.
func terms(v any) []string {
	var out []string
	for _, e := range jsonval.List(v) {
		var t string
		switch e := e.(type) {
		case string:
			t = e
		case map[string]any:
			t = jsonval.RefID(e["ceterms:targetNode"])
			if t == "" {
				t = jsonval.ID(e)
			}
			if t == "" {
				t = jsonval.Text(e["ceterms:targetNodeName"])
			}
		}
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, strings.ToLower(strings.ReplaceAll(jsonval.Local(t), " ", "")))
		}
	}
	return out
}

// rawTerm returns the local name of one concept value as written
// ("AggregateCost" for "costType:AggregateCost").
func rawTerm(v any) string {
	switch e := v.(type) {
	case string:
		return jsonval.Local(strings.TrimSpace(e))
	case map[string]any:
		if t := jsonval.RefID(e["ceterms:targetNode"]); t != "" {
			return jsonval.Local(t)
		}
		if t := jsonval.ID(e); t != "" {
			return jsonval.Local(t)
		}
		return jsonval.Text(e["ceterms:targetNodeName"])
	}
	return ""
}

// lifecycleOf maps one status term onto a catalog lifecycle value.
func lifecycleOf(term string) string {
	switch term {
	case "active", "published", "teachout", "probationary":
		return catalog.LifecycleActive
	case "provisional", "draft":
		return catalog.LifecycleProvisional
	case "developing", "indevelopment", "underdevelopment":
		return catalog.LifecycleDeveloping
	case "suspended":
		return catalog.LifecycleSuspended
	case "ceased", "deprecated", "retired", "discontinued", "inactive":
		return catalog.LifecycleCeased
	}
	return ""
}

// lifecycle reads a record's status. A provisional publication (the
// record's or its graph's adms:status) comes first, whatever the record's
// own lifecycle says; then ceterms:lifeCycleStatusType, then the older
// ceterms:credentialStatusType.
func (p *parser) lifecycle(f *jsonval.Fields, m map[string]any, graph string) string {
	pub := graph
	for _, t := range terms(m["adms:status"]) {
		if l := lifecycleOf(t); l != "" {
			pub = l
		}
	}
	if pub != "" && pub != catalog.LifecycleActive {
		return pub
	}
	for _, key := range []string{"ceterms:lifeCycleStatusType", "ceterms:credentialStatusType"} {
		for _, t := range terms(m[key]) {
			if l := lifecycleOf(t); l != "" {
				return l
			}
		}
	}
	return pub
}

// audienceLevels places CTDL audience levels on the catalog's level scale
// (1 = entry).
var audienceLevels = map[string]int{
	"beginnerlevel": 1, "secondarylevel": 1, "lowerdivisionlevel": 1, "associatesdegreelevel": 1,
	"intermediatelevel": 2, "postsecondarylevel": 2, "upperdivisionlevel": 2, "bachelorsdegreelevel": 2,
	"advancedlevel": 3, "graduatelevel": 3, "mastersdegreelevel": 3, "professionallevel": 3,
	"doctoraldegreelevel": 4, "postdoctorallevel": 4, "doctorallevel": 4,
}

// audienceLevel reads ceterms:audienceLevelType: the lowest level the
// record is meant for, 0 when it names none the scale knows.
func (p *parser) audienceLevel(f *jsonval.Fields, v any) int {
	level := 0
	for _, t := range terms(v) {
		if l, ok := audienceLevels[t]; ok && (level == 0 || l < level) {
			level = l
		}
	}
	return level
}

// issuer names the record's issuer: the first ceterms:ownedBy, else the
// first ceterms:offeredBy organization, as an IRI and, when the document
// describes the organization, by name. The other organizations that offer
// it go to OfferedBy (by name, else by IRI). Every organization a reference
// embeds or finds in the document is remembered for naming others.
func (p *parser) issuer(f *jsonval.Fields, m map[string]any, c *catalog.Credential) {
	for _, key := range []string{"ceterms:ownedBy", "ceterms:offeredBy"} {
		for i, r := range f.Refs(m[key], key) {
			org := p.deref(r)
			id := r.ID
			name := ""
			if org != nil {
				if id == "" {
					id, _ = org["ceterms:ctid"].(string)
				}
				name = f.LangString(org["ceterms:name"], jsonval.Field(key, i, "ceterms:name"))
				p.res.AddIssuer(id, name)
			}
			switch {
			case c.IssuerID == "" && c.Issuer == "":
				c.IssuerID, c.Issuer = id, name
			case key == "ceterms:offeredBy" && (id == "" || feed.MatchKey(id) != feed.MatchKey(c.IssuerID)) && (name == "" || name != c.Issuer):
				if name == "" {
					name = id
				}
				if name != "" && !slices.Contains(c.OfferedBy, name) {
					c.OfferedBy = append(c.OfferedBy, name)
				}
			}
		}
	}
}

// withCommonCosts returns a record's cost profiles: its own
// ceterms:estimatedCost and those of the CostManifests it shares through
// ceterms:commonCosts, when the document holds them.
func (p *parser) withCommonCosts(f *jsonval.Fields, m map[string]any) any {
	refs := f.Refs(m["ceterms:commonCosts"], "ceterms:commonCosts")
	if len(refs) == 0 {
		return m["ceterms:estimatedCost"]
	}
	all := append([]any{}, jsonval.List(m["ceterms:estimatedCost"])...)
	for _, r := range refs {
		if manifest := p.deref(r); manifest != nil {
			all = append(all, jsonval.List(manifest["ceterms:estimatedCost"])...)
		}
	}
	return all
}

// costGroup is one cost as the Registry publishes it: the items of a
// CostProfile, each a CostProfile node of its own that repeats the
// profile's name, description, details and currency.
type costGroup struct {
	option    catalog.CostOption
	cents     int64
	aggregate int64
	hasAgg    bool
	priced    bool
}

// cost reads ceterms:estimatedCost. The items of one CostProfile add up
// (in whole cents); an item whose directCostType is AggregateCost states
// its profile's total. Several profiles are alternatives (in-state and
// out-of-state tuition): each is kept, and the cost is the lowest USD
// total, which the report notes. A profile in another currency is kept
// but not converted; one that states no currency is taken to be in USD.
func (p *parser) cost(f *jsonval.Fields, v any, ptr string) (*float64, []catalog.CostOption) {
	var groups []*costGroup
	byKey := map[string]*costGroup{}
	for i, r := range f.Refs(v, "ceterms:estimatedCost") {
		prof := p.deref(r)
		if prof == nil {
			continue
		}
		field := jsonval.Field("ceterms:estimatedCost", i)
		price, ok := priceValue(f, prof["ceterms:price"], field+".ceterms:price")
		if !ok {
			continue
		}
		if price < 0 {
			f.Fail(field+".ceterms:price", "negative price %v", price)
			continue
		}
		name := f.LangString(prof["ceterms:name"], field+".ceterms:name")
		currency := f.String(prof["ceterms:currency"], field+".ceterms:currency")
		curKey := strings.ToLower(currency)
		if currency == "" || isUSD(currency) {
			curKey = "usd"
		}
		key := strings.Join([]string{name, jsonval.Text(prof["ceterms:description"]), jsonval.Text(prof["ceterms:costDetails"]), curKey, strings.Join(terms(prof["ceterms:audienceType"]), ","),
			strings.Join(terms(prof["ceterms:residencyType"]), ",")}, "\x00")
		typ := ""
		if ts := jsonval.List(prof["ceterms:directCostType"]); len(ts) > 0 {
			typ = rawTerm(ts[0])
		}
		g := byKey[key]
		if g != nil && g.hasAgg && strings.EqualFold(typ, "AggregateCost") {
			// A second total under the same heading is another
			// alternative, not an item of the first.
			key += fmt.Sprintf("\x00%d", len(groups))
			g = nil
		}
		if g == nil {
			g = &costGroup{option: catalog.CostOption{Name: name, Currency: currency}}
			byKey[key] = g
			groups = append(groups, g)
		}
		cents := int64(math.Round(price * 100))
		g.option.Items = append(g.option.Items, catalog.CostItem{Type: typ, Price: float64(cents) / 100})
		if strings.EqualFold(typ, "AggregateCost") {
			if !g.hasAgg {
				g.aggregate, g.hasAgg = cents, true
			}
			continue
		}
		g.cents += cents
		g.priced = true
	}
	if len(groups) == 0 {
		return nil, nil
	}
	var options []catalog.CostOption
	best := -1
	var bestCents int64
	for _, g := range groups {
		total := g.cents
		if g.hasAgg {
			total = g.aggregate
		}
		g.option.Total = float64(total) / 100
		if g.option.Currency == "" || isUSD(g.option.Currency) {
			g.option.TotalUSD = catalog.Float(float64(total) / 100)
			if best < 0 || total < bestCents {
				best, bestCents = len(options), total
			}
		}
		options = append(options, g.option)
	}
	if best < 0 {
		p.res.Note(p.source, ptr, "ceterms:estimatedCost: no cost in US dollars (%s); cost_usd is left unstated", options[0].Currency)
		return nil, options
	}
	if len(options) > 1 {
		label := options[best].Name
		if label == "" {
			label = fmt.Sprintf("profile %d", best+1)
		}
		p.res.Note(p.source, ptr, "ceterms:estimatedCost: %d cost profiles are alternatives; cost_usd is the lowest, %q at %s USD (all are kept in costs)",
			len(options), label, strconv.FormatFloat(float64(bestCents)/100, 'f', 2, 64))
	}
	return catalog.Float(float64(bestCents) / 100), options
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$`)

// Duration is an ISO 8601 duration read from a feed. Effort durations
// state only hours, minutes or seconds (PT15H, PT90M) and convert to Hours;
// a duration with years, months, weeks or days is a calendar length and is
// never turned into hours.
type Duration struct {
	Text     string // as written, upper-cased
	Calendar bool
	Hours    float64 // for an effort duration
}

// ParseDuration reads an ISO 8601 duration such as PT15H, P8W or P2Y.
func ParseDuration(s string) (Duration, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	m := isoDuration.FindStringSubmatch(t)
	if m == nil || strings.HasSuffix(t, "T") {
		return Duration{}, fmt.Errorf("%q is not an ISO 8601 duration such as PT15H or P8W", s)
	}
	d := Duration{Text: t}
	weights := []float64{0, 0, 0, 0, 1, 1.0 / 60, 1.0 / 3600}
	stated := false
	for i, w := range weights {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseFloat(strings.Replace(m[i+1], ",", ".", 1), 64)
		if err != nil {
			return Duration{}, fmt.Errorf("%q is not an ISO 8601 duration: %w", s, err)
		}
		stated = true
		if i < 4 {
			d.Calendar = true
		}
		d.Hours += n * w
	}
	if !stated {
		return Duration{}, fmt.Errorf("%q is not an ISO 8601 duration: it states no amount", s)
	}
	if d.Calendar {
		d.Hours = 0
	}
	return d, nil
}

// duration reads ceterms:estimatedDuration DurationProfiles. Hours come
// from an effort duration only: ceterms:timeRequired, else an exact
// duration stated in hours, else the larger of a range stated in hours
// (noted in the report). A calendar length (exact, or a minimum–maximum
// range "P8W/P12W") is kept as written in the second result.
func (p *parser) duration(f *jsonval.Fields, v any, ptr string) (*float64, string) {
	var hours *float64
	calendar := ""
	for i, r := range f.Refs(v, "ceterms:estimatedDuration") {
		prof := p.deref(r)
		if prof == nil {
			continue
		}
		read := func(key string) (Duration, bool) {
			field := jsonval.Field("ceterms:estimatedDuration", i, key)
			s := f.String(prof[key], field)
			if s == "" {
				return Duration{}, false
			}
			d, err := ParseDuration(s)
			if err != nil {
				f.Fail(field, "%v", err)
				return Duration{}, false
			}
			return d, true
		}
		effort, hasEffort := read("ceterms:timeRequired")
		exact, hasExact := read("ceterms:exactDuration")
		lo, hasLo := read("ceterms:minimumDuration")
		hi, hasHi := read("ceterms:maximumDuration")
		if hours == nil {
			switch {
			case hasEffort && !effort.Calendar:
				hours = catalog.Float(effort.Hours)
			case hasExact && !exact.Calendar:
				hours = catalog.Float(exact.Hours)
			case hasHi && !hi.Calendar && (!hasLo || !lo.Calendar):
				hours = catalog.Float(hi.Hours)
				if hasLo {
					p.res.Note(p.source, ptr, "ceterms:estimatedDuration: %s to %s; hours is the larger, %v", lo.Text, hi.Text, hi.Hours)
				}
			case hasLo && !lo.Calendar && !hasHi:
				hours = catalog.Float(lo.Hours)
			}
		}
		if calendar == "" {
			switch {
			case hasExact && exact.Calendar:
				calendar = exact.Text
			case hasLo && hasHi && (lo.Calendar || hi.Calendar):
				calendar = lo.Text + "/" + hi.Text
			case hasLo && lo.Calendar:
				calendar = lo.Text + "/"
			case hasHi && hi.Calendar:
				calendar = "/" + hi.Text
			case hasEffort && effort.Calendar:
				calendar = effort.Text
			}
		}
	}
	return hours, calendar
}

// usStates maps US state and territory names to their postal codes.
var usStates = map[string]string{
	"alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
	"connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "florida": "FL", "georgia": "GA",
	"hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
	"kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
	"michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
	"nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
	"new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
	"oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
	"south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
	"virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
	"puerto rico": "PR", "guam": "GU", "american samoa": "AS", "u.s. virgin islands": "VI",
	"northern mariana islands": "MP",
}

// usState returns the postal code of a US state given by name or code.
func usState(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ", USA"))
	if code, ok := usStates[strings.ToLower(s)]; ok {
		return code
	}
	up := strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "US-"))
	for _, code := range usStates {
		if code == up {
			return code
		}
	}
	return ""
}

func isUnitedStates(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "us", "usa", "united states", "united states of america", "u.s.", "u.s.a.":
		return true
	}
	return false
}

// jurisdictions reads ceterms:approvedIn JurisdictionProfiles into the
// catalog's jurisdiction codes ("US-IL"; "US" for the whole country). A
// jurisdiction that is not a US state or the US is noted and left out.
func (p *parser) jurisdictions(f *jsonval.Fields, v any, field, ptr string) []string {
	var out []string
	for i, r := range f.Refs(v, field) {
		prof := p.deref(r)
		if prof == nil {
			continue
		}
		if b, _ := prof["ceterms:globalJurisdiction"].(bool); b {
			continue
		}
		for j, place := range jsonval.Nodes(prof["ceterms:mainJurisdiction"]) {
			name := f.LangString(place["ceterms:name"], jsonval.Field(field, i, "ceterms:mainJurisdiction", j, "ceterms:name"))
			region := f.LangString(place["ceterms:addressRegion"], jsonval.Field(field, i, "ceterms:mainJurisdiction", j, "ceterms:addressRegion"))
			country := f.LangString(place["ceterms:addressCountry"], jsonval.Field(field, i, "ceterms:mainJurisdiction", j, "ceterms:addressCountry"))
			code := ""
			switch {
			case usState(region) != "":
				code = "US-" + usState(region)
			case usState(name) != "" && (country == "" || isUnitedStates(country)):
				code = "US-" + usState(name)
			case isUnitedStates(name) || (name == "" && region == "" && isUnitedStates(country)):
				code = "US"
			}
			if code == "" {
				p.res.Note(p.source, ptr, "%s: jurisdiction %q is not a US state; left out of approved_in", field, strings.TrimSpace(name+" "+region+" "+country))
				continue
			}
			if !slices.Contains(out, code) {
				out = append(out, code)
			}
		}
	}
	return out
}

// approvers reads ceterms:approvedBy: an approving organization the
// document describes contributes the jurisdictions it states
// (ceterms:jurisdiction); a state education agency ("Illinois State Board
// of Education") approves for its state, which the report notes.
func (p *parser) approvers(f *jsonval.Fields, v any, ptr string) []string {
	var out []string
	for i, r := range f.Refs(v, "ceterms:approvedBy") {
		org := p.deref(r)
		if org == nil {
			continue
		}
		field := jsonval.Field("ceterms:approvedBy", i)
		codes := p.jurisdictions(f, org["ceterms:jurisdiction"], field+".ceterms:jurisdiction", ptr)
		name := f.LangString(org["ceterms:name"], field+".ceterms:name")
		if len(codes) == 0 {
			if code := stateAgency(name); code != "" {
				codes = []string{code}
				p.res.Note(p.source, ptr, "ceterms:approvedBy %q is a state education agency: approved in %s", name, code)
			}
		}
		for _, c := range codes {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// stateAgency returns "US-XX" for the name of a US state's education
// agency (board, department or commission of education, or of teacher
// standards), "" otherwise.
func stateAgency(name string) string {
	l := strings.ToLower(name)
	if !strings.Contains(l, "education") && !strings.Contains(l, "teacher") && !strings.Contains(l, "educator") {
		return ""
	}
	if !strings.Contains(l, "board") && !strings.Contains(l, "department") && !strings.Contains(l, "commission") && !strings.Contains(l, "agency") {
		return ""
	}
	best := ""
	for state := range usStates {
		// The longest state name contained wins ("West Virginia" over "Virginia").
		if strings.Contains(l, state) && len(state) > len(best) {
			best = state
		}
	}
	if best == "" {
		return ""
	}
	return "US-" + usStates[best]
}

// keyOf is the form under which the parser indexes and looks up node
// identifiers: see feed.MatchKey.
func keyOf(id string) string { return feed.MatchKey(id) }

// LifecycleOf maps a status term as publishers write it ("lifeCycle:Active",
// "Ceased", "graphPublicationStatus:Provisional", "Teach Out") onto a
// catalog lifecycle value, "" when it is none the catalog knows.
func LifecycleOf(term string) string {
	return lifecycleOf(strings.ToLower(strings.ReplaceAll(jsonval.Local(strings.TrimSpace(term)), " ", "")))
}

// AudienceLevel places one CTDL audience level term ("audLevel:BeginnerLevel",
// "Masters Degree Level") on the catalog's level scale, 0 when unknown.
func AudienceLevel(term string) int {
	t := strings.ToLower(strings.NewReplacer(" ", "", "'", "", "-", "").Replace(jsonval.Local(strings.TrimSpace(term))))
	if !strings.HasSuffix(t, "level") {
		t += "level"
	}
	return audienceLevels[t]
}

// creditHours reads effort a record states as credit in clock or contact
// hours (ceterms:creditValue QuantitativeValues, or the older
// ceterms:creditUnitValue with ceterms:creditUnitType); continuing
// education units count ten contact hours each, which the report notes.
// Academic credit (semester or quarter hours) is not effort and is left
// out.
func (p *parser) creditHours(f *jsonval.Fields, m map[string]any, ptr string) *float64 {
	type credit struct {
		value any
		units []string
	}
	var credits []credit
	for _, v := range jsonval.Nodes(m["ceterms:creditValue"]) {
		value := v["schema:value"]
		if value == nil {
			value = v["schema:maxValue"]
		}
		credits = append(credits, credit{value, append(terms(v["ceterms:creditUnitType"]), terms(v["schema:unitText"])...)})
	}
	if v := m["ceterms:creditUnitValue"]; v != nil {
		credits = append(credits, credit{v, terms(m["ceterms:creditUnitType"])})
	}
	for _, c := range credits {
		n, ok := f.Number(c.value, "ceterms:creditValue")
		if !ok || n <= 0 {
			continue
		}
		for _, u := range c.units {
			switch u {
			case "clockhour", "clockhours", "contacthour", "contacthours":
				return catalog.Float(n)
			case "continuingeducationunit", "continuingeducationunits", "ceu":
				p.res.Note(p.source, ptr, "credit of %v continuing education units: hours is %v (ten contact hours each)", n, n*10)
				return catalog.Float(n * 10)
			}
		}
	}
	return nil
}
