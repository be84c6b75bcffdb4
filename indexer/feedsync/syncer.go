package feedsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/randid"
	"github.com/pdpath/pdpath/indexer/store"
)

// Catalog is what a sync writes to; *store.Catalog satisfies it.
type Catalog interface {
	// IngestInputs syncs documents into the catalog, each Input one
	// source: records a source published before and no longer does are
	// retired.
	IngestInputs(ctx context.Context, inputs []store.Input) (catalog.Report, error)
	// Version is the live catalog version, reported by runs that
	// ingested nothing.
	Version() int64
}

// Fetcher downloads a feed; *fetch.Client satisfies it.
type Fetcher interface {
	Get(ctx context.Context, rawURL string, cond fetch.Conditional) (*fetch.Response, error)
}

// Observer is told about every finished run, whoever started it: the hook
// for metrics. It must not block.
type Observer interface {
	ObserveRun(Run)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Run)

// ObserveRun calls f(r).
func (f ObserverFunc) ObserveRun(r Run) { f(r) }

// SyncerConfig holds a Syncer's parts. Registry and Catalog are required.
type SyncerConfig struct {
	Registry Store
	Catalog  Catalog
	// Fetcher nil means fetch.New(fetch.Policy{}): feeds on loopback,
	// private and link-local addresses are refused, as a server
	// reachable by outside callers must.
	Fetcher  Fetcher
	Observer Observer
	Logger   *slog.Logger
	// Now is the clock for run times; nil means time.Now.
	Now func() time.Time
}

// Syncer runs feed syncs. At most one sync of a feed runs at a time: a
// Sync that finds a fetch of the same feed under way waits for it and
// returns its result (the feed was just read; reading it again would
// find nothing new), while an upload (SyncData) waits for the run under
// way to end and then runs its own, since its data is its own.
type Syncer struct {
	reg Store
	// holder names this syncer in leases on feeds shared with other
	// servers.
	holder  string
	cat     Catalog
	fetcher Fetcher
	obs     Observer
	log     *slog.Logger
	now     func() time.Time

	mu       sync.Mutex
	inflight map[string]*flight
}

// flight is one run under way.
type flight struct {
	done chan struct{}
	// fetched is set for runs that fetch the feed URL, which a
	// concurrent Sync may share.
	fetched bool
	// waiters counts callers waiting on this run (read by tests to know
	// a second caller has joined).
	waiters int
	run     Run
	err     error
}

// NewSyncer returns a Syncer built from cfg.
func NewSyncer(cfg SyncerConfig) *Syncer {
	if cfg.Fetcher == nil {
		cfg.Fetcher = fetch.New(fetch.Policy{})
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Syncer{reg: cfg.Registry, cat: cfg.Catalog, fetcher: cfg.Fetcher, obs: cfg.Observer,
		log: cfg.Logger, now: cfg.Now, inflight: map[string]*flight{}, holder: randid.New("syncer_", 8)}
}

// Sync fetches the owner's feed id — conditionally, with the validators of
// the last ingested response — and ingests it. The run is recorded and
// returned. A failed run is returned with an error wrapping its cause
// (test it with errors.Is, e.g. fetch.ErrBlockedAddress); an unknown feed
// is ErrNotFound and records nothing.
func (s *Syncer) Sync(ctx context.Context, owner, id string) (Run, error) {
	if _, err := s.reg.Get(ctx, owner, id); err != nil {
		return Run{}, err
	}
	return s.do(ctx, id, nil)
}

// SyncData ingests data pushed for the owner's feed id in place of
// fetching it: the feed's records become exactly those in data. It clears
// the feed's validators, so the next fetch reads the URL in full rather
// than trusting a 304 for content the upload replaced.
func (s *Syncer) SyncData(ctx context.Context, owner, id string, data []byte) (Run, error) {
	if len(data) == 0 {
		return Run{}, fmt.Errorf("%w: empty upload for feed %s", ErrInvalid, id)
	}
	if _, err := s.reg.Get(ctx, owner, id); err != nil {
		return Run{}, err
	}
	return s.do(ctx, id, data)
}

// Remove deletes the owner's feed id and its runs, and retires the items
// only it published: the feed's source leaves the catalog. It waits for a
// sync of the feed under way to end first.
func (s *Syncer) Remove(ctx context.Context, owner, id string) (catalog.Report, error) {
	fd, err := s.reg.Get(ctx, owner, id)
	if err != nil {
		return catalog.Report{}, err
	}
	for {
		s.mu.Lock()
		f := s.inflight[id]
		if f == nil {
			// Hold the feed like a run, so no sync starts meanwhile.
			f = &flight{done: make(chan struct{})}
			s.inflight[id] = f
			s.mu.Unlock()
			defer func() {
				s.mu.Lock()
				delete(s.inflight, id)
				s.mu.Unlock()
				close(f.done)
			}()
			break
		}
		s.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return catalog.Report{}, fmt.Errorf("feedsync: waiting for the sync of feed %s under way: %w", id, ctx.Err())
		}
	}
	// The catalog first: if it fails, the feed is still there to retry.
	rep, err := s.cat.IngestInputs(ctx, []store.Input{{Source: fd.URL, Owner: fd.Owner, Drop: true, AdoptUnowned: fd.legacySource}})
	if err != nil {
		return rep, fmt.Errorf("feedsync: retire the items of feed %s: %w", id, err)
	}
	if err := s.reg.Delete(ctx, owner, id); err != nil {
		return rep, err
	}
	s.log.InfoContext(ctx, "feed deleted", "feed", id, "url", fd.URL, "retired", rep.Retired, "catalog_version", rep.CatalogVersion)
	return rep, nil
}

