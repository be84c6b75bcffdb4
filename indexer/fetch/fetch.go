// Package fetch downloads feed documents over HTTP(S) for the catalog: with
// size and time limits, conditional requests (ETag, If-Modified-Since) and a
// guard that refuses loopback, private, link-local and metadata addresses
// unless the policy allows them. The guard checks the address actually
// dialled, so DNS answers and redirects cannot route around it.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/pdpath/pdpath/indexer/derrors"
	"golang.org/x/net/idna"
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

// privateHint ends every refusal of a private address: it names the
// setting that allows them, for an operator whose feeds are on their own
// network.
const privateHint = " (pdpath serve fetches feeds on private or special-purpose networks only when started with --allow-private-feeds)"

// Get fetches rawURL. A non-2xx status other than 304 is an error.
func (c *Client) Get(ctx context.Context, rawURL string, cond Conditional) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q (want an http or https URL)", ErrBadURL, rawURL)
	}
	host, err := NormalizeHost(u.Hostname())
	if err != nil {
		return nil, err
	}
	if ip, perr := netip.ParseAddr(host); perr == nil && !c.policy.AllowPrivate && !Public(ip) {
		return nil, fmt.Errorf("%w: %s is not a public address%s", ErrBlockedAddress, u.Hostname(), privateHint)
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
		return nil, upstream(fmt.Errorf("fetch %s: %w", u.Redacted(), outward(err)))
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
	host, err := NormalizeHost(u.Hostname())
	if err != nil {
		return fmt.Errorf("%w: %q (the host name is not valid)", ErrBadURL, rawURL)
	}
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
			return fmt.Errorf("%w: feed host %s is or resolves to an address that is not public; this server does not fetch from private or special-purpose networks%s", ErrBlockedAddress, u.Hostname(), privateHint)
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
		return fmt.Errorf("%w: the feed host's address is not public%s", ErrBlockedAddress, privateHint)
	}
	return nil
}

// outward rewrites a request error for the people who registered the feed:
// what went wrong with their host, without this server's own resolver or
// network details. The cause's kind stays testable with errors.Is.
func outward(err error) error {
	var dns *net.DNSError
	switch {
	case errors.Is(err, ErrBlockedAddress):
		return fmt.Errorf("%w: the feed host's address is not public%s", ErrBlockedAddress, privateHint)
	case errors.As(err, &dns):
		switch {
		case dns.IsNotFound:
			return fmt.Errorf("host %s not found", dns.Name)
		case dns.IsTimeout:
			return fmt.Errorf("looking up host %s timed out", dns.Name)
		default:
			return fmt.Errorf("looking up host %s failed", dns.Name)
		}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// special lists the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (RFC 6890 and its updates) and the multicast and reserved blocks: none of
// them is a feed host on the public internet. Blocks that embed or stand for
// another address (IPv4-compatible and -translated IPv6, 6to4, Teredo,
// NAT64) are refused whole rather than decoded, since what they reach
// depends on gateways this server cannot see.
var special = []netip.Prefix{
	// IPv4.
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("10.0.0.0/8"),      // private
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier-grade NAT)
	netip.MustParsePrefix("127.0.0.0/8"),     // loopback
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, cloud metadata
	netip.MustParsePrefix("172.16.0.0/12"),   // private
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (TEST-NET-1)
	netip.MustParsePrefix("192.31.196.0/24"), // AS112-v4
	netip.MustParsePrefix("192.52.193.0/24"), // AMT
	netip.MustParsePrefix("192.88.99.0/24"),  // deprecated 6to4 relay anycast
	netip.MustParsePrefix("192.168.0.0/16"),  // private
	netip.MustParsePrefix("192.175.48.0/24"), // AS112 direct delegation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation (TEST-NET-2)
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation (TEST-NET-3)
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the limited broadcast address

	// IPv6. Everything outside 2000::/3 is refused by Public before this
	// list: ::/128, ::1/128, ::/96 (IPv4-compatible), ::ffff:0:0/96
	// (IPv4-mapped), ::ffff:0:0:0/96 (IPv4-translated), 64:ff9b::/96 and
	// 64:ff9b:1::/48 (NAT64), 100::/64 (discard-only), 100:0:0:1::/64
	// (dummy prefix), 5f00::/16 (SRv6 SIDs), fc00::/7 (unique local),
	// fe80::/10 (link-local), fec0::/10 (site-local), ff00::/8
	// (multicast). Inside 2000::/3:
	netip.MustParsePrefix("2001::/23"),         // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID, AMT, ...
	netip.MustParsePrefix("2001:db8::/32"),     // documentation
	netip.MustParsePrefix("2002::/16"),         // 6to4, which embeds an IPv4 address
	netip.MustParsePrefix("2620:4f:8000::/48"), // AS112 direct delegation
	netip.MustParsePrefix("3fff::/20"),         // documentation
}

// globalUnicast6 is the IPv6 global unicast space; nothing outside it is
// a public host.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// Public reports whether ip is a routable public unicast address: in no
// block of the special-purpose registries (loopback, private, link-local
// — which holds cloud metadata endpoints such as 169.254.169.254 —,
// documentation, translation and tunnelling prefixes, multicast,
// reserved). An IPv4-mapped IPv6 address is judged as the IPv4 address
// it maps.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return false
	}
	for _, p := range special {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// NormalizeHost returns host as the resolver and the dialler will see it:
// an internationalised name in its ASCII (IDNA) form, with full-width
// digits, dots and letters mapped to ASCII, and an IP literal in its
// canonical form. A host whose last label is numeric must be a dotted
// IPv4 address: the shorthand and hexadecimal forms some resolvers accept
// ("127.1", "0x7f.0.0.1", "2130706433") are refused, so no check can be
// routed around by spelling.
func NormalizeHost(host string) (string, error) {
	h := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "."), "["), "]")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.String(), nil
	}
	ascii, err := idna.Lookup.ToASCII(h)
	if err != nil || ascii == "" {
		return "", fmt.Errorf("%w: host %q is not a valid host name", ErrBadURL, host)
	}
	ascii = strings.ToLower(strings.TrimSuffix(ascii, "."))
	if ip, err := netip.ParseAddr(ascii); err == nil {
		return ip.String(), nil
	}
	labels := strings.Split(ascii, ".")
	last := labels[len(labels)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x") {
		return "", fmt.Errorf("%w: host %q is not a dotted IPv4 address nor a name", ErrBadURL, host)
	}
	return ascii, nil
}
