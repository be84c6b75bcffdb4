package pathstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	berrors "go.etcd.io/bbolt/errors"
)

func boltBackend(t *testing.T, now func() time.Time) func() Store {
	path := filepath.Join(t.TempDir(), FileName)
	return func() Store {
		s, err := OpenBolt(path, BoltOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestBolt(t *testing.T) { testStore(t, boltBackend) }

// TestBoltLockedByAnotherOpen checks that a second opener of a held file
// gets an error naming the cause instead of waiting for ever.
func TestBoltLockedByAnotherOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	first, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	start := time.Now()
	second, err := OpenBolt(path, BoltOptions{LockTimeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("second open of a held file succeeded")
	}
	if !errors.Is(err, berrors.ErrTimeout) || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second open: %v, want a lock timeout that says so", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second open took %v", d)
	}
}

func TestOpenPicksBackend(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	s, err := Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*Bolt); !ok {
		t.Errorf(`Open("") = %T, want *Bolt`, s)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Errorf("embedded store file: %v", err)
	}
	for _, dsn := range []string{"mysql://u:secret@host/db", "redis://127.0.0.1:6379"} {
		_, err := Open(ctx, dsn, dir)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Open(%q): %v, want ErrInvalid", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) error shows the password: %v", dsn, err)
		}
	}
	if _, err := Open(ctx, "", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf(`Open("", "") = %v, want ErrInvalid`, err)
	}
}
