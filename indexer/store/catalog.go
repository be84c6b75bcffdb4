package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/frameworks"
	"github.com/pdpath/pdpath/indexer/index"
)

// Options configures a Catalog. The zero value is usable.
type Options struct {
	Logger *slog.Logger
	// Progress, when set, is told how an ingest advances.
	Progress func(Progress)
	// Fetcher downloads http(s) inputs; nil means fetch.New(fetch.Policy{}),
	// which refuses loopback, private and link-local addresses. A caller
	// that trusts whoever names the URLs (the command line's operator)
	// passes a client that allows them.
	Fetcher *fetch.Client
	// Now is the clock used for provenance; nil means time.Now.
	Now func() time.Time
	// CloseDelay is how long a replaced generation stays open for searches
	// already running on it; 0 means 30 s.
	CloseDelay time.Duration
	// Derive, when set, writes files derived from a new generation's
	// records (the recommender's model) into its folder before the
	// generation goes live, so readers find them beside the records. An
	// error fails the ingest.
	Derive func(ctx context.Context, dir string, snap *catalog.Snapshot) error
	// OpenDamaged lets Open succeed when no generation on disk is sound:
	// the catalog starts empty and not ready (see Health), so an ingest
	// can rebuild it and a server can wait for that. Without it such an
	// Open fails with an error wrapping ErrCorrupt.
	OpenDamaged bool
}

// Progress reports one step of an ingest: Phase is "reading", "parsing" or
// "indexing"; Done of Total units are complete.
type Progress struct {
	Phase string
	Done  int
	Total int
}

// Catalog is an open index directory. Its methods are safe for concurrent
// use; readers always see one complete generation.
type Catalog struct {
	dir  string
	opts Options
	log  *slog.Logger

	cur       atomic.Pointer[generation]
	refreshMu sync.Mutex

	// healthMu guards what recovery found: see Health.
	healthMu  sync.Mutex
	unready   bool
	fallbacks int64
	corrupt   string
	// badGen is the generation last found corrupt: Refresh does not
	// load it again while CURRENT still names it.
	badGen string
}

// generation is one loaded catalog version: its records and its open index.
type generation struct {
	name string
	snap *catalog.Snapshot
	byID map[string]*catalog.Credential
	// alias maps the alternative URIs that are no credential's own id to
	// a credential id (byID holds the ids themselves).
	alias   map[string]string
	reg     *frameworks.Registry
	ix      *index.Index // nil for the empty catalog
	sources map[string]*SourceInfo
}

// Open opens (creating if needed) the catalog in dir and loads its live
// generation read-only.
func Open(ctx context.Context, dir string, opts Options) (*Catalog, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CloseDelay == 0 {
		opts.CloseDelay = 30 * time.Second
	}
	if opts.Fetcher == nil {
		opts.Fetcher = fetch.New(fetch.Policy{})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", dir, err)
	}
	c := &Catalog{dir: dir, opts: opts, log: opts.Logger}
	if _, err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Dir returns the index directory.
func (c *Catalog) Dir() string { return c.dir }

// Refresh moves to the newest generation if another process (or this one)
// wrote one since, and reports whether it did.
func (c *Catalog) Refresh(ctx context.Context) (bool, error) {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	name, err := readCurrent(c.dir)
	if err == nil && name == "" && len(generations(c.dir)) > 0 {
		err = fmt.Errorf("%w: %s is missing but generations exist", ErrCorrupt, filepath.Join(c.dir, currentFile))
	}
	if err != nil {
		// CURRENT itself is damaged: every generation is a candidate.
		name = currentFile
	}
	old := c.cur.Load()
	if old != nil && (old.name == name || c.knownBad(name)) {
		return false, nil
	}
	var gen *generation
	if err == nil {
		gen, err = loadGeneration(c.dir, name)
	}
	if err != nil {
		c.setReady(false)
		fb, ferr := c.fallback(name, err)
		switch {
		case ferr == nil:
			gen = fb
		case old != nil:
			// Keep serving the sound generation already open.
			c.setReady(true)
			c.log.Error("catalog generation is damaged and no older one loads; keeping the one being served", "err", ferr)
			return false, nil
		case c.opts.OpenDamaged:
			c.log.Error("catalog is damaged and no complete generation is left; serving nothing until an ingest rebuilds it", "err", ferr)
			empty, eerr := loadGeneration(c.dir, "")
			if eerr != nil {
				return false, eerr
			}
			c.swap(empty)
			return false, nil
		default:
			return false, fmt.Errorf("%w; run `pdpath ingest` to rebuild it", ferr)
		}
	}
	c.setReady(true)
	if old != nil && old.name == gen.name {
		gen.close()
		return false, nil
	}
	c.swap(gen)
	return old != nil, nil
}

// install makes a generation this process just wrote live without reading
// its records back from disk; reg holds the frameworks that st knows.
func (c *Catalog) install(name string, st *state, reg *frameworks.Registry) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	ix, err := index.OpenReadOnly(filepath.Join(c.dir, name, bleveDir))
	if err != nil {
		return fmt.Errorf("store: open new generation %s: %w", name, err)
	}
	c.swap(newGeneration(name, st, reg, ix))
	// A sound generation was just written: any damage is behind.
	c.healthMu.Lock()
	c.unready, c.corrupt, c.badGen = false, "", ""
	c.healthMu.Unlock()
	return nil
}

