package auth

import (
	"math"
	"sync"
	"time"
)

// Limit is a token-bucket rate: Rate tokens a second refill a bucket holding
// at most Burst. A zero Rate means unlimited.
type Limit struct {
	Rate  float64
	Burst int
}

// Limiter keeps one token bucket per caller (a key id, or a client address
// for anonymous readers). It is safe for concurrent use.
type Limiter struct {
	now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
	// full is how long this bucket takes to refill from empty under the
	// limit it last saw.
	full time.Duration
}

// NewLimiter returns an empty limiter. now may be nil (time.Now); tests pass
// a fake clock.
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token from who's bucket under limit l. When none is left it
// reports false and how long until one will be.
func (lim *Limiter) Allow(who string, l Limit) (bool, time.Duration) {
	if l.Rate <= 0 {
		return true, 0
	}
	burst := float64(max(l.Burst, 1))
	now := lim.now()
	lim.mu.Lock()
	defer lim.mu.Unlock()
	lim.sweep(now)
	b, ok := lim.buckets[who]
	if !ok {
		b = &bucket{tokens: burst, last: now}
		lim.buckets[who] = b
	}
	b.full = time.Duration(burst / l.Rate * float64(time.Second))
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(burst, b.tokens+elapsed*l.Rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
	return false, wait
}

// sweep forgets buckets idle long enough to be full again, so anonymous
// callers from many addresses do not grow the map for ever. It runs at most
// once a minute; forgetting a full bucket changes nothing, because a new
// bucket starts full.
func (lim *Limiter) sweep(now time.Time) {
	if now.Sub(lim.lastSweep) < time.Minute {
		return
	}
	lim.lastSweep = now
	for who, b := range lim.buckets {
		if now.Sub(b.last) > b.full {
			delete(lim.buckets, who)
		}
	}
}
