package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/planner"
	"github.com/pdpath/pdpath/recommender/profile"
)

// Recommendation list sizes.
const (
	defaultRecommendLimit = 10
	maxRecommendLimit     = 100
)

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
		return err
	}
	limit := defaultRecommendLimit
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > maxRecommendLimit {
			return badRequest("limit must be from 1 to %d, got %d", maxRecommendLimit, *req.Limit)
		}
		limit = *req.Limit
	}
	s.ensureModel()
	model := s.cfg.Recommender.Model()
	if model == nil {
		return unavailable(recommender.ErrNotReady, "the recommender model is still being built; retry shortly")
	}
	raw := []byte(req.Profile)
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		raw = []byte("{}")
	}
	// The model knows every framework of its catalog version, so it
	// canonicalises gap frameworks and checks their codes.
	p, err := profile.ParseAndValidate(raw, model)
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

func (s *Server) plan(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body is empty; send a plan request object")
	}
	req, err := planner.ParseRequest(bytes.NewReader(body))
	if err != nil {
		return err
	}
	p, version := s.planners.get(s.cfg.Catalog.Snapshot())
	plan, err := p.Plan(c.Request.Context(), req)
	if err != nil {
		return err
	}
	if plan.Steps == nil {
		plan.Steps = []planner.Step{}
	}
	if plan.Covered == nil {
		plan.Covered = []string{}
	}
	if plan.Uncovered == nil {
		plan.Uncovered = []string{}
	}
	if version != s.cfg.Catalog.Version() {
		c.Set(cache.NoStore, true)
	}
	writeJSON(c, http.StatusOK, plan)
	return nil
}

// plannerCache holds the planner of the newest catalog version. Building
// one indexes the snapshot's prerequisites and alignments, so concurrent
// requests that find it stale build it once.
type plannerCache struct {
	mu      sync.Mutex
	version int64
	p       *planner.Planner
	group   singleflight.Group
}

// get returns a planner for snap and the version it was built for.
func (pc *plannerCache) get(snap *catalog.Snapshot) (*planner.Planner, int64) {
	pc.mu.Lock()
	if pc.p != nil && pc.version == snap.Version {
		p := pc.p
		pc.mu.Unlock()
		return p, snap.Version
	}
	pc.mu.Unlock()
	v, _, _ := pc.group.Do(strconv.FormatInt(snap.Version, 10), func() (any, error) {
		p := planner.New(snap, planner.Options{})
		pc.mu.Lock()
		if pc.p == nil || snap.Version >= pc.version {
			pc.p, pc.version = p, snap.Version
		}
		pc.mu.Unlock()
		return p, nil
	})
	return v.(*planner.Planner), snap.Version
}

// planFor computes a plan for req on the live catalog (used by saved
// pathways too).
func (s *Server) planFor(ctx context.Context, req planner.Request) (planner.Plan, error) {
	p, _ := s.planners.get(s.cfg.Catalog.Snapshot())
	return p.Plan(ctx, req)
}
