// Command pdpath-load measures the pdpath binary end to end over HTTP on
// synthetic catalogs, each figure beside a baseline that serves the same
// data, measured in the same run so both share the machine and its load:
//
//   - cached recommendations (many connections, one body answered from the
//     Redis cache) beside a bare Gin handler that serves the same bytes from
//     the same Redis;
//   - uncached recommendations (one client, a different educator each
//     request) beside a raw Bleve match query, top 10, over the titles and
//     descriptions of the same index with the educator's goals;
//   - GET /v1/credentials?q= beside a raw Bleve match query on the same
//     words;
//   - the time from starting `pdpath serve` on an ingested index until
//     /readyz answers 200, and the server's resident memory after the run.
//
// Usage (make loadtest runs it):
//
//	go run ./cmd/pdpath-load -bin bin/pdpath -sizes 10000,100000
//
// Catalogs and indexes are kept under -work, so a second run skips the
// ingest. Everything generated is synthetic (see indexer/synth).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/synth"
)

type config struct {
	bin, work, redisURL, label string
	sizes                      []int
	requests, conns            int
	cachedFor                  time.Duration
	jsonOut, noWrk             bool
	cachedOnly                 bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare-gin" {
		// The baseline server runs as a process of its own, like pdpath.
		if err := bareGin(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "pdpath-load bare-gin:", err)
			os.Exit(1)
		}
		return
	}
	var cfg config
	var sizes string
	flag.StringVar(&cfg.bin, "bin", "bin/pdpath", "the pdpath binary to measure")
	flag.StringVar(&cfg.work, "work", "var/loadtest", "folder for the synthetic catalogs and their indexes (reused between runs)")
	flag.StringVar(&cfg.redisURL, "redis", "redis://127.0.0.1:6379/0", "Redis for the response cache and the bare Gin baseline")
	flag.StringVar(&sizes, "sizes", "10000,100000", "catalog sizes, comma-separated")
	flag.IntVar(&cfg.requests, "requests", 400, "requests per single-client phase (uncached recommend, search, raw Bleve)")
	flag.IntVar(&cfg.conns, "conns", 32, "connections for the cached-throughput phase")
	flag.DurationVar(&cfg.cachedFor, "cached-for", 5*time.Second, "duration of each cached-throughput phase")
	flag.StringVar(&cfg.label, "label", "pdpath", "name of the measured binary in the table")
	flag.BoolVar(&cfg.jsonOut, "json", false, "print the results as JSON lines too")
	flag.BoolVar(&cfg.cachedOnly, "cached-only", false, "measure only the cached-throughput phase (and its CPU per request) against the bare Gin baseline")
	flag.BoolVar(&cfg.noWrk, "no-wrk", false, "drive the cached-throughput phase from this process even when wrk is installed")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "pdpath-load: -sizes: %q is not a positive number\n", s)
			os.Exit(2)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "pdpath-load:", err)
		os.Exit(1)
	}
}

// result is one catalog size's figures.
type result struct {
	Size          int     `json:"size"`
	Load          string  `json:"load"`
	IngestSec     float64 `json:"ingest_s,omitempty"`
	RestartSec    float64 `json:"restart_s"`
	RestartCPUSec float64 `json:"restart_cpu_s"`
	CachedRPS     float64 `json:"cached_rps"`
	BareRPS       float64 `json:"bare_gin_redis_rps"`
	// CachedCPUUs and BareCPUUs are each server's CPU time per answered
	// request in the cached phase, in µs: the machine's load inflates
	// them much less than it does throughput.
	CachedCPUUs float64 `json:"cached_cpu_us"`
	BareCPUUs   float64 `json:"bare_gin_redis_cpu_us"`
	RecP50      float64 `json:"recommend_p50_ms"`
	RecP99      float64 `json:"recommend_p99_ms"`
	RawRecP50   float64 `json:"raw_bleve_goals_p50_ms"`
	RawRecP99   float64 `json:"raw_bleve_goals_p99_ms"`
	SearchP50   float64 `json:"search_p50_ms"`
	SearchP99   float64 `json:"search_p99_ms"`
	RawSP50     float64 `json:"raw_bleve_words_p50_ms"`
	RawSP99     float64 `json:"raw_bleve_words_p99_ms"`
	RSSMiB      float64 `json:"rss_mib"`
	// RSSAnonMiB is the part of RSSMiB that is the process's own memory
	// (the Go heap and runtime); the rest is mapped files (the index's
	// segments, the model, the records' prose, the binary), pages the
	// kernel may reclaim and read back.
	RSSAnonMiB float64 `json:"rss_anon_mib"`
}

