package feedsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/pgdb"
)

var migrations = []pgdb.Migration{{Version: 1, SQL: `
CREATE TABLE IF NOT EXISTS feeds (
	id            text PRIMARY KEY,
	owner         text NOT NULL,
	url           text NOT NULL,
	format        text NOT NULL DEFAULT '',
	every_ns      bigint NOT NULL DEFAULT 0,
	etag          text NOT NULL DEFAULT '',
	last_modified text NOT NULL DEFAULT '',
	created       timestamptz NOT NULL,
	last_run      timestamptz,
	UNIQUE (owner, url)
);
CREATE TABLE IF NOT EXISTS feed_runs (
	seq      bigserial PRIMARY KEY,
	feed_id  text NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
	id       text NOT NULL,
	started  timestamptz NOT NULL,
	finished timestamptz NOT NULL,
	status   text NOT NULL,
	error    text NOT NULL DEFAULT '',
	report   jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS feed_runs_feed ON feed_runs (feed_id, seq DESC);
CREATE TABLE IF NOT EXISTS feed_leases (
	feed_id text PRIMARY KEY,
	holder  text NOT NULL,
	until   timestamptz NOT NULL
);
`}, {Version: 2, SQL: `
ALTER TABLE feeds ADD COLUMN IF NOT EXISTS paused boolean NOT NULL DEFAULT false;
`}}

// PostgresRegistry keeps feeds, their runs and sync leases in PostgreSQL,
// shared by every server on the database.
type PostgresRegistry struct {
	pool     *pgxpool.Pool
	now      func() time.Time
	maxFeeds int
}

// OpenPostgresRegistry connects to dsn and brings the feed tables up to
// date.
func OpenPostgresRegistry(ctx context.Context, dsn string, opts RegistryOptions) (*PostgresRegistry, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxFeedsPerOwner <= 0 {
		opts.MaxFeedsPerOwner = DefaultMaxFeedsPerOwner
	}
	pool, err := pgdb.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("feedsync: %w", err)
	}
	if err := pgdb.Migrate(ctx, pool, "feeds", migrations); err != nil {
		pool.Close()
		return nil, fmt.Errorf("feedsync: %w", err)
	}
	return &PostgresRegistry{pool: pool, now: opts.Now, maxFeeds: opts.MaxFeedsPerOwner}, nil
}

// OpenStore returns the feed store named by dsn: "" the bbolt file in dir,
// postgres://… PostgreSQL.
func OpenStore(ctx context.Context, dsn, dir string, opts RegistryOptions) (Store, error) {
	if dsn == "" {
		return OpenRegistry(dir, opts)
	}
	return OpenPostgresRegistry(ctx, dsn, opts)
}

// Close implements Store.
func (r *PostgresRegistry) Close() error {
	r.pool.Close()
	return nil
}

const feedColumns = `id, owner, url, format, every_ns, etag, last_modified, created, last_run, paused`

func scanFeed(row pgx.Row) (Feed, error) {
	var f Feed
	var every int64
	var lastRun *time.Time
	if err := row.Scan(&f.ID, &f.Owner, &f.URL, &f.Format, &every, &f.ETag, &f.LastModified, &f.Created, &lastRun, &f.Paused); err != nil {
		return Feed{}, err
	}
	f.Every, f.Created = time.Duration(every), f.Created.UTC()
	if lastRun != nil {
		f.LastRun = lastRun.UTC()
	}
	return f, nil
}

