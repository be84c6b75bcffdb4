package catalog

// Snapshot is one complete, immutable catalog version: every credential the
// catalog holds (retired ones included, so they stay resolvable) and every
// framework it knows. Consumers must not modify it.
type Snapshot struct {
	Version     int64         `json:"version"`
	Credentials []*Credential `json:"credentials"`
	Frameworks  []*Framework  `json:"frameworks"`
}

// Hit is one search result: a credential id and its relevance score.
type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// ByID returns a map from credential id to credential.
func (s *Snapshot) ByID() map[string]*Credential {
	m := make(map[string]*Credential, len(s.Credentials))
	for _, c := range s.Credentials {
		m[c.ID] = c
	}
	return m
}
