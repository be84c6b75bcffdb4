package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
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

// publicCredential is a credential as the API shows it: without the feed
// locations it came from (server file paths, private feed URLs) and the
// sync's content hash, which are the operator's business.
func publicCredential(cr *catalog.Credential) catalog.Credential {
	out := *cr
	out.Sources = nil
	out.Hash = ""
	if out.Status == "" {
		out.Status = catalog.StatusActive
	}
	return out
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
