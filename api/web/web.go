package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the pages need from the server around them.
type Config struct {
	// API is the JSON API's handler; every page calls it in-process.
	API http.Handler
	// Role names the role of an API key ("reader", "coach", …) and
	// whether the key is known; the sign-in form uses it to refuse a
	// wrong key at once. An error means the key store cannot say now (an
	// outage): the key is then neither refused nor forgotten.
	Role func(ctx context.Context, secret string) (role string, known bool, err error)
	// OpenReader says that reader pages work without a key (as the API's
	// reader routes do); the pages then say so instead of asking to sign
	// in.
	OpenReader bool
	// SecureCookies marks the key and session cookies Secure even when
	// the request did not arrive over TLS (set it behind a TLS-terminating
	// proxy). Over TLS they are always Secure.
	SecureCookies bool
	// Secret keys the CSRF tokens; nil means 32 random bytes, so tokens
	// of forms rendered before a restart are refused after it.
	Secret []byte
	Logger *slog.Logger
}

// Route is one page route, for the server to mount.
type Route struct {
	Method  string
	Path    string
	Handler http.Handler
}

// Pages serves the web pages. Create it with New.
type Pages struct {
	cfg    Config
	log    *slog.Logger
	tmpl   map[string]*template.Template
	api    apiClient
	origin *http.CrossOriginProtection
}

// Cookie names.
const (
	keyCookie     = "pdpath_key"
	sessionCookie = "pdpath_session"
	csrfField     = "csrf_token"
	// maxFormBytes caps a posted form; the largest is a saved plan's
	// query.
	maxFormBytes = 64 << 10
)

// New parses the embedded templates and returns the pages for cfg.
func New(cfg Config) (*Pages, error) {
	if cfg.API == nil || cfg.Role == nil {
		return nil, errors.New("web: Config needs API and Role")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Secret) == 0 {
		cfg.Secret = make([]byte, 32)
		if _, err := rand.Read(cfg.Secret); err != nil {
			return nil, fmt.Errorf("web: CSRF secret: %w", err)
		}
	}
	p := &Pages{cfg: cfg, log: cfg.Logger, api: apiClient{h: cfg.API}, origin: http.NewCrossOriginProtection()}
	var err error
	if p.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	return p, nil
}

// parseTemplates builds one template set per page: the layout plus the
// page's own file (which defines "content").
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		out[name] = t
	}
	return out, nil
}

// Routes lists the page routes. GET routes only read; every POST route
// checks the CSRF token and the request's origin first.
func (p *Pages) Routes() []Route {
	static, _ := fs.Sub(staticFS, "static")
	get := func(path string, h func(w http.ResponseWriter, r *http.Request) error) Route {
		return Route{Method: http.MethodGet, Path: path, Handler: p.page(h)}
	}
	post := func(path string, h func(w http.ResponseWriter, r *http.Request) error) Route {
		return Route{Method: http.MethodPost, Path: path, Handler: p.page(p.checkCSRF(h))}
	}
	return []Route{
		get("/", p.teacherForm),
		get("/recommend", p.recommend),
		get("/recommend/why-not", p.whyNot),
		post("/backpack", p.backpack),
		get("/catalog", p.catalog),
		get("/credentials/*id", p.credential),
		get("/coach", p.coachForm),
		get("/coach/plan", p.coachPlan),
		post("/coach/pathways", p.savePathway),
		get("/coach/pathways/:id", p.pathway),
		post("/coach/pathways/:id/progress", p.setProgress),
		get("/coach/pathways/:id/ctdl", p.exportCTDL),
		get("/feeds", p.feeds),
		post("/feeds", p.registerFeed),
		post("/feeds/:id/sync", p.syncFeed),
		get("/signin", p.signinForm),
		post("/signin", p.signin),
		post("/signout", p.signout),
		{Method: http.MethodGet, Path: "/static/*file", Handler: http.StripPrefix("/static/", staticHandler(static))},
	}
}

