// Package store owns pdpath's on-disk catalog: versioned generations of the
// credential records and their Bleve index, the incremental sync that turns
// feed files into added / updated / unchanged / retired credentials, and the
// locking that lets one writer and any number of readers (a running server, a
// search from the shell) share an index directory.
//
// The sync also names issuers from the organizations described in any file
// of the ingest or kept from earlier ones (CTIDs and Registry URIs matched
// without regard to case or form), keeps a published active record when a
// provisional or ceased twin arrives, and reports what it chose for records
// that needed a choice (an issuer named by its web site or left unnamed).
//
// # Layout
//
// An index directory holds one folder per catalog version and a CURRENT file
// naming the live one:
//
//	DIR/CURRENT          "gen-000012"
//	DIR/gen-000012/      records.jsonl (every record, one a line), meta.json
//	                     (version, sources, imported frameworks), bleve/ (the
//	                     index) and files derived from the records, such as
//	                     the recommender's model (Options.Derive)
//	DIR/ingest.lock      held by the one process writing
//
// An ingest that changes the catalog builds the next generation beside the
// live one — copying the live Bleve index and applying only the changes —
// and then renames CURRENT. A process killed at any point before that rename
// leaves the previous complete catalog; the next ingest removes the partial
// folder and does the work again. Readers open a generation read-only and
// move to a newer one when CURRENT changes (Refresh), so an ingest by another
// process becomes visible without a restart. A generation opened for
// reading keeps its records' prose in a read-only mapping of records.jsonl
// rather than on the heap (see mapRecords); one an ingest builds on, and
// one it installs, hold everything on the heap.
//
// # Owners and limits
//
// Every source has an owner: the operator for the files and URLs given to
// `pdpath ingest`, an API key for an aggregator's feed (Input.Owner). An
// item belongs to the owner whose sources publish it; a record with an id
// another owner publishes is rejected, and a source only ever retires what
// it stopped publishing itself. Every record passes catalog.Bound before it
// is merged: prose is cut to its limit and the cut reported, ids, links
// and numbers out of range reject the record.
//
// # Damage
//
// A generation is opened only after its records parse and every index
// segment matches its checksum. When the newest is damaged (a segment cut
// short or with flipped bytes, a file missing, state.json or CURRENT
// unreadable), readers fall back to the newest complete generation before
// it and say so (Health, the log); a search that fails on a generation
// checks it again and falls back the same way. The next ingest builds on
// the newest generation whose records are sound, re-indexing them when its
// index is damaged, and numbers the result past every generation on disk.
package store
