// Command pdpath is the command-line face of pdpath: it imports issuer feeds
// into the catalog, searches it, recommends credentials to an educator, plans
// pathways, measures the rankers offline and serves the HTTP API. It is the
// only place that reads flags and environment and wires the packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one pdpath subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"ingest", "import feed files, folders or URLs into the catalog", runIngest},
	{"search", "plain full-text search of the catalog", runSearch},
	{"show", "one catalog item, every field", runShow},
	{"unlocks", "what earning a credential opens: next items, stacks, pathways", runUnlocks},
	{"recommend", "ranked suggestions for one educator, with reasons", runRecommend},
	{"plan", "a pathway: which credentials, in what order, when", runPlan},
	{"eval", "offline quality of every ranker against graded judgments", runEval},
	{"serve", "serve the HTTP API and the web pages", runServe},
	{"keys", "create, list and revoke API keys", runKeys},
}

// env carries the process's streams so commands are testable in-process.
type env struct {
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
	getenv func(string) string
}

// usageError marks a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// run executes one command line and returns the exit status: 0 success,
// 1 failure, 2 bad usage.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" || args[0] == "version" {
		fmt.Fprintln(e.stdout, versionLine())
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		if err == nil {
			return 0
		}
		if errors.Is(err, errHelp) {
			return 0
		}
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(e.stderr, "pdpath %s: %v\n", c.name, err)
			return 2
		}
		fmt.Fprintf(e.stderr, "pdpath %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(e.stderr, "pdpath: unknown command %q\n\n", args[0])
	printUsage(e.stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: pdpath COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command accepts --json (one JSON document on stdout) and -h for its flags;")
	fmt.Fprintln(w, "pdpath --version prints the version. Settings: flag, else environment, else default.")
	fmt.Fprintln(w, "Reference: README.md, and the README.md in indexer/ (feeds), recommender/ (profile,")
	fmt.Fprintln(w, "plan request, judgments) and api/ (HTTP API) of the pdpath repository.")
}
