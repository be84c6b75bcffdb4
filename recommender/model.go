package recommender

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/frameworks"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/lexicon"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// Model is everything the ranker knows about one catalog version. It is
// immutable once built and shared by concurrent requests.
type Model struct {
	version int64
	creds   []*catalog.Credential
	// byID resolves credential ids and alternative URIs to indexes.
	byID map[string]int32
	// active lists the recommendable credentials; semDoc maps a
	// credential to its document in the semantic space (-1 if retired).
	active []int32
	semDoc []int32
	// docCred is semDoc's inverse over the credential documents; the
	// semantic space's documents after them are framework items.
	docCred []int32
	items   []string
	// lexDocs name the concept lexicon's documents, after the framework
	// items'.
	lexDocs []string

	sem   *semantic.Model
	space *competency.Space
	comp  *competency.Index

	// keys are each credential's canonical competency keys.
	keys [][]string
	// titles are normalized titles, to spot one course under two issuers.
	titles []string
	// issuerOf numbers each credential's issuer; issuerIdx maps a
	// lower-cased issuer name or issuer id to that number.
	issuerOf  []int32
	issuerIdx map[string]int32
	// prereqs are resolved prerequisite indexes (from the feed's field, or
	// stated in the criteria's prose); unresolved are the field's ids the
	// catalog does not know, reported by name.
	prereqs    [][]int32
	unresolved [][]string
	// levels are feed levels, else the level the title names.
	levels []int
	// successors[i] are the credentials listing i as a prerequisite.
	successors [][]int32
	// series groups credentials of one stack or leveled sequence; -1 when
	// alone. seriesMembers lists each series' credentials by level.
	series        []int32
	seriesMembers [][]int32
	// containers[i] are the credentials that list i among their parts
	// (HasPart); partOf maps a stack name or id a credential lists in
	// PartOf to those credentials.
	containers [][]int32
	partOf     map[string][]int32

	// induction marks items written for teachers in their first years
	// (isInduction); her career stage steers them.
	induction     []bool
	inductionList []int32
	// flagged marks the credentials flagged as possible duplicates of
	// others: requests test every candidate for a copy she holds
	// (heldCopy), and reading each one's record for that cost a
	// twentieth of a request.
	flagged []bool
	// bandsNamed caches the grade bands each credential's title, tags and
	// opening name (fit.go), for items whose feed states none: read on
	// first use, as only candidates of requests with a grade band need
	// it, and reading every credential would slow every model build.
	bandsNamed []atomic.Uint32

	prior      []float32
	priorOrder []int32
	popularity []float32
	popOrder   []int32

	coEarned map[int32][]weightedDoc
	earnedBy []int32

	stats BuildStats
}

type weightedDoc struct {
	doc int32
	w   float32
}

// BuildStats describes one model build.
type BuildStats struct {
	Version     int64         `json:"catalog_version"`
	Credentials int           `json:"credentials"`
	Active      int           `json:"active"`
	Dims        int           `json:"dims"`
	Vocabulary  int           `json:"vocabulary"`
	Duration    time.Duration `json:"duration_ns"`
	ModelBytes  int64         `json:"model_bytes"`
}

// BuildOptions tune a model build.
type BuildOptions struct {
	// Crosswalk edges between frameworks; nil reads the bundled crosswalk.
	Crosswalk []competency.Edge
	// Histories are earning histories (each the ids one educator holds),
	// the source of co-earned patterns; none is fine.
	Histories [][]string
	// Semantic tunes the semantic space.
	Semantic semantic.Options
	// Parent infers parents of framework codes the snapshot's items do
	// not list; nil uses the code's shape (UDL 7.2 → 7, FFT 3b → 3).
	Parent competency.ParentFunc
}

// compPostingsPerKey caps each competency posting list, keeping the
// credentials with the best prior. A gap code aligned to tens of
// thousands of credentials then costs a bounded amount per request, and
// the semantic and lexical candidates still reach the rest.
const compPostingsPerKey = 2000

// BuildModel builds a model from a snapshot. It is pure computation and may
// take seconds for large catalogs; Engine runs it off the request path.
func BuildModel(ctx context.Context, snap *catalog.Snapshot, opt BuildOptions) (*Model, error) {
	return buildModel(ctx, snap, opt, nil)
}

