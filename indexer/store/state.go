package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/fsutil"
)

const (
	currentFile = "CURRENT"
	metaFile    = "meta.json"
	recordsFile = "records.jsonl"
	// legacyStateFile held the whole state in one JSON document; it is
	// still read from generations written before.
	legacyStateFile = "state.json"
	bleveDir        = "bleve"
	lockFile        = "ingest.lock"
	genPrefix       = "gen-"
	tmpPrefix       = "tmp-"
)

// state is what a generation persists besides its index: every record
// (retired ones included), the frameworks imported from feeds, the
// organizations they describe and what is known of each source. The
// records are kept one JSON document a line in records.jsonl, so they are
// decoded on every core at once, and the rest in a small meta.json.
type state struct {
	Version     int64                  `json:"version"`
	Credentials []*catalog.Credential  `json:"credentials"`
	Frameworks  []*catalog.Framework   `json:"frameworks,omitempty"`
	Sources     map[string]*SourceInfo `json:"sources,omitempty"`
	// Organizations names the issuers the feeds have described (OB
	// issuer profiles, CTDL organizations), by feed.MatchKey of their
	// identifier, so a later ingest that only refers to one names it.
	Organizations map[string]string `json:"organizations,omitempty"`
	// Owners maps items (by feed.MatchKey) to the identifier of the
	// organization whose own record lists them (CTDL ceterms:owns,
	// ceterms:offers): the issuer of an item that names none.
	Owners map[string]string `json:"owners,omitempty"`
}

// stateMeta is meta.json: the state without its records, and how many
// records.jsonl holds.
type stateMeta struct {
	Version    int64                  `json:"version"`
	Records    int                    `json:"records"`
	Frameworks []*catalog.Framework   `json:"frameworks,omitempty"`
	Sources    map[string]*SourceInfo `json:"sources,omitempty"`
	// Organizations is state.Organizations.
	Organizations map[string]string `json:"organizations,omitempty"`
}

// SourceInfo is what the catalog remembers of one feed source.
type SourceInfo struct {
	LastRun time.Time `json:"last_run"`
	Records int       `json:"records"`
	// Owner publishes through the source: "" is the operator.
	Owner string `json:"owner,omitempty"`
}

func genName(version int64) string { return fmt.Sprintf("%s%06d", genPrefix, version) }

// readCurrent returns the name of the live generation, "" when the catalog
// is empty.
func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read %s: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, genPrefix) || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("store: %s names %q, not a generation", filepath.Join(dir, currentFile), name)
	}
	return name, nil
}

// loadState reads a generation's state: meta.json and records.jsonl, or
// the single state.json of generations written before. Every string of
// its records is on the heap, so the state may be copied and changed (an
// ingest builds the next generation from it).
func loadState(genDir string) (*state, error) { return readState(genDir, false) }

// readState is loadState; with prose set, the records' prose is left in a
// read-only mapping of records.jsonl (see mapRecords) instead of the heap.
func readState(genDir string, prose bool) (*state, error) {
	metaPath := filepath.Join(genDir, metaFile)
	b, err := os.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Stat(filepath.Join(genDir, legacyStateFile)); lerr == nil {
			return loadLegacyState(genDir)
		}
		return nil, fmt.Errorf("%w: %s is missing", ErrCorrupt, metaPath)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %w", ErrCorrupt, metaPath, err)
	}
	var meta stateMeta
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, fmt.Errorf("%w: %s does not parse: %w", ErrCorrupt, metaPath, err)
	}
	recPath := filepath.Join(genDir, recordsFile)
	var creds []*catalog.Credential
	if prose {
		creds, err = mapRecords(recPath)
	} else {
		creds, err = readRecords(recPath)
	}
	if err != nil {
		return nil, err
	}
	if len(creds) != meta.Records {
		return nil, fmt.Errorf("%w: %s holds %d records, %s says %d (truncated?)", ErrCorrupt, recPath, len(creds), metaPath, meta.Records)
	}
	st := &state{Version: meta.Version, Credentials: creds, Frameworks: meta.Frameworks, Sources: meta.Sources, Organizations: meta.Organizations}
	if st.Sources == nil {
		st.Sources = map[string]*SourceInfo{}
	}
	return st, nil
}

func loadLegacyState(genDir string) (*state, error) {
	f, err := os.Open(filepath.Join(genDir, legacyStateFile))
	if err != nil {
		return nil, fmt.Errorf("%w: records %s: %w", ErrCorrupt, filepath.Join(genDir, legacyStateFile), err)
	}
	defer f.Close()
	var st state
	if err := json.NewDecoder(f).Decode(&st); err != nil {
		return nil, fmt.Errorf("%w: records %s do not parse: %w", ErrCorrupt, f.Name(), err)
	}
	if st.Sources == nil {
		st.Sources = map[string]*SourceInfo{}
	}
	return &st, nil
}

// readRecords reads and decodes records.jsonl at path onto the heap.
func readRecords(path string) ([]*catalog.Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, recordsUnreadable(path, err)
	}
	creds, err := decodeRecords(data, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not parse: %w", ErrCorrupt, path, err)
	}
	return creds, nil
}

