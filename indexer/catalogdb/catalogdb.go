// Package catalogdb keeps the catalog of record in PostgreSQL for servers
// that share one database (`--store postgres://…`), and keeps each
// server's own catalog (package store: Bleve index and state under
// --index) following it.
//
// The record is the ordered log of what was ingested: every ingest or feed
// sync appends one batch (its sources' documents, as read) and announces
// it with NOTIFY. A server's local catalog is a cache of that log: a
// Follower applies the batches it has not applied yet, in order, through
// the same ingest the embedded catalog uses — so every replica computes the
// same catalog versions — and remembers the last one applied in the index
// directory. An empty index directory is rebuilt from the log. Requests
// keep reading the live generation while a batch is applied, so a server
// never needs a restart to see another's ingest.
package catalogdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/fsutil"
	"github.com/pdpath/pdpath/indexer/pgdb"
	"github.com/pdpath/pdpath/indexer/poll"
	"github.com/pdpath/pdpath/indexer/store"
)

// channel is the NOTIFY channel new batches are announced on.
const channel = "pdpath_catalog"

var migrations = []pgdb.Migration{{Version: 1, SQL: `
CREATE TABLE IF NOT EXISTS catalog_batches (
	id      bigserial PRIMARY KEY,
	created timestamptz NOT NULL DEFAULT now(),
	origin  text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS catalog_inputs (
	batch_id bigint NOT NULL REFERENCES catalog_batches (id) ON DELETE CASCADE,
	seq      integer NOT NULL,
	source   text NOT NULL,
	data     bytea NOT NULL,
	PRIMARY KEY (batch_id, seq)
);
CREATE INDEX IF NOT EXISTS catalog_inputs_source ON catalog_inputs (source);
`}, {Version: 2, SQL: `
-- Who publishes through each input, and whether it removes its source:
-- the ownership rules of the merge need them on every replica.
ALTER TABLE catalog_inputs ADD COLUMN IF NOT EXISTS owner text NOT NULL DEFAULT '';
ALTER TABLE catalog_inputs ADD COLUMN IF NOT EXISTS drop_source boolean NOT NULL DEFAULT false;
ALTER TABLE catalog_inputs ADD COLUMN IF NOT EXISTS adopt_unowned boolean NOT NULL DEFAULT false;
`}}

// Log is the catalog of record in PostgreSQL.
type Log struct {
	pool *pgxpool.Pool
	dsn  string
}

// Open connects to dsn and brings the catalog tables up to date.
func Open(ctx context.Context, dsn string) (*Log, error) {
	pool, err := pgdb.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("catalogdb: %w", err)
	}
	if err := pgdb.Migrate(ctx, pool, "catalog", migrations); err != nil {
		pool.Close()
		return nil, fmt.Errorf("catalogdb: %w", err)
	}
	return &Log{pool: pool, dsn: dsn}, nil
}

// Close closes the connection pool.
func (l *Log) Close() { l.pool.Close() }

// Append records one batch of inputs (their Source already a
// store.SourceKey) and announces it. origin says who wrote it, for
// operators reading the table.
func (l *Log) Append(ctx context.Context, origin string, inputs []store.Input) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		// Appends take turns, so batch ids commit in their order: a
		// follower that has read batch n never sees a batch below n
		// appear later.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('pdpath.catalog_append'))`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO catalog_batches (origin) VALUES ($1) RETURNING id`, origin).Scan(&id); err != nil {
			return err
		}
		rows := make([][]any, len(inputs))
		for i, in := range inputs {
			data := in.Data
			if data == nil {
				data = []byte{}
			}
			rows[i] = []any{id, i, store.SourceKey(in.Source), data, in.Owner, in.Drop, in.AdoptUnowned}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"catalog_inputs"}, []string{"batch_id", "seq", "source", "data", "owner", "drop_source", "adopt_unowned"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, strconv.FormatInt(id, 10))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("catalogdb: append batch: %w", pgdb.Classify(err))
	}
	return id, nil
}

