package pgdbtest

import (
	"net/url"
	"testing"

	"github.com/pdpath/pdpath/indexer/tcpproxy"
)

// Proxy forwards TCP connections to the test PostgreSQL until stopped, so
// a test can play an outage of the real server without touching it.
type Proxy struct{ *tcpproxy.Proxy }

// NewProxy starts a proxy in front of the server dsn names; it is closed
// when the test ends.
func NewProxy(t testing.TB, dsn string) *Proxy {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("proxy: %q is not a URL: %v", dsn, err)
	}
	return &Proxy{tcpproxy.New(t, u.Host)}
}

// DSN returns dsn with its host replaced by the proxy's address.
func (p *Proxy) DSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Host = p.Addr()
	return u.String()
}
