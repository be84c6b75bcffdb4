package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its exit status and
// output streams.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, stdin: strings.NewReader(stdin), getenv: func(string) string { return "" }}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

// decodeOne checks that out holds exactly one JSON document and decodes it.
func decodeOne(t *testing.T, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not a JSON document: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", out)
	}
}

// bundledIndex ingests the bundled catalog once into a temporary index.
func bundledIndex(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	code, out, errOut := runCLI(t, "", "ingest", "--index", dir, "--json", filepath.Join("..", "..", "datasets", "catalog"))
	if code != 0 {
		t.Fatalf("ingest exit %d: %s", code, errOut)
	}
	var rep struct {
		Added          int               `json:"added"`
		Updated        int               `json:"updated"`
		Retired        int               `json:"retired"`
		Rejected       []json.RawMessage `json:"rejected"`
		CatalogVersion int               `json:"catalog_version"`
	}
	decodeOne(t, out, &rep)
	if rep.Added < 400 || len(rep.Rejected) != 0 || rep.CatalogVersion != 1 {
		t.Fatalf("bundled catalog ingest: %s", out)
	}
	return dir
}

func TestCLIContract(t *testing.T) {
	dir := bundledIndex(t)

	t.Run("re-ingest changes nothing", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "ingest", "--index", dir, "--json", filepath.Join("..", "..", "datasets", "catalog"))
		var rep map[string]any
		decodeOne(t, out, &rep)
		if code != 0 || rep["added"] != 0.0 || rep["updated"] != 0.0 || rep["retired"] != 0.0 || rep["catalog_version"] != 1.0 {
			t.Errorf("exit %d, report %s", code, out)
		}
	})

	t.Run("commands do not announce the model at INFO", func(t *testing.T) {
		profile := `{"goals":"discussion"}`
		for _, args := range [][]string{
			{"recommend", "--index", dir, "--json", "--profile", "-", "--limit", "1"},
			{"search", "--index", dir, "--json", "--limit", "1", "discussion"},
		} {
			code, _, errOut := runCLI(t, profile, args...)
			if code != 0 || strings.Contains(errOut, "model swapped in") {
				t.Errorf("%s: exit %d, stderr:\n%s\nwant 0 and no \"model swapped in\" line", args[0], code, errOut)
			}
		}
	})

	t.Run("empty query counts the catalog", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "search", "--index", dir, "--json", "--limit", "3", "")
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				ID, Title, Issuer string
				Score             float64
			} `json:"hits"`
		}
		decodeOne(t, out, &res)
		if code != 0 || res.Total < 400 || len(res.Hits) != 3 || res.Hits[0].Title == "" || res.Hits[0].Issuer == "" {
			t.Errorf("exit %d, result %s", code, out)
		}
	})

	t.Run("recommend returns reasons and honours the budget", func(t *testing.T) {
		profile := `{"goals":"my students rarely talk to each other in discussions","gaps":[{"framework":"FFT","code":"3b","weight":1}],"preferences":{"max_cost_usd":50}}`
		code, out, errOut := runCLI(t, profile, "recommend", "--index", dir, "--json", "--profile", "-", "--limit", "5")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var res struct {
			Items []struct {
				ID      string   `json:"id"`
				Title   string   `json:"title"`
				Issuer  string   `json:"issuer"`
				Score   float64  `json:"score"`
				Reasons []string `json:"reasons"`
			} `json:"items"`
		}
		decodeOne(t, out, &res)
		if len(res.Items) != 5 {
			t.Fatalf("%d items, want 5: %s", len(res.Items), out)
		}
		for _, it := range res.Items {
			if it.ID == "" || it.Title == "" || len(it.Reasons) == 0 {
				t.Errorf("item without id, title or reasons: %+v", it)
			}
		}
	})

	t.Run("unknown profile field is a clear error", func(t *testing.T) {
		code, _, errOut := runCLI(t, `{"goal":"typo"}`, "recommend", "--index", dir, "--profile", "-")
		if code != 1 || !strings.Contains(errOut, "goal") {
			t.Errorf("exit %d, stderr %q; want 1 and the field named", code, errOut)
		}
	})

	t.Run("plan orders and schedules", func(t *testing.T) {
		req := `{"targets":[{"framework":"UDL","code":"7"}],"constraints":{"max_cost_usd":300,"hours_per_month":10,"start":"2027-01"}}`
		code, out, errOut := runCLI(t, req, "plan", "--index", dir, "--json", "--request", "-")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var plan struct {
			Steps []struct {
				ID    string `json:"id"`
				Month string `json:"month"`
			} `json:"steps"`
			Covered   []string `json:"covered"`
			Uncovered []string `json:"uncovered"`
			Optimal   bool     `json:"optimal"`
		}
		decodeOne(t, out, &plan)
		if len(plan.Steps) == 0 || len(plan.Covered) != 1 || plan.Covered[0] != "UDL:7" || plan.Steps[0].Month < "2027-01" {
			t.Errorf("plan = %s", out)
		}
	})

	t.Run("an API request body given as the profile gets a hint", func(t *testing.T) {
		code, _, errOut := runCLI(t, `{"profile": {"goals": "x"}, "limit": 3}`, "recommend", "--index", dir, "--profile", "-")
		if code != 1 || !strings.Contains(errOut, "looks like an API request body") || !strings.Contains(errOut, "--profile takes the profile itself") {
			t.Errorf("exit %d, stderr %q; want 1 with the hint", code, errOut)
		}
		// A profile's own mistakes get no such hint.
		if _, _, errOut := runCLI(t, `{"goal": "x"}`, "recommend", "--index", dir, "--profile", "-"); strings.Contains(errOut, "request body") {
			t.Errorf("hint on a plain profile mistake: %q", errOut)
		}
	})

	t.Run("plan request mistakes exit 2 naming the target", func(t *testing.T) {
		for _, tc := range []struct{ req, want string }{
			{`{"targets":[{"framework":"FFTX","code":"3b"}]}`, "FFTX"},
			{`{"targets":[{"framework":"UDL","code":"7.9"}]}`, "7.9"},
			{`{"constraints":{"hours_per_month":-1}}`, "hours_per_month"},
		} {
			code, _, errOut := runCLI(t, tc.req, "plan", "--index", dir, "--request", "-")
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("%s: exit %d, stderr %q; want 2 naming %s", tc.req, code, errOut, tc.want)
			}
		}
	})

	t.Run("plan text shows what is not covered and why", func(t *testing.T) {
		req := `{"targets":[{"framework":"UDL","code":"7"}],"goal_credentials":["retired-long-ago"],"constraints":{"start":"2027-01"}}`
		code, out, errOut := runCLI(t, req, "plan", "--index", dir, "--request", "-")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "not covered: retired-long-ago") || !strings.Contains(out, "retired-long-ago is not in the catalog") {
			t.Errorf("text output hides the uncovered reasons:\n%s", out)
		}
	})

	t.Run("eval reports every ranker", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "eval", "--index", dir, "--json", "--judgments", filepath.Join("..", "..", "datasets", "eval", "judgments.jsonl"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep struct {
			Cases   int                           `json:"cases"`
			K       int                           `json:"k"`
			Rankers map[string]map[string]float64 `json:"rankers"`
		}
		decodeOne(t, out, &rep)
		for _, name := range []string{"bm25", "popularity", "semantic", "competency", "pdpath"} {
			if _, ok := rep.Rankers[name]; !ok {
				t.Errorf("ranker %s missing: %s", name, out)
			}
		}
		if rep.Cases < 50 || rep.K != 10 {
			t.Errorf("cases %d k %d", rep.Cases, rep.K)
		}
		// The full ranker must beat plain search by the margin the
		// project promises on its own judgments.
		if pd, bm := rep.Rankers["pdpath"]["ndcg"], rep.Rankers["bm25"]["ndcg"]; pd < 1.3*bm {
			t.Errorf("pdpath nDCG@10 %.4f < 1.3 × bm25 %.4f", pd, bm)
		}
	})

	t.Run("eval lists every case, worst first", func(t *testing.T) {
		judgments := filepath.Join("..", "..", "datasets", "eval", "judgments.jsonl")
		code, out, errOut := runCLI(t, "", "eval", "--index", dir, "--json", "--cases", "--ranker", "pdpath", "--judgments", judgments)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep struct {
			Cases   int                           `json:"cases"`
			Rankers map[string]map[string]float64 `json:"rankers"`
			PerCase []struct {
				ID      string                        `json:"id"`
				Line    int                           `json:"line"`
				Rankers map[string]map[string]float64 `json:"rankers"`
			} `json:"per_case"`
		}
		decodeOne(t, out, &rep)
		if len(rep.Rankers) != 2 || len(rep.PerCase) != rep.Cases || rep.PerCase[0].ID != "case-01" || rep.PerCase[0].Line != 1 {
			t.Fatalf("rankers %v, %d per-case rows for %d cases", rep.Rankers, len(rep.PerCase), rep.Cases)
		}
		var sum float64
		for _, c := range rep.PerCase {
			sum += c.Rankers["pdpath"]["ndcg"]
		}
		if mean := sum / float64(rep.Cases); math.Abs(mean-rep.Rankers["pdpath"]["ndcg"]) > 1e-3 {
			t.Errorf("per-case mean %.4f, report %.4f", mean, rep.Rankers["pdpath"]["ndcg"])
		}
		code, out, errOut = runCLI(t, "", "eval", "--index", dir, "--cases", "--ranker", "pdpath", "--judgments", judgments)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var scores []float64
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) == 6 && strings.HasPrefix(f[0], "case-") {
				v, err := strconv.ParseFloat(f[2], 64)
				if err != nil {
					t.Fatalf("line %q: %v", line, err)
				}
				scores = append(scores, v)
			}
		}
		if len(scores) != rep.Cases || !slices.IsSorted(scores) {
			t.Errorf("text listing has %d case rows (want %d, worst first):\n%s", len(scores), rep.Cases, out)
		}
		if code, _, errOut := runCLI(t, "", "eval", "--index", dir, "--ranker", "nope", "--judgments", judgments); code != 2 || !strings.Contains(errOut, "nope") {
			t.Errorf("unknown ranker: exit %d, %s", code, errOut)
		}
	})
}

