// Package semantic learns a latent semantic space (LSA) from catalog text so
// a goal written in a teacher's words finds credentials written in an
// issuer's words: "quiet students talk more" lands near discussion
// protocols because, across the catalog, the words of both keep company.
//
// The space is a rank-k truncated SVD of the TF-IDF matrix, computed by a
// randomized range finder over a sparse (CSR) matrix with gonum for the QR
// and the small dense SVD; a full dense SVD is out of reach past a few
// thousand credentials. Documents and queries are folded in by projecting
// their TF-IDF vectors onto the top right singular vectors and stored as
// unit float32 vectors, so cosine is a dot product. The model also keeps
// impact-ordered term postings, which give lexical candidates and, through
// the terms nearest a query in the latent space, semantic candidates
// without scanning every document.
package semantic

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Document is one text the space learns from. Title words count twice, as
// titles name the practice while descriptions also carry boilerplate.
// Extra are ready-made terms added once each, used for competency codes so
// credentials aligned to the same practice share a term whatever words
// their issuers chose.
type Document struct {
	Title string
	Body  string
	Extra []string
}

// Options tune the build. The zero value gives the defaults.
type Options struct {
	// Dims is the rank k of the space; 0 picks 100, capped by a third of
	// the training documents so a tiny catalog is not overfitted.
	Dims int
	// Oversample and PowerIters are the randomized SVD's extra sample
	// columns (default 20) and power iterations (default 4). With fewer,
	// the trailing dimensions depend on the random test matrix, and so on
	// the order terms happened to be numbered in.
	Oversample int
	PowerIters int
	// MaxTrainDocs caps the documents the SVD is computed from (default
	// 20,000, an even sample beyond that); every document is then folded
	// into the learned space. A 20k sample already holds every common
	// co-occurrence pattern, and the QR steps, which grow with
	// rows × rank², stay a few seconds.
	MaxTrainDocs int
	// PostingsPerTerm caps each term's posting list, keeping its
	// highest-weighted documents (default 256): a common term's long
	// tail says little about any document, and every list a query
	// touches is walked whole.
	PostingsPerTerm int
	// ExpansionTerms caps how many of the commonest terms may expand a
	// query (default 2,048): the scan for a query's nearest terms costs
	// this many dot products.
	ExpansionTerms int
	// Seed makes the build deterministic.
	Seed uint64
}

