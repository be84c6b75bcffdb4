// Package tcpproxy gives tests a TCP proxy in front of a real server
// (Redis, PostgreSQL) that they can stop, stall and start again, to play
// an outage of the server without touching it.
package tcpproxy

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Proxy forwards TCP connections to a target address until stopped.
type Proxy struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	// stalled: connections are accepted and read, never answered.
	stalled bool
}

// New starts a proxy on a free loopback port in front of target
// (host:port); it is closed when the test ends.
func New(t testing.TB, target string) *Proxy {
	t.Helper()
	p := &Proxy{target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Stop)
	return p
}

// Addr is the proxy's host:port, to put in a client's URL.
func (p *Proxy) Addr() string { return p.addr }

// Stop closes the listener and every open connection: the server is gone.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.dropConns()
}

// Stall drops the open connections and answers nothing on new ones until
// Start: the server is there but hangs.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
	p.dropConns()
}

// Start listens again on the same address, or stops stalling: the server
// is back.
func (p *Proxy) Start(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	wasStalled, listening := p.stalled, p.ln != nil
	p.stalled = false
	p.dropConns()
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

// dropConns closes every open connection; p.mu is held.
func (p *Proxy) dropConns() {
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
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
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}
