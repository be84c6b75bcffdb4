package frameworks

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Resolve maps a competency as a feed wrote it to the canonical framework
// name and normalised code ("Danielson" / "Component 3b" → FFT "3b"). The
// framework comes from the Framework field (name, alias or URL), else from
// the URL, else from the leading words of the Name ("InTASC Standard 6:
// Assessment"); the code from the Code field, else the Name, else the end
// of the URL ("…/7.2"). Name is filled from the framework's item when the
// feed gave none. For an unknown framework Resolve reports false and
// returns the competency as written, trimmed.
func (r *Registry) Resolve(c catalog.Competency) (catalog.Competency, bool) {
	c = catalog.Competency{
		Framework: strings.TrimSpace(c.Framework),
		Code:      strings.TrimSpace(c.Code),
		Name:      strings.TrimSpace(c.Name),
		URL:       strings.TrimSpace(c.URL),
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	name, ok := r.frameworkOf(c)
	fromName := false
	if !ok {
		if name, ok = r.leadingAlias(c.Name); !ok {
			return c, false
		}
		fromName = true
	}
	e := r.entries[name]
	code, detail, found := r.code(e, c)
	if !found && fromName {
		// A name that merely starts like a framework is not enough.
		return c, false
	}
	out := c
	out.Framework = name
	if found {
		out.Code = code
	}
	if out.Name == "" {
		if it, ok := e.fw.Item(out.Code); ok {
			out.Name = it.Name
			if detail != "" {
				out.Name += " (" + detail + ")"
			}
		}
	}
	return out, true
}

// frameworkOf finds the framework from the Framework field, or from the
// URL when the field is empty, a bare host, or a name pdpath does not know.
func (r *Registry) frameworkOf(c catalog.Competency) (string, bool) {
	if name, ok := r.canonical(c.Framework); ok {
		return name, true
	}
	if u := parseWeb(c.URL); u != nil {
		if b := matchSite(u); b != nil {
			return b.name, true
		}
	}
	if name, ok := r.aliases[key(c.URL)]; ok && c.URL != "" {
		return name, true
	}
	return "", false
}

// leadingAlias finds a framework named by the first words of text.
func (r *Registry) leadingAlias(text string) (string, bool) {
	words := strings.Fields(text)
	for n := min(len(words), 7); n >= 1; n-- {
		if name, ok := r.aliases[key(strings.Join(words[:n], " "))]; ok {
			return name, true
		}
	}
	return "", false
}

var codeLike = regexp.MustCompile(`^#?[0-9]+(?:[.][0-9a-z]+)*[a-z]?$`)

// urlTail returns the end of a URL when it looks like a code: the fragment
// ("#6") or the last path segment ("/7.2").
func urlTail(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ""
	}
	tail := u.Fragment
	if tail == "" {
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		tail = segs[len(segs)-1]
	}
	tail = strings.ToLower(tail)
	if !codeLike.MatchString(tail) {
		return ""
	}
	return strings.TrimPrefix(tail, "#")
}

// code finds the competency's code in framework e.
func (r *Registry) code(e *entry, c catalog.Competency) (code, detail string, ok bool) {
	candidates := []string{c.Code, c.Name, urlTail(c.URL)}
	if b := e.builtin; b != nil {
		for _, s := range candidates {
			if s == "" {
				continue
			}
			if code, detail, ok := b.codes.normalize(s); ok {
				return knownPrefix(e.fw, code), detail, true
			}
		}
	} else {
		for _, s := range []string{c.Code, urlTail(c.URL)} {
			if s == "" {
				continue
			}
			if _, ok := e.fw.Item(s); ok {
				return s, "", true
			}
			for _, it := range e.fw.Items {
				if strings.EqualFold(it.Code, s) {
					return it.Code, "", true
				}
			}
		}
	}
	if code, ok := itemByName(e.fw, c.Code, c.Name); ok {
		return code, "", true
	}
	if c.Code != "" && e.builtin == nil {
		return c.Code, "", true
	}
	return "", "", false
}

// knownPrefix returns code when the framework has it (or has no items to
// check against), else its longest dotted prefix the framework has: a
// DigCompEdu activity "2.1.3" resolves to competence "2.1" when the
// activities are not loaded.
func knownPrefix(fw *catalog.Framework, code string) string {
	if len(fw.Items) == 0 {
		return code
	}
	for c := code; c != ""; {
		if _, ok := fw.Item(c); ok {
			return c
		}
		i := strings.LastIndex(c, ".")
		if i < 0 {
			break
		}
		c = c[:i]
	}
	return code
}

// itemByName finds the item whose name a feed wrote in place of its code,
// or as the alignment's name ("Learner Development", "Standard 1: Learner
// Development").
func itemByName(fw *catalog.Framework, texts ...string) (string, bool) {
	for _, t := range texts {
		if t == "" {
			continue
		}
		forms := []string{key(t)}
		if i := strings.LastIndex(t, ":"); i >= 0 {
			forms = append(forms, key(t[i+1:]))
		}
		for _, it := range fw.Items {
			k := key(it.Name)
			for _, f := range forms {
				if f != "" && f == k {
					return it.Code, true
				}
			}
		}
	}
	return "", false
}
