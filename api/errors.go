package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/auth"
	"github.com/pdpath/pdpath/api/feedsync"
	"github.com/pdpath/pdpath/api/pathstore"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/recommender"
	"github.com/pdpath/pdpath/recommender/planner"
	"github.com/pdpath/pdpath/recommender/profile"
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

// classify maps an error to what the client is told. Errors of the packages
// the handlers call are recognised by their sentinels; everything else is
// the server's own failure and says only that, with the request id to find
// the cause in the log.
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
	case errors.Is(err, profile.ErrInvalid), errors.Is(err, profile.ErrNoBadges),
		errors.Is(err, planner.ErrInvalidRequest), errors.Is(err, pathstore.ErrInvalid),
		errors.Is(err, auth.ErrUnknownRole), errors.Is(err, feedsync.ErrInvalid):
		return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: err.Error(), Err: err}
	case errors.Is(err, fetch.ErrBlockedAddress), errors.Is(err, fetch.ErrBadURL):
		return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: err.Error(), Err: err}
	case errors.Is(err, recommender.ErrNotFound), errors.Is(err, pathstore.ErrNotFound),
		errors.Is(err, auth.ErrNoKey), errors.Is(err, feedsync.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: err.Error(), Err: err}
	case errors.Is(err, pathstore.ErrConflict), errors.Is(err, feedsync.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: err.Error(), Err: err}
	case errors.Is(err, feedsync.ErrQuota):
		return &Error{Status: http.StatusForbidden, Code: CodeQuotaExceeded, Message: err.Error(), Err: err}
	case errors.Is(err, recommender.ErrNotReady):
		return unavailable(err, "the recommender model is still being built; retry shortly")
	case errors.Is(err, context.DeadlineExceeded):
		return unavailable(err, "the request took too long; retry, or narrow it")
	case errors.Is(err, context.Canceled):
		// The client left; nobody reads this answer, but the log and
		// metrics should not count it as a server fault.
		return &Error{Status: 499, Code: "canceled", Message: "request canceled", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error", Err: err}
}

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
	if e.Status >= 500 {
		msg = fmt.Sprintf("%s (request %s)", msg, requestID(c))
		s.log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c),
			"route", c.FullPath(), "status", e.Status, "err", err)
	} else if e.Err != nil {
		s.log.DebugContext(c.Request.Context(), "request refused", "request_id", requestID(c),
			"route", c.FullPath(), "status", e.Status, "err", e.Err)
	}
	if c.Writer.Written() {
		return
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
