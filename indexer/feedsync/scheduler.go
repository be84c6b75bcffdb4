package feedsync

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/pdpath/pdpath/indexer/poll"
)

// SchedulerConfig holds a Scheduler's parts. Registry and Syncer are
// required.
type SchedulerConfig struct {
	Registry Store
	Syncer   *Syncer
	// Interval is how often due feeds are looked for; 0 means 30 s.
	Interval time.Duration
	// Parallel caps syncs of different feeds running at once; 0 means 4.
	Parallel int
	// Ticks, when set, replaces the Interval ticker (for tests).
	Ticks <-chan time.Time
	// Now is the clock that decides what is due; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Scheduler syncs every feed whose interval (Feed.Every) has passed since
// its last run. A feed whose sync fails waits a full interval before the
// next attempt, so a broken issuer is not hammered.
type Scheduler struct {
	cfg SchedulerConfig
	log *slog.Logger
}

// NewScheduler returns a Scheduler built from cfg.
func NewScheduler(cfg SchedulerConfig) *Scheduler {
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Scheduler{cfg: cfg, log: cfg.Logger}
}

// Run checks for due feeds now and at every tick until ctx ends, then
// returns once the syncs it started have stopped. Each check waits for
// its syncs before the next begins, so the Scheduler never overlaps two
// syncs of one feed; syncs started through the API meanwhile are
// coalesced by the Syncer. A slow feed delays the next check by at most
// the fetch timeout.
func (s *Scheduler) Run(ctx context.Context) {
	s.log.InfoContext(ctx, "feed scheduler started", "interval", s.cfg.Interval)
	poll.Run(ctx, poll.Options{Interval: s.cfg.Interval, Immediate: true, Ticks: s.cfg.Ticks}, s.syncDue)
	s.log.InfoContext(ctx, "feed scheduler stopped")
}

// due reports whether f should be synced at now. A paused feed never is.
func due(f Feed, now time.Time) bool {
	return f.Every > 0 && !f.Paused && (f.LastRun.IsZero() || !now.Before(f.LastRun.Add(f.Every)))
}

// syncDue syncs every due feed, Parallel at a time, and waits for them.
func (s *Scheduler) syncDue(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	feeds, err := s.cfg.Registry.All(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "feed scheduler cannot list feeds", "err", err)
		return
	}
	now := s.cfg.Now()
	sem := make(chan struct{}, s.cfg.Parallel)
	var wg sync.WaitGroup
	for _, f := range feeds {
		if !due(f, now) {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			// The Syncer logs the outcome and tells the Observer;
			// a failed run is already recorded.
			s.cfg.Syncer.do(ctx, f.ID, nil)
		})
	}
	wg.Wait()
}