// buildModel builds a model from a snapshot; a non-nil sem is the
// semantic space built for this snapshot before (see OpenModel), used
// instead of learning it again.
func buildModel(ctx context.Context, snap *catalog.Snapshot, opt BuildOptions, sem *semantic.Model) (*Model, error) {
	start := time.Now()
	if snap == nil {
		return nil, fmt.Errorf("recommender: build model: nil snapshot")
	}
	edges := opt.Crosswalk
	if edges == nil {
		var err error
		if edges, err = competency.BundledCrosswalk(); err != nil {
			return nil, fmt.Errorf("recommender: build model: %w", err)
		}
	}
	fws := snap.Frameworks
	if len(fws) == 0 {
		// A snapshot without frameworks (a catalog built before any were
		// loaded) still gets the bundled ones, so gaps have names and
		// hierarchy.
		reg, err := frameworks.Bundled()
		if err != nil {
			return nil, fmt.Errorf("recommender: build model: %w", err)
		}
		fws = reg.Frameworks()
	}
	m := &Model{
		version: snap.Version,
		creds:   snap.Credentials,
		byID:    make(map[string]int32, len(snap.Credentials)),
		space:   competency.New(fws, edges, opt.Parent),
	}
	m.space.SetAliases(frameworks.CanonicalName)
	n := len(m.creds)
	m.issuerOf = make([]int32, n)
	m.issuerIdx = map[string]int32{}
	for i, c := range m.creds {
		m.byID[c.ID] = int32(i)
		name := strings.ToLower(strings.TrimSpace(c.Issuer))
		idx, ok := m.issuerIdx[name]
		if !ok {
			idx = int32(len(m.issuerIdx))
			m.issuerIdx[name] = idx
		}
		m.issuerOf[i] = idx
		if c.IssuerID != "" {
			if _, taken := m.issuerIdx[strings.ToLower(c.IssuerID)]; !taken {
				m.issuerIdx[strings.ToLower(c.IssuerID)] = idx
			}
		}
	}
	for i, c := range m.creds {
		for _, alt := range c.AltIDs {
			if _, taken := m.byID[alt]; !taken {
				m.byID[alt] = int32(i)
			}
		}
	}
	m.keys = make([][]string, n)
	m.titles = make([]string, n)
	m.induction = make([]bool, n)
	m.flagged = make([]bool, n)
	m.bandsNamed = make([]atomic.Uint32, n)
	m.semDoc = make([]int32, n)
	var docs []semantic.Document
	ndocs := 0
	// Titles and induction markers are read on every core: they are text
	// work over every credential of every build and start. Duplicate
	// flags are read with them.
	parallelRange(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m.titles[i] = normTitle(m.creds[i].Title)
			m.induction[i] = isInduction(m.creds[i])
			m.flagged[i] = len(m.creds[i].PossibleDuplicates) > 0
		}
	})
	for i, c := range m.creds {
		if m.induction[i] && c.Active() {
			m.inductionList = append(m.inductionList, int32(i))
		}
		seen := map[string]bool{}
		for _, comp := range c.Competencies {
			k := m.space.Canonical(comp.Framework, comp.Code)
			if !seen[k] {
				seen[k] = true
				m.keys[i] = append(m.keys[i], k)
			}
		}
		m.semDoc[i] = -1
		if !c.Active() {
			continue
		}
		m.semDoc[i] = int32(ndocs)
		m.active = append(m.active, int32(i))
		m.docCred = append(m.docCred, int32(i))
		ndocs++
		if sem == nil {
			docs = append(docs, m.credentialDocument(c, m.keys[i]))
		}
	}
	// Framework items join the space as short documents so the words that
	// describe a practice sit near the code's term, and near credentials
	// aligned to it.
	for _, f := range fws {
		for _, it := range f.Items {
			key := f.Name + ":" + it.Code
			m.items = append(m.items, key)
			ndocs++
			if sem == nil {
				docs = append(docs, semantic.Document{Title: it.Name, Body: it.Description, Extra: codeTerms(m.space, []string{key})})
			}
		}
	}
	// The concept lexicon's rows join as documents too: a teacher's
	// everyday words ("scrolling", "earbuds") then have a place in the
	// space, beside the profession's terms for the practice, even when
	// her goal words them in a way no phrase of the table matches.
	for k, e := range lexicon.Default().Entries() {
		m.lexDocs = append(m.lexDocs, "lexicon:"+strconv.Itoa(k))
		ndocs++
		if sem == nil {
			var keys []string
			for _, c := range e.Codes {
				fw, code, _ := strings.Cut(c, ":")
				keys = append(keys, m.space.Canonical(fw, code))
			}
			docs = append(docs, semantic.Document{Title: e.Terms, Body: strings.Join(e.Phrases, ". "), Extra: codeTerms(m.space, keys)})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if sem != nil {
		if sem.Len() != ndocs {
			return nil, fmt.Errorf("recommender: stored semantic space holds %d documents, catalog version %d has %d: %w", sem.Len(), snap.Version, ndocs, semantic.ErrFormat)
		}
		m.sem = sem
	} else if len(docs) > 0 {
		sem, err := semantic.Build(ctx, docs, opt.Semantic)
		if err != nil && err != semantic.ErrEmpty {
			return nil, fmt.Errorf("recommender: build semantic space for catalog version %d: %w", snap.Version, err)
		}
		m.sem = sem
	}
	m.buildGraph()
	m.buildHistories(opt.Histories)
	m.buildPrior()
	m.comp = competency.NewIndex(m.space, m.keys, m.priorOrder, compPostingsPerKey)

	m.stats = BuildStats{Version: snap.Version, Credentials: n, Active: len(m.active), Duration: time.Since(start)}
	if m.sem != nil {
		m.stats.Dims = m.sem.Dim()
		m.stats.Vocabulary = m.sem.VocabSize()
		m.stats.ModelBytes = m.sem.Memory()
	}
	m.stats.ModelBytes += int64(n) * 64
	return m, nil
}

// credentialDocument is the text a credential contributes to the semantic
// space: title, description, criteria, tags, subjects and the names of the
// codes it is aligned to, plus the codes themselves (and their parents) as
// terms.
func (m *Model) credentialDocument(c *catalog.Credential, keys []string) semantic.Document {
	var b strings.Builder
	b.WriteString(c.Description)
	for _, s := range [][]string{c.Tags, c.Subjects} {
		for _, t := range s {
			b.WriteString(". ")
			b.WriteString(t)
		}
	}
	for i, comp := range c.Competencies {
		name := comp.Name
		if name == "" && i < len(keys) {
			name = m.space.Name(keys[i])
		}
		if name != "" {
			b.WriteString(". ")
			b.WriteString(name)
		}
	}
	if len(c.Criteria) < 2000 {
		b.WriteString(". ")
		b.WriteString(c.Criteria)
	}
	return semantic.Document{Title: c.Title, Body: b.String(), Extra: codeTerms(m.space, keys)}
}

// codeTerms turns competency keys into semantic terms: the code and its
// parent, so checkpoints of one guideline share a term.
func codeTerms(space *competency.Space, keys []string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, semantic.ExtraPrefix+strings.ToLower(k))
		if p := space.Parent(k); p != "" {
			out = append(out, semantic.ExtraPrefix+strings.ToLower(p))
		}
	}
	return out
}

