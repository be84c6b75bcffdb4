package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/feeds"
	"github.com/pdpath/pdpath/indexer/fetch"
	"github.com/pdpath/pdpath/indexer/frameworks"
	"github.com/pdpath/pdpath/indexer/index"
)

// Input is one feed document already in memory: Source names it (a path or
// URL) in reports and provenance.
type Input struct {
	Source string
	Data   []byte
	// Owner is who publishes through this source: "" for the operator
	// (files and URLs given to `pdpath ingest`), an API key id for an
	// aggregator's feed. Each owner's source is its own even when two
	// owners name the same URL, and an item one owner publishes cannot
	// be changed or retired through another owner's source.
	Owner string
	// Drop removes the source: everything it published is retired
	// unless another source of the same owner still publishes it. Data
	// is ignored.
	Drop bool
	// AdoptUnowned moves an owner-less source named by Source alone, as
	// catalogs written before sources had owners named feeds, to Owner,
	// so the feed keeps managing the items it published then. Only a
	// caller that knows the feed existed then may set it.
	AdoptUnowned bool
}

// key is how the catalog names the source: the operator's URLs as given
// and files by absolute path (so the same file reached from another folder
// is one source); an owner's source by the owner and the URL.
func (in Input) key() string {
	if in.Owner != "" {
		return OwnedSourceKey(in.Owner, in.Source)
	}
	return SourceKey(in.Source)
}

// ownedPrefix starts the provenance key of an owner's source.
const ownedPrefix = "owner:"

// OwnedSourceKey is how provenance names a source an owner (an
// aggregator's key id) publishes: the owner and the URL as given.
func OwnedSourceKey(owner, source string) string {
	return ownedPrefix + owner + " " + source
}

// SplitSourceKey reads a provenance key back: the owner (empty for the
// operator's files and URLs) and the source, a URL or a file path.
func SplitSourceKey(key string) (owner, source string) {
	if rest, ok := strings.CutPrefix(key, ownedPrefix); ok {
		if owner, source, ok := strings.Cut(rest, " "); ok {
			return owner, source
		}
	}
	return "", key
}

// feedExtensions are the file endings read when walking a folder; a file
// named explicitly is always read, whatever its name.
var feedExtensions = []string{".json", ".jsonld", ".jsonl", ".ndjson", ".csv"}

// ErrNoInput is returned when a path given to Ingest does not exist.
var ErrNoInput = derrors.New(derrors.NotFound, "store: no such input")

// Ingest reads feed files, folders (recursively) and http(s) URLs and syncs
// them into the catalog. A path that does not exist, or a folder without
// feed files, is an error and nothing is ingested; a file or URL that
// cannot be read or parsed is reported in Report.Rejected and the other
// inputs still land.
func (c *Catalog) Ingest(ctx context.Context, paths []string) (catalog.Report, error) {
	inputs, unread, err := c.ReadInputs(ctx, paths)
	if err != nil {
		return catalog.Report{}, err
	}
	rep, err := c.IngestInputs(ctx, inputs)
	unread.AddTo(&rep)
	return rep, err
}

// Unread is what ReadInputs did not turn into inputs: files and URLs that
// could not be read (rejections naming no record) and files met while
// walking a folder that are not feed files (a README, an image).
type Unread struct {
	Rejected []catalog.Rejection
	Skipped  []catalog.Skipped
}

// AddTo puts u in front of the ingest report's rejections and skips.
func (u Unread) AddTo(rep *catalog.Report) {
	rep.Rejected = append(append([]catalog.Rejection{}, u.Rejected...), rep.Rejected...)
	if len(u.Skipped) > 0 {
		rep.Skipped = append(append([]catalog.Skipped{}, u.Skipped...), rep.Skipped...)
	}
}

