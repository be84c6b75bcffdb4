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
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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

// Proxy forwards TCP connections to the test Redis until stopped.
type Proxy struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	// stalled: connections are accepted and read, never answered.
	stalled bool
}

// NewProxy starts a proxy in front of the test Redis; it is closed when the
// test ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	u, err := url.Parse(URL())
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: u.Host, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Stop)
	return p
}

// URL returns the proxied Redis URL (same database as URL()).
func (p *Proxy) URL() string {
	u, _ := url.Parse(URL())
	u.Host = p.addr
	return u.String()
}

// Stop closes the listener and every open connection: Redis is gone.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// Stall drops the open connections and answers nothing on new ones until
// Start: Redis is there but hangs.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// Start listens again on the same address, or stops stalling: Redis is back.
func (p *Proxy) Start(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	wasStalled, listening := p.stalled, p.ln != nil
	p.stalled = false
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
	p.mu.Unlock()
	if wasStalled && listening {
		return
	}
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.stalled {
				p.conns[in] = true
				p.mu.Unlock()
				go io.Copy(io.Discard, in)
				continue
			}
			p.mu.Unlock()
			out, err := net.Dial("tcp", p.target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln {
				p.mu.Unlock()
				in.Close()
				out.Close()
				return
			}
			p.conns[in], p.conns[out] = true, true
			p.mu.Unlock()
			go pipe(in, out)
			go pipe(out, in)
		}
	}()
}

func pipe(dst, src net.Conn) {
	io.Copy(dst, src)
	dst.Close()
	src.Close()
}
