package recommender

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Fit: how closely a credential is written for the grade bands and
// subjects she teaches. The filters only say whether it may be shown; a
// kindergarten teacher is better served by an item for PreK–2 than by one
// stated for every band from PreK to 12, and an item whose title says
// "middle school" is for middle school even when its feed states no band.

// bandSet holds grade bands as bits, in catalog.GradeBands order.
type bandSet uint8

func (b bandSet) count() int { return bits.OnesCount8(uint8(b)) }

// bandsOf reads stated grade bands ("PreK", "6-8", case-insensitive).
func bandsOf(list []string) bandSet {
	var out bandSet
	for _, s := range list {
		for k, g := range catalog.GradeBands {
			if strings.EqualFold(strings.TrimSpace(s), g) {
				out |= 1 << k
			}
		}
	}
	return out
}

const (
	bandPreK bandSet = 1 << iota
	bandK2
	band35
	band68
	band912
	bandAdult
	bandsSchool = bandPreK | bandK2 | band35 | band68 | band912
)

// bandPhrases are the everyday names of the grade bands, matched as whole
// words in lower-cased text. A phrase comes before the shorter phrases
// inside it.
var bandPhrases = []struct {
	words string
	bands bandSet
}{
	{"pre-kindergarten", bandPreK}, {"prekindergarten", bandPreK}, {"pre-k", bandPreK}, {"prek", bandPreK},
	{"preschool", bandPreK}, {"pre-school", bandPreK}, {"early childhood", bandPreK}, {"toddlers", bandPreK},
	{"infants and toddlers", bandPreK}, {"early learning", bandPreK},
	{"kindergarten", bandK2}, {"early grades", bandK2}, {"primary grades", bandK2}, {"early elementary", bandK2},
	{"first grade", bandK2}, {"second grade", bandK2}, {"first graders", bandK2}, {"second graders", bandK2},
	{"kindergartners", bandK2}, {"kindergarteners", bandK2}, {"early readers", bandK2}, {"k-2", bandK2},
	{"upper elementary", band35}, {"intermediate grades", band35}, {"third grade", band35}, {"fourth grade", band35},
	{"fifth grade", band35}, {"third graders", band35}, {"fourth graders", band35}, {"fifth graders", band35},
	{"3-5", band35},
	{"elementary", bandK2 | band35}, {"k-5", bandK2 | band35}, {"k-8", bandK2 | band35 | band68},
	{"middle school", band68}, {"middle grades", band68}, {"middle-grades", band68}, {"junior high", band68},
	{"sixth grade", band68}, {"seventh grade", band68}, {"eighth grade", band68}, {"6-8", band68},
	{"high school", band912}, {"high-school", band912}, {"secondary", band68 | band912}, {"9-12", band912},
	{"ninth grade", band912}, {"advanced placement", band912}, {"6-12", band68 | band912},
	{"k-12", bandsSchool}, {"prek-12", bandsSchool}, {"all grade levels", bandsSchool}, {"all grades", bandsSchool},
	{"adult learners", bandAdult}, {"adult education", bandAdult}, {"higher education", bandAdult},
	{"community college", bandAdult},
	{"kinder", bandK2}, {"kindergartens", bandK2}, {"1st grade", bandK2}, {"2nd grade", bandK2}, {"1st graders", bandK2}, {"2nd graders", bandK2},
	{"3rd grade", band35}, {"4th grade", band35}, {"5th grade", band35}, {"3rd graders", band35}, {"4th graders", band35}, {"5th graders", band35},
	{"6th grade", band68}, {"7th grade", band68}, {"8th grade", band68}, {"6th graders", band68}, {"7th graders", band68}, {"8th graders", band68},
	{"sixth graders", band68}, {"seventh graders", band68}, {"eighth graders", band68}, {"middle schoolers", band68},
	{"9th grade", band912}, {"10th grade", band912}, {"11th grade", band912}, {"12th grade", band912},
	{"9th graders", band912}, {"10th graders", band912}, {"11th graders", band912}, {"12th graders", band912},
	{"ninth graders", band912}, {"tenth grade", band912}, {"eleventh grade", band912}, {"twelfth grade", band912},
	{"freshmen", band912}, {"sophomores", band912}, {"high schoolers", band912},
	{"preschoolers", bandPreK}, {"four-year-olds", bandPreK}, {"three-year-olds", bandPreK},
}

