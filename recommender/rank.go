package recommender

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/competency"
	"github.com/pdpath/pdpath/recommender/lexicon"
	"github.com/pdpath/pdpath/recommender/semantic"
)

// MaxLimit caps RecommendOptions.Limit: past it, a list is a catalog
// listing, not a recommendation, and costs the ranker for nothing.
const MaxLimit = 200

// RecommendOptions shape one answer.
type RecommendOptions struct {
	// Limit is how many items to return; 0 means 10.
	Limit int
}

// Item is one suggestion. JSON matches the `recommend --json` items (recommender/README.md).
type Item struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Issuer  string   `json:"issuer"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
	// Why holds the same reasons as objects, at the same indexes.
	Why []Why `json:"why"`
	// CostUSD and Hours are null when the item does not state them.
	CostUSD *float64 `json:"cost_usd"`
	Hours   *float64 `json:"hours"`
	Format  string   `json:"format"`
	// Level is the step the feed states, else the one its title names; 0
	// when neither does.
	Level int    `json:"level"`
	URL   string `json:"url"`
	Kind  string `json:"kind"`
}

// newItem is an Item carrying credential i's facts; score and reasons are
// the caller's.
func (m *Model) newItem(i int32, score float64, reasons []string, why []Why) Item {
	c := m.creds[i]
	if reasons == nil {
		reasons = []string{}
	}
	if why == nil {
		why = []Why{}
	}
	return Item{ID: c.ID, Title: c.Title, Issuer: c.Issuer, Score: score, Reasons: reasons, Why: why,
		CostUSD: c.CostUSD, Hours: c.Hours, Format: c.Format, Level: m.levels[i], URL: c.URL, Kind: c.ItemKind()}
}

// Result is the answer to one request: the items, best first, and the
// preferences relaxed because no credential met them all.
type Result struct {
	Items   []Item   `json:"items"`
	Relaxed []string `json:"relaxed,omitempty"`
	// NotInCatalog lists backpack badges the catalog does not hold; they
	// could not count as earned (set by the caller that read the
	// backpack).
	NotInCatalog []string `json:"not_in_catalog,omitempty"`
	// CatalogVersion is the version of the model that answered.
	CatalogVersion int64 `json:"catalog_version,omitempty"`
}

// Tuning constants of candidate generation, sized so one request costs
// about the same at 10k and 1M credentials.
const (
	searchCandidates   = 150
	semanticCandidates = 200
	expansionTerms     = 16
	// exactScanLimit: up to this many credentials, semantic candidates
	// come from scoring them all (exact); beyond, from the model's
	// postings (bounded).
	exactScanLimit = 5000
	nextCandidates = 100
	// compCandidatesPerKey is how many credentials an exactly matching
	// gap code contributes (by prior); weaker matches contribute fewer.
	compCandidatesPerKey = 60
	priorScanLimit       = 20000
	// priorFillScan bounds the scan that tops up a thin candidate list.
	priorFillScan = 3000
	mmrPoolFactor = 5
)

// Recommend ranks credentials for profile p. The profile should have been
// validated (package profile); unknown frameworks are kept as written and
// earned ids that the catalog does not know are ignored.
func (e *Engine) Recommend(ctx context.Context, p catalog.Profile, opt RecommendOptions) (Result, error) {
	return e.recommend(ctx, p, opt, e.feat)
}

// recommend is Recommend with the given features (eval's ablations).
func (e *Engine) recommend(ctx context.Context, p catalog.Profile, opt RecommendOptions, feat features) (Result, error) {
	m, err := e.current()
	if err != nil {
		return Result{}, err
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxLimit)
	r, err := e.newRequestWith(ctx, m, p, true, feat)
	if err != nil {
		return Result{}, err
	}
	defer r.release()
	ranked, relaxed := r.rank(limit)
	picked := r.diversify(ranked, limit)
	res := Result{Items: make([]Item, 0, len(picked)), Relaxed: relaxed, CatalogVersion: m.version}
	prev := math.Inf(1)
	for _, c := range picked {
		score := math.Min(round4(c.score), prev)
		prev = score
		texts, whys := r.reasons(c)
		res.Items = append(res.Items, m.newItem(c.idx, score, texts, whys))
	}
	return res, nil
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// request is one profile resolved against one model.
type request struct {
	e      *Engine
	m      *Model
	w      Weights
	p      catalog.Profile
	earned map[int32]bool
	// earnedOrder keeps her earned credentials in profile order.
	earnedOrder []int32
	plan        *competency.Plan
	query       semantic.Query
	lexQuery    semantic.Query
	searchText  string
	// goalWords maps a goal term to the word she wrote.
	goalWords map[string]string
	// near are the semantic candidates (nearest), found once.
	near     []semantic.Scored
	nearDone bool
	// related are terms near her goals in the semantic space, found on
	// first use (only reasons need them).
	related  map[string]float32
	relDone  bool
	affinity []float32
	prefs    prefs
	// fit scores how closely an item is written for her grade bands and
	// subjects.
	fit fitter
	// exp is her career stage, from years_experience or her goals.
	exp experience
	// goalPlan holds the framework codes nearest her goals, as soft gaps;
	// nil when her goals name no practice a framework describes.
	goalPlan *competency.Plan
	// concepts are the concept lexicon's phrases found in her goals;
	// expansion is their terms, the text her goals are expanded with.
	concepts  []lexicon.Match
	expansion string
	// steps memoizes stepsAway.
	steps map[int32]int
	feat  features
	cands map[int32]*cand
	// hits are the search index's scores by credential; lexical the
	// model's own TF-IDF scores by semantic document when there is no
	// index.
	hits    map[int32]float64
	lexical *semantic.Accumulator
	// maxLex and maxSem are the best candidate's lexical and semantic
	// scores, the features' scale.
	maxLex, maxSem float64
}

// cand is one candidate with its features.
type cand struct {
	idx      int32
	lex, sem float64
	comp     float64
	coverage []competency.Coverage
	next     float64
	nextWhy  string
	nextFrom string // the earned credential's id
	nextRel  string // next_level, builds_on, co_earned
	affinity float64
	unlocks  int32 // a credential this one is a missing prerequisite of, or -1
	// missing names the prerequisites she lacks (titles, or the feed's
	// ids when unresolved); missingIDs are their ids.
	missing    []string
	missingIDs []string
	// steps is how many credentials she must earn before this one: 0 when
	// its prerequisites are met, 1 when one named step is missing.
	steps int
	// goalStd is how well its codes meet the framework codes nearest her
	// goals; goalCov says which.
	goalStd float64
	goalCov []competency.Coverage
	// fit is how closely it is written for her bands and subjects.
	fit      float64
	unstated []string
	violates []violation
	score    float64
	// checked caches the strict filter test: 0 not yet, 1 pass, 2 fail.
	checked int8
}

// newRequest resolves the profile: earned ids to credentials, gaps to
// canonical codes and their expansions, goals and gap names to a semantic
// query, and (when search is set) goals and gap names to BM25 hits.
func (e *Engine) newRequest(ctx context.Context, m *Model, p catalog.Profile, search bool) (*request, error) {
	return e.newRequestWith(ctx, m, p, search, e.feat)
}

func (e *Engine) newRequestWith(ctx context.Context, m *Model, p catalog.Profile, search bool, feat features) (*request, error) {
	r := &request{e: e, m: m, w: e.weights, p: p, earned: map[int32]bool{}, cands: map[int32]*cand{},
		goalWords: map[string]string{}, hits: map[int32]float64{}, steps: map[int32]int{}, feat: feat}
	for _, id := range p.Earned {
		if i, ok := m.resolve(id); ok && !r.earned[i] {
			r.earned[i] = true
			r.earnedOrder = append(r.earnedOrder, i)
		}
	}
	var gaps []competency.Gap
	var gapText []string
	if r.feat.stage {
		r.exp = readExperience(p)
	}
	wanted := p.Goals
	if r.feat.unwanted {
		wanted = spellNotation(wantedGoals(p.Goals))
	}
	goals := wanted
	if r.feat.stopwords {
		goals = goalQueryText(wanted)
	}
	// The semantic query keeps her words whole: the space weighs each by
	// how rare it is, and with the concept lexicon's rows among its
	// documents, words a teacher uses everywhere ("first", "new",
	// "finish") sit near the practices they are part of. Search and the
	// reasons' quoted words drop the domain stop words.
	parts := []semantic.Part{{Text: wanted, Weight: 1}}
	for _, g := range p.Gaps {
		key := m.space.Canonical(g.Framework, g.Code)
		w := g.Weight
		if w <= 0 {
			w = 1
		}
		gaps = append(gaps, competency.Gap{Key: key, Weight: w})
		name := m.space.Name(key)
		if name != "" {
			gapText = append(gapText, name)
		}
		// A gap's name and code count half as much as her goals: the
		// goals say what she wants, a code only where it sits.
		parts = append(parts, semantic.Part{Text: name, Weight: 0.5 * w, Extra: codeTerms(m.space, []string{key})})
	}
	r.plan = m.space.NewPlan(gaps)
	if r.feat.lexicon && r.w.Lexicon > 0 {
		r.concepts = conceptsIn(wanted)
		r.expansion = lexicon.Terms(r.concepts)
	}
	if r.expansion != "" {
		// The profession's words for what she described count less than
		// her own words: they add recall without taking over the query.
		parts = append(parts, semantic.Part{Text: r.expansion, Weight: r.w.Lexicon})
	}
	for _, w := range semantic.Words(goals) {
		if t, ok := semantic.Term(w); ok {
			if _, seen := r.goalWords[t]; !seen {
				r.goalWords[t] = w
			}
		}
	}
	r.searchText = strings.TrimSpace(goals + " " + strings.Join(gapText, " "))
	// Her words and the lexicon's terms are two searches of one request;
	// they run while the rest of the request is resolved, so they add
	// work, not waiting.
	var hits, more []catalog.Hit
	var hitsErr, moreErr error
	var wg sync.WaitGroup
	searching := search && r.searchText != "" && e.opts.Searcher != nil
	if searching {
		wg.Go(func() { hits, hitsErr = e.opts.Searcher.SearchText(ctx, r.searchText, searchCandidates) })
		if r.expansion != "" {
			wg.Go(func() { more, moreErr = e.opts.Searcher.SearchText(ctx, r.expansion, searchCandidates) })
		}
	}
	if m.sem != nil {
		r.query = m.sem.Query(parts...)
		lexParts := []semantic.Part{{Text: r.searchText}}
		if r.expansion != "" {
			lexParts = append(lexParts, semantic.Part{Text: r.expansion, Weight: r.w.Lexicon})
		}
		r.lexQuery = m.sem.Query(lexParts...)
		r.affinity = m.earnedCentroid(r.earnedOrder)
		if goals != "" {
			r.goalPlan = m.goalStandards(m.sem.Query(semantic.Part{Text: goals}))
		}
	}
	r.prefs = newPrefs(p.Preferences, m)
	if r.feat.fit {
		r.fit = newFitter(p.Preferences, wanted)
	}
	if searching {
		// The semantic candidates too are found while the searches run.
		r.nearest()
	}
	wg.Wait()
	if searching {
		if hitsErr != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("recommender: search candidates: %w", ctx.Err())
			}
			e.log.Warn("recommender: search failed; ranking without BM25", "err", hitsErr)
		}
		for _, h := range hits {
			if i, ok := m.resolve(h.ID); ok {
				r.hits[i] = h.Score
			}
		}
		if r.expansion != "" {
			// A second search with the lexicon's terms brings the items
			// named in the profession's words; their BM25 counts at
			// Weights.Lexicon beside her own words'.
			if moreErr != nil && ctx.Err() != nil {
				return nil, fmt.Errorf("recommender: search concept terms: %w", ctx.Err())
			}
			for _, h := range more {
				if i, ok := m.resolve(h.ID); ok {
					r.hits[i] += r.w.Lexicon * h.Score
				}
			}
		}
	}
	return r, nil
}

// earnedCentroid is the mean direction of the credentials she holds.
func (m *Model) earnedCentroid(earned []int32) []float32 {
	var sum []float32
	for _, i := range earned {
		v := m.vec(i)
		if v == nil {
			continue
		}
		if sum == nil {
			sum = make([]float32, len(v))
		}
		for j, x := range v {
			sum[j] += x
		}
	}
	if sum == nil {
		return nil
	}
	var n float64
	for _, x := range sum {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return nil
	}
	inv := float32(1 / math.Sqrt(n))
	for j := range sum {
		sum[j] *= inv
	}
	return sum
}

// cold reports whether the profile says nothing to rank by.
func (r *request) cold() bool {
	return strings.TrimSpace(r.p.Goals) == "" && r.plan.Empty() && len(r.earnedOrder) == 0
}

// gather collects candidates from every source.
func (r *request) gather() {
	m := r.m
	add := func(i int32) *cand {
		if c, ok := r.cands[i]; ok {
			return c
		}
		if r.earned[i] || m.semDoc[i] < 0 || r.heldCopy(i) >= 0 {
			// semDoc < 0: retired.
			return nil
		}
		c := &cand{idx: i, unlocks: -1}
		r.cands[i] = c
		return c
	}
	for i := range r.hits {
		add(i)
	}
	if m.sem != nil && !r.query.Empty() {
		for _, s := range r.nearest() {
			if int(s.Doc) < len(m.docCred) {
				add(m.docCred[s.Doc])
			}
		}
		if r.e.opts.Searcher == nil && !r.lexQuery.Empty() {
			// Without a search index the model's own postings give the
			// lexical candidates and scores.
			r.lexical = m.sem.Accumulator()
			m.sem.Lexical(r.lexQuery, r.lexical)
			for _, s := range r.lexical.Top(searchCandidates) {
				if int(s.Doc) < len(m.docCred) {
					add(m.docCred[s.Doc])
				}
			}
		}
	}
	if !r.plan.Empty() {
		// Postings are in prior order; strong matches bring more of
		// theirs than weak ones, so a gap costs a bounded amount.
		for _, km := range r.plan.KeyStrengths() {
			if km.Strength < 0.4 {
				continue
			}
			list := m.comp.Postings(km.Key)
			take := int(float64(compCandidatesPerKey) * km.Strength)
			for _, i := range list[:min(len(list), take)] {
				add(i)
			}
		}
	}
	for _, i := range r.nextSteps() {
		add(i)
	}
	if r.exp.stage == stageNew {
		for _, i := range m.inductionList[:min(len(m.inductionList), nextCandidates)] {
			add(i)
		}
	}
}

// nearest returns the credentials nearest her query in the semantic
// space (and other documents), found once.
func (r *request) nearest() []semantic.Scored {
	if r.nearDone {
		return r.near
	}
	r.nearDone = true
	m := r.m
	if m.sem == nil || r.query.Empty() {
		return nil
	}
	if len(m.active) <= exactScanLimit {
		r.near = m.sem.Nearest(r.query.Vec, semanticCandidates+m.otherDocs())
	} else {
		r.near = m.sem.Candidates(r.query, semanticCandidates, expansionTerms)
	}
	return r.near
}

// nextSteps are credentials that follow what she holds.
func (r *request) nextSteps() []int32 {
	m := r.m
	var out []int32
	for _, e := range r.earnedOrder {
		out = append(out, m.successors[e]...)
		if s := m.series[e]; s >= 0 {
			out = append(out, m.seriesMembers[s]...)
		}
		for _, w := range m.coEarned[e] {
			out = append(out, w.doc)
		}
		if len(out) > nextCandidates {
			break
		}
	}
	return out
}

// addPriorCandidates adds the best credentials by prior that pass the
// filters, so a thin profile (or a strict filter) still gets a full list.
func (r *request) addPriorCandidates(want int, relaxed map[string]bool) {
	added := 0
	for k, i := range r.m.priorOrder {
		if added >= want || k >= priorFillScan {
			return
		}
		if r.earned[i] || r.heldCopy(i) >= 0 {
			continue
		}
		if _, ok := r.cands[i]; ok {
			continue
		}
		if ok, _, _ := r.prefs.check(r.m.creds[i], i, relaxed); !ok {
			continue
		}
		r.cands[i] = &cand{idx: i, unlocks: -1}
		added++
	}
}

// rank scores the candidates that pass the filters, relaxing filters in a
// fixed order when none does, and returns them best first.
func (r *request) rank(limit int) ([]*cand, []string) {
	r.gather()
	relaxed := map[string]bool{}
	var order []string
	for {
		pass := r.passing(relaxed)
		if r.cold() || len(pass) < limit {
			r.addPriorCandidates(limit*mmrPoolFactor, relaxed)
			pass = r.passing(relaxed)
		}
		if len(pass) > 0 || !r.prefs.any(relaxed) {
			r.score(pass)
			slices.SortFunc(pass, func(a, b *cand) int {
				if c := cmp.Compare(b.score, a.score); c != 0 {
					return c
				}
				return cmp.Compare(r.m.creds[a.idx].ID, r.m.creds[b.idx].ID)
			})
			return pass, order
		}
		next := r.chooseRelaxation(relaxed)
		relaxed[next] = true
		order = append(order, next)
	}
}

// chooseRelaxation picks the filter to give way: the first, in relaxOrder,
// whose relaxation alone lets some credential through; else the first
// still in force (and the loop relaxes another).
func (r *request) chooseRelaxation(relaxed map[string]bool) string {
	for _, name := range relaxOrder {
		if !r.prefs.set(name) || relaxed[name] {
			continue
		}
		try := maps.Clone(relaxed)
		try[name] = true
		if r.anyPasses(try) {
			return name
		}
	}
	return r.prefs.nextToRelax(relaxed)
}

// anyPasses reports whether a candidate or, failing that, any credential
// within the prior scan meets the filters not relaxed.
func (r *request) anyPasses(relaxed map[string]bool) bool {
	for _, c := range r.cands {
		if ok, _, _ := r.prefs.check(r.m.creds[c.idx], c.idx, relaxed); ok {
			return true
		}
	}
	for k, i := range r.m.priorOrder {
		if k >= priorScanLimit {
			break
		}
		if ok, _, _ := r.prefs.check(r.m.creds[i], i, relaxed); ok && !r.earned[i] {
			return true
		}
	}
	return false
}

// passing returns the candidates that meet the filters not relaxed, noting
// on each the filtered fields it does not state and the relaxed ones it
// violates.
func (r *request) passing(relaxed map[string]bool) []*cand {
	out := make([]*cand, 0, len(r.cands))
	strict := len(relaxed) == 0
	for _, c := range r.cands {
		if strict && c.checked != 0 {
			// Filters in full force were already applied to c.
			if c.checked == 1 {
				c.violates = nil
				out = append(out, c)
			}
			continue
		}
		ok, unstated, violates := r.prefs.check(r.m.creds[c.idx], c.idx, relaxed)
		if strict {
			c.checked = 2
			if ok {
				c.checked = 1
			}
		}
		if !ok {
			continue
		}
		c.unstated, c.violates = unstated, violates
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *cand) int { return cmp.Compare(a.idx, b.idx) })
	return out
}

// score computes every feature and the blend.
func (r *request) score(cs []*cand) {
	m := r.m
	var maxLex, maxSem float64
	noSearch := r.e.opts.Searcher == nil
	lexical := r.lexical
	next := r.nextStepScores()
	for _, c := range cs {
		if noSearch {
			if m.semDoc[c.idx] >= 0 && lexical != nil {
				c.lex = float64(lexical.Get(m.semDoc[c.idx]))
			}
		} else {
			c.lex = r.hits[c.idx]
		}
		maxLex = max(maxLex, c.lex)
		if m.sem != nil && r.query.Vec != nil {
			if v := m.vec(c.idx); v != nil {
				c.sem = max(0, float64(semantic.Dot(r.query.Vec, v)))
			}
		}
		maxSem = max(maxSem, c.sem)
		_, c.coverage = r.plan.Score(m.keys[c.idx])
		c.comp = r.compScore(c.coverage)
		if r.goalPlan != nil && r.feat.goalStandards {
			c.goalStd, c.goalCov = r.goalPlan.Score(m.keys[c.idx])
		}
		if ns, ok := next[c.idx]; ok {
			c.next, c.nextWhy, c.nextFrom, c.nextRel = ns.score, ns.why, ns.from, ns.rel
		}
		if r.affinity != nil {
			if v := m.vec(c.idx); v != nil {
				c.affinity = max(0, float64(semantic.Dot(r.affinity, v)))
			}
		}
		if r.fit.active() {
			c.fit = r.fit.score(m, c.idx)
		}
		c.missing, c.missingIDs = r.missingPrereqs(c.idx)
		if len(c.missing) > 0 {
			c.steps = max(1, r.stepsAway(c.idx, 0))
		}
	}
	r.maxLex, r.maxSem = maxLex, maxSem
	w := r.w
	for _, c := range cs {
		lex, sem := 0.0, 0.0
		if maxLex > 0 {
			lex = c.lex / maxLex
		}
		if maxSem > 0 {
			sem = c.sem / maxSem
		}
		s := w.Lexical*lex + w.Semantic*sem + w.Competency*c.comp + w.NextStep*c.next +
			w.Affinity*c.affinity + w.Prior*float64(m.prior[c.idx]) + w.GoalStandards*c.goalStd + w.Fit*c.fit
		if r.cold() {
			s = float64(m.prior[c.idx])
			if r.fit.active() {
				// With nothing else to go on, who an item is written
				// for is what her preferences say.
				s = (1-w.ColdFit)*s + w.ColdFit*c.fit
			}
		}
		if m.induction[c.idx] {
			switch r.exp.stage {
			case stageNew:
				s += w.NewTeacher
			case stageVeteran:
				s *= w.Veteran
			}
		}
		if c.steps > 0 {
			s *= w.MissingPrerequisite
			if r.feat.reach {
				s *= math.Pow(w.FarPrerequisite, float64(c.steps-1))
			}
		}
		for range c.unstated {
			s *= w.Unstated
		}
		c.score = s
	}
	r.promotePrerequisites(cs)
}

// promotePrerequisites lifts a missing prerequisite of a candidate to
// just above it, so the credential she must earn first is suggested
// with the one she wants.
func (r *request) promotePrerequisites(cs []*cand) {
	byIdx := make(map[int32]*cand, len(cs))
	for _, c := range cs {
		byIdx[c.idx] = c
	}
	for _, c := range cs {
		if len(c.missing) == 0 || (r.feat.reach && c.steps > 1) {
			// Only an item one named step away lifts that step; lifting
			// the first of several steps would rank a long road's start
			// by its distant end.
			continue
		}
		for _, p := range r.m.prereqs[c.idx] {
			if r.earned[p] {
				continue
			}
			pc, ok := byIdx[p]
			if !ok || (r.feat.reach && pc.steps > 0) {
				continue
			}
			// The step comes just ahead of what it opens, and no
			// further: lifting it to the score the item would have
			// without its demotion put unrelated first steps above
			// the items she asked for (WEIGHTS.md).
			lift := c.score * 1.001
			if lift > pc.score {
				pc.score = lift
				pc.unlocks = c.idx
			} else if pc.unlocks < 0 && c.score >= 0.5*pc.score {
				// Already ahead on its own; still say what it opens
				// when that item is a comparable match.
				pc.unlocks = c.idx
			}
		}
	}
}

type nextScore struct {
	score     float64
	why       string
	from, rel string
}

// nextStepScores scores what follows her credentials: the next level of a
// series she started (1), a credential whose prerequisites she now meets
// (0.8), one often earned with hers (up to 0.6).
func (r *request) nextStepScores() map[int32]nextScore {
	m := r.m
	out := map[int32]nextScore{}
	put := func(i int32, s float64, why string, from int32, rel string) {
		if old, ok := out[i]; !ok || s > old.score {
			out[i] = nextScore{s, why, m.creds[from].ID, rel}
		}
	}
	for _, e := range r.earnedOrder {
		ec := m.creds[e]
		if s := m.series[e]; s >= 0 && !r.holdsHigher(e) {
			// The lowest unearned level above hers is the next step.
			var best int32 = -1
			for _, j := range m.seriesMembers[s] {
				if r.earned[j] || m.levels[j] <= m.levels[e] {
					continue
				}
				if best < 0 || m.levels[j] < m.levels[best] {
					best = j
				}
			}
			if best >= 0 {
				put(best, 1, fmt.Sprintf("Next level after %s, which you hold", ec.Title), e, "next_level")
			}
		}
		for _, j := range m.successors[e] {
			if missing, _ := r.missingPrereqs(j); len(missing) == 0 {
				put(j, 0.8, fmt.Sprintf("Builds on %s, which you hold", ec.Title), e, "builds_on")
			}
		}
		for _, w := range m.coEarned[e] {
			put(w.doc, 0.6*float64(w.w), fmt.Sprintf("Often earned together with %s", ec.Title), e, "co_earned")
		}
	}
	return out
}

// holdsHigher reports whether she holds a higher level of e's series than
// e: the next step is then named after that one.
func (r *request) holdsHigher(e int32) bool {
	m := r.m
	for _, j := range m.seriesMembers[m.series[e]] {
		if r.earned[j] && m.levels[j] > m.levels[e] {
			return true
		}
	}
	return false
}

// missingPrereqs names the prerequisites of i she has not earned (titles,
// and ids), when she has fewer than the credential requires.
func (r *request) missingPrereqs(i int32) (titles, ids []string) {
	m := r.m
	total := len(m.prereqs[i]) + len(m.unresolved[i])
	if total == 0 {
		return nil, nil
	}
	need := m.creds[i].PrerequisitesMin
	if need <= 0 || need > total {
		need = total
	}
	have := 0
	for _, j := range m.prereqs[i] {
		if r.earned[j] {
			have++
		} else {
			titles = append(titles, m.creds[j].Title)
			ids = append(ids, m.creds[j].ID)
		}
	}
	for _, p := range m.unresolved[i] {
		if slices.Contains(r.p.Earned, p) {
			have++
		} else {
			titles = append(titles, p)
			ids = append(ids, p)
		}
	}
	if have >= need {
		return nil, nil
	}
	return titles, ids
}

// heldCopy returns the credential she holds that i is flagged as the same
// offering of (a possible duplicate under another issuer), or -1. Such a
// copy is as good as earned and is never suggested.
func (r *request) heldCopy(i int32) int32 {
	m := r.m
	if len(r.earned) == 0 || (int(i) < len(m.flagged) && !m.flagged[i]) {
		return -1
	}
	for _, d := range m.creds[i].PossibleDuplicates {
		if j, ok := m.resolve(d); ok && r.earned[j] {
			return j
		}
	}
	return -1
}

// stepsAway counts the credentials she must earn before i is open to her:
// its missing prerequisites and, recursively, theirs (the fewest when a
// credential needs only some of its prerequisites). Capped at
// maxStepsAway; cycles count once.
func (r *request) stepsAway(i int32, depth int) int {
	if v, ok := r.steps[i]; ok {
		return v
	}
	if depth > maxStepsAway {
		return maxStepsAway
	}
	m := r.m
	r.steps[i] = maxStepsAway // a cycle through i counts as far
	total := len(m.prereqs[i]) + len(m.unresolved[i])
	need := m.creds[i].PrerequisitesMin
	if need <= 0 || need > total {
		need = total
	}
	var costs []int
	have := 0
	for _, j := range m.prereqs[i] {
		if r.earned[j] {
			have++
			continue
		}
		costs = append(costs, 1+r.stepsAway(j, depth+1))
	}
	for _, p := range m.unresolved[i] {
		if slices.Contains(r.p.Earned, p) {
			have++
		} else {
			costs = append(costs, 1)
		}
	}
	n := 0
	if have < need {
		slices.Sort(costs)
		for _, c := range costs[:min(len(costs), need-have)] {
			n += c
		}
	}
	n = min(n, maxStepsAway)
	r.steps[i] = n
	return n
}

// maxStepsAway caps stepsAway: past it, every road is simply long.
const maxStepsAway = 6

// compScore is the competency feature: the weighted mean over her gaps of
// the best match's strength, a crosswalk match scaled by Weights.Crosswalk.
func (r *request) compScore(cov []competency.Coverage) float64 {
	if len(cov) == 0 {
		return 0
	}
	var sum, total float64
	for _, g := range r.plan.Gaps {
		total += g.Weight
	}
	for _, c := range cov {
		st := c.Match.Strength
		if c.Match.Relation == competency.Crosswalk && r.feat.crosswalk {
			st *= r.w.Crosswalk
		}
		sum += st * r.gapWeight(c.Gap) * total
	}
	if total == 0 {
		return 0
	}
	return sum / total
}

// diversify picks limit items by maximal marginal relevance: each pick
// maximizes relevance minus its similarity to the items already picked,
// where similarity only bites for near-copies (same title, flagged
// duplicates, near-identical text), so ten suggestions are ten different
// things without breaking up a topic she asked for.
func (r *request) diversify(ranked []*cand, limit int) []*cand {
	if len(ranked) <= 1 || r.w.Diversity <= 0 {
		return ranked[:min(limit, len(ranked))]
	}
	pool := ranked[:min(len(ranked), max(limit*mmrPoolFactor, 30))]
	top := pool[0].score
	if top <= 0 {
		top = 1
	}
	picked := make([]*cand, 0, limit)
	used := make([]bool, len(pool))
	// sim[k] is pool item k's greatest similarity to any picked item,
	// updated against each new pick only.
	sim := make([]float64, len(pool))
	lambda := r.w.Diversity
	cold := r.cold()
	coldIssuers := map[string]int{}
	coldFrameworks := map[string]int{}
	for len(picked) < limit && len(picked) < len(pool) {
		best, bestVal := -1, math.Inf(-1)
		for k, c := range pool {
			if used[k] {
				continue
			}
			s := sim[k]
			if cold {
				// A cold start also spreads across issuers and
				// frameworks.
				s = max(s, 0.5*math.Min(1, float64(coldIssuers[r.m.creds[c.idx].Issuer])/2))
				for _, f := range r.m.frameworksOf(c.idx) {
					s = max(s, 0.3*math.Min(1, float64(coldFrameworks[f])/3))
				}
			}
			val := c.score / top * (1 - lambda*s)
			if val > bestVal {
				best, bestVal = k, val
			}
		}
		used[best] = true
		c := pool[best]
		picked = append(picked, c)
		for k, o := range pool {
			if !used[k] {
				sim[k] = max(sim[k], r.m.nearCopy(o.idx, c.idx))
			}
		}
		coldIssuers[r.m.creds[c.idx].Issuer]++
		for _, f := range r.m.frameworksOf(c.idx) {
			coldFrameworks[f]++
		}
	}
	return picked
}

// nearCopy is 1 for the same credential under two issuers (flagged
// duplicate or same normalized title), else how far the LSA cosine
// exceeds 0.8, scaled to [0,1].
func (m *Model) nearCopy(a, b int32) float64 {
	ca, cb := m.creds[a], m.creds[b]
	if m.series[a] >= 0 && m.series[a] == m.series[b] && m.levels[a] != m.levels[b] {
		// Two levels of one stack read alike but are different steps.
		return 0
	}
	if slices.Contains(ca.PossibleDuplicates, cb.ID) || slices.Contains(cb.PossibleDuplicates, ca.ID) {
		return 1
	}
	if m.titles[a] == m.titles[b] {
		return 1
	}
	va, vb := m.vec(a), m.vec(b)
	if va == nil || vb == nil {
		return 0
	}
	cos := float64(semantic.Dot(va, vb))
	return math.Max(0, math.Min(1, (cos-0.8)/0.15))
}

func normTitle(t string) string { return strings.Join(semantic.Words(t), " ") }

func (m *Model) frameworksOf(i int32) []string {
	var out []string
	for _, k := range m.keys[i] {
		fw, _, _ := strings.Cut(k, ":")
		if !slices.Contains(out, fw) {
			out = append(out, fw)
		}
	}
	return out
}

// relatedTerms returns the terms near her goals in the semantic space.
func (r *request) relatedTerms() map[string]float32 {
	if r.relDone {
		return r.related
	}
	r.relDone = true
	if r.m.sem == nil || strings.TrimSpace(r.p.Goals) == "" {
		return nil
	}
	r.related = map[string]float32{}
	gq := r.m.sem.Query(semantic.Part{Text: goalQueryText(wantedGoals(r.p.Goals))})
	for _, rt := range r.m.sem.Related(gq, 24, 0.5) {
		if r.m.sem.IDF(rt.Term) < minReasonIDF {
			// A word in a quarter of the catalog ("plan", "submit")
			// relates an item to nothing in particular.
			continue
		}
		r.related[rt.Term] = rt.Sim
	}
	return r.related
}

// minReasonIDF keeps words found in more than a quarter of the catalog out
// of "related to your goals through …" reasons (ln(1 + 1/0.25) ≈ 1.6).
const minReasonIDF = 1.6

// release returns the request's scratch space.
func (r *request) release() {
	if r.lexical != nil {
		r.lexical.Release()
		r.lexical = nil
	}
}
