// Package redistest gives pdpath's tests the real Redis the machine runs:
// the URL from PDPATH_TEST_REDIS (set by `make test`) or
// redis://127.0.0.1:6379/15, a key prefix of their own so packages testing
// in parallel never see each other's keys, and a TCP proxy in front of
// Redis that a test can stop and start to play an outage.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pdpath/pdpath/indexer/tcpproxy"
)

// DefaultURL is used when PDPATH_TEST_REDIS is unset: database 15, which
// development machines leave to tests.
const DefaultURL = "redis://127.0.0.1:6379/15"

// URL returns the Redis the tests use.
func URL() string {
	if u := os.Getenv("PDPATH_TEST_REDIS"); u != "" {
		return u
	}
	return DefaultURL
}

// Client returns a client for the test Redis and fails the test — it does
// not skip it — when Redis does not answer: a cache that is never tested
// against Redis is not tested.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("PDPATH_TEST_REDIS=%q: %v", URL(), err)
	}
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		t.Fatalf("these tests need Redis at %s and it does not answer (%v).\n"+
			"Run them with `make test`, which starts one when redis-server is installed,\n"+
			"or start Redis yourself (apt-get install redis-server; brew install redis)\n"+
			"and set PDPATH_TEST_REDIS=redis://HOST:PORT/DB if it is not on 127.0.0.1:6379.", URL(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Prefix returns a key prefix unique to this test, and deletes the test's
// keys when it ends.
func Prefix(t testing.TB, c *redis.Client) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	p := "pdpath-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, p+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return p
}

// Proxy forwards TCP connections to the test Redis until stopped (see
// package tcpproxy: Stop, Stall and Start play an outage).
type Proxy struct{ *tcpproxy.Proxy }

// NewProxy starts a proxy in front of the test Redis; it is closed when the
// test ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	u, err := url.Parse(URL())
	if err != nil {
		t.Fatal(err)
	}
	return &Proxy{tcpproxy.New(t, u.Host)}
}

// URL returns the proxied Redis URL (same database as URL()).
func (p *Proxy) URL() string {
	u, _ := url.Parse(URL())
	u.Host = p.Addr()
	return u.String()
}
