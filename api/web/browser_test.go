package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests drive a real headless Chromium. Under CI=true a
// missing Chromium or axe-core fails them (CI must run them); elsewhere
// they are skipped with the reason. PDPATH_CHROMIUM names the browser
// (default: chromium on PATH), PDPATH_AXE the axe.min.js file (default:
// var/npm/node_modules/axe-core/axe.min.js, which `make test` installs),
// PDPATH_ARTIFACTS the folder for screenshots.

func inCI() bool { return os.Getenv("CI") == "true" }

// missing fails under CI and skips elsewhere.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PDPATH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "browser tests need Chromium: install it (Debian: apt-get install -y chromium chromium-driver) or set PDPATH_CHROMIUM")
	return ""
}

// moduleRoot is the folder holding go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

var axeCache atomic.Pointer[string]

func axeSource(t *testing.T) string {
	t.Helper()
	if s := axeCache.Load(); s != nil {
		return *s
	}
	path := os.Getenv("PDPATH_AXE")
	if path == "" {
		path = filepath.Join(moduleRoot(t), "var", "npm", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		missing(t, "the accessibility audit needs axe-core at %s (`make test` installs it with npm; or set PDPATH_AXE): %v", path, err)
	}
	s := string(b)
	axeCache.Store(&s)
	return s
}

// artifacts is the folder screenshots go to.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PDPATH_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "pdpath-artifacts")
	}
	dir = filepath.Join(dir, "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserSession is one fresh headless Chromium with its own profile.
type browserSession struct {
	ctx     context.Context
	dialogs atomic.Int64
}

func newBrowser(t *testing.T) *browserSession {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &browserSession{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	// A dialog (alert, confirm) would mean a hostile script ran: count
	// it and dismiss it so the page does not hang.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			b.dialogs.Add(1)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return b
}

// run runs the actions in order, failing the test on an error.
func (b *browserSession) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// value runs one action that returns a value.
func value[T any](t *testing.T, b *browserSession, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// screenshot saves the whole page as NAME.png among the artifacts.
func (b *browserSession) screenshot(t *testing.T, name string) {
	t.Helper()
	png := value(t, b, chromedp.FullScreenshot(100))
	path := filepath.Join(artifacts(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// audit runs axe-core on the current page and fails on serious or
// critical violations (WCAG 2.x A and AA rules and best practices).
func (b *browserSession) audit(t *testing.T, name string) {
	t.Helper()
	src := axeSource(t)
	if !value(t, b, chromedp.Evaluate[bool](src+";typeof axe === 'object'")) {
		t.Fatal("axe-core did not load into the page")
	}
	res := value(t, b, chromedp.Evaluate[axeResult](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target}))}))}))`,
		chromedp.EvalAwaitPromise))
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		msg := fmt.Sprintf("%s: axe %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

type listed struct {
	ID      string   `json:"id"`
	Reasons []string `json:"reasons"`
}

// listedItems reads every data-credential-id element in page order with
// its reasons.
func (b *browserSession) listedItems(t *testing.T) []listed {
	t.Helper()
	return value(t, b, chromedp.Evaluate[[]listed](`[...document.querySelectorAll("[data-credential-id]")].map(e => ({
		id: e.dataset.credentialId,
		reasons: [...e.querySelectorAll(".reasons li")].map(li => li.textContent.trim())}))`))
}

func ids(items []listed) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestBrowserTeacherGetsSuggestions(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(chromedp.ID("goals")))
	b.audit(t, "teacher form")
	b.screenshot(t, "teacher-form")

	// Keyboard: the first Tab reaches the skip link, and it leads to main.
	b.run(t, chromedp.KeyEvent(kb.Tab))
	if focused := value(t, b, chromedp.Evaluate[string](`document.activeElement.className`)); focused != "skip-link" {
		t.Errorf("first Tab focuses %q, want the skip link", focused)
	}

	b.run(t,
		chromedp.SendKeys(chromedp.ID("goals"), "keep my students engaged and persisting"),
		chromedp.SendKeys(chromedp.ID("gap-search"), "UDL:7"),
		chromedp.SendKeys(chromedp.ID("max_cost_usd"), "40"),
		chromedp.Click(chromedp.CSS(`form[action="/recommend"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.results`)),
	)
	loc := value(t, b, chromedp.Location())
	if !strings.Contains(loc, "/recommend?") || !strings.Contains(loc, "gap=UDL%3A7") {
		t.Errorf("the form went to %s, want /recommend with gap=UDL:7", loc)
	}
	items := b.listedItems(t)
	if len(items) < 2 {
		t.Fatalf("suggestions %v, want at least two", ids(items))
	}
	top := map[string]bool{items[0].ID: true, items[1].ID: true}
	if !top["udl-basics"] || !top["udl-choice"] {
		t.Errorf("top two suggestions %v, want udl-basics and udl-choice (aligned to UDL:7 and its checkpoints)", ids(items))
	}
	for _, it := range items {
		if it.ID == "data-teams" {
			t.Errorf("data-teams ($60) is listed despite the $40 limit")
		}
	}
	for _, it := range items[:2] {
		if r := strings.Join(it.Reasons, " | "); !strings.Contains(r, "UDL:7") && !strings.Contains(r, "UDL 7") {
			t.Errorf("%s: reasons %q do not name the gap UDL:7", it.ID, it.Reasons)
		}
	}
	b.audit(t, "suggestions")
	b.screenshot(t, "teacher-suggestions")

	// "What does this unlock?" leads to the item page's section.
	b.run(t,
		chromedp.Click(chromedp.CSS(`[data-credential-id="udl-basics"] a[href$="#unlocks"]`)),
		chromedp.WaitVisible(chromedp.ID("unlocks")),
	)
	b.audit(t, "item page")
	b.screenshot(t, "item-page")

	// The catalog: search, then narrow down by an issuer facet.
	b.run(t,
		chromedp.Navigate(s.url+"/catalog"),
		chromedp.SendKeys(chromedp.ID("q"), "choice"),
		chromedp.Submit(chromedp.ID("q")),
		// Only a page for a query has highlights (the blank catalog
		// page before it has none).
		chromedp.WaitVisible(chromedp.CSS(`.snippet mark`)),
	)
	if got := ids(b.listedItems(t)); len(got) == 0 || got[0] != "udl-choice" {
		t.Errorf("catalog search for choice lists %v, want udl-choice first", got)
	}
	if n := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll(".snippet mark").length`)); n == 0 {
		t.Errorf("no highlighted match in the catalog results")
	}
	b.audit(t, "catalog")
	b.screenshot(t, "catalog")

	// Why not this one? for an item over the cost limit.
	b.run(t,
		chromedp.Navigate(loc),
		chromedp.WaitVisible(chromedp.ID("whynot-id")),
		chromedp.SendKeys(chromedp.ID("whynot-id"), "data-teams"),
		chromedp.Submit(chromedp.ID("whynot-id")),
		chromedp.WaitVisible(chromedp.ID("whynot-item")),
	)
	if loc := value(t, b, chromedp.Location()); !strings.Contains(loc, "/recommend/why-not?") || !strings.Contains(loc, "id=data-teams") {
		t.Errorf("why-not form went to %s", loc)
	}
	b.audit(t, "why not")
}