// swap replaces the live generation; callers hold refreshMu.
func (c *Catalog) swap(gen *generation) {
	old := c.cur.Swap(gen)
	if old != nil && old.ix != nil {
		// Searches already running on the old index finish first.
		time.AfterFunc(c.opts.CloseDelay, func() { old.ix.Close() })
	}
	if old != nil {
		c.log.Info("catalog refreshed", "version", gen.snap.Version, "credentials", len(gen.snap.Credentials))
	}
}

func loadGeneration(dir, name string) (*generation, error) {
	reg, err := frameworks.Bundled()
	if err != nil {
		return nil, fmt.Errorf("store: bundled frameworks: %w", err)
	}
	if name == "" {
		return newGeneration("", &state{Sources: map[string]*SourceInfo{}}, reg, nil), nil
	}
	genDir := filepath.Join(dir, name)
	ixDir := filepath.Join(genDir, bleveDir)
	// The index's files are checked and opened while the records are
	// decoded: a start waits for the longer of the two, not both.
	type opened struct {
		ix  *index.Index
		err error
	}
	ixc := make(chan opened, 1)
	go func() {
		if err := index.Verify(ixDir); err != nil {
			ixc <- opened{err: fmt.Errorf("%w: generation %s: %w", ErrCorrupt, name, err)}
			return
		}
		ix, err := index.OpenReadOnly(ixDir)
		if err != nil {
			err = fmt.Errorf("%w: generation %s: index %s does not open: %w", ErrCorrupt, name, ixDir, err)
		}
		ixc <- opened{ix, err}
	}()
	st, err := readState(genDir, true)
	o := <-ixc
	if err != nil {
		if o.ix != nil {
			o.ix.Close()
		}
		return nil, err
	}
	if o.err != nil {
		return nil, o.err
	}
	ix := o.ix
	for _, f := range st.Frameworks {
		reg.Add(*f)
	}
	if v, err := ix.Version(); err != nil || v != st.Version {
		ix.Close()
		return nil, fmt.Errorf("%w: generation %s: index holds version %d, records %d (%v)", ErrCorrupt, name, v, st.Version, err)
	}
	active := 0
	for _, cr := range st.Credentials {
		if cr.Active() {
			active++
		}
	}
	if n, err := ix.DocCount(); err != nil || n != uint64(active) {
		ix.Close()
		return nil, fmt.Errorf("%w: generation %s: index %s holds %d documents, records list %d active (%v)", ErrCorrupt, name, ixDir, n, active, err)
	}
	return newGeneration(name, st, reg, ix), nil
}

// close releases a generation that was loaded but never served.
func (g *generation) close() {
	if g.ix != nil {
		g.ix.Close()
	}
}

func newGeneration(name string, st *state, reg *frameworks.Registry, ix *index.Index) *generation {
	g := &generation{
		name:    name,
		reg:     reg,
		ix:      ix,
		sources: st.Sources,
		snap: &catalog.Snapshot{
			Version:     st.Version,
			Credentials: st.Credentials,
			Frameworks:  reg.Frameworks(),
		},
	}
	g.byID = g.snap.ByID()
	g.alias = altIDMap(st.Credentials, g.byID)
	if ix != nil {
		// Facets are counted from these records, not the index's doc values.
		byID := g.byID
		ix.UseRecords(func(id string) (*catalog.Credential, bool) { c, ok := byID[id]; return c, ok }, reg.Parent)
	}
	return g
}