func run(ctx context.Context, cfg config) error {
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return err
	}
	cfg.bin = bin
	if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		return err
	}
	if err := pingRedis(ctx, cfg.redisURL); err != nil {
		return err
	}
	var results []result
	for _, n := range cfg.sizes {
		r, err := runSize(ctx, cfg, n)
		if err != nil {
			return fmt.Errorf("%d items: %w", n, err)
		}
		results = append(results, r)
		if cfg.jsonOut {
			b, _ := json.Marshal(r)
			fmt.Println(string(b))
		}
	}
	printTable(os.Stdout, cfg.label, results)
	return nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func runSize(ctx context.Context, cfg config, n int) (result, error) {
	r := result{Size: n}
	dir := filepath.Join(cfg.work, strconv.Itoa(n))
	index := filepath.Join(dir, "index")
	csvPath := filepath.Join(dir, "catalog")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	if _, err := os.Stat(filepath.Join(csvPath, "done")); err != nil {
		logf("%d: writing the synthetic catalog", n)
		if err := writeCatalog(csvPath, n); err != nil {
			return r, err
		}
	}
	if _, err := os.Stat(filepath.Join(index, "CURRENT")); err != nil {
		logf("%d: ingesting", n)
		start := time.Now()
		out, err := exec.CommandContext(ctx, cfg.bin, "ingest", "--json", "--index", index, csvPath).CombinedOutput()
		if err != nil {
			return r, fmt.Errorf("ingest: %v: %s", err, out)
		}
		if _, err := os.Stat(filepath.Join(index, "CURRENT")); err != nil {
			return r, fmt.Errorf("ingest wrote no catalog: %s", out)
		}
		r.IngestSec = time.Since(start).Seconds()
	}
	key, err := readerKey(ctx, cfg.bin, index)
	if err != nil {
		return r, err
	}

	// Restart: a server on an index that is already there, until ready.
	prefix := fmt.Sprintf("pdpath-load:%d:%d:", n, time.Now().UnixNano())
	srv, restart, err := startServer(ctx, cfg, index, prefix)
	if err != nil {
		return r, err
	}
	defer srv.stop()
	r.RestartSec = restart.Seconds()
	r.RestartCPUSec = srv.cpuSeconds()
	logf("%d: ready after %.2f s (%.2f s of CPU)", n, r.RestartSec, r.RestartCPUSec)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conns * 2, MaxConnsPerHost: cfg.conns * 2}}
	profiles := synth.Profiles(cfg.requests+1, n, 7)

	// Uncached recommendations: every request a different educator.
	phaseRequests := cfg.requests
	if cfg.cachedOnly {
		phaseRequests = 0
	}
	var recLat []time.Duration
	for i := 1; i <= phaseRequests; i++ {
		body, _ := json.Marshal(map[string]any{"profile": profiles[i], "limit": 10})
		d, _, err := timedPost(ctx, client, srv.url+"/v1/recommendations", key, body)
		if err != nil {
			return r, fmt.Errorf("recommend: %w", err)
		}
		recLat = append(recLat, d)
	}
	r.RecP50, r.RecP99 = pct(recLat, 50), pct(recLat, 99)

	// Search: the words of different credentials' titles.
	words := searchWords(n, phaseRequests)
	var sLat []time.Duration
	for _, w := range words {
		d, err := timedGet(ctx, client, srv.url+"/v1/credentials?q="+urlQuery(w), key)
		if err != nil {
			return r, fmt.Errorf("search: %w", err)
		}
		sLat = append(sLat, d)
	}
	r.SearchP50, r.SearchP99 = pct(sLat, 50), pct(sLat, 99)

	// Cached recommendations against the bare handler, same bytes, same Redis.
	cachedBody, _ := json.Marshal(map[string]any{"profile": profiles[0], "limit": 10})
	var answer []byte
	for i := 0; i < 2; i++ { // the second answer comes from the cache
		_, answer, err = timedPost(ctx, client, srv.url+"/v1/recommendations", key, cachedBody)
		if err != nil {
			return r, err
		}
	}
	cpu := srv.cpuSeconds()
	r.CachedRPS, err = throughput(ctx, client, cfg, srv.url+"/v1/recommendations", key, cachedBody)
	if err != nil {
		return r, fmt.Errorf("cached recommend: %w", err)
	}
	r.CachedCPUUs = perRequestUs(srv.cpuSeconds()-cpu, r.CachedRPS, cfg.cachedFor)
	r.RSSMiB, r.RSSAnonMiB = srv.rssMiB()
	srv.stop()

	bare, err := startBare(ctx, cfg, prefix+"bare", answer)
	if err != nil {
		return r, err
	}
	cpu = bare.cpuSeconds()
	r.BareRPS, err = throughput(ctx, client, cfg, bare.url+"/v1/recommendations", key, cachedBody)
	r.BareCPUUs = perRequestUs(bare.cpuSeconds()-cpu, r.BareRPS, cfg.cachedFor)
	bare.stop()
	if err != nil {
		return r, fmt.Errorf("bare gin: %w", err)
	}

	if cfg.cachedOnly {
		r.Load = loadavg()
		return r, nil
	}
	// Raw Bleve over the same index, the server stopped.
	r.RawRecP50, r.RawRecP99, r.RawSP50, r.RawSP99, err = rawBleve(index, profiles[1:], words)
	if err != nil {
		return r, err
	}
	r.Load = loadavg()
	return r, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// writeCatalog writes n synthetic credentials as CSV feed files of
