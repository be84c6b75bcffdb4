package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// layoutData is what every page's template gets.
type layoutData struct {
	Title      string
	Path       string
	SignedIn   bool
	Role       string
	OpenReader bool
	CSRF       string
	Data       any
}

// render writes page name with status.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	t, ok := p.tmpl[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	s := sessionFrom(r.Context())
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", layoutData{
		Title: title, Path: r.URL.Path, SignedIn: s.key != "", Role: s.role,
		OpenReader: p.cfg.OpenReader, CSRF: s.csrf, Data: data,
	}); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// A page is from the cache when every API answer it shows was.
	if s.answered > 0 && s.hits == s.answered {
		h.Set(cacheHeader, "hit")
	}
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// pageError is a failure shown to the visitor as a page with Status.
type pageError struct {
	Status  int
	Title   string
	Message string
	// SignIn offers the sign-in form (a missing key or a key without the
	// role the page needs).
	SignIn bool
}

func (e *pageError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Title, e.Message) }

type errorData struct {
	Status  int
	Message string
	SignIn  bool
	Next    string
}

// renderError turns err into a page: the API's 4xx keep their status and
// message; anything else is logged and shown as a 500 without details.
func (p *Pages) renderError(w http.ResponseWriter, r *http.Request, err error) {
	pe := asPageError(err)
	if pe.Status >= 500 {
		p.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	d := errorData{Status: pe.Status, Message: pe.Message, SignIn: pe.SignIn, Next: r.URL.RequestURI()}
	if r.Method != http.MethodGet {
		d.Next = "/"
	}
	if rerr := p.render(w, r, pe.Status, "error", pe.Title, d); rerr != nil {
		p.log.Error("render error page", "err", rerr)
		http.Error(w, pe.Message, pe.Status)
	}
}

func asPageError(err error) *pageError {
	var pe *pageError
	if errors.As(err, &pe) {
		return pe
	}
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.Status == http.StatusUnauthorized:
			return &pageError{Status: ae.Status, Title: "Sign in needed", SignIn: true,
				Message: "This page needs an API key. Sign in with the key your administrator gave you."}
		case ae.Status == http.StatusForbidden:
			return &pageError{Status: ae.Status, Title: "Not allowed with this key", SignIn: true,
				Message: "Your key's role cannot use this page (" + ae.Message + "). Sign in with another key."}
		case ae.Status == http.StatusTooManyRequests:
			return &pageError{Status: ae.Status, Title: "Too many requests", Message: "Please wait a moment and try again."}
		case ae.Status == http.StatusServiceUnavailable:
			return &pageError{Status: ae.Status, Title: "Not ready yet", Message: ae.Message}
		case ae.Status < 500:
			return &pageError{Status: ae.Status, Title: titleFor(ae.Status), Message: ae.Message}
		}
	}
	return &pageError{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Message: "The server could not build this page. The problem was logged; please try again later."}
}

func titleFor(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusBadRequest:
		return "Please check the form"
	case http.StatusConflict:
		return "Changed elsewhere"
	}
	return http.StatusText(status)
}

// descriptionPolicy keeps the harmless formatting a feed may send in a
// description and drops everything else (scripts, event handlers, styles,
// images, iframes); links keep only http and https targets.
var descriptionPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "ul", "ol", "li", "em", "strong", "b", "i", "code", "blockquote")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}()

// richText sanitizes feed text for display; plain text comes out escaped.
func richText(s string) template.HTML {
	return template.HTML(descriptionPolicy.Sanitize(s)) //nolint:gosec // sanitized by the allow-list policy
}

// safeURL returns u as a link target when it is an absolute http(s) URL,
// and "" otherwise (the page then shows it as text, never as a link).
func safeURL(u string) template.URL {
	v, err := url.Parse(strings.TrimSpace(u))
	if err != nil || v.Host == "" || (v.Scheme != "http" && v.Scheme != "https") {
		return ""
	}
	return template.URL(v.String()) //nolint:gosec // scheme checked above
}

var funcs = template.FuncMap{
	"richText": richText,
	"safeURL":  safeURL,
	"credHref": func(id string) string { return "/credentials/" + url.PathEscape(id) },
	"money": func(v *float64) string {
		if v == nil {
			return "not stated"
		}
		if *v == 0 {
			return "free"
		}
		return "$" + strconv.FormatFloat(*v, 'f', 2, 64)
	},
	"hours": func(v *float64) string {
		if v == nil {
			return "not stated"
		}
		return strconv.FormatFloat(*v, 'f', -1, 64) + " h"
	},
	"num":  func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
	"usd":  func(v float64) string { return "$" + strconv.FormatFloat(v, 'f', 2, 64) },
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"has": func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
	"pathEscape": url.PathEscape,
	"anySelected": func(items []competencyChoice, selected []string) bool {
		for _, it := range items {
			for _, s := range selected {
				if it.Key == s {
					return true
				}
			}
		}
		return false
	},
	"picker": func(name, label string, fws []frameworkChoices, selected []string) pickerData {
		return pickerData{Name: name, Label: label, Frameworks: fws, Selected: selected}
	},
}

// pickerData is the argument of the gapPicker template.
type pickerData struct {
	Name       string
	Label      string
	Frameworks []frameworkChoices
	Selected   []string
}
