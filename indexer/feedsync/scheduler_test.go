package feedsync

import (
	"context"
	"testing"
	"time"
)

func TestSchedulerRunsDueFeedsOnly(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := newFeedServer(t, csvOf(feedRows[0]))
	hourly := e.register(t, "agg", srv.URL+"/hourly.csv", time.Hour)
	synced := e.register(t, "agg", srv.URL+"/synced.csv", time.Hour)
	manual := e.register(t, "agg", srv.URL+"/manual.csv", 0)
	twoHourly := e.register(t, "other", srv.URL+"/two-hourly.csv", 2*time.Hour)
	// synced ran ten minutes ago, so it is not due yet.
	if _, err := e.syncer.Sync(ctx, "agg", synced.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)

	ticks := make(chan time.Time)
	runCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	s := NewScheduler(SchedulerConfig{Registry: e.reg, Syncer: e.syncer, Ticks: ticks, Now: e.clock.Now})
	go func() {
		s.Run(runCtx)
		close(stopped)
	}()
	// Run checks once on start; a tick is received only after a check
	// has finished, so each send below is a barrier.
	tick := func() {
		select {
		case ticks <- e.clock.Now():
		case <-time.After(30 * time.Second):
			t.Fatal("scheduler did not take a tick")
		}
	}
	runCounts := func() map[string]int {
		n := map[string]int{}
		for _, f := range []Feed{hourly, synced, manual, twoHourly} {
			runs, err := e.reg.Runs(ctx, f.Owner, f.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			n[f.URL[len(srv.URL)+1:]] = len(runs)
		}
		return n
	}
	check := func(when string, want map[string]int) {
		t.Helper()
		got := runCounts()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: runs %v, want %v", when, got, want)
				return
			}
		}
	}

	tick()
	check("at start", map[string]int{"hourly.csv": 1, "synced.csv": 1, "manual.csv": 0, "two-hourly.csv": 1})
	tick() // nothing is due a second time at the same instant
	check("same instant", map[string]int{"hourly.csv": 1, "synced.csv": 1, "manual.csv": 0, "two-hourly.csv": 1})

	e.clock.Advance(61 * time.Minute)
	tick()
	tick()
	check("61 minutes on", map[string]int{"hourly.csv": 2, "synced.csv": 2, "manual.csv": 0, "two-hourly.csv": 1})

	e.clock.Advance(60 * time.Minute)
	tick()
	tick()
	check("two hours on", map[string]int{"hourly.csv": 3, "synced.csv": 3, "manual.csv": 0, "two-hourly.csv": 2})

	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("scheduler did not stop on cancel")
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		f    Feed
		want bool
	}{
		{"on demand", Feed{}, false},
		{"on demand, run long ago", Feed{LastRun: now.Add(-1000 * time.Hour)}, false},
		{"never run", Feed{Every: time.Hour}, true},
		{"interval not over", Feed{Every: time.Hour, LastRun: now.Add(-59 * time.Minute)}, false},
		{"interval just over", Feed{Every: time.Hour, LastRun: now.Add(-time.Hour)}, true},
	}
	for _, test := range tests {
		if got := due(test.f, now); got != test.want {
			t.Errorf("%s: due = %v, want %v", test.name, got, test.want)
		}
	}
}
