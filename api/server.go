package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/ratelimit"
	"github.com/pdpath/pdpath/api/web"
	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/frameworks"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/poll"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/pathstore"
	"github.com/pdpath/pdpath/recommender/pathways"
	"github.com/pdpath/pdpath/recommender/planner"
)

// Catalog is the live catalog the API reads and syncs into. *store.Catalog
// implements it.
type Catalog interface {
	Version() int64
	Snapshot() *catalog.Snapshot
	Credential(id string) (*catalog.Credential, bool)
	Search(ctx context.Context, req index.Request) (*index.Result, error)
	Frameworks() *frameworks.Registry
	// Refresh moves to a generation another process wrote, reporting
	// whether it did.
	Refresh(ctx context.Context) (bool, error)
	IngestInputs(ctx context.Context, inputs []store.Input) (catalog.Report, error)
}

// Recommender ranks credentials for a profile and rebuilds its model when
// the catalog changes. *recommender.Engine implements it.
type Recommender interface {
	Recommend(ctx context.Context, p catalog.Profile, opt recommender.RecommendOptions) (recommender.Result, error)
	// Refresh schedules a model build for snap and returns at once.
	Refresh(snap *catalog.Snapshot)
	// Rebuild builds the model for snap before returning.
	Rebuild(ctx context.Context, snap *catalog.Snapshot) error
	// Model is the live model, nil before the first build.
	Model() *recommender.Model
	// Planner is the planner for snap's catalog version, and that
	// version.
	Planner(snap *catalog.Snapshot) (*planner.Planner, int64)
	// WhyNot explains why one item is (not) among a profile's suggestions.
	WhyNot(ctx context.Context, p catalog.Profile, id string, opt recommender.RecommendOptions) (recommender.Explanation, error)
	// Similar lists items like one credential.
	Similar(ctx context.Context, id string, limit int) (recommender.Result, error)
	// Unlocks says what earning one credential opens.
	Unlocks(ctx context.Context, id string, saved recommender.SavedPathways) (recommender.Unlocks, error)
}

// Keys are the API keys. *auth.Store implements it.
type Keys interface {
	Lookup(ctx context.Context, secret string) (auth.Key, error)
	List() ([]auth.Key, error)
	Create(ctx context.Context, r auth.Role, opts auth.CreateOptions) (string, auth.Key, error)
	Revoke(ctx context.Context, id string) error
}

// Config is everything a Server needs. Catalog, Recommender and Keys are
// required; the rest have working defaults.
type Config struct {
	// Addr is where Run listens (default 127.0.0.1:8080).
	Addr        string
	Logger      *slog.Logger
	Catalog     Catalog
	Recommender Recommender
	Keys        Keys
	// Pathways keeps coaches' saved pathways; nil leaves the /v1/pathways
	// routes out.
	Pathways pathstore.Store
	// Feeds registers and syncs aggregators' feeds; nil leaves the
	// /v1/feeds routes out.
	Feeds Feeds

	// Cache backs the response cache; nil means an in-process one.
	Cache cache.Cache
	// CacheTTL is how long a response is kept (±10% jitter); 0 means 10
	// minutes. Entries of an older catalog version are never read again,
	// so the TTL only bounds memory.
	CacheTTL time.Duration
	// Registry receives the metrics; nil means a new one with the Go and
	// process collectors.
	Registry *prometheus.Registry
	// CacheMetrics are the cache's collectors, when the caller registered
	// them in Registry already to hand them to a Redis cache; nil means
	// the server registers its own.
	CacheMetrics *cache.Metrics

	// OpenReader lets requests without a key use the reader routes.
	OpenReader bool
	// SecureCookies marks the web pages' cookies Secure even over plain
	// HTTP (behind a TLS-terminating proxy); over TLS they always are.
	SecureCookies bool
	// RateLimit applies to each key without its own; AnonymousLimit to
	// each client address when OpenReader lets them in. Zero Rate means
	// unlimited.
	RateLimit      ratelimit.Limit
	AnonymousLimit ratelimit.Limit
	// Limiter keeps the rate limits' state; nil means per process
	// (ratelimit.Local). A ratelimit.Redis shares them between servers.
	Limiter ratelimit.Limiter
	// Fetcher is the client feeds are fetched with; its policy also
	// decides which feed URLs registration accepts, so the two never
	// disagree. Nil means fetch.New(fetch.Policy{}), which refuses
	// loopback and private addresses: a server fetching what callers name
	// must not reach its own network.
	Fetcher *fetch.Client
	// TrustedProxies are the addresses (CIDRs) whose X-Forwarded-For is
	// believed for the client address; none by default.
	TrustedProxies []string

	// MaxBodyBytes caps JSON request bodies (default 1 MiB); MaxUploadBytes
	// caps pushed feed documents (default 32 MiB).
	MaxBodyBytes   int64
	MaxUploadBytes int64
	// RequestTimeout bounds the work of one request (default 30 s).
	RequestTimeout time.Duration
	// PlanConcurrency bounds the plans computed at once over the whole
	// server (default: the number of cores); PlanPerKey those of one key
	// or anonymous address (default: half of PlanConcurrency, at least
	// 1); PlanQueueWait how long a plan request waits for a slot before it
	// is refused with Retry-After (default 2 s).
	PlanConcurrency int
	PlanPerKey      int
	PlanQueueWait   time.Duration
	// WatchInterval is how often the catalog directory is checked for a
	// generation written by another process (default 2 s).
	WatchInterval time.Duration
	// HTTP server timeouts; zero means the defaults in Run.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration
}

