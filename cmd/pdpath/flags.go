package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/index"
	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
)

var errHelp = errors.New("help shown")

// flagSet wraps flag.FlagSet with the settings every command shares.
type flagSet struct {
	*flag.FlagSet
	env   *env
	json  bool
	index string
	store string
	usage string
	// docs names the README that describes the command's inputs and
	// output, printed at the end of -h.
	docs string
}

func newFlagSet(e *env, name, usage string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), env: e, usage: usage}
	// The flag package would print a parse error and the whole usage, and
	// run prints the error again: parse stays quiet and run says it once.
	fs.SetOutput(io.Discard)
	fs.BoolVar(&fs.json, "json", false, "print exactly one JSON document on stdout")
	fs.Usage = func() {}
	return fs
}

// printUsage prints the command's usage line, its flags and where its
// input shapes are described (see docs).
func (fs *flagSet) printUsage() {
	w := fs.env.stderr
	fmt.Fprintf(w, "usage: pdpath %s %s\n\nflags:\n", fs.Name(), fs.usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if fs.docs != "" {
		fmt.Fprintf(w, "\n%s\n", fs.docs)
	}
}

// indexFlag adds --index with its environment variable and default.
func (fs *flagSet) indexFlag() {
	fs.StringVar(&fs.index, "index", "", "index directory (env PDPATH_INDEX, default ./var/index)")
}

// storeFlag adds --store, where the shared state (the catalog of record,
// keys, feeds and runs, saved pathways) lives.
func (fs *flagSet) storeFlag() {
	fs.StringVar(&fs.store, "store", "", "where the shared state lives (the catalog of record, API keys, feeds and their runs, saved pathways): postgres://USER@HOST:PORT/DB for PostgreSQL (env PDPATH_STORE; default: files in the index directory)")
}

// storeURL returns the store setting: flag, else environment, else "" (the
// embedded files).
func (fs *flagSet) storeURL() string {
	return setting(fs.store, fs.env.getenv("PDPATH_STORE"), "")
}

// indexDir returns the index directory: flag, else environment, else default.
func (fs *flagSet) indexDir() string {
	return setting(fs.index, fs.env.getenv("PDPATH_INDEX"), "./var/index")
}

func setting(flagValue, envValue, def string) string {
	if flagValue != "" {
		return flagValue
	}
	if envValue != "" {
		return envValue
	}
	return def
}

// parse parses flags that may stand before, between or after positional
// arguments, and checks the positional count.
func (fs *flagSet) parse(args []string, minPos, maxPos int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printUsage()
				return nil, errHelp
			}
			return nil, usagef("%v (pdpath %s -h lists the flags)", err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < minPos || (maxPos >= 0 && len(pos) > maxPos) {
		return nil, usagef("usage: pdpath %s %s", fs.Name(), fs.usage)
	}
	return pos, nil
}

// logger returns the structured logger for stderr.
func (fs *flagSet) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(fs.env.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// writeJSON prints v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// oneLine shortens s for a table cell.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > n {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s
}

// openCatalog opens the index for a command that reads a non-empty
// catalog. A missing index directory is an error, not created: a reader
// that created it would leave an empty index behind a typo.
func openCatalog(ctx context.Context, fs *flagSet) (*store.Catalog, error) {
	dir := fs.indexDir()
	if _, err := os.Stat(dir); errors.Is(err, iofs.ErrNotExist) {
		return nil, fmt.Errorf("index %s does not exist: import a catalog first with `pdpath ingest --index %s FEED...` (make run imports datasets/catalog)", dir, dir)
	}
	index.SetLogger(fs.logger())
	cat, err := store.Open(ctx, dir, store.Options{Logger: fs.logger()})
	if err != nil {
		return nil, err
	}
	if cat.Version() == 0 {
		cat.Close()
		return nil, fmt.Errorf("index %s: %w", dir, store.ErrEmpty)
	}
	return cat, nil
}

// openEngine opens the catalog and builds the recommender's model from it.
func openEngine(ctx context.Context, fs *flagSet) (*store.Catalog, *recommender.Engine, error) {
	cat, err := openCatalog(ctx, fs)
	if err != nil {
		return nil, nil, err
	}
	eng := recommender.New(recommender.Options{Searcher: cat, Logger: fs.logger(), ModelDir: cat.GenerationDir,
		SwapLogLevel: slog.LevelDebug})
	if err := eng.Rebuild(ctx, cat.Snapshot()); err != nil {
		cat.Close()
		return nil, nil, err
	}
	return cat, eng, nil
}

// saveModel builds the recommender's model of a new catalog generation and
// keeps it in the generation's folder (store.Options.Derive), so servers and
// commands open it instead of building it on every start.
func saveModel(ctx context.Context, dir string, snap *catalog.Snapshot) error {
	m, err := recommender.BuildModel(ctx, snap, recommender.BuildOptions{})
	if err != nil {
		return err
	}
	return m.Save(dir)
}
