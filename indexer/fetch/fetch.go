// Package fetch downloads feed documents over HTTP(S) for the catalog: with
// size and time limits, conditional requests (ETag, If-Modified-Since) and a
// guard that refuses loopback, private, link-local and metadata addresses
// unless the policy allows them. The guard checks the address actually
// dialled, so DNS answers and redirects cannot route around it.
package fetch

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/pdpath/pdpath/indexer/derrors"
)

// Errors callers may test with errors.Is.
var (
	ErrBlockedAddress = derrors.New(derrors.Invalid, "fetch: address not allowed")
	ErrTooLarge       = derrors.New(derrors.Upstream, "fetch: response too large")
	ErrBadURL         = derrors.New(derrors.Invalid, "fetch: bad URL")
)

// Policy sets a client's limits.
type Policy struct {
	// AllowPrivate permits loopback, private, link-local and other
	// non-public addresses (for a feed on the operator's own network).
	AllowPrivate bool
	// MaxBytes caps a response body; 0 means 64 MiB.
	MaxBytes int64
	// Timeout caps a whole request, redirects included; 0 means 60 s.
	Timeout time.Duration
	// MaxRedirects caps redirects followed; 0 means 5.
	MaxRedirects int
}

// Client fetches feed documents under a Policy.
type Client struct {
	policy Policy
	http   *http.Client
}

// New returns a client enforcing p.
func New(p Policy) *Client {
	if p.MaxBytes <= 0 {
		p.MaxBytes = 64 << 20
	}
	if p.Timeout <= 0 {
		p.Timeout = 60 * time.Second
	}
	if p.MaxRedirects <= 0 {
		p.MaxRedirects = 5
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		dialer.Control = guard
	}
	transport := &http.Transport{
		// No proxy: the guard must see the feed's own address.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		MaxIdleConns:          10,
		IdleConnTimeout:       60 * time.Second,
	}
	c := &Client{policy: p}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   p.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= p.MaxRedirects {
				return fmt.Errorf("fetch: stopped after %d redirects", len(via))
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: redirect to %q", ErrBadURL, req.URL.Scheme)
			}
			return nil
		},
	}
	return c
}

// Conditional carries the validators of a previous response.
type Conditional struct {
	ETag         string
	LastModified string
}

// Response is a fetched document. NotModified is set (and Data empty) when
// the server answered 304 to a conditional request.
type Response struct {
	Data         []byte
	ETag         string
	LastModified string
	NotModified  bool
}

// Get fetches rawURL. A non-2xx status other than 304 is an error.
func (c *Client) Get(ctx context.Context, rawURL string, cond Conditional) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q (want an http or https URL)", ErrBadURL, rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("Accept", "application/ld+json, application/json, text/csv;q=0.9, */*;q=0.5")
	req.Header.Set("User-Agent", "pdpath-feed-sync/1")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, upstream(fmt.Errorf("fetch %s: %w", rawURL, err))
	}
	defer resp.Body.Close()
	out := &Response{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, derrors.Wrap(derrors.Upstream, fmt.Errorf("fetch %s: HTTP %s", rawURL, resp.Status))
	}
	if resp.ContentLength > c.policy.MaxBytes {
		return nil, fmt.Errorf("%w: %s declares %d bytes, limit %d", ErrTooLarge, rawURL, resp.ContentLength, c.policy.MaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.policy.MaxBytes+1))
	if err != nil {
		return nil, upstream(fmt.Errorf("fetch %s: read body: %w", rawURL, err))
	}
	if int64(len(data)) > c.policy.MaxBytes {
		return nil, fmt.Errorf("%w: %s is over %d bytes", ErrTooLarge, rawURL, c.policy.MaxBytes)
	}
	out.Data = data
	return out, nil
}

// upstream marks a failure to reach or read the feed as the issuer's
// (derrors.Upstream) unless something in its chain already says what it
// is, such as a blocked address.
func upstream(err error) error {
	if derrors.KindOf(err) != derrors.Internal {
		return err
	}
	return derrors.Wrap(derrors.Upstream, err)
}

// CheckURL applies the client's address policy to rawURL before any
// request, for an early, clear answer when a feed is registered: a host
// that is, or now resolves to, a non-public address is ErrBlockedAddress
// unless the policy allows private addresses. A name that does not resolve
// passes, since the address dialled is checked again at every fetch (a
// name's address can change after this check).
func (c *Client) CheckURL(ctx context.Context, rawURL string) error {
	if c.policy.AllowPrivate {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("%w: %q (want an http or https URL)", ErrBadURL, rawURL)
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		lctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		addrs, err = net.DefaultResolver.LookupNetIP(lctx, "ip", host)
		if err != nil {
			return nil
		}
	}
	for _, a := range addrs {
		if !Public(a) {
			return fmt.Errorf("%w: feed host %s is %s, not a public address; this server does not fetch from private networks", ErrBlockedAddress, host, a)
		}
	}
	return nil
}

// guard is a net.Dialer Control hook: it runs after DNS resolution, on the
// address about to be dialled, for the first request and every redirect.
func guard(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	if !Public(ip) {
		return fmt.Errorf("%w: %s is not a public address (pdpath serve fetches feeds on private networks only with --allow-private-feeds)", ErrBlockedAddress, ip)
	}
	return nil
}

// nonPublic lists ranges that are never a public feed host beyond what the
// netip predicates cover: carrier-grade NAT, benchmarking, documentation and
// reserved blocks, and the NAT64 well-known prefix.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// Public reports whether ip is a routable public unicast address: not
// loopback, private, link-local (which holds cloud metadata endpoints such
// as 169.254.169.254), multicast, unspecified or reserved.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