// Register implements Store.
func (r *PostgresRegistry) Register(ctx context.Context, f Feed) (Feed, error) {
	if err := checkFeed(f); err != nil {
		return Feed{}, err
	}
	id, err := newID()
	if err != nil {
		return Feed{}, err
	}
	out := Feed{ID: id, Owner: f.Owner, URL: f.URL, Format: f.Format, Every: f.Every, Created: r.now().UTC().Truncate(time.Microsecond)}
	// One transaction holding a lock per owner: two servers registering
	// for the same key at once cannot both pass the quota count.
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, pgdb.Classify(err))
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('pdpath-feeds:' || $1))`, f.Owner); err != nil {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, pgdb.Classify(err))
	}
	var owned int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM feeds WHERE owner = $1`, f.Owner).Scan(&owned); err != nil {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, pgdb.Classify(err))
	}
	var have string
	switch err := tx.QueryRow(ctx, `SELECT id FROM feeds WHERE owner = $1 AND url = $2`, f.Owner, f.URL).Scan(&have); {
	case err == nil:
		return Feed{}, fmt.Errorf("feedsync: register %s: %w: %s is feed %s", f.URL, ErrConflict, f.URL, have)
	case !errors.Is(err, pgx.ErrNoRows):
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, pgdb.Classify(err))
	}
	if owned >= r.maxFeeds {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w: this key has %d feeds, the most it may register; delete one first", f.URL, ErrQuota, owned)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO feeds (id, owner, url, format, every_ns, created) VALUES ($1, $2, $3, $4, $5, $6)`,
		out.ID, out.Owner, out.URL, out.Format, int64(out.Every), out.Created); err != nil {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, pgdb.Classify(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, pgdb.Classify(err))
	}
	return out, nil
}

// Get implements Store.
func (r *PostgresRegistry) Get(ctx context.Context, owner, id string) (Feed, error) {
	f, err := r.feed(ctx, id)
	if err == nil && f.Owner != owner {
		err = fmt.Errorf("feedsync: feed %q: %w", id, ErrNotFound)
	}
	return f, err
}

