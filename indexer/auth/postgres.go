package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/pgdb"
)

// Keys is a key store: the key file of an index directory (*Store) or
// PostgreSQL (*Postgres), shared by `pdpath keys` and every server.
type Keys interface {
	// Lookup returns the key whose secret is given: ErrNoKey when there
	// is none, an Unavailable error when the store cannot say.
	Lookup(ctx context.Context, secret string) (Key, error)
	// List returns every key, oldest first.
	List() ([]Key, error)
	// Create makes a key and returns its secret, shown once.
	Create(ctx context.Context, r Role, opts CreateOptions) (string, Key, error)
	// Revoke deletes a key; an unknown id is ErrNoKey.
	Revoke(ctx context.Context, id string) error
	// Close releases the store.
	Close() error
}

var (
	_ Keys = (*Store)(nil)
	_ Keys = (*Postgres)(nil)
)

// Close implements Keys; the key file holds nothing open.
func (s *Store) Close() error { return nil }

// OpenKeys returns the key store named by dsn: "" is the key file in dir,
// postgres://… a PostgreSQL database.
func OpenKeys(ctx context.Context, dsn, dir string) (Keys, error) {
	if dsn == "" {
		return Open(dir)
	}
	if !pgdb.IsDSN(dsn) {
		u, _ := url.Parse(dsn)
		scheme := ""
		if u != nil {
			scheme = u.Scheme
		}
		return nil, fmt.Errorf("%w: key store scheme %q not supported (want postgres:// or none for the key file)", ErrUnknownStore, scheme)
	}
	return OpenPostgres(ctx, dsn)
}

// ErrUnknownStore: a store URL of a kind pdpath cannot use.
var ErrUnknownStore = derrors.New(derrors.Invalid, "auth: unsupported store")

var migrations = []pgdb.Migration{{Version: 1, SQL: `
CREATE TABLE IF NOT EXISTS api_keys (
	id           text PRIMARY KEY,
	role         text NOT NULL,
	hash         text NOT NULL UNIQUE,
	created      timestamptz NOT NULL,
	label        text NOT NULL DEFAULT '',
	rate_per_sec double precision NOT NULL DEFAULT 0,
	burst        integer NOT NULL DEFAULT 0
);
`}}

// Postgres keeps keys in the api_keys table, for servers that share one
// database. Each server keeps the keys in memory and reloads them once
// recheck has passed, and looks an unknown secret up at once, so a key
// created anywhere works everywhere at once, a revocation reaches every
// server within a second, and known keys keep working while the database
// is briefly unreachable.
type Postgres struct {
	pool    *pgxpool.Pool
	recheck time.Duration

	mu       sync.RWMutex
	byHash   map[[sha256.Size]byte]Key
	loadedAt time.Time
}

// OpenPostgres connects to dsn and brings the api_keys table up to date.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	pool, err := pgdb.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if err := pgdb.Migrate(ctx, pool, "api_keys", migrations); err != nil {
		pool.Close()
		return nil, fmt.Errorf("auth: %w", err)
	}
	s := &Postgres{pool: pool, recheck: time.Second}
	if err := s.reload(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close implements Keys.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

const keyColumns = `id, role, hash, created, label, rate_per_sec, burst`

func scanKey(row pgx.Row) (Key, error) {
	var k Key
	var role string
	if err := row.Scan(&k.ID, &role, &k.Hash, &k.Created, &k.Label, &k.RatePerSec, &k.Burst); err != nil {
		return Key{}, err
	}
	k.Role, k.Created = Role(role), k.Created.UTC()
	return k, nil
}

func digest(hash string) ([sha256.Size]byte, bool) {
	var d [sha256.Size]byte
	b, err := hex.DecodeString(hash)
	if err != nil || len(b) != len(d) {
		return d, false
	}
	copy(d[:], b)
	return d, true
}

func (s *Postgres) reload(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys`)
	if err != nil {
		return fmt.Errorf("auth: load keys: %w", pgdb.Classify(err))
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Key, error) { return scanKey(r) })
	if err != nil {
		return fmt.Errorf("auth: load keys: %w", pgdb.Classify(err))
	}
	m := make(map[[sha256.Size]byte]Key, len(keys))
	for _, k := range keys {
		if d, ok := digest(k.Hash); ok {
			m[d] = k
		}
	}
	s.mu.Lock()
	s.byHash, s.loadedAt = m, time.Now()
	s.mu.Unlock()
	return nil
}

// Lookup implements Keys.
func (s *Postgres) Lookup(ctx context.Context, secret string) (Key, error) {
	h := secretDigest(secret)
	s.mu.RLock()
	k, ok := s.byHash[h]
	stale := time.Since(s.loadedAt) > s.recheck
	s.mu.RUnlock()
	if ok && !stale {
		return k, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if stale {
		if err := s.reload(ctx); err != nil {
			// Keep serving the keys already loaded through an outage,
			// and let the next recheck, not every request, try again.
			s.mu.Lock()
			s.loadedAt = time.Now()
			s.mu.Unlock()
			if ok {
				return k, nil
			}
			// An unknown secret may be a key created during the
			// outage: the store cannot say, so neither can we.
			return Key{}, err
		}
		s.mu.RLock()
		k, ok = s.byHash[h]
		s.mu.RUnlock()
		if !ok {
			return Key{}, ErrNoKey
		}
		return k, nil
	}
	// Fresh copy, unknown secret: perhaps a key another process has just
	// created. One indexed read answers it.
	found, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1`, hex.EncodeToString(h[:])))
	if errors.Is(err, pgx.ErrNoRows) {
		return Key{}, ErrNoKey
	}
	if err != nil {
		return Key{}, fmt.Errorf("auth: look up key: %w", pgdb.Classify(err))
	}
	s.mu.Lock()
	s.byHash[h] = found
	s.mu.Unlock()
	return found, nil
}

// List implements Keys.
func (s *Postgres) List() ([]Key, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	keys := make([]Key, 0, len(s.byHash))
	for _, k := range s.byHash {
		keys = append(keys, k)
	}
	s.mu.RUnlock()
	slices.SortFunc(keys, func(a, b Key) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return keys, nil
}

// Create implements Keys.
func (s *Postgres) Create(ctx context.Context, r Role, opts CreateOptions) (string, Key, error) {
	k, secret, err := newKey(r, opts)
	if err != nil {
		return "", Key{}, err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO api_keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, string(k.Role), k.Hash, k.Created, k.Label, k.RatePerSec, k.Burst)
	if err != nil {
		return "", Key{}, fmt.Errorf("auth: create key: %w", pgdb.Classify(err))
	}
	if d, ok := digest(k.Hash); ok {
		s.mu.Lock()
		s.byHash[d] = k
		s.mu.Unlock()
	}
	return secret, k, nil
}

// Revoke implements Keys.
func (s *Postgres) Revoke(ctx context.Context, id string) error {
	if !pgdb.Storable(id) {
		return fmt.Errorf("%w: %s", ErrNoKey, id)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM api_keys WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("auth: revoke key: %w", pgdb.Classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s", ErrNoKey, id)
	}
	return s.reload(ctx)
}
