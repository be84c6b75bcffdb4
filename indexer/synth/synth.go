// Package synth generates large SYNTHETIC credential catalogs and educator
// profiles for benchmarks and load tests. Everything it produces is made up:
// issuers are named "Synthetic Issuer NN", ids are "synth-N", URLs point at
// synthetic.example. The output is for benchmarks only and must never be
// mixed with the bundled datasets or shown as real credentials.
//
// The text is composed from a vocabulary of real professional-development
// topics (formative assessment, discussion protocols, UDL, MTSS, ...) with
// Zipf-distributed choices of topics, terms and sentence templates, so that
// full-text search and LSA see realistic term statistics. Competencies are
// real codes of the seven bundled frameworks.
//
// Output is deterministic for a given size and seed, and a catalog of n
// credentials is a prefix of a larger one with the same seed (except that
// the last stack may be cut short). Each streams credentials one at a time,
// so millions can be written without holding them in memory.
package synth

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

const (
	numIssuers = 40
	// stackGroupProb is the chance that the next group is a 3-level stack
	// rather than a single credential: with q = 0.2/2.6 about 20% of all
	// credentials end up in stacks (3q / (3q + 1 - q) = 0.2).
	stackGroupProb = 0.2 / 2.6
	minWords       = 30
	maxWords       = 120
)

// IssuerName returns the name of synthetic issuer i (1-based).
func IssuerName(i int) string { return fmt.Sprintf("Synthetic Issuer %02d", i) }

func issuerID(i int) string { return fmt.Sprintf("https://synthetic.example/issuers/%02d", i) }

// ID returns the id of the i-th synthetic credential (1-based).
func ID(i int) string { return "synth-" + strconv.Itoa(i) }

// gen holds the random state of one generation run.
type gen struct {
	r         *rand.Rand
	topicZ    *rand.Zipf
	issuerZ   *rand.Zipf
	templateZ *rand.Zipf
	termZ     []*rand.Zipf // per topic
	v         *vocabulary
	// scratch space reused across credentials
	buf, sentence []byte
	slots         [5]string
}

func newGen(seed int64, stream uint64) *gen {
	v := loadVocabulary()
	r := rand.New(rand.NewPCG(uint64(seed), stream))
	g := &gen{
		r:         r,
		v:         v,
		topicZ:    rand.NewZipf(r, 1.1, 2, uint64(len(v.topics)-1)),
		issuerZ:   rand.NewZipf(r, 1.05, 3, numIssuers-1),
		templateZ: rand.NewZipf(r, 1.05, 4, uint64(len(templates)-1)),
	}
	g.termZ = make([]*rand.Zipf, len(v.topics))
	for i, t := range v.topics {
		g.termZ[i] = rand.NewZipf(r, 1.2, 1, uint64(len(t.terms)-1))
	}
	return g
}

// Generate returns n synthetic credentials, deterministic for seed. It is
// Each collected into a slice and holds every credential (about 1.5 KB
// each, so 1.5 GB for a million); prefer Each for very large n.
func Generate(n int, seed int64) []*catalog.Credential {
	creds := make([]*catalog.Credential, 0, max(n, 0))
	_ = Each(n, seed, func(c *catalog.Credential) error {
		creds = append(creds, c)
		return nil
	})
	return creds
}

// Each generates n synthetic credentials in id order (synth-1 … synth-n) and
// calls fn with each; it stops at and returns fn's first error. fn may keep
// the credential: each call gets a fresh one.
//
// About 20% of the credentials form 3-level stacks (levels 1, 2, 3 with
// consecutive ids, each level requiring the previous one); the others are
// single credentials of level 1–3 without prerequisites.
func Each(n int, seed int64, fn func(*catalog.Credential) error) error {
	g := newGen(seed, 0x63726564) // "cred"
	for i := 1; i <= n; {
		size := 1
		// Always draw, so the random stream does not depend on n.
		if g.r.Float64() < stackGroupProb && n-i >= 2 {
			size = 3
		}
		base := g.base()
		for k := 0; k < size; k++ {
			c := g.credential(i+k, base, size == 3, k+1)
			if err := fn(c); err != nil {
				return err
			}
		}
		i += size
	}
	return nil
}

