package recommender

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/lexicon"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// ModelFile is the name of the file, in a catalog generation's folder, that
// keeps the model built for that generation. It holds the semantic space
// (the one part of the model that takes long to compute) in a binary form
// that is mapped into memory as it is; the rest of the model is derived
// from the catalog's records in a fraction of a second when it is opened.
const ModelFile = "model.sem"

// Save writes what OpenModel needs besides the catalog into dir.
func (m *Model) Save(dir string) error {
	path := filepath.Join(dir, ModelFile)
	if m.sem == nil {
		// No text to learn from: nothing to keep, and nothing slow to
		// redo when opening.
		os.Remove(path)
		return nil
	}
	if err := m.sem.WriteFile(path, m.documentTag()); err != nil {
		return fmt.Errorf("recommender: save model of catalog version %d: %w", m.version, err)
	}
	return nil
}

// ErrNoModelFile is returned by OpenModel when dir holds no saved model.
var ErrNoModelFile = errors.New("recommender: no saved model")

// OpenModel opens the model Save wrote into dir for snap. It is the model
// BuildModel would build, without learning the semantic space again.
func OpenModel(ctx context.Context, dir string, snap *catalog.Snapshot, opt BuildOptions) (*Model, error) {
	start := time.Now()
	path := filepath.Join(dir, ModelFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNoModelFile, dir)
	}
	sem, tag, err := semantic.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("recommender: open model: %w", err)
	}
	m, err := buildModel(ctx, snap, opt, sem)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(tag, m.documentTag()) {
		return nil, fmt.Errorf("recommender: the model in %s was built from other records than catalog version %d's: %w", dir, snap.Version, semantic.ErrFormat)
	}
	m.stats.Duration = time.Since(start)
	return m, nil
}

// documentTag names the documents of the semantic space, in order: the
// active credentials' ids, then the framework items' keys, then the
// concept lexicon's rows.
func (m *Model) documentTag() []byte {
	h := sha256.New()
	for _, i := range m.docCred {
		h.Write([]byte(m.creds[i].ID))
		h.Write([]byte{0})
	}
	h.Write([]byte{1})
	for _, k := range m.items {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	// The lexicon's documents, by their text: a space built with another
	// table is rebuilt.
	h.Write([]byte{2})
	for _, e := range lexicon.Default().Entries() {
		h.Write([]byte(e.Terms))
		h.Write([]byte{0})
		h.Write([]byte(strings.Join(e.Phrases, ";")))
		h.Write([]byte{0})
		h.Write([]byte(strings.Join(e.Codes, ";")))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// parallelRange splits [0, n) into one contiguous part per core and runs
// fn on each at once.
func parallelRange(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n/1024, 1))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w*n/workers, (w+1)*n/workers)
		}()
	}
	wg.Wait()
}