// levelWords are the words levelMarker's first form needs.
var levelWords = []string{"level", "part", "stage", "tier", "step"}

// mayNameLevel is a cheap test that levelMarker could match title: it
// holds one of levelWords, or a roman numeral of at most four letters
// right before a colon or dash. Titles are read for every credential of
// every model build, and the regular expression is most of that work.
func mayNameLevel(title string) bool {
	lower := strings.ToLower(title)
	for _, w := range levelWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	for k := 0; k < len(lower); k++ {
		switch lower[k] {
		case ':', '-':
		case 0xe2: // the first byte of "–" and "—"
		default:
			continue
		}
		j := k
		for j > 0 && lower[j-1] == ' ' {
			j--
		}
		n := 0
		for j > 0 && strings.IndexByte("ivx", lower[j-1]) >= 0 {
			j--
			n++
		}
		if n >= 1 && n <= 4 && (j == 0 || !isASCIIWordByte(lower[j-1])) {
			return true
		}
	}
	return false
}

func isASCIIWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_'
}

// levelMarker finds the step a title names: "Level 2", "Part II", or a
// roman numeral before a colon ("Clinical Practice II: Co-Teaching").
var levelMarker = regexp.MustCompile(`(?i)\b(?:level|part|stage|tier|step)\s*([0-9]+|[ivx]+)\b|\b([IVX]{1,4})\s*[:\-–—]`)

