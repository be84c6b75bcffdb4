package main

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a bytes.Buffer safe to read while the flusher writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestBufferedLogWritesEveryLine(t *testing.T) {
	var out lockedBuffer
	b := newBufferedLog(&out)
	log := slog.New(flushOnWarn{slog.NewTextHandler(b, nil), b})
	for i := 0; i < 2000; i++ { // more than one buffer's worth
		log.Info("request", "n", i)
	}
	log.Warn("trouble")
	if !strings.Contains(out.String(), "msg=trouble") {
		t.Error("a warning was not written at once")
	}
	log.Info("last")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2002 {
		t.Fatalf("%d lines written, want 2002", len(lines))
	}
	if !strings.Contains(lines[0], "n=0") || !strings.Contains(lines[1999], "n=1999") || !strings.Contains(lines[2001], "msg=last") {
		t.Errorf("lines out of order: first %q, last %q", lines[0], lines[2001])
	}
}
