package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/fsutil"
)

const (
	currentFile = "CURRENT"
	stateFile   = "state.json"
	bleveDir    = "bleve"
	lockFile    = "ingest.lock"
	genPrefix   = "gen-"
	tmpPrefix   = "tmp-"
)

// state is what a generation persists besides its index: every record
// (retired ones included), the frameworks imported from feeds and what is
// known of each source.
type state struct {
	Version     int64                  `json:"version"`
	Credentials []*catalog.Credential  `json:"credentials"`
	Frameworks  []*catalog.Framework   `json:"frameworks,omitempty"`
	Sources     map[string]*SourceInfo `json:"sources,omitempty"`
}

// SourceInfo is what the catalog remembers of one feed source.
type SourceInfo struct {
	LastRun time.Time `json:"last_run"`
	Records int       `json:"records"`
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

func loadState(genDir string) (*state, error) {
	f, err := os.Open(filepath.Join(genDir, stateFile))
	if err != nil {
		return nil, fmt.Errorf("store: open state: %w", err)
	}
	defer f.Close()
	var st state
	if err := json.NewDecoder(f).Decode(&st); err != nil {
		return nil, fmt.Errorf("store: decode %s: %w", f.Name(), err)
	}
	if st.Sources == nil {
		st.Sources = map[string]*SourceInfo{}
	}
	return &st, nil
}

// writeFileAtomic writes path through fsutil.WriteAtomic.
func writeFileAtomic(path string, write func(f *os.File) error) error {
	if err := fsutil.WriteAtomic(path, 0o644, write); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func writeState(genDir string, st *state) error {
	return writeFileAtomic(filepath.Join(genDir, stateFile), func(f *os.File) error {
		enc := json.NewEncoder(f)
		return enc.Encode(st)
	})
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
