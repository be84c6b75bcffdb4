package web_test

import (
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/pdpath/pdpath/api/ratelimit"
)

// get fetches path with c and returns the status and body.
func get(t *testing.T, c *http.Client, base, path, accept string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

var (
	tokenRE  = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	markerRE = regexp.MustCompile(`data-credential-id="([^"]+)"`)
)

// csrfToken reads the token of a form on path.
func csrfToken(t *testing.T, c *http.Client, base, path string) string {
	t.Helper()
	status, body, _ := get(t, c, base, path, "text/html")
	m := tokenRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, no csrf token in the page", path, status)
	}
	return m[1]
}

// post sends a form as a same-origin browser would (or from origin when
// given).
func post(t *testing.T, c *http.Client, base, path string, form url.Values, origin string) (int, string, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	if origin == "" {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", base)
	} else {
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", origin)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func TestPageStatusesAndMarkers(t *testing.T) {
	open := newSite(t, siteOptions{openReader: true})
	closed := newSite(t, siteOptions{})
	tests := []struct {
		name    string
		site    *site
		path    string
		accept  string
		status  int
		want    []string
		markers []string // data-credential-id values that must appear, in this order
	}{
		{name: "teacher form keeps picked gaps", site: open, path: "/?gap=UDL:7.2", status: 200,
			want: []string{`<details class="framework" open>`, `value="UDL:7.2" checked`}},
		{name: "teacher form", site: open, path: "/", status: 200,
			want: []string{`<html lang="en">`, `href="#main"`, `<main id="main"`, `list="gap-list"`, `value="UDL:7.1"`, `<label for="goals">`}},
		{name: "suggestions name the gap", site: open, path: "/recommend?gap=UDL:7", status: 200,
			want: []string{"<strong>UDL:7</strong> (", "aligned to it directly", "covered through UDL:7.1, a part of it"}, markers: []string{"udl-basics"}},
		{name: "gap typed with its name", site: open, path: "/recommend?gap=" + url.QueryEscape("UDL:7 — Recruiting Interest"), status: 200,
			markers: []string{"udl-basics"}},
		{name: "gap without a framework", site: open, path: "/recommend?gap=seven", status: 400, want: []string{"FRAMEWORK:CODE"}},
		{name: "unknown framework from the API", site: open, path: "/recommend?gap=NOPE:1", status: 400, want: []string{"NOPE"}},
		{name: "bad years of experience", site: open, path: "/recommend?years_experience=-3", status: 400, want: []string{"Years of experience"}},
		{name: "bad number", site: open, path: "/recommend?max_cost_usd=lots", status: 400, want: []string{"lots"}},
		{name: "catalog search", site: open, path: "/catalog?q=discussion", status: 200, want: []string{"<mark>", "Narrow down"}, markers: []string{"talk-moves"}},
		{name: "catalog facet filter", site: open, path: "/catalog?issuer=" + url.QueryEscape("Northwind Teaching Lab"), status: 200,
			want: []string{"2 items"}},
		{name: "item page", site: open, path: "/credentials/udl-choice", status: 200,
			want:    []string{"Prerequisites", `href="/credentials/udl-basics"`, "UDL:7.1", "What does this unlock?", "Imported by the operator from the file <code>catalog.csv</code>"},
			markers: []string{"udl-choice", "udl-basics"}},
		{name: "unknown item", site: open, path: "/credentials/no-such-item", status: 404, want: []string{"no-such-item"}},
		{name: "unknown page for a browser", site: open, path: "/no/such/page", accept: "text/html", status: 404, want: []string{"Page not found", `<html lang="en">`}},
		{name: "a form address opened as a link", site: open, path: "/signout", status: 405, want: []string{"Not a page to open"}},
		{name: "unknown route for a program", site: open, path: "/no/such/page", accept: "application/json", status: 404, want: []string{`"error"`}},
		{name: "plan in prerequisite order", site: open, path: "/coach/plan?target=UDL:8.1", status: 200,
			want: []string{"Month by month", "<svg", "Targets met before and after the plan"}, markers: []string{"udl-basics", "udl-choice"}},
		{name: "plan for a team", site: open, path: "/coach/plan?team=" + url.QueryEscape("Ana | UDL:8.1\nBo | InTASC:8"), status: 200,
			want: []string{"Each team member", "Their steps", "<ol><li>Starting with Universal Design for Learning</li><li>Choice and Relevance in Daily Tasks</li></ol>", "<ol><li>Talk Moves for Every Voice</li></ol>"}},
		{name: "plan with nothing to plan", site: open, path: "/coach/plan", status: 400, want: []string{"at least one target"}},
		{name: "plan with a bad month", site: open, path: "/coach/plan?target=UDL:7&start=2027-13", status: 400, want: []string{"YYYY-MM"}},
		{name: "feeds need a key", site: open, path: "/feeds", status: 401, want: []string{"/signin"}},
		{name: "why not: explained or said unavailable", site: open, path: "/recommend/why-not?gap=UDL:7&id=data-teams", status: 200, want: []string{"Why not this one?", `href="/credentials/data-teams"`}},
		{name: "why not without an id", site: open, path: "/recommend/why-not?gap=UDL:7", status: 400},
		{name: "closed reader asks to sign in", site: closed, path: "/recommend?gap=UDL:7", status: 401, want: []string{"Sign in"}},
		{name: "closed reader form still renders", site: closed, path: "/", status: 200, want: []string{"needs an API key"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			accept := tc.accept
			if accept == "" {
				accept = "text/html"
			}
			status, body, hdr := get(t, tc.site.client(t), tc.site.url, tc.path, accept)
			if status != tc.status {
				t.Fatalf("GET %s: status %d, want %d; body:\n%.2000s", tc.path, status, tc.status, body)
			}
			if strings.Contains(accept, "html") && !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type %q, want text/html", hdr.Get("Content-Type"))
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tc.path, w)
				}
			}
			var got []string
			for _, m := range markerRE.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			pos := -1
			for _, id := range tc.markers {
				i := indexFrom(got, id, pos+1)
				if i < 0 {
					t.Errorf("GET %s: marker %q missing or out of order in %q", tc.path, id, got)
					break
				}
				pos = i
			}
		})
	}
}