// Server is the HTTP service. Create it with New.
type Server struct {
	cfg      Config
	log      *slog.Logger
	engine   *gin.Engine
	metrics  *metrics
	registry *prometheus.Registry
	cache    *cache.ResponseCache
	limiter  ratelimit.Limiter
	plans    *planGate
	pages    *web.Pages
	// bg counts the background goroutines Start runs.
	bg sync.WaitGroup
	// pathways is the saved-pathway service over Config.Pathways.
	pathways *pathways.Service
}

// New returns a server for cfg. It starts nothing; call Run, or serve
// Handler yourself after Start.
func New(cfg Config) (*Server, error) {
	if cfg.Catalog == nil || cfg.Recommender == nil || cfg.Keys == nil {
		return nil, errors.New("api: Config needs Catalog, Recommender and Keys")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 10 * time.Minute
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 32 << 20
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.Fetcher == nil {
		cfg.Fetcher = fetch.New(fetch.Policy{})
	}
	if cfg.WatchInterval <= 0 {
		cfg.WatchInterval = 2 * time.Second
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s := &Server{cfg: cfg, log: cfg.Logger, registry: reg, limiter: cfg.Limiter,
		plans: newPlanGate(cfg.PlanConcurrency, cfg.PlanPerKey, cfg.PlanQueueWait)}
	if s.limiter == nil {
		s.limiter = ratelimit.NewLocal(nil)
	}
	if cfg.Pathways != nil {
		s.pathways = pathways.New(cfg.Pathways, cfg.Catalog, cfg.Recommender)
	}
	s.metrics = newMetrics(reg, cfg.Catalog, cfg.Recommender, cfg.CacheMetrics)
	if cfg.Cache == nil {
		cfg.Cache = cache.NewMemory(0)
		s.cfg.Cache = cfg.Cache
	}
	s.cache = cache.NewResponseCache(cache.Options{
		Cache:   cfg.Cache,
		Version: cfg.Catalog.Version,
		Jitter:  0.1,
		Metrics: s.metrics.cache,
		Logger:  cfg.Logger,
	})
	engine, err := s.routes()
	if err != nil {
		return nil, err
	}
	s.engine = engine
	return s, nil
}

// Handler returns the HTTP handler: every route with its middleware.
func (s *Server) Handler() http.Handler { return s.engine }

// Metrics returns the registry the server's metrics are in.
func (s *Server) Metrics() *prometheus.Registry { return s.registry }

// Start runs the background work until ctx ends: it builds the first
// recommender model and follows the catalog directory, so ingests by other
// processes become visible without a restart.
func (s *Server) Start(ctx context.Context) {
	s.cfg.Recommender.Refresh(s.cfg.Catalog.Snapshot())
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.watch(ctx)
	}()
}

// watch polls the catalog for a newer generation and schedules a model
// build when it moves.
func (s *Server) watch(ctx context.Context) {
	poll.Run(ctx, poll.Options{Interval: s.cfg.WatchInterval}, func(ctx context.Context) {
		if _, err := s.cfg.Catalog.Refresh(ctx); err != nil {
			s.log.Warn("catalog refresh failed; serving the loaded version", "err", err)
			return
		}
		// Also covers a model build that failed earlier: Refresh is a
		// no-op when the model is at the catalog's version.
		s.ensureModel()
	})
}

// ensureModel schedules a model build when the live model lags the
// catalog. It never waits, so a request that notices the lag is answered
// with the model there is (and not cached: see the recommendation handler).
func (s *Server) ensureModel() {
	snap := s.cfg.Catalog.Snapshot()
	if m := s.cfg.Recommender.Model(); m == nil || m.Version() != snap.Version {
		s.cfg.Recommender.Refresh(snap)
	}
}

// Run serves on Config.Addr until ctx ends, then stops accepting
// connections and waits (up to ShutdownTimeout, default 15 s) for requests
// in flight.
func (s *Server) Run(ctx context.Context) error {
	addr := s.cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("api: listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	bg, stop := context.WithCancel(ctx)
	// The watcher ends before Serve returns, so nothing it logs or
	// schedules outlives the server.
	defer s.bg.Wait()
	defer stop()
	s.Start(bg)
	srv := &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: orDefault(s.cfg.ReadHeaderTimeout, 5*time.Second),
		// Uploads of feed documents are the largest bodies; a client
		// that cannot send 32 MiB in a minute should use a feed URL.
		ReadTimeout:  orDefault(s.cfg.ReadTimeout, 60*time.Second),
		WriteTimeout: orDefault(s.cfg.WriteTimeout, s.cfg.RequestTimeout+30*time.Second),
		IdleTimeout:  orDefault(s.cfg.IdleTimeout, 120*time.Second),
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:  func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "cache", s.cfg.Cache.Name(), "catalog_version", s.cfg.Catalog.Version())
	select {
	case err := <-errc:
		return fmt.Errorf("api: serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), orDefault(s.cfg.ShutdownTimeout, 15*time.Second))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("api: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("api: serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
