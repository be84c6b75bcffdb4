package planner

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// genCodes lists the codes the generated catalogs align to, by framework,
// in the frameworks' documented code forms.
var genCodes = func() map[string][]string {
	m := map[string][]string{}
	for i := 1; i <= 10; i++ {
		m["InTASC"] = append(m["InTASC"], strconv.Itoa(i))
	}
	for g := 1; g <= 9; g++ {
		m["UDL"] = append(m["UDL"], strconv.Itoa(g))
		for c := 1; c <= 3; c++ {
			m["UDL"] = append(m["UDL"], fmt.Sprintf("%d.%d", g, c))
		}
	}
	for d, last := range []byte{'f', 'e', 'e', 'f'} {
		for c := byte('a'); c <= last; c++ {
			m["FFT"] = append(m["FFT"], fmt.Sprintf("%d%c", d+1, c))
		}
	}
	for i := 1; i <= 7; i++ {
		m["ISTE-E"] = append(m["ISTE-E"], fmt.Sprintf("2.%d", i))
	}
	return m
}()

var genFrameworks = []string{"InTASC", "UDL", "FFT", "ISTE-E"}

// genCatalog generates a catalog of n credentials shaped like a
// professional-learning catalog: one to three alignments each, costs from
// free to a few hundred dollars (some unstated), 2 to 40 hours, levels 1 to
// 3 with prerequisites among lower levels of the same framework (some "k of
// n"), and a few retired credentials.
func genCatalog(rng *rand.Rand, n int) *catalog.Snapshot {
	snap := &catalog.Snapshot{}
	byFramework := map[string][]string{}
	for i := range n {
		fw := genFrameworks[rng.IntN(len(genFrameworks))]
		c := &catalog.Credential{
			ID:    fmt.Sprintf("gen-%04d", i),
			Title: fmt.Sprintf("%s practice %d", fw, i),
			Level: 1 + rng.IntN(3),
		}
		codes := genCodes[fw]
		for range 1 + rng.IntN(3) {
			c.Competencies = append(c.Competencies, catalog.Competency{Framework: fw, Code: codes[rng.IntN(len(codes))]})
		}
		switch r := rng.Float64(); {
		case r < 0.1:
		case r < 0.18:
			c.CostUSD = catalog.Float(0)
		default:
			c.CostUSD = catalog.Float(float64(5 * (3 + rng.IntN(80))))
		}
		c.Hours = catalog.Float(float64(2 + rng.IntN(39)))
		if lower := byFramework[fw]; c.Level > 1 && len(lower) > 0 && rng.Float64() < 0.5 {
			k := 1 + rng.IntN(min(3, len(lower)))
			for range k {
				c.Prerequisites = append(c.Prerequisites, lower[rng.IntN(len(lower))])
			}
			if len(c.Prerequisites) > 1 && rng.Float64() < 0.3 {
				c.PrerequisitesMin = 1
			}
		}
		if c.Level == 1 {
			byFramework[fw] = append(byFramework[fw], c.ID)
		}
		if rng.Float64() < 0.05 {
			c.Status = catalog.StatusRetired
		}
		snap.Credentials = append(snap.Credentials, c)
	}
	return snap
}

// genRequest generates a plan request against snap: three to six targets
// (guidelines, domains or finer codes), for some requests a cohort of 3 to 8
// teachers with 2 to 4 gaps each, sometimes a goal credential, some earned
// credentials, and limits on cost or hours for a third of them.
func genRequest(rng *rand.Rand, snap *catalog.Snapshot) Request {
	req := Request{Constraints: Constraints{HoursPerMonth: 10, Start: "2027-01"}}
	for range 3 + rng.IntN(4) {
		fw := genFrameworks[rng.IntN(len(genFrameworks))]
		codes := genCodes[fw]
		code := codes[rng.IntN(len(codes))]
		if fw == "FFT" && rng.Float64() < 0.3 {
			code = code[:1] // a whole domain
		}
		req.Targets = append(req.Targets, Target{Framework: fw, Code: code})
	}
	if rng.Float64() < 0.15 {
		for k := range 3 + rng.IntN(6) {
			m := catalog.Profile{ID: fmt.Sprintf("teacher-%d", k)}
			for range 2 + rng.IntN(3) {
				fw := genFrameworks[rng.IntN(len(genFrameworks))]
				codes := genCodes[fw]
				m.Gaps = append(m.Gaps, catalog.Gap{Framework: fw, Code: codes[rng.IntN(len(codes))]})
			}
			if rng.Float64() < 0.5 {
				m.Earned = []string{snap.Credentials[rng.IntN(len(snap.Credentials))].ID}
			}
			req.Cohort = append(req.Cohort, m)
		}
	}
	if rng.Float64() < 0.2 {
		req.GoalCredentials = []string{snap.Credentials[rng.IntN(len(snap.Credentials))].ID}
	}
	for range rng.IntN(4) {
		req.Earned = append(req.Earned, snap.Credentials[rng.IntN(len(snap.Credentials))].ID)
	}
	if rng.Float64() < 0.33 {
		req.Constraints.MaxCostUSD = catalog.Float(float64(50 * (1 + rng.IntN(8))))
	}
	if rng.Float64() < 0.2 {
		req.Constraints.MaxHours = catalog.Float(float64(10 * (1 + rng.IntN(6))))
	}
	return req
}