// staticHandler serves the embedded CSS with a cache lifetime.
func staticHandler(static fs.FS) http.Handler {
	files := http.FileServerFS(static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// WantsPage reports whether a request for an unknown route should get the
// HTML "not found" page rather than the API's JSON error: a browser
// (Accept: text/html) asking for anything outside /v1/.
func WantsPage(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/v1/") && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// NotFound answers with the HTML "not found" page.
func (p *Pages) NotFound(w http.ResponseWriter, r *http.Request) {
	p.page(func(w http.ResponseWriter, r *http.Request) error {
		return &pageError{Status: http.StatusNotFound, Title: "Page not found",
			Message: fmt.Sprintf("There is no page at %s.", r.URL.Path)}
	}).ServeHTTP(w, r)
}

// NotAllowed answers with the HTML page for a method the route does not
// take (a form's address opened as a link, say).
func (p *Pages) NotAllowed(w http.ResponseWriter, r *http.Request) {
	p.page(func(w http.ResponseWriter, r *http.Request) error {
		return &pageError{Status: http.StatusMethodNotAllowed, Title: "Not a page to open",
			Message: fmt.Sprintf("%s only takes a form sent from its page; it cannot be opened with %s.", r.URL.Path, r.Method)}
	}).ServeHTTP(w, r)
}

// session is the visitor's state, read from cookies: the API key if
// signed in and the session id the CSRF token is bound to.
type session struct {
	key  string
	role string
	sid  string
	csrf string
	// calls counts the page's API calls so far (see FollowUp).
	calls int
	// answered and hits count the page's API answers and those the
	// response cache replayed: a page built only from cached answers says
	// X-Cache: hit, as they did.
	answered, hits int
}

// page wraps a handler: it loads the session (creating its id on the
// first visit), sets the security headers and renders any error as a page.
func (p *Pages) page(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' https: http:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("X-Frame-Options", "DENY")
		s := p.loadSession(w, r)
		r = r.WithContext(withSession(r.Context(), s))
		if err := h(w, r); err != nil {
			p.renderError(w, r, err)
		}
	})
}

// loadSession reads the cookies and makes sure a session id exists.
func (p *Pages) loadSession(w http.ResponseWriter, r *http.Request) *session {
	s := &session{}
	if c, err := r.Cookie(sessionCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		s.sid = c.Value
	} else {
		s.sid = newSessionID()
		p.setCookie(w, r, sessionCookie, s.sid, 0)
	}
	s.csrf = p.token(s.sid)
	if c, err := r.Cookie(keyCookie); err == nil && c.Value != "" {
		role, known, err := p.cfg.Role(r.Context(), c.Value)
		switch {
		case err != nil:
			// The key store cannot say: keep the key, whose API
			// calls are answered 503 until the store is back.
			s.key = c.Value
		case known:
			s.key, s.role = c.Value, role
		default:
			// A revoked key: forget it rather than fail every page.
			p.setCookie(w, r, keyCookie, "", -1)
		}
	}
	if s.key == "" {
		// A client that sends the key as the API expects it (a script,
		// a proxy that adds it) gets the pages with that key.
		if scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			if role, known, err := p.cfg.Role(r.Context(), strings.TrimSpace(secret)); known || err != nil {
				s.key, s.role = strings.TrimSpace(secret), role
			}
		}
	}
	return s
}

func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// token is the CSRF token of a session: an HMAC of its id, so it cannot be
// guessed without the server's secret and is worthless with another
// session's cookie.
func (p *Pages) token(sid string) string {
	m := hmac.New(sha256.New, p.cfg.Secret)
	m.Write([]byte("csrf\x00" + sid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// setCookie sets an HttpOnly, SameSite=Strict cookie; Secure over TLS or
// when configured. maxAge 0 is a browser-session cookie, <0 deletes it.
func (p *Pages) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || p.cfg.SecureCookies,
	})
}

// checkCSRF refuses a state-changing request unless it comes from this
// site (the browser's Sec-Fetch-Site / Origin headers, checked by
// net/http's CrossOriginProtection) and carries the session's token (for
// browsers that send neither header).
func (p *Pages) checkCSRF(h func(w http.ResponseWriter, r *http.Request) error) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := p.origin.Check(r); err != nil {
			return &pageError{Status: http.StatusForbidden, Title: "Request refused",
				Message: "This form was sent from another site, so it was not acted on."}
		}
		limit := int64(maxFormBytes)
		if r.URL.Path == "/backpack" {
			limit = maxBackpackBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseMultipartForm(limit); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return &pageError{Status: http.StatusBadRequest, Title: "Bad form", Message: "The form could not be read (too large?)."}
		}
		if err := r.ParseForm(); err != nil {
			return &pageError{Status: http.StatusBadRequest, Title: "Bad form", Message: "The form could not be read."}
		}
		s := sessionFrom(r.Context())
		if !hmac.Equal([]byte(r.PostForm.Get(csrfField)), []byte(s.csrf)) {
			return &pageError{Status: http.StatusForbidden, Title: "Form expired",
				Message: "This form's security token is missing or out of date (the page may be from before a restart, or from another browser). Go back, reload the page and send it again."}
		}
		return h(w, r)
	}
}

// signinForm shows the key form.
func (p *Pages) signinForm(w http.ResponseWriter, r *http.Request) error {
	return p.render(w, r, http.StatusOK, "signin", "Sign in", signinData{Next: safeNext(r.URL.Query().Get("next"))})
}

type signinData struct {
	Next  string
	Error string
}

// signin checks the key and keeps it in a cookie. The session id changes
// too, so a token seen before signing in is worthless after.
func (p *Pages) signin(w http.ResponseWriter, r *http.Request) error {
	key := strings.TrimSpace(r.PostForm.Get("key"))
	next := safeNext(r.PostForm.Get("next"))
	if key == "" {
		return p.render(w, r, http.StatusUnauthorized, "signin", "Sign in", signinData{Next: next, Error: "Enter an API key."})
	}
	_, known, err := p.cfg.Role(r.Context(), key)
	if err != nil {
		return p.render(w, r, http.StatusServiceUnavailable, "signin", "Sign in",
			signinData{Next: next, Error: "The server cannot check keys just now. Please try again in a moment."})
	}
	if !known {
		return p.render(w, r, http.StatusUnauthorized, "signin", "Sign in",
			signinData{Next: next, Error: "That key is not known to this server (or was revoked). Check it and try again."})
	}
	p.setCookie(w, r, keyCookie, key, int((30 * 24 * time.Hour).Seconds()))
	p.setCookie(w, r, sessionCookie, newSessionID(), 0)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (p *Pages) signout(w http.ResponseWriter, r *http.Request) error {
	p.setCookie(w, r, keyCookie, "", -1)
	p.setCookie(w, r, sessionCookie, newSessionID(), 0)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in destination on this site: a path, never
// "//host" or a URL with a scheme.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