// ReadInputs reads feed files, folders (recursively) and http(s) URLs
// into memory, each Input named as given. A path that does not exist
// is an error; a file or URL that cannot be read is returned as a
// rejection and the others are read; a file in a folder that is not a
// feed file (by its extension) is returned as skipped, with the reason.
func (c *Catalog) ReadInputs(ctx context.Context, paths []string) ([]Input, Unread, error) {
	var unread Unread
	var files []string
	var urls []string
	for _, p := range paths {
		if isURL(p) {
			urls = append(urls, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, Unread{}, fmt.Errorf("%w: %s", ErrNoInput, p)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		before := len(files)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			switch ext := strings.ToLower(filepath.Ext(name)); {
			case d.IsDir():
			case !d.Type().IsRegular():
				unread.Skipped = append(unread.Skipped, catalog.Skipped{Source: path, Reason: "not a feed file: not a regular file"})
			case slices.Contains(feedExtensions, ext):
				files = append(files, path)
			case ext == "":
				unread.Skipped = append(unread.Skipped, catalog.Skipped{Source: path, Reason: "not a feed file: no extension"})
			default:
				unread.Skipped = append(unread.Skipped, catalog.Skipped{Source: path, Reason: "not a feed file: extension " + ext})
			}
			return nil
		})
		if err != nil {
			return nil, Unread{}, fmt.Errorf("store: walk %s: %w", p, err)
		}
		if len(files) == before {
			return nil, Unread{}, fmt.Errorf("%w: folder %s holds no feed files (%s)", ErrNoInput, p, strings.Join(feedExtensions, ", "))
		}
	}

	var inputs []Input
	total := len(files) + len(urls)
	for i, f := range files {
		data, err := readLimited(f)
		if err != nil {
			unread.Rejected = append(unread.Rejected, catalog.Rejection{Source: f, Error: err.Error()})
		} else {
			inputs = append(inputs, Input{Source: f, Data: data})
		}
		c.progress("reading", i+1, total)
	}
	for i, u := range urls {
		resp, err := c.opts.Fetcher.Get(ctx, u, fetch.Conditional{})
		if err != nil {
			unread.Rejected = append(unread.Rejected, catalog.Rejection{Source: u, Error: err.Error()})
		} else {
			inputs = append(inputs, Input{Source: u, Data: resp.Data})
		}
		c.progress("reading", len(files)+i+1, total)
	}
	return inputs, unread, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// readLimited reads a file, refusing one over feeds.MaxFileBytes before
// reading it.
func readLimited(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if info.Size() > feeds.MaxFileBytes {
		return nil, fmt.Errorf("file is %d bytes, over the %d-byte limit for one feed file; split it", info.Size(), feeds.MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return data, nil
}

func (c *Catalog) progress(phase string, done, total int) {
	if c.opts.Progress != nil {
		c.opts.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

// IngestInputs syncs documents already in memory into the catalog (a pushed
// upload, a fetched feed). Each Input is one source: a credential that a
// source published before and no longer does is retired, unless another
// source still publishes it or the source had rejected records this run
// (a bad record must not silently retire a good credential).
func (c *Catalog) IngestInputs(ctx context.Context, inputs []Input) (catalog.Report, error) {
	rep := catalog.Report{Rejected: []catalog.Rejection{}}
	lock, err := acquireWriter(ctx, c.dir)
	if err != nil {
		return rep, err
	}
	defer lock.release()
	c.removePartial()

	baseName, base, rebuild, err := c.pickBase()
	if err != nil {
		return rep, err
	}
	current, _ := readCurrent(c.dir)
	// A base other than CURRENT's generation, or one whose index is
	// damaged, is a recovery: this ingest writes a sound generation even
	// if its inputs change nothing.
	recovering := baseName != current || rebuild

	results := c.parseAll(ctx, inputs)
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("store: ingest interrupted: %w", err)
	}
	m, err := newMerge(base, c.opts.Now().UTC())
	if err != nil {
		return rep, err
	}
	for i, r := range results {
		m.add(inputs[i], r)
	}
	next, changes := m.finish(&rep)
	rep.CatalogVersion = base.Version

	if !changes.any() && !recovering {
		// Nothing the catalog shows changed; remember when the sources
		// were seen without making a new version.
		if baseName != "" {
			if err := writeState(filepath.Join(c.dir, baseName), next); err != nil {
				return rep, err
			}
		}
		_, err := c.Refresh(ctx)
		return rep, err
	}
	// Past every generation on disk, a corrupt one included: a version
	// number is never reused for different content.
	next.Version = base.Version + 1
	for _, g := range generations(c.dir) {
		if v, _ := generationVersion(g); v >= next.Version {
			next.Version = v + 1
		}
	}
	if err := c.writeGeneration(ctx, baseName, next, changes, m.reg, rebuild); err != nil {
		return rep, err
	}
	rep.CatalogVersion = next.Version
	c.log.Info("catalog ingested", "version", next.Version, "added", rep.Added, "updated", rep.Updated, "retired", rep.Retired, "rejected", len(rep.Rejected))
	c.removeOld(genName(next.Version))
	return rep, c.install(genName(next.Version), next, m.reg)
}

// SourceKey is how provenance names a source: URLs as given, files by
// absolute path so the same file reached from another folder is one source.
func SourceKey(source string) string {
	if isURL(source) {
		return source
	}
	if abs, err := filepath.Abs(source); err == nil {
		return abs
	}
	return source
}

// parseAll parses inputs on every core; results keep the inputs' order.
func (c *Catalog) parseAll(ctx context.Context, inputs []Input) []feeds.Result {
	results := make([]feeds.Result, len(inputs))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, in := range inputs {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if in.Drop {
				results[i] = feeds.Result{}
			} else {
				results[i] = feeds.Parse(in.Source, in.Data)
			}
			mu.Lock()
			done++
			c.progress("parsing", done, len(inputs))
			mu.Unlock()
		}()
	}
	wg.Wait()
	return results
}

// writeGeneration builds generation next.Version beside the live one and
// makes it live. Until the final rename of CURRENT nothing readers see has
// changed; a crash leaves a tmp- folder that the next ingest removes.
func (c *Catalog) writeGeneration(ctx context.Context, baseName string, next *state, ch changeSet, reg *frameworks.Registry, rebuild bool) error {
	tmp, err := os.MkdirTemp(c.dir, tmpPrefix)
	if err != nil {
		return fmt.Errorf("store: create generation folder: %w", err)
	}
	byID := make(map[string]*catalog.Credential, len(next.Credentials))
	for _, cr := range next.Credentials {
		byID[cr.ID] = cr
	}
	ixDir := filepath.Join(tmp, bleveDir)
	var ix *index.Index
	put, del := ch.put, ch.del
	if rebuild {
		err = fmt.Errorf("the index of %s is damaged", baseName)
	} else if baseName != "" {
		if err := copyDir(filepath.Join(c.dir, baseName, bleveDir), ixDir); err != nil {
			return fmt.Errorf("store: copy index of %s: %w", baseName, err)
		}
		ix, err = index.Open(ixDir, reg.Parent)
	}
	if baseName == "" || err != nil {
		if err != nil {
			c.log.Warn("rebuilding index from records", "reason", err)
			os.RemoveAll(ixDir)
		}
		put, del = nil, nil
		for _, cr := range next.Credentials {
			if cr.Active() {
				put = append(put, cr.ID)
			}
		}
		if ix, err = index.Create(ixDir, reg.Parent); err != nil {
			return err
		}
	}
	docs := make([]*catalog.Credential, len(put))
	for i, id := range put {
		docs[i] = byID[id]
	}
	c.progress("indexing", 0, len(docs)+len(del))
	err = ix.Apply(ctx, docs, del, next.Version, func(done, total int) { c.progress("indexing", done, total) })
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := writeState(tmp, next); err != nil {
		return err
	}
	if c.opts.Derive != nil {
		snap := &catalog.Snapshot{Version: next.Version, Credentials: next.Credentials, Frameworks: reg.Frameworks()}
		if err := c.opts.Derive(ctx, tmp, snap); err != nil {
			return fmt.Errorf("store: derive files of catalog version %d: %w", next.Version, err)
		}
	}
	final := filepath.Join(c.dir, genName(next.Version))
	os.RemoveAll(final) // a folder of that name can only be a stale leftover
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("store: install generation: %w", err)
	}
	if err := syncDir(c.dir); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(c.dir, currentFile), func(f *os.File) error {
		_, err := f.WriteString(genName(next.Version) + "\n")
		return err
	})
}

// pickBase chooses the generation the next one builds on: CURRENT's when
// its records are sound, else the newest older one whose records are.
// rebuild is set when the chosen generation's index is damaged, so the
// next one is indexed from its records rather than copied.
func (c *Catalog) pickBase() (name string, st *state, rebuild bool, err error) {
	current, cerr := readCurrent(c.dir)
	if cerr == nil && current == "" && len(generations(c.dir)) == 0 {
		return "", &state{Sources: map[string]*SourceInfo{}}, false, nil
	}
	candidates := []string{current}
	if cerr != nil || current == "" {
		candidates = generations(c.dir)
	} else {
		candidates = append(candidates, older(c.dir, current)...)
	}
	var problems []string
	if cerr != nil {
		problems = append(problems, cerr.Error())
	}
	for _, name := range candidates {
		st, err := loadState(filepath.Join(c.dir, name))
		if err != nil {
			c.log.Error("generation is corrupt; building on an older one", "generation", name, "err", err)
			problems = append(problems, err.Error())
			continue
		}
		if err := index.Verify(filepath.Join(c.dir, name, bleveDir)); err != nil {
			c.log.Error("index of a generation is damaged; rebuilding it from the records", "generation", name, "err", err)
			rebuild = true
		}
		if name != current {
			c.log.Warn("rebuilding the catalog from the last complete generation", "base", name, "current", current)
		}
		return name, st, rebuild, nil
	}
	return "", nil, false, fmt.Errorf("store: no generation with sound records in %s: %s", c.dir, strings.Join(problems, "; "))
}

// registryFor returns the bundled frameworks plus those the state imported.
func registryFor(st *state) (*frameworks.Registry, error) {
	reg, err := frameworks.Bundled()
	if err != nil {
		return nil, fmt.Errorf("store: bundled frameworks: %w", err)
	}
	for _, f := range st.Frameworks {
		reg.Add(*f)
	}
	return reg, nil
}

// removePartial deletes folders of ingests that died before finishing.
// Callers hold the writer lock, so no live ingest owns them.
func (c *Catalog) removePartial() {
	entries, _ := os.ReadDir(c.dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), tmpPrefix) {
			c.log.Info("removing unfinished ingest", "folder", e.Name())
			os.RemoveAll(filepath.Join(c.dir, e.Name()))
		}
	}
}

// keepGenerations is how many generations stay on disk: the live one and
// the ones before it that readers may still have open.
const keepGenerations = 3

// removeOld deletes generations older than the last keepGenerations.
// Readers that still have one open keep reading it: the files stay until
// they close them.
func (c *Catalog) removeOld(live string) {
	entries, _ := os.ReadDir(c.dir)
	var gens []string
	for _, e := range entries {
		if _, ok := generationVersion(e.Name()); ok && e.IsDir() {
			gens = append(gens, e.Name())
		}
	}
	sort.Strings(gens)
	for len(gens) > keepGenerations {
		if gens[0] != live {
			os.RemoveAll(filepath.Join(c.dir, gens[0]))
		}
		gens = gens[1:]
	}
}