// chunk credentials each (one feed file has a size limit) into dir.
func writeCatalog(dir string, n int) error {
	const chunk = 20000
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var f *os.File
	var bw *bufio.Writer
	var cw *synth.CSVWriter
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return f.Close()
	}
	i := 0
	err := synth.Each(n, 1, func(c *catalog.Credential) error {
		if i%chunk == 0 {
			if err := closeFile(); err != nil {
				return err
			}
			var err error
			if f, err = os.Create(filepath.Join(dir, fmt.Sprintf("synthetic-%04d.csv", i/chunk))); err != nil {
				return err
			}
			bw = bufio.NewWriterSize(f, 1<<20)
			cw = synth.NewCSVWriter(bw)
		}
		i++
		return cw.Write(c)
	})
	if err == nil {
		err = closeFile()
	}
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
}

func readerKey(ctx context.Context, bin, index string) (string, error) {
	keyFile := filepath.Join(filepath.Dir(index), "reader.key")
	if b, err := os.ReadFile(keyFile); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	out, err := exec.CommandContext(ctx, bin, "keys", "create", "--role", "reader", "--index", index).Output()
	if err != nil {
		return "", fmt.Errorf("keys create: %w", err)
	}
	key := strings.TrimSpace(string(out))
	return key, os.WriteFile(keyFile, []byte(key+"\n"), 0o600)
}

type process struct {
	cmd  *exec.Cmd
	url  string
	once sync.Once
}

func (p *process) stop() {
	p.once.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			p.cmd.Process.Kill()
			<-done
		}
	})
}

// perRequestUs spreads cpu seconds over the requests answered at rps for d.
func perRequestUs(cpu, rps float64, d time.Duration) float64 {
	if rps <= 0 || d <= 0 {
		return 0
	}
	return cpu / (rps * d.Seconds()) * 1e6
}

// cpuSeconds is the CPU time the process has used so far (user and
// system): unlike wall time, it does not grow with the machine's load.
func (p *process) cpuSeconds() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // clock ticks; 100 a second on Linux
}

// rssMiB is the process's resident memory, and the anonymous part of it.
func (p *process) rssMiB() (rss, anon float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		switch name {
		case "VmRSS":
			rss = kb / 1024
		case "RssAnon":
			anon = kb / 1024
		}
	}
	return rss, anon
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer starts pdpath serve and waits until /readyz answers 200,
// returning how long that took from the start of the process.
func startServer(ctx context.Context, cfg config, index, prefix string) (*process, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.CommandContext(ctx, cfg.bin, "serve", "--index", index, "--addr", addr, "--redis", cfg.redisURL,
		"--cache-prefix", prefix, "--rate-limit", "-1", "--anon-rate-limit", "-1")
	cmd.Stderr = io.Discard
	if os.Getenv("PDPATH_LOAD_SERVER_LOG") != "" {
		cmd.Stderr = os.Stderr
	}
	cmd.Env = append(os.Environ(), "PDPATH_LOG_LEVEL=warn")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	p := &process{cmd: cmd, url: "http://" + addr}
	if err := waitReady(ctx, p.url+"/readyz", 5*time.Minute); err != nil {
		p.stop()
		return nil, 0, err
	}
	return p, time.Since(start), nil
}

