package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

type sessionKey struct{}

// followUpKey marks an in-process API call that is not the first of its
// page view. Only this package can set it (the key type is unexported),
// so a client cannot claim it.
type followUpKey struct{}

// cacheHeader is the header the API's response cache marks its answers
// with ("hit" when replayed).
const cacheHeader = "X-Cache"

// FollowUp reports whether ctx is an API call a page makes after its
// first: the server counts a page view once against the visitor's rate
// limit, however many items the page looks up.
func FollowUp(ctx context.Context) bool {
	v, _ := ctx.Value(followUpKey{}).(bool)
	return v
}

func withSession(ctx context.Context, s *session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

func sessionFrom(ctx context.Context) *session {
	if s, ok := ctx.Value(sessionKey{}).(*session); ok {
		return s
	}
	return &session{}
}

// apiClient calls the JSON API's handler in-process, as the visitor: with
// the visitor's key and client address, so the API applies its own roles,
// open-reader rule and rate limits.
type apiClient struct{ h http.Handler }

// apiError is an error answer of the API.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// recorder is the smallest http.ResponseWriter that keeps an answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// call sends method path (query included) with body encoded as JSON (nil
// for none) and decodes a 2xx answer into out (nil to skip). It returns
// the raw body and the content type too, for answers passed on as they are.
func (a apiClient) call(r *http.Request, method, path string, body, out any) ([]byte, string, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, "", fmt.Errorf("web: encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	ctx := r.Context()
	if s := sessionFrom(ctx); s.calls > 0 {
		ctx = context.WithValue(ctx, followUpKey{}, true)
	} else {
		s.calls++
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return nil, "", fmt.Errorf("web: %s %s: %w", method, path, err)
	}
	req.RemoteAddr = r.RemoteAddr
	req.Host = r.Host
	for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "X-Request-Id"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s := sessionFrom(r.Context()); s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	rec := &recorder{header: http.Header{}}
	a.h.ServeHTTP(rec, req)
	s := sessionFrom(r.Context())
	s.answered++
	if rec.header.Get(cacheHeader) == "hit" {
		s.hits++
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	data := rec.body.Bytes()
	if rec.status >= 400 {
		e := &apiError{Status: rec.status, Code: "error", Message: http.StatusText(rec.status)}
		var eb struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			e.Code, e.Message = eb.Error.Code, eb.Error.Message
		}
		return data, rec.header.Get("Content-Type"), e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return data, "", fmt.Errorf("web: decode %s %s: %w", method, path, err)
		}
	}
	return data, rec.header.Get("Content-Type"), nil
}

// get is call for a GET without a body.
func (a apiClient) get(r *http.Request, path string, out any) error {
	_, _, err := a.call(r, http.MethodGet, path, nil, out)
	return err
}

// missingRoute reports whether err says the API has no such route (an
// older server): the page then leaves that part out rather than failing.
func missingRoute(err error) bool {
	var ae *apiError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Status == http.StatusMethodNotAllowed ||
		ae.Status == http.StatusNotFound && strings.HasPrefix(ae.Message, "no route")
}

// credPath is the API path of one credential.
func credPath(id string) string { return "/v1/credentials/" + url.PathEscape(id) }