// recordsUnreadable is the error for a records file that cannot be read:
// a generation without its records is corrupt.
func recordsUnreadable(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s is missing", ErrCorrupt, path)
	}
	return fmt.Errorf("%w: read %s: %w", ErrCorrupt, path, err)
}

// decodeRecords decodes one credential a line, the lines shared out among
// the cores. A bad line is an error naming it. With prose set, the
// records' prose (proseFields) is left in data, which must then outlive
// every record and every copy of their prose (mapRecords sees to that).
func decodeRecords(data []byte, prose bool) ([]*catalog.Credential, error) {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		if line := data[:i]; len(bytes.TrimSpace(line)) > 0 {
			lines = append(lines, line)
		}
		data = data[min(i+1, len(data)):]
	}
	recs := make([]catalog.Credential, len(lines))
	out := make([]*catalog.Credential, len(lines))
	workers := min(runtime.GOMAXPROCS(0), max(len(lines)/512, 1))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := w*len(lines)/workers, (w+1)*len(lines)/workers
			seen := map[string]string{}
			for i := lo; i < hi; i++ {
				if err := gojson.Unmarshal(lines[i], &recs[i]); err != nil {
					errs[w] = fmt.Errorf("record %d: %w", i+1, err)
					return
				}
				if prose {
					detachKeepingProse(&recs[i], lines[i], seen)
				} else {
					detachStrings(reflect.ValueOf(&recs[i]).Elem(), seen)
				}
				out[i] = &recs[i]
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// internMax is the longest string detachStrings shares between records:
// names, codes, tags and formats repeat across the catalog, descriptions do
// not.
const internMax = 96

// detachStrings gives every string reachable from v (fields, slices,
// pointers) memory of its own, one copy per distinct short string. The
// decoder's strings point into its copy of the whole input line, which
// would otherwise stay in memory, JSON syntax and all, as long as any one
// of them does.
func detachStrings(v reflect.Value, seen map[string]string) {
	switch v.Kind() {
	case reflect.String:
		str := v.String()
		if str == "" || !v.CanSet() {
			return
		}
		if len(str) > internMax {
			v.SetString(strings.Clone(str))
			return
		}
		own, ok := seen[str]
		if !ok {
			own = strings.Clone(str)
			seen[own] = own
		}
		v.SetString(own)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				detachStrings(f, seen)
			}
		}
	case reflect.Map:
		// Language maps (titles, descriptions): a map's entries cannot
		// be set in place, so the map is rebuilt from detached copies.
		t := v.Type()
		if v.IsNil() || !v.CanSet() || t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String {
			return
		}
		m := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			k.Set(it.Key())
			e.Set(it.Value())
			detachStrings(k, seen)
			detachStrings(e, seen)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.CanSet() && v.Cap() > v.Len() {
			// The decoder grows slices as it goes; a record keeps
			// its lists for as long as it is served, so they get
			// exactly the room they use.
			exact := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(exact, v)
			v.Set(exact)
		}
		for i := 0; i < v.Len(); i++ {
			detachStrings(v.Index(i), seen)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			detachStrings(v.Elem(), seen)
		}
	}
}

// writeFileAtomic writes path through fsutil.WriteAtomic.
func writeFileAtomic(path string, write func(f *os.File) error) error {
	if err := fsutil.WriteAtomic(path, 0o644, write); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// writeState writes a generation's state: the records first, one JSON
// document a line, then meta.json, which counts them. A state.json of an
// older version in the same folder is removed.
func writeState(genDir string, st *state) error {
	err := writeFileAtomic(filepath.Join(genDir, recordsFile), func(f *os.File) error {
		w := bufio.NewWriterSize(f, 1<<20)
		enc := json.NewEncoder(w)
		// <, > and & as they are, not as \u003c…: a served record's
		// prose is a view of its line only where the line holds it
		// unescaped (viewOf), and titles such as "Reading & Writing"
		// would otherwise each take a copy on the heap.
		enc.SetEscapeHTML(false)
		for _, c := range st.Credentials {
			if err := enc.Encode(c); err != nil {
				return fmt.Errorf("record %q: %w", c.ID, err)
			}
		}
		return w.Flush()
	})
	if err != nil {
		return err
	}
	meta := stateMeta{Version: st.Version, Records: len(st.Credentials), Frameworks: st.Frameworks, Sources: st.Sources, Organizations: st.Organizations}
	err = writeFileAtomic(filepath.Join(genDir, metaFile), func(f *os.File) error {
		return json.NewEncoder(f).Encode(meta)
	})
	if err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(genDir, legacyStateFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: remove old state file: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	if err := fsutil.SyncDir(dir); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// copyDir copies the regular files of src into a new dst, recursively. A
// Bleve index closed by its writer is a set of immutable segment files and
// a small root file, so a file copy is a consistent snapshot of it.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// generationVersion parses the version out of a generation folder name.
func generationVersion(name string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimPrefix(name, genPrefix), 10, 64)
	return v, err == nil && strings.HasPrefix(name, genPrefix)
}
