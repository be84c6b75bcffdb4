package planner

import (
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Matcher reports whether a credential meets a target competency. The
// recommender's crosswalk can be plugged in through Options.Matcher; the
// default is hierarchy.matches.
type Matcher func(target catalog.Competency, cred *catalog.Credential) bool

// hierarchy knows which codes of a framework refine which: the Parent links
// of the frameworks in the snapshot, plus the code forms of the frameworks
// pdpath knows by name whose children are spelled from their parents (UDL
// guideline "7" and checkpoints "7.1"..., DigCompEdu area "1" and
// competences "1.1"..., FFT domain "3" and components "3a"...).
type hierarchy struct {
	parent map[string]map[string]string // framework → code → parent code
}

func newHierarchy(frameworks []*catalog.Framework) hierarchy {
	h := hierarchy{parent: make(map[string]map[string]string)}
	for _, f := range frameworks {
		if f == nil {
			continue
		}
		for _, it := range f.Items {
			if it.Parent == "" {
				continue
			}
			if h.parent[f.Name] == nil {
				h.parent[f.Name] = make(map[string]string)
			}
			h.parent[f.Name][it.Code] = it.Parent
		}
	}
	return h
}

// covers reports whether a credential aligned to code cred meets a target
// on code target of the same framework: the same code, or a code refining
// the target (a checkpoint of a target guideline, at any depth). A code the
// target refines (the guideline of a target checkpoint) does not: it may
// not teach that checkpoint.
func (h hierarchy) covers(framework, target, cred string) bool {
	return target == cred || h.ancestor(framework, target, cred)
}

// ancestor reports whether code a is a strict ancestor of code b.
func (h hierarchy) ancestor(framework, a, b string) bool {
	if structuralParent(framework, a, b) {
		return true
	}
	parents := h.parent[framework]
	seen := 0
	for p, ok := parents[b]; ok && seen <= len(parents); p, ok = parents[p] {
		if p == a {
			return true
		}
		seen++
	}
	return false
}

// structuralParent applies the code forms of the built-in hierarchical
// frameworks: "7" is the parent of "7.2" in UDL and DigCompEdu, "3" of "3a"
// in FFT.
func structuralParent(framework, a, b string) bool {
	switch framework {
	case "UDL", "DigCompEdu":
		rest, ok := strings.CutPrefix(b, a+".")
		return ok && rest != "" && !strings.Contains(rest, ".")
	case "FFT":
		return len(b) == len(a)+1 && strings.HasPrefix(b, a) && b[len(b)-1] >= 'a' && b[len(b)-1] <= 'z'
	}
	return false
}

// matches is the default Matcher: some competency of the credential is in
// the target's framework and related to the target's code.
func (h hierarchy) matches(target catalog.Competency, cred *catalog.Credential) bool {
	for _, c := range cred.Competencies {
		if c.Framework == target.Framework && h.covers(target.Framework, target.Code, c.Code) {
			return true
		}
	}
	return false
}
