// Package pathways is the saved-pathway service: it owns the rules for
// creating, updating, reading, tracking and exchanging the pathways coaches
// save — a plan request planned on the live catalog, the steps earned so
// far, CTDL export and import — over a pathstore.Store that keeps them.
//
// It knows nothing about HTTP: a caller's mistake is an error of kind
// derrors.Invalid, a missing or foreign pathway derrors.NotFound, a stale
// version derrors.Conflict, and the API turns kinds into statuses.
package pathways

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/recommender/pathstore"
	"github.com/pdpath/pdpath/recommender/pathway"
	"github.com/pdpath/pdpath/recommender/planner"
)

// Caps on a pathway's name and description.
const (
	MaxName        = 200
	MaxDescription = 2000
)

// Catalog is the live catalog pathways are planned on; the catalog store
// implements it.
type Catalog interface {
	Version() int64
	Snapshot() *catalog.Snapshot
	Credential(id string) (*catalog.Credential, bool)
}

// Planners gives the planner of a catalog version; *recommender.Engine
// implements it.
type Planners interface {
	Planner(snap *catalog.Snapshot) (*planner.Planner, int64)
}

// Service keeps saved pathways. It is safe for concurrent use.
type Service struct {
	store    pathstore.Store
	cat      Catalog
	planners Planners
}

// New returns a service over store, planning on cat with planners.
func New(store pathstore.Store, cat Catalog, planners Planners) *Service {
	return &Service{store: store, cat: cat, planners: planners}
}

// Store returns the store the service keeps pathways in.
func (s *Service) Store() pathstore.Store { return s.store }

// Pathway is a saved pathway as callers see it. List leaves Request, Plan
// and Earned out.
type Pathway struct {
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

// Input is what a coach sends to create or update a pathway: a name, a
// description and a plan request; an update also sends the version it
// read (optimistic concurrency).
type Input struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Request     json.RawMessage `json:"request"`
	Version     int64           `json:"version"`
}

// Progress is a pathway's progress and its version, to send with the next
// change.
type Progress struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	pathway.Progress
}

// doc is what the service keeps in a pathstore record: the coach's plan
// request as sent, the plan computed for it, the catalog version it was
// computed on and the plan's steps earned so far. The request is kept raw
// so that reading a pathway back returns exactly what the coach saved.
type doc struct {
	Name           string          `json:"name"`
	Description    string          `json:"description,omitempty"`
	Request        json.RawMessage `json:"request"`
	Plan           json.RawMessage `json:"plan"`
	CatalogVersion int64           `json:"catalog_version"`
	Earned         []string        `json:"earned,omitempty"`
}

// invalid is the caller's mistake, with a message shown as is.
func invalid(format string, args ...any) error {
	return derrors.Wrap(derrors.Invalid, fmt.Errorf(format, args...))
}

// decodeDoc reads a record's document. A document that does not decode is
// the server's fault (it wrote it), never the caller's, so the error has
// no kind.
func decodeDoc(r pathstore.Record) (doc, error) {
	var d doc
	if err := json.Unmarshal(r.Doc, &d); err != nil {
		return d, fmt.Errorf("pathways: decode pathway %s: %v", r.ID, err)
	}
	return d, nil
}

func view(r pathstore.Record, full bool) (Pathway, error) {
	d, err := decodeDoc(r)
	if err != nil {
		return Pathway{}, err
	}
	out := Pathway{ID: r.ID, Version: r.Version, Name: d.Name, Description: d.Description,
		Created: r.Created, Updated: r.Updated, CatalogVersion: d.CatalogVersion}
	if full {
		out.Request, out.Plan, out.Earned = d.Request, d.Plan, d.Earned
	}
	return out, nil
}

// decodePathway reads a record back into the pathway it stores.
func decodePathway(r pathstore.Record) (doc, *pathway.Pathway, error) {
	d, err := decodeDoc(r)
	if err != nil {
		return d, nil, err
	}
	p := &pathway.Pathway{ID: r.ID, Owner: r.Owner, Name: d.Name, Description: d.Description,
		Earned: d.Earned, Created: r.Created, Updated: r.Updated}
	if err := json.Unmarshal(d.Plan, &p.Plan); err != nil {
		return d, nil, fmt.Errorf("pathways: decode the plan of pathway %s: %v", r.ID, err)
	}
	req, err := planner.ParseRequest(bytes.NewReader(d.Request))
	if err != nil {
		return d, nil, fmt.Errorf("pathways: decode the request of pathway %s: %v", r.ID, err)
	}
	p.Request = req
	if p.Earned == nil {
		p.Earned = []string{}
	}
	return d, p, nil
}

