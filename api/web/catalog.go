package web

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// catalogPageSize is how many hits one catalog page lists.
const catalogPageSize = 20

// highlightPolicy keeps only the search highlighter's <mark> around the
// matched words; the fragment's other markup (from the feed) is dropped.
var highlightPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("mark")
	return p
}()

type searchHit struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Issuer     string              `json:"issuer"`
	Score      float64             `json:"score"`
	CostUSD    *float64            `json:"cost_usd"`
	Hours      *float64            `json:"hours"`
	Format     string              `json:"format"`
	Level      int                 `json:"level"`
	Highlights map[string][]string `json:"highlights"`
}

// Snippets are the hit's highlighted fragments, sanitized.
func (h searchHit) Snippets() []template.HTML {
	var out []template.HTML
	for _, field := range []string{"title", "description"} {
		for _, f := range h.Highlights[field] {
			out = append(out, template.HTML(highlightPolicy.Sanitize(f))) //nolint:gosec // sanitized: <mark> only
		}
	}
	for field, fs := range h.Highlights {
		if field == "title" || field == "description" {
			continue
		}
		for _, f := range fs {
			out = append(out, template.HTML(highlightPolicy.Sanitize(f))) //nolint:gosec // sanitized: <mark> only
		}
	}
	return out
}

type facetLink struct {
	Label    string
	Count    int
	Href     string // "" when the facet cannot filter
	Selected bool
}

type facetGroup struct {
	Name  string
	Links []facetLink
}

type catalogData struct {
	Q, Issuer, Framework, Code, MaxCost, MaxHours string
	Total                                         uint64
	Hits                                          []searchHit
	Facets                                        []facetGroup
	Offset                                        int
	Prev, Next                                    string
	Filtered                                      bool
}

var facetTitles = map[string]string{"issuer": "Issuer", "framework": "Framework", "code": "Competency", "format": "Format", "level": "Level"}

