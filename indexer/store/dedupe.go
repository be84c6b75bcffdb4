package store

import (
	"sort"
	"strings"
	"unicode"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// Near-duplicate detection: two active credentials from different issuers
// are flagged when most of their title words are shared and their texts
// (title and description) are near-identical. Resellers and cross-listing
// partners republish a credential with a prefix or a closing sentence added,
// so neither the title nor the description needs to match exactly.
const (
	// titleOverlap is the share of the shorter title's words the other
	// title must contain to be compared at all.
	titleOverlap = 0.6
	// textSimilarity is the word-set Jaccard similarity of title plus
	// description above which a pair is flagged.
	textSimilarity = 0.6
	// commonTitleWord is the number of titles a word may appear in before it
	// stops proposing candidate pairs ("teaching", "level"): it keeps the
	// pairing close to linear in the catalog size.
	commonTitleWord = 200
)

// flagDuplicates sets PossibleDuplicates on every credential (clearing
// stale flags) and returns how many credentials it flagged.
func flagDuplicates(creds []*catalog.Credential) int {
	var active []*catalog.Credential
	for _, c := range creds {
		c.PossibleDuplicates = nil
		if c.Active() {
			active = append(active, c)
		}
	}
	titles := make([]map[string]bool, len(active))
	postings := map[string][]int{}
	for i, c := range active {
		titles[i] = wordSet(c.Title)
		for w := range titles[i] {
			postings[w] = append(postings[w], i)
		}
	}
	texts := make([]map[string]bool, len(active))
	textOf := func(i int) map[string]bool {
		if texts[i] == nil {
			texts[i] = wordSet(active[i].Title + " " + active[i].Description)
		}
		return texts[i]
	}
	for i, c := range active {
		shared := map[int]int{}
		for w := range titles[i] {
			if p := postings[w]; len(p) <= commonTitleWord {
				for _, j := range p {
					if j > i {
						shared[j]++
					}
				}
			}
		}
		for j, n := range shared {
			shorter := min(len(titles[i]), len(titles[j]))
			if shorter == 0 || float64(n) < titleOverlap*float64(shorter) {
				continue
			}
			other := active[j]
			if strings.EqualFold(c.Issuer, other.Issuer) {
				continue
			}
			if jaccard(textOf(i), textOf(j)) >= textSimilarity {
				c.PossibleDuplicates = append(c.PossibleDuplicates, other.ID)
				other.PossibleDuplicates = append(other.PossibleDuplicates, c.ID)
			}
		}
	}
	flagged := 0
	for _, c := range active {
		if len(c.PossibleDuplicates) > 0 {
			sort.Strings(c.PossibleDuplicates)
			flagged++
		}
	}
	return flagged
}

var stopWords = map[string]bool{"a": true, "an": true, "the": true, "and": true, "of": true, "for": true, "in": true, "to": true, "with": true, "on": true, "by": true, "at": true}

// wordSet is the set of lower-case words of s, short function words aside.
func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stopWords[w] {
			set[w] = true
		}
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
