package recommender

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/recommender/planner"
	"github.com/pdpath/pdpath/recommender/profile"
)

// Errors the engine returns; callers map them with errors.Is.
var (
	// ErrNotReady: no model has been built yet.
	ErrNotReady = derrors.New(derrors.Unavailable, "recommender: no model built yet")
	// ErrNotFound: the credential id is not in the catalog. Its message
	// reads before the id: fmt.Errorf("%w %q", ErrNotFound, id).
	ErrNotFound = derrors.New(derrors.NotFound, "no credential with id")
)

// Searcher is the full-text search the engine takes lexical candidates
// from: BM25 over the catalog's active credentials, best first. The
// catalog store implements it.
type Searcher interface {
	SearchText(ctx context.Context, text string, limit int) ([]catalog.Hit, error)
}

// Options configure an Engine. The zero value works: no search index (the
// model's own TF-IDF postings stand in), default weights, the bundled
// crosswalk, no earning histories.
type Options struct {
	Searcher Searcher
	// Weights zero means DefaultWeights.
	Weights *Weights
	Build   BuildOptions
	Logger  *slog.Logger
	// SwapLogLevel is the level of the "model swapped in" line: the zero
	// value, Info, for a server, where a new model is news; Debug for a
	// command that builds one model and exits.
	SwapLogLevel slog.Level
	// ModelDir names the folder that keeps the model of a catalog
	// version (the catalog generation's own folder), "" for none. A model
	// saved there is opened instead of built; one built is saved there.
	// Whoever saves models there (pdpath ingest) builds them with the
	// same Build options as this engine.
	ModelDir func(version int64) string
}

// features are the ranker's behaviours that `eval` can switch off one at a
// time (Rankers' "pdpath-no-…" rankers), so each one's gain is measured on
// the same judgments. Requests use them all.
type features struct {
	// stopwords drops domain filler from her goals (goalQueryText).
	stopwords bool
	// stage reads her career stage and steers induction items.
	stage bool
	// reach ranks items by how many steps away they are.
	reach bool
	// crosswalk scales crosswalk-only matches by Weights.Crosswalk.
	crosswalk bool
	// goalStandards matches her goals to framework codes.
	goalStandards bool
	// lexicon expands her goals with the profession's terms for the
	// everyday phrases the concept lexicon knows (package lexicon).
	lexicon bool
	// fit prefers items written for her grade bands and subjects (fit.go).
	fit bool
	// unwanted reads her goals as she means them: what she does not
	// want or already has is dropped (wantedGoals) and fractions in
	// digits are named (spellNotation).
	unwanted bool
}

var allFeatures = features{stopwords: true, stage: true, reach: true, crosswalk: true, goalStandards: true, lexicon: true, fit: true, unwanted: true}

// Engine serves recommendations from the current model and rebuilds it
// when the catalog changes. It is safe for concurrent use.
type Engine struct {
	opts    Options
	weights Weights
	feat    features
	log     *slog.Logger
	model   atomic.Pointer[Model]

	planners plannerCache

	// ctx is the context of background builds; Close cancels it and
	// waits for them (wg), so nothing the engine started outlives it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	building bool
	closed   bool
	pending  *catalog.Snapshot
	idle     *sync.Cond
	lastErr  error
}

// New returns an engine with no model; call Refresh or Rebuild with a
// snapshot before the first request, and Close (or Run) so that no build
// outlives its owner.
func New(opts Options) *Engine {
	e := &Engine{opts: opts, weights: DefaultWeights, log: opts.Logger, feat: allFeatures}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	if opts.Weights != nil {
		e.weights = *opts.Weights
	}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e.idle = sync.NewCond(&e.mu)
	return e
}

// Model returns the model requests currently use, or nil.
func (e *Engine) Model() *Model { return e.model.Load() }

// Frameworks returns what profile validation needs to know about the
// frameworks of the live catalog (profile.ParseAndValidate), or nil — skip
// framework checks — before the first model is built.
func (e *Engine) Frameworks() profile.Frameworks {
	if m := e.model.Load(); m != nil {
		return m
	}
	return nil
}

// Weights returns the blend's weights.
func (e *Engine) Weights() Weights { return e.weights }

