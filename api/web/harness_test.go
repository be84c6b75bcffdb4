package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/pdpath/pdpath/api"
	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/ratelimit"
	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/feedsync"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/pathstore"
)

// site is a full pdpath server (real on-disk catalog and index, real
// recommender model, key file, pathway store and feed registry) over
// testdata/catalog.csv, served by httptest on 127.0.0.1:0.
type site struct {
	url   string
	keys  map[string]string // role name → secret
	keyID map[string]string // role name → key id
	store *auth.Store
}

type siteOptions struct {
	openReader    bool
	secureCookies bool
	// allowPrivate lets feeds live on 127.0.0.1 (the tests' feed server).
	allowPrivate bool
	// anonLimit is the rate limit of keyless readers; zero is none.
	anonLimit ratelimit.Limit
}

func newSite(t *testing.T, o siteOptions) *site {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	fetcher := fetch.New(fetch.Policy{AllowPrivate: o.allowPrivate, Timeout: 5 * time.Second})
	cat, err := store.Open(ctx, dir, store.Options{Fetcher: fetcher, CloseDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	if _, err := cat.Ingest(ctx, []string{filepath.Join("testdata", "catalog.csv")}); err != nil {
		t.Fatal(err)
	}
	rec := recommender.New(recommender.Options{Searcher: cat})
	if err := rec.Rebuild(ctx, cat.Snapshot()); err != nil {
		t.Fatal(err)
	}
	keys, err := auth.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &site{keys: map[string]string{}, keyID: map[string]string{}, store: keys}
	for _, role := range []auth.Role{auth.RoleReader, auth.RoleCoach, auth.RoleAggregator} {
		secret, k, err := keys.Create(ctx, role, auth.CreateOptions{Label: "web test " + string(role)})
		if err != nil {
			t.Fatal(err)
		}
		s.keys[string(role)], s.keyID[string(role)] = secret, k.ID
	}
	paths, err := pathstore.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { paths.Close() })
	feeds, err := feedsync.OpenRegistry(dir, feedsync.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { feeds.Close() })
	syncer := feedsync.NewSyncer(feedsync.SyncerConfig{Registry: feeds, Catalog: cat, Fetcher: fetcher})
	srv, err := api.New(api.Config{
		Catalog:       cat,
		Recommender:   rec,
		Keys:          keys,
		Pathways:      paths,
		Feeds:         feedService{feeds, syncer},
		Cache:         cache.NewMemory(0),
		OpenReader:    o.openReader,
		SecureCookies: o.secureCookies,

		Fetcher:        fetcher,
		AnonymousLimit: o.anonLimit,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	s.url = hs.URL
	return s
}

type feedService struct {
	*feedsync.Registry
	*feedsync.Syncer
}

// client is a browser-like HTTP client: it keeps cookies, does not follow
// redirects (tests look at them) and asks for HTML.
func (s *site) client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