// group is what the members of one stack share.
type group struct {
	topic      int
	second     int // another topic, or -1
	issuer     int
	format     string
	gradeBands []string
	subjects   []string
}

func (g *gen) base() group {
	r := g.r
	b := group{topic: int(g.topicZ.Uint64()), second: -1, issuer: int(g.issuerZ.Uint64()) + 1}
	if r.Float64() < 0.4 {
		b.second = r.IntN(len(g.v.topics))
		if b.second == b.topic {
			b.second = -1
		}
	}
	switch p := r.Float64(); {
	case p < 0.50:
		b.format = catalog.FormatOnline
	case p < 0.75:
		b.format = catalog.FormatHybrid
	case p < 0.95:
		b.format = catalog.FormatInPerson
	}
	// Grade bands: 10% unstated, 3% adult education, else a span of one to
	// three adjacent K-12 bands.
	switch p := r.Float64(); {
	case p < 0.10:
	case p < 0.13:
		b.gradeBands = catalog.GradeBands[len(catalog.GradeBands)-1:]
	default:
		k12 := catalog.GradeBands[:len(catalog.GradeBands)-1]
		start := r.IntN(len(k12))
		b.gradeBands = k12[start:min(start+1+r.IntN(3), len(k12))]
	}
	t := &g.v.topics[b.topic]
	switch {
	case len(t.subjects) > 0 && r.Float64() < 0.8:
		b.subjects = []string{t.subjects[r.IntN(len(t.subjects))]}
		if r.Float64() < 0.2 {
			b.subjects = appendNew(b.subjects, subjects[r.IntN(len(subjects))])
		}
	case r.Float64() < 0.5:
		b.subjects = []string{subjects[r.IntN(len(subjects))]}
	}
	return b
}

func (g *gen) credential(i int, b group, stacked bool, step int) *catalog.Credential {
	r := g.r
	t := &g.v.topics[b.topic]
	level := step
	if !stacked {
		switch p := r.Float64(); {
		case p < 0.55:
			level = 1
		case p < 0.85:
			level = 2
		default:
			level = 3
		}
	}
	c := &catalog.Credential{
		ID:          ID(i),
		Issuer:      g.v.issuers[b.issuer-1],
		IssuerID:    g.v.issuerIDs[b.issuer-1],
		Type:        "MicroCredential",
		URL:         "https://synthetic.example/credentials/" + ID(i),
		Level:       level,
		Format:      b.format,
		GradeBands:  clone(b.gradeBands),
		Subjects:    clone(b.subjects),
		Title:       g.title(b, stacked, step),
		Description: g.description(b),
	}
	c.Status = catalog.StatusActive
	if stacked && step > 1 {
		c.Prerequisites = []string{ID(i - 1)}
	}
	c.Competencies = g.competencies(b)

	// Cost: 30% free, else log-uniform 15–400 USD in whole dollars.
	if r.Float64() < 0.3 {
		c.CostUSD = catalog.Float(0)
	} else {
		c.CostUSD = catalog.Float(math.Round(logUniform(r, 15, 400)))
	}
	// Hours: 2–60, longer at higher levels, in half hours.
	lo, hi := [4]float64{0, 2, 4, 8}[level], [4]float64{0, 20, 40, 60}[level]
	c.Hours = catalog.Float(math.Round(logUniform(r, lo, hi)*2) / 2)

	c.Tags = []string{t.tags[r.IntN(len(t.tags))]}
	if r.Float64() < 0.6 {
		c.Tags = appendNew(c.Tags, t.tags[r.IntN(len(t.tags))])
	}
	if b.second >= 0 && r.Float64() < 0.5 {
		s := g.v.topics[b.second].tags
		c.Tags = appendNew(c.Tags, s[r.IntN(len(s))])
	}
	return c
}

func (g *gen) term(topic int) string {
	return g.v.topics[topic].terms[g.termZ[topic].Uint64()]
}

// otherTerm draws a term of topic that differs from avoid (the next term in
// rank order when the draw repeats it).
func (g *gen) otherTerm(topic int, avoid string) string {
	terms := g.v.topics[topic].terms
	i := g.termZ[topic].Uint64()
	if strings.EqualFold(terms[i], avoid) {
		i = (i + 1) % uint64(len(terms))
	}
	return terms[i]
}

