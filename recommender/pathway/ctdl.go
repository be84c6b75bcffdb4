package pathway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/recommender/planner"
)

// CTDL vocabulary used by the exchange.
const (
	ctdlContext      = "https://credreg.net/ctdl/schema/context/json"
	registryResource = "https://credentialengineregistry.org/resources/"
	credentialURN    = "urn:pdpath:credential:"
	pathwayURN       = "urn:pdpath:pathway:"
	language         = "en-US"

	typePathway    = "ceterms:Pathway"
	typeCredential = "ceterms:CredentialComponent"
	typeBasic      = "ceterms:BasicComponent"
	typeCondition  = "ceterms:ComponentCondition"
)

// ErrCTDL marks a CTDL document ImportCTDL cannot read as a pathway.
var ErrCTDL = derrors.New(derrors.Invalid, "pathway: not a usable CTDL pathway")

// ExportCTDL writes the pathway as a CTDL Pathway JSON-LD document: a
// ceterms:Pathway node, one ceterms:CredentialComponent per step (proxyFor
// names the credential: its registry URI for a CTID, the id itself when it
// is a URI, else a urn:pdpath:credential: URN), and a destination
// component. A step's prerequisites are its children, required through a
// ceterms:ComponentCondition (requiredNumber of targetComponent); the
// destination is the single goal credential when it alone ends the plan,
// else a ceterms:BasicComponent requiring every step nothing else depends
// on. Prerequisites earned before the plan are components too, outside the
// ceterms:precedes chain that records the plan's order. Node ids are URNs
// derived from the pathway id and credential ids, so exporting the same
// pathway twice gives the same bytes. snap supplies credential types and
// "k of n" minimums; it may be nil.
func ExportCTDL(p *Pathway, snap *catalog.Snapshot) ([]byte, error) {
	if p == nil {
		return nil, errors.New("pathway: export CTDL: nil pathway")
	}
	var byID map[string]*catalog.Credential
	if snap != nil {
		byID = snap.ByID()
	}
	base := pathwayURN + url.PathEscape(pathwayKey(p))
	compID := func(credID string) string { return base + ":component:" + shortHash(credID) }

	steps := p.Plan.Steps
	isStep := make(map[string]bool, len(steps))
	for _, s := range steps {
		if s.ID == "" {
			return nil, fmt.Errorf("pathway: export CTDL %q: a step has no id", p.ID)
		}
		if isStep[s.ID] {
			return nil, fmt.Errorf("pathway: export CTDL %q: step %s appears twice", p.ID, s.ID)
		}
		isStep[s.ID] = true
	}
	// Components for earned prerequisites, and who depends on whom.
	var earnedPre []string
	parents := make(map[string][]string) // credential id → component ids depending on it
	for _, s := range steps {
		for _, r := range s.Requires {
			if !isStep[r] && !slices.Contains(earnedPre, r) {
				earnedPre = append(earnedPre, r)
			}
			parents[r] = append(parents[r], compID(s.ID))
		}
	}
	var terminal []string
	for _, s := range steps {
		if len(parents[s.ID]) == 0 {
			terminal = append(terminal, s.ID)
		}
	}
	destination := base + ":destination"
	destIsStep := len(p.Request.GoalCredentials) == 1 && len(terminal) == 1 && terminal[0] == p.Request.GoalCredentials[0]
	if destIsStep {
		destination = compID(terminal[0])
	} else {
		for _, id := range terminal {
			parents[id] = append(parents[id], destination)
		}
	}

	var graph []map[string]any
	parts := []string{}
	if !destIsStep {
		parts = append(parts, destination)
	}
	for _, s := range steps {
		parts = append(parts, compID(s.ID))
	}
	for _, id := range earnedPre {
		parts = append(parts, compID(id))
	}
	pathwayNode := map[string]any{
		"@id":                             base,
		"@type":                           typePathway,
		"ceterms:ctid":                    ctid(base),
		"ceterms:name":                    langMap(p.Name),
		"ceterms:hasDestinationComponent": []string{destination},
		"ceterms:hasChild":                []string{destination},
		"ceterms:hasPart":                 parts,
	}
	if p.Description != "" {
		pathwayNode["ceterms:description"] = langMap(p.Description)
	}
	graph = append(graph, pathwayNode)

	if !destIsStep {
		name := "Pathway complete"
		if p.Name != "" {
			name = p.Name + ": complete"
		}
		dest := map[string]any{
			"@id":                              destination,
			"@type":                            typeBasic,
			"ceterms:ctid":                     ctid(destination),
			"ceterms:name":                     langMap(name),
			"ceterms:isDestinationComponentOf": []string{base},
			"ceterms:isPartOf":                 []string{base},
		}
		if len(p.Plan.Covered) > 0 {
			dest["ceterms:description"] = langMap("Covers " + strings.Join(p.Plan.Covered, ", "))
		}
		if len(terminal) > 0 {
			var children []string
			for _, id := range terminal {
				children = append(children, compID(id))
			}
			dest["ceterms:hasChild"] = children
			dest["ceterms:hasCondition"] = []map[string]any{condition("Complete every final step", len(children), children)}
		}
		graph = append(graph, dest)
	}

	component := func(id, title string) map[string]any {
		c := map[string]any{
			"@id":              compID(id),
			"@type":            typeCredential,
			"ceterms:ctid":     ctid(compID(id)),
			"ceterms:name":     langMap(cmpOr(title, id)),
			"ceterms:proxyFor": proxyFor(id),
			"ceterms:isPartOf": []string{base},
		}
		if cr := byID[id]; cr != nil {
			c["ceterms:credentialType"] = credentialType(cr.Type)
			if title == "" {
				c["ceterms:name"] = langMap(cmpOr(cr.Title, id))
			}
		}
		if ps := parents[id]; len(ps) > 0 {
			c["ceterms:isChildOf"] = ps
		}
		return c
	}
	for k, s := range steps {
		c := component(s.ID, s.Title)
		if destIsStep && compID(s.ID) == destination {
			c["ceterms:isDestinationComponentOf"] = []string{base}
		}
		if d := stepDescription(s); d != "" {
			c["ceterms:description"] = langMap(d)
		}
		if len(s.Requires) > 0 {
			var children []string
			for _, r := range s.Requires {
				children = append(children, compID(r))
			}
			need := len(children)
			if cr := byID[s.ID]; cr != nil && cr.PrerequisitesMin > 0 {
				need = min(cr.PrerequisitesMin, need)
			}
			c["ceterms:hasChild"] = children
			c["ceterms:hasCondition"] = []map[string]any{condition("Prerequisites", need, children)}
		}
		if k > 0 {
			c["ceterms:precededBy"] = []string{compID(steps[k-1].ID)}
		}
		if k+1 < len(steps) {
			c["ceterms:precedes"] = []string{compID(steps[k+1].ID)}
		}
		graph = append(graph, c)
	}
	for _, id := range earnedPre {
		title := ""
		if cr := byID[id]; cr != nil {
			title = cr.Title
		}
		c := component(id, title)
		c["ceterms:description"] = langMap("Earned before this pathway")
		graph = append(graph, c)
	}
	doc := map[string]any{"@context": ctdlContext, "@graph": graph}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pathway: export CTDL %q: %w", p.ID, err)
	}
	return append(out, '\n'), nil
}

