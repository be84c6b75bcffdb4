package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"
)

// HeaderName is the response header that says whether a response came from
// the cache ("hit") or was computed ("miss").
const HeaderName = "X-Cache"

// NoStore is the Gin context key a handler sets (c.Set(cache.NoStore, true))
// when its 200 response must not be kept: one computed from a model that
// lags the catalog version in the key, say.
const NoStore = "pdpath.cache.nostore"

// jsonContentType is what cached bodies are served as: only JSON routes are
// cached, so the content type is not stored with them.
const jsonContentType = "application/json; charset=utf-8"

// Options configure a ResponseCache.
type Options struct {
	Cache Cache
	// Version returns the live catalog version. It is part of every key,
	// so a new catalog version makes every older entry unreachable at once
	// (they expire by TTL) without scanning Redis.
	Version func() int64
	// Jitter spreads each TTL uniformly over ±Jitter of itself (0.1 =
	// ±10%) so entries written together do not all expire together.
	Jitter  float64
	Metrics *Metrics
	Logger  *slog.Logger
}

// ResponseCache caches 200 JSON responses of the routes it wraps.
type ResponseCache struct {
	opts  Options
	log   *slog.Logger
	group singleflight.Group
}

// NewResponseCache returns a response cache over opts.Cache.
func NewResponseCache(opts Options) *ResponseCache {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == nil {
		opts.Version = func() int64 { return 0 }
	}
	return &ResponseCache{opts: opts, log: opts.Logger}
}

// captured is one computed response, shared by every request that waited
// for it.
type captured struct {
	status int
	header http.Header
	body   []byte
	// abandoned is set when the computing request's own context ended
	// first: its answer (a cancellation) is not the others' answer.
	abandoned bool
}

// Handler returns the middleware for one route. It must run after
// authentication and rate limiting (a cached answer is still only for callers
// allowed to see it) and before the route's handler. Requests are
// identified by route, method, sorted query and compacted JSON body;
// responses other than 200 are never stored, but concurrent identical
// requests share whatever the first of them computed.
func (rc *ResponseCache) Handler(route string, ttl time.Duration) gin.HandlerFunc {
	counts := rc.opts.Metrics.forRoute(route)
	prefix := "resp:" + route + ":v"
	return func(c *gin.Context) {
		buf := reqBufs.Get().(*reqBuf)
		key, body, readErr := rc.key(prefix, buf, c.Request)
		if readErr != nil {
			// Let the handler meet the same error (too large, client
			// gone) and answer it in its own way. The buffer is not
			// returned to the pool: body lives in it.
			c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{readErr}))
			c.Writer.Header()[HeaderName] = missHeader
			counts.add("miss")
			c.Next()
			return
		}
		ctx := c.Request.Context()

		v, err := rc.opts.Cache.Get(ctx, key)
		switch {
		case err == nil:
			// A hit needed the body only for the key.
			buf.release()
			counts.add("hit")
			h := c.Writer.Header()
			h[HeaderName] = hitHeader
			h["Content-Type"] = jsonHeader
			c.Writer.WriteHeader(http.StatusOK)
			c.Writer.Write(v)
			c.Abort()
			return
		case errors.Is(err, ErrMiss):
			counts.add("miss")
		default:
			counts.add("error")
			rc.log.Debug("cache get failed; computing", "route", route, "err", err)
		}

		// From here the handler reads body, so its buffer stays out of
		// the pool (a miss is rare next to a hit, and costs far more).
		compute := func() *captured {
			c.Request.Body = io.NopCloser(bytes.NewReader(body))
			res := rc.capture(c)
			if res.status == http.StatusOK && !c.GetBool(NoStore) {
				if err := rc.opts.Cache.Set(ctx, key, res.body, rc.ttl(ttl)); err != nil {
					rc.log.Debug("cache set failed", "route", route, "err", err)
				}
			}
			return res
		}
		led := false
		r, _, _ := rc.group.Do(key, func() (any, error) {
			led = true
			return compute(), nil
		})
		res := r.(*captured)
		if !led {
			counts.add("shared")
			if res.abandoned {
				res = compute()
			} else {
				// The handler chain ran in the leader's request.
				c.Abort()
			}
		}
		write(c, res)
	}
}

// capture runs the rest of the chain with the response held in memory.
func (rc *ResponseCache) capture(c *gin.Context) *captured {
	real := c.Writer
	// The request's own context, before handlers further down wrap it
	// (with a timeout they cancel when they return).
	ctx := c.Request.Context()
	w := &captureWriter{ResponseWriter: real, header: http.Header{}, status: http.StatusOK}
	c.Writer = w
	defer func() { c.Writer = real }()
	c.Next()
	return &captured{
		status:    w.status,
		header:    w.header,
		body:      w.body.Bytes(),
		abandoned: ctx.Err() != nil,
	}
}

