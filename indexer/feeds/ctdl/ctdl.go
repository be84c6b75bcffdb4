// Package ctdl reads Credential Engine CTDL JSON-LD: @graph documents,
// single nodes as the Credential Registry serves them, bare arrays of
// nodes, Registry envelopes (objects with a decoded_resource, whose
// owned_by names the issuer when the resource does not) and search
// responses (an object whose "data" or "results" lists resources or
// envelopes).
//
// Every ceterms credential class becomes a catalog item of kind
// credential; LearningOpportunityProfile, Course and LearningProgram
// become learning opportunities and AssessmentProfile assessments.
// CredentialOrganization nodes name the issuers, matched by CTID in any
// Registry URI form. Language maps keep every language. Condition
// profiles fill prerequisites; CostProfiles fill cost_usd in cents (the
// items of one profile add up, several profiles are alternatives and the
// lowest is taken, each kept); DurationProfiles give hours only for effort
// stated in hours and keep calendar lengths as written;
// audienceLevelType gives the level; adms:status, lifeCycleStatusType and
// credentialStatusType the lifecycle; approvedIn and approvedBy the
// jurisdictions. Where a choice is made the result's notes say so.
package ctdl

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/obalign"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// Parse decodes data and reads it as CTDL JSON-LD.
func Parse(source string, data []byte) feed.Result {
	return feed.ParseJSON(source, feed.FormatCTDL, data, FromJSON)
}

// FromJSON reads an already decoded CTDL document.
func FromJSON(source string, doc any) feed.Result {
	p := &parser{source: source, res: feed.Result{Format: feed.FormatCTDL}, index: map[string]map[string]any{}}
	p.collect(doc, "", scope{})
	for _, n := range p.nodes {
		for _, key := range []string{"@id", "ceterms:ctid"} {
			if id, _ := n.node[key].(string); id != "" {
				if _, dup := p.index[keyOf(id)]; !dup {
					p.index[keyOf(id)] = n.node
				}
			}
		}
	}
	for _, n := range p.nodes {
		if n.kind == kindOrganization {
			var f jsonval.Fields
			id, _ := n.node["@id"].(string)
			if id == "" {
				id, _ = n.node["ceterms:ctid"].(string)
			}
			p.res.AddIssuer(id, f.LangString(n.node["ceterms:name"], "ceterms:name"))
			for _, key := range []string{"ceterms:owns", "ceterms:offers"} {
				for _, item := range jsonval.RefIDs(n.node[key]) {
					p.res.AddOwner(item, id)
				}
			}
		}
	}
	others := map[string]*skipped{}
	for _, n := range p.nodes {
		switch n.kind {
		case kindCredential:
			p.item(n)
		case kindMissingType:
			p.res.Reject(source, n.ptr, jsonval.Required("@type"))
		case kindBadType:
			p.res.Reject(source, n.ptr, n.err)
		case kindOrganization, kindOther:
			s := others[n.typ]
			if s == nil {
				s = &skipped{ptr: n.ptr, kind: n.kind}
				others[n.typ] = s
			}
			s.count++
		}
	}
	p.reportSkipped(others)
	p.res.NameIssuers()
	return p.res
}

type kind int

const (
	kindAuxiliary kind = iota // profiles and blank nodes read through the credentials that use them
	kindCredential
	kindOrganization
	kindOther
	kindMissingType
	kindBadType
)

type node struct {
	ptr  string
	node map[string]any
	kind kind
	typ  string // the type that decided kind
	err  error
	scope
}

// scope is what a node inherits from the documents enclosing it.
type scope struct {
	status string // publication status of the enclosing graph
	owner  string // owner of the enclosing Registry envelope (a CTID)
	// related marks the resources a search response only refers to.
	related bool
}

type skipped struct {
	ptr   string
	kind  kind
	count int
}

type parser struct {
	source string
	res    feed.Result
	nodes  []node
	index  map[string]map[string]any // nodes by @id and ctid
}