func indexFrom(list []string, v string, from int) int {
	for i := from; i < len(list); i++ {
		if list[i] == v {
			return i
		}
	}
	return -1
}

func TestSignInCookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "secure"}[secure], func(t *testing.T) {
			s := newSite(t, siteOptions{secureCookies: secure})
			c := s.client(t)
			tok := csrfToken(t, c, s.url, "/signin")
			status, body, _ := post(t, c, s.url, "/signin", url.Values{"csrf_token": {tok}, "key": {"not-a-key"}}, "")
			if status != http.StatusUnauthorized || !strings.Contains(body, "not known") {
				t.Fatalf("wrong key: status %d, want 401 with a message", status)
			}
			status, _, resp := post(t, c, s.url, "/signin", url.Values{"csrf_token": {tok}, "key": {s.keys["coach"]}, "next": {"//evil.example/"}}, "")
			if status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("sign-in: status %d, Location %q; want 303 to / (an off-site next is dropped)", status, resp.Header.Get("Location"))
			}
			var key *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == "pdpath_key" {
					key = ck
				}
			}
			if key == nil {
				t.Fatal("no key cookie set")
			}
			if !key.HttpOnly || key.SameSite != http.SameSiteStrictMode || key.Secure != secure {
				t.Errorf("key cookie HttpOnly=%v SameSite=%v Secure=%v; want true, Strict, %v", key.HttpOnly, key.SameSite, key.Secure, secure)
			}
		})
	}
}

func TestStateChangingFormsNeedCSRF(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true})
	c := s.client(t)
	tok := csrfToken(t, c, s.url, "/signin")
	if status, _, _ := post(t, c, s.url, "/signin", url.Values{"csrf_token": {tok}, "key": {s.keys["coach"]}}, ""); status != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d", status)
	}
	tok = csrfToken(t, c, s.url, "/coach/plan?target=UDL:7.1")
	save := func(token string) url.Values {
		return url.Values{"csrf_token": {token}, "name": {"Team plan"}, "query": {"target=UDL%3A7.1"}}
	}
	tests := []struct {
		name   string
		form   url.Values
		origin string
		status int
	}{
		{"no token", url.Values{"name": {"x"}, "query": {"target=UDL%3A7.1"}}, "", http.StatusForbidden},
		{"wrong token", save("AAAA" + tok[4:]), "", http.StatusForbidden},
		{"cross-site with a good token", save(tok), "https://evil.example", http.StatusForbidden},
		{"same site with the token", save(tok), "", http.StatusSeeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := post(t, c, s.url, "/coach/pathways", tc.form, tc.origin)
			if status != tc.status {
				t.Fatalf("status %d, want %d; body:\n%.1500s", status, tc.status, body)
			}
		})
	}
}

