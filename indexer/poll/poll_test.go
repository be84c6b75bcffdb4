package poll

import (
	"context"
	"testing"
	"time"
)

func TestRunCallsOnImmediateTicksAndTriggers(t *testing.T) {
	tests := []struct {
		name      string
		immediate bool
		ticks     int
		triggers  int
		want      int
	}{
		{"nothing happens", false, 0, 0, 0},
		{"immediate only", true, 0, 0, 1},
		{"two ticks", false, 2, 0, 2},
		{"immediate, a tick and a trigger", true, 1, 1, 3},
		{"triggers only", false, 0, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			ticks := make(chan time.Time)
			trigger := make(chan struct{})
			calls := make(chan struct{}) // unbuffered: each call is seen before the next wake-up
			done := make(chan struct{})
			go func() {
				defer close(done)
				Run(ctx, Options{Immediate: tt.immediate, Ticks: ticks, Trigger: trigger}, func(context.Context) {
					calls <- struct{}{}
				})
			}()
			got := 0
			if tt.immediate {
				<-calls
				got++
			}
			for range tt.ticks {
				ticks <- time.Now()
				<-calls
				got++
			}
			for range tt.triggers {
				trigger <- struct{}{}
				<-calls
				got++
			}
			cancel()
			<-done
			select {
			case <-calls:
				got++
			default:
			}
			if got != tt.want {
				t.Errorf("calls = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRunReturnsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	Run(ctx, Options{Interval: time.Hour, Immediate: true}, func(context.Context) { called = true })
	if called {
		t.Error("f ran though ctx had already ended")
	}
}

func TestSpreadStaysWithinJitter(t *testing.T) {
	tests := []struct {
		jitter, u float64
		want      time.Duration
	}{
		{0, 0.5, 10 * time.Second},
		{0.1, 0, 9 * time.Second},
		{0.1, 0.5, 10 * time.Second},
		{0.1, 0.999999, 11 * time.Second},
		{-1, 0.3, 10 * time.Second},
		{5, 0, 100 * time.Millisecond}, // clamped: never zero
	}
	for _, tt := range tests {
		got := Spread(10*time.Second, tt.jitter, tt.u)
		if d := got - tt.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("Spread(10s, %v, %v) = %v, want %v", tt.jitter, tt.u, got, tt.want)
		}
	}
}
