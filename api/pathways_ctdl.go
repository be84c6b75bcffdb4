package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/recommender/pathway"
	"github.com/pdpath/pdpath/recommender/planner"
)

// ldJSONContentType is the content type of CTDL (JSON-LD) documents.
const ldJSONContentType = "application/ld+json"

// exportPathwayCTDL answers with the caller's pathway as a CTDL Pathway
// document, credential types and "k of n" prerequisites taken from the
// live catalog.
func (s *Server) exportPathwayCTDL(c *gin.Context) error {
	rec, err := s.cfg.Pathways.Get(c.Request.Context(), caller(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	_, p, err := decodePathway(rec)
	if err != nil {
		return err
	}
	data, err := pathway.ExportCTDL(p, s.cfg.Catalog.Snapshot())
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, ldJSONContentType, data)
	return nil
}

// importPathwayCTDL reads a CTDL Pathway document and saves it as a new
// pathway of the caller. Its steps and their order are the document's;
// hours, cost and level come from the live catalog for the credentials it
// holds (CTDL components do not carry them), and no months are scheduled.
// Updating the pathway plans it again from its request: the document's
// destination credential as goal, the prerequisites it marks as earned
// beforehand as earned.
func (s *Server) importPathwayCTDL(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body is empty; send a CTDL Pathway document (JSON-LD with a ceterms:Pathway node)")
	}
	version := s.cfg.Catalog.Version()
	p, err := pathway.ImportCTDL(body)
	if err != nil {
		return badRequest("%v", err)
	}
	name, description, err := checkPathwayText(p.Name, p.Description, "the ceterms:Pathway's ceterms:")
	if err != nil {
		return err
	}
	if len(p.Plan.Steps) == 0 {
		return badRequest("the document has no ceterms:CredentialComponent: a pathway needs at least one credential")
	}
	s.fillSteps(&p.Plan)
	req, err := importedRequest(p.Request)
	if err != nil {
		return err
	}
	return s.storeNewPathway(c, pathwayDoc{Name: name, Description: description, Request: req,
		Plan: mustJSON(p.Plan), CatalogVersion: version})
}

// fillSteps completes imported steps from the live catalog and sums the
// plan's totals.
func (s *Server) fillSteps(plan *planner.Plan) {
	var cents int64
	plan.TotalHours = 0
	for i := range plan.Steps {
		st := &plan.Steps[i]
		if cr, ok := s.cfg.Catalog.Credential(st.ID); ok {
			st.CostUSD, st.Hours, st.Level = cr.Cost(), cr.Duration(), cr.Level
			st.CostStated, st.HoursStated = cr.CostUSD != nil, cr.Hours != nil
			if st.Title == "" {
				st.Title = cr.Title
			}
		}
		cents += int64(math.Round(st.CostUSD * 100))
		plan.TotalHours += st.Hours
	}
	plan.TotalCostUSD = float64(cents) / 100
}

// importedRequest writes an imported pathway's request with only the
// fields it sets, as a coach would have sent it.
func importedRequest(r planner.Request) (json.RawMessage, error) {
	out := map[string]any{}
	if len(r.GoalCredentials) > 0 {
		out["goal_credentials"] = r.GoalCredentials
	}
	if len(r.Earned) > 0 {
		out["earned"] = r.Earned
	}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("api: encode imported request: %w", err)
	}
	return data, nil
}
