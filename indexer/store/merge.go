package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/frameworks"
)

// changeSet is what a sync changes in the index: credentials to (re)index
// and ids to remove.
type changeSet struct {
	put        []string
	del        []string
	frameworks bool
	// organizations is set when the run names issuers the catalog did not
	// know: they are kept in the next generation's state.
	organizations bool
}

func (c changeSet) any() bool {
	return len(c.put) > 0 || len(c.del) > 0 || c.frameworks || c.organizations
}

// merge folds parsed feeds into the previous catalog state.
type merge struct {
	base *state
	now  time.Time
	// reg holds the bundled frameworks, the base's imports and this run's;
	// the next generation indexes and serves with it.
	reg *frameworks.Registry

	results []sourced
	// imported holds the frameworks after this run's imports, by name.
	imported map[string]*catalog.Framework
}

type sourced struct {
	// source is the catalog's key for the source (see Input.key); owner
	// is who publishes through it, "" for the operator.
	source string
	name   string
	owner  string
	// drop is set for a source that is being removed: it publishes
	// nothing from now on.
	drop bool
	// adopt moves an owner-less source keyed by name to this owner.
	adopt bool
	feeds.Result
}

type sourcedRecord struct {
	source string
	rec    feeds.Record
}

func newMerge(base *state, now time.Time) (*merge, error) {
	reg, err := registryFor(base)
	if err != nil {
		return nil, err
	}
	m := &merge{base: base, now: now, reg: reg, imported: map[string]*catalog.Framework{}}
	for _, f := range base.Frameworks {
		m.imported[f.Name] = f
	}
	return m, nil
}

// add queues one source's parse result. Frameworks register at once so
// credentials anywhere in the run can align to them.
func (m *merge) add(in Input, r feeds.Result) {
	for _, f := range r.Frameworks {
		f := f
		m.imported[f.Name] = &f
		m.reg.Add(f)
	}
	m.results = append(m.results, sourced{source: in.key(), name: in.Source, owner: in.Owner, drop: in.Drop,
		adopt: in.AdoptUnowned && in.Owner != "", Result: r})
}

