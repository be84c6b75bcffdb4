package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/feedsync"
	"github.com/pdpath/pdpath/recommender"
)

// Error codes of the JSON error body. Clients switch on these, so they are
// part of the API (listed in the OpenAPI document).
const (
	CodeBadRequest       = "bad_request"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeConflict         = "conflict"
	CodeQuotaExceeded    = "quota_exceeded"
	CodeFeedFailed       = "feed_failed"
	CodeTooLarge         = "payload_too_large"
	CodeRateLimited      = "rate_limited"
	CodeInternal         = "internal"
	CodeUnavailable      = "unavailable"
)

// Error is a failed request: Status and Code and Message go to the client,
// Err (the cause, which may hold paths, addresses or driver errors) only to
// the log.
type Error struct {
	Status  int
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Constructors for the caller's mistakes; the message is shown as is.
func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *Error {
	return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

func unavailable(cause error, format string, args ...any) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: fmt.Sprintf(format, args...), Err: cause}
}

// classify maps an error to what the client is told, by its kind
// (package derrors): every package the handlers call marks its errors with
// one, so this is the one place that turns kinds into statuses. An error
// without a kind is the server's own failure and says only that, with the
// request id to find the cause in the log.
func classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
			Message: fmt.Sprintf("request body is over the %d-byte limit", tooLarge.Limit), Err: err}
	case errors.Is(err, feedsync.ErrQuota):
		return &Error{Status: http.StatusForbidden, Code: CodeQuotaExceeded, Message: err.Error(), Err: err}
	case errors.Is(err, context.Canceled):
		// The client left; nobody reads this answer, but the log and
		// metrics should not count it as a server fault.
		return &Error{Status: 499, Code: "canceled", Message: "request canceled", Err: err}
	}
	switch derrors.KindOf(err) {
	case derrors.Invalid:
		return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: err.Error(), Err: err}
	case derrors.NotFound:
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: err.Error(), Err: err}
	case derrors.Conflict:
		return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: err.Error(), Err: err}
	case derrors.Forbidden:
		return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: err.Error(), Err: err}
	case derrors.Upstream:
		// A third party the caller named (their feed) failed: a problem
		// with what they registered, not with this server.
		return &Error{Status: http.StatusUnprocessableEntity, Code: CodeFeedFailed,
			Message: "the feed could not be fetched: " + err.Error(), Err: err}
	case derrors.Unavailable:
		return unavailable(err, "%s; retry shortly", unavailableReason(err))
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return unavailable(err, "the request took too long; retry, or narrow it")
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error", Err: err}
}

// unavailableReason says what is unavailable without revealing internals:
// the model being built is the server's normal start, anything else a
// dependency it cannot reach.
func unavailableReason(err error) string {
	if errors.Is(err, recommender.ErrNotReady) {
		return "the recommender model is still being built"
	}
	return "a service this server depends on is unavailable"
}

// retryAfterSeconds is the Retry-After of a 503: long enough for a model
// build or a database failover to make progress, short enough that a
// client does not give up.
const retryAfterSeconds = 5

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers c with err and logs it: server faults at Error level
// with the cause, client mistakes at Debug (they are counted in metrics).
func (s *Server) writeError(c *gin.Context, err error) {
	e := classify(err)
	msg := e.Message
	switch {
	case e.Status == http.StatusServiceUnavailable && errors.Is(err, recommender.ErrNotReady):
		// The model is building: expected while starting, and polled by
		// probes; not a fault of the server.
		msg = fmt.Sprintf("%s (request %s)", msg, requestID(c))
		s.log.DebugContext(c.Request.Context(), "request deferred", "request_id", requestID(c),
			"route", c.FullPath(), "status", e.Status, "err", err)
	case e.Status == http.StatusServiceUnavailable:
		// A dependency is out or the server is shedding load: worth a
		// warning, and the client is told to retry.
		msg = fmt.Sprintf("%s (request %s)", msg, requestID(c))
		s.log.WarnContext(c.Request.Context(), "request deferred", "request_id", requestID(c),
			"route", c.FullPath(), "status", e.Status, "err", err)
	case e.Status >= 500:
		msg = fmt.Sprintf("%s (request %s)", msg, requestID(c))
		s.log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c),
			"route", c.FullPath(), "status", e.Status, "err", err)
	case e.Err != nil:
		s.log.DebugContext(c.Request.Context(), "request refused", "request_id", requestID(c),
			"route", c.FullPath(), "status", e.Status, "err", e.Err)
	}
	if c.Writer.Written() {
		return
	}
	if e.Status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	writeJSON(c, e.Status, errorBody{Error: errorDetail{Code: e.Code, Message: msg}})
	c.Abort()
}

// handlerFunc is a route handler that reports failure by returning an
// error instead of writing it.
type handlerFunc func(c *gin.Context) error

// handle adapts h to Gin: a returned error is answered by writeError.
func (s *Server) handle(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.writeError(c, err)
		}
	}
}
