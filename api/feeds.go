package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/indexer/auth"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feedsync"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/store"
)

// Feeds registers aggregators' feeds and syncs them. The feedsync Registry
// and Syncer together implement it (cmd/pdpath joins them). Every method
// takes the owner (the caller's key id) and treats another owner's feed as
// missing.
type Feeds interface {
	Register(ctx context.Context, f feedsync.Feed) (feedsync.Feed, error)
	Get(ctx context.Context, owner, id string) (feedsync.Feed, error)
	List(ctx context.Context, owner string) ([]feedsync.Feed, error)
	Runs(ctx context.Context, owner, id string, limit int) ([]feedsync.Run, error)
	// Sync fetches the feed and ingests it; SyncData ingests a pushed
	// document as the feed's whole content.
	Sync(ctx context.Context, owner, id string) (feedsync.Run, error)
	SyncData(ctx context.Context, owner, id string, data []byte) (feedsync.Run, error)
	// SetPaused pauses or resumes scheduled syncs of the feed; Remove
	// deletes it and retires the items only it published.
	SetPaused(ctx context.Context, owner, id string, paused bool) (feedsync.Feed, error)
	Remove(ctx context.Context, owner, id string) (catalog.Report, error)
	// Owner names the key that owns a feed, for an administrator acting
	// on it.
	Owner(ctx context.Context, id string) (string, error)
}

// feedJSON is a feed as the API shows it: no validators (ETag,
// Last-Modified), which are the sync's business.
type feedJSON struct {
	ID      string     `json:"id"`
	URL     string     `json:"url"`
	Format  string     `json:"format,omitempty"`
	Every   string     `json:"every"`
	Created time.Time  `json:"created"`
	LastRun *time.Time `json:"last_run,omitempty"`
	Paused  bool       `json:"paused"`
	// PossibleDuplicates lists the feed's items that the catalog flags as
	// possible duplicates of other issuers' items (GET /v1/feeds and
	// GET /v1/feeds/{id} fill it).
	PossibleDuplicates []feedDuplicate `json:"possible_duplicates,omitempty"`
}

// feedDuplicate is one item a feed publishes with the other issuers'
// items it resembles.
type feedDuplicate struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Of    []itemRef `json:"of"`
}

// itemRef names a catalog item; Title and Issuer are empty when the
// catalog no longer holds it.
type itemRef struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Issuer string `json:"issuer"`
}

// feedDuplicates finds, in the live catalog, the active items each of the
// feeds publishes that are flagged as possible duplicates, by feed id, in
// item id order.
func (s *Server) feedDuplicates(fs []feedsync.Feed) map[string][]feedDuplicate {
	bySource := make(map[string]string, len(fs))
	for _, f := range fs {
		bySource[store.OwnedSourceKey(f.Owner, f.URL)] = f.ID
	}
	out := map[string][]feedDuplicate{}
	for _, c := range s.cfg.Catalog.Snapshot().Credentials {
		if len(c.PossibleDuplicates) == 0 || !c.Active() {
			continue
		}
		for _, src := range c.Sources {
			id, ok := bySource[src]
			if !ok {
				continue
			}
			d := feedDuplicate{ID: c.ID, Title: c.Title, Of: make([]itemRef, 0, len(c.PossibleDuplicates))}
			for _, other := range c.PossibleDuplicates {
				ref := itemRef{ID: other}
				if o, ok := s.cfg.Catalog.Credential(other); ok {
					ref.Title, ref.Issuer = o.Title, o.Issuer
				}
				d.Of = append(d.Of, ref)
			}
			out[id] = append(out[id], d)
		}
	}
	for _, ds := range out {
		slices.SortFunc(ds, func(a, b feedDuplicate) int { return strings.Compare(a.ID, b.ID) })
	}
	return out
}

func toFeedJSON(f feedsync.Feed) feedJSON {
	out := feedJSON{ID: f.ID, URL: f.URL, Format: f.Format, Every: "0", Created: f.Created, Paused: f.Paused}
	if f.Every > 0 {
		out.Every = f.Every.String()
	}
	if !f.LastRun.IsZero() {
		t := f.LastRun
		out.LastRun = &t
	}
	return out
}