func write(c *gin.Context, res *captured) {
	h := c.Writer.Header()
	for k, vs := range res.header {
		h[k] = append([]string(nil), vs...)
	}
	h.Set(HeaderName, "miss")
	c.Writer.WriteHeader(res.status)
	c.Writer.Write(res.body)
}

// The values of the headers a cached answer sets, shared by every answer
// (net/http only reads them).
var (
	hitHeader  = []string{"hit"}
	missHeader = []string{"miss"}
	jsonHeader = []string{jsonContentType}
)

// reqBuf holds what a request's key is hashed from: method, path, query
// and the body as read. Pooled, so a cache hit (which needs the body only
// for its key) allocates nothing for either.
type reqBuf struct{ b []byte }

var reqBufs = sync.Pool{New: func() any { return &reqBuf{b: make([]byte, 0, 1024)} }}

// release returns the buffer to the pool; nothing may use what it holds
// afterwards. A rare large body is not kept.
func (b *reqBuf) release() {
	if cap(b.b) <= 64<<10 {
		reqBufs.Put(b)
	}
}

// key reads r's body into buf and builds "resp:ROUTE:vVERSION:HASH"
// (prefix is "resp:ROUTE:v"), HASH covering the method, path, canonical
// query and compacted body. body is the body as read (in buf), also when
// reading it failed with err.
func (rc *ResponseCache) key(prefix string, buf *reqBuf, r *http.Request) (key string, body []byte, err error) {
	b := append(buf.b[:0], r.Method...)
	b = append(b, 0)
	b = append(b, r.URL.Path...)
	b = append(b, 0)
	// Encode sorts by parameter name, so ?a=1&b=2 and ?b=2&a=1 share an
	// entry.
	b = append(b, canonicalQuery(r.URL.RawQuery)...)
	b = append(b, 0)
	n := len(b)
	b, err = appendBody(b, r)
	buf.b = b
	body = b[n:]
	if err != nil {
		return "", body, err
	}
	var sum [sha256.Size]byte
	if isCompact(body) {
		// What json.Compact would return (or, for a body that is not
		// JSON, what the key is built from when Compact fails): the
		// body as sent.
		sum = sha256.Sum256(b)
	} else {
		h := sha256.New()
		h.Write(b[:n])
		var compact bytes.Buffer
		if json.Compact(&compact, body) == nil {
			h.Write(compact.Bytes())
		} else {
			h.Write(body)
		}
		h.Sum(sum[:0])
	}
	// Built on the stack when it fits; only the final string is allocated.
	var arr [128]byte
	out := append(arr[:0], prefix...)
	out = strconv.AppendInt(out, rc.opts.Version(), 10)
	out = append(out, ':')
	out = hex.AppendEncode(out, sum[:16])
	return string(out), body, nil
}

// isCompact reports whether b holds no space, tab or line break outside
// JSON strings: then json.Compact would return it unchanged, and the key
// skips validating it. Clients that encode JSON with a library send it
// this way; the scan is a fraction of what Compact costs.
func isCompact(b []byte) bool {
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped character, a quote included
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			return false
		}
	}
	return true
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	return q.Encode()
}

// ttl applies the jitter.
func (rc *ResponseCache) ttl(base time.Duration) time.Duration {
	if rc.opts.Jitter <= 0 {
		return base
	}
	f := 1 + rc.opts.Jitter*(2*rand.Float64()-1)
	return max(time.Duration(float64(base)*f), time.Second)
}

// appendBody appends the whole request body to b (the body limit set
// earlier in the chain still applies) so it can be part of the key and
// replayed, returning what was read also when reading fails.
func appendBody(b []byte, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b, nil
	}
	if n := r.ContentLength; n > 0 && n <= 1<<20 {
		// The server's body reader stops at the declared length, so one
		// exact read is the whole body.
		b = slices.Grow(b, int(n))
		m, err := io.ReadFull(r.Body, b[len(b):len(b)+int(n)])
		return b[:len(b)+m], err
	}
	for {
		if len(b) == cap(b) {
			b = slices.Grow(b, 512)
		}
		m, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// captureWriter holds a response in memory. It embeds the real writer only
// to satisfy gin.ResponseWriter; everything a handler writes stays here.
type captureWriter struct {
	gin.ResponseWriter
	header  http.Header
	status  int
	body    bytes.Buffer
	written bool
}

func (w *captureWriter) Header() http.Header { return w.header }

func (w *captureWriter) WriteHeader(code int) {
	if !w.written && code > 0 {
		w.status = code
	}
}

func (w *captureWriter) WriteHeaderNow() { w.written = true }

func (w *captureWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.body.Write(b)
}

func (w *captureWriter) WriteString(s string) (int, error) {
	w.written = true
	return w.body.WriteString(s)
}

func (w *captureWriter) Status() int { return w.status }

func (w *captureWriter) Size() int {
	if !w.written {
		return -1
	}
	return w.body.Len()
}

func (w *captureWriter) Written() bool { return w.written }

func (w *captureWriter) Flush() {}
