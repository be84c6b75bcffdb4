package api

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
)

// Search paging limits.
const (
	defaultSearchLimit = 10
	maxSearchLimit     = 100
	// maxSearchOffset keeps deep paging from making Bleve collect and
	// sort a large part of the catalog for one request.
	maxSearchOffset = 10000
)

// searchParams are the query parameters GET /v1/credentials accepts.
var searchParams = []string{"q", "issuer", "framework", "code", "kind", "approved_in", "max_cost_usd", "max_hours", "limit", "offset"}

// searchResponse is the body of GET /v1/credentials.
type searchResponse struct {
	Total          uint64                        `json:"total"`
	Hits           []searchHit                   `json:"hits"`
	Facets         map[string][]index.FacetCount `json:"facets"`
	CatalogVersion int64                         `json:"catalog_version"`
}

type searchHit struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Issuer     string              `json:"issuer"`
	Score      float64             `json:"score"`
	CostUSD    *float64            `json:"cost_usd,omitempty"`
	Hours      *float64            `json:"hours,omitempty"`
	Format     string              `json:"format,omitempty"`
	Level      int                 `json:"level,omitempty"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

func (s *Server) searchCredentials(c *gin.Context) error {
	q := c.Request.URL.Query()
	for name := range q {
		if !slices.Contains(searchParams, name) {
			return badRequest("unknown query parameter %q (known: %s)", name, strings.Join(searchParams, ", "))
		}
	}
	req := index.Request{
		Query:      q.Get("q"),
		Issuer:     q.Get("issuer"),
		Framework:  q.Get("framework"),
		Code:       q.Get("code"),
		Kind:       q.Get("kind"),
		ApprovedIn: q.Get("approved_in"),
		Limit:      defaultSearchLimit,
		Facets:     true,
		Highlight:  true,
	}
	// A code facet's value ("UDL:7") names its framework too: sent back
	// as code=UDL:7 it filters as framework=UDL&code=7.
	if fw, code, ok := strings.Cut(req.Code, ":"); ok && code != "" {
		if name, known := s.cfg.Catalog.Frameworks().Canonical(fw); known {
			if cur, _ := s.cfg.Catalog.Frameworks().Canonical(req.Framework); req.Framework == "" || cur == name {
				req.Framework, req.Code = name, code
			}
		}
	}
	if req.Framework != "" {
		// Accept the aliases feeds use ("UDL Guidelines", a publisher
		// URL) for the canonical names the index holds.
		if name, ok := s.cfg.Catalog.Frameworks().Canonical(req.Framework); ok {
			req.Framework = name
		}
	}
	switch req.Kind {
	case "", catalog.KindCredential, catalog.KindLearningOpportunity, catalog.KindAssessment:
	default:
		return badRequest("kind must be one of %s, %s, %s; got %q", catalog.KindCredential, catalog.KindLearningOpportunity, catalog.KindAssessment, req.Kind)
	}
	var err error
	if req.MaxCostUSD, err = floatParam(q.Get("max_cost_usd"), "max_cost_usd"); err != nil {
		return err
	}
	if req.MaxHours, err = floatParam(q.Get("max_hours"), "max_hours"); err != nil {
		return err
	}
	if req.Limit, err = intParam(q.Get("limit"), "limit", defaultSearchLimit, 1, maxSearchLimit); err != nil {
		return err
	}
	if req.Offset, err = intParam(q.Get("offset"), "offset", 0, 0, maxSearchOffset); err != nil {
		return err
	}
	version := s.cfg.Catalog.Version()
	res, err := s.cfg.Catalog.Search(c.Request.Context(), req)
	if err != nil {
		return err
	}
	out := searchResponse{Total: res.Total, Hits: make([]searchHit, 0, len(res.Hits)), Facets: res.Facets, CatalogVersion: version}
	if out.Facets == nil {
		out.Facets = map[string][]index.FacetCount{}
	}
	for _, h := range res.Hits {
		hit := searchHit{ID: h.ID, Score: h.Score, Highlights: h.Highlights}
		if cr, ok := s.cfg.Catalog.Credential(h.ID); ok {
			hit.Title, hit.Issuer = cr.Title, cr.Issuer
			hit.CostUSD, hit.Hours, hit.Format, hit.Level = cr.CostUSD, cr.Hours, cr.Format, cr.Level
		}
		out.Hits = append(out.Hits, hit)
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

func floatParam(v, name string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f != f || f > 1e12 {
		return nil, badRequest("%s must be a number ≥ 0, got %q", name, v)
	}
	return &f, nil
}

func intParam(v, name string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("%s must be a whole number from %d to %d, got %q", name, lo, hi, v)
	}
	return n, nil
}

// getCredential answers GET /v1/credentials/{id}. The id is the issuer's
// own identifier, usually a URI, sent path-escaped; a retired credential is
// still returned (with status "retired") so old links keep working.
func (s *Server) getCredential(c *gin.Context) error {
	id := strings.TrimPrefix(c.Param("id"), "/")
	if id == "" {
		return notFound("no credential id given: GET /v1/credentials/{id}, the id path-escaped")
	}
	if h, _, ok := s.credentialSubroute(c, id); ok {
		return h(c)
	}
	cr, ok := s.cfg.Catalog.Credential(id)
	if !ok {
		return fmt.Errorf("%w %q", recommender.ErrNotFound, id)
	}
	writeJSON(c, http.StatusOK, publicCredential(cr))
	return nil
}

// credentialJSON is a credential as GET /v1/credentials/{id} shows it:
// the catalog's fields, with its sources in the public form of
// PublishedBy.
type credentialJSON struct {
	catalog.Credential
	PublishedBy []publisher `json:"published_by,omitempty"`
}

// publisher is one source that publishes an item, as the public may see
// it: who brought it in (the operator or an aggregator) and the feed's
// web address, or for a file the operator imported only the file's name.
type publisher struct {
	By   string `json:"by"`
	URL  string `json:"url,omitempty"`
	File string `json:"file,omitempty"`
}

// Who brought a source into the catalog.
const (
	publishedByOperator   = "operator"
	publishedByAggregator = "aggregator"
)

// publicCredential is a credential as the API shows it. The catalog's own
// names for its sources (server file paths, the key id owning an
// aggregator's feed) and the sync's content hash are the operator's
// business; PublishedBy says what of them the public may know.
func publicCredential(cr *catalog.Credential) credentialJSON {
	out := credentialJSON{Credential: *cr, PublishedBy: publishers(cr.Sources)}
	out.Sources = nil
	out.Hash = ""
	if out.Status == "" {
		out.Status = catalog.StatusActive
	}
	return out
}

// PublicItem is a catalog item exactly as GET /v1/credentials/{id} shows
// it, for other front ends (the CLI's show) to print the same document.
func PublicItem(cr *catalog.Credential) any { return publicCredential(cr) }

// publishers turns provenance keys into their public form, each once: an
// aggregator's feed by its URL without the owning key's id, a URL the
// operator ingests by that URL, a file the operator imported by its base
// name. URLs lose any user info, query and fragment (they may carry
// access tokens); a source that is not an http or https URL shows no
// address at all.
func publishers(sources []string) []publisher {
	var out []publisher
	for _, key := range sources {
		owner, src := store.SplitSourceKey(key)
		p := publisher{By: publishedByOperator}
		if owner != "" {
			p.By = publishedByAggregator
		}
		if u := publicFeedURL(src); u != "" {
			p.URL = u
		} else if owner == "" && !strings.Contains(src, "://") {
			if base := filepath.Base(src); base != "." && base != string(filepath.Separator) {
				p.File = base
			}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// publicFeedURL is raw as a public http or https address, without user
// info, query or fragment; "" when raw is not such an address.
func publicFeedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// frameworksResponse is the body of GET /v1/frameworks.
type frameworksResponse struct {
	Frameworks     []*catalog.Framework `json:"frameworks"`
	CatalogVersion int64                `json:"catalog_version"`
}

func (s *Server) listFrameworks(c *gin.Context) error {
	version := s.cfg.Catalog.Version()
	fws := []*catalog.Framework{}
	for _, fw := range s.cfg.Catalog.Frameworks().Frameworks() {
		if strings.HasPrefix(fw.Source, "/") {
			// A framework imported from a file names the server's
			// path to it; that is the operator's business.
			c := *fw
			c.Source = ""
			fw = &c
		}
		fws = append(fws, fw)
	}
	writeJSON(c, http.StatusOK, frameworksResponse{Frameworks: fws, CatalogVersion: version})
	return nil
}