func TestCLIUsageAndFailures(t *testing.T) {
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "no-index")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
		// stderr holds every one of these; once, each of these once only.
		stderr []string
		once   []string
	}{
		{name: "no command", args: nil, want: 2, stderr: []string{"serve the HTTP API and the web pages"}},
		{name: "unknown command", args: []string{"frobnicate"}, want: 2},
		{name: "ingest without input", args: []string{"ingest"}, want: 2},
		{name: "bad flag value is said once", args: []string{"search", "--limit", "x", "q"}, want: 2,
			once: []string{`invalid value "x" for flag -limit`}, stderr: []string{"pdpath search -h"}},
		{name: "unknown flag is said once", args: []string{"recommend", "--profle", "p.json"}, want: 2,
			once: []string{"flag provided but not defined: -profle"}},
		{name: "recommend without profile", args: []string{"recommend"}, want: 2},
		{name: "serve on a port out of range", args: []string{"serve", "--index", t.TempDir(), "--addr", "127.0.0.1:99999"}, want: 2,
			stderr: []string{"addr", "port 99999 is out of range"}},
		{name: "serve on an address without a port", args: []string{"serve", "--index", t.TempDir(), "--addr", "127.0.0.1"}, want: 2,
			stderr: []string{"addr", "is not HOST:PORT"}},
		{name: "serve on a port that is not a number", args: []string{"serve", "--index", t.TempDir(), "--addr", "127.0.0.1:80x"}, want: 2,
			stderr: []string{"addr", `port "80x" is not a number`}},
		{name: "pprof on a bad port", args: []string{"serve", "--index", t.TempDir(), "--pprof", "127.0.0.1:-1"}, want: 2,
			stderr: []string{"pprof", "-1"}},
		{name: "missing input path", args: []string{"ingest", "--index", t.TempDir(), "/no/such/feed.csv"}, want: 1},
		{name: "recommend on empty catalog", args: []string{"recommend", "--index", t.TempDir(), "--profile", os.DevNull}, want: 1},
		{name: "ingest of an empty folder fails", args: []string{"ingest", "--index", t.TempDir(), empty}, want: 1,
			stderr: []string{empty, "no feed files"}},
		{name: "ingest of an unreachable URL fails", args: []string{"ingest", "--index", t.TempDir(), "http://127.0.0.1:1/feed.json"}, want: 1,
			stderr: []string{"nothing imported", "http://127.0.0.1:1/feed.json"}},
		{name: "search on a missing index", args: []string{"search", "--index", missing, "math"}, want: 1,
			stderr: []string{missing, "does not exist", "pdpath ingest"}},
		{name: "profile syntax error names line and column", stdin: "{\n  \"goals\": \"x\",\n}\n",
			args: []string{"recommend", "--index", t.TempDir(), "--profile", "-"}, want: 1,
			stderr: []string{"standard input: line 3, column 1"}},
		{name: "plan request syntax error names line and column", stdin: "{\"targets\": [\n  {\"framework\": UDL}]}",
			args: []string{"plan", "--index", t.TempDir(), "--request", "-"}, want: 1,
			stderr: []string{"line 2, column 17"}},
		{name: "help points to the reference", args: []string{"recommend", "-h"}, want: 0,
			stderr: []string{"recommender/README.md"}},
		{name: "serve help points to the API reference", args: []string{"serve", "-h"}, want: 0,
			stderr: []string{"api/README.md", "/openapi.json"}},
		{name: "serve help says what the store holds", args: []string{"serve", "-h"}, want: 0,
			stderr: []string{"catalog of record", "API keys", "feeds and their sync runs", "saved pathways"}},
		{name: "keys help says what the store holds", args: []string{"keys", "create", "-h"}, want: 0,
			stderr: []string{"catalog of record", "feeds and their runs"}},
		{name: "ingest help points to the feed reference", args: []string{"ingest", "-h"}, want: 0,
			stderr: []string{"indexer/README.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.want, errOut)
			}
			for _, s := range append(tt.stderr, tt.once...) {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			for _, s := range tt.once {
				if n := strings.Count(errOut, s); n > 1 {
					t.Errorf("stderr says %q %d times:\n%s", s, n, errOut)
				}
			}
			// Every README a message points to is in the repository.
			for _, doc := range readmeRef.FindAllString(errOut, -1) {
				if _, err := os.Stat(filepath.Join("..", "..", doc)); err != nil {
					t.Errorf("stderr points to %s, which the repository does not hold", doc)
				}
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("search on a missing index created %s (stat: %v)", missing, err)
	}
}

// Every command's -h points to a README the repository holds.
func TestEveryCommandHelpPointsToAReadme(t *testing.T) {
	for _, cmd := range []string{"ingest", "search", "show", "unlocks", "recommend", "plan", "eval", "serve", "keys"} {
		t.Run(cmd, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", cmd, "-h")
			if code != 0 {
				t.Errorf("exit %d, want 0", code)
			}
			docs := readmeRef.FindAllString(errOut, -1)
			if len(docs) == 0 {
				t.Fatalf("%s -h names no README:\n%s", cmd, errOut)
			}
			for _, doc := range docs {
				if _, err := os.Stat(filepath.Join("..", "..", doc)); err != nil {
					t.Errorf("%s -h points to %s, which the repository does not hold", cmd, doc)
				}
			}
		})
	}
}

// readmeRef finds a repository README named in a message.
var readmeRef = regexp.MustCompile(`\b(?:[a-z]+/)*README\.md\b`)

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		code, out, _ := runCLI(t, "", arg)
		if code != 0 || !strings.HasPrefix(out, "pdpath ") || !strings.Contains(out, "go1.") {
			t.Errorf("%s: exit %d, stdout %q", arg, code, out)
		}
	}
	defer func(v string) { version = v }(version)
	version = "v1.2.3"
	if _, out, _ := runCLI(t, "", "--version"); !strings.HasPrefix(out, "pdpath v1.2.3") {
		t.Errorf("the version set at build time is not printed: %q", out)
	}
}

