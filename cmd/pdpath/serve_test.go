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
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/pdpath/pdpath/indexer/pgdb/pgdbtest"
)

const serveCSV = `id,issuer,title,description,competencies,level,prerequisites,cost_usd,hours,format
udl-intro,Cascade Co-op,Universal Design for Learning,Design lessons every learner can reach.,UDL:7,1,,0,6,online
talk-moves,Harbor Learning,Classroom Talk Moves,Talk moves that get students discussing.,InTASC:8,1,,20,4,online
`

func testEnv(stdout io.Writer, vars map[string]string) (*env, *bytes.Buffer) {
	var stderr bytes.Buffer
	return &env{stdout: stdout, stderr: &stderr, stdin: strings.NewReader(""), getenv: func(k string) string { return vars[k] }}, &stderr
}

// testRedisURL is the Redis `make test` provides; the serve test fails
// (not skips) when none answers.
func testRedisURL(t *testing.T) string {
	u := os.Getenv("PDPATH_TEST_REDIS")
	if u == "" {
		u = "redis://127.0.0.1:6379/15"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("this test needs Redis at %s (%v); run `make test`, or start redis-server and set PDPATH_TEST_REDIS", u, err)
	}
	return u
}

// TestServe runs `pdpath serve` in-process on a free port against a real
// index and Redis, uses it with a key made by `pdpath keys create` (one of
// them while it runs), and stops it with its context, as a signal would.
func TestServe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	csv := filepath.Join(t.TempDir(), "catalog.csv")
	if err := os.WriteFile(csv, []byte(serveCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e, stderr := testEnv(&out, nil)
	if code := run(ctx, e, []string{"ingest", "--index", dir, csv}); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, stderr)
	}
	key := createKey(t, dir, "reader")

	pr, pw := io.Pipe()
	se, serr := testEnv(pw, map[string]string{"REDIS_URL": testRedisURL(t)})
	sctx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- run(sctx, se, []string{"serve", "--index", dir, "--addr", "127.0.0.1:0", "--json"})
		pw.Close()
	}()
	var started struct {
		Addr           string `json:"addr"`
		Cache          string `json:"cache"`
		CatalogVersion int64  `json:"catalog_version"`
	}
	if err := json.NewDecoder(bufio.NewReader(pr)).Decode(&started); err != nil {
		stop()
		t.Fatalf("serve --json printed no address: %v (stderr: %s)", err, serr)
	}
	go io.Copy(io.Discard, pr)
	if started.Cache != "redis" || started.CatalogVersion != 1 {
		t.Errorf("serve --json = %+v", started)
	}
	base := "http://" + started.Addr
	get := func(path, key string) *http.Response {
		req, _ := http.NewRequest("GET", base+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	deadline := time.Now().Add(10 * time.Second)
	for get("/readyz", "").StatusCode != 200 {
		if time.Now().After(deadline) {
			t.Fatal("never ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := get("/v1/credentials?q=talk", key); r.StatusCode != 200 || r.Header.Get("X-Cache") != "miss" {
		t.Errorf("first search: %d %s", r.StatusCode, r.Header.Get("X-Cache"))
	}
	if r := get("/v1/credentials?q=talk", key); r.Header.Get("X-Cache") != "hit" {
		t.Errorf("second search X-Cache %s", r.Header.Get("X-Cache"))
	}
	if r := get("/v1/credentials?q=talk", ""); r.StatusCode != 401 {
		t.Errorf("keyless search: %d", r.StatusCode)
	}
	// A key created while the server runs works at once.
	late := createKey(t, dir, "admin")
	if r := get("/v1/keys", late); r.StatusCode != 200 {
		t.Errorf("a key created while serving: %d", r.StatusCode)
	}

	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d after its context ended: %s", code, serr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(serr.String(), "shutting down") {
		t.Errorf("no shutdown log line: %s", serr)
	}
}

func createKey(t *testing.T, dir, role string, extra ...string) string {
	t.Helper()
	var out bytes.Buffer
	e, stderr := testEnv(&out, nil)
	if code := run(context.Background(), e, append([]string{"keys", "create", "--role", role, "--index", dir, "--json"}, extra...)); code != 0 {
		t.Fatalf("keys create exit %d: %s", code, stderr)
	}
	var k struct{ Key, Role, ID string }
	if err := json.Unmarshal(out.Bytes(), &k); err != nil {
		t.Fatalf("keys create --json printed %q: %v", out.String(), err)
	}
	if k.Role != role || !strings.HasPrefix(k.Key, "pdp_") || k.ID == "" {
		t.Fatalf("keys create --json = %+v", k)
	}
	return k.Key
}

func TestServeInProcessCacheSaysSo(t *testing.T) {
	dir := t.TempDir()
	pr, pw := io.Pipe()
	e, stderr := testEnv(pw, nil)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, e, []string{"serve", "--index", dir, "--addr", "127.0.0.1:0", "--json"})
		pw.Close()
	}()
	var started struct{ Cache string }
	if err := json.NewDecoder(pr).Decode(&started); err != nil {
		stop()
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	stop()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if started.Cache != "memory" || !strings.Contains(stderr.String(), "in process") {
		t.Errorf("cache %q; log: %s", started.Cache, stderr)
	}
}

func TestServeSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(serveSettings) bool
	}{
		{"defaults", nil, nil, func(s serveSettings) bool {
			return s.addr == "127.0.0.1:8080" && s.redisURL == "" && s.index == "./var/index" && !s.openReader && s.rate == 20 && s.burst == 40 && !s.allowPrivate &&
				strings.HasPrefix(s.cachePrefix, "pdpath:") && len(s.cachePrefix) == len("pdpath:12345678:")
		}},
		{"env", nil, map[string]string{"PDPATH_ADDR": ":9000", "REDIS_URL": "redis://r:6379/1", "PDPATH_INDEX": "/idx", "PDPATH_OPEN_READER": "true", "PDPATH_RATE_LIMIT": "5"},
			func(s serveSettings) bool {
				return s.addr == ":9000" && s.redisURL == "redis://r:6379/1" && s.index == "/idx" && s.openReader && s.rate == 5 && s.burst == 10
			}},
		{"flag beats env", []string{"--addr", ":7000", "--redis", "redis://f:1/2", "--index", "/f", "--open-reader=false", "--rate-limit", "-1"},
			map[string]string{"PDPATH_ADDR": ":9000", "REDIS_URL": "redis://r:6379/1", "PDPATH_INDEX": "/idx", "PDPATH_OPEN_READER": "true"},
			func(s serveSettings) bool {
				return s.addr == ":7000" && s.redisURL == "redis://f:1/2" && s.index == "/f" && !s.openReader && s.rate == 0
			}},
		{"proxies and private feeds", []string{"--trusted-proxies", "10.0.0.0/8, 192.168.1.1", "--allow-private-feeds"}, nil,
			func(s serveSettings) bool {
				return len(s.trustedProxies) == 2 && s.trustedProxies[1] == "192.168.1.1" && s.allowPrivate
			}},
		{"store: bolt by default", nil, nil, func(s serveSettings) bool { return s.store == "" }},
		{"store flag", []string{"--store", "postgres://u:pw@db:5432/pd"}, nil,
			func(s serveSettings) bool { return s.store == "postgres://u:pw@db:5432/pd" }},
		{"store env", nil, map[string]string{"PDPATH_STORE": "postgresql://db/pd"},
			func(s serveSettings) bool { return s.store == "postgresql://db/pd" }},
		{"store flag beats env", []string{"--store", "bolt"}, map[string]string{"PDPATH_STORE": "postgres://db/pd"},
			func(s serveSettings) bool { return s.store == "" }},
		{"the older flag still works", []string{"--pathways-db", "postgres://db/old"}, map[string]string{"PDPATH_STORE": "postgres://db/new"},
			func(s serveSettings) bool { return s.store == "postgres://db/old" }},
		{"the older env is read when PDPATH_STORE is unset", nil, map[string]string{"PDPATH_PATHWAYS_DSN": "postgres://db/old"},
			func(s serveSettings) bool { return s.store == "postgres://db/old" }},
		{"PDPATH_STORE beats the older env", nil, map[string]string{"PDPATH_STORE": "bolt", "PDPATH_PATHWAYS_DSN": "postgres://db/old"},
			func(s serveSettings) bool { return s.store == "" }},
		{"a port by service name", []string{"--addr", "127.0.0.1:http"}, nil,
			func(s serveSettings) bool { return s.addr == "127.0.0.1:http" }},
		{"any host, port 0", []string{"--addr", ":0"}, nil,
			func(s serveSettings) bool { return s.addr == ":0" }},
		{"both flags, the same store", []string{"--store", "postgres://db/pd", "--pathways-db", "postgres://db/pd"}, nil,
			func(s serveSettings) bool { return s.store == "postgres://db/pd" }},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			e, _ := testEnv(io.Discard, test.env)
			fs := newFlagSet(e, "serve", "")
			serveFlags(fs)
			if _, err := fs.parse(test.args, 0, 0); err != nil {
				t.Fatal(err)
			}
			st, err := serveConfig(fs)
			if err != nil {
				t.Fatal(err)
			}
			if !test.want(st) {
				t.Errorf("settings %+v", st)
			}
		})
	}
	e, _ := testEnv(io.Discard, map[string]string{"PDPATH_OPEN_READER": "maybe"})
	if code := run(context.Background(), e, []string{"serve", "--index", t.TempDir()}); code != 2 {
		t.Errorf("a bad boolean in the environment: exit %d, want 2", code)
	}
	for _, bad := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--store", "mysql://root:hunter2@db/pd"}, nil},
		{[]string{"--store", "/var/lib/pathways.db"}, nil},
		{nil, map[string]string{"PDPATH_STORE": "redis://db:6379/0"}},
		{[]string{"--store", "postgres://db/a", "--pathways-db", "postgres://db/b"}, nil},
	} {
		e, stderr := testEnv(io.Discard, bad.env)
		args := append([]string{"serve", "--index", t.TempDir()}, bad.args...)
		if code := run(context.Background(), e, args); code != 2 || !strings.Contains(stderr.String(), "store") {
			t.Errorf("%v %v: exit %d, want 2 with a message naming the store setting: %s", bad.args, bad.env, code, stderr)
		}
		if strings.Contains(stderr.String(), "hunter2") {
			t.Errorf("the error shows the DSN's password: %s", stderr)
		}
	}
}