// romanOrNumber parses "3" or "iii".
func romanOrNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	vals := map[byte]int{'i': 1, 'v': 5, 'x': 10}
	s = strings.ToLower(s)
	total := 0
	for k := 0; k < len(s); k++ {
		v := vals[s[k]]
		if k+1 < len(s) && vals[s[k+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	return total
}

// titleLevel returns the level a title names and the series name before
// the marker ("Structured Academic Talk, Level 2: Protocols" → 2,
// "structured academic talk"), or 0 and "" when it names none. Feeds that
// have no level field (Open Badges) put it there.
func titleLevel(title string) (int, string) {
	if !mayNameLevel(title) {
		return 0, ""
	}
	loc := levelMarker.FindStringSubmatchIndex(title)
	if loc == nil {
		return 0, ""
	}
	num := ""
	if loc[2] >= 0 {
		num = title[loc[2]:loc[3]]
	} else if loc[4] >= 0 {
		num = title[loc[4]:loc[5]]
		if loc[4] == 0 {
			return 0, ""
		}
	}
	prefix := strings.Join(semantic.Words(title[:loc[0]]), " ")
	if prefix == "" {
		return 0, ""
	}
	return romanOrNumber(num), prefix
}

// prereqLine finds prerequisites stated in prose, as Open Badges issuers
// do in criteria ("Prerequisite: [Title](https://...)", "Prerequisites:
// Title One; Title Two.").
var (
	prereqLine = regexp.MustCompile(`(?i)prerequisites?\W{0,4}[:\-–—]\**\s*([^\n]+)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	bareURL    = regexp.MustCompile(`https?://[^\s)\]]+`)
	titleParts = regexp.MustCompile(`;|\band\b`)
)

// mentionsPrerequisite reports whether text contains "prerequisite" in any
// ASCII case: a cheap test before prereqLine, which only matches such
// text, runs over every record.
func mentionsPrerequisite(text string) bool {
	const word = "prerequisite"
	for i := 0; i+len(word) <= len(text); i++ {
		if text[i]|0x20 != 'p' {
			continue
		}
		j := 1
		for j < len(word) && text[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// textPrerequisites resolves the prerequisites a credential's criteria or
// description state in prose: by link or URL first, else by title (the
// same issuer's credentials first).
func (m *Model) textPrerequisites(i int, byTitle map[string][]int32) []int32 {
	c := m.creds[i]
	var out []int32
	addIdx := func(j int32) {
		if int(j) != i && !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	for _, text := range []string{c.Criteria, c.Description} {
		if !mentionsPrerequisite(text) {
			continue
		}
		for _, mt := range prereqLine.FindAllStringSubmatch(text, 4) {
			line := mt[1]
			found := false
			for _, l := range mdLink.FindAllStringSubmatch(line, -1) {
				if j, ok := m.byID[l[2]]; ok {
					addIdx(j)
					found = true
				} else if j, ok := m.titleMatch(l[1], c.Issuer, byTitle); ok {
					addIdx(j)
					found = true
				}
			}
			for _, u := range bareURL.FindAllString(line, -1) {
				if j, ok := m.byID[strings.TrimRight(u, ".,;")]; ok {
					addIdx(j)
					found = true
				}
			}
			if found {
				continue
			}
			// Titles may contain commas; try the whole line, then parts.
			line = strings.TrimRight(strings.TrimSpace(line), ".")
			if j, ok := m.titleMatch(line, c.Issuer, byTitle); ok {
				addIdx(j)
				continue
			}
			for _, part := range titleParts.Split(line, -1) {
				if j, ok := m.titleMatch(strings.TrimSpace(part), c.Issuer, byTitle); ok {
					addIdx(j)
				}
			}
		}
		if len(out) > 0 {
			break
		}
	}
	return out
}

func (m *Model) titleMatch(title, issuer string, byTitle map[string][]int32) (int32, bool) {
	cands := byTitle[normTitle(title)]
	for _, j := range cands {
		if m.creds[j].Issuer == issuer {
			return j, true
		}
	}
	if len(cands) == 1 {
		return cands[0], true
	}
	return 0, false
}

// buildGraph resolves prerequisites (fields, else prose), infers levels
// from titles where feeds give none, and groups credentials into series:
// a stack named in PartOf/HasPart, one issuer's leveled prerequisite
// chain, or one issuer's titles that share a name before a level marker
// ("Formative Assessment, Level 1: …").
func (m *Model) buildGraph() {
	n := len(m.creds)
	m.prereqs = make([][]int32, n)
	m.unresolved = make([][]string, n)
	m.successors = make([][]int32, n)
	m.levels = make([]int, n)
	byTitle := map[string][]int32{}
	for i := range m.creds {
		byTitle[m.titles[i]] = append(byTitle[m.titles[i]], int32(i))
	}
	// What titles say (level markers, series names) is read on every core
	// first: regular expressions over every title are most of the work.
	prefixes := make([]string, n)
	titleLevels := make([]int, n)
	seriesKeys := make([]string, n)
	parallelRange(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := m.creds[i]
			titleLevels[i], prefixes[i] = titleLevel(c.Title)
			if prefixes[i] == "" && (c.Level > 0 || titleLevels[i] > 0) {
				seriesKeys[i] = seriesKey(c)
			}
		}
	})
	for i, c := range m.creds {
		m.levels[i] = c.Level
		if m.levels[i] == 0 {
			m.levels[i] = titleLevels[i]
		}
		for _, p := range c.Prerequisites {
			if j, ok := m.byID[p]; ok && int(j) != i {
				m.prereqs[i] = append(m.prereqs[i], j)
			} else if !ok {
				m.unresolved[i] = append(m.unresolved[i], p)
			}
		}
		if len(c.Prerequisites) == 0 {
			m.prereqs[i] = m.textPrerequisites(i, byTitle)
		}
		for _, j := range m.prereqs[i] {
			m.successors[j] = append(m.successors[j], int32(i))
		}
	}
	m.containers = make([][]int32, n)
	m.partOf = map[string][]int32{}
	for i, c := range m.creds {
		for _, part := range c.HasPart {
			if j, ok := m.byID[part]; ok && int(j) != i && !slices.Contains(m.containers[j], int32(i)) {
				m.containers[j] = append(m.containers[j], int32(i))
			}
		}
		for _, s := range c.PartOf {
			m.partOf[s] = append(m.partOf[s], int32(i))
		}
	}
	m.series = make([]int32, n)
	groups := map[string][]int32{}
	for i, c := range m.creds {
		m.series[i] = -1
		for _, s := range c.PartOf {
			groups["stack|"+s] = append(groups["stack|"+s], int32(i))
		}
		for _, part := range c.HasPart {
			if j, ok := m.byID[part]; ok {
				groups["stack|"+c.ID] = append(groups["stack|"+c.ID], j)
			}
		}
		switch {
		case prefixes[i] != "":
			k := "title|" + strings.ToLower(c.Issuer) + "|" + prefixes[i]
			groups[k] = append(groups[k], int32(i))
		case m.levels[i] > 0:
			k := "title|" + seriesKeys[i]
			groups[k] = append(groups[k], int32(i))
		}
	}
	// A leveled prerequisite chain of one issuer is a stack too
	// ("Assessment Foundations" 1 → "Assessment Practitioner" 2 →
	// "Assessment Leader" 3), whatever its titles say.
	chain := make([]int32, n)
	for i := range chain {
		chain[i] = int32(i)
	}
	root := func(i int32) int32 {
		for chain[i] != i {
			chain[i] = chain[chain[i]]
			i = chain[i]
		}
		return i
	}
	linked := make([]bool, n)
	for i, c := range m.creds {
		if m.levels[i] <= 0 {
			continue
		}
		for _, j := range m.prereqs[i] {
			if m.levels[j] > 0 && m.levels[j] < m.levels[i] && strings.EqualFold(m.creds[j].Issuer, c.Issuer) {
				chain[root(int32(i))] = root(j)
				linked[i], linked[j] = true, true
			}
		}
	}
	for i := range m.creds {
		if linked[i] {
			k := "chain|" + m.creds[root(int32(i))].ID
			groups[k] = append(groups[k], int32(i))
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	// Stacks first: a credential belongs to the first series found for it.
	slices.Sort(keys)
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Compare(boolInt(!strings.HasPrefix(a, "stack|")), boolInt(!strings.HasPrefix(b, "stack|")))
	})
	for _, k := range keys {
		members := slices.Compact(slices.Sorted(slices.Values(groups[k])))
		var kept []int32
		levels := map[int]bool{}
		for _, i := range members {
			if m.series[i] == -1 {
				kept = append(kept, i)
				levels[m.levels[i]] = true
			}
		}
		if len(kept) < 2 || len(levels) < 2 {
			continue
		}
		id := int32(len(m.seriesMembers))
		for _, i := range kept {
			m.series[i] = id
		}
		slices.SortStableFunc(kept, func(a, b int32) int { return cmp.Compare(m.levels[a], m.levels[b]) })
		m.seriesMembers = append(m.seriesMembers, kept)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// seriesKey names a leveled credential's sequence when its title carries
// no level marker: the issuer and the title without numbering — a run of
// ASCII letters and digits that is all digits or all capital roman
// numerals ("2", "IV"), and the punctuation : - – — ( ) , — lower-cased.
// A hand-written scan: it runs for most credentials of every build.
func seriesKey(c *catalog.Credential) string {
	t := c.Title
	var b strings.Builder
	b.Grow(len(t))
	for i := 0; i < len(t); {
		ch := t[i]
		if isASCIIWordChar(ch) {
			j := i
			for j < len(t) && isASCIIWordChar(t[j]) {
				j++
			}
			if run := t[i:j]; strings.Trim(run, "0123456789") == "" || strings.Trim(run, "IVX") == "" {
				b.WriteByte(' ')
			} else {
				b.WriteString(run)
			}
			i = j
			continue
		}
		switch {
		case strings.IndexByte(":-(),", ch) >= 0:
			b.WriteByte(' ')
			i++
		case strings.HasPrefix(t[i:], "–"), strings.HasPrefix(t[i:], "—"):
			b.WriteByte(' ')
			i += len("–")
		default:
			b.WriteByte(ch)
			i++
		}
	}
	return strings.ToLower(c.Issuer) + "|" + strings.Join(strings.Fields(strings.ToLower(b.String())), " ")
}

// isASCIIWordChar is a character of a regular expression's \w.
func isASCIIWordChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// buildHistories counts co-earned pairs: how often two credentials are
// held by the same educator, normalized as cosine similarity of their
// holder sets.
func (m *Model) buildHistories(histories [][]string) {
	m.earnedBy = make([]int32, len(m.creds))
	pairs := map[[2]int32]int32{}
	for _, h := range histories {
		var idx []int32
		for _, id := range h {
			if i, ok := m.byID[id]; ok {
				idx = append(idx, i)
			}
		}
		slices.Sort(idx)
		idx = slices.Compact(idx)
		if len(idx) > 50 {
			// A transcript that long says little about any one pair.
			idx = idx[:50]
		}
		for a, i := range idx {
			m.earnedBy[i]++
			for _, j := range idx[a+1:] {
				pairs[[2]int32{i, j}]++
			}
		}
	}
	if len(pairs) == 0 {
		return
	}
	m.coEarned = map[int32][]weightedDoc{}
	for p, c := range pairs {
		if c < 2 {
			continue
		}
		w := float32(float64(c) / math.Sqrt(float64(m.earnedBy[p[0]])*float64(m.earnedBy[p[1]])))
		m.coEarned[p[0]] = append(m.coEarned[p[0]], weightedDoc{p[1], w})
		m.coEarned[p[1]] = append(m.coEarned[p[1]], weightedDoc{p[0], w})
	}
	for k, list := range m.coEarned {
		slices.SortFunc(list, func(a, b weightedDoc) int { return cmp.Compare(b.w, a.w) })
		if len(list) > 50 {
			m.coEarned[k] = list[:50]
		}
	}
}

// buildPrior scores every credential on what makes a good next credential
// for anyone: an entry level, no prerequisites, low cost, a few hours,
// alignment to known frameworks, and being connected (others build on it,
// educators earn it). The cold start ranks by it; elsewhere it breaks ties.
func (m *Model) buildPrior() {
	n := len(m.creds)
	m.prior = make([]float32, n)
	m.popularity = make([]float32, n)
	var maxConn float64
	conn := make([]float64, n)
	for i := range m.creds {
		conn[i] = math.Log1p(float64(len(m.successors[i])) + float64(m.earnedBy[i]))
		maxConn = max(maxConn, conn[i])
	}
	for i, c := range m.creds {
		entry := 0.2
		switch lvl := m.levels[i]; {
		case lvl <= 1:
			entry = 1
		case lvl == 2:
			entry = 0.5
		}
		noPrereq := 1.0
		if len(m.prereqs[i])+len(m.unresolved[i]) > 0 {
			noPrereq = 0.2
		}
		cost := 0.5
		if c.CostUSD != nil {
			switch v := *c.CostUSD; {
			case v == 0:
				cost = 1
			case v <= 25:
				cost = 0.8
			case v <= 100:
				cost = 0.5
			default:
				cost = 0.2
			}
		}
		hours := 0.5
		if c.Hours != nil {
			hours = 1 / (1 + *c.Hours/15)
		}
		aligned := 0.0
		for _, k := range m.keys[i] {
			fw, code, _ := strings.Cut(k, ":")
			if _, ok := m.space.CanonicalFramework(fw); ok && m.space.KnownCode(fw, code) {
				aligned += 1.0 / 3
			}
		}
		aligned = min(aligned, 1)
		connected := 0.0
		if maxConn > 0 {
			connected = conn[i] / maxConn
		}
		m.prior[i] = float32(0.3*entry + 0.15*noPrereq + 0.2*cost + 0.05*hours + 0.15*aligned + 0.15*connected)
		m.popularity[i] = float32(2*math.Log1p(float64(m.earnedBy[i])) + math.Log1p(float64(len(m.successors[i]))) + 0.1*float64(len(m.keys[i])))
	}
	m.priorOrder = slices.Clone(m.active)
	slices.SortStableFunc(m.priorOrder, func(a, b int32) int { return cmp.Compare(m.prior[b], m.prior[a]) })
	m.popOrder = slices.Clone(m.active)
	slices.SortStableFunc(m.popOrder, func(a, b int32) int { return cmp.Compare(m.popularity[b], m.popularity[a]) })
}

// Version returns the catalog version the model was built from.
func (m *Model) Version() int64 { return m.version }

// Stats returns how the model was built.
func (m *Model) Stats() BuildStats { return m.stats }

// CanonicalFramework and KnownCode let profile validation check gaps
// against the frameworks this catalog version knows.
func (m *Model) CanonicalFramework(name string) (string, bool) {
	return m.space.CanonicalFramework(name)
}

// KnownCode reports whether code is a code of framework.
func (m *Model) KnownCode(framework, code string) bool { return m.space.KnownCode(framework, code) }

// Has reports whether id (or an alternative URI a feed used) names an item
// of this catalog version.
func (m *Model) Has(id string) bool {
	_, ok := m.resolve(id)
	return ok
}

// resolve returns the index of a credential id or alternative URI.
func (m *Model) resolve(id string) (int32, bool) {
	return catalog.ResolveID(id, func(k string) (int32, bool) { i, ok := m.byID[k]; return i, ok })
}

// otherDocs is how many documents of the semantic space are not
// credentials: a search for k credentials asks for k+otherDocs.
func (m *Model) otherDocs() int { return len(m.items) + len(m.lexDocs) }

// vec returns a credential's semantic vector, nil when it has none.
func (m *Model) vec(i int32) []float32 {
	if m.sem == nil || m.semDoc[i] < 0 {
		return nil
	}
	return m.sem.Vec(int(m.semDoc[i]))
}
