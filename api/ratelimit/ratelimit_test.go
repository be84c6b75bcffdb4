package ratelimit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pdpath/pdpath/api/internal/redistest"
)

func TestLocal(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	lim := NewLocal(func() time.Time { return now })
	l := Limit{Rate: 2, Burst: 3}
	// A new bucket holds the burst.
	for i := range 3 {
		if ok, _ := lim.Allow(ctx, "a", l); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := lim.Allow(ctx, "a", l)
	if ok {
		t.Fatal("request beyond the burst allowed")
	}
	if wait <= 0 || wait > 500*time.Millisecond {
		t.Errorf("wait = %v, want (0, 500ms] at 2/s", wait)
	}
	// Other callers have their own buckets.
	if ok, _ := lim.Allow(ctx, "b", l); !ok {
		t.Error("another caller was refused")
	}
	// Half a second refills one token at 2/s.
	now = now.Add(500 * time.Millisecond)
	if ok, _ := lim.Allow(ctx, "a", l); !ok {
		t.Error("refilled token refused")
	}
	if ok, _ := lim.Allow(ctx, "a", l); ok {
		t.Error("second request after one refill allowed")
	}
	// Refill never exceeds the burst.
	now = now.Add(time.Hour)
	for i := range 3 {
		if ok, _ := lim.Allow(ctx, "a", l); !ok {
			t.Fatalf("request %d after a long idle refused", i+1)
		}
	}
	if ok, _ := lim.Allow(ctx, "a", l); ok {
		t.Error("bucket refilled beyond its burst")
	}
	// A zero rate is unlimited.
	for range 100 {
		if ok, _ := lim.Allow(ctx, "c", Limit{}); !ok {
			t.Fatal("unlimited caller refused")
		}
	}
}

func TestLocalForgetsIdleBuckets(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	lim := NewLocal(func() time.Time { return now })
	l := Limit{Rate: 1, Burst: 1}
	for i := range 100 {
		lim.Allow(ctx, string(rune('a'+i%26))+strings.Repeat("x", i), l)
	}
	now = now.Add(2 * time.Minute)
	lim.Allow(ctx, "fresh", l)
	lim.mu.Lock()
	n := len(lim.buckets)
	lim.mu.Unlock()
	if n != 1 {
		t.Errorf("%d buckets after the idle ones refilled, want 1", n)
	}
}

// TestRedisSharedAcrossServers: two limiters on one Redis (two servers)
// draw from one bucket per caller, so the burst holds across them.
func TestRedisSharedAcrossServers(t *testing.T) {
	ctx := context.Background()
	client := redistest.Client(t)
	prefix := redistest.Prefix(t, client)
	servers := []*Redis{NewRedis(client, prefix, nil), NewRedis(client, prefix, nil), NewRedis(client, prefix, nil)}
	tests := []struct {
		name  string
		limit Limit
	}{
		{"fractional rate", Limit{Rate: 0.01, Burst: 4}},
		{"whole rate", Limit{Rate: 1, Burst: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			who := "key_" + strings.ReplaceAll(tt.name, " ", "_")
			allowed := 0
			var lastWait time.Duration
			for i := range 9 {
				ok, wait := servers[i%len(servers)].Allow(ctx, who, tt.limit)
				if ok {
					allowed++
				} else {
					lastWait = wait
				}
			}
			// At most one token can refill during the loop at 1/s.
			if allowed < tt.limit.Burst || allowed > tt.limit.Burst+1 {
				t.Errorf("%d of 9 requests allowed across 3 servers, want the burst of %d", allowed, tt.limit.Burst)
			}
			if lastWait <= 0 {
				t.Errorf("refusal without a wait")
			}
			if ok, _ := servers[0].Allow(ctx, who+"_other", tt.limit); !ok {
				t.Error("another caller was refused")
			}
		})
	}
}

// TestRedisDownFallsBackToLocal: with Redis unreachable requests are still
// limited, by the server's own buckets.
func TestRedisDownFallsBackToLocal(t *testing.T) {
	ctx := context.Background()
	proxy := redistest.NewProxy(t)
	opt, err := redis.ParseURL(proxy.URL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	r := NewRedis(client, redistest.Prefix(t, redistest.Client(t)), nil)
	proxy.Stop()
	l := Limit{Rate: 0.01, Burst: 2}
	allowed := 0
	for range 5 {
		if ok, _ := r.Allow(ctx, "key_down", l); ok {
			allowed++
		}
	}
	if allowed != 2 {
		t.Errorf("%d of 5 allowed with Redis down, want the burst of 2", allowed)
	}
}
