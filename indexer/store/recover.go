package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/pdpath/pdpath/indexer/index"
)

// ErrCorrupt marks a generation whose files are damaged: its records
// (state.json) or its index. Errors wrapping it name the file at fault.
var ErrCorrupt = errors.New("store: corrupt generation")

// Health says what the catalog found wrong with its generations on disk.
type Health struct {
	// Ready is false while damage found in the generation being served
	// has not been replaced by a sound generation.
	Ready bool
	// Fallbacks counts the times this process passed over a corrupt
	// generation for an older complete one.
	Fallbacks int64
	// Corrupt says which generation was last found corrupt and why; ""
	// when none was.
	Corrupt string
	// Serving names the live generation: older than CURRENT names while
	// CURRENT's is corrupt, until the next ingest writes a sound one.
	Serving string
}

// Health reports the catalog's health.
func (c *Catalog) Health() Health {
	c.healthMu.Lock()
	defer c.healthMu.Unlock()
	h := Health{Ready: !c.unready, Fallbacks: c.fallbacks, Corrupt: c.corrupt}
	if g := c.cur.Load(); g != nil {
		h.Serving = g.name
	}
	return h
}

func (c *Catalog) setReady(ready bool) {
	c.healthMu.Lock()
	c.unready = !ready
	c.healthMu.Unlock()
}

// noteCorrupt records that generation name was found corrupt.
func (c *Catalog) noteCorrupt(name string, err error) {
	c.healthMu.Lock()
	c.fallbacks++
	c.corrupt = fmt.Sprintf("%s: %v", name, err)
	c.badGen = name
	c.healthMu.Unlock()
}

func (c *Catalog) knownBad(name string) bool {
	c.healthMu.Lock()
	defer c.healthMu.Unlock()
	return name != "" && name == c.badGen
}

// generations lists the generation folders in dir, newest first.
func generations(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var gens []string
	for _, e := range entries {
		if _, ok := generationVersion(e.Name()); ok && e.IsDir() {
			gens = append(gens, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(gens)))
	return gens
}

// older lists the generations before bad (all of them when bad is not a
// generation name), newest first.
func older(dir, bad string) []string {
	limit, ok := generationVersion(bad)
	var out []string
	for _, g := range generations(dir) {
		if v, _ := generationVersion(g); !ok || v < limit {
			out = append(out, g)
		}
	}
	return out
}

// fallback loads the newest complete generation before bad, after bad was
// found corrupt with cause. It logs which one it serves.
func (c *Catalog) fallback(bad string, cause error) (*generation, error) {
	c.noteCorrupt(bad, cause)
	problems := []string{fmt.Sprintf("%s: %v", bad, cause)}
	for _, name := range older(c.dir, bad) {
		gen, err := loadGeneration(c.dir, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		c.log.Error("catalog generation is corrupt; serving the last complete one until the next ingest rebuilds",
			"corrupt", bad, "err", cause, "serving", name, "version", gen.snap.Version)
		return gen, nil
	}
	return nil, fmt.Errorf("%w: no complete generation in %s to fall back to: %s", ErrCorrupt, c.dir, strings.Join(problems, "; "))
}

// Check verifies the files of the live generation now and, if they are
// damaged, falls back to the last complete generation. It returns the
// damage found (nil when none). Searches call it when the index fails
// under them; operators may call it at any time.
func (c *Catalog) Check(ctx context.Context) error {
	g := c.cur.Load()
	if g == nil || g.ix == nil {
		return nil
	}
	return c.recheck(g)
}

// recheck verifies generation g, which failed a search or is being
// checked, and replaces it when it is damaged and still live.
func (c *Catalog) recheck(g *generation) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	if c.cur.Load() != g {
		return nil // already replaced
	}
	if c.knownBad(g.name) {
		// Found damaged before with nothing to fall back to: do not
		// verify and search the disk again on every failing request.
		return fmt.Errorf("%w: generation %s, as found before", ErrCorrupt, g.name)
	}
	err := index.Verify(filepath.Join(c.dir, g.name, bleveDir))
	if err == nil {
		return nil
	}
	err = fmt.Errorf("%w: generation %s: %w", ErrCorrupt, g.name, err)
	c.setReady(false)
	gen, ferr := c.fallback(g.name, err)
	if ferr != nil {
		c.log.Error("catalog is corrupt and no complete generation is left; run `pdpath ingest` to rebuild", "err", ferr)
		return err
	}
	c.swap(gen)
	c.setReady(true)
	return err
}

// guarded runs a search on g's index, turning a panic or a memory fault
// (a segment file cut short under its mapping) into an error, and checks
// the generation's files when the search fails.
func guarded[T any](c *Catalog, ctx context.Context, g *generation, search func(*index.Index) (T, error)) (out T, err error) {
	run := func(g *generation) (out T, err error) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("store: search on generation %s failed: %v", g.name, p)
			}
		}()
		return search(g.ix)
	}
	out, err = run(g)
	if err == nil || ctx.Err() != nil {
		return out, err
	}
	if c.recheck(g) == nil {
		return out, err
	}
	// The generation was damaged and replaced: answer from the one now
	// live.
	if next := c.cur.Load(); next != nil && next != g && next.ix != nil {
		return run(next)
	}
	return out, err
}
