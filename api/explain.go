package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/pathways"
)

// Similar list sizes.
const (
	defaultSimilarLimit = 10
	maxSimilarLimit     = 100
)

// whyNotRequest is the body of POST /v1/recommendations/why-not.
type whyNotRequest struct {
	Profile json.RawMessage `json:"profile"`
	ID      string          `json:"id"`
	Limit   *int            `json:"limit"`
}

// whyNot explains why one item is, or is not, among a profile's
// suggestions.
func (s *Server) whyNot(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req whyNotRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.ID) == "" {
		return badRequest("id: required (the catalog item to explain)")
	}
	limit, err := recommendLimit(req.Limit)
	if err != nil {
		return err
	}
	p, _, err := s.requestProfile(req.Profile)
	if err != nil {
		return err
	}
	ex, err := s.cfg.Recommender.WhyNot(c.Request.Context(), p, req.ID, recommender.RecommendOptions{Limit: limit})
	if err != nil {
		return err
	}
	if ex.Reasons == nil {
		ex.Reasons = []string{}
	}
	writeJSON(c, http.StatusOK, ex)
	return nil
}

// credentialSubroute reports whether GET /v1/credentials/{id}/similar or
// /unlocks was asked for. The catch-all route that serves one credential
// receives them (the router cannot register a path below a catch-all), so
// an id that names a credential itself always wins, and a sub-route needs
// a literal "/" before its name (an escaped one, %2F, is part of the id).
func (s *Server) credentialSubroute(c *gin.Context, id string) (handlerFunc, string, bool) {
	if _, ok := s.cfg.Catalog.Credential(id); ok {
		return nil, "", false
	}
	escaped := c.Request.URL.EscapedPath()
	for _, sub := range []struct {
		suffix string
		h      func(*gin.Context, string) error
	}{{"/similar", s.similar}, {"/unlocks", s.unlocks}} {
		if strings.HasSuffix(escaped, sub.suffix) && strings.HasSuffix(id, sub.suffix) {
			base := strings.TrimSuffix(id, sub.suffix)
			h := sub.h
			return func(c *gin.Context) error { return h(c, base) }, base, true
		}
	}
	return nil, "", false
}

// similar answers GET /v1/credentials/{id}/similar.
func (s *Server) similar(c *gin.Context, id string) error {
	for name := range c.Request.URL.Query() {
		if name != "limit" {
			return badRequest("unknown query parameter %q (known: limit)", name)
		}
	}
	limit, err := intParam(c.Query("limit"), "limit", defaultSimilarLimit, 1, maxSimilarLimit)
	if err != nil {
		return err
	}
	if err := s.requireModel(); err != nil {
		return err
	}
	res, err := s.cfg.Recommender.Similar(c.Request.Context(), id, limit)
	if err != nil {
		return err
	}
	if res.Items == nil {
		res.Items = []recommender.Item{}
	}
	if res.CatalogVersion != s.cfg.Catalog.Version() {
		c.Set(cache.NoStore, true)
	}
	writeJSON(c, http.StatusOK, res)
	return nil
}

// unlocks answers GET /v1/credentials/{id}/unlocks, with the caller's own
// saved pathways among the pathways (so the answer is never cached).
func (s *Server) unlocks(c *gin.Context, id string) error {
	if len(c.Request.URL.Query()) > 0 {
		return badRequest("GET /v1/credentials/{id}/unlocks takes no query parameters")
	}
	if err := s.requireModel(); err != nil {
		return err
	}
	var saved recommender.SavedPathways
	if s.pathways != nil {
		saved = ownerPathways{svc: s.pathways, owner: caller(c).ID}
		c.Set(cache.NoStore, true)
	}
	u, err := s.cfg.Recommender.Unlocks(c.Request.Context(), id, saved)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, u)
	return nil
}

// requireModel waits for nothing: it answers 503 while no model is built.
func (s *Server) requireModel() error {
	s.ensureModel()
	if s.cfg.Recommender.Model() == nil {
		return unavailable(recommender.ErrNotReady, "the recommender model is still being built; retry shortly")
	}
	return nil
}

// ownerPathways finds one owner's saved pathways whose plan has a step for
// a credential.
type ownerPathways struct {
	svc   *pathways.Service
	owner string
}

func (o ownerPathways) PathwaysWith(ctx context.Context, credentialID string) ([]recommender.PathwayRef, error) {
	ps, err := o.svc.WithStep(ctx, o.owner, credentialID)
	if err != nil {
		return nil, err
	}
	out := make([]recommender.PathwayRef, len(ps))
	for i, p := range ps {
		out[i] = recommender.PathwayRef{ID: p.ID, Title: p.Name, Source: "saved"}
	}
	return out, nil
}