// Latest returns the id of the newest batch, 0 when there is none.
func (l *Log) Latest(ctx context.Context) (int64, error) {
	var id int64
	if err := l.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM catalog_batches`).Scan(&id); err != nil {
		return 0, fmt.Errorf("catalogdb: latest batch: %w", pgdb.Classify(err))
	}
	return id, nil
}

// batch reads the first batch after id, or ok false when there is none.
func (l *Log) next(ctx context.Context, after int64) (id int64, inputs []store.Input, ok bool, err error) {
	err = l.pool.QueryRow(ctx, `SELECT id FROM catalog_batches WHERE id > $1 ORDER BY id LIMIT 1`, after).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("catalogdb: read batches: %w", pgdb.Classify(err))
	}
	rows, err := l.pool.Query(ctx, `SELECT source, data, owner, drop_source, adopt_unowned FROM catalog_inputs WHERE batch_id = $1 ORDER BY seq`, id)
	if err != nil {
		return 0, nil, false, fmt.Errorf("catalogdb: read batch %d: %w", id, pgdb.Classify(err))
	}
	inputs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Input, error) {
		var in store.Input
		err := r.Scan(&in.Source, &in.Data, &in.Owner, &in.Drop, &in.AdoptUnowned)
		return in, err
	})
	if err != nil {
		return 0, nil, false, fmt.Errorf("catalogdb: read batch %d: %w", id, pgdb.Classify(err))
	}
	return id, inputs, true, nil
}

// Ping checks that the database answers.
func (l *Log) Ping(ctx context.Context) error {
	if err := l.pool.Ping(ctx); err != nil {
		return fmt.Errorf("catalogdb: %w", pgdb.Classify(err))
	}
	return nil
}

// markerFile records, in the index directory, which store the local
// catalog follows and the last batch applied.
const markerFile = "store-applied.json"

type marker struct {
	Store string `json:"store"`
	Batch int64  `json:"batch"`
}

// Follower keeps one local catalog at the log's newest batch.
type Follower struct {
	log *Log
	cat *store.Catalog
	dir string
	// store names the database in the marker (the DSN without its
	// password), so an index directory moved to another store is
	// rebuilt rather than mixed.
	store  string
	logger *slog.Logger

	mu sync.Mutex // one CatchUp at a time in this process
	// recent keeps the reports of the batches this process applied last,
	// so a writer learns what its batch changed even when Run applied it.
	recent map[int64]catalog.Report
}

// keepReports bounds Follower.recent.
const keepReports = 64

// NewFollower returns a follower applying l's batches to cat, whose index
// directory is dir. Use CatalogDir for dir's choice.
func NewFollower(l *Log, cat *store.Catalog, dir string, logger *slog.Logger) *Follower {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Follower{log: l, cat: cat, dir: dir, store: pgdb.Redact(l.dsn), logger: logger}
}

// CatalogDir is where a server keeps its cache of the catalog of record
// named by dsn inside its index directory: a folder of its own per store,
// so a directory used before without a store (or with another) is never
// mixed into it.
func CatalogDir(index, dsn string) string {
	return filepath.Join(index, "replica-"+pgdb.Fingerprint(dsn))
}

func (f *Follower) readMarker() (marker, error) {
	data, err := os.ReadFile(filepath.Join(f.dir, markerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return marker{Store: f.store}, nil
	}
	if err != nil {
		return marker{}, fmt.Errorf("catalogdb: read %s: %w", markerFile, err)
	}
	var m marker
	if err := json.Unmarshal(data, &m); err != nil {
		return marker{}, fmt.Errorf("catalogdb: %s in %s: %w", markerFile, f.dir, err)
	}
	return m, nil
}

func (f *Follower) writeMarker(m marker) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return fsutil.WriteAtomic(filepath.Join(f.dir, markerFile), 0o644, func(file *os.File) error {
		_, err := file.Write(data)
		return err
	})
}

// CatchUp applies every batch after the last one applied, in order, and
// returns the report of each by batch id. Other processes sharing the
// index directory are kept out by a file lock for the whole catch-up.
func (f *Follower) CatchUp(ctx context.Context) (map[int64]catalog.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	unlock, err := fsutil.Lock(ctx, filepath.Join(f.dir, "follow.lock"), 50*time.Millisecond, "another process following the store")
	if err != nil {
		return nil, fmt.Errorf("catalogdb: %w", err)
	}
	defer unlock()
	m, err := f.readMarker()
	if err != nil {
		return nil, err
	}
	if m.Store != f.store {
		return nil, fmt.Errorf("catalogdb: %s follows another store (%s); remove it to rebuild", f.dir, m.Store)
	}
	reports := map[int64]catalog.Report{}
	for {
		id, inputs, ok, err := f.log.next(ctx, m.Batch)
		if err != nil || !ok {
			return reports, err
		}
		rep, err := f.cat.IngestInputs(ctx, inputs)
		if err != nil {
			return reports, fmt.Errorf("catalogdb: apply batch %d: %w", id, err)
		}
		m.Batch = id
		if err := f.writeMarker(m); err != nil {
			return reports, fmt.Errorf("catalogdb: %w", err)
		}
		reports[id] = rep
		if f.recent == nil {
			f.recent = map[int64]catalog.Report{}
		}
		f.recent[id] = rep
		delete(f.recent, id-keepReports)
		f.logger.Info("catalog batch applied", "batch", id, "catalog_version", rep.CatalogVersion,
			"added", rep.Added, "updated", rep.Updated, "retired", rep.Retired)
	}
}

// Run follows the log until ctx ends: it listens for new batches on a
// connection of its own and also looks every poll (2 s when 0), so a lost
// notification or a dropped connection delays a batch by one poll at
// most. onApplied, when set, runs after batches were applied.
func (f *Follower) Run(ctx context.Context, every time.Duration, onApplied func()) {
	if every <= 0 {
		every = 2 * time.Second
	}
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.listen(ctx, wake)
	}()
	defer wg.Wait()
	poll.Run(ctx, poll.Options{Interval: every, Immediate: true, Trigger: wake}, func(ctx context.Context) {
		reps, err := f.CatchUp(ctx)
		if err != nil && ctx.Err() == nil {
			f.logger.Warn("following the catalog of record failed; serving the version applied", "err", err)
		}
		if len(reps) > 0 && onApplied != nil {
			onApplied()
		}
	})
}

// listen wakes Run on every NOTIFY, reconnecting after failures.
func (f *Follower) listen(ctx context.Context, wake chan<- struct{}) {
	for ctx.Err() == nil {
		err := func() error {
			conn, err := f.log.pool.Acquire(ctx)
			if err != nil {
				return err
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
				return err
			}
			for {
				if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
					// The connection's state is unknown after an
					// interrupted wait: do not return it to the pool.
					conn.Conn().Close(context.Background())
					return err
				}
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}()
		if ctx.Err() != nil {
			return
		}
		f.logger.Debug("catalog notifications interrupted; polling until they resume", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// Writer is the catalog a server's feed syncs and `pdpath ingest --store`
// write through: it appends the inputs to the log, then catches the local
// catalog up, and reports what its own batch changed.
type Writer struct {
	f      *Follower
	origin string
}

// NewWriter returns a writer appending as origin (a host or command name).
func NewWriter(f *Follower, origin string) *Writer { return &Writer{f: f, origin: origin} }

// IngestInputs implements the catalog feed syncs write to.
func (w *Writer) IngestInputs(ctx context.Context, inputs []store.Input) (catalog.Report, error) {
	id, err := w.f.log.Append(ctx, w.origin, inputs)
	if err != nil {
		return catalog.Report{Rejected: []catalog.Rejection{}}, err
	}
	if _, err := w.f.CatchUp(ctx); err != nil {
		return catalog.Report{Rejected: []catalog.Rejection{}}, err
	}
	w.f.mu.Lock()
	rep, ok := w.f.recent[id]
	w.f.mu.Unlock()
	if !ok {
		// Applied by another process sharing the index directory.
		return catalog.Report{Rejected: []catalog.Rejection{}, CatalogVersion: w.f.cat.Version()}, nil
	}
	return rep, nil
}

// Version is the local catalog's live version.
func (w *Writer) Version() int64 { return w.f.cat.Version() }