func condition(name string, required int, targets []string) map[string]any {
	return map[string]any{
		"@type":                   typeCondition,
		"ceterms:name":            langMap(name),
		"ceterms:requiredNumber":  required,
		"ceterms:targetComponent": targets,
	}
}

// stepDescription says when a step is scheduled and what it takes.
func stepDescription(s planner.Step) string {
	var parts []string
	if s.Month != "" {
		parts = append(parts, "Scheduled "+s.Month)
	}
	if s.Member != "" {
		parts = append(parts, "for "+s.Member)
	}
	if s.HoursStated {
		parts = append(parts, fmt.Sprintf("%g hours", s.Hours))
	} else {
		parts = append(parts, "hours not stated")
	}
	if s.CostStated {
		parts = append(parts, fmt.Sprintf("$%.2f", s.CostUSD))
	} else {
		parts = append(parts, "cost not stated")
	}
	if len(s.Covers) > 0 {
		parts = append(parts, "covers "+strings.Join(s.Covers, ", "))
	}
	return strings.Join(parts, "; ")
}

// pathwayKey is the pathway's id, or one derived from its owner and name.
func pathwayKey(p *Pathway) string {
	if p.ID != "" {
		return p.ID
	}
	return "anonymous-" + shortHash(p.Owner+"\x00"+p.Name)
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// ctid derives a CTID ("ce-" and a UUID) from a node id: the UUID is a
// version 8 (custom, RFC 9562) UUID made of the id's SHA-256.
func ctid(nodeID string) string {
	sum := sha256.Sum256([]byte(nodeID))
	sum[6] = sum[6]&0x0f | 0x80
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return "ce-" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func langMap(s string) map[string]string { return map[string]string{language: s} }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// proxyFor names a credential by URI: the registry resource of a CTID, the
// id itself when it already is an absolute URI, else a pdpath URN.
func proxyFor(id string) string {
	if strings.HasPrefix(id, "ce-") {
		return registryResource + id
	}
	if u, err := url.Parse(id); err == nil && u.IsAbs() && !strings.ContainsAny(id, " \t\n") {
		return id
	}
	return credentialURN + url.PathEscape(id)
}

// credentialID reverses proxyFor.
func credentialID(uri string) (string, error) {
	if rest, ok := strings.CutPrefix(uri, registryResource); ok && strings.HasPrefix(rest, "ce-") {
		return rest, nil
	}
	if rest, ok := strings.CutPrefix(uri, credentialURN); ok {
		id, err := url.PathUnescape(rest)
		if err != nil {
			return "", fmt.Errorf("proxyFor %q: %w", uri, err)
		}
		return id, nil
	}
	return uri, nil
}

// credentialType maps a feed's type name onto a CTDL credential class.
func credentialType(t string) string {
	switch {
	case strings.HasPrefix(t, "ceterms:"):
		return t
	case t == "BadgeClass" || t == "Achievement" || t == "OpenBadgeCredential" || t == "AchievementCredential":
		return "ceterms:OpenBadge"
	case slices.Contains([]string{"MicroCredential", "Badge", "DigitalBadge", "OpenBadge", "Certificate",
		"Certification", "Credential", "ProfessionalDoctorate", "Diploma"}, t):
		return "ceterms:" + t
	}
	return "ceterms:Credential"
}
