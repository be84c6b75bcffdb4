package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestPublic reproduces addresses that embed or stand for local ones
// passing the public-address check.
func TestPublic(t *testing.T) {
	blocked := []string{
		"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
		"192.0.0.170", "192.0.2.1", "192.88.99.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1",
		"240.0.0.1", "255.255.255.255", "192.31.196.1", "192.52.193.1", "192.175.48.1",
		"::", "::1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:0:7f00:1", "64:ff9b::7f00:1", "64:ff9b:1::1",
		"100::1", "100:0:0:1::1", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1", "2001:10::1",
		"2001:db8::1", "2002:7f00:1::1", "2002:a00:1::1", "2620:4f:8000::1", "3fff::1", "5f00::1",
		"fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "fe80::1%eth0",
	}
	public := []string{"93.184.215.14", "8.8.8.8", "1.1.1.1", "::ffff:8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "2001:4860:4860::8888"}
	for _, s := range blocked {
		if Public(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as public", s)
		}
	}
	for _, s := range public {
		if !Public(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as not public", s)
		}
	}
}

// TestNormalizeHost reproduces full-width digits and numeric shorthands
// passing a check made on the host as written.
func TestNormalizeHost(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"example.org", "example.org", false},
		{"EXAMPLE.org.", "example.org", false},
		{"ｅｘａｍｐｌｅ.org", "example.org", false},
		{"bücher.example", "xn--bcher-kva.example", false},
		{"１２７.０.０.１", "127.0.0.1", false},
		{"127。0。0。1", "127.0.0.1", false},
		{"[::1]", "::1", false},
		{"::ffff:127.0.0.1", "::ffff:127.0.0.1", false},
		{"127.1", "", true},
		{"2130706433", "", true},
		{"0x7f.0.0.1", "", true},
		{"0x7f000001", "", true},
		{"exa mple.org", "", true},
	}
	for _, tt := range tests {
		got, err := NormalizeHost(tt.in)
		if tt.bad {
			if err == nil || !errors.Is(err, ErrBadURL) {
				t.Errorf("NormalizeHost(%q) = %q, %v; want ErrBadURL", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestGetRefusesSpelledLoopback reproduces loopback reached through
// another spelling: no connection is made.
func TestGetRefusesSpelledLoopback(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	c := New(Policy{Timeout: 5 * time.Second})
	for _, host := range []string{"127.0.0.1", "１２７.０.０.１", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "127.1", "localhost"} {
		_, err := c.Get(context.Background(), "http://"+host+port+"/feed.csv", Conditional{})
		if !errors.Is(err, ErrBlockedAddress) && !errors.Is(err, ErrBadURL) {
			t.Errorf("%s: err %v, want refused", host, err)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was reached %d times", hits)
	}
}

// TestErrorsRevealNoResolver reproduces fetch errors naming the server's
// DNS resolver.
func TestErrorsRevealNoResolver(t *testing.T) {
	c := New(Policy{Timeout: 5 * time.Second})
	_, err := c.Get(context.Background(), "http://no-such-host.invalid/feed.csv", Conditional{})
	if err == nil {
		t.Fatal("fetch of an unresolvable host succeeded")
	}
	if strings.Contains(err.Error(), ":53") || strings.Contains(err.Error(), " on ") {
		t.Errorf("error names the resolver: %v", err)
	}
}