func (r *PostgresRegistry) feed(ctx context.Context, id string) (Feed, error) {
	if !pgdb.Storable(id) {
		return Feed{}, fmt.Errorf("feedsync: feed %q: %w", id, ErrNotFound)
	}
	f, err := scanFeed(r.pool.QueryRow(ctx, `SELECT `+feedColumns+` FROM feeds WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Feed{}, fmt.Errorf("feedsync: feed %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Feed{}, fmt.Errorf("feedsync: feed %q: %w", id, pgdb.Classify(err))
	}
	return f, nil
}

func (r *PostgresRegistry) list(ctx context.Context, where string, args ...any) ([]Feed, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds `+where+` ORDER BY created, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("feedsync: list feeds: %w", pgdb.Classify(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Feed, error) { return scanFeed(row) })
	if err != nil {
		return nil, fmt.Errorf("feedsync: list feeds: %w", pgdb.Classify(err))
	}
	if out == nil {
		out = []Feed{}
	}
	return out, nil
}

// List implements Store.
func (r *PostgresRegistry) List(ctx context.Context, owner string) ([]Feed, error) {
	return r.list(ctx, `WHERE owner = $1`, owner)
}

// All implements Store.
func (r *PostgresRegistry) All(ctx context.Context) ([]Feed, error) { return r.list(ctx, "") }

// Delete implements Store.
func (r *PostgresRegistry) Delete(ctx context.Context, owner, id string) error {
	if !pgdb.Storable(id) {
		return fmt.Errorf("feedsync: delete feed %q: %w", id, ErrNotFound)
	}
	tag, err := r.pool.Exec(ctx, `DELETE FROM feeds WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return fmt.Errorf("feedsync: delete feed %q: %w", id, pgdb.Classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("feedsync: delete feed %q: %w", id, ErrNotFound)
	}
	return nil
}

// SetPaused implements Store.
func (r *PostgresRegistry) SetPaused(ctx context.Context, owner, id string, paused bool) (Feed, error) {
	if !pgdb.Storable(id) {
		return Feed{}, fmt.Errorf("feedsync: pause feed %q: %w", id, ErrNotFound)
	}
	f, err := scanFeed(r.pool.QueryRow(ctx, `UPDATE feeds SET paused = $3 WHERE id = $1 AND owner = $2 RETURNING `+feedColumns, id, owner, paused))
	if errors.Is(err, pgx.ErrNoRows) {
		return Feed{}, fmt.Errorf("feedsync: pause feed %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Feed{}, fmt.Errorf("feedsync: pause feed %q: %w", id, pgdb.Classify(err))
	}
	return f, nil
}

// Owner implements Store.
func (r *PostgresRegistry) Owner(ctx context.Context, id string) (string, error) {
	f, err := r.feed(ctx, id)
	if err != nil {
		return "", err
	}
	return f.Owner, nil
}

// Runs implements Store.
func (r *PostgresRegistry) Runs(ctx context.Context, owner, id string, limit int) ([]Run, error) {
	if _, err := r.Get(ctx, owner, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxRuns {
		limit = MaxRuns
	}
	rows, err := r.pool.Query(ctx, `SELECT id, started, finished, status, error, report FROM feed_runs
		WHERE feed_id = $1 ORDER BY seq DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("feedsync: runs of %q: %w", id, pgdb.Classify(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) {
		run := Run{FeedID: id}
		var report []byte
		if err := row.Scan(&run.ID, &run.Started, &run.Finished, &run.Status, &run.Error, &report); err != nil {
			return run, err
		}
		run.Started, run.Finished = run.Started.UTC(), run.Finished.UTC()
		return run, json.Unmarshal(report, &run.Report)
	})
	if err != nil {
		return nil, fmt.Errorf("feedsync: runs of %q: %w", id, pgdb.Classify(err))
	}
	if out == nil {
		out = []Run{}
	}
	return out, nil
}

// recordRun implements Store: the run, the feed's LastRun and validators
// and the trimming to MaxRuns are one transaction.
func (r *PostgresRegistry) recordRun(run Run, v *validators) error {
	stored := run.Report
	if len(stored.Rejected) > MaxStoredRejections {
		stored.Rejected = stored.Rejected[:MaxStoredRejections]
	}
	if stored.Rejected == nil {
		stored.Rejected = []catalog.Rejection{}
	}
	report, err := json.Marshal(stored)
	if err != nil {
		return fmt.Errorf("feedsync: encode run of %s: %w", run.FeedID, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE feeds SET last_run = $2,
			etag = CASE WHEN $3 THEN $4 ELSE etag END, last_modified = CASE WHEN $3 THEN $5 ELSE last_modified END
			WHERE id = $1`, run.FeedID, run.Started, v != nil, validatorETag(v), validatorLastModified(v))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound // deleted while it ran
		}
		if _, err := tx.Exec(ctx, `INSERT INTO feed_runs (feed_id, id, started, finished, status, error, report)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, run.FeedID, run.ID, run.Started, run.Finished, run.Status, run.Error, report); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM feed_runs WHERE feed_id = $1 AND seq NOT IN
			(SELECT seq FROM feed_runs WHERE feed_id = $1 ORDER BY seq DESC LIMIT $2)`, run.FeedID, MaxRuns)
		return err
	})
	if err != nil {
		return fmt.Errorf("feedsync: record run of %s: %w", run.FeedID, pgdb.Classify(err))
	}
	return nil
}

func validatorETag(v *validators) string {
	if v == nil {
		return ""
	}
	return v.etag
}

func validatorLastModified(v *validators) string {
	if v == nil {
		return ""
	}
	return v.lastModified
}

// acquire implements leaser: one row per feed, taken when absent or
// expired.
func (r *PostgresRegistry) acquire(ctx context.Context, id, holder string, ttl time.Duration) (bool, error) {
	var got string
	err := r.pool.QueryRow(ctx, `INSERT INTO feed_leases (feed_id, holder, until) VALUES ($1, $2, now() + make_interval(secs => $3))
		ON CONFLICT (feed_id) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
		WHERE feed_leases.until < now() RETURNING holder`, id, holder, ttl.Seconds()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("feedsync: lease feed %s: %w", id, pgdb.Classify(err))
	}
	return got == holder, nil
}

// release implements leaser.
func (r *PostgresRegistry) release(ctx context.Context, id, holder string) error {
	if _, err := r.pool.Exec(ctx, `DELETE FROM feed_leases WHERE feed_id = $1 AND holder = $2`, id, holder); err != nil {
		return fmt.Errorf("feedsync: release lease of feed %s: %w", id, pgdb.Classify(err))
	}
	return nil
}

// latestRun implements leaser.
func (r *PostgresRegistry) latestRun(ctx context.Context, id string) (Run, error) {
	f, err := r.feed(ctx, id)
	if err != nil {
		return Run{}, err
	}
	runs, err := r.Runs(ctx, f.Owner, id, 1)
	if err != nil {
		return Run{}, err
	}
	if len(runs) == 0 {
		return Run{}, fmt.Errorf("feedsync: feed %s has no run", id)
	}
	return runs[0], nil
}
