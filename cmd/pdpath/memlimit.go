package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// memoryLimit is serve's --memory-limit: "auto" follows the live heap,
// "off" leaves the Go runtime's defaults (and GOMEMLIMIT), a size fixes
// the soft limit.
type memoryLimit struct {
	auto  bool
	bytes int64 // fixed limit; 0 with auto false is off
}

// The automatic limit allows half the live heap above it, at least
// autoMinHeadroom. The catalog's records and model are most of the live
// heap and change only with a new generation, so the collector's default
// headroom (as much again as the live heap) is mostly room for garbage.
// A tighter limit costs CPU: every collection marks the whole catalog,
// and with a quarter a 100k catalog's searches and cached answers spent
// most of their time collecting. The floor matters for catalogs up to a
// few hundred thousand items, whose records (their prose in the mapped
// records file, off the heap) leave a live heap of a few hundred MB.
const (
	autoMinHeadroom = 64 << 20
	autoEvery       = 5 * time.Second
)

// parseMemoryLimit reads "auto", "off" or a size: bytes, or a number with
// KiB, MiB or GiB.
func parseMemoryLimit(s string) (memoryLimit, error) {
	switch v := strings.TrimSpace(s); strings.ToLower(v) {
	case "", "auto":
		return memoryLimit{auto: true}, nil
	case "off":
		return memoryLimit{}, nil
	default:
		mult := int64(1)
		for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
			if n, ok := strings.CutSuffix(v, suffix); ok {
				v, mult = n, m
				break
			}
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 {
			return memoryLimit{}, fmt.Errorf("%q is not auto, off or a size such as 512MiB", s)
		}
		return memoryLimit{bytes: n * mult}, nil
	}
}

// apply sets a fixed limit at once, or, for auto, keeps the soft limit at
// the live heap plus half of it (at least autoMinHeadroom) until ctx ends, checking every autoEvery
// (a new catalog generation changes the live heap). The limit only makes
// the collector run sooner and hand memory back to the system; it never
// fails an allocation.
func (ml memoryLimit) apply(ctx context.Context, log *slog.Logger) {
	switch {
	case ml.bytes > 0:
		debug.SetMemoryLimit(ml.bytes)
		log.Info("memory soft limit", "bytes", ml.bytes)
		return
	case !ml.auto:
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var last int64
	tune := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		live := int64(sample[0].Value.Uint64())
		limit := live + max(autoMinHeadroom, live/2)
		// Set only on a change of more than an eighth: each setting
		// may start a collection.
		if last == 0 || limit > last+last/8 || limit < last-last/8 {
			debug.SetMemoryLimit(limit)
			if last == 0 || limit < last {
				// Hand back now what loading (or the generation
				// before) left free; the background scavenger
				// returns it only slowly.
				debug.FreeOSMemory()
			}
			last = limit
			log.Debug("memory soft limit", "live_heap", live, "limit", limit)
		}
	}
	// The first check waits too: the catalog and the model are still
	// loading when serve starts.
	every(ctx, autoEvery, tune)
}

// every runs fn every d, the first time after d, until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			fn()
		}
	}()
}

// releasePages calls release every autoEvery until ctx ends. The catalog
// keeps its records' prose in their mapped file
// (store.Catalog.ReleaseRecordPages): loading a generation and deriving
// its model read all of it, and each answer that shows an item reads its
// prose, the kernel mapping in the run of cached pages around it. Those
// pages count as the server's resident memory until it releases them; they
// stay in the page cache, so the next read of them costs a page fault, not
// a disk read.
func releasePages(ctx context.Context, release func()) { every(ctx, autoEvery, release) }