// finish computes the next state and fills in the report's counts.
func (m *merge) finish(rep *catalog.Report) (*state, changeSet) {
	var ch changeSet
	old := make(map[string]*catalog.Credential, len(m.base.Credentials))
	next := make(map[string]*catalog.Credential, len(m.base.Credentials))
	for _, c := range m.base.Credentials {
		old[c.ID] = c
		cp := *c
		next[c.ID] = &cp
	}

	// Organizations name issuers across files and runs: those the catalog
	// already knows, then every one described anywhere in this ingest,
	// matched by CTID or case-insensitive IRI (feed.MatchKey).
	issuers := map[string]string{}
	for k, name := range m.base.Organizations {
		issuers[k] = name
	}
	for _, c := range m.base.Credentials {
		if c.IssuerID != "" && c.Issuer != "" && c.Issuer != c.IssuerID {
			if _, ok := issuers[feed.MatchKey(c.IssuerID)]; !ok {
				issuers[feed.MatchKey(c.IssuerID)] = c.Issuer
			}
		}
	}
	orgs := maps.Clone(m.base.Organizations)
	if orgs == nil {
		orgs = map[string]string{}
	}
	for _, r := range m.results {
		for _, iri := range slices.Sorted(maps.Keys(r.Issuers)) {
			if name := strings.TrimSpace(r.Issuers[iri]); name != "" && name != iri {
				issuers[feed.MatchKey(iri)] = name
				orgs[feed.MatchKey(iri)] = name
			}
		}
	}
	owners := maps.Clone(m.base.Owners)
	if owners == nil {
		owners = map[string]string{}
	}
	for _, r := range m.results {
		for _, item := range slices.Sorted(maps.Keys(r.Owners)) {
			owners[feed.MatchKey(item)] = r.Owners[item]
		}
	}
	ownerOf := func(cr *catalog.Credential) string {
		for _, id := range append([]string{cr.ID}, cr.AltIDs...) {
			if org, ok := owners[feed.MatchKey(id)]; ok {
				return org
			}
		}
		return ""
	}
	// A record the catalog holds under its issuer's IRI is named once an
	// organization describes that issuer.
	for _, cr := range next {
		if cr.IssuerID == "" && (cr.Issuer == "" || cr.Issuer == webHost(cr.URL)) {
			if org := ownerOf(cr); org != "" {
				cr.IssuerID, cr.Issuer = org, ""
			}
		}
		if cr.IssuerID != "" && (cr.Issuer == "" || cr.Issuer == cr.IssuerID) {
			if name, ok := issuers[feed.MatchKey(cr.IssuerID)]; ok {
				cr.Issuer = name
			}
		}
	}
	unnamed := map[string][]catalog.Note{} // issuer IRI -> records named by it
	var pending []sourcedRecord
	noIssuer := map[string][]catalog.Note{} // source -> records that name no issuer
	byHost := map[string][]catalog.Note{}   // source -> records named by their web site

	sources := map[string]*SourceInfo{}
	for k, v := range m.base.Sources {
		cp := *v
		sources[k] = &cp
	}
	for _, r := range m.results {
		legacy, ok := sources[r.name]
		if !r.adopt || !ok || legacy.Owner != "" || sources[r.source] != nil {
			continue
		}
		legacy.Owner = r.owner
		sources[r.source] = legacy
		delete(sources, r.name)
		for _, cr := range next {
			if i := slices.Index(cr.Sources, r.name); i >= 0 {
				cr.Sources = slices.Clone(cr.Sources)
				cr.Sources[i] = r.source
			}
		}
	}
	dropped := map[string]bool{}
	for _, r := range m.results {
		if r.drop {
			dropped[r.source] = true
		}
	}
	seen := map[string]map[string]bool{} // source -> ids it publishes now
	clean := map[string]bool{}           // sources with no rejected record
	incoming := map[string]bool{}
	unresolved := map[string]int{}
	for _, r := range m.results {
		rep.Rejected = append(rep.Rejected, r.Rejected...)
		rep.Skipped = append(rep.Skipped, r.Skipped...)
		rep.Notes = append(rep.Notes, r.Notes...)
		if seen[r.source] == nil {
			seen[r.source] = map[string]bool{}
			clean[r.source] = true
		}
		if len(r.Rejected) > 0 {
			clean[r.source] = false
		}
		if r.drop {
			delete(sources, r.source)
			continue
		}
		info := sources[r.source]
		if info == nil {
			info = &SourceInfo{Owner: r.owner}
			sources[r.source] = info
		}
		info.LastRun = m.now
		info.Records = len(r.Credentials)
		for _, rec := range r.Credentials {
			cr := rec.Credential
			// Limits first, so nothing below (normalising, hashing,
			// indexing) ever handles an unbounded value.
			adj, err := catalog.Bound(&cr)
			if err != nil {
				rep.Rejected = append(rep.Rejected, catalog.Rejection{Source: r.display(), Record: rec.Locator, Error: fmt.Sprintf("%s: %v", idOrRecord(cr.ID), err)})
				clean[r.source] = false
				info.Records--
				continue
			}
			for _, a := range adj {
				rep.Truncated = append(rep.Truncated, catalog.Rejection{Source: r.display(), Record: rec.Locator, Error: fmt.Sprintf("%s: %s", idOrRecord(cr.ID), a.Message)})
			}
			prev := next[cr.ID]
			// An item belongs to the owner whose sources publish it: no
			// other owner's feed may change it, and while it is theirs
			// it is not another owner's to retire either. The refusal
			// leaves this source clean: the item was never its own, so
			// nothing it did publish is at risk of a wrong retirement.
			if prev != nil && len(prev.Sources) > 0 && sourceOwner(sources, prev.Sources) != r.owner {
				rep.Rejected = append(rep.Rejected, catalog.Rejection{Source: r.display(), Record: rec.Locator,
					Error: fmt.Sprintf("id %q is published by another owner's source; a feed may only add and change its own owner's items", cr.ID)})
				info.Records--
				continue
			}
			rec.Credential = cr
			pending = append(pending, sourcedRecord{source: r.source, rec: rec})
		}
	}
	// Published records first, so a provisional or ceased twin never
	// overrides one, whichever file the run read first.
	slices.SortStableFunc(pending, func(a, b sourcedRecord) int {
		pa, pb := catalog.Published(a.rec.Credential.Lifecycle), catalog.Published(b.rec.Credential.Lifecycle)
		switch {
		case pa == pb:
			return 0
		case pa:
			return -1
		}
		return 1
	})
	for _, p := range pending {
		r, rec := p, p.rec
		cr := rec.Credential
		if cr.Issuer == "" && cr.IssuerID == "" {
			// The organization's own record lists it.
			cr.IssuerID = ownerOf(&cr)
		}
		m.normalize(&cr, issuers, unresolved)
		seen[r.source][cr.ID] = true
		prev := next[cr.ID]
		if !catalog.Published(cr.Lifecycle) && prev != nil && prev.Active() && catalog.Published(prev.Lifecycle) {
			rep.Notes = append(rep.Notes, catalog.Note{Source: r.source, Record: rec.Locator,
				Note: fmt.Sprintf("%q is %s here; the published active record is kept", cr.ID, cr.Lifecycle)})
			if old[cr.ID] != nil {
				incoming[cr.ID] = true
			}
			continue
		}
		incoming[cr.ID] = true
		switch {
		case cr.Issuer == "" && cr.IssuerID == "":
			// Name the publisher by its web site rather than leave the
			// issuer empty; the report says so.
			if host := webHost(cr.URL); host != "" {
				cr.Issuer = host
				byHost[r.source] = append(byHost[r.source], catalog.Note{Source: r.source, Record: rec.Locator, Note: cr.ID})
				break
			}
			noIssuer[r.source] = append(noIssuer[r.source], catalog.Note{Source: r.source, Record: rec.Locator, Note: cr.ID})
		case cr.Issuer == cr.IssuerID:
			unnamed[cr.IssuerID] = append(unnamed[cr.IssuerID], catalog.Note{Source: r.source, Record: rec.Locator})
		}
		cr.Provenance = catalog.Provenance{FirstSeen: m.now, LastSeen: m.now, Status: catalog.StatusActive}
		if prev != nil {
			cr.FirstSeen = prev.FirstSeen
			cr.Sources = slices.Clone(prev.Sources)
		}
		if !slices.Contains(cr.Sources, r.source) {
			cr.Sources = append(cr.Sources, r.source)
		}
		next[cr.ID] = &cr
	}
	if len(unresolved) > 0 {
		rep.UnresolvedFrameworks = unresolved
	}
	for _, src := range slices.Sorted(maps.Keys(noIssuer)) {
		recs := noIssuer[src]
		n := catalog.Note{Source: src, Record: recs[0].Record,
			Note: fmt.Sprintf("%d record(s) state no issuer and no web page (first %q): imported without an issuer", len(recs), recs[0].Note)}
		rep.Notes = append(rep.Notes, n)
	}
	for _, src := range slices.Sorted(maps.Keys(byHost)) {
		recs := byHost[src]
		n := catalog.Note{Source: src, Record: recs[0].Record,
			Note: fmt.Sprintf("%d record(s) state no issuer (first %q): each is named by the host of its web page", len(recs), recs[0].Note)}
		rep.Notes = append(rep.Notes, n)
	}
	for _, iri := range slices.Sorted(maps.Keys(unnamed)) {
		recs := unnamed[iri]
		n := catalog.Note{Source: recs[0].Source, Record: recs[0].Record,
			Note: fmt.Sprintf("issuer %s is described by no organization in this ingest or the catalog: %d record(s) show it by its IRI", iri, len(recs))}
		rep.Notes = append(rep.Notes, n)
	}

	// Retire what a clean source stopped publishing, and everything of a
	// source removed.
	for _, cr := range next {
		kept := cr.Sources[:0:0]
		for _, s := range cr.Sources {
			if ids, ran := seen[s]; ran && clean[s] && !ids[cr.ID] {
				continue
			}
			if _, known := sources[s]; !known && dropped[s] {
				continue
			}
			kept = append(kept, s)
		}
		cr.Sources = kept
		if len(cr.Sources) == 0 {
			cr.Status = catalog.StatusRetired
		}
	}

	creds := make([]*catalog.Credential, 0, len(next))
	for _, cr := range next {
		creds = append(creds, cr)
	}
	sort.Slice(creds, func(i, j int) bool { return creds[i].ID < creds[j].ID })
	resolveLinks(creds)
	rep.PossibleDuplicates = flagDuplicates(creds)

	for _, cr := range creds {
		cr.Hash = cr.ContentHash()
		prev := old[cr.ID]
		switch {
		case prev == nil:
			if cr.Active() {
				rep.Added++
				ch.put = append(ch.put, cr.ID)
			}
		case prev.Active() && !cr.Active():
			rep.Retired++
			ch.del = append(ch.del, cr.ID)
		case !prev.Active() && cr.Active():
			rep.Updated++
			ch.put = append(ch.put, cr.ID)
		case prev.Hash != cr.Hash:
			if cr.Active() {
				rep.Updated++
				ch.put = append(ch.put, cr.ID)
			}
		case incoming[cr.ID]:
			rep.Unchanged++
		}
	}

	var fws []*catalog.Framework
	for _, f := range m.imported {
		fws = append(fws, f)
	}
	sort.Slice(fws, func(i, j int) bool { return fws[i].Name < fws[j].Name })
	for _, r := range m.results {
		rep.Frameworks += len(r.Frameworks)
	}
	if !sameJSON(fws, m.base.Frameworks) {
		ch.frameworks = true
	}
	if (!sameJSON(orgs, m.base.Organizations) && (len(orgs) > 0 || len(m.base.Organizations) > 0)) ||
		(!sameJSON(owners, m.base.Owners) && (len(owners) > 0 || len(m.base.Owners) > 0)) {
		ch.organizations = true
	}
	return &state{Version: m.base.Version, Credentials: creds, Frameworks: fws, Sources: sources, Organizations: orgs, Owners: owners}, ch
}

