package synth

import (
	"encoding/csv"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/pdpath/pdpath/datasets"
)

// Competency codes come from the bundled framework CSVs (datasets.Frameworks)
// rather than from a list in this package: the CSVs are the project's single
// source of truth for codes, so synthetic credentials can never carry a code
// the recommender does not know, and a renamed code shows up here at once.
// Only the seven canonical framework files are read, in a fixed order, so
// adding other framework files later does not change the synthetic output.
var frameworkFiles = []string{
	"frameworks/intasc.csv",
	"frameworks/psel.csv",
	"frameworks/iste-e.csv",
	"frameworks/udl.csv",
	"frameworks/fft.csv",
	"frameworks/nbpts.csv",
	"frameworks/digcompedu.csv",
}

// item is one framework code.
type item struct {
	framework, code, name string
}

// vocabulary is the loaded, validated generator input.
type vocabulary struct {
	all    []item
	byKey  map[string]*item
	topics []loadedTopic
	// dropped lists topic codes missing from the frameworks (tests expect
	// none).
	dropped []string

	templates []tmpl
	// titled maps every term, audience and subject to its title-case form.
	titled             map[string]string
	issuers, issuerIDs []string
}

type loadedTopic struct {
	topic
	items []*item
}

var loadVocabulary = sync.OnceValue(func() *vocabulary {
	v, err := buildVocabulary(datasets.Frameworks)
	if err != nil {
		panic("synth: bundled frameworks: " + err.Error())
	}
	return v
})

func buildVocabulary(fsys fs.FS) (*vocabulary, error) {
	v := &vocabulary{byKey: map[string]*item{}}
	for _, name := range frameworkFiles {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rows) < 2 || len(rows[0]) < 3 || rows[0][0] != "framework" || rows[0][1] != "code" || rows[0][2] != "name" {
			return nil, fmt.Errorf("%s: unexpected header", name)
		}
		for _, r := range rows[1:] {
			v.all = append(v.all, item{framework: r[0], code: r[1], name: r[2]})
		}
	}
	for i := range v.all {
		it := &v.all[i]
		v.byKey[it.framework+":"+it.code] = it
	}
	for _, t := range topics {
		lt := loadedTopic{topic: t}
		for _, k := range t.codes {
			if it, ok := v.byKey[k]; ok {
				lt.items = append(lt.items, it)
			} else {
				v.dropped = append(v.dropped, k)
			}
		}
		if len(lt.items) == 0 {
			return nil, fmt.Errorf("topic %q has no known competency code", t.title)
		}
		v.topics = append(v.topics, lt)
	}

	v.titled = map[string]string{}
	for _, t := range topics {
		for _, term := range t.terms {
			v.titled[term] = titleCase(term)
		}
	}
	for _, a := range audiences {
		v.titled[a] = titleCase(a)
	}
	for _, s := range subjects {
		v.titled[s] = titleCase(strings.ReplaceAll(s, "-", " "))
	}
	for _, t := range templates {
		tp, err := parseTemplate(t)
		if err != nil {
			return nil, err
		}
		v.templates = append(v.templates, tp)
	}
	for i := 1; i <= numIssuers; i++ {
		v.issuers = append(v.issuers, IssuerName(i))
		v.issuerIDs = append(v.issuerIDs, issuerID(i))
	}
	return v, nil
}

// tmpl is a parsed sentence template: literal text between slots.
type tmpl struct {
	lits  []string // len(slots)+1
	slots []int
}

// parseTemplate splits a template on its %[N]s slots (N in 1..5).
func parseTemplate(s string) (tmpl, error) {
	var t tmpl
	for {
		i := strings.Index(s, "%[")
		if i < 0 {
			t.lits = append(t.lits, s)
			return t, nil
		}
		if i+4 >= len(s) || s[i+3] != ']' || s[i+4] != 's' || s[i+2] < '1' || s[i+2] > '5' {
			return t, fmt.Errorf("bad template slot in %q", s)
		}
		t.lits = append(t.lits, s[:i])
		t.slots = append(t.slots, int(s[i+2]-'1'))
		s = s[i+5:]
	}
}

func (t tmpl) appendTo(dst []byte, slots *[5]string) []byte {
	for i, slot := range t.slots {
		dst = append(dst, t.lits[i]...)
		dst = append(dst, slots[slot]...)
	}
	return append(dst, t.lits[len(t.lits)-1]...)
}