// bandPhraseIndex maps a phrase's first word to the phrases starting
// with it, longest first, each as its words.
var bandPhraseIndex = func() map[string][]bandPhrase {
	idx := map[string][]bandPhrase{}
	for _, p := range bandPhrases {
		words := strings.Fields(p.words)
		idx[words[0]] = append(idx[words[0]], bandPhrase{words, p.bands})
	}
	for _, list := range idx {
		slices.SortStableFunc(list, func(a, b bandPhrase) int { return cmp.Compare(len(b.words), len(a.words)) })
	}
	return idx
}()

type bandPhrase struct {
	words []string
	bands bandSet
}

// bandsNamedIn returns the grade bands the texts name ("for middle school
// science teachers", a "PreK" tag). Each text is read word by word: at
// each word the longest phrase starting there wins and its words are not
// read again, so "upper elementary" is not also "elementary" and
// "pre-kindergarten" (one word) not "kindergarten". It runs for every
// credential of a model build, so it allocates nothing per word; a text
// is read up to its first 512 bytes.
func bandsNamedIn(texts ...string) bandSet {
	var out bandSet
	var buf [512]byte
	var spans [128][2]int
	for _, text := range texts {
		// Lower-case ASCII into buf and cut it into words: runs of
		// letters, digits, '-' and non-ASCII bytes.
		lower := buf[:0]
		n := 0
		start := -1
		for k := 0; k < len(text) && len(lower) < len(buf); k++ {
			b := text[k]
			if b >= 'A' && b <= 'Z' {
				b += 'a' - 'A'
			}
			lower = append(lower, b)
			if wordByte(b) {
				if start < 0 {
					start = len(lower) - 1
				}
				continue
			}
			if start >= 0 && n < len(spans) {
				spans[n] = [2]int{start, len(lower) - 1}
				n++
			}
			start = -1
		}
		if start >= 0 && n < len(spans) {
			spans[n] = [2]int{start, len(lower)}
			n++
		}
		for k := 0; k < n; k++ {
			list, ok := bandPhraseIndex[string(lower[spans[k][0]:spans[k][1]])]
			if !ok {
				continue
			}
			for _, p := range list {
				if k+len(p.words) > n || !wordsAt(lower, spans[k+1:k+len(p.words)], p.words[1:]) {
					continue
				}
				out |= p.bands
				k += len(p.words) - 1
				break
			}
		}
	}
	return out
}

// wordsAt reports whether the words of text at spans are want.
func wordsAt(text []byte, spans [][2]int, want []string) bool {
	for j, w := range want {
		if string(text[spans[j][0]:spans[j][1]]) != w {
			return false
		}
	}
	return true
}

// containsWord reports whether phrase occurs in text between word
// boundaries (letters and digits inside a word; '-' joins "k-2").
func containsWord(text, phrase string) bool {
	for start := 0; ; {
		k := strings.Index(text[start:], phrase)
		if k < 0 {
			return false
		}
		k += start
		end := k + len(phrase)
		if (k == 0 || !wordByte(text[k-1])) && (end == len(text) || !wordByte(text[end])) {
			return true
		}
		start = k + 1
	}
}

func wordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b >= 0x80
}

// namedBands returns the grade bands credential i's text names, read once
// and cached.
func (m *Model) namedBands(i int32) bandSet {
	const read = 1 << 8
	v := m.bandsNamed[i].Load()
	if v&read == 0 {
		v = read | uint32(bandsNamedBy(m.creds[i]))
		m.bandsNamed[i].Store(v)
	}
	return bandSet(v)
}

// bandsNamedBy reads who a credential is written for from its title, tags
// and the opening of its description.
func bandsNamedBy(c *catalog.Credential) bandSet {
	desc := c.Description
	if len(desc) > 300 {
		desc = desc[:300]
	}
	out := bandsNamedIn(c.Title, desc)
	for _, t := range c.Tags {
		out |= bandsNamedIn(t)
	}
	return out
}