// TestServeStorePostgres runs `pdpath serve --store postgres://…` against
// the test PostgreSQL and checks that a pathway a coach saves lands there
// and not in the index directory.
func TestServeStorePostgres(t *testing.T) {
	ctx := context.Background()
	dsn := testPostgresSchema(t)
	dir := t.TempDir()
	// Keys live in the store too: created from another index directory,
	// as from another machine.
	key := createKey(t, t.TempDir(), "coach", "--store", dsn)
	pr, pw := io.Pipe()
	se, serr := testEnv(pw, nil)
	sctx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- run(sctx, se, []string{"serve", "--index", dir, "--addr", "127.0.0.1:0", "--store", dsn, "--json"})
		pw.Close()
	}()
	var started struct{ Addr, Store string }
	if err := json.NewDecoder(bufio.NewReader(pr)).Decode(&started); err != nil {
		stop()
		t.Fatalf("serve --json printed nothing: %v (stderr: %s)", err, serr)
	}
	go io.Copy(io.Discard, pr)
	if started.Store != "postgres" {
		t.Errorf("serve --json store %q, want postgres", started.Store)
	}
	req, _ := http.NewRequest("POST", "http://"+started.Addr+"/v1/pathways",
		strings.NewReader(`{"name":"Talk","request":{"goal_credentials":["talk-moves"]}}`))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("create a pathway: %d %s", resp.StatusCode, body)
	}
	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, serr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pathways WHERE doc->>'name' = 'Talk'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("pathways in PostgreSQL: %d (%v), want 1", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pathways.db")); !os.IsNotExist(err) {
		t.Errorf("serve --store postgres://… also made the embedded store: %v", err)
	}
	// The log names the database, not the whole DSN (which may carry a
	// password and settings).
	if !strings.Contains(serr.String(), "saved pathways in PostgreSQL") || strings.Contains(serr.String(), "search_path") {
		t.Errorf("the log does not name the store, or shows the whole DSN: %s", serr)
	}
}

