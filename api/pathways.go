package api

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/recommender/pathstore"
	"github.com/pdpath/pdpath/recommender/pathways"
)

// The saved-pathway routes decode the request, call the pathway service
// (package pathways, which owns the rules) and encode its answer.

// pathwayJSON is a saved pathway as the API shows it.
type pathwayJSON = pathways.Pathway

// progressJSON is a pathway's progress as the API shows it.
type progressJSON = pathways.Progress

// ldJSONContentType is the content type of CTDL (JSON-LD) documents.
const ldJSONContentType = "application/ld+json"

func (s *Server) decodePathwayInput(c *gin.Context) (pathways.Input, error) {
	var in pathways.Input
	body, err := readBody(c)
	if err != nil {
		return in, err
	}
	err = decodeStrict(body, &in)
	return in, err
}

func (s *Server) createPathway(c *gin.Context) error {
	in, err := s.decodePathwayInput(c)
	if err != nil {
		return err
	}
	p, err := s.pathways.Create(c.Request.Context(), caller(c).ID, in)
	if err != nil {
		return err
	}
	c.Header("Location", "/v1/pathways/"+url.PathEscape(p.ID))
	writeJSON(c, http.StatusCreated, p)
	return nil
}

func (s *Server) updatePathway(c *gin.Context) error {
	in, err := s.decodePathwayInput(c)
	if err != nil {
		return err
	}
	p, err := s.pathways.Update(c.Request.Context(), caller(c).ID, c.Param("id"), in)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, p)
	return nil
}

func (s *Server) getPathway(c *gin.Context) error {
	p, err := s.pathways.Get(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, p)
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
	list, err := s.pathways.List(c.Request.Context(), caller(c).ID, limit, offset)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, struct {
		Pathways []pathwayJSON `json:"pathways"`
	}{Pathways: list})
	return nil
}

func (s *Server) deletePathway(c *gin.Context) error {
	if err := s.pathways.Delete(c.Request.Context(), caller(c).ID, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) getProgress(c *gin.Context) error {
	p, err := s.pathways.Progress(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, p)
	return nil
}

// progressRequest is the body of POST /v1/pathways/{id}/progress: the
// plan's steps earned so far, replacing those marked before, and
// optionally the version that was read.
type progressRequest struct {
	Earned  []string `json:"earned"`
	Version int64    `json:"version"`
}

func (s *Server) setProgress(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req progressRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	p, err := s.pathways.SetProgress(c.Request.Context(), caller(c).ID, c.Param("id"), req.Earned, req.Version)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, p)
	return nil
}

func (s *Server) exportPathwayCTDL(c *gin.Context) error {
	data, err := s.pathways.ExportCTDL(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, ldJSONContentType, data)
	return nil
}

func (s *Server) importPathwayCTDL(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	p, err := s.pathways.ImportCTDL(c.Request.Context(), caller(c).ID, body)
	if err != nil {
		return err
	}
	c.Header("Location", "/v1/pathways/"+url.PathEscape(p.ID))
	writeJSON(c, http.StatusCreated, p)
	return nil
}
