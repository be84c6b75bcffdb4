package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/openapi"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
)

// healthz answers while the process serves HTTP at all.
func (s *Server) healthz(c *gin.Context) error {
	writeJSON(c, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readiness is the body of GET /readyz.
type readiness struct {
	Status         string `json:"status"`
	CatalogVersion int64  `json:"catalog_version"`
	ModelVersion   int64  `json:"model_version"`
	Cache          string `json:"cache"`
	CacheUp        bool   `json:"cache_up"`
	// CatalogNote says when the catalog serves an older generation
	// because the newest one on disk is damaged.
	CatalogNote string `json:"catalog_note,omitempty"`
}

// catalogHealth is implemented by catalogs that check their files on disk
// and fall back from a damaged generation (*store.Catalog).
type catalogHealth interface {
	Health() store.Health
}

// readyz answers 200 once the catalog index is open, the store of shared
// state answers and a recommender model is built, and 503 otherwise. A model of an older catalog version still
// counts (it is being replaced), and so does a Redis that is down: the
// server answers without it, as the body says.
func (s *Server) readyz(c *gin.Context) error {
	r := readiness{Status: "ready", CatalogVersion: s.cfg.Catalog.Version(), Cache: s.cfg.Cache.Name(), CacheUp: true}
	if rc, ok := s.cfg.Cache.(*cache.Redis); ok {
		r.CacheUp = rc.Healthy()
	}
	if ch, ok := s.cfg.Catalog.(catalogHealth); ok {
		h := ch.Health()
		if !h.Ready {
			// The details name server paths: they go to the log, not to
			// an unauthenticated probe.
			return unavailable(nil, "not ready: the catalog index is damaged and no complete generation is left; the log names the damaged files")
		}
		if h.Corrupt != "" {
			r.CatalogNote = fmt.Sprintf("serving %s, the last complete generation, after finding a newer one damaged (%d fallbacks); the next ingest rebuilds", h.Serving, h.Fallbacks)
		}
	}
	if s.cfg.Pathways != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		err := s.cfg.Pathways.Ping(ctx)
		cancel()
		if err != nil {
			return unavailable(err, "not ready: the store of shared state does not answer")
		}
	}
	m := s.cfg.Recommender.Model()
	if m == nil {
		return unavailable(recommender.ErrNotReady, "not ready: the recommender model for catalog version %d is being built", r.CatalogVersion)
	}
	r.ModelVersion = m.Version()
	writeJSON(c, http.StatusOK, r)
	return nil
}

func (s *Server) metricsPage(c *gin.Context) error {
	promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}}).ServeHTTP(c.Writer, c.Request)
	return nil
}

// slogPrinter hands promhttp's errors to the server's logger.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Warn("metrics", "err", v) }

func (s *Server) openapiDoc(c *gin.Context) error {
	c.Data(http.StatusOK, jsonContentType, openapi.Document())
	return nil
}
