package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/profile"
)

// Recommendation list sizes.
const (
	defaultRecommendLimit = 10
	maxRecommendLimit     = 100
)

// recommendLimit reads a request's list size: the default when absent,
// else 1 to maxRecommendLimit.
func recommendLimit(n *int) (int, error) {
	if n == nil {
		return defaultRecommendLimit, nil
	}
	if *n < 1 || *n > maxRecommendLimit {
		return 0, badRequest("limit must be from 1 to %d, got %d", maxRecommendLimit, *n)
	}
	return *n, nil
}

// requestProfile reads the profile of a request body (absent or null is
// the empty profile) against the live model, which knows every framework
// of its catalog version, so it canonicalises gap frameworks and checks
// their codes. No model yet is a 503.
func (s *Server) requestProfile(raw json.RawMessage) (catalog.Profile, *recommender.Model, error) {
	s.ensureModel()
	model := s.cfg.Recommender.Model()
	if model == nil {
		return catalog.Profile{}, nil, unavailable(recommender.ErrNotReady, "the recommender model is still being built; retry shortly")
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		raw = []byte("{}")
	}
	p, err := profile.ParseAndValidate(raw, model)
	return p, model, err
}

// recommendRequest is the body of POST /v1/recommendations. Profile and
// Backpack stay raw: package profile parses them with its own strict rules
// and field-naming messages.
type recommendRequest struct {
	Profile  json.RawMessage `json:"profile"`
	Backpack json.RawMessage `json:"backpack"`
	Limit    *int            `json:"limit"`
}

func (s *Server) recommend(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req recommendRequest
	if err := decodeStrict(body, &req); err != nil {
		return hintBareProfile(body, err)
	}
	limit, err := recommendLimit(req.Limit)
	if err != nil {
		return err
	}
	p, model, err := s.requestProfile(req.Profile)
	if err != nil {
		return err
	}
	var notInCatalog []string
	if b := bytes.TrimSpace(req.Backpack); len(b) > 0 && !bytes.Equal(b, []byte("null")) {
		bp, err := profile.ParseBackpack(b)
		if err != nil {
			return badRequest("backpack: %v", err)
		}
		profile.MergeEarned(&p, bp.BadgeIDs)
		notInCatalog = unknownBadges(model, bp.BadgeIDs)
	}
	res, err := s.cfg.Recommender.Recommend(c.Request.Context(), p, recommender.RecommendOptions{Limit: limit})
	if err != nil {
		return err
	}
	res.NotInCatalog = notInCatalog
	if res.Items == nil {
		res.Items = []recommender.Item{}
	}
	// The cache key carries the catalog version read when the request
	// arrived; an answer from a model built for another version must not
	// be kept under it.
	if res.CatalogVersion != s.cfg.Catalog.Version() {
		c.Set(cache.NoStore, true)
	}
	writeJSON(c, http.StatusOK, res)
	return nil
}

// unknownBadges are the backpack's badge ids the model's catalog does not
// hold: they cannot count as earned, and the answer says so.
func unknownBadges(m *recommender.Model, ids []string) []string {
	var out []string
	for _, id := range ids {
		if !m.Has(id) {
			out = append(out, id)
		}
	}
	return out
}