// collect lists the nodes of a document: a single node, the members of an
// @graph, the decoded_resource of Registry envelopes, the "data" of a
// search API wrapper, or arrays of those.
//
// in is what the nodes inherit from what encloses them: the publication
// status of their graph (adms:status, "graphPublicationStatus:Provisional")
// and the organization that owns their Registry envelope.
func (p *parser) collect(v any, ptr string, in scope) {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["decoded_resource"]; ok {
			if owner, _ := v["owned_by"].(string); owner != "" {
				in.owner = owner
			}
			p.collect(r, jsonval.Pointer(ptr, "decoded_resource"), in)
			return
		}
		if d, ok := searchResults(v); ok {
			// A Registry search response: {"data": [...]} or
			// {"results": [...]} around resources or envelopes.
			p.collect(d.value, jsonval.Pointer(ptr, d.key), in)
			// The Search API lists the resources its results refer to
			// (organizations, above all) under extra.RelatedItems: they
			// name issuers but are not results themselves.
			if extra, ok := v["extra"].(map[string]any); ok && extra["RelatedItems"] != nil {
				rel := in
				rel.related = true
				p.collect(extra["RelatedItems"], jsonval.Pointer(ptr, "extra", "RelatedItems"), rel)
			}
			return
		}
		if s := graphStatus(v); s != "" {
			in.status = s
		}
		if g, ok := v["@graph"]; ok {
			list, isList := g.([]any)
			if !isList {
				p.res.Reject(p.source, ptr, &jsonval.FieldError{Field: "@graph", Reason: "want an array, got " + jsonval.Kind(g)})
				return
			}
			for i, e := range list {
				p.collect(e, jsonval.Pointer(ptr, "@graph", i), in)
			}
			return
		}
		n := classify(v, ptr)
		n.scope = in
		if in.related && n.kind != kindOrganization {
			n.kind = kindAuxiliary
		}
		p.nodes = append(p.nodes, n)
	case []any:
		for i, e := range v {
			p.collect(e, jsonval.Pointer(ptr, i), in)
		}
	default:
		p.res.Reject(p.source, ptr, fmt.Errorf("want a JSON-LD node object, got %s", jsonval.Kind(v)))
	}
}

func classify(m map[string]any, ptr string) node {
	n := node{ptr: ptr, node: m}
	var f jsonval.Fields
	types := f.Types(m["@type"], "@type")
	if f.Err != nil {
		n.kind, n.err = kindBadType, f.Err
		return n
	}
	if len(types) == 0 {
		if _, ok := m["ceterms:ctid"]; ok {
			n.kind = kindMissingType
		}
		return n
	}
	for _, t := range types {
		if IsCredentialType(t) || ItemKind(t) != "" {
			n.kind, n.typ = kindCredential, t
			return n
		}
	}
	for _, t := range types {
		switch jsonval.Local(t) {
		case "CredentialOrganization", "QACredentialOrganization", "Organization":
			n.kind, n.typ = kindOrganization, t
			return n
		}
	}
	id, _ := m["@id"].(string)
	if strings.HasPrefix(id, "_:") || auxiliary[jsonval.Local(types[0])] {
		return n
	}
	n.kind, n.typ = kindOther, types[0]
	return n
}

// auxiliary lists the CTDL classes that only describe something else; a
// graph carries them beside the credential that uses them.
var auxiliary = map[string]bool{
	"ConditionProfile": true, "CostProfile": true, "DurationProfile": true, "CredentialAlignmentObject": true,
	"ContactPoint": true, "Place": true, "IdentifierValue": true, "ValueProfile": true, "QuantitativeValue": true,
	"AggregateDataProfile": true, "JurisdictionProfile": true, "ProcessProfile": true, "RevocationProfile": true,
	"VerificationServiceProfile": true, "FinancialAssistanceProfile": true, "HoldersProfile": true,
	"EarningsProfile": true, "EmploymentOutcomeProfile": true, "ConditionManifest": true, "CostManifest": true,
}