// testPostgresSchema returns a DSN for a PostgreSQL schema of the test's
// own (pgdbtest.Schema).
func testPostgresSchema(t *testing.T) string { return pgdbtest.Schema(t, "cmd_test") }

func TestKeysCommand(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"keys", "create", "--role", "coach", "--index", dir}, 0},
		{[]string{"keys", "create", "--role", "root", "--index", dir}, 2},
		{[]string{"keys", "create", "--index", dir}, 2},
		{[]string{"keys", "create", "--role", "reader", "--rate", "-1", "--index", dir}, 2},
		{[]string{"keys", "frobnicate"}, 2},
		{[]string{"keys"}, 2},
		{[]string{"keys", "list", "--index", dir, "--json"}, 0},
		{[]string{"keys", "revoke", "--index", dir, "key_nope"}, 1},
	}
	for _, test := range tests {
		var out bytes.Buffer
		e, stderr := testEnv(&out, nil)
		if code := run(context.Background(), e, test.args); code != test.want {
			t.Errorf("%v: exit %d, want %d (%s)", test.args, code, test.want, stderr)
		}
	}
	// The key printed is usable, the file holds only its hash, list
	// shows it and revoke removes it.
	var out bytes.Buffer
	e, _ := testEnv(&out, nil)
	run(context.Background(), e, []string{"keys", "create", "--role", "aggregator", "--index", dir, "--json"})
	var k struct{ Key, ID string }
	json.Unmarshal(out.Bytes(), &k)
	data, _ := os.ReadFile(filepath.Join(dir, "keys.json"))
	if k.Key == "" || bytes.Contains(data, []byte(k.Key)) {
		t.Errorf("key %q stored in clear: %s", k.Key, data)
	}
	out.Reset()
	run(context.Background(), e, []string{"keys", "list", "--index", dir, "--json"})
	if !strings.Contains(out.String(), k.ID) {
		t.Errorf("keys list lacks %s: %s", k.ID, out.String())
	}
	if code := run(context.Background(), e, []string{"keys", "revoke", "--index", dir, k.ID}); code != 0 {
		t.Errorf("revoke exit %d", code)
	}
}

