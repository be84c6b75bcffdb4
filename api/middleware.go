package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/api/ratelimit"
	"github.com/pdpath/pdpath/api/web"
	"github.com/pdpath/pdpath/indexer/auth"
)

// ctxRequest is the Gin context key of a request's *requestState.
const ctxRequest = "pdpath.request"

// requestState is what the middleware learns about one request: its id
// and its caller. One value under one key, so a request allocates it once
// rather than a boxed value for each.
type requestState struct {
	// id is X-Request-ID's value as the response header holds it (one
	// element, shared with the header map); id[0] is the id.
	id     [1]string
	caller principal
}

// principal is who is calling: a key, or an anonymous reader.
type principal struct {
	// ID is the key id, or "anon:ADDRESS"; it owns saved pathways and
	// feeds and names the rate-limit bucket.
	ID   string
	Role auth.Role
	// Key is the stored key; zero for anonymous readers.
	Key       auth.Key
	Anonymous bool
}

func stateOf(c *gin.Context) *requestState {
	v, _ := c.Get(ctxRequest)
	st, _ := v.(*requestState)
	return st
}

func requestID(c *gin.Context) string {
	if st := stateOf(c); st != nil {
		return st.id[0]
	}
	return ""
}

func caller(c *gin.Context) principal {
	if st := stateOf(c); st != nil {
		return st.caller
	}
	return principal{}
}

// setCaller records who require admitted.
func setCaller(c *gin.Context, p principal) {
	st := stateOf(c)
	if st == nil {
		st = &requestState{}
		c.Set(ctxRequest, st)
	}
	st.caller = p
}

// withRequestID gives every request an id, echoed in X-Request-ID and
// written in every log line about it. A well-formed incoming id (from a
// proxy) is kept so logs on both sides match.
func (s *Server) withRequestID(c *gin.Context) {
	st := &requestState{}
	// Indexed under the canonical name: GetHeader would canonicalize
	// "X-Request-ID" (and allocate) on every request.
	id := firstValue(c.Request.Header[requestIDHeader])
	if !validRequestID(id) {
		var buf [32]byte
		id = string(strconv.AppendUint(append(buf[:0], requestIDPrefix...), requestCounter.Add(1), 36))
	}
	st.id[0] = id
	c.Set(ctxRequest, st)
	// The canonical spelling, set directly: Header.Set would canonicalize
	// (and copy) the name on every request.
	c.Writer.Header()[requestIDHeader] = st.id[:]
	c.Next()
}

// Request ids are a random prefix per process and a counter: unique across
// restarts and servers for correlating logs, and far cheaper per request
// than reading random bytes (ids are not secrets).
var (
	requestIDHeader = http.CanonicalHeaderKey("X-Request-ID")
	requestIDPrefix = func() string {
		var b [4]byte
		rand.Read(b[:])
		return hex.EncodeToString(b[:]) + "-"
	}()
	requestCounter atomic.Uint64
)

// firstValue is a header's first value, "" when it has none: Header.Get
// for a name already in canonical form, without canonicalizing it again.
func firstValue(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// observe logs one line per request and records its latency by route
// pattern (never the raw path, which would explode the label set).
// Answers served whole from the response cache are logged at debug level:
// they are the bulk of a busy server's traffic, cost a few microseconds
// each, and formatting a line for each was a noticeable share of that; the
// request metrics and the cache's hit counter still count every one.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.observeRequest(route, c.Request.Method, status, elapsed.Seconds())
	level := slog.LevelInfo
	xc := firstValue(c.Writer.Header()[cache.HeaderName])
	switch {
	case status >= 500 && status != http.StatusServiceUnavailable:
		level = slog.LevelWarn
	case xc == "hit":
		level = slog.LevelDebug
	}
	if !s.log.Enabled(c.Request.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
	}
	if xc != "" {
		attrs = append(attrs, slog.String("cache", xc))
	}
	if p := caller(c); p.ID != "" {
		attrs = append(attrs, slog.String("caller", p.ID))
	}
	s.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// recoverPanics turns a panic in a handler into a logged 500 JSON answer, so
// one bad request cannot take the server down or leave a client hanging.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			// The handler meant to abort the connection; honour it.
			panic(v)
		}
		s.log.ErrorContext(c.Request.Context(), "panic serving request", "request_id", requestID(c),
			"route", c.FullPath(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		s.writeError(c, &Error{Status: http.StatusInternalServerError, Code: CodeInternal,
			Message: "internal error", Err: fmt.Errorf("panic: %v", v)})
	}()
	c.Next()
}

// withTimeout bounds the work of one request.
func (s *Server) withTimeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RequestTimeout)
	defer cancel()
	orig := c.Request
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	// Middleware earlier in the chain sees the request it passed on,
	// not one whose context is about to be cancelled.
	c.Request = orig
}