// credentialClasses are the ceterms subclasses of ceterms:Credential.
var credentialClasses = map[string]bool{
	"Credential": true, "AcademicCertificate": true, "ApprenticeshipCertificate": true,
	"AssociateDegree": true, "AssociateOfAppliedArtsDegree": true, "AssociateOfAppliedScienceDegree": true,
	"AssociateOfArtsDegree": true, "AssociateOfScienceDegree": true, "BachelorDegree": true,
	"BachelorOfArtsDegree": true, "BachelorOfScienceDegree": true, "Badge": true,
	"BasicTechnicalCertificate": true, "BootcampCertificate": true, "Certificate": true,
	"CertificateOfCompletion": true, "CertificateOfParticipation": true, "Certification": true,
	"Degree": true, "DigitalBadge": true, "Diploma": true, "DoctoralDegree": true,
	"GeneralEducationDevelopment": true, "JourneymanCertificate": true, "License": true,
	"MasterCertificate": true, "MasterDegree": true, "MasterOfArtsDegree": true,
	"MasterOfScienceDegree": true, "MicroCredential": true, "OpenBadge": true,
	"PreApprenticeshipCertificate": true, "ProfessionalCertificate": true, "ProfessionalDoctorate": true,
	"QualityAssuranceCredential": true, "ResearchDoctorate": true, "SecondarySchoolDiploma": true,
	"SpecialistDegree": true, "TradeCertificate": true,
}

// credentialSuffix catches credential classes added to CTDL after this list
// was written: their names end in the kind of award they are.
var credentialSuffix = regexp.MustCompile(`(Degree|Certificate|Diploma|Badge|License|Certification|Doctorate|Credential)$`)

// IsCredentialType reports whether a JSON-LD type names a ceterms credential
// class ("ceterms:MicroCredential", "ceterms:BachelorDegree", or the full
// purl.org/ctdl/terms IRI).
func IsCredentialType(t string) bool {
	var local string
	switch {
	case strings.HasPrefix(t, "ceterms:"):
		local = strings.TrimPrefix(t, "ceterms:")
	case strings.HasPrefix(t, "https://purl.org/ctdl/terms/"), strings.HasPrefix(t, "http://purl.org/ctdl/terms/"):
		local = jsonval.Local(t)
	default:
		return false
	}
	return credentialClasses[local] || credentialSuffix.MatchString(local)
}

// deref returns the node a reference points to: the embedded node, or the
// node of the same document with that @id or ctid (matched as
// feed.MatchKey does: a CTID in any Registry URI form, without regard to
// case).
//
// A reference object that only names its node ({"@id": ...}, perhaps with
// a @type) is looked up like an IRI.
func (p *parser) deref(r jsonval.Ref) map[string]any {
	if r.Node != nil && !isStub(r.Node) {
		return r.Node
	}
	if r.ID == "" {
		return r.Node
	}
	if n := p.index[keyOf(r.ID)]; n != nil {
		return n
	}
	return r.Node
}

// isStub reports whether an object only refers to a node: nothing but
// @id, id and @type.
func isStub(m map[string]any) bool {
	for k := range m {
		if k != "@id" && k != "id" && k != "@type" {
			return false
		}
	}
	return true
}

// refID is the identifier to record for a linked credential: an IRI as the
// feed gave it, or for an embedded node its ctid, else its @id.
func refID(r jsonval.Ref) string {
	if r.Node != nil {
		if ctid, _ := r.Node["ceterms:ctid"].(string); strings.TrimSpace(ctid) != "" {
			return ctid
		}
	}
	return r.ID
}

