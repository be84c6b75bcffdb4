package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Choices the forms offer for the profile's preferences.
var (
	formatChoices    = []string{"online", "in-person", "hybrid"}
	gradeBandChoices = []string{"PreK", "K-2", "3-5", "6-8", "9-12", "adult"}
)

// framework is a framework as GET /v1/frameworks shows it.
type framework struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Items []struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		Parent string `json:"parent"`
	} `json:"items"`
}

// competencyChoice is one pickable gap.
type competencyChoice struct {
	Key   string // FRAMEWORK:CODE
	Label string
	Child bool
}

type frameworkChoices struct {
	Name  string
	Title string
	Items []competencyChoice
}

// frameworkIndex is what the pages know of the frameworks: the pickers'
// choices, each competency's name and its parent ("UDL:7" for "UDL:7.2").
type frameworkIndex struct {
	Choices []frameworkChoices
	Names   map[string]string
	Parent  map[string]string
}

// frameworks loads the gap pickers. A visitor who may not read yet gets
// none (the form says to sign in) rather than an error page.
func (p *Pages) frameworks(r *http.Request) ([]frameworkChoices, map[string]string, error) {
	ix, err := p.frameworkIndex(r)
	return ix.Choices, ix.Names, err
}

func (p *Pages) frameworkIndex(r *http.Request) (frameworkIndex, error) {
	var body struct {
		Frameworks []framework `json:"frameworks"`
	}
	ix := frameworkIndex{Names: map[string]string{}, Parent: map[string]string{}}
	if err := p.api.get(r, "/v1/frameworks", &body); err != nil {
		if ae, ok := err.(*apiError); ok && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden) {
			return ix, nil
		}
		return ix, err
	}
	names := ix.Names
	var out []frameworkChoices
	for _, fw := range body.Frameworks {
		fc := frameworkChoices{Name: fw.Name, Title: fw.Title}
		for _, it := range fw.Items {
			key := fw.Name + ":" + it.Code
			label := key
			if it.Name != "" {
				label += " — " + it.Name
			}
			names[key] = it.Name
			if it.Parent != "" {
				ix.Parent[key] = fw.Name + ":" + it.Parent
			}
			fc.Items = append(fc.Items, competencyChoice{Key: key, Label: label, Child: it.Parent != ""})
		}
		if len(fc.Items) > 0 {
			out = append(out, fc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	ix.Choices = out
	return ix, nil
}

// teacherQuery is the teacher's form, as sent to /recommend.
type teacherQuery struct {
	Goals      string
	Gaps       []string
	Earned     []string
	MaxCost    string
	MaxHours   string
	Format     string
	GradeBand  string
	Subject    string
	Experience string
}

// readTeacherQuery reads the form's fields. A gap may be typed with its
// name after the code ("UDL:7 — Recruiting interest", as the search list
// offers it); only the code counts.
func readTeacherQuery(q url.Values) teacherQuery {
	return teacherQuery{
		Goals:      strings.TrimSpace(q.Get("goals")),
		Gaps:       gapValues(q["gap"]),
		Earned:     idValues(q["earned"]),
		MaxCost:    strings.TrimSpace(q.Get("max_cost_usd")),
		MaxHours:   strings.TrimSpace(q.Get("max_hours")),
		Format:     strings.TrimSpace(q.Get("format")),
		GradeBand:  strings.TrimSpace(q.Get("grade_band")),
		Subject:    strings.ToLower(strings.TrimSpace(q.Get("subject"))),
		Experience: strings.TrimSpace(q.Get("years_experience")),
	}
}

func gapValues(vs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
			g := gapKey(part)
			if g == "" || seen[g] {
				continue
			}
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// gapKey reads "FRAMEWORK:CODE" from what the visitor typed or picked: the
// name the search list shows after the code ("UDL:7 — Recruiting
// interest") is dropped, and so is anything after the code.
func gapKey(s string) string {
	s, _, _ = strings.Cut(s, " — ")
	s = strings.TrimSpace(s)
	fw, code, ok := strings.Cut(s, ":")
	if !ok {
		return s
	}
	if f := strings.Fields(code); len(f) > 0 {
		code = f[0]
	}
	return strings.TrimSpace(fw) + ":" + code
}

// idValues splits ids given one per field or several per line-separated
// field (a textarea); ids are URIs, so no other separator is safe.
func idValues(vs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		for _, id := range strings.Fields(v) {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// profile builds the API's educator profile from the form.
func (q teacherQuery) profile() (map[string]any, error) {
	prof := map[string]any{}
	if q.Goals != "" {
		prof["goals"] = q.Goals
	}
	gaps, err := parseGaps(q.Gaps, "gap")
	if err != nil {
		return nil, err
	}
	if len(gaps) > 0 {
		prof["gaps"] = gaps
	}
	if len(q.Earned) > 0 {
		prof["earned"] = q.Earned
	}
	prefs := map[string]any{}
	if err := numberField(prefs, "max_cost_usd", q.MaxCost); err != nil {
		return nil, err
	}
	if err := numberField(prefs, "max_hours", q.MaxHours); err != nil {
		return nil, err
	}
	if q.Format != "" {
		prefs["formats"] = []string{q.Format}
	}
	if q.GradeBand != "" {
		prefs["grade_bands"] = []string{q.GradeBand}
	}
	if q.Subject != "" {
		prefs["subjects"] = []string{q.Subject}
	}
	if len(prefs) > 0 {
		prof["preferences"] = prefs
	}
	if q.Experience != "" {
		y, err := strconv.ParseFloat(q.Experience, 64)
		if err != nil || y < 0 || y > 80 {
			return nil, badForm("Years of experience must be a number from 0 to 80, not %q.", q.Experience)
		}
		prof["years_experience"] = y
	}
	return prof, nil
}

// parseGaps turns FRAMEWORK:CODE strings into the API's gap objects.
func parseGaps(keys []string, field string) ([]map[string]string, error) {
	var out []map[string]string
	for _, k := range keys {
		fw, code, ok := strings.Cut(k, ":")
		if !ok || fw == "" || code == "" {
			return nil, badForm("Each %s must be written FRAMEWORK:CODE (for example UDL:7), not %q.", field, k)
		}
		out = append(out, map[string]string{"framework": fw, "code": code})
	}
	return out, nil
}

func numberField(m map[string]any, name, v string) error {
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e9 {
		return badForm("%s must be a number of 0 or more, not %q.", fieldLabel(name), v)
	}
	m[name] = f
	return nil
}

func fieldLabel(name string) string {
	switch name {
	case "max_cost_usd":
		return "Most you can spend (USD)"
	case "max_hours":
		return "Most hours per item"
	case "hours_per_month":
		return "Hours per month"
	}
	return name
}

func badForm(format string, args ...any) *pageError {
	return &pageError{Status: http.StatusBadRequest, Title: "Please check the form", Message: fmt.Sprintf(format, args...)}
}

type teacherData struct {
	Q          teacherQuery
	Query      string
	Frameworks []frameworkChoices
	Formats    []string
	GradeBands []string
	NeedKey    bool
}

func (p *Pages) teacherForm(w http.ResponseWriter, r *http.Request) error {
	fws, _, err := p.frameworks(r)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "teacher", "Find professional learning", teacherData{
		Q: readTeacherQuery(r.URL.Query()), Query: r.URL.RawQuery, Frameworks: fws, Formats: formatChoices, GradeBands: gradeBandChoices,
		NeedKey: fws == nil && !p.cfg.OpenReader && sessionFrom(r.Context()).key == "",
	})
}

// credential is a catalog item as GET /v1/credentials/{id} shows it.
type credential struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Criteria     string `json:"criteria"`
	Issuer       string `json:"issuer"`
	IssuerID     string `json:"issuer_id"`
	Kind         string `json:"kind"`
	Type         string `json:"type"`
	URL          string `json:"url"`
	Image        string `json:"image"`
	Competencies []struct {
		Framework string `json:"framework"`
		Code      string `json:"code"`
		Name      string `json:"name"`
		URL       string `json:"url"`
	} `json:"competencies"`
	Level            int      `json:"level"`
	Prerequisites    []string `json:"prerequisites"`
	PrerequisitesMin int      `json:"prerequisites_min"`
	PartOf           []string `json:"part_of"`
	HasPart          []string `json:"has_part"`
	SupersededBy     string   `json:"superseded_by"`
	CostUSD          *float64 `json:"cost_usd"`
	Hours            *float64 `json:"hours"`
	Duration         string   `json:"duration"`
	Format           string   `json:"format"`
	GradeBands       []string `json:"grade_bands"`
	Subjects         []string `json:"subjects"`
	Tags             []string `json:"tags"`
	ApprovedIn       []string `json:"approved_in"`
	AltIDs           []string `json:"alt_ids"`
	PublishedBy      []struct {
		By   string `json:"by"`
		URL  string `json:"url"`
		File string `json:"file"`
	} `json:"published_by"`
	FirstSeen          time.Time `json:"first_seen"`
	LastSeen           time.Time `json:"last_seen"`
	Status             string    `json:"status"`
	PossibleDuplicates []string  `json:"possible_duplicates"`
}

// suggestion is one item of POST /v1/recommendations, completed from the
// catalog where the answer leaves a field out.
type suggestion struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Issuer  string   `json:"issuer"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
	CostUSD *float64 `json:"cost_usd"`
	Hours   *float64 `json:"hours"`
	Format  string   `json:"format"`
	Level   int      `json:"level"`
	URL     string   `json:"url"`
	Kind    string   `json:"kind"`
	// Why is the reasons as data; its gap entries say which of the
	// teacher's gaps the item meets and how.
	Why []struct {
		Kind  string `json:"kind"`
		Gap   string `json:"gap"`
		Match string `json:"match"`
		Via   string `json:"via"`
	} `json:"why"`
	// Competencies are the item's alignments, read when Why is absent.
	Competencies []string `json:"-"`
	// Gaps is what the page shows of the gaps the item meets.
	Gaps []gapMatch `json:"-"`
}

// gapMatch is one of the teacher's gaps an item meets: how, and through
// which of the item's own alignments.
type gapMatch struct {
	Gap, Match, Via string
}

// Wording says how a gap is met without claiming more than the match.
func (g gapMatch) Wording() string {
	switch g.Match {
	case "direct":
		return "aligned to it directly"
	case "child":
		return "covered through " + g.Via + ", a part of it"
	case "parent":
		return "partly met through " + g.Via + ", the broader standard it belongs to"
	case "crosswalk":
		return "related through " + g.Via + " in another framework (a crosswalk, not full coverage)"
	}
	if g.Via != "" && g.Via != g.Gap {
		return g.Match + " match through " + g.Via
	}
	return g.Match + " match"
}

// matchGaps fills s.Gaps from the answer's why entries or, when the server
// sends none, from the item's alignments and the framework hierarchy
// (direct, child and parent matches only).
func matchGaps(s *suggestion, gaps []string, parent map[string]string) {
	for _, w := range s.Why {
		if w.Kind == "gap" && w.Gap != "" {
			s.Gaps = append(s.Gaps, gapMatch{Gap: w.Gap, Match: w.Match, Via: w.Via})
		}
	}
	if len(s.Why) > 0 {
		return
	}
	ancestor := func(c, g string) bool {
		for k, n := parent[c], 0; k != "" && n < 10; k, n = parent[k], n+1 {
			if strings.EqualFold(k, g) {
				return true
			}
		}
		return false
	}
	for _, g := range gaps {
		var best *gapMatch
		for _, c := range s.Competencies {
			switch {
			case strings.EqualFold(c, g):
				best = &gapMatch{Gap: g, Match: "direct", Via: c}
			case ancestor(c, g) && (best == nil || best.Match == "parent"):
				best = &gapMatch{Gap: g, Match: "child", Via: c}
			case ancestor(g, c) && best == nil:
				best = &gapMatch{Gap: g, Match: "parent", Via: c}
			}
			if best != nil && best.Match == "direct" {
				break
			}
		}
		if best != nil {
			s.Gaps = append(s.Gaps, *best)
		}
	}
}

type recommendData struct {
	Q        teacherQuery
	Query    string
	Items    []suggestion
	Relaxed  []string
	GapNames map[string]string
}

func (p *Pages) recommend(w http.ResponseWriter, r *http.Request) error {
	q := readTeacherQuery(r.URL.Query())
	prof, err := q.profile()
	if err != nil {
		return err
	}
	var res struct {
		Items   []suggestion `json:"items"`
		Relaxed []string     `json:"relaxed"`
	}
	if _, _, err := p.api.call(r, http.MethodPost, "/v1/recommendations", map[string]any{"profile": prof, "limit": 10}, &res); err != nil {
		return err
	}
	ix, err := p.frameworkIndex(r)
	if err != nil {
		return err
	}
	names := ix.Names
	for i := range res.Items {
		p.complete(r, &res.Items[i])
		matchGaps(&res.Items[i], q.Gaps, ix.Parent)
	}
	return p.render(w, r, http.StatusOK, "recommend", "Suggestions for you", recommendData{
		Q: q, Query: r.URL.RawQuery, Items: res.Items, Relaxed: res.Relaxed, GapNames: names,
	})
}

// complete fills the fields a recommendation answer left out from the
// catalog item.
func (p *Pages) complete(r *http.Request, s *suggestion) {
	if s.URL != "" && s.Level != 0 && s.CostUSD != nil && s.Hours != nil && len(s.Why) > 0 {
		return
	}
	var c credential
	if err := p.api.get(r, credPath(s.ID), &c); err != nil {
		return
	}
	if s.CostUSD == nil {
		s.CostUSD = c.CostUSD
	}
	if s.Hours == nil {
		s.Hours = c.Hours
	}
	if s.Format == "" {
		s.Format = c.Format
	}
	if s.Level == 0 {
		s.Level = c.Level
	}
	if s.URL == "" {
		s.URL = c.URL
	}
	if s.Kind == "" {
		s.Kind = c.Kind
	}
	for _, comp := range c.Competencies {
		s.Competencies = append(s.Competencies, comp.Framework+":"+comp.Code)
	}
}

// explanation is the answer of POST /v1/recommendations/why-not.
type explanation struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Status  string   `json:"status"`
	Rank    int      `json:"rank"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

// StatusText says an explanation's status in words.
func (e *explanation) StatusText() string {
	switch e.Status {
	case "suggested":
		return "Suggested to you"
	case "earned":
		return "You hold it already"
	case "retired":
		return "Retired from the catalog"
	case "filtered":
		return "Left out by one of your limits"
	case "ranked_lower":
		return "Ranked below the suggestions shown"
	case "not_matched":
		return "Does not match your answers"
	}
	return e.Status
}

type whyNotData struct {
	ID          string
	Query       string
	Explanation *explanation
	Unavailable bool
}

// whyNot explains where one item stands for the same form.
func (p *Pages) whyNot(w http.ResponseWriter, r *http.Request) error {
	vals := r.URL.Query()
	id := strings.TrimSpace(vals.Get("id"))
	if id == "" {
		return badForm("Say which item to explain (the id parameter is empty).")
	}
	prof, err := readTeacherQuery(vals).profile()
	if err != nil {
		return err
	}
	vals.Del("id")
	d := whyNotData{ID: id, Query: vals.Encode()}
	var ex explanation
	_, _, err = p.api.call(r, http.MethodPost, "/v1/recommendations/why-not", map[string]any{"profile": prof, "id": id}, &ex)
	switch {
	case err == nil:
		d.Explanation = &ex
	case missingRoute(err):
		d.Unavailable = true
	default:
		return err
	}
	return p.render(w, r, http.StatusOK, "whynot", "Why not this one?", d)
}
