package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/recommender/pathstore"
	"github.com/pdpath/pdpath/recommender/pathway"
	"github.com/pdpath/pdpath/recommender/planner"
)

// Caps on a pathway's name and description.
const (
	maxPathwayName        = 200
	maxPathwayDescription = 2000
)

// pathwayDoc is what the API keeps in a pathstore record: the coach's plan
// request as sent, the plan computed for it, the catalog version it was
// computed on and the plan's steps earned so far. The request is kept raw
// so that reading a pathway back returns exactly what the coach saved.
type pathwayDoc struct {
	Name           string          `json:"name"`
	Description    string          `json:"description,omitempty"`
	Request        json.RawMessage `json:"request"`
	Plan           json.RawMessage `json:"plan"`
	CatalogVersion int64           `json:"catalog_version"`
	Earned         []string        `json:"earned,omitempty"`
}

// pathwayJSON is a saved pathway as the API shows it.
type pathwayJSON struct {
	ID             string          `json:"id"`
	Version        int64           `json:"version"`
	Name           string          `json:"name"`
	Description    string          `json:"description,omitempty"`
	Created        time.Time       `json:"created"`
	Updated        time.Time       `json:"updated"`
	CatalogVersion int64           `json:"catalog_version"`
	Request        json.RawMessage `json:"request,omitempty"`
	Plan           json.RawMessage `json:"plan,omitempty"`
	Earned         []string        `json:"earned,omitempty"`
}

// pathwayRequest is the body of POST and PUT /v1/pathways; PUT also needs
// the version that was read (optimistic concurrency).
type pathwayRequest struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Request     json.RawMessage `json:"request"`
	Version     int64           `json:"version"`
}

// decodeDoc reads a record's document. A document that does not decode is
// the server's fault (it wrote it), never the caller's, so no error here
// wraps a sentinel the API answers with a 4xx.
func decodeDoc(r pathstore.Record) (pathwayDoc, error) {
	var d pathwayDoc
	if err := json.Unmarshal(r.Doc, &d); err != nil {
		return d, fmt.Errorf("api: decode pathway %s: %v", r.ID, err)
	}
	return d, nil
}

func toPathwayJSON(r pathstore.Record, full bool) (pathwayJSON, error) {
	d, err := decodeDoc(r)
	if err != nil {
		return pathwayJSON{}, err
	}
	out := pathwayJSON{ID: r.ID, Version: r.Version, Name: d.Name, Description: d.Description,
		Created: r.Created, Updated: r.Updated, CatalogVersion: d.CatalogVersion}
	if full {
		out.Request, out.Plan, out.Earned = d.Request, d.Plan, d.Earned
	}
	return out, nil
}

// decodePathway reads a record back into the pathway it stores.
func decodePathway(r pathstore.Record) (pathwayDoc, *pathway.Pathway, error) {
	d, err := decodeDoc(r)
	if err != nil {
		return d, nil, err
	}
	p := &pathway.Pathway{ID: r.ID, Owner: r.Owner, Name: d.Name, Description: d.Description,
		Earned: d.Earned, Created: r.Created, Updated: r.Updated}
	if err := json.Unmarshal(d.Plan, &p.Plan); err != nil {
		return d, nil, fmt.Errorf("api: decode the plan of pathway %s: %v", r.ID, err)
	}
	req, err := planner.ParseRequest(bytes.NewReader(d.Request))
	if err != nil {
		return d, nil, fmt.Errorf("api: decode the request of pathway %s: %v", r.ID, err)
	}
	p.Request = req
	if p.Earned == nil {
		p.Earned = []string{}
	}
	return d, p, nil
}

// checkPathwayText trims and checks a pathway's name and description;
// from says where they came from in an error ("" for the request body).
func checkPathwayText(name, description, from string) (string, string, error) {
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	switch {
	case name == "":
		return name, description, badRequest("%sname is required", from)
	case len(name) > maxPathwayName:
		return name, description, badRequest("%sname is over %d bytes", from, maxPathwayName)
	case len(description) > maxPathwayDescription:
		return name, description, badRequest("%sdescription is over %d bytes", from, maxPathwayDescription)
	}
	return name, description, nil
}

