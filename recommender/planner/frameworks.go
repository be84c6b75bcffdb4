package planner

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/frameworks"
)

// bundled is the registry of the frameworks shipped with pdpath, loaded
// once: it knows the built-in frameworks' codes when a catalog snapshot
// carries none.
var bundled = sync.OnceValue(func() *frameworks.Registry {
	r, err := frameworks.Bundled()
	if err != nil {
		return frameworks.New()
	}
	return r
})

// frameworkNames knows which frameworks and codes a plan request may name:
// the snapshot's frameworks (by name, title and alias), the bundled ones,
// and any framework a credential of the catalog is aligned to (kept as
// written by ingest). A framework with listed codes accepts only those;
// one without accepts any code.
type frameworkNames struct {
	names map[string]string            // lower-case spelling → canonical name
	codes map[string]map[string]string // framework → lower-case code → code
}

func newFrameworkNames(snap *catalog.Snapshot) frameworkNames {
	fn := frameworkNames{names: map[string]string{}, codes: map[string]map[string]string{}}
	add := func(f *catalog.Framework) {
		if f == nil || f.Name == "" {
			return
		}
		for _, s := range append([]string{f.Name, f.Title}, f.Aliases...) {
			if k := strings.ToLower(strings.TrimSpace(s)); k != "" {
				if _, taken := fn.names[k]; !taken {
					fn.names[k] = f.Name
				}
			}
		}
		if len(f.Items) > 0 && fn.codes[f.Name] == nil {
			m := make(map[string]string, len(f.Items))
			for _, it := range f.Items {
				m[strings.ToLower(it.Code)] = it.Code
			}
			fn.codes[f.Name] = m
		}
	}
	for _, f := range snap.Frameworks {
		add(f)
	}
	for _, f := range bundled().Frameworks() {
		add(f)
	}
	for _, c := range snap.Credentials {
		if c == nil {
			continue
		}
		for _, comp := range c.Competencies {
			if k := strings.ToLower(comp.Framework); k != "" {
				if _, taken := fn.names[k]; !taken {
					fn.names[k] = comp.Framework
				}
			}
		}
	}
	return fn
}

// resolve returns the canonical competency for a request's framework and
// code, or a message saying which of the two is unknown.
func (fn frameworkNames) resolve(framework, code string) (catalog.Competency, string) {
	framework, code = strings.TrimSpace(framework), strings.TrimSpace(code)
	name, ok := fn.names[strings.ToLower(framework)]
	if !ok {
		if canon, found := bundled().Canonical(framework); found {
			name, ok = canon, true
		}
	}
	if !ok {
		return catalog.Competency{}, fmt.Sprintf("unknown framework %q", framework)
	}
	if codes := fn.codes[name]; codes != nil {
		c, known := codes[strings.ToLower(code)]
		if !known {
			return catalog.Competency{}, fmt.Sprintf("%q is not a code of %s", code, name)
		}
		code = c
	}
	return catalog.Competency{Framework: name, Code: code}, ""
}
