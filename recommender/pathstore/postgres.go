package pathstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pdpath/pdpath/indexer/pgdb"
)

// PostgresOptions configures the PostgreSQL store. The zero value is
// usable.
type PostgresOptions struct {
	// Now is the clock for Created and Updated; nil means time.Now. The
	// store sets times itself rather than using now() in SQL so that
	// both backends follow one clock in tests.
	Now func() time.Time
}

// Postgres is the Store kept in a PostgreSQL table named pathways, in the
// first schema of the connection's search_path (set it in the DSN, e.g.
// "?search_path=pdpath", to keep pdpath apart from other tables).
type Postgres struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

var _ Store = (*Postgres)(nil)

// migrations create and evolve the pathways table. id ordering uses the
// "C" collation so List pages come in the same byte order as the embedded
// store, whatever the database's locale.
var migrations = []pgdb.Migration{{Version: 1, SQL: `
CREATE TABLE IF NOT EXISTS pathways (
	id      text PRIMARY KEY,
	owner   text NOT NULL,
	version bigint NOT NULL,
	created timestamptz NOT NULL,
	updated timestamptz NOT NULL,
	doc     jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS pathways_owner_created ON pathways (owner, created DESC, id COLLATE "C" DESC);
`}}

// OpenPostgres connects to dsn and brings the pathways table up to date.
func OpenPostgres(ctx context.Context, dsn string, opts PostgresOptions) (*Postgres, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	pool, err := pgdb.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("pathstore: %w", err)
	}
	if err := pgdb.Migrate(ctx, pool, "pathways", migrations); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pathstore: %w", err)
	}
	return &Postgres{pool: pool, now: opts.Now}, nil
}

// Ping checks that the database answers, for readiness.
func (s *Postgres) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pathstore: ping postgres: %w", pgdb.Classify(err))
	}
	return nil
}

// Close closes the connection pool.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

// pgErr classifies what PostgreSQL raised: a document holding \u0000
// (which jsonb refuses) is the caller's mistake, the server being down an
// outage (pgdb.Classify).
func pgErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "22P05" || pe.Code == "22021") {
		return fmt.Errorf("%w: %s", ErrInvalid, pe.Message)
	}
	return pgdb.Classify(err)
}

const columns = `id, owner, version, created, updated, doc`

func scanRecord(row pgx.Row) (Record, error) {
	var r Record
	var doc []byte
	if err := row.Scan(&r.ID, &r.Owner, &r.Version, &r.Created, &r.Updated, &doc); err != nil {
		return Record{}, err
	}
	r.Created, r.Updated, r.Doc = r.Created.UTC(), r.Updated.UTC(), doc
	return r, nil
}

// Create implements Store.
func (s *Postgres) Create(ctx context.Context, r Record) (Record, error) {
	if err := checkNew(r); err != nil {
		return Record{}, err
	}
	id, err := newID()
	if err != nil {
		return Record{}, err
	}
	now := stamp(s.now)
	out, err := scanRecord(s.pool.QueryRow(ctx,
		`INSERT INTO pathways (`+columns+`) VALUES ($1, $2, 1, $3, $3, $4) RETURNING `+columns,
		id, r.Owner, now, r.Doc))
	if err != nil {
		return Record{}, fmt.Errorf("pathstore: create: %w", pgErr(err))
	}
	return out, nil
}

// Get implements Store.
func (s *Postgres) Get(ctx context.Context, owner, id string) (Record, error) {
	if err := checkOwner(owner); err != nil {
		return Record{}, err
	}
	if !pgdb.Storable(id) {
		return Record{}, fmt.Errorf("pathstore: get %q: %w", id, ErrNotFound)
	}
	out, err := scanRecord(s.pool.QueryRow(ctx,
		`SELECT `+columns+` FROM pathways WHERE id = $1 AND owner = $2`, id, owner))
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("pathstore: get %q: %w", id, pgErr(err))
	}
	return out, nil
}

// List implements Store.
func (s *Postgres) List(ctx context.Context, owner string, limit, offset int) ([]Record, error) {
	if err := checkOwner(owner); err != nil {
		return nil, err
	}
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx,
		`SELECT `+columns+` FROM pathways WHERE owner = $1
		 ORDER BY created DESC, id COLLATE "C" DESC LIMIT $2 OFFSET $3`, owner, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("pathstore: list: %w", pgErr(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Record, error) { return scanRecord(row) })
	if err != nil {
		return nil, fmt.Errorf("pathstore: list: %w", pgErr(err))
	}
	if out == nil {
		out = []Record{}
	}
	return out, nil
}

// Update implements Store. The version check and the write are one
// statement, so two coaches saving at once cannot both win.
func (s *Postgres) Update(ctx context.Context, r Record) (Record, error) {
	if err := checkUpdate(r); err != nil {
		return Record{}, err
	}
	if !pgdb.Storable(r.ID) {
		return Record{}, fmt.Errorf("pathstore: update %q: %w", r.ID, ErrNotFound)
	}
	out, err := scanRecord(s.pool.QueryRow(ctx,
		`UPDATE pathways SET doc = $4, version = version + 1, updated = $5
		 WHERE id = $1 AND owner = $2 AND version = $3 RETURNING `+columns,
		r.ID, r.Owner, r.Version, r.Doc, stamp(s.now)))
	if errors.Is(err, pgx.ErrNoRows) {
		// Nothing matched: tell a stale version from a missing record.
		var have int64
		err = s.pool.QueryRow(ctx, `SELECT version FROM pathways WHERE id = $1 AND owner = $2`, r.ID, r.Owner).Scan(&have)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			err = ErrNotFound
		case err == nil:
			err = fmt.Errorf("%w (have version %d, sent %d)", ErrConflict, have, r.Version)
		}
	}
	if err != nil {
		return Record{}, fmt.Errorf("pathstore: update %q: %w", r.ID, pgErr(err))
	}
	return out, nil
}

// Delete implements Store.
func (s *Postgres) Delete(ctx context.Context, owner, id string) error {
	if err := checkOwner(owner); err != nil {
		return err
	}
	if !pgdb.Storable(id) {
		return fmt.Errorf("pathstore: delete %q: %w", id, ErrNotFound)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM pathways WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return fmt.Errorf("pathstore: delete %q: %w", id, pgErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pathstore: delete %q: %w", id, ErrNotFound)
	}
	return nil
}
