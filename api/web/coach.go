package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// coachQuery is the coach's form, as sent to /coach/plan.
type coachQuery struct {
	Targets       []string
	Goals         []string
	Earned        []string
	MaxCost       string
	MaxHours      string
	HoursPerMonth string
	Start         string
	By            string
	Team          string
}

func readCoachQuery(q url.Values) coachQuery {
	return coachQuery{
		Targets:       gapValues(q["target"]),
		Goals:         idValues(q["goal"]),
		Earned:        idValues(q["earned"]),
		MaxCost:       strings.TrimSpace(q.Get("max_cost_usd")),
		MaxHours:      strings.TrimSpace(q.Get("max_hours")),
		HoursPerMonth: strings.TrimSpace(q.Get("hours_per_month")),
		Start:         strings.TrimSpace(q.Get("start")),
		By:            strings.TrimSpace(q.Get("by")),
		Team:          strings.TrimSpace(q.Get("team")),
	}
}

// monthPattern is the YYYY-MM form of start and by (a format check on a
// form field, not sanitizing).
var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// request builds the API's plan request from the form. The team box holds
// one member a line: "name | FW:CODE FW:CODE | earned-id earned-id".
func (q coachQuery) request() (map[string]any, error) {
	req := map[string]any{}
	targets, err := parseGaps(q.Targets, "target")
	if err != nil {
		return nil, err
	}
	if len(targets) > 0 {
		req["targets"] = targets
	}
	if len(q.Goals) > 0 {
		req["goal_credentials"] = q.Goals
	}
	if len(q.Earned) > 0 {
		req["earned"] = q.Earned
	}
	cons := map[string]any{}
	for _, f := range []struct{ name, v string }{{"max_cost_usd", q.MaxCost}, {"max_hours", q.MaxHours}, {"hours_per_month", q.HoursPerMonth}} {
		if err := numberField(cons, f.name, f.v); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct{ name, label, v string }{{"start", "Start month", q.Start}, {"by", "Finish by", q.By}} {
		if f.v == "" {
			continue
		}
		if !monthPattern.MatchString(f.v) {
			return nil, badForm("%s must be a month written YYYY-MM (for example 2027-01), not %q.", f.label, f.v)
		}
		cons[f.name] = f.v
	}
	if len(cons) > 0 {
		req["constraints"] = cons
	}
	if q.Team != "" {
		var cohort []map[string]any
		for n, line := range strings.Split(q.Team, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			parts := strings.Split(line, "|")
			if len(parts) < 2 || len(parts) > 3 || strings.TrimSpace(parts[0]) == "" {
				return nil, badForm("Team line %d must read \"name | FW:CODE FW:CODE | earned ids\" (the earned part may be left out), not %q.", n+1, line)
			}
			gaps, err := parseGaps(strings.Fields(parts[1]), fmt.Sprintf("gap on team line %d", n+1))
			if err != nil {
				return nil, err
			}
			m := map[string]any{"id": strings.TrimSpace(parts[0])}
			if len(gaps) > 0 {
				m["gaps"] = gaps
			}
			if len(parts) == 3 {
				if ids := strings.Fields(parts[2]); len(ids) > 0 {
					m["earned"] = ids
				}
			}
			cohort = append(cohort, m)
		}
		if len(cohort) > 0 {
			req["cohort"] = cohort
		}
	}
	if len(q.Targets) == 0 && len(q.Goals) == 0 && q.Team == "" {
		return nil, badForm("Name at least one target competency, goal credential or team member to plan for.")
	}
	return req, nil
}

// plan is the answer of POST /v1/plans.
type plan struct {
	Steps []struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Month       string   `json:"month"`
		EndMonth    string   `json:"end_month"`
		Hours       float64  `json:"hours"`
		CostUSD     float64  `json:"cost_usd"`
		HoursStated bool     `json:"hours_stated"`
		CostStated  bool     `json:"cost_stated"`
		Level       int      `json:"level"`
		Covers      []string `json:"covers"`
		Requires    []string `json:"requires"`
	} `json:"steps"`
	TotalCostUSD     float64           `json:"total_cost_usd"`
	TotalHours       float64           `json:"total_hours"`
	Covered          []string          `json:"covered"`
	Uncovered        []string          `json:"uncovered"`
	Optimal          bool              `json:"optimal"`
	UncoveredReasons map[string]string `json:"uncovered_reasons"`
	Members          []struct {
		ID         string   `json:"id"`
		Gaps       []string `json:"gaps"`
		Covered    []string `json:"covered"`
		Uncovered  []string `json:"uncovered"`
		AlreadyMet []string `json:"already_met"`
	} `json:"members"`
}

