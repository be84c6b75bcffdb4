package feedsync

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/randid"
)

// Bucket names in feeds.db.
var (
	// bucketFeeds maps feed id → diskFeed (JSON).
	bucketFeeds = []byte("feeds")
	// bucketRuns holds one nested bucket per feed id, mapping an 8-byte
	// big-endian sequence → diskRun (JSON), oldest first.
	bucketRuns = []byte("runs")
)

// RegistryOptions configures a Registry. The zero value is usable.
type RegistryOptions struct {
	// LockTimeout is how long OpenRegistry waits for another process
	// holding the file; 0 means 2 s.
	LockTimeout time.Duration
	// Now is the clock for Created; nil means time.Now.
	Now func() time.Time
	// MaxFeedsPerOwner caps the feeds one owner may register; 0 means
	// DefaultMaxFeedsPerOwner.
	MaxFeedsPerOwner int
}

// Registry keeps feeds and their runs. It is safe for concurrent use.
type Registry struct {
	db       *bolt.DB
	now      func() time.Time
	maxFeeds int
}

// diskFeed is the stored form of a Feed: the public type carries no JSON
// tags so that the API layer owns its wire shape and this file owns its
// disk shape.
type diskFeed struct {
	Owner        string    `json:"owner"`
	URL          string    `json:"url"`
	Format       string    `json:"format,omitempty"`
	EveryNS      int64     `json:"every_ns"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Created      time.Time `json:"created"`
	LastRun      time.Time `json:"last_run"`
	Paused       bool      `json:"paused,omitempty"`
	// OwnedSource is set once the feed's items are filed under its
	// owner in the catalog: at registration, or for a feed registered
	// before sources had owners, by its first sync since.
	OwnedSource bool `json:"owned_source,omitempty"`
}

type diskRun struct {
	ID       string         `json:"id"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Status   string         `json:"status"`
	Error    string         `json:"error,omitempty"`
	Report   catalog.Report `json:"report"`
}

func (d diskFeed) feed(id string) Feed {
	return Feed{ID: id, Owner: d.Owner, URL: d.URL, Format: d.Format, Every: time.Duration(d.EveryNS),
		ETag: d.ETag, LastModified: d.LastModified, Created: d.Created, LastRun: d.LastRun, Paused: d.Paused,
		legacySource: !d.OwnedSource}
}

func toDisk(f Feed) diskFeed {
	return diskFeed{Owner: f.Owner, URL: f.URL, Format: f.Format, EveryNS: int64(f.Every),
		ETag: f.ETag, LastModified: f.LastModified, Created: f.Created, LastRun: f.LastRun, Paused: f.Paused,
		OwnedSource: !f.legacySource}
}