// display names a source in the report as its input named it.
func (s sourced) display() string { return s.name }

func idOrRecord(id string) string {
	if id == "" {
		return "record"
	}
	if len(id) > 200 {
		return fmt.Sprintf("id %q…", id[:200])
	}
	return fmt.Sprintf("id %q", id)
}

// sourceOwner returns who publishes through the given sources ("" for the
// operator, and for sources recorded before sources had owners).
func sourceOwner(sources map[string]*SourceInfo, keys []string) string {
	for _, k := range keys {
		if info := sources[k]; info != nil {
			return info.Owner
		}
	}
	return ""
}

// normalize trims text, fills the issuer name from the organizations the
// run and the catalog know (by feed.MatchKey of the issuer's IRI) and
// resolves competencies to canonical framework codes, keeping alignments
// without a code by name.
func (m *merge) normalize(cr *catalog.Credential, issuers map[string]string, unresolved map[string]int) {
	cr.Title = strings.TrimSpace(cr.Title)
	cr.Description = strings.TrimSpace(cr.Description)
	cr.Issuer = strings.TrimSpace(cr.Issuer)
	if cr.Issuer == "" && cr.IssuerID != "" {
		if name, ok := issuers[feed.MatchKey(cr.IssuerID)]; ok {
			cr.Issuer = name
		} else {
			cr.Issuer = cr.IssuerID
		}
	}
	for i, o := range cr.OfferedBy {
		if name, ok := issuers[feed.MatchKey(o)]; ok && strings.Contains(o, ":") {
			cr.OfferedBy[i] = name
		}
	}
	comps := make([]catalog.Competency, 0, len(cr.Competencies))
	seen := map[string]bool{}
	for _, c := range cr.Competencies {
		rc, ok := m.reg.Resolve(c)
		if !ok && rc.Framework != "" {
			unresolved[rc.Framework]++
		}
		// An alignment without a code is kept by its name and URL.
		key := rc.Key()
		if !rc.Coded() {
			if rc.Name == "" && rc.URL == "" {
				continue
			}
			key = rc.Framework + "\x00" + rc.Name + "\x00" + rc.URL
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		comps = append(comps, rc)
	}
	cr.Competencies = comps
}

// resolveLinks rewrites prerequisite, stack and supersession references
// given by any URI a feed used into credential ids. References that name no
// credential in the catalog are kept as written.
func resolveLinks(creds []*catalog.Credential) {
	alias := aliasMap(creds)
	resolve := func(list []string) []string {
		if len(list) == 0 {
			return list
		}
		out := make([]string, 0, len(list))
		for _, ref := range list {
			if id, ok := alias[ref]; ok {
				ref = id
			}
			if !slices.Contains(out, ref) {
				out = append(out, ref)
			}
		}
		return out
	}
	for _, c := range creds {
		c.Prerequisites = resolve(c.Prerequisites)
		c.PartOf = resolve(c.PartOf)
		c.HasPart = resolve(c.HasPart)
		if id, ok := alias[c.SupersededBy]; ok {
			c.SupersededBy = id
		}
	}
}

// webHost returns the host of an http(s) URL without a leading "www.",
// or "".
func webHost(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
