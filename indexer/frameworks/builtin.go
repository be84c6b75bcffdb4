package frameworks

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Canonical framework names (listed in indexer/README.md, "Competency frameworks").
const (
	InTASC     = "InTASC"
	PSEL       = "PSEL"
	ISTEE      = "ISTE-E"
	UDL        = "UDL"
	FFT        = "FFT"
	NBPTS      = "NBPTS"
	DigCompEdu = "DigCompEdu"
)

// builtin is a framework pdpath knows by name: how feeds spell it, which
// publisher pages identify it, and how its codes are written.
type builtin struct {
	name, title string
	aliases     []string
	sites       []site
	// hierarchical frameworks nest codes: a UDL checkpoint "7.2" refines
	// guideline "7", an FFT component "3b" refines domain "3".
	hierarchical bool
	codes        codeForm
}

// site is a publisher URL that identifies a framework: a host (matching
// its subdomains too) and, when the host publishes several frameworks,
// words one of which the path must contain.
type site struct {
	host  string
	paths []string
}

var builtins = []*builtin{
	{
		name: InTASC, title: "InTASC Model Core Teaching Standards (CCSSO, 2013)",
		aliases: []string{"InTASC Model Core Teaching Standards", "InTASC Standards", "CCSSO InTASC",
			"InTASC Model Core Teaching Standards and Learning Progressions for Teachers",
			"Model Core Teaching Standards", "Interstate Teacher Assessment and Support Consortium",
			"InTASC Core Teaching Standards", "CCSSO InTASC Standards", "CCSSO InTASC Model Core Teaching Standards"},
		sites: []site{{host: "ccsso.org", paths: []string{"intasc"}}},
		codes: numbered{max: 10, words: []string{"standard"}},
	},
	{
		name: PSEL, title: "Professional Standards for Educational Leaders (2015)",
		aliases: []string{"PSEL 2015", "NPBEA PSEL", "Professional Standards for Educational Leaders",
			"Professional Standards for Educational Leaders 2015", "PSEL Standards",
			"NPBEA Professional Standards for Educational Leaders"},
		sites: []site{{host: "npbea.org"}},
		codes: numbered{max: 10, words: []string{"standard"}},
	},
	{
		name: ISTEE, title: "ISTE Standards for Educators",
		aliases: []string{"ISTE", "ISTE Standards for Educators", "ISTE Standards: Educators", "ISTE Educator Standards",
			"ISTE Standards for Teachers", "ISTE-T", "ISTE Educators", "ISTE Standards Educators",
			"International Society for Technology in Education Standards for Educators"},
		sites: []site{{host: "iste.org", paths: []string{"educator", "teacher"}}},
		codes: isteCodes{},
	},
	{
		name: UDL, title: "CAST UDL Guidelines 2.2",
		aliases: []string{"CAST UDL Guidelines", "CAST UDL", "UDL Guidelines", "UDL Guidelines 2.2",
			"Universal Design for Learning", "Universal Design for Learning Guidelines", "CAST Universal Design for Learning"},
		sites:        []site{{host: "udlguidelines.cast.org"}, {host: "cast.org"}},
		hierarchical: true,
		codes:        udlCodes{},
	},
	{
		name: FFT, title: "Danielson Framework for Teaching (2013)",
		aliases: []string{"Danielson", "Framework for Teaching", "Danielson Framework for Teaching", "Danielson Framework",
			"Charlotte Danielson Framework for Teaching", "Danielson FFT", "Danielson Group Framework for Teaching"},
		sites:        []site{{host: "danielsongroup.org"}},
		hierarchical: true,
		codes:        fftCodes{},
	},
	{
		name: NBPTS, title: "National Board Five Core Propositions",
		aliases: []string{"National Board", "NBPTS Five Core Propositions", "National Board Five Core Propositions",
			"Five Core Propositions", "National Board for Professional Teaching Standards",
			"National Board for Professional Teaching Standards Five Core Propositions", "NBPTS Core Propositions"},
		sites: []site{{host: "nbpts.org"}},
		codes: numbered{max: 5, words: []string{"proposition"}},
	},
	{
		name: DigCompEdu, title: "European Framework for the Digital Competence of Educators",
		aliases: []string{"DigCompEdu Framework", "European Framework for the Digital Competence of Educators",
			"Digital Competence of Educators", "JRC DigCompEdu", "Digital Competence Framework for Educators"},
		sites:        []site{{host: "europa.eu", paths: []string{"digcompedu"}}},
		hierarchical: true,
		codes:        digCompEduCodes{},
	},
}

func builtinNamed(name string) *builtin {
	for _, b := range builtins {
		if b.name == name {
			return b
		}
	}
	return nil
}

// key folds a name for alias lookup: case, spacing and punctuation do not
// count ("ISTE-E", "iste e" and "Iste_E" are the same key), nor do a
// leading "the" and a possessive "'s" ("Danielson's Framework").
func key(s string) string {
	var b strings.Builder
	for _, r := range possessive.ReplaceAllString(strings.ToLower(s), "") {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	k := b.String()
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "the ") {
		k = strings.TrimPrefix(k, "the")
	}
	return k
}

var possessive = regexp.MustCompile(`['\x{2019}]s\b`)

// parseWeb reads s as a web address: a URL, or a bare host such as
// "www.iste.org/standards". It returns nil when s is not one.
func parseWeb(s string) *url.URL {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return nil
	}
	if !strings.Contains(s, "://") {
		host := s
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		dot := strings.LastIndex(host, ".")
		if dot <= 0 || dot == len(host)-1 || !isAlpha(host[dot+1:]) {
			return nil
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil
	}
	return u
}

func isAlpha(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// matchSite returns the built-in framework a publisher URL identifies.
func matchSite(u *url.URL) *builtin {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	where := strings.ToLower(u.Path + "#" + u.Fragment)
	for _, b := range builtins {
		for _, s := range b.sites {
			if host != s.host && !strings.HasSuffix(host, "."+s.host) {
				continue
			}
			if len(s.paths) == 0 {
				return b
			}
			for _, p := range s.paths {
				if strings.Contains(where, p) {
					return b
				}
			}
		}
	}
	return nil
}

// Title returns the title of a built-in framework ("CAST UDL Guidelines
// 2.2" for "UDL"), or "" for a name that is not a canonical one.
func Title(name string) string {
	if b := builtinNamed(name); b != nil {
		return b.title
	}
	return ""
}