func (o Options) withDefaults(trainDocs int) Options {
	if o.Dims <= 0 {
		o.Dims = 100
	}
	if limit := max(trainDocs/3, 2); o.Dims > limit {
		o.Dims = limit
	}
	if o.Oversample <= 0 {
		o.Oversample = 20
	}
	if o.PowerIters <= 0 {
		o.PowerIters = 4
	}
	if o.MaxTrainDocs <= 0 {
		o.MaxTrainDocs = 20_000
	}
	if o.PostingsPerTerm <= 0 {
		o.PostingsPerTerm = 256
	}
	if o.ExpansionTerms <= 0 {
		o.ExpansionTerms = 2048
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Posting is one document containing a term, with the term's TF-IDF weight
// in the document's unit vector.
type Posting struct {
	Doc    int32
	Weight float32
}

// Model is a built semantic space. It is immutable and safe for concurrent
// use.
type Model struct {
	dim   int
	vocab map[string]int32
	terms []string
	idf   []float32
	// proj holds the top right singular vectors, one row of dim values
	// per term: the fold-in projection.
	proj []float32
	// docs holds each document's unit embedding, dim values per document.
	docs     []float32
	postings [][]Posting
	// expand lists the terms a query may be expanded with, and expVecs
	// their unit latent vectors (scaled by the singular values, so the
	// strong dimensions of the space dominate as they do for documents).
	expand  []int32
	expVecs []float32
	sigma   []float64
	accPool sync.Pool
}

// ErrEmpty is returned when there is no text to learn from.
var ErrEmpty = errors.New("semantic: no documents with text")

// Build learns the space from docs. Document i of the input is document i
// of the model.
func Build(ctx context.Context, docs []Document, opt Options) (*Model, error) {
	if len(docs) == 0 {
		return nil, ErrEmpty
	}
	m := &Model{vocab: map[string]int32{}}
	bags, terms := tokenizeAll(docs)
	m.terms = terms
	for id, t := range terms {
		m.vocab[t] = int32(id)
	}
	df := make([]int32, len(terms))
	for _, bag := range bags {
		for _, tc := range bag {
			df[tc.id]++
		}
	}
	if len(m.terms) == 0 {
		return nil, ErrEmpty
	}
	n := float64(len(docs))
	m.idf = make([]float32, len(m.terms))
	for t, d := range df {
		m.idf[t] = float32(math.Log(1 + n/float64(d)))
	}
	full := m.weigh(bags)
	clear(bags)

	train, trainRows := sampleRows(full, opt.MaxTrainDocs)
	opt = opt.withDefaults(trainRows)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vk, sigma, err := randomizedSVD(ctx, train, opt.Dims, opt.Oversample, opt.PowerIters, opt.Seed)
	if err != nil {
		return nil, fmt.Errorf("semantic: build space from %d documents: %w", trainRows, err)
	}
	m.sigma = sigma
	m.dim = len(sigma)
	m.proj = make([]float32, len(m.terms)*m.dim)
	for t := range m.terms {
		for j := 0; j < m.dim; j++ {
			m.proj[t*m.dim+j] = float32(vk.At(t, j))
		}
	}
	m.embedDocs(full)
	m.buildPostings(full, opt.PostingsPerTerm)
	m.buildExpansion(df, opt.ExpansionTerms, len(docs))
	return m, nil
}

type termCount struct {
	id    int32
	count float32
}

// tokenizeAll turns documents into bags of term ids with counts, and
// returns the vocabulary in order of first appearance (so ids, and the
// whole build, are deterministic). Documents are tokenized on every
// available core in contiguous chunks, each with its own vocabulary,
// merged in chunk order; bags hold ids, never strings, which keeps a
// million-document build to a few hundred megabytes.
func tokenizeAll(docs []Document) ([][]termCount, []string) {
	bags := make([][]termCount, len(docs))
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	chunk := (len(docs) + workers - 1) / workers
	type local struct {
		vocab map[string]int32
		order []string
	}
	locals := make([]local, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(docs))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lv := local{vocab: map[string]int32{}}
			counts := map[int32]float32{}
			add := func(t string, c float32) {
				id, ok := lv.vocab[t]
				if !ok {
					id = int32(len(lv.order))
					lv.vocab[t] = id
					lv.order = append(lv.order, t)
				}
				counts[id] += c
			}
			for i := lo; i < hi; i++ {
				clear(counts)
				for _, t := range Tokenize(docs[i].Title) {
					add(t, 2)
				}
				for _, t := range Tokenize(docs[i].Body) {
					add(t, 1)
				}
				for _, t := range docs[i].Extra {
					add(t, 1)
				}
				bag := make([]termCount, 0, len(counts))
				for id, c := range counts {
					bag = append(bag, termCount{id, c})
				}
				bags[i] = bag
			}
			locals[w] = lv
		}()
	}
	wg.Wait()
	global := map[string]int32{}
	var terms []string
	for w, lv := range locals {
		remap := make([]int32, len(lv.order))
		for k, t := range lv.order {
			id, ok := global[t]
			if !ok {
				id = int32(len(terms))
				global[t] = id
				terms = append(terms, t)
			}
			remap[k] = id
		}
		for i := w * chunk; i < min((w+1)*chunk, len(docs)); i++ {
			for k := range bags[i] {
				bags[i][k].id = remap[bags[i][k].id]
			}
			slices.SortFunc(bags[i], func(a, b termCount) int { return cmp.Compare(a.id, b.id) })
		}
	}
	return bags, terms
}

// weigh turns bags of terms into unit TF-IDF rows with sublinear term
// frequency, so a word repeated in a long description does not swamp it.
func (m *Model) weigh(bags [][]termCount) *csr {
	nnz := 0
	for _, bag := range bags {
		nnz += len(bag)
	}
	a := &csr{rows: len(bags), cols: len(m.terms), rowPtr: make([]int, 1, len(bags)+1),
		colIdx: make([]int32, 0, nnz), vals: make([]float32, 0, nnz)}
	for _, bag := range bags {
		start := len(a.vals)
		var norm float64
		for _, tc := range bag {
			id := tc.id
			w := (1 + math.Log(float64(tc.count))) * float64(m.idf[id])
			a.colIdx = append(a.colIdx, id)
			a.vals = append(a.vals, float32(w))
			norm += w * w
		}
		if norm > 0 {
			inv := float32(1 / math.Sqrt(norm))
			for p := start; p < len(a.vals); p++ {
				a.vals[p] *= inv
			}
		}
		a.rowPtr = append(a.rowPtr, len(a.vals))
	}
	return a
}

