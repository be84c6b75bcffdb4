package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/web"
	"github.com/pdpath/pdpath/indexer/auth"
)

// route is one entry of the route table.
type route struct {
	method string
	path   string
	// role is who may call it; "" is open (operations endpoints, which
	// probes and scrapers call without a key).
	role auth.Role
	// body is the request body limit; 0 means Config.MaxBodyBytes.
	body int64
	// cacheAs names the route in cache keys and metrics; "" is not cached.
	cacheAs string
	h       handlerFunc
	// sub marks a route the catch-all route above it answers (see
	// credentialSubroute): listed here for the route test and the
	// document, never registered on its own.
	sub bool
}

// routes builds the Gin engine: settings, the global middleware, and the
// route table with each route's chain.
func (s *Server) routes() (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	// Every answer is JSON: no redirects to a slash-less path, and a
	// wrong method is a 405 rather than a 404.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	// Credential ids are URIs: clients path-escape them (%2F for "/"), and
	// the router must match on the escaped path and unescape the value.
	e.UseRawPath = true
	e.UnescapePathValues = true
	// X-Forwarded-For is believed only from these (none by default), so
	// a client cannot pick its own rate-limit bucket.
	if err := e.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("api: trusted proxies: %w", err)
	}

	// Global middleware, outermost first:
	//  1. withRequestID: everything after it logs the request's id;
	//     securityHeaders then marks every answer, errors included, and
	//     markUncached says X-Cache: miss unless the cache answers.
	//  2. observe: wraps the rest, so the status and latency it records
	//     include 404s, 429s and panics turned into 500s.
	//  3. recoverPanics: inside observe (which then sees the 500) and
	//     outside every handler.
	e.Use(s.withRequestID, securityHeaders, markUncached, s.observe, s.recoverPanics)
	e.NoRoute(s.handle(func(c *gin.Context) error {
		if s.pages != nil && web.WantsPage(c.Request) {
			s.pages.NotFound(c.Writer, c.Request)
			return nil
		}
		return notFound("no route %s %s; the routes are listed at /openapi.json", c.Request.Method, c.Request.URL.Path)
	}))
	e.NoMethod(s.handle(func(c *gin.Context) error {
		if s.pages != nil && web.WantsPage(c.Request) {
			s.pages.NotAllowed(c.Writer, c.Request)
			return nil
		}
		return &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed on %s (allowed: %s)", c.Request.Method, c.Request.URL.Path, c.Writer.Header().Get("Allow"))}
	}))

	// Each route's own chain, in this order:
	//  limitBody → require → rateLimit → cache → withTimeout → handler
	// limitBody first, so an oversize body is refused before any work;
	// require before rateLimit, which buckets by the caller it names;
	// rateLimit before the cache, so hits count against the limit too;
	// the cache after both, so it stores and replays only the handler's
	// answer and only for callers already admitted; withTimeout bounds the
	// handler's work (a cache hit has its own, much shorter, Redis
	// timeout and does not pay for a timer it cannot use).
	for _, r := range s.table() {
		if r.sub {
			continue
		}
		var chain []gin.HandlerFunc
		limit := r.body
		if limit == 0 {
			limit = s.cfg.MaxBodyBytes
		}
		chain = append(chain, s.limitBody(limit))
		if r.role != "" {
			chain = append(chain, s.require(r.role), s.rateLimit)
		}
		if r.cacheAs != "" {
			chain = append(chain, s.cache.Handler(r.cacheAs, s.cfg.CacheTTL))
		}
		chain = append(chain, s.withTimeout, s.handle(r.h))
		e.Handle(r.method, r.path, chain...)
		if r.method == http.MethodGet {
			// HEAD is GET without the body (net/http drops it), as load
			// balancers and link checkers expect.
			e.Handle(http.MethodHead, r.path, chain...)
		}
	}
	if err := s.mountPages(e); err != nil {
		return nil, err
	}
	return e, nil
}