// buildPathway validates a pathway body and computes its plan on the live
// catalog. It returns the plan too, for what depends on its steps.
func (s *Server) buildPathway(c *gin.Context, update bool) (pathwayRequest, pathwayDoc, planner.Plan, error) {
	body, err := readBody(c)
	if err != nil {
		return pathwayRequest{}, pathwayDoc{}, planner.Plan{}, err
	}
	var req pathwayRequest
	if err := decodeStrict(body, &req); err != nil {
		return req, pathwayDoc{}, planner.Plan{}, err
	}
	if req.Name, req.Description, err = checkPathwayText(req.Name, req.Description, ""); err != nil {
		return req, pathwayDoc{}, planner.Plan{}, err
	}
	switch {
	case len(bytes.TrimSpace(req.Request)) == 0:
		return req, pathwayDoc{}, planner.Plan{}, badRequest("request is required: a plan request as for POST /v1/plans")
	case update && req.Version < 1:
		return req, pathwayDoc{}, planner.Plan{}, badRequest("version is required: send the version you read, so a concurrent change is not overwritten")
	case !update && req.Version != 0:
		return req, pathwayDoc{}, planner.Plan{}, badRequest("version is set by the server; leave it out when creating a pathway")
	}
	preq, err := planner.ParseRequest(bytes.NewReader(req.Request))
	if err != nil {
		return req, pathwayDoc{}, planner.Plan{}, badRequest("request: %v", err)
	}
	version := s.cfg.Catalog.Version()
	plan, err := s.planFor(c.Request.Context(), preq)
	if err != nil {
		return req, pathwayDoc{}, planner.Plan{}, err
	}
	doc := pathwayDoc{Name: req.Name, Description: req.Description, Request: req.Request, Plan: mustJSON(plan), CatalogVersion: version}
	return req, doc, plan, nil
}

func encodePathway(d pathwayDoc) (json.RawMessage, error) {
	doc, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("api: encode pathway: %w", err)
	}
	return doc, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func (s *Server) createPathway(c *gin.Context) error {
	_, d, _, err := s.buildPathway(c, false)
	if err != nil {
		return err
	}
	return s.storeNewPathway(c, d)
}

// storeNewPathway saves d as a new pathway of the caller and answers 201
// with it.
func (s *Server) storeNewPathway(c *gin.Context, d pathwayDoc) error {
	doc, err := encodePathway(d)
	if err != nil {
		return err
	}
	rec, err := s.cfg.Pathways.Create(c.Request.Context(), pathstore.Record{Owner: caller(c).ID, Doc: doc})
	if err != nil {
		return err
	}
	out, err := toPathwayJSON(rec, true)
	if err != nil {
		return err
	}
	c.Header("Location", "/v1/pathways/"+url.PathEscape(rec.ID))
	writeJSON(c, http.StatusCreated, out)
	return nil
}

