// Package recommender answers "what should I earn next?" for one educator.
//
// An Engine holds the current Model behind an atomic pointer. A Model is
// built from one catalog Snapshot — never by hand — and holds:
//
//   - a semantic space learned from catalog text (package semantic: TF-IDF
//     and a randomized truncated SVD), so goals in a teacher's words reach
//     credentials written in an issuer's;
//   - a competency space over framework codes (package competency): the
//     UDL and FFT hierarchies and crosswalk edges between frameworks;
//   - next-step structure: stacks and levels, prerequisite edges, and
//     co-earned patterns when earning histories are supplied;
//   - a query-independent prior (entry level, no prerequisites, cheap,
//     well connected) for cold starts and tie-breaking.
//
// A request first reads the teacher (goals.go): her goals without the
// domain's filler words (teacher, school, grade, second, starting…), the
// framework codes whose names and descriptions lie nearest those goals, and
// her career stage from years_experience or her own words ("nine years",
// "first-year"). It gathers candidates — BM25 hits from the catalog's
// search index (through the Searcher interface), semantic neighbours,
// credentials aligned to the gaps' codes, next steps after what she holds,
// induction items for a new teacher — applies preferences as hard filters
// (a `general` item passes any subject filter; a state's approval covers
// its districts; one filter is relaxed, and said so, only when nothing
// passes), scores each candidate with a weighted blend of features
// (weights, each change and its measured gain: WEIGHTS.md), demotes items
// by how many unearned steps away they are and induction items for
// veterans, picks a diverse list with maximal marginal relevance, and
// writes reasons that are literally true: sentences for people and Why
// objects a program can check, strongest first, where a crosswalk match is
// "related to" a gap and only the gap's own code or a part of it "covers"
// it. Ranking is pure computation over the model and the candidates, so
// `eval` and the server run the same code; only Searcher does I/O.
//
// Beside Recommend: WhyNot explains one item's place, Similar lists items
// like one credential, and Unlocks says what earning one opens (items whose
// prerequisites it completes or advances, its stacks, and the published or
// saved pathways that include it).
//
// When the catalog version changes, Refresh rebuilds the model in a
// goroutine and swaps it in atomically; requests keep using the old model
// until then and never wait for a build.
package recommender
