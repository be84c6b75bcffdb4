package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/fsutil"
)

// FileName is the key file's name inside an index directory.
const FileName = "keys.json"

// Key is one API key as stored: never the secret, only its hash.
type Key struct {
	ID      string    `json:"id"`
	Role    Role      `json:"role"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
	// Label is a free note ("district PD office").
	Label string `json:"label,omitempty"`
	// RatePerSec and Burst override the server's default rate limit for
	// this key when positive.
	RatePerSec float64 `json:"rate_per_sec,omitempty"`
	Burst      int     `json:"burst,omitempty"`
}

// CreateOptions are the optional settings of a new key.
type CreateOptions struct {
	Label      string
	RatePerSec float64
	Burst      int
}

type keyFile struct {
	Keys []Key `json:"keys"`
}

// Store is the key file of one index directory. The CLI and a running
// server share it: writers take an exclusive lock and replace the file
// atomically (write a temporary file, then rename), and readers notice the
// new file by its modification time and size, so keys created while the
// server runs work without a restart.
type Store struct {
	path string
	// recheck is the longest a reader trusts its copy without looking at
	// the file again.
	recheck time.Duration

	mu sync.RWMutex
	// byHash is keyed by the raw digest, so a lookup hashes the presented
	// secret without allocating.
	byHash    map[[sha256.Size]byte]Key
	stamp     fileStamp
	checkedAt time.Time
}

type fileStamp struct {
	mod  time.Time
	size int64
	ino  uint64
}

// Open returns the key store kept in dir (the index directory). A missing
// file is an empty store.
func Open(dir string) (*Store, error) {
	s := &Store{path: filepath.Join(dir, FileName), recheck: time.Second}
	if err := s.reload(true); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the key file's path.
func (s *Store) Path() string { return s.path }

// Lookup returns the key whose secret is given. Each lookup looks at the
// file again once recheck has passed, and at once when the secret is
// unknown (a key the CLI may just have created), so revocations also reach
// a running server within a second. The map lookup is not constant-time,
// which is safe here: it is keyed by the SHA-256 of the presented secret,
// and timing reveals nothing about the secrets of stored keys.
func (s *Store) Lookup(_ context.Context, secret string) (Key, error) {
	h := secretDigest(secret)
	s.mu.RLock()
	k, ok := s.byHash[h]
	stale := time.Since(s.checkedAt) > s.recheck
	s.mu.RUnlock()
	if ok && !stale {
		return k, nil
	}
	if err := s.reload(false); err != nil {
		// Keep serving the keys already loaded: a half-written file
		// never appears (writes are atomic), so this is an I/O error
		// worth logging by the caller, not a reason to lock everyone out.
		if ok {
			return k, nil
		}
		return Key{}, derrors.Wrap(derrors.Unavailable, fmt.Errorf("auth: read key file: %w", err))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if k, ok = s.byHash[h]; !ok {
		return Key{}, ErrNoKey
	}
	return k, nil
}

// List returns every key, oldest first.
func (s *Store) List() ([]Key, error) {
	if err := s.reload(false); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]Key, 0, len(s.byHash))
	for _, k := range s.byHash {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return compareStrings(a.ID, b.ID)
	})
	return keys, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Create makes a new key with role r, stores its hash and returns the secret
// (shown once; it cannot be recovered) with the stored record.
func (s *Store) Create(ctx context.Context, r Role, opts CreateOptions) (string, Key, error) {
	k, secret, err := newKey(r, opts)
	if err != nil {
		return "", Key{}, err
	}
	err = s.update(ctx, func(f *keyFile) error {
		f.Keys = append(f.Keys, k)
		return nil
	})
	if err != nil {
		return "", Key{}, err
	}
	return secret, k, nil
}

// newKey checks a new key's settings and makes it: the stored record and
// the secret.
func newKey(r Role, opts CreateOptions) (Key, string, error) {
	if _, err := ParseRole(string(r)); err != nil {
		return Key{}, "", err
	}
	if opts.RatePerSec < 0 || opts.Burst < 0 {
		return Key{}, "", fmt.Errorf("%w: rate limit must not be negative", ErrInvalid)
	}
	if err := CheckLabel(opts.Label); err != nil {
		return Key{}, "", fmt.Errorf("%w: label: %w", ErrInvalid, err)
	}
	secret, hash, err := NewSecret()
	if err != nil {
		return Key{}, "", err
	}
	id, err := newID()
	if err != nil {
		return Key{}, "", err
	}
	return Key{ID: id, Role: r, Hash: hash, Created: time.Now().UTC().Truncate(time.Second),
		Label: opts.Label, RatePerSec: opts.RatePerSec, Burst: opts.Burst}, secret, nil
}

// Revoke deletes the key with the given id.
func (s *Store) Revoke(ctx context.Context, id string) error {
	return s.update(ctx, func(f *keyFile) error {
		i := slices.IndexFunc(f.Keys, func(k Key) bool { return k.ID == id })
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrNoKey, id)
		}
		f.Keys = slices.Delete(f.Keys, i, i+1)
		return nil
	})
}

// update applies change to the file under an exclusive lock, so a CLI and a
// server creating keys at the same moment both keep theirs.
func (s *Store) update(ctx context.Context, change func(*keyFile) error) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("auth: create %s: %w", filepath.Dir(s.path), err)
	}
	unlock, err := fsutil.Lock(ctx, s.path+".lock", 20*time.Millisecond, "another writer of the key file")
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	defer unlock()
	f, err := readFile(s.path)
	if err != nil {
		return err
	}
	if err := change(f); err != nil {
		return err
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("auth: encode keys: %w", err)
	}
	// The file holds only hashes, but it is still kept private to the
	// owner: the list of roles is nobody else's business.
	err = fsutil.WriteAtomic(s.path, 0o600, func(f *os.File) error {
		_, err := f.Write(append(data, '\n'))
		return err
	})
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return s.reload(true)
}

// reload re-reads the file when its stamp changed (or always when force).
func (s *Store) reload(force bool) error {
	st, err := stampOf(s.path)
	if err != nil {
		return err
	}
	s.mu.RLock()
	same := !force && st == s.stamp && s.byHash != nil
	s.mu.RUnlock()
	if same {
		s.mu.Lock()
		s.checkedAt = time.Now()
		s.mu.Unlock()
		return nil
	}
	f, err := readFile(s.path)
	if err != nil {
		return err
	}
	m := make(map[[sha256.Size]byte]Key, len(f.Keys))
	for _, k := range f.Keys {
		var d [sha256.Size]byte
		if b, err := hex.DecodeString(k.Hash); err == nil && len(b) == len(d) {
			copy(d[:], b)
			m[d] = k
		}
	}
	s.mu.Lock()
	s.byHash, s.stamp, s.checkedAt = m, st, time.Now()
	s.mu.Unlock()
	return nil
}

func stampOf(path string) (fileStamp, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileStamp{}, nil
	}
	if err != nil {
		return fileStamp{}, fmt.Errorf("auth: stat key file: %w", err)
	}
	st := fileStamp{mod: info.ModTime(), size: info.Size()}
	// The inode changes on every atomic replace, even when a rewrite
	// lands within the file system's timestamp resolution with the same
	// size.
	if sys, ok := info.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	return st, nil
}

func readFile(path string) (*keyFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &keyFile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read key file: %w", err)
	}
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("auth: key file %s: %w", path, err)
	}
	return &f, nil
}

// MaxLabelRunes caps a key's label: a note for people, listed with every
// key, not a place to store data.
const MaxLabelRunes = 200

// CheckLabel accepts a label of at most MaxLabelRunes characters of valid
// UTF-8 with no control characters.
func CheckLabel(label string) error {
	if !utf8.ValidString(label) {
		return errors.New("not valid UTF-8")
	}
	if n := utf8.RuneCountInString(label); n > MaxLabelRunes {
		return fmt.Errorf("%d characters, over the %d allowed", n, MaxLabelRunes)
	}
	for _, r := range label {
		if unicode.IsControl(r) {
			return errors.New("control characters are not allowed")
		}
	}
	return nil
}
