package fsutil

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	for _, content := range []string{"one", "two"} {
		err := WriteAtomic(path, 0o600, func(f *os.File) error {
			_, err := f.WriteString(content)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	failed := errors.New("disk full")
	if err := WriteAtomic(path, 0o600, func(*os.File) error { return failed }); !errors.Is(err, failed) {
		t.Errorf("a failed write: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "two" {
		t.Errorf("a failed write changed the file to %q", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestLockExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := Lock(context.Background(), path, time.Millisecond, "the first holder")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path, time.Millisecond, "the first holder"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock while held: %v, want a deadline error", err)
	}
	unlock()
	again, err := Lock(context.Background(), path, time.Millisecond, "the first holder")
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()
}