func (g *gen) title(b group, stacked bool, step int) string {
	r := g.r
	t := &g.v.topics[b.topic]
	if stacked {
		return t.title + " " + stackLevels[step]
	}
	switch r.IntN(5) {
	case 0:
		return t.title + ": " + g.v.titled[g.otherTerm(b.topic, t.title)]
	case 1:
		return titlePrefixes[r.IntN(len(titlePrefixes))] + " " + t.title
	case 2:
		if len(b.subjects) > 0 {
			return t.title + " in " + g.v.titled[b.subjects[0]]
		}
		return g.v.titled[g.term(b.topic)] + " in Practice"
	case 3:
		return g.v.titled[g.term(b.topic)] + " for " + g.v.titled[audiences[r.IntN(len(audiences))]]
	default:
		if b.second >= 0 {
			return g.v.titled[g.term(b.topic)] + " and " + g.v.titled[g.term(b.second)]
		}
		return g.v.titled[g.term(b.topic)] + " Essentials"
	}
}

// description writes sentences until it reaches a random target between
// minWords and maxWords, never going over maxWords.
func (g *gen) description(b group) string {
	r := g.r
	target := minWords + r.IntN(maxWords-minWords+1)
	buf := g.buf[:0]
	words := 0
	for tries := 0; words < target && tries < 256; tries++ {
		second := b.second
		if second < 0 {
			second = int(g.topicZ.Uint64())
		}
		first := g.term(b.topic)
		g.slots = [5]string{first, g.otherTerm(b.topic, first), g.otherTerm(second, first),
			audiences[r.IntN(len(audiences))], artifacts[r.IntN(len(artifacts))]}
		g.sentence = g.v.templates[g.templateZ.Uint64()].appendTo(g.sentence[:0], &g.slots)
		if bytes.Contains(buf, g.sentence) {
			continue // no sentence twice in one description
		}
		n := countWords(g.sentence)
		if words+n > maxWords {
			if words >= minWords {
				break
			}
			continue
		}
		if words > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, g.sentence...)
		words += n
	}
	g.buf = buf
	return string(buf)
}

// competencies draws 1–4 distinct codes, mostly from the topic's usual
// alignments, sometimes from the second topic or from any framework code.
func (g *gen) competencies(b group) []catalog.Competency {
	r := g.r
	var k int
	switch p := r.Float64(); {
	case p < 0.30:
		k = 1
	case p < 0.65:
		k = 2
	case p < 0.90:
		k = 3
	default:
		k = 4
	}
	own := g.v.topics[b.topic].items
	out := make([]catalog.Competency, 0, k)
	for tries := 0; len(out) < k && tries < 16; tries++ {
		var it *item
		switch p := r.Float64(); {
		case len(out) == 0 || p < 0.7: // the first one always fits the topic
			it = own[r.IntN(len(own))]
		case p < 0.9 && b.second >= 0:
			s := g.v.topics[b.second].items
			it = s[r.IntN(len(s))]
		default:
			it = &g.v.all[r.IntN(len(g.v.all))]
		}
		if !hasCompetency(out, it) {
			out = append(out, catalog.Competency{Framework: it.framework, Code: it.code, Name: it.name})
		}
	}
	return out
}

func hasCompetency(cs []catalog.Competency, it *item) bool {
	for _, c := range cs {
		if c.Framework == it.framework && c.Code == it.code {
			return true
		}
	}
	return false
}

func logUniform(r *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
}

// countWords counts space-separated words without allocating.
func countWords(s []byte) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

func titleCase(s string) string {
	f := strings.Fields(s)
	for i, w := range f {
		if i > 0 && (w == "and" || w == "of" || w == "for" || w == "to" || w == "in" || w == "with") {
			continue
		}
		parts := strings.Split(w, "-")
		for j, p := range parts {
			if p != "" {
				parts[j] = strings.ToUpper(p[:1]) + p[1:]
			}
		}
		f[i] = strings.Join(parts, "-")
	}
	return strings.Join(f, " ")
}

func clone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
