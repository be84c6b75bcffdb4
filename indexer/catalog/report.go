package catalog

// Rejection says why one record (or a whole file) could not be imported.
// Source is the file path or URL, Record locates the record inside it (a JSON
// pointer such as "/@graph/3", or "line 17" for CSV; empty for the whole
// file) and Error names the field at fault.
type Rejection struct {
	Source string `json:"source"`
	Record string `json:"record"`
	Error  string `json:"error"`
}

// Skipped is an input that holds no catalog entry (an Assertion, a
// framework-only package) and was therefore not imported as credentials.
type Skipped struct {
	Source string `json:"source"`
	Record string `json:"record,omitempty"`
	Reason string `json:"reason"`
}

// Note says what the importer chose for one record where the feed left a
// choice (which of several costs, a missing issuer, a derived id, a
// provisional record not merged over a published one).
type Note struct {
	Source string `json:"source"`
	Record string `json:"record,omitempty"`
	Note   string `json:"note"`
}

// Report is the outcome of one ingest run, printed by `pdpath ingest --json`
// and kept for every feed sync.
type Report struct {
	Added          int         `json:"added"`
	Updated        int         `json:"updated"`
	Unchanged      int         `json:"unchanged"`
	Retired        int         `json:"retired"`
	Rejected       []Rejection `json:"rejected"`
	CatalogVersion int64       `json:"catalog_version"`
	// Truncated lists records kept with a field cut to its limit (see
	// Bound), naming the field and how long it was.
	Truncated []Rejection `json:"truncated,omitempty"`

	// Frameworks counts competency frameworks imported or updated.
	Frameworks int `json:"frameworks"`
	// Skipped lists inputs that hold no catalog entry.
	Skipped []Skipped `json:"skipped,omitempty"`
	// Notes lists the choices the importer made for records it imported.
	Notes []Note `json:"notes,omitempty"`
	// UnresolvedFrameworks counts alignments whose framework pdpath does not
	// know, by the name the feed used; they are kept as written.
	UnresolvedFrameworks map[string]int `json:"unresolved_frameworks,omitempty"`
	// PossibleDuplicates counts credentials flagged as near-identical to
	// one from another issuer.
	PossibleDuplicates int `json:"possible_duplicates"`
}