// sampleRows returns at most limit evenly spaced rows of a (all of them when
// limit is 0 or not exceeded).
func sampleRows(a *csr, limit int) (*csr, int) {
	if limit <= 0 {
		limit = 20_000
	}
	if a.rows <= limit {
		return a, a.rows
	}
	s := &csr{cols: a.cols, rowPtr: []int{0}}
	step := float64(a.rows) / float64(limit)
	for k := 0; k < limit; k++ {
		i := int(float64(k) * step)
		s.colIdx = append(s.colIdx, a.colIdx[a.rowPtr[i]:a.rowPtr[i+1]]...)
		s.vals = append(s.vals, a.vals[a.rowPtr[i]:a.rowPtr[i+1]]...)
		s.rowPtr = append(s.rowPtr, len(s.vals))
		s.rows++
	}
	return s, s.rows
}

func (m *Model) embedDocs(a *csr) {
	m.docs = make([]float32, a.rows*m.dim)
	for i := 0; i < a.rows; i++ {
		dst := m.docs[i*m.dim : (i+1)*m.dim]
		for p := a.rowPtr[i]; p < a.rowPtr[i+1]; p++ {
			w := a.vals[p]
			src := m.proj[int(a.colIdx[p])*m.dim : (int(a.colIdx[p])+1)*m.dim]
			for j, s := range src {
				dst[j] += w * s
			}
		}
		normalize(dst)
	}
}

func (m *Model) buildPostings(a *csr, perTerm int) {
	m.postings = make([][]Posting, len(m.terms))
	df := make([]int, len(m.terms))
	for _, t := range a.colIdx {
		df[t]++
	}
	for t, d := range df {
		m.postings[t] = make([]Posting, 0, d)
	}
	for i := 0; i < a.rows; i++ {
		for p := a.rowPtr[i]; p < a.rowPtr[i+1]; p++ {
			t := a.colIdx[p]
			m.postings[t] = append(m.postings[t], Posting{Doc: int32(i), Weight: a.vals[p]})
		}
	}
	for t, list := range m.postings {
		if len(list) > perTerm {
			slices.SortStableFunc(list, func(a, b Posting) int { return cmp.Compare(b.Weight, a.Weight) })
			// Clone so the long list's array is freed.
			list = slices.Clone(list[:perTerm])
			slices.SortFunc(list, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
			m.postings[t] = list
		}
	}
}

// buildExpansion picks the terms a query may be expanded with: the
// commonest ones that occur in at least two documents but not in most
// (those say nothing), so each expansion brings a real posting list.
func (m *Model) buildExpansion(df []int32, limit, n int) {
	var ids []int32
	for t, d := range df {
		if d >= 2 && float64(d) <= 0.5*float64(n) && !isExtra(m.terms[t]) {
			ids = append(ids, int32(t))
		}
	}
	slices.SortStableFunc(ids, func(a, b int32) int { return cmp.Compare(df[b], df[a]) })
	if len(ids) > limit {
		ids = ids[:limit]
	}
	slices.Sort(ids)
	m.expand = ids
	m.expVecs = make([]float32, len(ids)*m.dim)
	for k, t := range ids {
		dst := m.expVecs[k*m.dim : (k+1)*m.dim]
		for j := range dst {
			dst[j] = m.proj[int(t)*m.dim+j] * float32(m.sigma[j])
		}
		normalize(dst)
	}
}

// ExtraPrefix starts every ready-made term (Document.Extra); such terms
// never expand a query and never appear as matched words.
const ExtraPrefix = "§"

func isExtra(term string) bool { return len(term) > 0 && term[0] == ExtraPrefix[0] }

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// Dim returns the rank of the space.
func (m *Model) Dim() int { return m.dim }

// Len returns the number of documents.
func (m *Model) Len() int { return len(m.docs) / max(m.dim, 1) }

// VocabSize returns the number of distinct terms.
func (m *Model) VocabSize() int { return len(m.terms) }

// Vec returns document i's unit embedding. The slice is the model's own:
// read it, never write it.
func (m *Model) Vec(i int) []float32 { return m.docs[i*m.dim : (i+1)*m.dim] }

// Cosine returns the cosine between a unit query vector and document i.
func (m *Model) Cosine(q []float32, i int) float32 {
	if q == nil {
		return 0
	}
	return Dot(q, m.Vec(i))
}

// Dot returns the dot product of two vectors of the same length.
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// Memory returns the approximate bytes the model holds.
func (m *Model) Memory() int64 {
	b := int64(len(m.proj)+len(m.docs)+len(m.expVecs)+len(m.idf)) * 4
	for _, p := range m.postings {
		b += int64(cap(p))*8 + 24
	}
	for _, t := range m.terms {
		b += int64(len(t)) + 16 + 8
	}
	return b
}
