// Package pgdb is what pdpath's PostgreSQL stores share: opening a pool
// from a DSN without leaking its password, versioned migrations recorded in
// a schema_migrations table, and one classification of PostgreSQL errors
// into derrors kinds (the database being down is Unavailable; text it
// cannot hold is the caller's Invalid input).
//
// Every store keeps its tables in the first schema of the connection's
// search_path, so "?search_path=NAME" in the DSN keeps pdpath apart from
// other tables (and tests apart from each other).
package pgdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pdpath/pdpath/indexer/derrors"
)

// IsDSN reports whether s names a PostgreSQL database (postgres:// or
// postgresql://).
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns dsn without its password, for logs and errors.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

// Open connects a pool to dsn and checks that the server answers.
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, derrors.Wrap(derrors.Invalid, fmt.Errorf("postgres DSN: %w", err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres %s: %w", Redact(dsn), Classify(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", Redact(dsn), Classify(err))
	}
	return pool, nil
}

// Classify gives a PostgreSQL or connection error its derrors kind: the
// server unreachable, shutting down or out of resources is Unavailable
// (retry later); a value it cannot store as text is Invalid. Other errors
// are returned unchanged. nil stays nil.
func Classify(err error) error {
	if err == nil || derrors.KindOf(err) != derrors.Internal {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "22P05", pe.Code == "22021":
			// untranslatable character, invalid byte sequence
			return derrors.Wrap(derrors.Invalid, err)
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"),
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "40001", pe.Code == "40P01":
			// connection exception, insufficient resources, shutdown,
			// cannot connect now, serialization failure, deadlock
			return derrors.Wrap(derrors.Unavailable, err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "closed pool") {
		return derrors.Wrap(derrors.Unavailable, err)
	}
	return err
}

// Storable reports whether s can be a text value in PostgreSQL: valid
// UTF-8 without NUL. A key that is not can name no stored row, so a
// lookup by it is answered "not found" without asking the server.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Migration is one step of a store's schema, applied once, in Version
// order, inside a transaction.
type Migration struct {
	Version int
	SQL     string
}

// Migrate applies the migrations of component (a store's name, such as
// "pathways") that schema_migrations does not list yet. Processes starting
// at once are serialised by an advisory lock, so each step runs once.
func Migrate(ctx context.Context, pool *pgxpool.Pool, component string, steps []Migration) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('pdpath.migrate'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			component text NOT NULL,
			version   integer NOT NULL,
			applied   timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (component, version))`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations WHERE component = $1`, component).Scan(&have); err != nil {
			return err
		}
		for _, m := range steps {
			if m.Version <= have {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s %d: %w", component, m.Version, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (component, version) VALUES ($1, $2)`, component, m.Version); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate %s tables: %w", component, Classify(err))
	}
	return nil
}

// Fingerprint is a short stable name for the database dsn points at (its
// host, database and search_path, not its password), for file and key
// names that must differ between stores.
func Fingerprint(dsn string) string {
	sum := sha256.Sum256([]byte(Redact(dsn)))
	return hex.EncodeToString(sum[:6])
}
