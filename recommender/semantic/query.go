package semantic

import (
	"cmp"
	"math"
	"slices"
)

// Part is one piece of a query with its importance: a teacher's goals
// weigh more than the names of the codes her gaps point at.
type Part struct {
	Text   string
	Weight float64
	// Extra are ready-made terms (competency codes) to add with this
	// part's weight.
	Extra []string
}

// QueryTerm is one known term of a query with its unit-vector weight.
type QueryTerm struct {
	ID     int32
	Term   string
	Weight float32
}

// Query is text folded into the space: its known terms with TF-IDF weights
// and its unit embedding (nil when no term of it is known).
type Query struct {
	Terms []QueryTerm
	Vec   []float32
}

// Empty reports whether the query has no known term.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Query folds weighted text into the space, the way documents were.
func (m *Model) Query(parts ...Part) Query {
	counts := map[int32]float64{}
	for _, p := range parts {
		w := p.Weight
		if w == 0 {
			w = 1
		}
		for _, t := range Tokenize(p.Text) {
			if id, ok := m.vocab[t]; ok {
				counts[id] += w
			}
		}
		for _, t := range p.Extra {
			if id, ok := m.vocab[t]; ok {
				counts[id] += w
			}
		}
	}
	if len(counts) == 0 {
		return Query{}
	}
	var q Query
	var norm float64
	for id, c := range counts {
		// Sublinear like documents; a part weighted below 1 scales down.
		w := c * float64(m.idf[id])
		if c > 1 {
			w = (1 + math.Log(c)) * float64(m.idf[id])
		}
		q.Terms = append(q.Terms, QueryTerm{ID: id, Term: m.terms[id], Weight: float32(w)})
		norm += w * w
	}
	slices.SortFunc(q.Terms, func(a, b QueryTerm) int { return cmp.Compare(a.ID, b.ID) })
	inv := float32(1 / math.Sqrt(norm))
	q.Vec = make([]float32, m.dim)
	for i := range q.Terms {
		q.Terms[i].Weight *= inv
		src := m.proj[int(q.Terms[i].ID)*m.dim : (int(q.Terms[i].ID)+1)*m.dim]
		for j, s := range src {
			q.Vec[j] += q.Terms[i].Weight * s
		}
	}
	normalize(q.Vec)
	if allZero(q.Vec) {
		// Every term is one the SVD never saw (a sampled build): the
		// query still has lexical terms, but no direction.
		q.Vec = nil
	}
	return q
}

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// Scored is a document with a score.
type Scored struct {
	Doc   int32
	Score float32
}

// Nearest scores every document against the unit vector q and returns the
// limit best. It is exact and linear in the catalog; Candidates is the
// sublinear path for large catalogs.
func (m *Model) Nearest(q []float32, limit int) []Scored {
	if q == nil || limit <= 0 {
		return nil
	}
	top := newTopK(limit)
	for i := 0; i < m.Len(); i++ {
		top.push(Scored{Doc: int32(i), Score: Dot(q, m.Vec(i))})
	}
	return top.sorted()
}

// Accumulator sums scores per document without a map: a dense array the
// size of the catalog plus the list of documents touched, so clearing
// costs only what was used. Get one from Model.Accumulator and Release it
// when done; it is not safe for concurrent use.
type Accumulator struct {
	m       *Model
	score   []float32
	touched []int32
}

// Accumulator returns an empty accumulator from the model's pool.
func (m *Model) Accumulator() *Accumulator {
	if a, ok := m.accPool.Get().(*Accumulator); ok {
		return a
	}
	return &Accumulator{m: m, score: make([]float32, m.Len())}
}

// Add adds w to document d's score.
func (a *Accumulator) Add(d int32, w float32) {
	if a.score[d] == 0 {
		a.touched = append(a.touched, d)
	}
	a.score[d] += w
	if a.score[d] == 0 {
		// Keep "touched" exact: a score back at exactly zero is rare
		// but must not be recorded twice.
		a.score[d] = math.SmallestNonzeroFloat32
	}
}

// Get returns document d's score.
func (a *Accumulator) Get(d int32) float32 { return a.score[d] }

// Len returns how many documents have a score.
func (a *Accumulator) Len() int { return len(a.touched) }

// Top returns the limit best documents.
func (a *Accumulator) Top(limit int) []Scored {
	top := newTopK(limit)
	for _, d := range a.touched {
		top.push(Scored{Doc: d, Score: a.score[d]})
	}
	return top.sorted()
}