// do runs one sync of feed id, or joins a fetch already under way. push is
// nil for a fetch.
func (s *Syncer) do(ctx context.Context, id string, push []byte) (Run, error) {
	for {
		s.mu.Lock()
		f := s.inflight[id]
		if f == nil {
			f = &flight{done: make(chan struct{}), fetched: push == nil}
			s.inflight[id] = f
			s.mu.Unlock()
			s.lead(ctx, id, push, f)
			return f.run, f.err
		}
		f.waiters++
		s.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return Run{}, fmt.Errorf("feedsync: waiting for the sync of feed %s under way: %w", id, ctx.Err())
		}
		if push == nil && f.fetched {
			return f.run, f.err
		}
		// An upload never shares another run; try to start again.
	}
}

// lead performs the run of flight f and releases the feed even if the run
// panics.
func (s *Syncer) lead(ctx context.Context, id string, push []byte, f *flight) {
	defer func() {
		s.mu.Lock()
		delete(s.inflight, id)
		s.mu.Unlock()
		close(f.done)
	}()
	f.run, f.err = s.coordinated(ctx, id, push)
}

// leaseTTL bounds how long a server that died mid-sync keeps others from
// syncing its feed: longer than a fetch (60 s) and an ingest.
const leaseTTL = 5 * time.Minute

