// Package cache is pdpath's response cache: a small byte-value cache
// interface with a Redis implementation (short timeouts, fails open, recovers
// by itself) and an in-process one for running without Redis, plus the one
// Gin middleware that caches JSON responses under keys scoped by catalog
// version, with TTL jitter, singleflight for concurrent identical misses, an
// X-Cache header and Prometheus metrics.
package cache

import (
	"context"
	"errors"
	"time"
)

// Cache stores byte values with a time to live. Implementations are safe for
// concurrent use. A Cache is an optimisation: callers treat every error as a
// miss and carry on without it.
type Cache interface {
	// Get returns the value stored under key, or ErrMiss.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key for ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Name says which backend this is ("redis", "memory"), for logs and
	// metrics.
	Name() string
}

// Errors callers may test with errors.Is.
var (
	// ErrMiss means the key holds no value.
	ErrMiss = errors.New("cache: miss")
	// ErrUnavailable means the backend is known to be down and was not
	// asked; it is asked again after a back-off.
	ErrUnavailable = errors.New("cache: backend unavailable")
)
