package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// replica is one `pdpath serve` of a replica test, run in-process.
type replica struct {
	base string
	stop context.CancelFunc
	done chan int
	serr *bytes.Buffer
}

// startReplica serves with its own index directory on the shared store and
// Redis, on a free port.
func startReplica(t *testing.T, dsn, redisURL string) *replica {
	t.Helper()
	pr, pw := io.Pipe()
	// The feed test serves its issuer on loopback: these servers may
	// fetch there, as an operator's own network.
	se, serr := testEnv(pw, map[string]string{"PDPATH_STORE": dsn, "REDIS_URL": redisURL, "PDPATH_ALLOW_PRIVATE_FEEDS": "true"})
	ctx, stop := context.WithCancel(context.Background())
	r := &replica{stop: stop, done: make(chan int, 1), serr: serr}
	go func() {
		r.done <- run(ctx, se, []string{"serve", "--index", t.TempDir(), "--addr", "127.0.0.1:0", "--json"})
		pw.Close()
	}()
	var started struct{ Addr string }
	if err := json.NewDecoder(bufio.NewReader(pr)).Decode(&started); err != nil {
		stop()
		t.Fatalf("serve --json printed no address: %v (stderr: %s)", err, serr)
	}
	go io.Copy(io.Discard, pr)
	r.base = "http://" + started.Addr
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

func (r *replica) shutdown(t *testing.T) {
	if r.stop == nil {
		return
	}
	r.stop()
	r.stop = nil
	select {
	case code := <-r.done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, r.serr)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("serve did not stop")
	}
}