// runJSON is one sync run.
type runJSON struct {
	ID       string         `json:"id"`
	FeedID   string         `json:"feed_id"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Status   string         `json:"status"`
	Error    string         `json:"error,omitempty"`
	Report   catalog.Report `json:"report"`
}

func toRunJSON(r feedsync.Run) runJSON {
	rep := r.Report
	if rep.Rejected == nil {
		rep.Rejected = []catalog.Rejection{}
	}
	return runJSON{ID: r.ID, FeedID: r.FeedID, Started: r.Started, Finished: r.Finished, Status: r.Status, Error: r.Error, Report: rep}
}

// syncResponse is the answer of POST /v1/feeds/{id}/sync: the run's ingest
// report (the shape `pdpath ingest --json` prints, at the top level) and which run it was.
type syncResponse struct {
	catalog.Report
	RunID  string `json:"run_id"`
	FeedID string `json:"feed_id"`
	Status string `json:"status"`
}

type registerRequest struct {
	URL    string `json:"url"`
	Format string `json:"format"`
	Every  string `json:"every"`
}

func (s *Server) registerFeed(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req registerRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.URL) == "" {
		return badRequest("url is required")
	}
	every, err := feedsync.ParseEvery(req.Every)
	if err != nil {
		return err
	}
	if err := s.checkFeedHost(c.Request.Context(), req.URL); err != nil {
		return err
	}
	f, err := s.cfg.Feeds.Register(c.Request.Context(), feedsync.Feed{Owner: caller(c).ID, URL: req.URL, Format: req.Format, Every: every})
	if err != nil {
		return err
	}
	c.Header("Location", "/v1/feeds/"+url.PathEscape(f.ID))
	writeJSON(c, http.StatusCreated, toFeedJSON(f))
	return nil
}

// checkFeedHost refuses, at registration, a feed the fetch client's
// policy would refuse, for an early, clear answer; the client checks the
// address actually dialled at every sync too.
func (s *Server) checkFeedHost(ctx context.Context, raw string) error {
	err := s.cfg.Fetcher.CheckURL(ctx, raw)
	if errors.Is(err, fetch.ErrBadURL) {
		// The registry explains malformed URLs.
		return nil
	}
	return err
}

func (s *Server) listFeeds(c *gin.Context) error {
	fs, err := s.cfg.Feeds.List(c.Request.Context(), caller(c).ID)
	if err != nil {
		return err
	}
	out := struct {
		Feeds []feedJSON `json:"feeds"`
	}{Feeds: make([]feedJSON, 0, len(fs))}
	dups := s.feedDuplicates(fs)
	for _, f := range fs {
		fj := toFeedJSON(f)
		fj.PossibleDuplicates = dups[f.ID]
		out.Feeds = append(out.Feeds, fj)
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

func (s *Server) getFeed(c *gin.Context) error {
	f, err := s.cfg.Feeds.Get(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	fj := toFeedJSON(f)
	fj.PossibleDuplicates = s.feedDuplicates([]feedsync.Feed{f})[f.ID]
	writeJSON(c, http.StatusOK, fj)
	return nil
}

// syncFeed answers POST /v1/feeds/{id}/sync. Without a body the server
// fetches the feed's URL; with one, the body is the feed's content pushed
// by the aggregator (any format ingest reads), and replaces what the feed
// published before. Either way the run is recorded, and the answer comes
// after the catalog and the recommender model include the result, so the
// caller's next request sees it.
func (s *Server) syncFeed(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	owner, id := caller(c).ID, c.Param("id")
	var run feedsync.Run
	if len(body) > 0 {
		run, err = s.cfg.Feeds.SyncData(ctx, owner, id, body)
	} else {
		run, err = s.cfg.Feeds.Sync(ctx, owner, id)
	}
	if err != nil {
		return err
	}
	if run.Status == feedsync.StatusOK {
		s.catchUp(ctx, run.Report.CatalogVersion)
	}
	writeJSON(c, http.StatusOK, syncResponse{Report: toRunJSON(run).Report, RunID: run.ID, FeedID: run.FeedID, Status: run.Status})
	return nil
}

// catchUp makes an in-process sync visible before the sync answers: the
// model is rebuilt for the catalog version the sync produced (the cache is
// already keyed by it).
func (s *Server) catchUp(ctx context.Context, version int64) {
	snap := s.cfg.Catalog.Snapshot()
	if m := s.cfg.Recommender.Model(); m != nil && m.Version() >= snap.Version {
		return
	}
	if err := s.cfg.Recommender.Rebuild(ctx, snap); err != nil {
		s.log.WarnContext(ctx, "model rebuild after sync failed; a background build will retry", "catalog_version", version, "err", err)
		s.cfg.Recommender.Refresh(snap)
	}
}

// feedOwner is the owner a feed route acts for: the caller, or for an
// administrator the feed's own owner.
func (s *Server) feedOwner(c *gin.Context, id string) (string, error) {
	p := caller(c)
	if p.Role != auth.RoleAdmin {
		return p.ID, nil
	}
	return s.cfg.Feeds.Owner(c.Request.Context(), id)
}

// deleteFeed answers DELETE /v1/feeds/{id}: the feed and its runs go, and
// the items only it published are retired. Its owner or an administrator
// may.
func (s *Server) deleteFeed(c *gin.Context) error {
	id := c.Param("id")
	owner, err := s.feedOwner(c, id)
	if err != nil {
		return err
	}
	rep, err := s.cfg.Feeds.Remove(c.Request.Context(), owner, id)
	if err != nil {
		return err
	}
	if rep.Retired > 0 {
		s.catchUp(c.Request.Context(), rep.CatalogVersion)
	}
	s.log.InfoContext(c.Request.Context(), "feed deleted", "feed", id, "by", caller(c).ID, "retired", rep.Retired)
	c.Status(http.StatusNoContent)
	return nil
}

// pauseFeed answers POST /v1/feeds/{id}/pause and /resume.
func (s *Server) pauseFeed(paused bool) handlerFunc {
	return func(c *gin.Context) error {
		id := c.Param("id")
		owner, err := s.feedOwner(c, id)
		if err != nil {
			return err
		}
		f, err := s.cfg.Feeds.SetPaused(c.Request.Context(), owner, id, paused)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, toFeedJSON(f))
		return nil
	}
}

func (s *Server) feedRuns(c *gin.Context) error {
	limit, err := intParam(c.Query("limit"), "limit", feedsync.MaxRuns, 1, feedsync.MaxRuns)
	if err != nil {
		return err
	}
	runs, err := s.cfg.Feeds.Runs(c.Request.Context(), caller(c).ID, c.Param("id"), limit)
	if err != nil {
		return err
	}
	out := struct {
		Runs []runJSON `json:"runs"`
	}{Runs: make([]runJSON, 0, len(runs))}
	for _, r := range runs {
		out.Runs = append(out.Runs, toRunJSON(r))
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

// ObserveRun counts a finished feed run in the ingest metrics, whoever
// started it (a request or the scheduler). Pass it to the feedsync Syncer
// as its Observer.
func (s *Server) ObserveRun(r feedsync.Run) { s.metrics.countRun(r.Status, r.Report) }
