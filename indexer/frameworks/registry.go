// Package frameworks owns pdpath's competency frameworks: the canonical
// names pdpath knows (InTASC, PSEL, ISTE-E, UDL, FFT, NBPTS, DigCompEdu) with
// the aliases and publisher URLs feeds use for them, the framework files
// bundled in datasets/frameworks, frameworks imported from CASE packages and
// framework CSVs, and the resolution of a feed's raw alignment to a
// canonical framework and normalised code.
package frameworks

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/pdpath/pdpath/datasets"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/frameworkcsv"
)

// Registry holds the frameworks pdpath knows and resolves alignments
// against them. It is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	order   []string
	entries map[string]*entry
	aliases map[string]string // key(alias) → framework name
}

type entry struct {
	fw      *catalog.Framework
	builtin *builtin // nil for imported frameworks
}

// New returns a registry that knows the built-in frameworks by name, title
// and alias, with no items yet.
func New() *Registry {
	r := &Registry{entries: map[string]*entry{}, aliases: map[string]string{}}
	for _, b := range builtins {
		r.order = append(r.order, b.name)
		r.entries[b.name] = &entry{
			fw:      &catalog.Framework{Name: b.name, Title: b.title, Items: []catalog.FrameworkItem{}},
			builtin: b,
		}
		r.alias(b.name, b.name)
		r.alias(b.title, b.name)
		for _, a := range b.aliases {
			r.alias(a, b.name)
		}
	}
	return r
}

// builtinOnly resolves names against the built-in frameworks alone.
var builtinOnly = New()

// CanonicalName maps a spelling of a built-in framework (its name, an
// alias, a publisher URL) to its canonical name.
func CanonicalName(s string) (string, bool) { return builtinOnly.Canonical(s) }

// Bundled returns a registry loaded with every framework CSV bundled in
// datasets/frameworks (files whose header has a code column; crosswalk
// files are not frameworks). A bundled file that does not parse cleanly is
// an error: it is the project's own data.
func Bundled() (*Registry, error) {
	r := New()
	files, err := fs.Glob(datasets.Frameworks, "frameworks/*.csv")
	if err != nil {
		return nil, fmt.Errorf("frameworks: listing bundled files: %w", err)
	}
	for _, name := range files {
		if strings.HasPrefix(strings.ToLower(path.Base(name)), "crosswalk") {
			continue
		}
		data, err := fs.ReadFile(datasets.Frameworks, name)
		if err != nil {
			return nil, fmt.Errorf("frameworks: reading bundled %s: %w", name, err)
		}
		if !frameworkcsv.IsFrameworkFile(data) {
			continue
		}
		source := path.Join("datasets", name)
		res := frameworkcsv.Parse(source, data, r.Canonical)
		if len(res.Rejected) > 0 {
			rej := res.Rejected[0]
			return nil, fmt.Errorf("frameworks: bundled %s: %s: %s (and %d more problems)", source, rej.Record, rej.Error, len(res.Rejected)-1)
		}
		for _, f := range res.Frameworks {
			r.Add(f)
		}
	}
	return r, nil
}

// alias maps a spelling to a framework unless it already names another:
// built-in names and the first framework to claim an alias keep it.
func (r *Registry) alias(spelling, name string) {
	k := key(spelling)
	if k == "" {
		return
	}
	if _, taken := r.aliases[k]; !taken {
		r.aliases[k] = name
	}
}

// Canonical maps a framework spelling to the name the registry knows it by:
// a canonical name, an alias (case, spacing and punctuation aside), a
// publisher URL of a built-in framework, or the name, title or alias of an
// imported framework.
func (r *Registry) Canonical(s string) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.canonical(s)
}

func (r *Registry) canonical(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if name, ok := r.aliases[key(s)]; ok {
		return name, true
	}
	if u := parseWeb(s); u != nil {
		if b := matchSite(u); b != nil {
			return b.name, true
		}
		return "", false
	}
	// "InTASC 2013", "PSEL (2015)", "UDL Guidelines v2.2", "Framework for
	// Teaching 2013 Edition": a trailing year or version.
	if k := strings.TrimRight(key(s), "0123456789"); k != key(s) && k != "" {
		if name, ok := r.aliases[k]; ok {
			return name, true
		}
	}
	if rest := versionSuffix.ReplaceAllString(s, ""); rest != s && rest != "" {
		if name, ok := r.canonical(rest); ok {
			return name, true
		}
	}
	// "European Framework for the Digital Competence of Educators
	// (DigCompEdu)", "Universal Design for Learning (UDL) Guidelines": a
	// full name with its short name in parentheses; either the short name or
	// the rest may be the known one.
	if open := strings.IndexByte(s, '('); open > 0 {
		if n := strings.IndexByte(s[open:], ')'); n > 0 {
			shut := open + n
			for _, part := range []string{s[open+1 : shut], s[:open] + s[shut+1:]} {
				if name, ok := r.canonical(part); ok {
					return name, true
				}
			}
		}
	}
	return "", false
}