// OpenRegistry opens (creating if needed) dir/feeds.db. bbolt locks the
// file for one process; a second gets an error after LockTimeout.
func OpenRegistry(dir string, opts RegistryOptions) (*Registry, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxFeedsPerOwner <= 0 {
		opts.MaxFeedsPerOwner = DefaultMaxFeedsPerOwner
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("feedsync: create %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("feedsync: %s is locked by another process (is a server already running on this index?): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("feedsync: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketFeeds, bucketRuns} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("feedsync: prepare %s: %w", path, err)
	}
	return &Registry{db: db, now: opts.Now, maxFeeds: opts.MaxFeedsPerOwner}, nil
}

// Close closes the file.
func (r *Registry) Close() error {
	if err := r.db.Close(); err != nil {
		return fmt.Errorf("feedsync: close registry: %w", err)
	}
	return nil
}

// newID returns a fresh random id (package randid).
func newID() (string, error) { return randid.New("", 12), nil }

func readFeed(b *bolt.Bucket, id string) (Feed, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return Feed{}, ErrNotFound
	}
	var d diskFeed
	if err := json.Unmarshal(v, &d); err != nil {
		return Feed{}, fmt.Errorf("decode feed %s: %w", id, err)
	}
	return d.feed(id), nil
}

func writeFeed(b *bolt.Bucket, f Feed) error {
	v, err := json.Marshal(toDisk(f))
	if err != nil {
		return fmt.Errorf("encode feed %s: %w", f.ID, err)
	}
	return b.Put([]byte(f.ID), v)
}

// Register adds a feed for f.Owner from f.URL, f.Format and f.Every, and
// returns it with its id. f.ID must be empty. The same owner registering
// the same URL twice is ErrConflict: both would sync one catalog source.
// An owner that already has MaxFeedsPerOwner feeds gets ErrQuota.
func (r *Registry) Register(ctx context.Context, f Feed) (Feed, error) {
	if err := checkFeed(f); err != nil {
		return Feed{}, err
	}
	if err := ctx.Err(); err != nil {
		return Feed{}, fmt.Errorf("feedsync: register: %w", err)
	}
	id, err := newID()
	if err != nil {
		return Feed{}, err
	}
	out := Feed{ID: id, Owner: f.Owner, URL: f.URL, Format: f.Format, Every: f.Every,
		Created: r.now().UTC()}
	err = r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeeds)
		owned := 0
		err := b.ForEach(func(k, v []byte) error {
			var d diskFeed
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode feed %s: %w", k, err)
			}
			if d.Owner == f.Owner && d.URL == f.URL {
				return fmt.Errorf("%w: %s is feed %s", ErrConflict, f.URL, k)
			}
			if d.Owner == f.Owner {
				owned++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if owned >= r.maxFeeds {
			return fmt.Errorf("%w: this key has %d feeds, the most it may register; delete one first", ErrQuota, owned)
		}
		return writeFeed(b, out)
	})
	if err != nil {
		return Feed{}, fmt.Errorf("feedsync: register %s: %w", f.URL, err)
	}
	return out, nil
}

// Get returns the owner's feed id, or ErrNotFound.
func (r *Registry) Get(ctx context.Context, owner, id string) (Feed, error) {
	f, err := r.feed(ctx, id)
	if err == nil && f.Owner != owner {
		err = fmt.Errorf("feedsync: feed %q: %w", id, ErrNotFound)
	}
	return f, err
}

// feed returns a feed whoever owns it, for syncs already authorised.
func (r *Registry) feed(ctx context.Context, id string) (Feed, error) {
	if err := ctx.Err(); err != nil {
		return Feed{}, fmt.Errorf("feedsync: feed %q: %w", id, err)
	}
	var f Feed
	err := r.db.View(func(tx *bolt.Tx) error {
		var err error
		f, err = readFeed(tx.Bucket(bucketFeeds), id)
		return err
	})
	if err != nil {
		return Feed{}, fmt.Errorf("feedsync: feed %q: %w", id, err)
	}
	return f, nil
}

// List returns the owner's feeds, oldest first.
func (r *Registry) List(ctx context.Context, owner string) ([]Feed, error) {
	all, err := r.All(ctx)
	if err != nil {
		return nil, err
	}
	out := []Feed{}
	for _, f := range all {
		if f.Owner == owner {
			out = append(out, f)
		}
	}
	return out, nil
}

// All returns every feed of every owner, oldest first: what the Scheduler
// walks.
func (r *Registry) All(ctx context.Context) ([]Feed, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("feedsync: list feeds: %w", err)
	}
	out := []Feed{}
	err := r.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFeeds).ForEach(func(k, v []byte) error {
			var d diskFeed
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode feed %s: %w", k, err)
			}
			out = append(out, d.feed(string(k)))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("feedsync: list feeds: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Delete removes the owner's feed id and its runs. The credentials it
// brought stay in the catalog until another source retires them.
func (r *Registry) Delete(ctx context.Context, owner, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("feedsync: delete feed %q: %w", id, err)
	}
	err := r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeeds)
		f, err := readFeed(b, id)
		if err != nil {
			return err
		}
		if f.Owner != owner {
			return ErrNotFound
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketRuns).DeleteBucket([]byte(id)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("feedsync: delete feed %q: %w", id, err)
	}
	return nil
}