// updatePathway replaces a pathway's name, description and request and
// plans it again. Steps marked earned stay earned while they are steps of
// the new plan.
func (s *Server) updatePathway(c *gin.Context) error {
	req, d, plan, err := s.buildPathway(c, true)
	if err != nil {
		return err
	}
	owner, id := caller(c).ID, c.Param("id")
	cur, err := s.cfg.Pathways.Get(c.Request.Context(), owner, id)
	if err != nil {
		return err
	}
	if cur.Version != req.Version {
		// Update would refuse it too; the earned steps read here
		// belong to another version than the one the caller edited.
		return pathstore.ErrConflict
	}
	curDoc, err := decodeDoc(cur)
	if err != nil {
		return err
	}
	d.Earned = keepSteps(plan, curDoc.Earned)
	doc, err := encodePathway(d)
	if err != nil {
		return err
	}
	rec, err := s.cfg.Pathways.Update(c.Request.Context(), pathstore.Record{ID: id, Owner: owner, Version: req.Version, Doc: doc})
	if err != nil {
		return err
	}
	out, err := toPathwayJSON(rec, true)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

func (s *Server) getPathway(c *gin.Context) error {
	rec, err := s.cfg.Pathways.Get(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	out, err := toPathwayJSON(rec, true)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

func (s *Server) listPathways(c *gin.Context) error {
	limit, err := intParam(c.Query("limit"), "limit", pathstore.DefaultListLimit, 1, pathstore.MaxListLimit)
	if err != nil {
		return err
	}
	offset, err := intParam(c.Query("offset"), "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	recs, err := s.cfg.Pathways.List(c.Request.Context(), caller(c).ID, limit, offset)
	if err != nil {
		return err
	}
	out := struct {
		Pathways []pathwayJSON `json:"pathways"`
	}{Pathways: make([]pathwayJSON, 0, len(recs))}
	for _, r := range recs {
		p, err := toPathwayJSON(r, false)
		if err != nil {
			return err
		}
		out.Pathways = append(out.Pathways, p)
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

func (s *Server) deletePathway(c *gin.Context) error {
	if err := s.cfg.Pathways.Delete(c.Request.Context(), caller(c).ID, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// progressJSON is a pathway's progress as the API shows it: where the
// pathway is at (pathway.Progress) and its version, to send with the next
// change.
type progressJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	pathway.Progress
}

// progressRequest is the body of POST /v1/pathways/{id}/progress: the
// plan's steps earned so far, replacing those marked before, and
// optionally the version that was read.
type progressRequest struct {
	Earned  []string `json:"earned"`
	Version int64    `json:"version"`
}

// progressRetries bounds how often a progress change without a version is
// tried again when the pathway changed between reading and writing it.
const progressRetries = 3

func (s *Server) getProgress(c *gin.Context) error {
	rec, err := s.cfg.Pathways.Get(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	_, p, err := decodePathway(rec)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, progressJSON{ID: rec.ID, Version: rec.Version, Progress: p.Progress()})
	return nil
}

// setProgress records which of the plan's steps are earned. Without a
// version the change applies to whatever version is current (it replaces
// the earned list, so it does not depend on what it replaces); with one, a
// stale version is a conflict.
func (s *Server) setProgress(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req progressRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	switch {
	case req.Earned == nil:
		return badRequest(`earned is required: the ids of the plan's steps earned so far ([] clears them)`)
	case req.Version < 0:
		return badRequest("version must be 1 or more (or left out)")
	}
	ctx, owner, id := c.Request.Context(), caller(c).ID, c.Param("id")
	for attempt := 1; ; attempt++ {
		cur, err := s.cfg.Pathways.Get(ctx, owner, id)
		if err != nil {
			return err
		}
		if req.Version != 0 && cur.Version != req.Version {
			return pathstore.ErrConflict
		}
		d, p, err := decodePathway(cur)
		if err != nil {
			return err
		}
		earned, err := earnedSteps(p.Plan, req.Earned)
		if err != nil {
			return err
		}
		d.Earned, p.Earned = earned, earned
		doc, err := encodePathway(d)
		if err != nil {
			return err
		}
		rec, err := s.cfg.Pathways.Update(ctx, pathstore.Record{ID: id, Owner: owner, Version: cur.Version, Doc: doc})
		if errors.Is(err, pathstore.ErrConflict) && req.Version == 0 && attempt < progressRetries {
			continue
		}
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, progressJSON{ID: rec.ID, Version: rec.Version, Progress: p.Progress()})
		return nil
	}
}

// earnedSteps checks that every id is a step of plan and returns them
// without repeats, in the plan's order.
func earnedSteps(plan planner.Plan, ids []string) ([]string, error) {
	isStep := make(map[string]bool, len(plan.Steps))
	for _, st := range plan.Steps {
		isStep[st.ID] = true
	}
	for i, id := range ids {
		if !isStep[id] {
			return nil, badRequest("earned[%d]: %q is not a step of this pathway's plan", i, id)
		}
	}
	return keepSteps(plan, ids), nil
}

// keepSteps returns the ids that are steps of plan, in the plan's order.
func keepSteps(plan planner.Plan, ids []string) []string {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := []string{}
	for _, st := range plan.Steps {
		if want[st.ID] {
			out = append(out, st.ID)
			delete(want, st.ID)
		}
	}
	return out
}
