// Package catalog holds pdpath's domain types: credentials, competencies,
// frameworks, educator profiles and ingest reports. It is the leaf every other
// package shares, so it imports nothing beyond the standard library and keeps
// index and model types (Bleve documents, gonum matrices) out of its API.
package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Status values of a credential in the catalog.
const (
	StatusActive  = "active"
	StatusRetired = "retired"
)

// Kinds of catalog item. Most items are credentials; issuers also publish
// the learning opportunities (courses, programs) and assessments that lead
// to them, and those are searched and recommended beside credentials.
const (
	KindCredential          = "credential"
	KindLearningOpportunity = "learning_opportunity"
	KindAssessment          = "assessment"
)

// Lifecycle values a publisher may state for a record (CTDL
// ceterms:lifeCycleStatusType, adms:status, ceterms:credentialStatusType).
// A provisional, developing, suspended or ceased record never replaces a
// published active one in the catalog.
const (
	LifecycleActive      = "active"
	LifecycleProvisional = "provisional"
	LifecycleDeveloping  = "developing"
	LifecycleSuspended   = "suspended"
	LifecycleCeased      = "ceased"
)

// Published reports whether a lifecycle value is a published, active one
// (an empty value counts as active).
func Published(lifecycle string) bool {
	return lifecycle == "" || lifecycle == LifecycleActive
}

// CostOption is one cost a feed states for an item: a CTDL CostProfile
// with the items that add up to its total. TotalUSD is nil when the
// profile is in another currency or states no price.
type CostOption struct {
	Name     string     `json:"name,omitempty"`
	Currency string     `json:"currency,omitempty"`
	Items    []CostItem `json:"items,omitempty"`
	Total    float64    `json:"total"`
	TotalUSD *float64   `json:"total_usd,omitempty"`
}

// CostItem is one priced line of a cost (tuition, a fee), Type as the
// feed names it.
type CostItem struct {
	Type  string  `json:"type,omitempty"`
	Price float64 `json:"price"`
}

// Formats a credential may be delivered in.
const (
	FormatOnline   = "online"
	FormatInPerson = "in-person"
	FormatHybrid   = "hybrid"
)

// GradeBands lists the grade bands in their canonical spelling.
var GradeBands = []string{"PreK", "K-2", "3-5", "6-8", "9-12", "adult"}

// Competency is one alignment of a credential to a framework code. Framework is
// the canonical framework name (see package frameworks) or, for a framework
// pdpath does not know, the name exactly as the feed wrote it.
//
// An alignment without a code (a competency the feed names only) keeps
// its Name, Framework as written and URL, and is searched by name.
type Competency struct {
	Framework string `json:"framework"`
	Code      string `json:"code"`
	Name      string `json:"name,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Key returns the competency as "FRAMEWORK:CODE", the form used in outputs,
// facets and plan coverage lists.
func (c Competency) Key() string { return c.Framework + ":" + c.Code }

// Coded reports whether the alignment names a framework code.
func (c Competency) Coded() bool { return c.Framework != "" && c.Code != "" }

// Credential is one catalog item: a micro-credential (badge, achievement,
// CTDL credential) or, by its Kind, a learning opportunity or assessment.
// ID is the issuer's own identifier, byte for byte.
type Credential struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Titles and Descriptions keep every language a feed states (a CTDL
	// language map), keyed by its language tag as written; Title and
	// Description hold the preferred one (English when there is one).
	// They are nil when the feed gives one plain string.
	Titles       map[string]string `json:"titles,omitempty"`
	Descriptions map[string]string `json:"descriptions,omitempty"`
	Criteria     string            `json:"criteria,omitempty"`
	// Issuer is the issuing organisation's display name; IssuerID its IRI or
	// identifier when the feed gives one.
	Issuer   string `json:"issuer"`
	IssuerID string `json:"issuer_id,omitempty"`
	// OfferedBy names the other organizations that offer the item (a
	// CTDL ceterms:offeredBy institution that is not the owner), by name,
	// or by IRI until an organization in the catalog names it.
	OfferedBy []string `json:"offered_by,omitempty"`
	// Kind is one of the Kind constants; empty is read as KindCredential.
	Kind string `json:"kind,omitempty"`
	// Type is the feed's own type name: BadgeClass, Achievement,
	// MicroCredential, Certificate, ...
	Type  string `json:"type,omitempty"`
	URL   string `json:"url,omitempty"`
	Image string `json:"image,omitempty"`

	Competencies []Competency `json:"competencies,omitempty"`
	// Level is the step in a stack or progression, 1 = entry; 0 = not stated.
	Level int `json:"level,omitempty"`
	// Prerequisites are credential ids (or, when unresolved, the URIs the
	// feed used). PrerequisitesMin is how many of them must be earned; 0
	// means all of them.
	Prerequisites    []string `json:"prerequisites,omitempty"`
	PrerequisitesMin int      `json:"prerequisites_min,omitempty"`
	// PartOf and HasPart link a credential to the stacks it belongs to and
	// the credentials a stack is made of (credential ids).
	PartOf       []string `json:"part_of,omitempty"`
	HasPart      []string `json:"has_part,omitempty"`
	SupersededBy string   `json:"superseded_by,omitempty"`

	// CostUSD and Hours are nil when the feed does not state them. CostUSD
	// is in cents precision; when a feed states several costs (CTDL
	// CostProfiles are alternatives) it is the lowest and Costs keeps them
	// all. Hours is effort: only a duration stated in hours (PT15H) or
	// minutes fills it.
	CostUSD *float64     `json:"cost_usd,omitempty"`
	Costs   []CostOption `json:"costs,omitempty"`
	Hours   *float64     `json:"hours,omitempty"`
	// CalendarDuration is a calendar length as the feed wrote it (ISO 8601 "P8W",
	// "P2Y", or a range "P8W/P12W"); it is never turned into hours.
	CalendarDuration string `json:"duration,omitempty"`
	// Lifecycle is the publisher's status of the record when it states one:
	// LifecycleActive, LifecycleProvisional, LifecycleCeased, ... (empty
	// is read as active).
	Lifecycle  string   `json:"lifecycle,omitempty"`
	Format     string   `json:"format,omitempty"`
	GradeBands []string `json:"grade_bands,omitempty"`
	Subjects   []string `json:"subjects,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	// ApprovedIn lists the jurisdictions that approve the item for licence
	// renewal or PD credit: "US-IL", or a district inside one,
	// "US-IL:district:riverbend-usd".
	ApprovedIn []string `json:"approved_in,omitempty"`

	// AltIDs are other URIs the feeds use for this credential (a CTDL @id
	// beside its ctid, a landing page used as an identifier); prerequisites
	// given by any of them resolve to ID.
	AltIDs []string `json:"alt_ids,omitempty"`

	Provenance
}