func startBare(ctx context.Context, cfg config, redisKey string, body []byte) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	opts, err := redis.ParseURL(cfg.redisURL)
	if err != nil {
		return nil, err
	}
	rc := redis.NewClient(opts)
	defer rc.Close()
	if err := rc.Set(ctx, redisKey, body, time.Hour).Err(); err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, "bare-gin", addr, cfg.redisURL, redisKey)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, url: "http://" + addr}
	if err := waitReady(ctx, p.url+"/readyz", time.Minute); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// bareGin is the cached-path baseline: a Gin engine with one handler that
// reads the answer from Redis and writes it.
func bareGin(args []string) error {
	if len(args) != 3 {
		return errors.New("want ADDR REDIS_URL KEY")
	}
	opts, err := redis.ParseURL(args[1])
	if err != nil {
		return err
	}
	rc := redis.NewClient(opts)
	key := args[2]
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/readyz", func(c *gin.Context) { c.Status(http.StatusOK) })
	e.POST("/v1/recommendations", func(c *gin.Context) {
		b, err := rc.Get(c.Request.Context(), key).Bytes()
		if err != nil {
			c.Status(http.StatusBadGateway)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	srv := &http.Server{Addr: args[0], Handler: e}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func waitReady(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return err
		}
		resp, err := c.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s", url, limit)
}

func timedPost(ctx context.Context, c *http.Client, url, key string, body []byte) (time.Duration, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("status %d: %s", resp.StatusCode, out)
	}
	return d, out, nil
}

func timedGet(ctx context.Context, c *http.Client, url, key string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %s", resp.StatusCode, out)
	}
	return d, nil
}

// throughput sends body with cfg.conns requests in flight for
// cfg.cachedFor and returns answered requests a second. It drives the load
// with wrk when that is installed (a load generator in C takes less of the
// machine from the servers than this process would), else from here.
func throughput(ctx context.Context, c *http.Client, cfg config, url, key string, body []byte) (float64, error) {
	if path, err := exec.LookPath("wrk"); err == nil && !cfg.noWrk {
		return wrkThroughput(ctx, path, cfg, url, key, body)
	}
	// Warm the connections.
	for i := 0; i < cfg.conns; i++ {
		if _, _, err := timedPost(ctx, c, url, key, body); err != nil {
			return 0, err
		}
	}
	var done atomic.Int64
	var firstErr atomic.Value
	stopAt := time.Now().Add(cfg.cachedFor)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < cfg.conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stopAt) {
				if _, _, err := timedPost(ctx, c, url, key, body); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

// searchWords returns m queries of two or three words from the titles of
// credentials spread over the catalog.
func searchWords(n, m int) []string {
	rng := rand.New(rand.NewPCG(11, 13))
	want := map[string]bool{}
	for len(want) < m {
		want[synth.ID(1+rng.IntN(n))] = true
	}
	var out []string
	synth.Each(n, 1, func(c *catalog.Credential) error {
		if !want[c.ID] {
			return nil
		}
		var ws []string
		for _, w := range strings.Fields(c.Title) {
			w = strings.Trim(strings.ToLower(w), ",.:;()")
			if len(w) > 3 && !slices.Contains(ws, w) {
				ws = append(ws, w)
			}
		}
		if len(ws) > 3 {
			ws = ws[:2+rng.IntN(2)]
		}
		out = append(out, strings.Join(ws, " "))
		return nil
	})
	return out
}

func urlQuery(s string) string { return strings.ReplaceAll(s, " ", "+") }

// rawBleve times a match query, top 10, over the titles and descriptions of
// the live generation's index: with each educator's goals, and with each
// search's words.
func rawBleve(dir string, profiles []catalog.Profile, words []string) (rp50, rp99, sp50, sp99 float64, err error) {
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		return
	}
	b, err := index.OpenBaseline(filepath.Join(dir, strings.TrimSpace(string(cur)), "bleve"))
	if err != nil {
		return
	}
	defer b.Close()
	timed := func(text string) (time.Duration, error) {
		start := time.Now()
		_, err := b.Match(text)
		return time.Since(start), err
	}
	var rec, srch []time.Duration
	for _, p := range profiles {
		text := p.Goals
		if strings.TrimSpace(text) == "" {
			continue
		}
		d, e := timed(text)
		if e != nil {
			return 0, 0, 0, 0, e
		}
		rec = append(rec, d)
	}
	for _, w := range words {
		d, e := timed(w)
		if e != nil {
			return 0, 0, 0, 0, e
		}
		srch = append(srch, d)
	}
	return pct(rec, 50), pct(rec, 99), pct(srch, 50), pct(srch, 99), nil
}

// pct is the p-th percentile in milliseconds.
func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	i = min(max(i-1, 0), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}

func printTable(w io.Writer, label string, rs []result) {
	ratio := func(a, b float64) string {
		if b == 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f×", a/b)
	}
	fmt.Fprintf(w, "| items | what | %s | baseline | ratio |\n|---|---|---|---|---|\n", label)
	for _, r := range rs {
		fmt.Fprintf(w, "| %d | cached recommend, %s | %.0f req/s | bare Gin + same Redis: %.0f req/s | %s |\n", r.Size, "throughput", r.CachedRPS, r.BareRPS, ratio(r.CachedRPS, r.BareRPS))
		fmt.Fprintf(w, "| %d | cached recommend, server CPU per request | %.0f µs | bare Gin + same Redis: %.0f µs | %s |\n", r.Size, r.CachedCPUUs, r.BareCPUUs, ratio(r.CachedCPUUs, r.BareCPUUs))
		if r.RecP99 > 0 || r.SearchP99 > 0 { // not measured with -cached-only
			fmt.Fprintf(w, "| %d | uncached recommend p50 / p99 | %.1f / %.1f ms | raw Bleve, goals: %.1f / %.1f ms | p99 %s |\n", r.Size, r.RecP50, r.RecP99, r.RawRecP50, r.RawRecP99, ratio(r.RecP99, r.RawRecP99))
			fmt.Fprintf(w, "| %d | search p50 / p99 | %.1f / %.1f ms | raw Bleve, same words: %.1f / %.1f ms | p50 %s |\n", r.Size, r.SearchP50, r.SearchP99, r.RawSP50, r.RawSP99, ratio(r.SearchP50, r.RawSP50))
		}
		fmt.Fprintf(w, "| %d | restart until /readyz 200 (CPU used) | %.2f s (%.2f s) | — | |\n", r.Size, r.RestartSec, r.RestartCPUSec)
		fmt.Fprintf(w, "| %d | resident memory after the run | %.0f MiB (%.0f MiB anonymous, %.0f MiB mapped files) | — | |\n",
			r.Size, r.RSSMiB, r.RSSAnonMiB, r.RSSMiB-r.RSSAnonMiB)
		if r.IngestSec > 0 {
			fmt.Fprintf(w, "| %d | ingest | %.1f s | — | |\n", r.Size, r.IngestSec)
		}
		fmt.Fprintf(w, "| %d | load average (1, 5, 15 min) after | %s | | |\n", r.Size, r.Load)
	}
}

// wrkThroughput runs wrk with cfg.conns connections for cfg.cachedFor,
// posting body, and returns its requests a second. Any answer other than
// 2xx fails the run.
func wrkThroughput(ctx context.Context, wrk string, cfg config, url, key string, body []byte) (float64, error) {
	script, err := os.CreateTemp("", "pdpath-load-*.lua")
	if err != nil {
		return 0, err
	}
	defer os.Remove(script.Name())
	fmt.Fprintf(script, "wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", body)
	if err := script.Close(); err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, wrk, "-t2", fmt.Sprintf("-c%d", cfg.conns),
		fmt.Sprintf("-d%ds", max(int(cfg.cachedFor.Seconds()), 1)), "-s", script.Name(),
		"-H", "Authorization: Bearer "+key, url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	if bytes.Contains(out, []byte("Non-2xx")) {
		return 0, fmt.Errorf("wrk saw answers other than 2xx: %s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "Requests/sec:"); ok {
			return strconv.ParseFloat(strings.TrimSpace(rest), 64)
		}
	}
	return 0, fmt.Errorf("wrk printed no Requests/sec: %s", out)
}

// pingRedis checks that the Redis both servers use answers, before any
// catalog is written.
func pingRedis(ctx context.Context, url string) error {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("-redis: %w", err)
	}
	rc := redis.NewClient(opts)
	defer rc.Close()
	if err := rc.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("the load test needs Redis at %s (-redis, or REDIS_URL with make loadtest): %w", url, err)
	}
	return nil
}
