// Package ratelimit holds the per-caller request limits the API enforces:
// Local, one golang.org/x/time/rate token bucket per caller in this
// process, and Redis, a GCRA limiter in Redis (github.com/go-redis/redis_rate)
// that every server sharing the Redis draws from, so a key's limit holds
// across replicas. Redis falls back to its Local limiter while Redis does
// not answer: limits then hold per server rather than not at all.
package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Limit is a token-bucket rate: Rate tokens a second refill a bucket
// holding at most Burst. A zero Rate means unlimited; Burst below 1 means 1.
type Limit struct {
	Rate  float64
	Burst int
}

// Limiter decides whether caller who may make one more request under l,
// and when refused, how long until it may.
type Limiter interface {
	Allow(ctx context.Context, who string, l Limit) (ok bool, wait time.Duration)
}

// Local keeps one token bucket per caller (a key id, or a client address
// for anonymous readers) in this process. It is safe for concurrent use.
type Local struct {
	now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

// NewLocal returns an empty limiter. now may be nil (time.Now); tests pass
// a fake clock.
func NewLocal(now func() time.Time) *Local {
	if now == nil {
		now = time.Now
	}
	return &Local{now: now, buckets: map[string]*bucket{}}
}

// Allow implements Limiter.
func (l *Local) Allow(_ context.Context, who string, lim Limit) (bool, time.Duration) {
	if lim.Rate <= 0 {
		return true, 0
	}
	burst := max(lim.Burst, 1)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[who]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(lim.Rate), burst)}
		l.buckets[who] = b
	} else if b.lim.Limit() != rate.Limit(lim.Rate) || b.lim.Burst() != burst {
		// The key's own limit changed.
		b.lim.SetLimitAt(now, rate.Limit(lim.Rate))
		b.lim.SetBurstAt(now, burst)
	}
	b.last = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets buckets idle long enough to be full again, so anonymous
// callers from many addresses do not grow the map for ever. It runs at most
// once a minute; forgetting a full bucket changes nothing, because a new
// bucket starts full.
func (l *Local) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for who, b := range l.buckets {
		full := time.Duration(float64(b.lim.Burst()) / float64(b.lim.Limit()) * float64(time.Second))
		if now.Sub(b.last) > full {
			delete(l.buckets, who)
		}
	}
}

// Redis draws every caller's tokens from Redis, shared by all servers that
// use the same Redis and prefix.
type Redis struct {
	rl       *redis_rate.Limiter
	prefix   string
	fallback *Local
	log      *slog.Logger
	down     atomic.Bool
}

// NewRedis returns a limiter keeping its state in client under keys that
// start with prefix. log may be nil.
func NewRedis(client redis.UniversalClient, prefix string, log *slog.Logger) *Redis {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Redis{rl: redis_rate.NewLimiter(client), prefix: prefix, fallback: NewLocal(nil), log: log}
}

// gcra turns l into redis_rate's integer form: Rate events a Period, with
// the same spacing between events as l.Rate a second.
func gcra(l Limit) redis_rate.Limit {
	burst := max(l.Burst, 1)
	if l.Rate == math.Trunc(l.Rate) && l.Rate >= 1 {
		return redis_rate.Limit{Rate: int(l.Rate), Burst: burst, Period: time.Second}
	}
	// Fractional rates: count in thousandths over 1000 s.
	return redis_rate.Limit{Rate: max(1, int(math.Round(l.Rate*1000))), Burst: burst, Period: 1000 * time.Second}
}

// Allow implements Limiter. While Redis fails, the request is judged by
// this server's own buckets and the failure logged once.
func (r *Redis) Allow(ctx context.Context, who string, l Limit) (bool, time.Duration) {
	if l.Rate <= 0 {
		return true, 0
	}
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	res, err := r.rl.Allow(ctx, r.prefix+who, gcra(l))
	if err != nil {
		if !r.down.Swap(true) {
			r.log.Warn("rate limits: redis does not answer; limiting per server until it does", "err", err)
		}
		return r.fallback.Allow(ctx, who, l)
	}
	if r.down.Swap(false) {
		r.log.Info("rate limits: redis answers again; limits are shared")
	}
	if res.Allowed > 0 {
		return true, 0
	}
	return false, max(res.RetryAfter, time.Millisecond)
}