func TestIngestListsPossibleDuplicates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	code, out, errOut := runCLI(t, "", "ingest", "--index", dir, filepath.Join("..", "..", "datasets", "catalog"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The bundled catalog holds two known pairs published by two issuers.
	pairs := [][]string{
		{"ce-e84715dd-0a5d-4b49-8bc7-53fd69146245", "ts-partner-lsu-coaching-cycle"},
		{"https://badges.mesaverde.example.edu/badgeclasses/orchestrating-math-discussions", "ts-partner-mv-math-discourse"},
	}
	for _, p := range pairs {
		if line := p[0] + " ~ " + p[1]; !strings.Contains(out, line) {
			t.Errorf("ingest output lacks the duplicate pair %q:\n%s", line, out)
		}
	}
	// --json lists them too (a re-run changes nothing, and still says so).
	code, out, errOut = runCLI(t, "", "ingest", "--json", "--index", dir, filepath.Join("..", "..", "datasets", "catalog"))
	var rep struct {
		PossibleDuplicates int        `json:"possible_duplicates"`
		Duplicates         [][]string `json:"duplicates"`
	}
	decodeOne(t, out, &rep)
	if code != 0 || rep.PossibleDuplicates != 4 || !reflect.DeepEqual(rep.Duplicates, pairs) {
		t.Errorf("exit %d (%s), --json duplicates %d %v, want 4 %v", code, errOut, rep.PossibleDuplicates, rep.Duplicates, pairs)
	}
}

// TestBuiltBinary builds pdpath as the Makefile does, stamping a version,
// and runs it as a user would: the stamped version, a bad flag said once,
// and a reader that leaves no index behind.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "pdpath")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v9.9.9-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	missing := filepath.Join(t.TempDir(), "no-index")
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string
		stderr string
		once   string
	}{
		{name: "version", args: []string{"--version"}, want: 0, stdout: "pdpath v9.9.9-test"},
		{name: "bad flag", args: []string{"search", "--limit", "x", "q"}, want: 2, once: `invalid value "x" for flag -limit`},
		{name: "missing index", args: []string{"search", "--index", missing, "q"}, want: 1, stderr: "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			cmd := exec.Command(bin, tt.args...)
			cmd.Stdout, cmd.Stderr = &out, &errOut
			cmd.Env = append(os.Environ(), "PDPATH_INDEX=", "PDPATH_ADDR=")
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.want || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q", code, tt.want, out.String(), errOut.String())
			}
			if tt.once != "" && strings.Count(errOut.String(), tt.once) != 1 {
				t.Errorf("stderr says %q %d times, want once:\n%s", tt.once, strings.Count(errOut.String(), tt.once), errOut.String())
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("search created the missing index %s", missing)
	}
}
