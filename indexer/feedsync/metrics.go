package feedsync

import "sync"

// Counters is an Observer that totals runs: how many ended in each status
// and how many catalog records they added, updated and retired. A metrics
// exporter reads it with Snapshot. The zero value is ready to use.
type Counters struct {
	mu   sync.Mutex
	runs map[string]int64
	recs RecordCounts
}

// RecordCounts totals catalog changes made by runs.
type RecordCounts struct {
	Added   int64
	Updated int64
	Retired int64
}

// ObserveRun implements Observer.
func (c *Counters) ObserveRun(r Run) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runs == nil {
		c.runs = map[string]int64{}
	}
	c.runs[r.Status]++
	c.recs.Added += int64(r.Report.Added)
	c.recs.Updated += int64(r.Report.Updated)
	c.recs.Retired += int64(r.Report.Retired)
}

// Snapshot returns the runs counted by status and the record totals.
func (c *Counters) Snapshot() (runs map[string]int64, records RecordCounts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	runs = make(map[string]int64, len(c.runs))
	for k, v := range c.runs {
		runs[k] = v
	}
	return runs, c.recs
}