// item reads one credential, learning opportunity or assessment node.
func (p *parser) item(n node) {
	m := n.node
	var f jsonval.Fields
	c := catalog.Credential{Type: jsonval.Local(n.typ), Kind: ItemKind(n.typ)}
	if c.Kind == "" {
		c.Kind = catalog.KindCredential
	}
	ctid := f.Raw(m["ceterms:ctid"], "ceterms:ctid")
	atID := f.Raw(m["@id"], "@id")
	switch {
	case strings.TrimSpace(ctid) != "":
		c.ID = ctid
		if atID != "" && atID != ctid && !strings.HasPrefix(atID, "_:") {
			c.AltIDs = []string{atID}
		}
	case strings.TrimSpace(atID) != "" && !strings.HasPrefix(atID, "_:"):
		c.ID = atID
	case f.Err == nil:
		f.Err = jsonval.Required("ceterms:ctid")
	}
	c.Titles, c.Title = f.LangMap(m["ceterms:name"], "ceterms:name")
	if f.Err == nil && c.Title == "" {
		f.Err = jsonval.Required("ceterms:name")
	}
	c.Descriptions, c.Description = f.LangMap(m["ceterms:description"], "ceterms:description")
	c.Titles, c.Descriptions = onlyOtherLanguages(c.Titles), onlyOtherLanguages(c.Descriptions)
	c.URL = first(f.Strings(m["ceterms:subjectWebpage"], "ceterms:subjectWebpage"))
	c.Image = textnorm.Image(first(f.Strings(m["ceterms:image"], "ceterms:image")))

	p.issuer(&f, m, &c)

	tags := f.AllLangStrings(m["ceterms:keyword"], "ceterms:keyword")
	for i, s := range jsonval.List(m["ceterms:subject"]) {
		field := jsonval.Field("ceterms:subject", i)
		if o, ok := s.(map[string]any); ok && o["ceterms:targetNodeName"] != nil {
			tags = append(tags, f.LangString(o["ceterms:targetNodeName"], field+".ceterms:targetNodeName"))
			continue
		}
		tags = append(tags, f.LangStrings(s, field)...)
	}
	c.Tags = textnorm.CleanList(tags)
	c.Format = p.format(&f, m)

	for _, r := range f.Refs(m["ceterms:isPartOf"], "ceterms:isPartOf") {
		c.PartOf = textnorm.AppendUnique(c.PartOf, refID(r))
	}
	for _, r := range f.Refs(m["ceterms:hasPart"], "ceterms:hasPart") {
		c.HasPart = textnorm.AppendUnique(c.HasPart, refID(r))
	}
	if refs := f.Refs(m["ceterms:supersededBy"], "ceterms:supersededBy"); len(refs) > 0 {
		c.SupersededBy = refID(refs[0])
	}

	c.Competencies = p.competencies(&f, m["ceterms:targetCompetency"], "ceterms:targetCompetency", nil)
	c.Prerequisites, c.PrerequisitesMin, c.Competencies = p.requirements(&f, m["ceterms:requires"], c.Competencies)
	c.CostUSD, c.Costs = p.cost(&f, p.withCommonCosts(&f, m), n.ptr)
	c.Hours, c.CalendarDuration = p.duration(&f, m["ceterms:estimatedDuration"], n.ptr)
	if c.Hours == nil {
		c.Hours = p.creditHours(&f, m, n.ptr)
	}
	c.Level = textnorm.InferLevel(c.Title)
	if c.Level == 0 {
		c.Level = p.audienceLevel(&f, m["ceterms:audienceLevelType"])
	}
	c.ApprovedIn = p.jurisdictions(&f, m["ceterms:approvedIn"], "ceterms:approvedIn", n.ptr)
	for _, code := range p.approvers(&f, m["ceterms:approvedBy"], n.ptr) {
		c.ApprovedIn = textnorm.AppendUnique(c.ApprovedIn, code)
	}
	c.Lifecycle = p.lifecycle(&f, m, n.status)
	if c.IssuerID == "" && c.Issuer == "" && n.owner != "" {
		c.IssuerID = n.owner
		p.res.Note(p.source, n.ptr, "no ceterms:ownedBy or ceterms:offeredBy: the issuer is the owner of the Registry envelope, %s", n.owner)
	}

	if f.Err != nil {
		p.res.Reject(p.source, n.ptr, f.Err)
		return
	}
	p.res.Add(p.source, feed.Record{Credential: c, Locator: n.ptr})
}

