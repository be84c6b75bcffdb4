// Package pathstore keeps the pathways coaches save: one opaque JSON
// document per pathway, owned by the API key that created it, versioned for
// optimistic concurrency.
//
// The store persists and never interprets the document: the API layer
// encodes a pathway (request, plan, earned steps) into Record.Doc and decodes
// it back, so the storage format does not change when the pathway type does.
// Owner scoping is enforced here rather than by callers: a record of another
// owner behaves exactly like a missing one (ErrNotFound), so a caller cannot
// learn that it exists.
//
// Two backends satisfy Store: an embedded bbolt file in the index directory
// (the default, no setup) and PostgreSQL (for several servers sharing one
// database). Open picks one from a DSN.
package pathstore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/randid"
)

// Errors callers classify with errors.Is.
var (
	// ErrNotFound: no record with that id belongs to that owner.
	ErrNotFound = derrors.New(derrors.NotFound, "pathstore: pathway not found")
	// ErrConflict: the record changed since the caller read it (its
	// Version is no longer the one the caller sent).
	ErrConflict = derrors.New(derrors.Conflict, "pathstore: pathway was changed since it was read")
	// ErrInvalid: the caller sent a record the store cannot keep.
	ErrInvalid = derrors.New(derrors.Invalid, "pathstore: invalid pathway")
)

// Limits on what one record and one List call may hold.
const (
	// MaxDocBytes caps one document; a saved plan is a few kilobytes.
	MaxDocBytes = 1 << 20
	// MaxOwnerBytes caps an owner name (an API key id).
	MaxOwnerBytes = 256
	// DefaultListLimit is used when List is given a limit of 0 or less.
	DefaultListLimit = 50
	// MaxListLimit caps one page of List.
	MaxListLimit = 500
	// FileName is the bbolt file Open creates in the index directory.
	FileName = "pathways.db"
)

// Record is one saved pathway as the store keeps it. ID, Version, Created
// and Updated are set by the store; Owner and Doc by the caller. Times are
// UTC with microsecond precision in every backend.
type Record struct {
	ID      string
	Owner   string
	Version int64
	Created time.Time
	Updated time.Time
	// Doc is the encoded pathway, a JSON value. Backends return it equal
	// as JSON, not byte for byte: PostgreSQL normalises whitespace and
	// key order.
	Doc json.RawMessage
}

// Store keeps pathways. Implementations are safe for concurrent use.
type Store interface {
	// Create stores a new record for r.Owner and returns it with its new
	// ID, Version 1 and timestamps. r.ID must be empty: ids are the
	// store's to choose, so they cannot collide or be guessed.
	Create(ctx context.Context, r Record) (Record, error)
	// Get returns the owner's record id, or ErrNotFound.
	Get(ctx context.Context, owner, id string) (Record, error)
	// List returns a page of the owner's records, newest first (by
	// Created, then ID). limit <= 0 means DefaultListLimit and is capped
	// at MaxListLimit; a negative offset is ErrInvalid.
	List(ctx context.Context, owner string, limit, offset int) ([]Record, error)
	// Update replaces the document of the record r.ID owned by r.Owner
	// if its version is still r.Version, and returns the record with the
	// next version. A stale version is ErrConflict; a missing record (or
	// another owner's) is ErrNotFound.
	Update(ctx context.Context, r Record) (Record, error)
	// Delete removes the owner's record id, or returns ErrNotFound.
	Delete(ctx context.Context, owner, id string) error
	// Ping checks that the backend answers; an outage wraps
	// derrors.Unavailable.
	Ping(ctx context.Context) error
	// Close releases the backend.
	Close() error
}

// Open returns the store named by dsn: "postgres://…" or
// "postgresql://…" is a PostgreSQL database, "" is the embedded store in
// indexDir/pathways.db (the directory is created if needed).
func Open(ctx context.Context, dsn, indexDir string) (Store, error) {
	if dsn == "" {
		if indexDir == "" {
			return nil, fmt.Errorf("%w: no index directory for the embedded store", ErrInvalid)
		}
		if err := os.MkdirAll(indexDir, 0o755); err != nil {
			return nil, fmt.Errorf("pathstore: create %s: %w", indexDir, err)
		}
		return OpenBolt(filepath.Join(indexDir, FileName), BoltOptions{})
	}
	// Only the scheme goes into errors: the DSN may carry a password.
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: the pathway store DSN is not a URL", ErrInvalid)
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return OpenPostgres(ctx, dsn, PostgresOptions{})
	default:
		return nil, fmt.Errorf("%w: pathway store scheme %q not supported (want postgres:// or none for the embedded store)", ErrInvalid, u.Scheme)
	}
}

// newID returns a fresh random id (package randid).
func newID() (string, error) { return randid.New("", 12), nil }

// stamp is the store's clock reading, cut to what PostgreSQL keeps so both
// backends return the same times.
func stamp(now func() time.Time) time.Time {
	return now().UTC().Truncate(time.Microsecond)
}

func checkOwner(owner string) error {
	switch {
	case owner == "":
		return fmt.Errorf("%w: no owner", ErrInvalid)
	case len(owner) > MaxOwnerBytes:
		return fmt.Errorf("%w: owner is %d bytes, over %d", ErrInvalid, len(owner), MaxOwnerBytes)
	case !utf8.ValidString(owner) || strings.ContainsRune(owner, 0):
		// NUL separates owner from the rest of bbolt index keys, and
		// PostgreSQL text cannot hold it.
		return fmt.Errorf("%w: owner is not valid text", ErrInvalid)
	}
	return nil
}

func checkDoc(doc json.RawMessage) error {
	switch {
	case len(doc) == 0:
		return fmt.Errorf("%w: empty document", ErrInvalid)
	case len(doc) > MaxDocBytes:
		return fmt.Errorf("%w: document is %d bytes, over %d", ErrInvalid, len(doc), MaxDocBytes)
	case !json.Valid(doc):
		return fmt.Errorf("%w: document is not valid JSON", ErrInvalid)
	}
	return nil
}

func checkNew(r Record) error {
	if r.ID != "" {
		return fmt.Errorf("%w: a new pathway must not carry an id (the store assigns it)", ErrInvalid)
	}
	if err := checkOwner(r.Owner); err != nil {
		return err
	}
	return checkDoc(r.Doc)
}

func checkUpdate(r Record) error {
	if r.ID == "" {
		return fmt.Errorf("%w: no id", ErrInvalid)
	}
	if r.Version < 1 {
		return fmt.Errorf("%w: no version (send the version that was read)", ErrInvalid)
	}
	if err := checkOwner(r.Owner); err != nil {
		return err
	}
	return checkDoc(r.Doc)
}

// page normalises List arguments.
func page(limit, offset int) (int, int, error) {
	if offset < 0 {
		return 0, 0, fmt.Errorf("%w: negative offset %d", ErrInvalid, offset)
	}
	if limit <= 0 {
		limit = DefaultListLimit
	}
	return min(limit, MaxListLimit), offset, nil
}
