package index

import (
	"hash/maphash"
	"slices"
	"sync"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// textHits remembers, on a read-only index, the hits of the texts
// SearchText is asked for again and again. The recommender searches each
// request's goals, which rarely repeat, and the concept lexicon's terms
// for the concepts the goals name, which do: a few hundred concepts, the
// same terms for every teacher who names one. A text is kept from its
// second search on, so one-off goals never push a lexicon text out. A
// read-only index never changes, so its hits stay right; a new catalog
// version is a new index.
type textHits struct {
	mu sync.Mutex
	// once holds the hashes of texts searched once (since it was last
	// cleared).
	once map[uint64]struct{}
	hits map[textKey][]catalog.Hit
	// ring is hits' keys in the order they were kept; next is where the
	// next one goes, over the oldest.
	ring []textKey
	next int
}

type textKey struct {
	text  string
	limit int
}

// Bounds of textHits: maxKeptTexts lists of hits (150 hits, about 6 KB,
// each for the recommender), and maxOnceTexts hashes before the record of
// texts searched once starts over.
const (
	maxKeptTexts = 1024
	maxOnceTexts = 8192
)

var textSeed = maphash.MakeSeed()

// get returns a copy of the hits kept for text and limit; kept is false
// when there are none, and keep then says whether to keep the hits the
// caller finds (the text was searched before).
func (th *textHits) get(text string, limit int) (hits []catalog.Hit, kept, keep bool) {
	th.mu.Lock()
	defer th.mu.Unlock()
	if h, ok := th.hits[textKey{text, limit}]; ok {
		return slices.Clone(h), true, false
	}
	sum := maphash.String(textSeed, text)
	if _, ok := th.once[sum]; ok {
		return nil, false, true
	}
	if th.once == nil || len(th.once) >= maxOnceTexts {
		th.once = map[uint64]struct{}{}
	}
	th.once[sum] = struct{}{}
	return nil, false, false
}

// put keeps a copy of hits for text and limit, in place of the oldest
// kept when full.
func (th *textHits) put(text string, limit int, hits []catalog.Hit) {
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.hits == nil {
		th.hits = map[textKey][]catalog.Hit{}
		th.ring = make([]textKey, 0, maxKeptTexts)
	}
	k := textKey{text, limit}
	if _, ok := th.hits[k]; ok {
		return
	}
	if len(th.ring) < maxKeptTexts {
		th.ring = append(th.ring, k)
	} else {
		delete(th.hits, th.ring[th.next])
		th.ring[th.next] = k
		th.next = (th.next + 1) % maxKeptTexts
	}
	th.hits[k] = slices.Clone(hits)
}