// SetPaused pauses or resumes the owner's feed id and returns it. A paused
// feed keeps its runs and validators; the Scheduler skips it.
func (r *Registry) SetPaused(ctx context.Context, owner, id string, paused bool) (Feed, error) {
	if err := ctx.Err(); err != nil {
		return Feed{}, fmt.Errorf("feedsync: pause feed %q: %w", id, err)
	}
	var f Feed
	err := r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeeds)
		var err error
		if f, err = readFeed(b, id); err != nil {
			return err
		}
		if f.Owner != owner {
			return ErrNotFound
		}
		f.Paused = paused
		return writeFeed(b, f)
	})
	if err != nil {
		return Feed{}, fmt.Errorf("feedsync: pause feed %q: %w", id, err)
	}
	return f, nil
}

// Owner returns who owns feed id: for an administrator acting on another
// key's feed.
func (r *Registry) Owner(ctx context.Context, id string) (string, error) {
	f, err := r.feed(ctx, id)
	if err != nil {
		return "", err
	}
	return f.Owner, nil
}

// Runs returns up to limit runs of the owner's feed id, newest first;
// limit <= 0 means all that are kept (MaxRuns).
func (r *Registry) Runs(ctx context.Context, owner, id string, limit int) ([]Run, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("feedsync: runs of %q: %w", id, err)
	}
	if limit <= 0 || limit > MaxRuns {
		limit = MaxRuns
	}
	out := []Run{}
	err := r.db.View(func(tx *bolt.Tx) error {
		f, err := readFeed(tx.Bucket(bucketFeeds), id)
		if err != nil {
			return err
		}
		if f.Owner != owner {
			return ErrNotFound
		}
		runs := tx.Bucket(bucketRuns).Bucket([]byte(id))
		if runs == nil {
			return nil
		}
		c := runs.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var d diskRun
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode run %x: %w", k, err)
			}
			out = append(out, Run{ID: d.ID, FeedID: id, Started: d.Started, Finished: d.Finished,
				Status: d.Status, Error: d.Error, Report: d.Report})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("feedsync: runs of %q: %w", id, err)
	}
	return out, nil
}

// validators are the response validators a run leaves on its feed.
type validators struct{ etag, lastModified string }

// recordRun stores run, keeps the newest MaxRuns, moves the feed's LastRun
// to the run's start and, when v is set, replaces its validators — all in
// one transaction, so a feed's validators always belong to what the
// catalog last ingested from it.
func (r *Registry) recordRun(run Run, v *validators) error {
	stored := run.Report
	if len(stored.Rejected) > MaxStoredRejections {
		stored.Rejected = stored.Rejected[:MaxStoredRejections]
	}
	if len(stored.Truncated) > MaxStoredRejections {
		stored.Truncated = stored.Truncated[:MaxStoredRejections]
	}
	data, err := json.Marshal(diskRun{ID: run.ID, Started: run.Started, Finished: run.Finished,
		Status: run.Status, Error: run.Error, Report: stored})
	if err != nil {
		return fmt.Errorf("feedsync: encode run of %s: %w", run.FeedID, err)
	}
	err = r.db.Update(func(tx *bolt.Tx) error {
		feeds := tx.Bucket(bucketFeeds)
		f, err := readFeed(feeds, run.FeedID)
		if err != nil {
			// Deleted while it ran: nothing to attach the run to.
			return err
		}
		f.LastRun = run.Started
		if run.Status == StatusOK {
			f.legacySource = false
		}
		if v != nil {
			f.ETag, f.LastModified = v.etag, v.lastModified
		}
		if err := writeFeed(feeds, f); err != nil {
			return err
		}
		runs, err := tx.Bucket(bucketRuns).CreateBucketIfNotExists([]byte(run.FeedID))
		if err != nil {
			return err
		}
		seq, err := runs.NextSequence()
		if err != nil {
			return err
		}
		if err := runs.Put(binary.BigEndian.AppendUint64(nil, seq), data); err != nil {
			return err
		}
		// Drop the oldest beyond MaxRuns. Counting with a cursor, not
		// Bucket.Stats, because Stats reads committed pages only.
		n := 0
		c := runs.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		for k, _ := c.First(); k != nil && n > MaxRuns; k, _ = c.First() {
			if err := runs.Delete(k); err != nil {
				return err
			}
			n--
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("feedsync: record run of %s: %w", run.FeedID, err)
	}
	return nil
}
