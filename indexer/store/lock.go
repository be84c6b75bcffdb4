package store

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/pdpath/pdpath/indexer/fsutil"
)

// writerLock is an exclusive advisory lock on DIR/ingest.lock. The kernel
// drops it when the holder dies, so a killed ingest never wedges the next.
type writerLock struct{ unlock func() }

func acquireWriter(ctx context.Context, dir string) (*writerLock, error) {
	unlock, err := fsutil.Lock(ctx, filepath.Join(dir, lockFile), 100*time.Millisecond, "another ingest")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &writerLock{unlock: unlock}, nil
}

func (l *writerLock) release() { l.unlock() }