// Rebuild builds a model from snap now and swaps it in, unless the current
// model is already at that version.
func (e *Engine) Rebuild(ctx context.Context, snap *catalog.Snapshot) error {
	if cur := e.model.Load(); cur != nil && snap != nil && cur.version == snap.Version {
		return nil
	}
	m, err := e.openOrBuild(ctx, snap)
	if err != nil {
		return err
	}
	e.swap(m)
	return nil
}

// openOrBuild opens the model saved for snap's version, or builds it and
// saves it for the next start.
func (e *Engine) openOrBuild(ctx context.Context, snap *catalog.Snapshot) (*Model, error) {
	dir := ""
	if e.opts.ModelDir != nil && snap != nil {
		dir = e.opts.ModelDir(snap.Version)
	}
	if dir == "" {
		return BuildModel(ctx, snap, e.opts.Build)
	}
	m, err := OpenModel(ctx, dir, snap, e.opts.Build)
	if err == nil {
		return m, nil
	}
	if !errors.Is(err, ErrNoModelFile) {
		e.log.Warn("saved recommender model unusable; building it again", "catalog_version", snap.Version, "err", err)
	}
	if m, err = BuildModel(ctx, snap, e.opts.Build); err != nil {
		return nil, err
	}
	if err := m.Save(dir); err != nil {
		e.log.Warn("recommender model not saved; the next start builds it again", "err", err)
	}
	return m, nil
}

// swap installs m unless a newer version is already live, so a slow build
// of an old snapshot never replaces a newer model.
func (e *Engine) swap(m *Model) {
	for {
		cur := e.model.Load()
		if cur != nil && cur.version > m.version {
			return
		}
		if e.model.CompareAndSwap(cur, m) {
			e.log.Log(context.Background(), e.opts.SwapLogLevel, "recommender model swapped in", "catalog_version", m.version,
				"credentials", m.stats.Credentials, "dims", m.stats.Dims, "build", m.stats.Duration)
			return
		}
	}
}

// Refresh schedules a rebuild from snap when its version differs from the
// live model's and returns at once. Builds run one at a time in a
// goroutine; snapshots arriving meanwhile collapse into the newest.
// Requests keep the old model until the new one is swapped in.
func (e *Engine) Refresh(snap *catalog.Snapshot) {
	if snap == nil {
		return
	}
	if cur := e.model.Load(); cur != nil && cur.version == snap.Version {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	if e.pending == nil || e.pending.Version <= snap.Version {
		e.pending = snap
	}
	if e.building {
		return
	}
	e.building = true
	e.wg.Add(1)
	go e.buildLoop()
}

func (e *Engine) buildLoop() {
	defer e.wg.Done()
	for {
		e.mu.Lock()
		snap := e.pending
		e.pending = nil
		if snap == nil {
			e.building = false
			e.idle.Broadcast()
			e.mu.Unlock()
			return
		}
		e.mu.Unlock()
		err := e.Rebuild(e.ctx, snap)
		e.mu.Lock()
		e.lastErr = err
		e.mu.Unlock()
		if err != nil && e.ctx.Err() == nil {
			e.log.Error("recommender model build failed; keeping the previous model",
				"catalog_version", snap.Version, "err", err)
		}
	}
}

// Wait blocks until no rebuild is running or scheduled, and returns the
// last build's error. Tests and commands that need the model now use it;
// request handlers never do.
func (e *Engine) Wait() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for e.building {
		e.idle.Wait()
	}
	return e.lastErr
}

// Run holds the engine open until ctx ends, then closes it: a server runs
// it for its lifetime so that a model build never outlives the server.
func (e *Engine) Run(ctx context.Context) {
	<-ctx.Done()
	e.Close()
}

// Close stops scheduling builds, cancels the one under way and waits for
// it to end. The live model stays readable. Close is idempotent.
func (e *Engine) Close() error {
	e.mu.Lock()
	e.closed = true
	e.pending = nil
	e.mu.Unlock()
	e.cancel()
	e.wg.Wait()
	return nil
}

// Planner returns the planner for snap, built once per catalog version and
// shared by every request on that version, and the version it is for.
func (e *Engine) Planner(snap *catalog.Snapshot) (*planner.Planner, int64) {
	return e.planners.get(snap)
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

func (e *Engine) current() (*Model, error) {
	m := e.model.Load()
	if m == nil {
		return nil, ErrNotReady
	}
	return m, nil
}
