package cache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/pdpath/pdpath/api/internal/redistest"
)

// backends returns every Cache implementation, so one behaviour suite runs
// against all of them.
func backends(t *testing.T) map[string]Cache {
	c := redistest.Client(t)
	return map[string]Cache{
		"memory": NewMemory(0),
		"redis":  NewRedis(c, RedisOptions{Prefix: redistest.Prefix(t, c)}),
	}
}

func TestBackends(t *testing.T) {
	ctx := context.Background()
	for name, c := range backends(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Get(ctx, "absent"); !errors.Is(err, ErrMiss) {
				t.Errorf("Get(absent) error = %v, want ErrMiss", err)
			}
			if err := c.Set(ctx, "k", []byte(`{"a":1}`), time.Minute); err != nil {
				t.Fatal(err)
			}
			got, err := c.Get(ctx, "k")
			if err != nil || string(got) != `{"a":1}` {
				t.Errorf("Get(k) = %q, %v", got, err)
			}
			if err := c.Set(ctx, "k", []byte(`2`), time.Minute); err != nil {
				t.Fatal(err)
			}
			if got, _ := c.Get(ctx, "k"); string(got) != "2" {
				t.Errorf("Get after overwrite = %q, want 2", got)
			}
			// Redis TTLs are whole milliseconds; expire quickly.
			if err := c.Set(ctx, "short", []byte("x"), 50*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			time.Sleep(120 * time.Millisecond)
			if _, err := c.Get(ctx, "short"); !errors.Is(err, ErrMiss) {
				t.Errorf("Get(expired) error = %v, want ErrMiss", err)
			}
		})
	}
}

func TestMemoryBound(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(100)
	for i := range 50 {
		m.Set(ctx, string(rune('a'+i)), make([]byte, 10), time.Minute)
	}
	m.mu.Lock()
	size := m.size
	m.mu.Unlock()
	if size > 100 || m.Len() > 10 {
		t.Errorf("memory cache holds %d bytes in %d entries, bound is 100 bytes", size, m.Len())
	}
	if err := m.Set(ctx, "huge", make([]byte, 101), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "huge"); !errors.Is(err, ErrMiss) {
		t.Error("a value over the whole bound was kept")
	}
}

// TestRedisFailsOpenAndRecovers stops Redis (a proxy in front of the real
// one) and checks that operations fail fast, are counted, skip Redis during
// the back-off, and that the cache is used again once Redis answers.
func TestRedisFailsOpenAndRecovers(t *testing.T) {
	ctx := context.Background()
	proxy := redistest.NewProxy(t)
	client, err := DialRedis(proxy.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	r := NewRedis(client, RedisOptions{Prefix: redistest.Prefix(t, redistest.Client(t)), Metrics: m})
	if err := r.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}

	proxy.Stop()
	// Each of the first failures waits at most one short timeout; after
	// tripAfter of them in a row Redis is skipped without being asked.
	for i := range tripAfter {
		start := time.Now()
		if _, err := r.Get(ctx, "k"); err == nil || errors.Is(err, ErrMiss) || errors.Is(err, ErrUnavailable) {
			t.Fatalf("Get %d with Redis stopped error = %v, want a Redis failure", i+1, err)
		}
		if took := time.Since(start); took > 5*time.Second { // hangs, not speed
			t.Errorf("a failed Get took %v; the timeouts should keep it well under a second", took)
		}
	}
	if r.Healthy() {
		t.Errorf("Healthy() after %d failures", tripAfter)
	}
	if _, err := r.Get(ctx, "k"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get during back-off error = %v, want ErrUnavailable", err)
	}
	if got := counterValue(t, reg, "pdpath_cache_backend_errors_total"); got != tripAfter {
		t.Errorf("backend errors counted %v, want %d", got, tripAfter)
	}
	if got := gaugeValue(t, reg, "pdpath_cache_backend_up"); got != 0 {
		t.Errorf("backend up = %v while Redis is stopped, want 0", got)
	}

	proxy.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err := r.Get(ctx, "k")
		if err == nil {
			if string(v) != "v" {
				t.Fatalf("Get after recovery = %q", v)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Redis cache did not recover: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !r.Healthy() {
		t.Error("not Healthy() after recovery")
	}
	if got := gaugeValue(t, reg, "pdpath_cache_backend_up"); got != 1 {
		t.Errorf("backend up = %v after recovery, want 1", got)
	}
}

func metricFamily(t *testing.T, reg *prometheus.Registry, name string) *dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf
		}
	}
	return nil
}

// counterValue sums a counter over its labels.
func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	var sum float64
	if mf := metricFamily(t, reg, name); mf != nil {
		for _, m := range mf.Metric {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

func gaugeValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mf := metricFamily(t, reg, name)
	if mf == nil || len(mf.Metric) == 0 {
		t.Fatalf("no metric %s", name)
	}
	return mf.Metric[0].GetGauge().GetValue()
}

// TestRedisSlow stalls Redis (connections accepted, nothing answered): each
// operation gives up after the short timeout instead of holding the request.
func TestRedisSlow(t *testing.T) {
	ctx := context.Background()
	proxy := redistest.NewProxy(t)
	client, err := DialRedis(proxy.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	r := NewRedis(client, RedisOptions{Prefix: redistest.Prefix(t, redistest.Client(t))})
	if err := r.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	proxy.Stall()
	for i := range tripAfter {
		start := time.Now()
		_, err := r.Get(ctx, "k")
		took := time.Since(start)
		if err == nil || errors.Is(err, ErrMiss) {
			t.Fatalf("Get %d from a stalled Redis: %v", i+1, err)
		}
		// Generous bound: this checks the call gives up rather than hangs,
		// not how fast it is, so a loaded machine does not fail it.
		if took > 30*DefaultOpTimeout {
			t.Errorf("Get %d from a stalled Redis took %v; it should give up after about %v", i+1, took, DefaultOpTimeout)
		}
	}
	if _, err := r.Get(ctx, "k"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get while skipping Redis: %v, want ErrUnavailable without trying", err)
	}
	proxy.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, err := r.Get(ctx, "k"); err == nil && string(v) == "v" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no recovery after the stall ended")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
