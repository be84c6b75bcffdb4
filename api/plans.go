package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/semaphore"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/recommender/planner"
)

// plan serves POST /v1/plans. Plans are the costliest requests the API
// answers (an exact search, up to the planner's time limit), so they pass
// through planGate first: a caller cannot occupy every core with them.
func (s *Server) plan(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body is empty; send a plan request object")
	}
	req, err := planner.ParseRequest(bytes.NewReader(body))
	if err != nil {
		return err
	}
	release, err := s.plans.acquire(c.Request.Context(), caller(c).ID)
	if err != nil {
		if ge := (*gateError)(nil); errors.As(err, &ge) {
			c.Header("Retry-After", strconv.Itoa(ge.retryAfter))
		}
		return err
	}
	defer release()
	p, version := s.cfg.Recommender.Planner(s.cfg.Catalog.Snapshot())
	plan, err := p.Plan(c.Request.Context(), req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return unavailable(err, "the plan was not finished within the request's time; retry with fewer targets")
		}
		return err
	}
	if plan.Steps == nil {
		plan.Steps = []planner.Step{}
	}
	if plan.Covered == nil {
		plan.Covered = []string{}
	}
	if plan.Uncovered == nil {
		plan.Uncovered = []string{}
	}
	if version != s.cfg.Catalog.Version() {
		c.Set(cache.NoStore, true)
	}
	writeJSON(c, http.StatusOK, plan)
	return nil
}

// planGate bounds how many plans run at once: in all (a semaphore sized to
// the cores, so searches never queue behind each other for CPU while
// searches and suggestions starve) and per caller (so one key cannot take
// every slot). A request waits a short while for a slot, then is refused:
// 429 when its own caller holds its share, 503 when the server is full.
type planGate struct {
	global *semaphore.Weighted
	perKey int64
	wait   time.Duration

	mu   sync.Mutex
	keys map[string]*keySlots
}

// keySlots counts one caller's running plans; it is dropped when none run.
type keySlots struct {
	sem   *semaphore.Weighted
	users int
}

func newPlanGate(global, perKey int, wait time.Duration) *planGate {
	if global <= 0 {
		global = runtime.GOMAXPROCS(0)
	}
	if perKey <= 0 {
		perKey = max(1, global/2)
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	return &planGate{global: semaphore.NewWeighted(int64(global)), perKey: int64(perKey), wait: wait,
		keys: make(map[string]*keySlots)}
}

// gateError is a refusal by planGate: an *Error with the seconds to wait.
type gateError struct {
	err        *Error
	retryAfter int
}

func (e *gateError) Error() string { return e.err.Error() }
func (e *gateError) Unwrap() error { return e.err }

// acquire waits (at most the gate's wait, and never past ctx) for a slot of
// the caller's and one of the server's; release gives both back.
func (g *planGate) acquire(ctx context.Context, key string) (release func(), err error) {
	wctx, cancel := context.WithTimeout(ctx, g.wait)
	defer cancel()
	retry := max(1, int(g.wait.Seconds()))

	g.mu.Lock()
	ks := g.keys[key]
	if ks == nil {
		ks = &keySlots{sem: semaphore.NewWeighted(g.perKey)}
		g.keys[key] = ks
	}
	ks.users++
	g.mu.Unlock()
	done := func() {
		g.mu.Lock()
		if ks.users--; ks.users == 0 {
			delete(g.keys, key)
		}
		g.mu.Unlock()
	}
	if err := ks.sem.Acquire(wctx, 1); err != nil {
		done()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &gateError{&Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
			Message: fmt.Sprintf("this caller already has %d plans running; retry after %d s", g.perKey, retry)}, retry}
	}
	if err := g.global.Acquire(wctx, 1); err != nil {
		ks.sem.Release(1)
		done()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &gateError{&Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
			Message: fmt.Sprintf("the server is computing as many plans as it has cores; retry after %d s", retry)}, retry}
	}
	return func() {
		g.global.Release(1)
		ks.sem.Release(1)
		done()
	}, nil
}
