package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Timeouts for a cache in front of work that takes milliseconds to a few
// hundred: waiting on a slow Redis longer than this costs more than
// computing the answer. They are not tighter because on a busy machine a
// healthy Redis answering dozens of connections at once can take 100 ms;
// a cache that turned itself off then would send every request to the
// ranker exactly when the machine can least afford it.
const (
	// DefaultOpTimeout bounds one Get or Set, dialling included (for a
	// Get through a DialRedis client: each of its dial, pool wait, write
	// and read).
	DefaultOpTimeout = 250 * time.Millisecond
	dialTimeout      = 250 * time.Millisecond
	ioTimeout        = 250 * time.Millisecond
	// minBackoff and maxBackoff bound how long a failed Redis is skipped
	// before it is asked again.
	minBackoff = 250 * time.Millisecond
	maxBackoff = 5 * time.Second
	// tripAfter is how many operations in a row must fail before Redis is
	// skipped: one slow answer under a load spike should not turn the
	// cache off, while a Redis that is gone costs only this many timeouts.
	tripAfter = 3
)

// DialRedis returns a client for a redis:// or rediss:// URL with the short
// timeouts a cache needs and no retries (a retry doubles the wait for an
// answer that is only an optimisation). It does not contact the server.
func DialRedis(rawURL string) (*redis.Client, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("cache: redis URL: %w", err)
	}
	opt.DialTimeout = dialTimeout
	opt.ReadTimeout = ioTimeout
	opt.WriteTimeout = ioTimeout
	opt.PoolTimeout = ioTimeout
	opt.MaxRetries = -1
	opt.DialerRetries = 1
	opt.DialerRetryTimeout = 10 * time.Millisecond
	opt.ContextTimeoutEnabled = true
	return redis.NewClient(opt), nil
}

// RedisOptions configure a Redis cache.
type RedisOptions struct {
	// Prefix starts every key, so several deployments (or tests) can share
	// one Redis database.
	Prefix string
	// OpTimeout bounds each operation; 0 means DefaultOpTimeout.
	OpTimeout time.Duration
	Logger    *slog.Logger
	Metrics   *Metrics
}

// Redis is a Cache in Redis that fails open: after three errors in a row it
// skips Redis (returning ErrUnavailable at once) for a back-off that doubles
// up to 5 s while failures continue, then tries again, so a Redis that is down or slow
// costs requests at most one short timeout per back-off and is used again as
// soon as it answers. Going down and coming back are logged once each.
type Redis struct {
	client    *redis.Client
	prefix    string
	opTimeout time.Duration
	log       *slog.Logger
	metrics   *Metrics

	// skipUntil is the UnixNano before which Redis is not asked; 0 while
	// it is healthy. Read on every request, so it is an atomic.
	skipUntil atomic.Int64
	// failures counts operations failed in a row; 0 on the healthy path,
	// so success costs one atomic load.
	failures atomic.Int64
	mu       sync.Mutex
	backoff  time.Duration
	down     bool

	// clientBounded is set when the client's dial, pool, read and write
	// timeouts are each at most opTimeout (DialRedis makes such clients).
	clientBounded bool
}

// NewRedis returns a cache on client.
func NewRedis(client *redis.Client, opts RedisOptions) *Redis {
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = DefaultOpTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Redis{client: client, prefix: opts.Prefix, opTimeout: opts.OpTimeout, log: opts.Logger, metrics: opts.Metrics}
	co := client.Options()
	within := func(d time.Duration) bool { return d > 0 && d <= opts.OpTimeout }
	// A read on a pooled connection is bounded by the client's own
	// timeouts when it has them: a deadline per Get (a timer and two
	// allocations on the cached path's hottest call) adds nothing then.
	r.clientBounded = within(co.ReadTimeout) && within(co.WriteTimeout) && within(co.PoolTimeout) && within(co.DialTimeout)
	opts.Metrics.backendUp(r.Name(), true)
	return r
}

// Name returns "redis".
func (r *Redis) Name() string { return "redis" }

// Client returns the underlying client.
func (r *Redis) Client() *redis.Client { return r.client }

// Healthy reports whether Redis answered the last time it was asked.
func (r *Redis) Healthy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.down
}

// Get implements Cache.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	if r.skipping() {
		return nil, ErrUnavailable
	}
	if _, has := ctx.Deadline(); !r.clientBounded || has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.opTimeout)
		defer cancel()
	}
	v, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		r.succeeded()
		return nil, ErrMiss
	}
	if err != nil {
		return nil, r.failed("get", err)
	}
	r.succeeded()
	return v, nil
}

// Set implements Cache.
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if r.skipping() {
		return ErrUnavailable
	}
	// The response is already computed; a caller that went away while it
	// was must not stop it being kept for the next one.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opTimeout)
	defer cancel()
	if err := r.client.Set(ctx, r.prefix+key, value, ttl).Err(); err != nil {
		return r.failed("set", err)
	}
	r.succeeded()
	return nil
}

// Ping asks Redis directly, bypassing the back-off, and updates the state.
func (r *Redis) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opTimeout)
	defer cancel()
	if err := r.client.Ping(ctx).Err(); err != nil {
		return r.failed("ping", err)
	}
	r.succeeded()
	return nil
}

// skipping reports whether to leave Redis alone. Once a back-off has
// passed, exactly one caller (the one that moves skipUntil on) asks Redis
// again while the others keep skipping, so a Redis still down costs one
// timeout per back-off rather than one per concurrent request.
func (r *Redis) skipping() bool {
	until := r.skipUntil.Load()
	if until == 0 {
		return false
	}
	now := time.Now().UnixNano()
	if now < until {
		return true
	}
	probeWindow := int64(2 * r.opTimeout)
	return !r.skipUntil.CompareAndSwap(until, now+probeWindow)
}

// failed records a failed operation and starts or lengthens the back-off.
// A caller that gave up (its request was cancelled) says nothing about
// Redis, so that is passed through without counting.
func (r *Redis) failed(op string, err error) error {
	if errors.Is(err, context.Canceled) {
		// Our own timeout reports DeadlineExceeded; Canceled is the
		// caller leaving.
		return fmt.Errorf("cache: redis %s: %w", op, err)
	}
	r.metrics.backendError(r.Name(), op)
	// A probe after a back-off that fails re-arms it at once.
	if n := r.failures.Add(1); n < tripAfter && r.Healthy() {
		return fmt.Errorf("cache: redis %s: %w", op, err)
	}
	r.mu.Lock()
	if r.down {
		r.backoff = min(2*r.backoff, maxBackoff)
	} else {
		r.backoff = minBackoff
	}
	wasDown := r.down
	r.down = true
	r.skipUntil.Store(time.Now().Add(r.backoff).UnixNano())
	backoff := r.backoff
	r.mu.Unlock()
	if !wasDown {
		r.metrics.backendUp(r.Name(), false)
		r.log.Warn("redis cache unavailable; serving uncached until it answers", "op", op, "err", err, "retry_in", backoff)
	}
	return fmt.Errorf("cache: redis %s: %w", op, err)
}

func (r *Redis) succeeded() {
	if r.failures.Load() != 0 {
		r.failures.Store(0)
	}
	if r.skipUntil.Load() == 0 {
		return
	}
	r.mu.Lock()
	wasDown := r.down
	r.down, r.backoff = false, 0
	r.skipUntil.Store(0)
	r.mu.Unlock()
	if wasDown {
		r.metrics.backendUp(r.Name(), true)
		r.log.Info("redis cache answering again")
	}
}
