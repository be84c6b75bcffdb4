package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pdpath/pdpath/api"
	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/ratelimit"
	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/catalogdb"
	"github.com/pdpath/pdpath/indexer/feedsync"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/pgdb"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/pathstore"
)

// serveSettings are serve's settings after flag, environment and default.
type serveSettings struct {
	index, addr, redisURL, cachePrefix string
	// store is where the shared state (catalog of record, keys, feeds and
	// runs, saved pathways) is kept: "" the embedded files in the index
	// directory, else a postgres:// DSN.
	store                             string
	openReader, allowPrivate, logJSON bool
	rate, anonRate                    float64
	burst, anonBurst                  int
	maxFeedsPerKey                    int
	maxUploadBytes                    int64
	trustedProxies                    []string
	cacheTTL                          time.Duration

	// secureCookies marks the web pages' cookies Secure over plain HTTP
	// (behind a TLS-terminating proxy).
	secureCookies bool
	// pprof is where the profiling endpoints listen; "" serves none.
	pprof string
	// memLimit is the Go runtime's soft memory limit.
	memLimit memoryLimit
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "[--index DIR] [--addr HOST:PORT] [--redis URL] [--store postgres://...] [flags]")
	fs.docs = "Routes, errors, roles and keys, web pages: api/README.md in the pdpath repository; the running\nserver describes its API at GET /openapi.json."
	serveFlags(fs)
	if _, err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	st, err := serveConfig(fs)
	if err != nil {
		return err
	}
	// A line per request: written in batches, not a system call each.
	logOut := newBufferedLog(e.stderr)
	defer logOut.Close()
	var handler slog.Handler = slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo})
	if st.logJSON {
		handler = slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo})
	}
	log := slog.New(flushOnWarn{handler, logOut})

	if st.pprof != "" {
		stopProfiles, err := serveProfiles(st.pprof, log)
		if err != nil {
			return err
		}
		defer stopProfiles()
	}
	index.SetLogger(log)

	// The one fetch client: its guard decides, on the address dialled,
	// whether a feed may be read.
	fetcher := fetch.New(fetch.Policy{AllowPrivate: st.allowPrivate})
	// Without a store the catalog lives in the index directory; with one,
	// the index directory holds this server's copy of the catalog of
	// record, which a follower keeps up to date.
	catDir := st.index
	if st.store != "" {
		catDir = catalogdb.CatalogDir(st.index, st.store)
	}
	cat, err := store.Open(ctx, catDir, store.Options{Logger: log, Fetcher: fetcher, Derive: saveModel, OpenDamaged: true})
	if err != nil {
		return err
	}
	defer cat.Close()
	// syncTo is what feed syncs write: the local catalog, or the catalog
	// of record when there is a store.
	var syncTo feedsync.Catalog = cat
	var follower *catalogdb.Follower
	if st.store != "" {
		clog, err := catalogdb.Open(ctx, st.store)
		if err != nil {
			return err
		}
		defer clog.Close()
		follower = catalogdb.NewFollower(clog, cat, catDir, log)
		if _, err := follower.CatchUp(ctx); err != nil {
			return err
		}
		host, _ := os.Hostname()
		syncTo = catalogdb.NewWriter(follower, "serve@"+host)
		log.Info("catalog of record in PostgreSQL; this server follows it", "copy", catDir, "catalog_version", cat.Version())
	}
	keys, err := auth.OpenKeys(ctx, st.store, st.index)
	if err != nil {
		return err
	}
	defer keys.Close()
	paths, err := pathstore.Open(ctx, st.store, st.index)
	if err != nil {
		return err
	}
	defer paths.Close()
	if st.store == "" {
		log.Info("saved pathways in the index directory", "store", storeName(st.store), "file", filepath.Join(st.index, pathstore.FileName))
	} else {
		log.Info("saved pathways in PostgreSQL", "store", storeName(st.store), "database", redactDSN(st.store))
	}
	feeds, err := feedsync.OpenStore(ctx, st.store, st.index, feedsync.RegistryOptions{MaxFeedsPerOwner: st.maxFeedsPerKey})
	if err != nil {
		return err
	}
	defer feeds.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cacheMetrics := cache.NewMetrics(reg)
	var respCache cache.Cache
	var limiter ratelimit.Limiter
	if st.redisURL == "" {
		respCache = cache.NewMemory(0)
		log.Info("no --redis or REDIS_URL: caching responses in process (not shared between servers)")
	} else {
		client, err := cache.DialRedis(st.redisURL)
		if err != nil {
			return usagef("--redis: %v", err)
		}
		defer client.Close()
		rc := cache.NewRedis(client, cache.RedisOptions{Prefix: st.cachePrefix, Logger: log, Metrics: cacheMetrics})
		if err := rc.Ping(ctx); err != nil {
			log.Warn("redis is not answering; serving uncached until it does", "err", err)
		} else {
			log.Info("caching responses in redis", "addr", client.Options().Addr, "db", client.Options().DB, "prefix", st.cachePrefix)
		}
		respCache = rc
		// Rate limits live in the same Redis, so a key's limit holds
		// across every server that shares it.
		limiter = ratelimit.NewRedis(client, st.cachePrefix+"rate:", log)
	}

	engine := recommender.New(recommender.Options{Searcher: cat, Logger: log, ModelDir: cat.GenerationDir})
	// Closed before the catalog it reads: no model build outlives serve.
	defer engine.Close()
	// The syncer reports finished runs to the server's metrics; the
	// server exists only once the syncer does, hence the indirection.
	var srv *api.Server
	syncer := feedsync.NewSyncer(feedsync.SyncerConfig{
		Registry: feeds, Catalog: syncTo, Fetcher: fetcher, Logger: log,
		Observer: feedsync.ObserverFunc(func(r feedsync.Run) {
			if srv != nil {
				srv.ObserveRun(r)
			}
		}),
	})
	srv, err = api.New(api.Config{
		Logger:         log,
		Catalog:        cat,
		Recommender:    engine,
		Keys:           keys,
		Pathways:       paths,
		Feeds:          feedService{feeds, syncer},
		Cache:          respCache,
		CacheTTL:       st.cacheTTL,
		Registry:       reg,
		CacheMetrics:   cacheMetrics,
		OpenReader:     st.openReader,
		SecureCookies:  st.secureCookies,
		RateLimit:      ratelimit.Limit{Rate: st.rate, Burst: st.burst},
		AnonymousLimit: ratelimit.Limit{Rate: st.anonRate, Burst: st.anonBurst},
		Limiter:        limiter,
		Fetcher:        fetcher,
		MaxUploadBytes: st.maxUploadBytes,
		TrustedProxies: st.trustedProxies,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", st.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", st.addr, err)
	}
	if fs.json {
		// Scripts that asked for port 0 learn the address here.
		if err := writeJSON(e.stdout, map[string]any{"addr": ln.Addr().String(), "index": st.index,
			"catalog_version": cat.Version(), "cache": respCache.Name(), "store": storeName(st.store)}); err != nil {
			ln.Close()
			return err
		}
	}
	if !st.openReader {
		if ks, err := keys.List(); err == nil && len(ks) == 0 {
			log.Warn("no API keys yet and reader routes need one: create one with `pdpath keys create --role reader`, or pass --open-reader")
		}
	}
	if follower != nil {
		fctx, stopFollowing := context.WithCancel(ctx)
		followed := make(chan struct{})
		go func() {
			defer close(followed)
			follower.Run(fctx, 0, nil)
		}()
		// Stopped and waited for before the catalog closes.
		defer func() { stopFollowing(); <-followed }()
	}
	// The scheduler stops with serve, and serve returns only once it has
	// (its syncs write to the catalog closed on return).
	sctx, stopScheduler := context.WithCancel(ctx)
	scheduled := make(chan struct{})
	go func() {
		defer close(scheduled)
		feedsync.NewScheduler(feedsync.SchedulerConfig{Registry: feeds, Syncer: syncer, Logger: log}).Run(sctx)
	}()
	defer func() { stopScheduler(); <-scheduled }()
	st.memLimit.apply(ctx, log)
	releasePages(ctx, cat.ReleaseRecordPages)
	return srv.Serve(ctx, ln)
}

