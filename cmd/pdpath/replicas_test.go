package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	se, serr := testEnv(pw, map[string]string{"PDPATH_STORE": dsn, "REDIS_URL": redisURL})
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
