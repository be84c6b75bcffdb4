// Package fsutil holds the two file operations pdpath's embedded stores
// share: an atomic replace that survives a crash (temporary file, fsync,
// rename, fsync of the directory) and an exclusive advisory lock that the
// kernel drops when its holder dies.
package fsutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// WriteAtomic replaces path with what write puts in a temporary file
// beside it, so readers see the old content or the new, never a mix, and a
// crash after WriteAtomic returns keeps the new content (the file and its
// directory are synced). The file gets mode perm.
func WriteAtomic(path string, perm fs.FileMode, write func(f *os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create temp for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	steps := []func() error{
		func() error { return write(tmp) },
		func() error { return tmp.Chmod(perm) },
		tmp.Sync,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			tmp.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir flushes a directory's entries (a rename or a new file in it).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open dir %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}

// Lock takes an exclusive advisory lock on path (created if needed),
// trying again every poll until ctx ends; what names the holder in the
// error when ctx ends first ("another ingest"). The returned function
// releases it.
func Lock(ctx context.Context, path string, poll time.Duration, what string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for %s to finish: %w", what, ctx.Err())
		case <-time.After(poll):
		}
	}
}