// feedService joins the feed registry and syncer into what api.Feeds asks.
type feedService struct {
	feedsync.Store
	*feedsync.Syncer
}

// serveFlags defines serve's flags.
func serveFlags(fs *flagSet) {
	fs.indexFlag()
	fs.String("addr", "", "listen address (env PDPATH_ADDR, default 127.0.0.1:8080; port 0 picks a free one)")
	fs.String("redis", "", "Redis URL for the response cache, redis://HOST:PORT/DB (env REDIS_URL; default none: an in-process cache)")
	fs.String("store", "", "where the shared state lives (the catalog of record: items, sources and versions; API keys; feeds and their sync runs; saved pathways): postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL, shared by every server, or bolt for files in the index directory (env PDPATH_STORE; default bolt)")
	fs.String("pathways-db", "", "older name of --store (env PDPATH_PATHWAYS_DSN, read when PDPATH_STORE is unset)")
	fs.Bool("open-reader", false, "serve reader routes to requests without a key (env PDPATH_OPEN_READER=true)")
	fs.Float64("rate-limit", 0, "requests per second per key, keys created with their own rate excepted (env PDPATH_RATE_LIMIT, default 20; 0 from env or flag keeps the default, negative disables)")
	fs.Int("rate-burst", 0, "token-bucket burst per key (env PDPATH_RATE_BURST, default 2× the rate)")
	fs.Float64("anon-rate-limit", 0, "requests per second per client address for keyless readers (env PDPATH_ANON_RATE_LIMIT, default 5)")
	fs.Int("anon-rate-burst", 0, "burst per client address for keyless readers (env PDPATH_ANON_RATE_BURST, default 2× the rate)")
	fs.Bool("secure-cookies", false, "mark the web pages' key and session cookies Secure even over plain HTTP, behind a TLS-terminating proxy (env PDPATH_SECURE_COOKIES=true; over TLS they always are)")
	fs.Int64("max-upload-bytes", 0, "largest feed document an aggregator may push to POST /v1/feeds/{id}/sync (env PDPATH_MAX_UPLOAD_BYTES, default 33554432, 32 MiB)")
	fs.Int("max-feeds-per-key", 0, fmt.Sprintf("how many feeds one aggregator key may register (env PDPATH_MAX_FEEDS_PER_KEY, default %d)", feedsync.DefaultMaxFeedsPerOwner))
	fs.Bool("allow-private-feeds", false, "let feeds live on loopback and private addresses, for an aggregator on the operator's own network (env PDPATH_ALLOW_PRIVATE_FEEDS=true)")
	fs.String("trusted-proxies", "", "comma-separated CIDRs or addresses whose X-Forwarded-For names the client (env PDPATH_TRUSTED_PROXIES; default none)")
	fs.String("cache-prefix", "", "start of every Redis key (env PDPATH_CACHE_PREFIX; default pdpath:HASH: with HASH from the index directory's path, so servers of different catalogs can share one Redis)")
	fs.Duration("cache-ttl", 0, "how long a cached response is kept, ±10% (env PDPATH_CACHE_TTL, default 10m)")
	fs.String("pprof", "", "serve Go profiles (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060 (env PDPATH_PPROF; default off). Keep it on loopback: profiles reveal the process's internals")
	fs.String("memory-limit", "", "the Go runtime's soft memory limit: auto keeps it half the live heap (at least 64 MiB) above it, off leaves GOMEMLIMIT and the defaults, or a size such as 512MiB (env PDPATH_MEMORY_LIMIT; default auto, off when GOMEMLIMIT is set)")
	fs.Bool("log-json", false, "write logs as JSON lines (env PDPATH_LOG_JSON=true; default key=value text)")
}

