package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// bufferedLog collects the server's log lines and writes them in batches:
// one line per request written straight to stderr is a system call per
// request, a noticeable share of a cached answer's cost. Lines reach the
// underlying writer within flushEvery, when the buffer fills, and on
// Close; a line at warning level or above (marked by the caller through
// Urgent) is written at once.
type bufferedLog struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	stop chan struct{}
	done chan struct{}
}

const (
	logFlushEvery = 200 * time.Millisecond
	logBufferSize = 64 << 10
)

func newBufferedLog(w io.Writer) *bufferedLog {
	b := &bufferedLog{w: w, buf: make([]byte, 0, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *bufferedLog) loop() {
	defer close(b.done)
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			b.Flush()
			return
		case <-t.C:
			b.Flush()
		}
	}
}

// Write keeps p (one log record: slog handlers write a record in one call)
// for the next flush.
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf)+len(p) > logBufferSize {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
	}
	if len(p) > logBufferSize {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes what is buffered.
func (b *bufferedLog) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *bufferedLog) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// Close stops the background flushes and writes what is left.
func (b *bufferedLog) Close() error {
	close(b.stop)
	<-b.done
	return nil
}

// flushOnWarn is a slog handler that flushes its bufferedLog after every
// record at warning level or above, so problems show up at once.
type flushOnWarn struct {
	slog.Handler
	b *bufferedLog
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.b.Flush()
	}
	return err
}

func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(attrs), h.b}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.b}
}