// Release clears the accumulator and returns it to its model's pool.
func (a *Accumulator) Release() {
	for _, d := range a.touched {
		a.score[d] = 0
	}
	a.touched = a.touched[:0]
	a.m.accPool.Put(a)
}

// Lexical accumulates the query's terms over their posting lists into a:
// the TF-IDF cosine of every document that shares a term with the query
// (approximate for terms whose lists were capped).
func (m *Model) Lexical(q Query, a *Accumulator) {
	for _, t := range q.Terms {
		if isExtra(t.Term) {
			continue
		}
		for _, p := range m.postings[t.ID] {
			a.Add(p.Doc, t.Weight*p.Weight)
		}
	}
}

// RelatedTerm is a term near a query in the latent space.
type RelatedTerm struct {
	ID   int32
	Term string
	Sim  float32
}

// Related returns up to limit terms closest to the query's direction that
// the query does not contain, with cosine at least minSim.
func (m *Model) Related(q Query, limit int, minSim float32) []RelatedTerm {
	if q.Vec == nil || limit <= 0 {
		return nil
	}
	// Compare in the σ-scaled space the expansion vectors live in.
	qs := make([]float32, m.dim)
	for j := range qs {
		qs[j] = q.Vec[j] * float32(m.sigma[j])
	}
	normalize(qs)
	in := map[int32]bool{}
	for _, t := range q.Terms {
		in[t.ID] = true
	}
	top := newTopK(limit)
	for k, t := range m.expand {
		if in[t] {
			continue
		}
		s := Dot(qs, m.expVecs[k*m.dim:(k+1)*m.dim])
		if s >= minSim {
			top.push(Scored{Doc: int32(k), Score: s})
		}
	}
	var out []RelatedTerm
	for _, s := range top.sorted() {
		id := m.expand[s.Doc]
		out = append(out, RelatedTerm{ID: id, Term: m.terms[id], Sim: s.Score})
	}
	return out
}

// Candidates returns up to limit documents worth scoring for q without
// scanning the catalog: those sharing the query's terms (lexical) and those
// holding the terms nearest the query in the latent space (semantic), each
// list walked in impact order. The score is a cheap blend used only to
// pick candidates; callers rescore with Cosine.
func (m *Model) Candidates(q Query, limit, expand int) []Scored {
	if q.Empty() || limit <= 0 {
		return nil
	}
	a := m.Accumulator()
	defer a.Release()
	for _, t := range q.Terms {
		for _, p := range m.postings[t.ID] {
			a.Add(p.Doc, t.Weight*p.Weight)
		}
	}
	for _, r := range m.Related(q, expand, 0.35) {
		w := 0.5 * r.Sim / float32(len(q.Terms)+1)
		for _, p := range m.postings[r.ID] {
			a.Add(p.Doc, w*p.Weight)
		}
	}
	return a.Top(limit)
}

// TermID returns the id of an index term, and whether it is known.
func (m *Model) TermID(term string) (int32, bool) {
	id, ok := m.vocab[term]
	return id, ok
}

// IDF returns a term's inverse document frequency (0 when unknown).
func (m *Model) IDF(term string) float32 {
	if id, ok := m.vocab[term]; ok {
		return m.idf[id]
	}
	return 0
}

// topK keeps the k highest-scoring items in a min-heap; ties keep the
// lower document number so results are deterministic.
type topK struct {
	k     int
	items []Scored
}

func newTopK(k int) *topK { return &topK{k: k, items: make([]Scored, 0, k)} }

func less(a, b Scored) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.Doc > b.Doc
}

func (t *topK) push(s Scored) {
	if len(t.items) < t.k {
		t.items = append(t.items, s)
		i := len(t.items) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !less(t.items[i], t.items[p]) {
				break
			}
			t.items[i], t.items[p] = t.items[p], t.items[i]
			i = p
		}
		return
	}
	if !less(t.items[0], s) {
		return
	}
	t.items[0] = s
	i := 0
	for {
		l, r, small := 2*i+1, 2*i+2, i
		if l < len(t.items) && less(t.items[l], t.items[small]) {
			small = l
		}
		if r < len(t.items) && less(t.items[r], t.items[small]) {
			small = r
		}
		if small == i {
			break
		}
		t.items[i], t.items[small] = t.items[small], t.items[i]
		i = small
	}
}

func (t *topK) sorted() []Scored {
	out := slices.Clone(t.items)
	slices.SortFunc(out, func(a, b Scored) int {
		if less(a, b) {
			return 1
		}
		if less(b, a) {
			return -1
		}
		return 0
	})
	return out
}