// serveConfig resolves every serve setting: flag, else environment, else
// default.
func serveConfig(fs *flagSet) (serveSettings, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	get := func(name, envName string) string {
		if set[name] {
			return fs.Lookup(name).Value.String()
		}
		return fs.env.getenv(envName)
	}
	st := serveSettings{
		index:    fs.indexDir(),
		addr:     setting(get("addr", "PDPATH_ADDR"), "", "127.0.0.1:8080"),
		redisURL: get("redis", "REDIS_URL"),
	}
	var errs []error
	if err := checkListenAddr(st.addr); err != nil {
		errs = append(errs, fmt.Errorf("addr / PDPATH_ADDR: %w", err))
	}
	// --pathways-db is the older name of --store, and PDPATH_PATHWAYS_DSN
	// of PDPATH_STORE: either flag beats both variables.
	storeSetting := get("store", "PDPATH_STORE")
	if set["pathways-db"] {
		old := fs.Lookup("pathways-db").Value.String()
		if set["store"] && old != storeSetting {
			errs = append(errs, errors.New("store / pathways-db: two different stores given; --pathways-db is the older name of --store, give one"))
		}
		storeSetting = old
	} else if !set["store"] && storeSetting == "" {
		storeSetting = fs.env.getenv("PDPATH_PATHWAYS_DSN")
	}
	if v, err := parseStore(storeSetting); err != nil {
		errs = append(errs, err)
	} else {
		st.store = v
	}
	boolean := func(name, envName string) bool {
		v := get(name, envName)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s / %s: %q is not true or false", name, envName, v))
		}
		return b
	}
	number := func(name, envName string, def float64) float64 {
		v := get(name, envName)
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s / %s: %q is not a number", name, envName, v))
			return def
		}
		switch {
		case f < 0:
			return 0 // disabled
		case f == 0:
			return def
		}
		return f
	}
	st.openReader = boolean("open-reader", "PDPATH_OPEN_READER")
	st.allowPrivate = boolean("allow-private-feeds", "PDPATH_ALLOW_PRIVATE_FEEDS")
	st.secureCookies = boolean("secure-cookies", "PDPATH_SECURE_COOKIES")
	st.logJSON = boolean("log-json", "PDPATH_LOG_JSON")
	st.rate = number("rate-limit", "PDPATH_RATE_LIMIT", 20)
	st.burst = int(number("rate-burst", "PDPATH_RATE_BURST", 2*st.rate))
	st.anonRate = number("anon-rate-limit", "PDPATH_ANON_RATE_LIMIT", 5)
	st.anonBurst = int(number("anon-rate-burst", "PDPATH_ANON_RATE_BURST", 2*st.anonRate))
	st.maxUploadBytes = int64(number("max-upload-bytes", "PDPATH_MAX_UPLOAD_BYTES", 32<<20))
	st.maxFeedsPerKey = int(number("max-feeds-per-key", "PDPATH_MAX_FEEDS_PER_KEY", feedsync.DefaultMaxFeedsPerOwner))
	if v := get("cache-ttl", "PDPATH_CACHE_TTL"); v != "" && v != "0s" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("cache-ttl / PDPATH_CACHE_TTL: %q is not a duration such as 10m", v))
		}
		st.cacheTTL = d
	}
	st.pprof = get("pprof", "PDPATH_PPROF")
	if st.pprof != "" {
		if err := checkListenAddr(st.pprof); err != nil {
			errs = append(errs, fmt.Errorf("pprof / PDPATH_PPROF: %w", err))
		}
	}
	if v := get("memory-limit", "PDPATH_MEMORY_LIMIT"); v == "" && fs.env.getenv("GOMEMLIMIT") != "" {
		st.memLimit = memoryLimit{}
	} else if ml, err := parseMemoryLimit(v); err != nil {
		errs = append(errs, fmt.Errorf("memory-limit / PDPATH_MEMORY_LIMIT: %w", err))
	} else {
		st.memLimit = ml
	}
	st.cachePrefix = get("cache-prefix", "PDPATH_CACHE_PREFIX")
	if st.cachePrefix == "" {
		st.cachePrefix = defaultCachePrefix(st.index, st.store)
	}
	if v := get("trusted-proxies", "PDPATH_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				st.trustedProxies = append(st.trustedProxies, p)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return st, usagef("%v", err)
	}
	return st, nil
}