// checkText trims and checks a pathway's name and description; from says
// where they came from in an error ("" for the request body).
func checkText(name, description, from string) (string, string, error) {
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	switch {
	case name == "":
		return name, description, invalid("%sname is required", from)
	case len(name) > MaxName:
		return name, description, invalid("%sname is over %d bytes", from, MaxName)
	case len(description) > MaxDescription:
		return name, description, invalid("%sdescription is over %d bytes", from, MaxDescription)
	}
	return name, description, nil
}

// build validates in and computes its plan on the live catalog.
func (s *Service) build(ctx context.Context, in Input, update bool) (doc, planner.Plan, error) {
	var err error
	if in.Name, in.Description, err = checkText(in.Name, in.Description, ""); err != nil {
		return doc{}, planner.Plan{}, err
	}
	switch {
	case len(bytes.TrimSpace(in.Request)) == 0:
		return doc{}, planner.Plan{}, invalid("request is required: a plan request as for POST /v1/plans")
	case update && in.Version < 1:
		return doc{}, planner.Plan{}, invalid("version is required: send the version you read, so a concurrent change is not overwritten")
	case !update && in.Version != 0:
		return doc{}, planner.Plan{}, invalid("version is set by the server; leave it out when creating a pathway")
	}
	preq, err := planner.ParseRequest(bytes.NewReader(in.Request))
	if err != nil {
		return doc{}, planner.Plan{}, invalid("request: %v", err)
	}
	snap := s.cat.Snapshot()
	p, version := s.planners.Planner(snap)
	plan, err := p.Plan(ctx, preq)
	if err != nil {
		return doc{}, planner.Plan{}, err
	}
	return doc{Name: in.Name, Description: in.Description, Request: in.Request, Plan: mustJSON(plan), CatalogVersion: version}, plan, nil
}

func encode(d doc) (json.RawMessage, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("pathways: encode pathway: %w", err)
	}
	return b, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// Create plans in on the live catalog and saves it as a new pathway of
// owner.
func (s *Service) Create(ctx context.Context, owner string, in Input) (Pathway, error) {
	d, _, err := s.build(ctx, in, false)
	if err != nil {
		return Pathway{}, err
	}
	return s.create(ctx, owner, d)
}

func (s *Service) create(ctx context.Context, owner string, d doc) (Pathway, error) {
	b, err := encode(d)
	if err != nil {
		return Pathway{}, err
	}
	rec, err := s.store.Create(ctx, pathstore.Record{Owner: owner, Doc: b})
	if err != nil {
		return Pathway{}, err
	}
	return view(rec, true)
}

// Update replaces the owner's pathway id with in (name, description and
// request) and plans it again, if in.Version is still the current one.
// Steps marked earned stay earned while they are steps of the new plan.
func (s *Service) Update(ctx context.Context, owner, id string, in Input) (Pathway, error) {
	d, plan, err := s.build(ctx, in, true)
	if err != nil {
		return Pathway{}, err
	}
	cur, err := s.store.Get(ctx, owner, id)
	if err != nil {
		return Pathway{}, err
	}
	if cur.Version != in.Version {
		// Update would refuse it too; the earned steps read here
		// belong to another version than the one the caller edited.
		return Pathway{}, pathstore.ErrConflict
	}
	curDoc, err := decodeDoc(cur)
	if err != nil {
		return Pathway{}, err
	}
	d.Earned = keepSteps(plan, curDoc.Earned)
	b, err := encode(d)
	if err != nil {
		return Pathway{}, err
	}
	rec, err := s.store.Update(ctx, pathstore.Record{ID: id, Owner: owner, Version: in.Version, Doc: b})
	if err != nil {
		return Pathway{}, err
	}
	return view(rec, true)
}

// Get returns the owner's pathway id in full.
func (s *Service) Get(ctx context.Context, owner, id string) (Pathway, error) {
	rec, err := s.store.Get(ctx, owner, id)
	if err != nil {
		return Pathway{}, err
	}
	return view(rec, true)
}