func (p *Pages) catalog(w http.ResponseWriter, r *http.Request) error {
	in := r.URL.Query()
	d := catalogData{
		Q: strings.TrimSpace(in.Get("q")), Issuer: in.Get("issuer"), Framework: in.Get("framework"), Code: in.Get("code"),
		MaxCost: strings.TrimSpace(in.Get("max_cost_usd")), MaxHours: strings.TrimSpace(in.Get("max_hours")),
	}
	if o := in.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 || n > 10000 {
			return badForm("The page offset must be a whole number from 0 to 10000, not %q.", o)
		}
		d.Offset = n
	}
	for _, f := range []struct{ name, v string }{{"max_cost_usd", d.MaxCost}, {"max_hours", d.MaxHours}} {
		if err := numberField(map[string]any{}, f.name, f.v); err != nil {
			return err
		}
	}
	// base is the current search without paging, for facet and page links.
	base := url.Values{}
	for k, v := range map[string]string{"q": d.Q, "issuer": d.Issuer, "framework": d.Framework, "code": d.Code, "max_cost_usd": d.MaxCost, "max_hours": d.MaxHours} {
		if v != "" {
			base.Set(k, v)
		}
	}
	d.Filtered = d.Issuer != "" || d.Framework != "" || d.Code != ""
	api := url.Values{}
	for k, v := range base {
		api[k] = v
	}
	api.Set("limit", strconv.Itoa(catalogPageSize))
	api.Set("offset", strconv.Itoa(d.Offset))
	var res struct {
		Total  uint64 `json:"total"`
		Hits   []searchHit
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if err := p.api.get(r, "/v1/credentials?"+api.Encode(), &res); err != nil {
		return err
	}
	d.Total, d.Hits = res.Total, res.Hits
	link := func(set map[string]string) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for k, x := range set {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		return "/catalog?" + v.Encode()
	}
	names := make([]string, 0, len(res.Facets))
	for n := range res.Facets {
		names = append(names, n)
	}
	order := map[string]int{"issuer": 0, "framework": 1, "code": 2, "format": 3, "level": 4}
	sort.Slice(names, func(i, j int) bool {
		oi, iok := order[names[i]]
		oj, jok := order[names[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	for _, n := range names {
		g := facetGroup{Name: facetTitles[n]}
		if g.Name == "" {
			g.Name = n
		}
		for _, fc := range res.Facets[n] {
			l := facetLink{Label: fc.Value, Count: fc.Count}
			switch n {
			case "issuer":
				l.Selected = d.Issuer == fc.Value
				l.Href = link(map[string]string{"issuer": fc.Value})
			case "framework":
				l.Selected = d.Framework == fc.Value
				l.Href = link(map[string]string{"framework": fc.Value, "code": ""})
			case "code":
				if fw, code, ok := strings.Cut(fc.Value, ":"); ok {
					l.Selected = d.Framework == fw && d.Code == code
					l.Href = link(map[string]string{"framework": fw, "code": code})
				}
			}
			g.Links = append(g.Links, l)
		}
		if len(g.Links) > 0 {
			d.Facets = append(d.Facets, g)
		}
	}
	if d.Offset > 0 {
		d.Prev = link(map[string]string{"offset": strconv.Itoa(max(0, d.Offset-catalogPageSize))})
	}
	if uint64(d.Offset+catalogPageSize) < d.Total {
		d.Next = link(map[string]string{"offset": strconv.Itoa(d.Offset + catalogPageSize)})
	}
	return p.render(w, r, http.StatusOK, "catalog", "Catalog", d)
}

// related is an item of the similar or unlocks lists.
type related struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Issuer  string   `json:"issuer"`
	Reasons []string `json:"reasons"`
}

type credentialData struct {
	C *credential
	// Prereqs, Parts and PartOf are the linked items, with titles where
	// the catalog has them.
	Prereqs, Parts, PartOf, Duplicates []linkedItem
	Similar                            []related
	SimilarMissing                     bool
	Unlocks                            *unlocksView
	UnlocksMissing                     bool
}

type linkedItem struct {
	ID, Title, Issuer string
	Known             bool
}

// credential shows one catalog item: what it aligns to, what it needs, the
// stack it is part of, where it came from, and what is like it.
func (p *Pages) credential(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimPrefix(r.URL.EscapedPath(), "/credentials/")
	id, err := url.PathUnescape(raw)
	if err != nil || id == "" {
		return &pageError{Status: http.StatusNotFound, Title: "Not found", Message: "No item id in this address."}
	}
	var c credential
	if err := p.api.get(r, credPath(id), &c); err != nil {
		return err
	}
	d := credentialData{C: &c}
	d.Prereqs = p.linked(r, c.Prerequisites)
	d.Parts = p.linked(r, c.HasPart)
	d.PartOf = p.linked(r, c.PartOf)
	d.Duplicates = p.linked(r, c.PossibleDuplicates)
	var sim struct {
		Items []related `json:"items"`
	}
	if err := p.api.get(r, credPath(c.ID)+"/similar", &sim); err == nil {
		d.Similar = sim.Items
	} else {
		d.SimilarMissing = true
	}
	unl, err := p.unlocks(r, c.ID)
	if err == nil {
		d.Unlocks = unl
	} else {
		d.UnlocksMissing = true
	}
	return p.render(w, r, http.StatusOK, "credential", c.Title, d)
}

// unlocksView is the answer of GET /v1/credentials/{id}/unlocks: the
// items it opens (completing or advancing their prerequisites), the stacks
// it belongs to and the pathways that include it.
type unlocksView struct {
	Opens []struct {
		related
		Completes bool     `json:"completes"`
		Remaining []string `json:"remaining"`
	} `json:"opens"`
	Stacks []struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Relation string `json:"relation"`
		Members  []struct {
			ID     string `json:"id"`
			Title  string `json:"title"`
			Issuer string `json:"issuer"`
			Level  int    `json:"level"`
		} `json:"members"`
	} `json:"stacks"`
	Pathways []struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Source string `json:"source"`
	} `json:"pathways"`
}

// Empty reports whether nothing is unlocked.
func (u *unlocksView) Empty() bool {
	return len(u.Opens) == 0 && len(u.Stacks) == 0 && len(u.Pathways) == 0
}

func (p *Pages) unlocks(r *http.Request, id string) (*unlocksView, error) {
	var u unlocksView
	if err := p.api.get(r, credPath(id)+"/unlocks", &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// linked looks up the titles of related ids; an id the catalog does not
// hold is still listed, as text.
func (p *Pages) linked(r *http.Request, ids []string) []linkedItem {
	var out []linkedItem
	for _, id := range ids {
		it := linkedItem{ID: id, Title: id}
		var c credential
		if err := p.api.get(r, credPath(id), &c); err == nil {
			it.Title, it.Issuer, it.Known = c.Title, c.Issuer, true
		}
		out = append(out, it)
	}
	return out
}