// planView is a plan with what the page derives from it.
type planView struct {
	Plan          *plan
	Months        []monthView
	UnstatedCost  int
	UnstatedHours int
	Chart         chart
	Titles        map[string]string
	// MemberSteps lists, for each team member, the titles of the steps
	// that cover one of the member's gaps, in plan order.
	MemberSteps map[string][]string
}

type monthView struct {
	Month string
	Steps []monthStep
}

type monthStep struct {
	ID, Title string
	Starts    bool
}

func (p *Pages) viewPlan(pl *plan, names map[string]string) planView {
	v := planView{Plan: pl, Titles: map[string]string{}}
	for _, s := range pl.Steps {
		v.Titles[s.ID] = s.Title
		if !s.CostStated {
			v.UnstatedCost++
		}
		if !s.HoursStated {
			v.UnstatedHours++
		}
	}
	v.MemberSteps = map[string][]string{}
	for _, m := range pl.Members {
		// The member's steps: those covering one of the member's gaps,
		// and the steps these need first.
		need := map[string]bool{}
		for i := len(pl.Steps) - 1; i >= 0; i-- {
			st := pl.Steps[i]
			if need[st.ID] || slices.ContainsFunc(st.Covers, func(c string) bool { return slices.Contains(m.Covered, c) }) {
				need[st.ID] = true
				for _, r := range st.Requires {
					need[r] = true
				}
			}
		}
		for _, st := range pl.Steps {
			if need[st.ID] {
				v.MemberSteps[m.ID] = append(v.MemberSteps[m.ID], st.Title)
			}
		}
	}
	v.Months = timeline(pl)
	v.Chart = coverageChart(pl, names)
	return v
}

// timeline lists every month from the first step's start to the last
// step's end with the steps under way in it.
func timeline(pl *plan) []monthView {
	parse := func(s string) (time.Time, bool) {
		t, err := time.Parse("2006-01", s)
		return t, err == nil
	}
	var first, last time.Time
	for _, s := range pl.Steps {
		a, ok1 := parse(s.Month)
		b, ok2 := parse(s.EndMonth)
		if !ok1 {
			continue
		}
		if !ok2 || b.Before(a) {
			b = a
		}
		if first.IsZero() || a.Before(first) {
			first = a
		}
		if b.After(last) {
			last = b
		}
	}
	if first.IsZero() {
		return nil
	}
	var out []monthView
	for m := first; !m.After(last) && len(out) < 120; m = m.AddDate(0, 1, 0) {
		mv := monthView{Month: m.Format("January 2006")}
		for _, s := range pl.Steps {
			a, ok1 := parse(s.Month)
			b, ok2 := parse(s.EndMonth)
			if !ok1 {
				continue
			}
			if !ok2 || b.Before(a) {
				b = a
			}
			if !m.Before(a) && !m.After(b) {
				mv.Steps = append(mv.Steps, monthStep{ID: s.ID, Title: s.Title, Starts: m.Equal(a)})
			}
		}
		out = append(out, mv)
	}
	return out
}

type coachData struct {
	Q          coachQuery
	Frameworks []frameworkChoices
	Pathways   []savedPathway
	CanSave    bool
}

type savedPathway struct {
	ID      string    `json:"id"`
	Version int64     `json:"version"`
	Name    string    `json:"name"`
	Updated time.Time `json:"updated"`
}

func (p *Pages) coachForm(w http.ResponseWriter, r *http.Request) error {
	fws, _, err := p.frameworks(r)
	if err != nil {
		return err
	}
	d := coachData{Q: readCoachQuery(r.URL.Query()), Frameworks: fws}
	if role := sessionFrom(r.Context()).role; role == "coach" || role == "admin" {
		var list struct {
			Pathways []savedPathway `json:"pathways"`
		}
		if err := p.api.get(r, "/v1/pathways", &list); err == nil {
			d.Pathways, d.CanSave = list.Pathways, true
		}
	}
	return p.render(w, r, http.StatusOK, "coach", "Plan professional learning", d)
}

type coachPlanData struct {
	Q       coachQuery
	Query   string
	View    planView
	CanSave bool
	Name    string
}