// onlyOtherLanguages drops a language map that holds English alone: the
// plain Title or Description says all it does. Maps with other languages
// are kept whole.
func onlyOtherLanguages(m map[string]string) map[string]string {
	if len(m) == 1 {
		for tag := range m {
			if l := strings.ToLower(tag); l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
				return nil
			}
		}
	}
	return m
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// format maps ceterms:deliveryType (or learningDeliveryType) onto the
// catalog's formats. A credential offered several ways is hybrid.
func (p *parser) format(f *jsonval.Fields, m map[string]any) string {
	var found []string
	for _, key := range []string{"ceterms:deliveryType", "ceterms:learningDeliveryType"} {
		for i, v := range jsonval.List(m[key]) {
			var term string
			switch v := v.(type) {
			case string:
				term = v
			case map[string]any:
				term = f.String(v["ceterms:targetNode"], jsonval.Field(key, i, "ceterms:targetNode"))
				if term == "" {
					term = f.LangString(v["ceterms:targetNodeName"], jsonval.Field(key, i, "ceterms:targetNodeName"))
				}
			default:
				f.Fail(jsonval.Field(key, i), "want a term or a CredentialAlignmentObject, got %s", jsonval.Kind(v))
			}
			switch strings.ToLower(strings.ReplaceAll(jsonval.Local(term), " ", "")) {
			case "onlineonly", "online":
				found = textnorm.AppendUnique(found, catalog.FormatOnline)
			case "inpersononly", "inperson":
				found = textnorm.AppendUnique(found, catalog.FormatInPerson)
			case "blendeddelivery", "blended", "blendedlearning", "hybrid":
				found = textnorm.AppendUnique(found, catalog.FormatHybrid)
			}
		}
		if len(found) > 0 {
			break
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

// competencies reads CredentialAlignmentObjects (or references to
// competency nodes of the same graph) into raw competencies.
func (p *parser) competencies(f *jsonval.Fields, v any, field string, into []catalog.Competency) []catalog.Competency {
	for _, r := range f.Refs(v, field) {
		node := p.deref(r)
		if node == nil {
			into = obalign.Append(into, catalog.Competency{Framework: textnorm.Host(r.ID), URL: r.ID})
			continue
		}
		var c catalog.Competency
		if node["ceasn:competencyText"] != nil || node["ceasn:isPartOf"] != nil {
			c = p.ceasnCompetency(f, node, field)
		} else {
			c = catalog.Competency{
				Framework: f.LangString(node["ceterms:frameworkName"], field+".ceterms:frameworkName"),
				Code:      f.Text(node["ceterms:codedNotation"], field+".ceterms:codedNotation"),
				Name:      f.LangString(node["ceterms:targetNodeName"], field+".ceterms:targetNodeName"),
			}
			if c.Framework == "" {
				c.Framework = first(f.Strings(node["ceterms:framework"], field+".ceterms:framework"))
			}
			if refs := f.Refs(node["ceterms:targetNode"], field+".ceterms:targetNode"); len(refs) > 0 {
				c.URL = refs[0].ID
			}
		}
		if c.Framework == "" {
			c.Framework = textnorm.Host(c.URL)
		}
		if c.Code == "" && c.Name == "" && c.URL == "" {
			continue
		}
		into = obalign.Append(into, c)
	}
	return into
}

// ceasnCompetency reads a ceasn:Competency node of the same graph.
func (p *parser) ceasnCompetency(f *jsonval.Fields, node map[string]any, field string) catalog.Competency {
	c := catalog.Competency{
		Code: first(f.Strings(node["ceasn:codedNotation"], field+".ceasn:codedNotation")),
		Name: f.LangString(node["ceasn:competencyLabel"], field+".ceasn:competencyLabel"),
	}
	if c.Name == "" {
		c.Name = f.LangString(node["ceasn:competencyText"], field+".ceasn:competencyText")
	}
	c.URL, _ = node["@id"].(string)
	if refs := f.Refs(node["ceasn:isPartOf"], field+".ceasn:isPartOf"); len(refs) > 0 {
		c.Framework = refs[0].ID
		if fw := p.deref(refs[0]); fw != nil {
			if name := f.LangString(fw["ceasn:name"], field+".ceasn:isPartOf.ceasn:name"); name != "" {
				c.Framework = name
			}
		}
	}
	return c
}

// requirements reads ceterms:requires ConditionProfiles. Every condition
// must be met; within one, ceterms:alternativeCondition offers other sets
// of credentials and ceterms:requiredNumber asks for k of the listed ones.
// The catalog keeps one list and a count, so the count is the sum over the
// conditions of what each needs (the smallest alternative for one with
// alternatives), and 0 (all) when that is every listed credential.
// Competencies the conditions target are added to comps.
func (p *parser) requirements(f *jsonval.Fields, v any, comps []catalog.Competency) ([]string, int, []catalog.Competency) {
	var all []string
	need := 0
	for i, r := range f.Refs(v, "ceterms:requires") {
		cond := p.deref(r)
		if cond == nil {
			continue
		}
		field := jsonval.Field("ceterms:requires", i)
		comps = p.competencies(f, cond["ceterms:targetCompetency"], field+".ceterms:targetCompetency", comps)
		options := [][]string{}
		if own := p.targets(f, cond, field); len(own) > 0 {
			options = append(options, own)
		}
		for j, ar := range f.Refs(cond["ceterms:alternativeCondition"], field+".ceterms:alternativeCondition") {
			if alt := p.deref(ar); alt != nil {
				if ts := p.targets(f, alt, jsonval.Field(field+".ceterms:alternativeCondition", j)); len(ts) > 0 {
					options = append(options, ts)
				}
			}
		}
		switch len(options) {
		case 0:
			continue
		case 1:
			k := len(options[0])
			if n, ok := f.Number(cond["ceterms:requiredNumber"], field+".ceterms:requiredNumber"); ok && n >= 1 && int(n) < k {
				k = int(n)
			}
			need += k
		default:
			smallest := len(options[0])
			for _, o := range options[1:] {
				smallest = min(smallest, len(o))
			}
			need += smallest
		}
		for _, o := range options {
			for _, id := range o {
				all = textnorm.AppendUnique(all, id)
			}
		}
	}
	if need >= len(all) {
		need = 0
	}
	return all, need, comps
}

func (p *parser) targets(f *jsonval.Fields, cond map[string]any, field string) []string {
	var out []string
	for _, r := range f.Refs(cond["ceterms:targetCredential"], field+".ceterms:targetCredential") {
		out = textnorm.AppendUnique(out, refID(r))
	}
	return out
}

// priceValue reads a ceterms:price: a number, or a string as some
// publishers write it ("249.00", "$249.00", "1,200 USD"). A dollar sign or
// "USD" in the string is taken as its currency.
func priceValue(f *jsonval.Fields, v any, field string) (float64, bool) {
	s, ok := v.(string)
	if !ok {
		return f.Number(v, field)
	}
	t := strings.ToLower(strings.TrimSpace(s))
	for _, cur := range []string{"us$", "$", "usd"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, cur))
	}
	t = strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(t, "usd")), ",", "")
	if t == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		f.Fail(field, "%q is not a number", s)
		return 0, false
	}
	return n, true
}

func isUSD(currency string) bool {
	switch strings.NewReplacer(" ", "", ".", "").Replace(strings.ToLower(currency)) {
	case "usd", "usdollar", "usdollars", "$", "us$":
		return true
	}
	return false
}

// reportSkipped notes the nodes that are not credentials: one entry per
// type, or, for a document without any credential, one for the file.
func (p *parser) reportSkipped(others map[string]*skipped) {
	types := make([]string, 0, len(others))
	for t := range others {
		types = append(types, t)
	}
	sort.Strings(types)
	if len(p.res.Credentials) == 0 && len(p.res.Rejected) == 0 {
		var found []string
		for _, t := range types {
			found = append(found, fmt.Sprintf("%s ×%d", t, others[t].count))
		}
		reason := "no CTDL credential, learning opportunity or assessment in the document"
		if len(found) > 0 {
			reason += " (found " + strings.Join(found, ", ") + ")"
		}
		p.res.Skip(p.source, "", reason)
		return
	}
	for _, t := range types {
		s := others[t]
		if s.kind == kindOrganization {
			continue
		}
		p.res.Skip(p.source, s.ptr, fmt.Sprintf("%d %s node(s): not catalog items", s.count, t))
	}
}
