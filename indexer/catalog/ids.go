package catalog

import (
	"regexp"
	"strings"
)

// ctidPattern finds a Credential Engine CTID ("ce-" and a UUID) inside
// an id or URI, in any case.
var ctidPattern = regexp.MustCompile(`(?i)\bce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)

// registryResources is where the Credential Engine Registry publishes a
// resource by its CTID; feeds use it as the resource's @id.
const registryResources = "https://credentialengineregistry.org/resources/"

// ResolveID looks id up with lookup as written, then under the other
// spellings people and feeds use for the same item: without surrounding
// space; a CTID in any case, inside any registry URI ("/graph/ce-…",
// "/resources/ce-…"), as the bare CTID or its resources URI; a URL with
// http or https and with or without a trailing slash. The first spelling
// found wins, so an id that is in the catalog as written always resolves
// to itself.
func ResolveID[T any](id string, lookup func(string) (T, bool)) (T, bool) {
	if v, ok := lookup(id); ok {
		return v, true
	}
	for _, alt := range idSpellings(id) {
		if v, ok := lookup(alt); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// idSpellings returns the other spellings ResolveID tries, in order.
func idSpellings(id string) []string {
	var out []string
	t := strings.TrimSpace(id)
	if t != id && t != "" {
		out = append(out, t)
	}
	if ctid := ctidPattern.FindString(t); ctid != "" {
		ctid = strings.ToLower(ctid)
		out = append(out, ctid, registryResources+ctid)
	}
	lower := strings.ToLower(t)
	var rest string
	switch {
	case strings.HasPrefix(lower, "https://"):
		rest = t[len("https://"):]
	case strings.HasPrefix(lower, "http://"):
		rest = t[len("http://"):]
	default:
		return out
	}
	trimmed := strings.TrimRight(rest, "/")
	for _, r := range []string{trimmed, trimmed + "/"} {
		for _, scheme := range []string{"https://", "http://"} {
			if u := scheme + r; u != t {
				out = append(out, u)
			}
		}
	}
	return out
}