// table lists every route. The OpenAPI document in package openapi
// describes each; a test checks that the two agree.
func (s *Server) table() []route {
	t := []route{
		{method: "GET", path: "/healthz", h: s.healthz},
		{method: "GET", path: "/readyz", h: s.readyz},
		{method: "GET", path: "/metrics", h: s.metricsPage},
		{method: "GET", path: "/openapi.json", h: s.openapiDoc},

		{method: "GET", path: "/v1/credentials", role: auth.RoleReader, cacheAs: "search", h: s.searchCredentials},
		{method: "GET", path: "/v1/credentials/*id", role: auth.RoleReader, cacheAs: "credential", h: s.getCredential},
		{method: "GET", path: "/v1/credentials/*id/similar", role: auth.RoleReader, sub: true},
		{method: "GET", path: "/v1/credentials/*id/unlocks", role: auth.RoleReader, sub: true},
		{method: "GET", path: "/v1/frameworks", role: auth.RoleReader, cacheAs: "frameworks", h: s.listFrameworks},
		{method: "POST", path: "/v1/recommendations", role: auth.RoleReader, cacheAs: "recommendations", h: s.recommend},
		{method: "POST", path: "/v1/recommendations/why-not", role: auth.RoleReader, cacheAs: "why-not", h: s.whyNot},
		{method: "POST", path: "/v1/plans", role: auth.RoleReader, cacheAs: "plans", h: s.plan},

		{method: "GET", path: "/v1/keys", role: auth.RoleAdmin, h: s.listKeys},
		{method: "POST", path: "/v1/keys", role: auth.RoleAdmin, h: s.createKey},
		{method: "DELETE", path: "/v1/keys/:id", role: auth.RoleAdmin, h: s.revokeKey},
	}
	if s.cfg.Feeds != nil {
		t = append(t,
			route{method: "GET", path: "/v1/feeds", role: auth.RoleAggregator, h: s.listFeeds},
			route{method: "POST", path: "/v1/feeds", role: auth.RoleAggregator, h: s.registerFeed},
			route{method: "GET", path: "/v1/feeds/:id", role: auth.RoleAggregator, h: s.getFeed},
			route{method: "POST", path: "/v1/feeds/:id/sync", role: auth.RoleAggregator, body: s.cfg.MaxUploadBytes, h: s.syncFeed},
			route{method: "GET", path: "/v1/feeds/:id/runs", role: auth.RoleAggregator, h: s.feedRuns},
			route{method: "DELETE", path: "/v1/feeds/:id", role: auth.RoleAggregator, h: s.deleteFeed},
			route{method: "POST", path: "/v1/feeds/:id/pause", role: auth.RoleAggregator, h: s.pauseFeed(true)},
			route{method: "POST", path: "/v1/feeds/:id/resume", role: auth.RoleAggregator, h: s.pauseFeed(false)},
		)
	}
	if s.cfg.Pathways != nil {
		t = append(t,
			route{method: "GET", path: "/v1/pathways", role: auth.RoleCoach, h: s.listPathways},
			route{method: "POST", path: "/v1/pathways", role: auth.RoleCoach, h: s.createPathway},
			route{method: "GET", path: "/v1/pathways/:id", role: auth.RoleCoach, h: s.getPathway},
			route{method: "PUT", path: "/v1/pathways/:id", role: auth.RoleCoach, h: s.updatePathway},
			route{method: "DELETE", path: "/v1/pathways/:id", role: auth.RoleCoach, h: s.deletePathway},
			route{method: "GET", path: "/v1/pathways/:id/progress", role: auth.RoleCoach, h: s.getProgress},
			route{method: "POST", path: "/v1/pathways/:id/progress", role: auth.RoleCoach, h: s.setProgress},
			route{method: "GET", path: "/v1/pathways/:id/ctdl", role: auth.RoleCoach, h: s.exportPathwayCTDL},
			route{method: "POST", path: "/v1/pathways/import", role: auth.RoleCoach, h: s.importPathwayCTDL},
		)
	}
	return t
}