// subjectWords are words that name a subject in a title or tag, by the
// subject names profiles use.
var subjectWords = map[string][]string{
	"math":               {"math", "mathematics", "algebra", "geometry", "calculus", "statistics", "numeracy", "fractions", "number sense"},
	"ela":                {"ela", "english language arts", "reading", "writing", "literacy", "literature", "language arts", "phonics"},
	"science":            {"science", "biology", "chemistry", "physics", "ngss", "earth science", "lab"},
	"social studies":     {"social studies", "history", "civics", "geography", "government", "economics"},
	"cs":                 {"computer science", "coding", "programming", "computational thinking"},
	"computer science":   {"computer science", "coding", "programming", "computational thinking"},
	"arts":               {"arts", "art", "music", "band", "choir", "orchestra", "theater", "theatre", "drama", "dance"},
	"esl":                {"esl", "english learners", "english learner", "multilingual", "ell", "eld", "english language development", "emergent bilingual"},
	"world languages":    {"world language", "world languages", "spanish", "french", "foreign language", "target language"},
	"physical education": {"physical education", "pe", "health", "fitness"},
	"special education":  {"special education", "disabilities", "iep", "inclusion", "inclusive"},
	"cte":                {"career and technical", "cte", "career pathways"},
	"stem":               {"stem", "science", "math", "engineering", "technology"},
}

// fitter scores one request's fit; zero when she named no band or subject.
type fitter struct {
	bands bandSet
	// bandsFromGoals: bands were read from her goals, not her preferences.
	bandsFromGoals bool
	subjects       []string
	// words are the words naming her subjects, lower-cased.
	words []string
}

func newFitter(p catalog.Preferences, goals string) fitter {
	f := fitter{bands: bandsOf(p.GradeBands)}
	if f.bands == 0 {
		// "My 7th graders…": the grades she teaches, read from her goals
		// when she set no grade band; they rank, never filter.
		if f.bands = bandsNamedIn(goals); f.bands != 0 {
			f.bandsFromGoals = true
		}
	}
	for _, s := range p.Subjects {
		s = catalog.Subject(s)
		if s == "" || catalog.ForAllSubjects(s) {
			continue
		}
		f.subjects = append(f.subjects, s)
		f.words = append(f.words, s)
		f.words = append(f.words, subjectWords[s]...)
	}
	return f
}

func (f fitter) active() bool { return f.bands != 0 || len(f.subjects) > 0 }

// score is the fit in [0,1]: the mean of the band fit and the subject fit
// over those she stated.
func (f fitter) score(m *Model, i int32) float64 {
	var sum float64
	n := 0
	c := m.creds[i]
	if f.bands != 0 {
		n++
		stated := bandsOf(c.GradeBands)
		var named bandSet
		if stated == 0 {
			named = m.namedBands(i)
		}
		sum += f.bandFit(stated, named)
	}
	if len(f.subjects) > 0 {
		n++
		sum += f.subjectFit(c)
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// bandFit: an item stated for her bands only is 1, one stated for every
// band a fifth; one whose text names her band counts a little less than
// stating it, one whose text names only other bands 0, and one that says
// nothing about who it is for in between.
func (f fitter) bandFit(stated, named bandSet) float64 {
	if stated != 0 {
		return float64((stated & f.bands).count()) / float64(stated.count())
	}
	if named != 0 {
		if named&f.bands == 0 {
			return 0
		}
		return 0.8 * float64((named & f.bands).count()) / float64(named.count())
	}
	return 0.3
}

// subjectFit: an item for her subject is 1, one for every subject half,
// one whose title or tags name her subject 0.8, one silent about subjects
// 0.3.
func (f fitter) subjectFit(c *catalog.Credential) float64 {
	general := false
	for _, s := range c.Subjects {
		s = strings.ToLower(strings.TrimSpace(s))
		if catalog.ForAllSubjects(s) {
			general = true
			continue
		}
		if catalog.SubjectsSuit([]string{s}, f.subjects) {
			return 1
		}
	}
	head := strings.ToLower(c.Title + " | " + strings.Join(c.Tags, " | "))
	for _, w := range f.words {
		if containsWord(head, w) {
			return 0.8
		}
	}
	if general {
		return 0.5
	}
	return 0.3
}
