package index

import (
	"context"
	"fmt"
	"sync"

	index "github.com/blevesearch/bleve_index_api"
)

// termCounts remembers, on a read-only index, how many times the text
// fields hold a word: SearchText looks up every word of its text in every
// text field to keep the rarest (rarestTerms), and each lookup opens a
// postings list per segment, which for a long text cost a third as much
// as the search itself. A read-only index's counts never change, and the
// words of goals and the lexicon's terms repeat from one request to the
// next.
type termCounts struct {
	mu sync.RWMutex
	// text is the text fields' summed count of each word.
	text      map[string]uint64
	docs      uint64
	docsKnown bool
}

// maxCountedTerms bounds termCounts: free text brings ever new words (and
// misspellings), and past this many the counts of new ones are looked up
// without being kept.
const maxCountedTerms = 1 << 16

// lookup returns the remembered count of term, if any.
func (tc *termCounts) lookup(term string) (uint64, bool) {
	tc.mu.RLock()
	defer tc.mu.RUnlock()
	n, ok := tc.text[term]
	return n, ok
}

func (tc *termCounts) keep(term string, n uint64) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.text == nil {
		tc.text = map[string]uint64{}
	}
	if len(tc.text) < maxCountedTerms {
		tc.text[term] = n
	}
}

// counter counts words in fields of one snapshot of the index, opened on
// first need: when every count is remembered no reader is opened.
type counter struct {
	ix  *Index
	r   index.IndexReader
	err error
}

func (c *counter) reader() (index.IndexReader, error) {
	if c.r == nil && c.err == nil {
		adv, err := c.ix.b.Advanced()
		if err != nil {
			c.err = fmt.Errorf("index: count terms: %w", err)
			return nil, c.err
		}
		if c.r, err = adv.Reader(); err != nil {
			c.err = fmt.Errorf("index: count terms: %w", err)
		}
	}
	return c.r, c.err
}

func (c *counter) close() {
	if c.r != nil {
		_ = c.r.Close()
	}
}

// count returns how many times the fields hold term, summed.
func (c *counter) count(ctx context.Context, term string, fields ...string) (uint64, error) {
	r, err := c.reader()
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, f := range fields {
		tfr, err := r.TermFieldReader(ctx, []byte(term), f, false, false, false)
		if err != nil {
			return 0, fmt.Errorf("index: count %q in %s: %w", term, f, err)
		}
		n += tfr.Count()
		_ = tfr.Close()
	}
	return n, nil
}

// textCount is how many times the text fields hold term.
func (c *counter) textCount(ctx context.Context, term string) (uint64, error) {
	tc := &c.ix.counts
	if c.ix.readOnly {
		if n, ok := tc.lookup(term); ok {
			return n, nil
		}
	}
	n, err := c.count(ctx, term, textFieldNames...)
	if err == nil && c.ix.readOnly {
		tc.keep(term, n)
	}
	return n, err
}

// docCount is the number of documents in the index.
func (c *counter) docCount() (uint64, error) {
	tc := &c.ix.counts
	if c.ix.readOnly {
		tc.mu.RLock()
		n, ok := tc.docs, tc.docsKnown
		tc.mu.RUnlock()
		if ok {
			return n, nil
		}
	}
	r, err := c.reader()
	if err != nil {
		return 0, err
	}
	n, err := r.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count documents: %w", err)
	}
	if c.ix.readOnly {
		tc.mu.Lock()
		tc.docs, tc.docsKnown = n, true
		tc.mu.Unlock()
	}
	return n, nil
}
