package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// feed is a registered feed as GET /v1/feeds shows it.
type feed struct {
	ID      string     `json:"id"`
	URL     string     `json:"url"`
	Format  string     `json:"format"`
	Every   string     `json:"every"`
	Created time.Time  `json:"created"`
	LastRun *time.Time `json:"last_run"`
	// PossibleDuplicates are the feed's items flagged as near-identical
	// to other issuers' items.
	PossibleDuplicates []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Of    []struct {
			ID     string `json:"id"`
			Title  string `json:"title"`
			Issuer string `json:"issuer"`
		} `json:"of"`
	} `json:"possible_duplicates"`
}

// run is one sync run with its ingest report.
type run struct {
	ID       string    `json:"id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Status   string    `json:"status"`
	Error    string    `json:"error"`
	Report   report    `json:"report"`
}

type report struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Retired   int `json:"retired"`
	Rejected  []struct {
		Source string `json:"source"`
		Record string `json:"record"`
		Error  string `json:"error"`
	} `json:"rejected"`
}

type feedView struct {
	Feed    feed
	LastRun *run
}

type feedsData struct {
	Feeds []feedView
}

// feeds lists the aggregator's feeds with their last run and the items
// of each that are flagged as possible duplicates of other issuers' items.
func (p *Pages) feeds(w http.ResponseWriter, r *http.Request) error {
	if s := sessionFrom(r.Context()); s.key == "" {
		return &pageError{Status: http.StatusUnauthorized, Title: "Sign in needed", SignIn: true,
			Message: "The feeds page needs an aggregator key. Sign in with it."}
	}
	var list struct {
		Feeds []feed `json:"feeds"`
	}
	if err := p.api.get(r, "/v1/feeds", &list); err != nil {
		return err
	}
	d := feedsData{}
	for _, f := range list.Feeds {
		fv := feedView{Feed: f}
		var runs struct {
			Runs []run `json:"runs"`
		}
		if err := p.api.get(r, "/v1/feeds/"+url.PathEscape(f.ID)+"/runs?limit=1", &runs); err != nil {
			return err
		}
		if len(runs.Runs) > 0 {
			fv.LastRun = &runs.Runs[0]
		}
		d.Feeds = append(d.Feeds, fv)
	}
	return p.render(w, r, http.StatusOK, "feeds", "Feeds", d)
}

// registerFeed registers a feed URL.
func (p *Pages) registerFeed(w http.ResponseWriter, r *http.Request) error {
	u := strings.TrimSpace(r.PostForm.Get("url"))
	if safeURL(u) == "" {
		return badForm("The feed address must be a full http or https URL, not %q.", u)
	}
	body := map[string]any{"url": u}
	if e := strings.TrimSpace(r.PostForm.Get("every")); e != "" {
		body["every"] = e
	}
	if f := strings.TrimSpace(r.PostForm.Get("format")); f != "" {
		body["format"] = f
	}
	if _, _, err := p.api.call(r, http.MethodPost, "/v1/feeds", body, nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/feeds", http.StatusSeeOther)
	return nil
}

// syncFeed runs a feed's sync now and returns to the list.
func (p *Pages) syncFeed(w http.ResponseWriter, r *http.Request) error {
	id := lastParam(r, "/feeds/")
	if _, _, err := p.api.call(r, http.MethodPost, "/v1/feeds/"+url.PathEscape(id)+"/sync", nil, nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/feeds#feed-"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}