func TestHostileTextIsInertInHTML(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true})
	for _, path := range []string{"/credentials/hostile-item", "/catalog?q=hostile", "/recommend?gap=UDL:5&goals=hostile"} {
		t.Run(path, func(t *testing.T) {
			status, body, _ := get(t, s.client(t), s.url, path, "text/html")
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			if !strings.Contains(body, `data-credential-id="hostile-item"`) {
				t.Fatalf("the hostile item is not on the page")
			}
			// Parse the page as a browser would: the hostile text may
			// appear as text, never as elements, handlers or links.
			doc, err := html.Parse(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					switch n.Data {
					case "script", "iframe", "object", "embed":
						t.Errorf("page holds a <%s> element", n.Data)
					}
					for _, a := range n.Attr {
						v := strings.ToLower(strings.TrimSpace(a.Val))
						if strings.HasPrefix(a.Key, "on") {
							t.Errorf("<%s> has an event handler %s=%q", n.Data, a.Key, a.Val)
						}
						if (a.Key == "href" || a.Key == "src") && !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "#") &&
							!strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
							t.Errorf("<%s %s=%q> is not a web or site link", n.Data, a.Key, a.Val)
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			if !strings.Contains(body, "&lt;script&gt;") {
				t.Errorf("the title's script tag is not shown as text")
			}
		})
	}
}

func TestBackpackUploadFillsEarned(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true})
	c := s.client(t)
	tok := csrfToken(t, c, s.url, "/?goals=engagement")
	tests := []struct {
		name     string
		file     string
		status   int
		location string
		want     string
	}{
		{"Open Badges 2.0 assertion",
			`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://b.example/a/1","recipient":{"type":"email","identity":"t@example.org"},"badge":"udl-basics","issuedOn":"2026-01-01"}`,
			http.StatusSeeOther, "/?earned=udl-basics&goals=engagement#earned", ""},
		{"not JSON", `<html>`, http.StatusBadRequest, "", "not a backpack"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf strings.Builder
			mw := multipart.NewWriter(&buf)
			mw.WriteField("csrf_token", tok)
			mw.WriteField("query", "goals=engagement")
			fw, _ := mw.CreateFormFile("backpack", "backpack.json")
			io.WriteString(fw, tc.file)
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, s.url+"/backpack", strings.NewReader(buf.String()))
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d:\n%.1000s", resp.StatusCode, tc.status, body)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if !strings.Contains(string(body), tc.want) {
				t.Errorf("body lacks %q", tc.want)
			}
		})
	}
}

// A page view counts once against the visitor's rate limit, however many
// items it looks up; the next view over the limit gets a friendly 429.
func TestPageViewCountsOnceAgainstTheRateLimit(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true, anonLimit: ratelimit.Limit{Rate: 0.001, Burst: 1}})
	c := s.client(t)
	for i, want := range []int{http.StatusOK, http.StatusTooManyRequests} {
		status, body, _ := get(t, c, s.url, "/recommend?gap=UDL:7", "text/html")
		if status != want {
			t.Fatalf("view %d: status %d, want %d:\n%.800s", i+1, status, want, body)
		}
		if i == 0 && !strings.Contains(body, `data-credential-id="udl-basics"`) {
			t.Errorf("view 1 lacks its suggestions")
		}
		if i == 1 && !strings.Contains(body, "Too many requests") {
			t.Errorf("view 2 does not explain the limit")
		}
	}
}

// With reader routes closed, a signed-in reader sees the pages; once the
// key is revoked the pages forget it and ask to sign in again.
func TestClosedReaderPagesFollowTheKey(t *testing.T) {
	s := newSite(t, siteOptions{})
	c := s.client(t)
	tok := csrfToken(t, c, s.url, "/signin")
	if status, _, _ := post(t, c, s.url, "/signin", url.Values{"csrf_token": {tok}, "key": {s.keys["reader"]}}, ""); status != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d", status)
	}
	steps := []struct {
		name   string
		revoke bool
		path   string
		status int
		want   string
	}{
		{"reader signed in", false, "/recommend?gap=UDL:7", http.StatusOK, `data-credential-id="udl-basics"`},
		{"reader cannot see feeds", false, "/feeds", http.StatusForbidden, "Not allowed with this key"},
		{"key revoked", true, "/recommend?gap=UDL:7", http.StatusUnauthorized, "Sign in"},
	}
	for _, st := range steps {
		if st.revoke {
			if err := s.store.Revoke(context.Background(), s.keyID["reader"]); err != nil {
				t.Fatal(err)
			}
		}
		status, body, _ := get(t, c, s.url, st.path, "text/html")
		if status != st.status || !strings.Contains(body, st.want) {
			t.Errorf("%s: GET %s: status %d (want %d), has %q: %v", st.name, st.path, status, st.status, st.want, strings.Contains(body, st.want))
		}
	}
}

func TestPagesTakeTheKeyFromAnAuthorizationHeader(t *testing.T) {
	s := newSite(t, siteOptions{})
	for _, tc := range []struct {
		header string
		status int
	}{
		{"Bearer " + s.keys["reader"], http.StatusOK},
		{"Bearer not-a-key", http.StatusUnauthorized},
		{"", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/coach/plan?target=UDL:8.1", nil)
		req.Header.Set("Accept", "text/html")
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("Authorization %q: status %d, want %d", tc.header, resp.StatusCode, tc.status)
		}
	}
}
