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
// A request gathers candidates — BM25 hits from the catalog's search index
// (through the Searcher interface), semantic neighbours, credentials
// aligned to the gaps' codes, next steps after what she holds — applies
// preferences as hard filters (relaxing one, and saying so, only when
// nothing passes), scores each candidate with a weighted blend of features
// (weights and how they were chosen: WEIGHTS.md), demotes ones whose
// prerequisites she lacks, picks a diverse list with maximal marginal
// relevance, and writes concrete reasons for every item. Ranking is pure
// computation over the model and the candidates, so `eval` and the server
// run the same code; only Searcher does I/O.
//
// When the catalog version changes, Refresh rebuilds the model in a
// goroutine and swaps it in atomically; requests keep using the old model
// until then and never wait for a build.
package recommender