// limitBody caps the request body at n bytes. A declared length over the
// cap is refused before anything is read; an undeclared one fails when the
// handler reads past it, with the same 413. A declared length within the
// cap needs no reader of its own: the server's body stops there.
func (s *Server) limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			s.writeError(c, &http.MaxBytesError{Limit: n})
			return
		}
		if b := c.Request.Body; b != nil && b != http.NoBody && c.Request.ContentLength <= 0 {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// require admits callers whose role allows need. A request without a key is
// an anonymous reader when the server is open to readers and need is
// reader; otherwise it is refused with 401 (no or unknown key) or 403 (a
// key whose role does not allow the route).
func (s *Server) require(need auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		secret, present, err := bearer(firstValue(c.Request.Header["Authorization"]))
		if err != nil {
			s.unauthorized(c, err.Error())
			return
		}
		if !present {
			if need == auth.RoleReader && s.cfg.OpenReader {
				setCaller(c, principal{ID: "anon:" + c.ClientIP(), Role: auth.RoleReader, Anonymous: true})
				c.Next()
				return
			}
			s.unauthorized(c, "this route needs an API key: send Authorization: Bearer KEY")
			return
		}
		key, err := s.cfg.Keys.Lookup(c.Request.Context(), secret)
		if errors.Is(err, auth.ErrNoKey) {
			s.unauthorized(c, "unknown or revoked API key")
			return
		}
		if err != nil {
			// The key store cannot say (an outage): 503, never "unknown".
			s.writeError(c, err)
			return
		}
		if !key.Role.Allows(need) {
			s.writeError(c, forbidden("%s %s key may not use this route (it needs %s)", article(string(key.Role)), key.Role, need))
			return
		}
		setCaller(c, principal{ID: key.ID, Role: key.Role, Key: key})
		c.Next()
	}
}

// article is "an" before a role name that starts with a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func (s *Server) unauthorized(c *gin.Context, msg string) {
	c.Header("WWW-Authenticate", `Bearer realm="pdpath"`)
	s.writeError(c, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: msg})
}

// bearer extracts the key from an Authorization header.
func bearer(h string) (secret string, present bool, err error) {
	if h == "" {
		return "", false, nil
	}
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(rest) == "" {
		return "", true, errors.New("malformed Authorization header: want Bearer KEY")
	}
	return strings.TrimSpace(rest), true, nil
}

// rateLimit takes a token from the caller's bucket: the key's own limit if
// it has one, else the server's per-key limit; anonymous readers share a
// bucket per client address. It runs after require, which names the caller.
func (s *Server) rateLimit(c *gin.Context) {
	// A web page's lookups after its first API call ride on that call's
	// token: one page view is one request.
	if web.FollowUp(c.Request.Context()) {
		c.Next()
		return
	}
	p := caller(c)
	lim := s.cfg.RateLimit
	role := string(p.Role)
	switch {
	case p.Anonymous:
		lim, role = s.cfg.AnonymousLimit, "anonymous"
	case p.Key.RatePerSec > 0:
		lim = ratelimit.Limit{Rate: p.Key.RatePerSec, Burst: p.Key.Burst}
		if lim.Burst <= 0 {
			lim.Burst = max(1, int(math.Ceil(lim.Rate)))
		}
	}
	ok, wait := s.limiter.Allow(c.Request.Context(), p.ID, lim)
	if !ok {
		s.metrics.rateLimited.WithLabelValues(role).Inc()
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
		s.writeError(c, &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
			Message: fmt.Sprintf("rate limit of %g requests/s exceeded; retry after %d s", lim.Rate, max(secs, 1))})
		return
	}
	c.Next()
}

// apiCSP is the Content-Security-Policy of every answer: JSON loads
// nothing, runs nothing and may not be framed. Server-rendered pages set
// their own policy, which replaces this one.
const apiCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders sets the headers that stop a browser from reading an
// answer as something else (nosniff), framing it (clickjacking), or
// sending this server's URLs to other sites in Referer.
// markUncached marks every answer X-Cache: miss (pages, operations routes,
// errors and refusals included); the response cache sets hit on the answers
// it replays.
func markUncached(c *gin.Context) {
	c.Writer.Header()[cache.HeaderName] = missValue
	c.Next()
}

// The values of the headers every answer carries, shared by all of them
// rather than allocated per request: a handler that changes one replaces
// the slice (Header.Set), and Header.Add on a full slice copies it.
var (
	missValue       = []string{"miss"}
	securityValues  = [...][]string{{"nosniff"}, {"DENY"}, {"no-referrer"}, {apiCSP}, {"same-origin"}}
	securityHeaderK = [...]string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy", "Cross-Origin-Opener-Policy"}
)

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for i, k := range securityHeaderK {
		h[k] = securityValues[i]
	}
	c.Next()
}
