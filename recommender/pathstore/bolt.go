package pathstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket names of the embedded store.
var (
	// bucketRecords maps id → boltRecord (JSON).
	bucketRecords = []byte("pathways")
	// bucketOwners is the List index: owner, NUL, created (8 bytes,
	// big-endian microseconds), id → nothing. Keys sort by owner then
	// creation time, so one owner's page is a cursor walk.
	bucketOwners = []byte("by_owner")
)

// BoltOptions configures the embedded store. The zero value is usable.
type BoltOptions struct {
	// LockTimeout is how long Open waits for another process holding the
	// file to let go; 0 means 2 s.
	LockTimeout time.Duration
	// Now is the clock for Created and Updated; nil means time.Now.
	Now func() time.Time
}

// Bolt is the embedded Store: one bbolt file, one writer at a time.
type Bolt struct {
	db  *bolt.DB
	now func() time.Time
}

var _ Store = (*Bolt)(nil)

// boltRecord is a record as stored in bucketRecords; the id is the key.
type boltRecord struct {
	Owner   string          `json:"owner"`
	Version int64           `json:"version"`
	Created time.Time       `json:"created"`
	Updated time.Time       `json:"updated"`
	Doc     json.RawMessage `json:"doc"`
}

// OpenBolt opens (creating if needed) the embedded store at path. bbolt
// locks the file for one process; a second process gets an error after
// LockTimeout instead of hanging.
func OpenBolt(path string, opts BoltOptions) (*Bolt, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("pathstore: %s is locked by another process (is a server already running on this index?): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("pathstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketRecords, bucketOwners} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("pathstore: prepare %s: %w", path, err)
	}
	return &Bolt{db: db, now: opts.Now}, nil
}

// Close closes the file.
// Ping implements Store: the embedded file is ready while it is open.
func (s *Bolt) Ping(context.Context) error { return nil }

func (s *Bolt) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("pathstore: close: %w", err)
	}
	return nil
}

func ownerKey(owner string, created time.Time, id string) []byte {
	k := make([]byte, 0, len(owner)+1+8+len(id))
	k = append(k, owner...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(created.UnixMicro()))
	return append(k, id...)
}

// Create implements Store.
func (s *Bolt) Create(ctx context.Context, r Record) (Record, error) {
	if err := checkNew(r); err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("pathstore: create: %w", err)
	}
	id, err := newID()
	if err != nil {
		return Record{}, err
	}
	now := stamp(s.now)
	out := Record{ID: id, Owner: r.Owner, Version: 1, Created: now, Updated: now, Doc: r.Doc}
	err = s.db.Update(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		if recs.Get([]byte(id)) != nil {
			return fmt.Errorf("pathstore: id %s already taken", id)
		}
		if err := putRecord(recs, out); err != nil {
			return err
		}
		return tx.Bucket(bucketOwners).Put(ownerKey(out.Owner, out.Created, id), nil)
	})
	if err != nil {
		return Record{}, fmt.Errorf("pathstore: create: %w", err)
	}
	return out, nil
}

func putRecord(b *bolt.Bucket, r Record) error {
	v, err := json.Marshal(boltRecord{Owner: r.Owner, Version: r.Version, Created: r.Created, Updated: r.Updated, Doc: r.Doc})
	if err != nil {
		return fmt.Errorf("encode %s: %w", r.ID, err)
	}
	return b.Put([]byte(r.ID), v)
}

// getRecord reads id and applies the owner check: another owner's record
// is reported exactly like a missing one.
func getRecord(b *bolt.Bucket, owner, id string) (Record, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return Record{}, ErrNotFound
	}
	var br boltRecord
	if err := json.Unmarshal(v, &br); err != nil {
		return Record{}, fmt.Errorf("pathstore: decode %s: %w", id, err)
	}
	if br.Owner != owner {
		return Record{}, ErrNotFound
	}
	return Record{ID: id, Owner: br.Owner, Version: br.Version, Created: br.Created, Updated: br.Updated, Doc: br.Doc}, nil
}

// Get implements Store.
func (s *Bolt) Get(ctx context.Context, owner, id string) (Record, error) {
	if err := checkOwner(owner); err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("pathstore: get: %w", err)
	}
	var out Record
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = getRecord(tx.Bucket(bucketRecords), owner, id)
		return err
	})
	if err != nil {
		return Record{}, fmt.Errorf("pathstore: get %q: %w", id, err)
	}
	return out, nil
}

// List implements Store.
func (s *Bolt) List(ctx context.Context, owner string, limit, offset int) ([]Record, error) {
	if err := checkOwner(owner); err != nil {
		return nil, err
	}
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pathstore: list: %w", err)
	}
	out := []Record{}
	err = s.db.View(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		c := tx.Bucket(bucketOwners).Cursor()
		prefix := append([]byte(owner), 0)
		// Newest first: start just past the owner's last key and walk
		// backwards.
		end := append([]byte(owner), 1)
		k, _ := c.Seek(end)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		skipped := 0
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Prev() {
			if skipped < offset {
				skipped++
				continue
			}
			id := string(k[len(prefix)+8:])
			r, err := getRecord(recs, owner, id)
			if err != nil {
				return fmt.Errorf("index entry %s: %w", id, err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pathstore: list: %w", err)
	}
	return out, nil
}

// Update implements Store.
func (s *Bolt) Update(ctx context.Context, r Record) (Record, error) {
	if err := checkUpdate(r); err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("pathstore: update: %w", err)
	}
	var out Record
	err := s.db.Update(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		cur, err := getRecord(recs, r.Owner, r.ID)
		if err != nil {
			return err
		}
		if cur.Version != r.Version {
			return fmt.Errorf("%w (have version %d, sent %d)", ErrConflict, cur.Version, r.Version)
		}
		out = cur
		out.Version++
		out.Updated = stamp(s.now)
		out.Doc = r.Doc
		return putRecord(recs, out)
	})
	if err != nil {
		return Record{}, fmt.Errorf("pathstore: update %q: %w", r.ID, err)
	}
	return out, nil
}

// Delete implements Store.
func (s *Bolt) Delete(ctx context.Context, owner, id string) error {
	if err := checkOwner(owner); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pathstore: delete: %w", err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		cur, err := getRecord(recs, owner, id)
		if err != nil {
			return err
		}
		if err := recs.Delete([]byte(id)); err != nil {
			return err
		}
		return tx.Bucket(bucketOwners).Delete(ownerKey(owner, cur.Created, id))
	})
	if err != nil {
		return fmt.Errorf("pathstore: delete %q: %w", id, err)
	}
	return nil
}