func TestBrowserCoachBuildsSavesAndExportsAPlan(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(s.url+"/signin"), chromedp.WaitVisible(chromedp.ID("key")))
	b.audit(t, "sign-in")
	b.run(t,
		chromedp.SendKeys(chromedp.ID("key"), s.keys["coach"]),
		chromedp.Submit(chromedp.ID("key")),
		chromedp.WaitVisible(chromedp.CSS(`.account button`)),
		chromedp.Navigate(s.url+"/coach"),
		chromedp.WaitVisible(chromedp.ID("target-search")),
	)
	b.audit(t, "coach form")
	b.run(t,
		chromedp.SendKeys(chromedp.ID("target-search"), "UDL:8.1"),
		chromedp.SendKeys(chromedp.ID("hours_per_month"), "8"),
		chromedp.Click(chromedp.CSS(`form[action="/coach/plan"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.steps`)),
	)
	got := ids(b.listedItems(t))
	if len(got) != 2 || got[0] != "udl-basics" || got[1] != "udl-choice" {
		t.Errorf("plan steps %v, want [udl-basics udl-choice]: the prerequisite first", got)
	}
	type chartInfo struct {
		Role  string `json:"role"`
		Title string `json:"title"`
	}
	chart := value(t, b, chromedp.Evaluate[chartInfo](`(() => { const s = document.querySelector("svg.chart"); return s ? {role: s.getAttribute("role"), title: s.querySelector("title").textContent} : {}; })()`))
	if chart.Role != "img" || chart.Title == "" {
		t.Errorf("coverage chart %+v, want an SVG with role img and a title", chart)
	}
	b.audit(t, "plan")
	b.screenshot(t, "coach-plan")

	// Save it.
	b.run(t,
		chromedp.SetValue(chromedp.ID("name"), "UDL team plan"),
		chromedp.Click(chromedp.CSS(`form[action="/coach/pathways"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("saved-notice")),
	)
	text := value(t, b, chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(text, "Saved.") || !strings.Contains(text, "UDL team plan") {
		t.Fatalf("after saving, the page reads:\n%.500s", text)
	}
	if loc := value(t, b, chromedp.Location()); !regexp.MustCompile(`/coach/pathways/[^/?]+\?saved=1$`).MatchString(loc) {
		t.Errorf("saved pathway at %s", loc)
	}

	// Track progress: the first step is earned.
	b.run(t,
		chromedp.Click(chromedp.CSS(`input[name="earned"][value="udl-basics"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/progress"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("progress-notice")),
	)
	if text := value(t, b, chromedp.Text(chromedp.ID("progress-text"))); !strings.HasPrefix(text, "1 of 2 steps earned") {
		t.Errorf("progress reads %q, want 1 of 2 steps earned", text)
	}
	b.audit(t, "saved pathway")
	b.screenshot(t, "coach-pathway")

	// Export CTDL: the link downloads a JSON-LD document.
	dl := t.TempDir()
	progress := chromedp.Events(b.ctx, browser.DownloadProgress)
	b.run(t,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: ptr(true),
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href$="/ctdl"]`)),
	)
	guid := ""
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the CTDL download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dl, guid))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%.300s", err, data)
	}
	if _, ok := doc["@context"]; !ok || !strings.Contains(string(data), "udl-choice") {
		t.Errorf("export lacks @context or the plan's steps:\n%.500s", data)
	}
}

func ptr[T any](v T) *T { return &v }

func TestBrowserHostileDescriptionIsInert(t *testing.T) {
	s := newSite(t, siteOptions{openReader: true})
	b := newBrowser(t)
	type pageState struct {
		Pwned    bool `json:"pwned"`
		Scripts  int  `json:"scripts"`
		Handlers int  `json:"handlers"`
		JSLinks  int  `json:"jsLinks"`
	}
	for _, path := range []string{"/credentials/hostile-item", "/catalog?q=hostile", "/recommend?gap=UDL:5"} {
		b.run(t,
			chromedp.Navigate(s.url+path),
			chromedp.WaitVisible(chromedp.CSS(`[data-credential-id="hostile-item"]`)),
			// Give any handler that could fire (load, error) its chance,
			// and click every link of the description: a javascript: URL
			// that slipped through would run now.
			chromedp.Sleep(200*time.Millisecond),
		)
		value(t, b, chromedp.Evaluate[bool](`document.querySelectorAll(".description a").forEach(a => a.click()); true`))
		state := value(t, b, chromedp.Evaluate[pageState](`({
			pwned: window.__pwned !== undefined,
			scripts: document.scripts.length,
			handlers: [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).length,
			jsLinks: [...document.querySelectorAll("[href],[src]")].filter(e => /^\s*(javascript|data|vbscript):/i.test(e.getAttribute("href") || e.getAttribute("src") || "")).length,
		})`))
		if state.Pwned || state.Scripts != 0 || state.Handlers != 0 || state.JSLinks != 0 {
			t.Errorf("%s: hostile text is live: %+v", path, state)
		}
	}
	if n := b.dialogs.Load(); n != 0 {
		t.Errorf("%d dialog(s) opened: a hostile script ran", n)
	}
	b.run(t, chromedp.Navigate(s.url+"/credentials/hostile-item"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if title := value(t, b, chromedp.Text(chromedp.CSS(`h1`))); !strings.Contains(title, "<script>") {
		t.Errorf("title reads %q: the issuer's text should show as written", title)
	}
	b.audit(t, "hostile item")
	b.screenshot(t, "hostile-item")
}

func TestBrowserAggregatorRegistersAndSyncsAFeed(t *testing.T) {
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		fmt.Fprint(w, "id,issuer,title,description,competencies,level,cost_usd,hours\n"+
			"feed-good,Riverbend District,Inclusive Lesson Study,,UDL:1,1,0,4\n"+
			"feed-bad,Riverbend District,Broken Row,,UDL:1,one,0,4\n"+
			// udl-basics republished under another issuer.
			"feed-dup,Riverbend District,Starting with Universal Design for Learning,"+
			"\"Plan a lesson that offers several ways in, several ways to show learning and several ways to stay engaged.\",UDL:7,1,0,5\n")
	}))
	t.Cleanup(feed.Close)
	s := newSite(t, siteOptions{openReader: true, allowPrivate: true})
	b := newBrowser(t)
	b.run(t,
		chromedp.Navigate(s.url+"/signin?next=/feeds"),
		chromedp.SendKeys(chromedp.ID("key"), s.keys["aggregator"]),
		chromedp.Submit(chromedp.ID("key")),
		chromedp.WaitVisible(chromedp.ID("feed-url")),
		chromedp.SendKeys(chromedp.ID("feed-url"), feed.URL+"/catalog.csv"),
		chromedp.Click(chromedp.CSS(`form[action="/feeds"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/sync"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/sync"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.card h3`)),
	)
	text := value(t, b, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Last run:", "2 added", "1 rejected", "Rejected records", "level", "Possible duplicates"} {
		if !strings.Contains(text, want) {
			t.Errorf("feeds page lacks %q:\n%.1500s", want, text)
		}
	}
	// The duplicate pair: both items marked and linked to their pages.
	type pair struct {
		IDs   []string `json:"ids"`
		Links []string `json:"links"`
	}
	got := value(t, b, chromedp.Evaluate[[]pair](`[...document.querySelectorAll("table.duplicates tbody tr")].map(tr => ({
		ids: [...tr.querySelectorAll("[data-credential-id]")].map(e => e.dataset.credentialId),
		links: [...tr.querySelectorAll("a")].map(a => a.getAttribute("href"))}))`))
	if len(got) != 1 || strings.Join(got[0].IDs, " ") != "feed-dup udl-basics" ||
		strings.Join(got[0].Links, " ") != "/credentials/feed-dup /credentials/udl-basics" {
		t.Errorf("possible duplicates rows %+v, want feed-dup and udl-basics, both linked", got)
	}
	b.audit(t, "feeds")
	b.screenshot(t, "aggregator-feeds")

	// The duplicate's page says which feed publishes it.
	b.run(t,
		chromedp.Click(chromedp.CSS(`table.duplicates a[href="/credentials/feed-dup"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article[data-credential-id="feed-dup"] .publisher`)),
	)
	if pub := value(t, b, chromedp.Text(chromedp.CSS(".publisher"))); !strings.Contains(pub, "aggregator's feed") || !strings.Contains(pub, feed.URL+"/catalog.csv") {
		t.Errorf("provenance reads %q, want the aggregator's feed %s", pub, feed.URL+"/catalog.csv")
	}
	b.audit(t, "item from a feed")
	b.screenshot(t, "item-from-a-feed")
}
