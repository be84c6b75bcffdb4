package pathway

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pdpath/pdpath/indexer/feeds/ctdlpathway"
	"github.com/pdpath/pdpath/recommender/planner"
)

// ImportCTDL reads a CTDL Pathway document (see package ctdlpathway, which
// reads it) into a Pathway whose plan lists the credential components as
// steps in the order the document gives; credential components outside
// its ceterms:precedes chain are prerequisites earned beforehand and go to
// Request.Earned. A step's Requires are the credentials of the components
// it requires. A destination that is a credential component becomes the
// request's goal credential. Schedules, costs and coverage are not part of
// CTDL components and are left empty.
func ImportCTDL(data []byte) (*Pathway, error) {
	doc, err := ctdlpathway.Read(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrCTDL, strings.TrimPrefix(err.Error(), ctdlpathway.ErrNotPathway.Error()+": "))
	}
	credOf := make(map[string]string)
	for _, c := range append(append([]ctdlpathway.Component{}, doc.Earned...), doc.Steps...) {
		cred, err := credentialID(c.ProxyFor)
		if err != nil {
			return nil, fmt.Errorf("%w: component %s: %v", ErrCTDL, c.ID, err)
		}
		credOf[c.ID] = cred
	}
	p := &Pathway{
		Name:        doc.Name,
		Description: doc.Description,
		Earned:      []string{},
		Plan:        planner.Plan{Steps: []planner.Step{}, Covered: []string{}, Uncovered: []string{}},
	}
	p.ID = doc.ID
	if rest, ok := strings.CutPrefix(p.ID, pathwayURN); ok {
		if id, err := url.PathUnescape(rest); err == nil {
			p.ID = id
		}
	} else if doc.CTID != "" {
		p.ID = doc.CTID
	}
	for _, c := range doc.Earned {
		p.Request.Earned = append(p.Request.Earned, credOf[c.ID])
	}
	for _, c := range doc.Steps {
		s := planner.Step{ID: credOf[c.ID], Title: c.Title, Covers: []string{}, Requires: []string{}}
		for _, r := range c.Requires {
			s.Requires = append(s.Requires, credOf[r])
		}
		p.Plan.Steps = append(p.Plan.Steps, s)
	}
	if doc.Destination != "" {
		p.Request.GoalCredentials = []string{credOf[doc.Destination]}
	}
	return p, nil
}
