// Package poll owns the one periodic loop the module's background work
// shares: run a function every interval until the context ends, optionally
// at once, early on a trigger (a NOTIFY), and with jitter so replicas do
// not poll in step.
package poll

import (
	"context"
	"math/rand/v2"
	"time"
)

// Options says when Run calls its function.
type Options struct {
	// Interval is the wait between two calls; it must be positive unless
	// Ticks is set.
	Interval time.Duration
	// Jitter, in [0, 1), spreads each wait uniformly over
	// Interval·(1±Jitter). 0 keeps a fixed period.
	Jitter float64
	// Immediate calls the function once before the first wait.
	Immediate bool
	// Trigger, when set, calls the function as soon as it receives, without
	// waiting for the interval (e.g. on a database notification).
	Trigger <-chan struct{}
	// Ticks, when set, replaces the interval timer (for tests).
	Ticks <-chan time.Time
}

// Run calls f on the schedule o describes until ctx ends. Calls never
// overlap: a wait starts after f returns (with a fixed period, ticks that
// fall during a slow call are dropped, as with time.Ticker).
func Run(ctx context.Context, o Options, f func(context.Context)) {
	next := o.timer()
	defer next.stop()
	if o.Immediate && ctx.Err() == nil {
		f(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-next.c:
		case <-o.Trigger:
		}
		if ctx.Err() != nil {
			return
		}
		f(ctx)
		next.rearm()
	}
}

// clock is the source of Run's wake-ups.
type clock struct {
	c     <-chan time.Time
	stop  func()
	rearm func()
}

func (o Options) timer() clock {
	if o.Ticks != nil {
		return clock{c: o.Ticks, stop: func() {}, rearm: func() {}}
	}
	if o.Jitter <= 0 {
		t := time.NewTicker(o.Interval)
		return clock{c: t.C, stop: t.Stop, rearm: func() {}}
	}
	t := time.NewTimer(Spread(o.Interval, o.Jitter, rand.Float64()))
	return clock{c: t.C, stop: func() { t.Stop() }, rearm: func() { t.Reset(Spread(o.Interval, o.Jitter, rand.Float64())) }}
}

// Spread maps u in [0, 1) onto [d·(1−jitter), d·(1+jitter)); jitter is
// clamped to [0, 1) so a wait is never zero or negative.
func Spread(d time.Duration, jitter, u float64) time.Duration {
	jitter = min(max(jitter, 0), 0.99)
	return time.Duration(float64(d) * (1 - jitter + 2*jitter*u))
}