// checkListenAddr reports an address no listener could take, so that the
// mistake is a usage error (exit 2) named before anything starts: it must
// be HOST:PORT (HOST may be empty) with a port from 0 to 65535 or a service
// name.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT (e.g. 127.0.0.1:8080): %v", addr, err)
	}
	if n, err := strconv.ParseUint(port, 10, 64); err == nil {
		if n > 65535 {
			return fmt.Errorf("%q: port %s is out of range (0 to 65535)", addr, port)
		}
		return nil
	}
	if _, err := net.LookupPort("tcp", port); err != nil || port == "" {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", addr, port)
	}
	return nil
}

// parseStore reads the --store setting: "" for the embedded store (none
// given, or "bolt"), else a PostgreSQL DSN. Errors name only the scheme:
// a DSN may carry a password.
func parseStore(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "", "bolt", "bbolt":
		return "", nil
	}
	scheme, _, ok := strings.Cut(v, "://")
	if !ok {
		return "", errors.New("store / PDPATH_STORE: want postgres://USER:PASSWORD@HOST:PORT/DB or bolt")
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if _, err := url.Parse(v); err != nil {
			return "", errors.New("store / PDPATH_STORE: the postgres:// DSN is not a valid URL")
		}
		return v, nil
	}
	return "", fmt.Errorf("store / PDPATH_STORE: scheme %q is not supported (want postgres://... or bolt)", scheme)
}

// storeName names the pathway store a --store setting selects.
func storeName(store string) string {
	if store == "" {
		return "bolt"
	}
	return "postgres"
}

// redactDSN names a PostgreSQL database for the log: host, port and
// database, without the user's password or the query's settings.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres"
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// defaultCachePrefix names a catalog in Redis keys. Cache keys carry the
// catalog version, and two catalogs at the same version are not the same
// catalog: servers of different index directories must not share entries,
// while servers of one directory should.
func defaultCachePrefix(index, storeURL string) string {
	abs, err := filepath.Abs(index)
	if err != nil {
		abs = index
	}
	if storeURL != "" {
		// Servers sharing one store serve one catalog: they share the
		// cache and the rate limits whatever their index directories.
		abs = pgdb.Redact(storeURL)
	}
	sum := sha256.Sum256([]byte(abs))
	return "pdpath:" + hex.EncodeToString(sum[:4]) + ":"
}
