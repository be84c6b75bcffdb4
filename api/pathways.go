package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/pathstore"
	"github.com/pdpath/pdpath/recommender/planner"
)

// maxPathwayName caps a pathway's name.
const maxPathwayName = 200

// pathwayDoc is what the API keeps in a pathstore record: the coach's plan
// request as sent, the plan computed for it and the catalog version it was
// computed on. The request is kept raw so that reading a pathway back
// returns exactly what the coach saved.
type pathwayDoc struct {
	Name           string          `json:"name"`
	Request        json.RawMessage `json:"request"`
	Plan           json.RawMessage `json:"plan"`
	CatalogVersion int64           `json:"catalog_version"`
}

// pathwayJSON is a saved pathway as the API shows it.
type pathwayJSON struct {
	ID             string          `json:"id"`
	Version        int64           `json:"version"`
	Name           string          `json:"name"`
	Created        time.Time       `json:"created"`
	Updated        time.Time       `json:"updated"`
	CatalogVersion int64           `json:"catalog_version"`
	Request        json.RawMessage `json:"request,omitempty"`
	Plan           json.RawMessage `json:"plan,omitempty"`
}

// pathwayRequest is the body of POST and PUT /v1/pathways; PUT also needs
// the version that was read (optimistic concurrency).
type pathwayRequest struct {
	Name    string          `json:"name"`
	Request json.RawMessage `json:"request"`
	Version int64           `json:"version"`
}

func toPathwayJSON(r pathstore.Record, full bool) (pathwayJSON, error) {
	var d pathwayDoc
	if err := json.Unmarshal(r.Doc, &d); err != nil {
		return pathwayJSON{}, fmt.Errorf("api: decode pathway %s: %w", r.ID, err)
	}
	out := pathwayJSON{ID: r.ID, Version: r.Version, Name: d.Name, Created: r.Created, Updated: r.Updated, CatalogVersion: d.CatalogVersion}
	if full {
		out.Request, out.Plan = d.Request, d.Plan
	}
	return out, nil
}

// buildPathway validates a pathway body and computes its plan on the live
// catalog.
func (s *Server) buildPathway(c *gin.Context, update bool) (pathwayRequest, json.RawMessage, error) {
	body, err := readBody(c)
	if err != nil {
		return pathwayRequest{}, nil, err
	}
	var req pathwayRequest
	if err := decodeStrict(body, &req); err != nil {
		return req, nil, err
	}
	req.Name = strings.TrimSpace(req.Name)
	switch {
	case req.Name == "":
		return req, nil, badRequest("name is required")
	case len(req.Name) > maxPathwayName:
		return req, nil, badRequest("name is over %d bytes", maxPathwayName)
	case len(bytes.TrimSpace(req.Request)) == 0:
		return req, nil, badRequest("request is required: a plan request as for POST /v1/plans")
	case update && req.Version < 1:
		return req, nil, badRequest("version is required: send the version you read, so a concurrent change is not overwritten")
	case !update && req.Version != 0:
		return req, nil, badRequest("version is set by the server; leave it out when creating a pathway")
	}
	preq, err := planner.ParseRequest(bytes.NewReader(req.Request))
	if err != nil {
		return req, nil, badRequest("request: %v", err)
	}
	version := s.cfg.Catalog.Version()
	plan, err := s.planFor(c.Request.Context(), preq)
	if err != nil {
		return req, nil, err
	}
	doc, err := json.Marshal(pathwayDoc{Name: req.Name, Request: req.Request, Plan: mustJSON(plan), CatalogVersion: version})
	if err != nil {
		return req, nil, fmt.Errorf("api: encode pathway: %w", err)
	}
	return req, doc, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func (s *Server) createPathway(c *gin.Context) error {
	_, doc, err := s.buildPathway(c, false)
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

func (s *Server) updatePathway(c *gin.Context) error {
	req, doc, err := s.buildPathway(c, true)
	if err != nil {
		return err
	}
	rec, err := s.cfg.Pathways.Update(c.Request.Context(), pathstore.Record{ID: c.Param("id"), Owner: caller(c).ID, Version: req.Version, Doc: doc})
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