// TestKeysCommandPostgres: with --store (or PDPATH_STORE) keys are kept in
// PostgreSQL, so any index directory (any server) sees them.
func TestKeysCommandPostgres(t *testing.T) {
	dsn := testPostgresSchema(t)
	var out bytes.Buffer
	e, stderr := testEnv(&out, nil)
	if code := run(context.Background(), e, []string{"keys", "create", "--role", "coach", "--store", dsn, "--index", t.TempDir(), "--json"}); code != 0 {
		t.Fatalf("keys create --store: exit %d (%s)", code, stderr)
	}
	var k struct{ Key, ID string }
	if err := json.Unmarshal(out.Bytes(), &k); err != nil || k.ID == "" {
		t.Fatalf("keys create output %q: %v", out.String(), err)
	}
	out.Reset()
	e, stderr = testEnv(&out, map[string]string{"PDPATH_STORE": dsn})
	if code := run(context.Background(), e, []string{"keys", "list", "--index", t.TempDir(), "--json"}); code != 0 || !strings.Contains(out.String(), k.ID) {
		t.Errorf("keys list with PDPATH_STORE from another index: exit %d, %s (%s)", code, out.String(), stderr)
	}
	if code := run(context.Background(), e, []string{"keys", "revoke", "--index", t.TempDir(), k.ID}); code != 0 {
		t.Errorf("revoke exit %d (%s)", code, stderr)
	}
	if code := run(context.Background(), e, []string{"keys", "revoke", k.ID}); code != 1 {
		t.Errorf("second revoke exit %d, want 1", code)
	}
}