// List returns a page of the owner's pathways, newest first, without
// their requests, plans and earned steps.
func (s *Service) List(ctx context.Context, owner string, limit, offset int) ([]Pathway, error) {
	recs, err := s.store.List(ctx, owner, limit, offset)
	if err != nil {
		return nil, err
	}
	out := make([]Pathway, 0, len(recs))
	for _, r := range recs {
		p, err := view(r, false)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Delete removes the owner's pathway id.
func (s *Service) Delete(ctx context.Context, owner, id string) error {
	return s.store.Delete(ctx, owner, id)
}

// progressRetries bounds how often a progress change without a version is
// tried again when the pathway changed between reading and writing it.
const progressRetries = 3

// Progress returns where the owner's pathway id is at.
func (s *Service) Progress(ctx context.Context, owner, id string) (Progress, error) {
	rec, err := s.store.Get(ctx, owner, id)
	if err != nil {
		return Progress{}, err
	}
	_, p, err := decodePathway(rec)
	if err != nil {
		return Progress{}, err
	}
	return Progress{ID: rec.ID, Version: rec.Version, Progress: p.Progress()}, nil
}

// SetProgress records which of the plan's steps are earned (replacing
// those marked before; an empty list clears them). With version 0 the
// change applies to whatever version is current, since it does not depend
// on what it replaces; with a version, a stale one is a conflict.
func (s *Service) SetProgress(ctx context.Context, owner, id string, earned []string, version int64) (Progress, error) {
	switch {
	case earned == nil:
		return Progress{}, invalid(`earned is required: the ids of the plan's steps earned so far ([] clears them)`)
	case version < 0:
		return Progress{}, invalid("version must be 1 or more (or left out)")
	}
	for attempt := 1; ; attempt++ {
		cur, err := s.store.Get(ctx, owner, id)
		if err != nil {
			return Progress{}, err
		}
		if version != 0 && cur.Version != version {
			return Progress{}, pathstore.ErrConflict
		}
		d, p, err := decodePathway(cur)
		if err != nil {
			return Progress{}, err
		}
		steps, err := earnedSteps(p.Plan, earned)
		if err != nil {
			return Progress{}, err
		}
		d.Earned, p.Earned = steps, steps
		b, err := encode(d)
		if err != nil {
			return Progress{}, err
		}
		rec, err := s.store.Update(ctx, pathstore.Record{ID: id, Owner: owner, Version: cur.Version, Doc: b})
		if errors.Is(err, pathstore.ErrConflict) && version == 0 && attempt < progressRetries {
			continue
		}
		if err != nil {
			return Progress{}, err
		}
		return Progress{ID: rec.ID, Version: rec.Version, Progress: p.Progress()}, nil
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
			return nil, invalid("earned[%d]: %q is not a step of this pathway's plan", i, id)
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

// ExportCTDL returns the owner's pathway id as a CTDL Pathway document,
// credential types and "k of n" prerequisites taken from the live catalog.
func (s *Service) ExportCTDL(ctx context.Context, owner, id string) ([]byte, error) {
	rec, err := s.store.Get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	_, p, err := decodePathway(rec)
	if err != nil {
		return nil, err
	}
	return pathway.ExportCTDL(p, s.cat.Snapshot())
}

// ImportCTDL reads a CTDL Pathway document and saves it as a new pathway
// of owner. Its steps and their order are the document's; hours, cost and
// level come from the live catalog for the credentials it holds (CTDL
// components do not carry them), and no months are scheduled. Updating the
// pathway plans it again from its request: the document's destination
// credential as goal, the prerequisites it marks as earned beforehand as
// earned.
func (s *Service) ImportCTDL(ctx context.Context, owner string, data []byte) (Pathway, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Pathway{}, invalid("the request body is empty; send a CTDL Pathway document (JSON-LD with a ceterms:Pathway node)")
	}
	version := s.cat.Version()
	p, err := pathway.ImportCTDL(data)
	if err != nil {
		return Pathway{}, invalid("%v", err)
	}
	name, description, err := checkText(p.Name, p.Description, "the ceterms:Pathway's ceterms:")
	if err != nil {
		return Pathway{}, err
	}
	if len(p.Plan.Steps) == 0 {
		return Pathway{}, invalid("the document has no ceterms:CredentialComponent: a pathway needs at least one credential")
	}
	s.fillSteps(&p.Plan)
	req, err := importedRequest(p.Request)
	if err != nil {
		return Pathway{}, err
	}
	return s.create(ctx, owner, doc{Name: name, Description: description, Request: req,
		Plan: mustJSON(p.Plan), CatalogVersion: version})
}

// fillSteps completes imported steps from the live catalog and sums the
// plan's totals.
func (s *Service) fillSteps(plan *planner.Plan) {
	var cents int64
	plan.TotalHours = 0
	for i := range plan.Steps {
		st := &plan.Steps[i]
		if cr, ok := s.cat.Credential(st.ID); ok {
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
		return nil, fmt.Errorf("pathways: encode imported request: %w", err)
	}
	return data, nil
}

// WithStep lists the owner's saved pathways (at most pathstore.MaxListLimit
// of them are read) whose plan has a step for credentialID, without their
// requests and plans.
func (s *Service) WithStep(ctx context.Context, owner, credentialID string) ([]Pathway, error) {
	recs, err := s.store.List(ctx, owner, pathstore.MaxListLimit, 0)
	if err != nil {
		return nil, err
	}
	var out []Pathway
	for _, r := range recs {
		d, err := decodeDoc(r)
		if err != nil {
			return nil, err
		}
		var plan struct {
			Steps []struct {
				ID string `json:"id"`
			} `json:"steps"`
		}
		if err := json.Unmarshal(d.Plan, &plan); err != nil {
			return nil, fmt.Errorf("pathways: decode plan of pathway %s: %v", r.ID, err)
		}
		for _, st := range plan.Steps {
			if st.ID == credentialID {
				p, err := view(r, false)
				if err != nil {
					return nil, err
				}
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}