// aliasMap maps each credential's id and alternative URIs to its id. An id
// always wins over another credential's alternative URI.
func aliasMap(creds []*catalog.Credential) map[string]string {
	m := make(map[string]string, len(creds)*2)
	for _, c := range creds {
		for _, alt := range c.AltIDs {
			if _, taken := m[alt]; !taken {
				m[alt] = c.ID
			}
		}
	}
	for _, c := range creds {
		m[c.ID] = c.ID
	}
	return m
}

// altIDMap is aliasMap without the ids themselves, which byID already
// holds: a large catalog's items rarely have alternative URIs, and a map
// entry per id would double what the ids cost.
func altIDMap(creds []*catalog.Credential, byID map[string]*catalog.Credential) map[string]string {
	m := map[string]string{}
	for _, c := range creds {
		for _, alt := range c.AltIDs {
			if _, isID := byID[alt]; isID {
				continue
			}
			if _, taken := m[alt]; !taken {
				m[alt] = c.ID
			}
		}
	}
	return m
}

// resolve maps an id or alternative URI to the credential id it names.
func (g *generation) resolve(idOrURI string) (string, bool) {
	if _, ok := g.byID[idOrURI]; ok {
		return idOrURI, true
	}
	id, ok := g.alias[idOrURI]
	return id, ok
}

// GenerationDir returns the folder of the generation holding catalog
// version, where files derived from it (Options.Derive) are kept; "" for
// the empty catalog.
func (c *Catalog) GenerationDir(version int64) string {
	if version <= 0 {
		return ""
	}
	return filepath.Join(c.dir, genName(version))
}

// Snapshot returns the live catalog version. It is shared: do not modify.
func (c *Catalog) Snapshot() *catalog.Snapshot { return c.cur.Load().snap }

// Version returns the live catalog version, 0 when empty.
func (c *Catalog) Version() int64 { return c.cur.Load().snap.Version }

// Frameworks returns the framework registry of the live generation: the
// bundled frameworks and those imported from feeds.
func (c *Catalog) Frameworks() *frameworks.Registry { return c.cur.Load().reg }

// Credential returns one credential, retired or not, by its id or by any
// URI a feed used for it.
func (c *Catalog) Credential(id string) (*catalog.Credential, bool) {
	g := c.cur.Load()
	if cred, ok := g.byID[id]; ok {
		return cred, true
	}
	canon, ok := g.alias[id]
	if !ok {
		return nil, false
	}
	cred, ok := g.byID[canon]
	return cred, ok
}

// Resolve maps an id or alternative URI to the credential id it names.
func (c *Catalog) Resolve(idOrURI string) (string, bool) {
	return c.cur.Load().resolve(idOrURI)
}

// Search runs a catalog search on the live generation.
func (c *Catalog) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	g := c.cur.Load()
	if g.ix == nil {
		return &index.Result{Hits: []index.Hit{}}, nil
	}
	return guarded(c, ctx, g, func(ix *index.Index) (*index.Result, error) { return ix.Search(ctx, req) })
}

// SearchPlain returns up to limit active credentials matching text, best
// first, as the catalog search ranks them (index.Request with Query only):
// every word of text, unlike SearchText.
func (c *Catalog) SearchPlain(ctx context.Context, text string, limit int) ([]catalog.Hit, error) {
	res, err := c.Search(ctx, index.Request{Query: text, Limit: limit})
	if err != nil {
		return nil, err
	}
	hits := make([]catalog.Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = catalog.Hit{ID: h.ID, Score: h.Score}
	}
	return hits, nil
}

// SearchText returns up to limit active credentials matching text, best
// first (BM25).
func (c *Catalog) SearchText(ctx context.Context, text string, limit int) ([]catalog.Hit, error) {
	g := c.cur.Load()
	if g.ix == nil {
		return nil, nil
	}
	return guarded(c, ctx, g, func(ix *index.Index) ([]catalog.Hit, error) { return ix.SearchText(ctx, text, limit) })
}

// ReleaseRecordPages hands the pages of the records files read so far
// back to the page cache: a loaded catalog's prose stays in its records
// file (mapped, not copied), and loading the catalog, deriving its model
// and showing items read it. A server calls it now and then; prose read
// later is mapped back in from the page cache.
func (c *Catalog) ReleaseRecordPages() { releaseRecordPages() }

// Close releases the live generation's index.
func (c *Catalog) Close() error {
	g := c.cur.Swap(nil)
	if g == nil || g.ix == nil {
		return nil
	}
	return g.ix.Close()
}

// ErrEmpty is returned by operations that need a catalog when none has been
// ingested yet.
var ErrEmpty = errors.New("store: the catalog is empty; run `pdpath ingest` first")