// coordinated runs one sync of feed id under the store's lease when the
// store is shared between servers: one server fetches while the others
// wait, and a fetch that waited for another server's returns that
// server's run instead of fetching again. An upload waits its turn and
// then runs its own.
func (s *Syncer) coordinated(ctx context.Context, id string, push []byte) (Run, error) {
	l, ok := s.reg.(leaser)
	if !ok {
		return s.run(ctx, id, push)
	}
	asked := s.now().UTC()
	waited := false
	for {
		got, err := l.acquire(ctx, id, s.holder, leaseTTL)
		if err != nil {
			return Run{}, err
		}
		if got {
			defer func() {
				if err := l.release(context.WithoutCancel(ctx), id, s.holder); err != nil {
					s.log.WarnContext(ctx, "feed lease not released; it expires by itself", "feed", id, "err", err)
				}
			}()
			if push == nil && !waited {
				// Another server may have run it between this
				// server's decision to sync and the lease (a
				// scheduler that listed the feed as due).
				if fd, err := s.reg.feed(ctx, id); err == nil && fd.LastRun.After(asked) {
					waited = true
				}
			}
			if waited && push == nil {
				return s.shared(ctx, l, id)
			}
			return s.run(ctx, id, push)
		}
		waited = true
		select {
		case <-ctx.Done():
			return Run{}, fmt.Errorf("feedsync: waiting for another server's sync of feed %s: %w", id, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// unreadable is the failure of a sync whose document could not be read at
// all: the ingest rejected the whole file (a rejection naming no record),
// so nothing of it reached the catalog. Its items are kept (a source with
// rejections retires nothing), but the run is not a success. A pushed
// document is the caller's mistake; a fetched one the publisher's.
func unreadable(rep catalog.Report, pushed bool) error {
	for _, r := range rep.Rejected {
		if r.Record != "" {
			continue
		}
		kind, whose := derrors.Upstream, "the fetched feed"
		if pushed {
			kind, whose = derrors.Invalid, "the pushed document"
		}
		return derrors.Wrap(kind, fmt.Errorf("%s is unreadable, nothing of it was imported: %s", whose, r.Error))
	}
	return nil
}

// shared returns the run another server just finished for feed id, as this
// sync's own result.
func (s *Syncer) shared(ctx context.Context, l leaser, id string) (Run, error) {
	run, err := l.latestRun(ctx, id)
	if err != nil {
		return Run{}, err
	}
	if run.Status == StatusFailed {
		return run, fmt.Errorf("feedsync: sync feed %s (run %s recorded): %w", id, run.ID,
			derrors.Wrap(derrors.Upstream, errors.New(run.Error)))
	}
	return run, nil
}

func (s *Syncer) run(ctx context.Context, id string, push []byte) (Run, error) {
	// Re-read the feed: validators may have moved since the caller's Get.
	fd, err := s.reg.feed(ctx, id)
	if err != nil {
		return Run{}, err
	}
	runID, err := newID()
	if err != nil {
		return Run{}, err
	}
	run := Run{ID: runID, FeedID: id, Started: s.now().UTC()}
	// The feed's owner and URL name these records' source in the
	// catalog: that is what lets a later sync of this feed retire what
	// it dropped, and what keeps another owner's feed, even one at the
	// same URL, from changing or retiring them.
	input := func(data []byte) []store.Input {
		return []store.Input{{Source: fd.URL, Owner: fd.Owner, Data: data, AdoptUnowned: fd.legacySource}}
	}

	var cause error
	var v *validators
	if push != nil {
		run.Report, cause = s.cat.IngestInputs(ctx, input(push))
		v = &validators{}
	} else {
		resp, err := s.fetcher.Get(ctx, fd.URL, fetch.Conditional{ETag: fd.ETag, LastModified: fd.LastModified})
		switch {
		case err != nil:
			cause = err
		case resp.NotModified:
			run.Status = StatusNotModified
			// A 304 may carry fresh validators; keep the old ones
			// where it does not.
			v = &validators{etag: fd.ETag, lastModified: fd.LastModified}
			if resp.ETag != "" {
				v.etag = resp.ETag
			}
			if resp.LastModified != "" {
				v.lastModified = resp.LastModified
			}
		default:
			run.Report, cause = s.cat.IngestInputs(ctx, input(resp.Data))
			v = &validators{etag: resp.ETag, lastModified: resp.LastModified}
		}
	}
	if cause == nil {
		cause = unreadable(run.Report, push != nil)
	}
	switch {
	case cause != nil:
		run.Status, run.Error = StatusFailed, cause.Error()
		// Keep the old validators: the catalog does not hold this
		// response, so the next fetch must not be answered 304.
		v = nil
	case run.Status == "":
		run.Status = StatusOK
	}
	if run.Report.Rejected == nil {
		run.Report.Rejected = []catalog.Rejection{}
	}
	if run.Status != StatusOK && run.Report.CatalogVersion == 0 {
		run.Report.CatalogVersion = s.cat.Version()
	}
	run.Finished = s.now().UTC()

	if err := s.reg.recordRun(run, v); err != nil {
		return run, err
	}
	if s.obs != nil {
		s.obs.ObserveRun(run)
	}
	attrs := []any{"feed", id, "url", fd.URL, "status", run.Status, "took", run.Finished.Sub(run.Started),
		"added", run.Report.Added, "updated", run.Report.Updated, "retired", run.Report.Retired,
		"rejected", len(run.Report.Rejected), "catalog_version", run.Report.CatalogVersion}
	if cause != nil {
		s.log.WarnContext(ctx, "feed sync failed", append(attrs, "err", cause)...)
		return run, fmt.Errorf("feedsync: sync feed %s (run %s recorded): %w", id, run.ID, cause)
	}
	s.log.InfoContext(ctx, "feed synced", attrs...)
	return run, nil
}