// Provenance records where and when the catalog saw a credential. The sync
// maintains it; importers leave it empty.
type Provenance struct {
	// Sources are the feeds (file paths or URLs) that currently publish
	// the credential.
	Sources   []string  `json:"sources,omitempty"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	Status    string    `json:"status,omitempty"`
	// Hash is the content hash the sync compares to tell updates apart.
	Hash string `json:"hash,omitempty"`
	// PossibleDuplicates lists credentials from other issuers whose title
	// and description are near-identical to this one's. They are flagged,
	// never merged.
	PossibleDuplicates []string `json:"possible_duplicates,omitempty"`
}

// ItemKind returns Kind, reading an empty one as KindCredential.
func (c *Credential) ItemKind() string {
	if c.Kind == "" {
		return KindCredential
	}
	return c.Kind
}

// Active reports whether the credential may be searched for and recommended.
func (c *Credential) Active() bool { return c.Status != StatusRetired }

// Cost returns the stated cost, or 0 when none is stated.
func (c *Credential) Cost() float64 {
	if c.CostUSD == nil {
		return 0
	}
	return *c.CostUSD
}

// Duration returns the stated hours, or 0 when none are stated.
func (c *Credential) Duration() float64 {
	if c.Hours == nil {
		return 0
	}
	return *c.Hours
}

// CompetencyKeys returns the credential's coded competencies as
// "FRAMEWORK:CODE"; alignments the feed names without a code are left out.
func (c *Credential) CompetencyKeys() []string {
	keys := make([]string, 0, len(c.Competencies))
	for _, comp := range c.Competencies {
		if comp.Coded() {
			keys = append(keys, comp.Key())
		}
	}
	return keys
}

// ContentHash returns a stable hash of everything the feed said about the
// credential, excluding provenance, so re-importing unchanged content is a
// no-op. Slices that carry no order (tags, subjects...) are sorted first.
func (c *Credential) ContentHash() string {
	content := *c
	content.Provenance = Provenance{}
	b, _ := json.Marshal(normalizedForHash(content))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// normalizedForHash copies the slices it sorts so hashing never reorders the
// caller's credential.
func normalizedForHash(c Credential) Credential {
	for _, p := range []*[]string{&c.GradeBands, &c.Subjects, &c.Tags, &c.ApprovedIn, &c.AltIDs, &c.PartOf, &c.HasPart, &c.OfferedBy} {
		*p = slices.Clone(*p)
		slices.Sort(*p)
	}
	c.Competencies = slices.Clone(c.Competencies)
	slices.SortFunc(c.Competencies, func(a, b Competency) int {
		if k := strings.Compare(a.Key(), b.Key()); k != 0 {
			return k
		}
		if k := strings.Compare(a.Name, b.Name); k != 0 {
			return k
		}
		return strings.Compare(a.URL, b.URL)
	})
	return c
}

// Float returns a pointer to v, for the optional numeric fields.
func Float(v float64) *float64 { return &v }