// versionSuffix matches a year, version or edition at the end of a
// framework name: " 2013", " (2015)", " v2.2", " version 2.2", " 2013
// Edition".
var versionSuffix = regexp.MustCompile(`(?i)[\s,:(-]*\b(?:(?:v|ver|version|rev|revised|edition|ed)\.?\s*)?[0-9]+(?:\.[0-9]+)*(?:\s*(?:edition|ed\.|update|version))?\s*\)?\s*$`)

// Add registers a framework imported from a CASE package or a framework
// CSV; its Name, Title and Aliases resolve to it from then on. A framework
// whose name resolves to one already known is merged into it: new codes are
// added; for a built-in framework the bundled wording of existing codes is
// kept, for an imported one the latest wording wins.
func (r *Registry) Add(f catalog.Framework) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name := strings.TrimSpace(f.Name)
	if canon, ok := r.canonical(name); ok {
		name = canon
	}
	if name == "" {
		return
	}
	e := r.entries[name]
	if e == nil {
		e = &entry{fw: &catalog.Framework{Name: name, Items: []catalog.FrameworkItem{}}}
		r.entries[name] = e
		r.order = append(r.order, name)
	}
	fw := e.fw
	for _, fill := range []struct {
		dst *string
		src string
	}{
		{&fw.Title, f.Title}, {&fw.Description, f.Description}, {&fw.URL, f.URL}, {&fw.Source, f.Source},
	} {
		if *fill.dst == "" {
			*fill.dst = fill.src
		}
	}
	for _, a := range append([]string{f.Name, f.Title}, f.Aliases...) {
		if a = strings.TrimSpace(a); a == "" || a == name {
			continue
		}
		if !contains(fw.Aliases, a) && e.builtin == nil {
			fw.Aliases = append(fw.Aliases, a)
		}
		r.alias(a, name)
	}
	r.alias(name, name)
	for _, it := range f.Items {
		i := itemIndex(fw, it.Code)
		switch {
		case i < 0:
			fw.Items = append(fw.Items, it)
		case e.builtin != nil:
			fillItem(&fw.Items[i], it)
		default:
			fw.Items[i] = mergeItem(it, fw.Items[i])
		}
	}
}

func itemIndex(fw *catalog.Framework, code string) int {
	for i, it := range fw.Items {
		if it.Code == code {
			return i
		}
	}
	return -1
}

// fillItem copies into it the fields it leaves empty.
func fillItem(it *catalog.FrameworkItem, from catalog.FrameworkItem) {
	if it.Name == "" {
		it.Name = from.Name
	}
	if it.Description == "" {
		it.Description = from.Description
	}
	if it.Parent == "" {
		it.Parent = from.Parent
	}
}

// mergeItem returns newer, with fields it leaves empty taken from older.
func mergeItem(newer, older catalog.FrameworkItem) catalog.FrameworkItem {
	fillItem(&newer, older)
	return newer
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// Frameworks returns every framework: the built-in ones in their documented
// order, then imported ones in the order they were added. Callers must not
// modify them.
func (r *Registry) Frameworks() []*catalog.Framework {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*catalog.Framework, 0, len(r.order))
	for _, name := range r.order {
		out = append(out, r.entries[name].fw)
	}
	return out
}

// Lookup returns the framework a name, alias or URL refers to. Callers must
// not modify it.
func (r *Registry) Lookup(name string) (*catalog.Framework, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	canon, ok := r.canonical(name)
	if !ok {
		return nil, false
	}
	return r.entries[canon].fw, true
}

// Parent returns the code that code refines in framework ("7" for UDL
// checkpoint "7.2", "3" for FFT component "3b", "2" for DigCompEdu
// competence "2.1"), or "" for a top-level code. The item's stated parent
// is used when there is one; otherwise the code's shape decides, for the
// hierarchical built-in frameworks always, for others only when the parent
// the shape gives is one of the framework's codes.
func (r *Registry) Parent(framework, code string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	code = strings.TrimSpace(code)
	name, ok := r.canonical(framework)
	if !ok {
		return ""
	}
	e := r.entries[name]
	if it, ok := e.fw.Item(code); ok && it.Parent != "" {
		return it.Parent
	}
	p := shapeParent(code)
	if p == "" {
		return ""
	}
	if _, known := e.fw.Item(p); known {
		return p
	}
	if e.builtin != nil && e.builtin.hierarchical {
		return p
	}
	return ""
}
