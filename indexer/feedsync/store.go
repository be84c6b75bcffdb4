package feedsync

import (
	"context"
	"time"
)

// Store keeps feeds and their runs: the bbolt Registry of one server, or
// PostgresRegistry, shared by every server on one database. Syncer and
// Scheduler work on either.
type Store interface {
	Register(ctx context.Context, f Feed) (Feed, error)
	Get(ctx context.Context, owner, id string) (Feed, error)
	List(ctx context.Context, owner string) ([]Feed, error)
	All(ctx context.Context) ([]Feed, error)
	Delete(ctx context.Context, owner, id string) error
	// SetPaused pauses or resumes scheduled syncs of the owner's feed.
	SetPaused(ctx context.Context, owner, id string, paused bool) (Feed, error)
	// Owner names who owns feed id, for an administrator acting on it.
	Owner(ctx context.Context, id string) (string, error)
	Runs(ctx context.Context, owner, id string, limit int) ([]Run, error)
	Close() error

	// feed returns a feed whoever owns it, for syncs already authorised.
	feed(ctx context.Context, id string) (Feed, error)
	// recordRun stores a finished run and the validators it leaves.
	recordRun(run Run, v *validators) error
}

// leaser is a Store that servers sharing it coordinate syncs through: a
// lease on a feed lets one sync run at a time across every server.
type leaser interface {
	// acquire takes the lease on feed id for holder until ttl passes, and
	// reports whether it got it.
	acquire(ctx context.Context, id, holder string, ttl time.Duration) (bool, error)
	// release gives the lease back.
	release(ctx context.Context, id, holder string) error
	// latestRun returns the newest run of feed id.
	latestRun(ctx context.Context, id string) (Run, error)
}

var (
	_ Store  = (*Registry)(nil)
	_ Store  = (*PostgresRegistry)(nil)
	_ leaser = (*PostgresRegistry)(nil)
)