// call sends one request and returns its status and body.
func (r *replica) call(t *testing.T, method, path, key, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, r.base+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, r.base+path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// eventually polls check until it holds or limit passes.
func eventually(limit time.Duration, check func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if check() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReplicas runs three servers on one PostgreSQL schema and one Redis,
// each with an index directory of its own, and checks that they behave as
// one service: an ingest by another process reaches all three, a key
// created once works everywhere, a pathway saved on one is read on the
// others, one key's rate limit holds across them, and stopping one loses
// nothing.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers; skipped with -short")
	}
	dsn := testPostgresSchema(t)
	redisURL := testRedisURL(t)
	// Redis keys start with a prefix named after the store (its own
	// schema), so this test shares nothing with others on the same Redis.
	reps := []*replica{startReplica(t, dsn, redisURL), startReplica(t, dsn, redisURL), startReplica(t, dsn, redisURL)}

	coach := createKey(t, t.TempDir(), "coach", "--store", dsn)
	// A key made once, on no server's machine, works on all of them.
	for i, r := range reps {
		if code, body := r.call(t, "GET", "/v1/pathways", coach, ""); code != http.StatusOK {
			t.Fatalf("replica %d: a key created by `keys create --store`: %d %s", i, code, body)
		}
	}

	// An ingest by another process reaches all three within 15 s.
	csv := filepath.Join(t.TempDir(), "catalog.csv")
	if err := os.WriteFile(csv, []byte(serveCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e, stderr := testEnv(&out, map[string]string{"PDPATH_STORE": dsn})
	if code := run(context.Background(), e, []string{"ingest", "--index", t.TempDir(), "--json", csv}); code != 0 {
		t.Fatalf("ingest --store exit %d: %s", code, stderr)
	}
	var rep struct {
		Added int64 `json:"added"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Added != 2 {
		t.Fatalf("ingest --store report %s (%v), want 2 added", out.String(), err)
	}
	var wg sync.WaitGroup
	for i, r := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !eventually(15*time.Second, func() bool {
				code, _ := r.call(t, "GET", "/v1/credentials/talk-moves", coach, "")
				return code == http.StatusOK
			}) {
				t.Errorf("replica %d did not see the ingest within 15 s", i)
			}
		}()
	}
	wg.Wait()

	// The response cache is shared: a search answered by one replica is
	// a cache hit on the others.
	search := func(r *replica) string {
		req, _ := http.NewRequest("GET", r.base+"/v1/credentials?q=discussing", nil)
		req.Header.Set("Authorization", "Bearer "+coach)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.Header.Get("X-Cache")
	}
	if got := search(reps[0]); got != "miss" {
		t.Errorf("first search on replica 0: X-Cache %q, want miss", got)
	}
	for i, r := range reps[1:] {
		if got := search(r); got != "hit" {
			t.Errorf("the same search on replica %d: X-Cache %q, want hit (a shared cache)", i+1, got)
		}
	}

	// A pathway saved on one is read on the others.
	code, body := reps[0].call(t, "POST", "/v1/pathways", coach, `{"name":"Talk","request":{"goal_credentials":["talk-moves"]}}`)
	if code != http.StatusCreated {
		t.Fatalf("create a pathway on replica 0: %d %s", code, body)
	}
	var p struct {
		ID   string
		Plan struct{ Steps []struct{ ID string } }
	}
	json.Unmarshal(body, &p)
	if len(p.Plan.Steps) != 1 || p.Plan.Steps[0].ID != "talk-moves" {
		t.Errorf("the plan of the saved pathway is %s, want the ingested talk-moves", body)
	}
	for i, r := range reps[1:] {
		if code, body := r.call(t, "GET", "/v1/pathways/"+p.ID, coach, ""); code != http.StatusOK {
			t.Errorf("replica %d reading the pathway saved on replica 0: %d %s", i+1, code, body)
		}
	}

	// One key's rate limit holds across the three: a burst of 4 at a
	// rate far below one request a second lets 4 of 12 requests through.
	e, stderr = testEnv(&out, nil)
	out.Reset()
	if code := run(context.Background(), e, []string{"keys", "create", "--role", "reader", "--rate", "0.01", "--burst", "4",
		"--store", dsn, "--index", t.TempDir(), "--json"}); code != 0 {
		t.Fatalf("keys create: %d %s", code, stderr)
	}
	var limited struct{ Key string }
	json.Unmarshal(out.Bytes(), &limited)
	allowed, refused := 0, 0
	for i := range 12 {
		switch code, _ := reps[i%3].call(t, "GET", "/v1/credentials/udl-intro", limited.Key, ""); code {
		case http.StatusOK:
			allowed++
		case http.StatusTooManyRequests:
			refused++
		}
	}
	if allowed != 4 || refused != 8 {
		t.Errorf("rate limit across replicas: %d allowed, %d refused; want 4 and 8", allowed, refused)
	}

	// A sync asked of all three at once fetches the feed once.
	var mu sync.Mutex
	fetches := 0
	release := make(chan struct{})
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetches++
		mu.Unlock()
		<-release
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, "id,issuer,title,description,competencies,level,prerequisites,cost_usd,hours,format\n"+
			"feed-one,Feed Issuer,Feedback Loops,Close the loop on student feedback.,InTASC:6,1,,0,3,online\n")
	}))
	defer issuer.Close()
	out.Reset()
	e, stderr = testEnv(&out, nil)
	if code := run(context.Background(), e, []string{"keys", "create", "--role", "aggregator", "--store", dsn, "--index", t.TempDir(), "--json"}); code != 0 {
		t.Fatalf("keys create: %d %s", code, stderr)
	}
	var agg struct{ Key string }
	json.Unmarshal(out.Bytes(), &agg)
	code, body = reps[1].call(t, "POST", "/v1/feeds", agg.Key, `{"url":"`+issuer.URL+`/feed.csv"}`)
	if code != http.StatusCreated {
		t.Fatalf("register a feed on replica 1: %d %s", code, body)
	}
	var feed struct{ ID string }
	json.Unmarshal(body, &feed)
	type syncAnswer struct {
		code int
		run  string
	}
	answers := make([]syncAnswer, len(reps))
	var syncs sync.WaitGroup
	for i, r := range reps {
		syncs.Go(func() {
			code, body := r.call(t, "POST", "/v1/feeds/"+feed.ID+"/sync", agg.Key, "")
			var res struct {
				RunID string `json:"run_id"`
			}
			json.Unmarshal(body, &res)
			answers[i] = syncAnswer{code, res.RunID}
		})
	}
	time.Sleep(500 * time.Millisecond) // let all three ask before the issuer answers
	close(release)
	syncs.Wait()
	mu.Lock()
	fetched := fetches
	mu.Unlock()
	if fetched != 1 {
		t.Errorf("a sync asked of three replicas at once fetched the feed %d times, want 1", fetched)
	}
	for i, a := range answers {
		if a.code != http.StatusOK || a.run == "" || a.run != answers[0].run {
			t.Errorf("replica %d answered the sync %d with run %q; want 200 and the one run %q", i, a.code, a.run, answers[0].run)
		}
	}
	for i, r := range reps {
		if !eventually(15*time.Second, func() bool {
			code, _ := r.call(t, "GET", "/v1/credentials/feed-one", coach, "")
			return code == http.StatusOK
		}) {
			t.Errorf("replica %d does not serve the synced feed's item", i)
		}
	}

	// Stopping a replica loses nothing: the others still have the key,
	// the pathway and the catalog, and a replica started afterwards
	// rebuilds its copy from the store.
	reps[0].shutdown(t)
	if code, _ := reps[1].call(t, "GET", "/v1/pathways/"+p.ID, coach, ""); code != http.StatusOK {
		t.Errorf("after replica 0 stopped, replica 1 lost the pathway: %d", code)
	}
	late := startReplica(t, dsn, redisURL)
	if !eventually(15*time.Second, func() bool {
		code, _ := late.call(t, "GET", "/v1/credentials/talk-moves", coach, "")
		return code == http.StatusOK
	}) {
		t.Error("a replica started later did not rebuild the catalog from the store")
	}
}

// TestReplicaKilledLosesNothing runs a replica as a real process, saves a
// pathway and registers a feed through it, kills it with SIGKILL and
// checks that another replica on the same store has both.
func TestReplicaKilledLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "pdpath")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dsn := testPostgresSchema(t)
	redisURL := testRedisURL(t)
	coach := createKey(t, t.TempDir(), "coach", "--store", dsn)
	agg := createKey(t, t.TempDir(), "aggregator", "--store", dsn)

	cmd := exec.Command(bin, "serve", "--index", t.TempDir(), "--addr", "127.0.0.1:0", "--json",
		"--store", dsn, "--redis", redisURL, "--allow-private-feeds")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	var started struct{ Addr string }
	if err := json.NewDecoder(stdout).Decode(&started); err != nil {
		t.Fatalf("the serve process printed no address: %v (%s)", err, stderr.String())
	}
	victim := &replica{base: "http://" + started.Addr}
	code, body := victim.call(t, "POST", "/v1/pathways", coach, `{"name":"Kept","request":{"goal_credentials":["talk-moves"]}}`)
	if code != http.StatusCreated {
		t.Fatalf("create a pathway: %d %s", code, body)
	}
	var p struct{ ID string }
	json.Unmarshal(body, &p)
	code, body = victim.call(t, "POST", "/v1/feeds", agg, `{"url":"http://127.0.0.1:9/feed.csv","every":"24h"}`)
	if code != http.StatusCreated {
		t.Fatalf("register a feed: %d %s", code, body)
	}
	var f struct{ ID string }
	json.Unmarshal(body, &f)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true

	other := startReplica(t, dsn, redisURL)
	if code, body := other.call(t, "GET", "/v1/pathways/"+p.ID, coach, ""); code != http.StatusOK {
		t.Errorf("the pathway saved on the killed replica: %d %s", code, body)
	}
	if code, body := other.call(t, "GET", "/v1/feeds/"+f.ID+"/runs", agg, ""); code != http.StatusOK {
		t.Errorf("the feed registered on the killed replica: %d %s", code, body)
	}
}