func (p *Pages) coachPlan(w http.ResponseWriter, r *http.Request) error {
	q := readCoachQuery(r.URL.Query())
	req, err := q.request()
	if err != nil {
		return err
	}
	var pl plan
	if _, _, err := p.api.call(r, http.MethodPost, "/v1/plans", req, &pl); err != nil {
		return err
	}
	_, names, err := p.frameworks(r)
	if err != nil {
		return err
	}
	role := sessionFrom(r.Context()).role
	return p.render(w, r, http.StatusOK, "plan", "Your plan", coachPlanData{
		Q: q, Query: r.URL.RawQuery, View: p.viewPlan(&pl, names),
		CanSave: role == "coach" || role == "admin",
		Name:    "Plan of " + time.Now().UTC().Format("2 January 2006"),
	})
}

// savePathway saves the plan of the form's query as a pathway.
func (p *Pages) savePathway(w http.ResponseWriter, r *http.Request) error {
	vals, err := url.ParseQuery(r.PostForm.Get("query"))
	if err != nil {
		return badForm("The plan to save could not be read; build it again.")
	}
	req, err := readCoachQuery(vals).request()
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		return badForm("Give the pathway a name.")
	}
	var saved savedPathway
	if _, _, err := p.api.call(r, http.MethodPost, "/v1/pathways", map[string]any{
		"name": name, "description": strings.TrimSpace(r.PostForm.Get("description")), "request": req,
	}, &saved); err != nil {
		return err
	}
	http.Redirect(w, r, "/coach/pathways/"+url.PathEscape(saved.ID)+"?saved=1", http.StatusSeeOther)
	return nil
}

type pathwayData struct {
	ID          string
	Name        string
	Description string
	Version     int64
	Updated     time.Time
	View        planView
	Earned      []string
	Progress    progress
	Saved       bool
	Updated1    bool
}

type progress struct {
	Earned           int     `json:"earned"`
	Total            int     `json:"total"`
	Percent          float64 `json:"percent"`
	RemainingCostUSD float64 `json:"remaining_cost_usd"`
	RemainingHours   float64 `json:"remaining_hours"`
	Next             *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"next"`
}

// pathway shows a saved pathway with its progress form.
func (p *Pages) pathway(w http.ResponseWriter, r *http.Request) error {
	id := lastParam(r, "/coach/pathways/")
	var pw struct {
		savedPathway
		Description string          `json:"description"`
		Plan        json.RawMessage `json:"plan"`
		Earned      []string        `json:"earned"`
	}
	if err := p.api.get(r, "/v1/pathways/"+url.PathEscape(id), &pw); err != nil {
		return err
	}
	var pl plan
	if err := json.Unmarshal(pw.Plan, &pl); err != nil {
		return fmt.Errorf("web: decode the plan of pathway %s: %w", id, err)
	}
	var pr progress
	if err := p.api.get(r, "/v1/pathways/"+url.PathEscape(id)+"/progress", &pr); err != nil {
		return err
	}
	_, names, err := p.frameworks(r)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "pathway", pw.Name, pathwayData{
		ID: pw.ID, Name: pw.Name, Description: pw.Description, Version: pw.Version, Updated: pw.Updated,
		View: p.viewPlan(&pl, names), Earned: pw.Earned, Progress: pr,
		Saved: r.URL.Query().Get("saved") == "1", Updated1: r.URL.Query().Get("progress") == "1",
	})
}

// lastParam reads the path segment after prefix (up to the next slash).
func lastParam(r *http.Request, prefix string) string {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), prefix)
	seg, _, _ := strings.Cut(rest, "/")
	id, err := url.PathUnescape(seg)
	if err != nil {
		return seg
	}
	return id
}

// setProgress records the steps checked as earned.
func (p *Pages) setProgress(w http.ResponseWriter, r *http.Request) error {
	id := lastParam(r, "/coach/pathways/")
	earned := r.PostForm["earned"]
	if earned == nil {
		earned = []string{}
	}
	if _, _, err := p.api.call(r, http.MethodPost, "/v1/pathways/"+url.PathEscape(id)+"/progress", map[string]any{"earned": earned}, nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/coach/pathways/"+url.PathEscape(id)+"?progress=1", http.StatusSeeOther)
	return nil
}

// exportCTDL downloads the pathway as a CTDL document.
func (p *Pages) exportCTDL(w http.ResponseWriter, r *http.Request) error {
	id := lastParam(r, "/coach/pathways/")
	data, ctype, err := p.api.call(r, http.MethodGet, "/v1/pathways/"+url.PathEscape(id)+"/ctdl", nil, nil)
	if err != nil {
		return err
	}
	if ctype == "" {
		ctype = "application/ld+json"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="pathway-`+fileSafe(id)+`.jsonld"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(data)
	return err
}

// fileSafe keeps letters, digits, '-' and '_' of s for a download name.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "export"
	}
	return b.String()
}
