package semantic

import (
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Discussions, discussing and discussed", []string{"discussion", "discuss", "discuss"}},
		{"students' participation; participating learners", []string{"student", "participat", "participat", "learner"}},
		{"Help the quiet students talk more!", []string{"quiet", "student", "talk"}},
		{"Assessment and assessing in 2024", []string{"assess", "assess"}},
		{"planned planning plans", []string{"plan", "plan", "plan"}},
		{"strategies strategy", []string{"strategy", "strategy"}},
	}
	for _, test := range tests {
		if got := Tokenize(test.in); !slices.Equal(got, test.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", test.in, got, test.want)
		}
	}
}

// TestRandomizedSVDMatchesExact checks the randomized range finder against
// gonum's full SVD on a matrix small enough for both: the leading singular
// values agree and the subspaces coincide.
func TestRandomizedSVDMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows, cols := 120, 80
	// A low-rank signal plus noise, stored sparsely the way TF-IDF is.
	dense := mat.NewDense(rows, cols, nil)
	for r := 0; r < 5; r++ {
		u := make([]float64, rows)
		v := make([]float64, cols)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		for j := range v {
			if rng.Float64() < 0.3 {
				v[j] = rng.NormFloat64()
			}
		}
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				dense.Set(i, j, dense.At(i, j)+float64(6-r)*u[i]*v[j])
			}
		}
	}
	a := &csr{rows: rows, cols: cols, rowPtr: []int{0}}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v := float32(dense.At(i, j))
			dense.Set(i, j, float64(v))
			if v != 0 {
				a.colIdx = append(a.colIdx, int32(j))
				a.vals = append(a.vals, v)
			}
		}
		a.rowPtr = append(a.rowPtr, len(a.vals))
	}
	var exact mat.SVD
	if !exact.Factorize(dense, mat.SVDThin) {
		t.Fatal("exact SVD failed")
	}
	want := exact.Values(nil)
	vk, got, err := randomizedSVD(context.Background(), a, 5, 10, 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if rel := math.Abs(got[i]-want[i]) / want[i]; rel > 1e-3 {
			t.Errorf("σ%d = %g, want %g (relative error %g)", i, got[i], want[i], rel)
		}
	}
	// Each randomized right singular vector lies in the exact top-5
	// subspace: its projection onto it keeps (almost) all its length.
	var v mat.Dense
	exact.VTo(&v)
	top := v.Slice(0, cols, 0, 5)
	for j := 0; j < 5; j++ {
		col := mat.Col(nil, j, vk)
		var proj mat.VecDense
		proj.MulVec(top.T(), mat.NewVecDense(cols, col))
		if n := proj.Norm(2); n < 0.999 {
			t.Errorf("vector %d keeps %.4f of its length in the exact subspace", j, n)
		}
	}
}

// testDocs reads the recommender's test catalog (CSV feed format) as documents.
func testDocs(t testing.TB) (ids []string, docs []Document) {
	t.Helper()
	f, err := os.Open("../testdata/catalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		ids = append(ids, r[col["id"]])
		var extra []string
		for _, c := range strings.Split(r[col["competencies"]], ";") {
			extra = append(extra, ExtraPrefix+strings.ToLower(c))
		}
		docs = append(docs, Document{
			Title: r[col["title"]],
			Body:  r[col["description"]] + " " + strings.ReplaceAll(r[col["tags"]], ";", " "),
			Extra: extra,
		})
	}
	return ids, docs
}

func TestSemanticFindsSynonyms(t *testing.T) {
	ids, docs := testDocs(t)
	m, err := Build(context.Background(), docs, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		// any of these in the top 5, and they share no term with the query
		want []string
	}{
		{"quiet students talk more", []string{"disc-socratic", "disc-protocols"}},
	}
	for _, test := range tests {
		q := m.Query(Part{Text: test.query})
		top := m.Nearest(q.Vec, 5)
		var got []string
		for _, s := range top {
			got = append(got, ids[s.Doc])
		}
		found := false
		for _, w := range test.want {
			i := slices.Index(ids, w)
			for _, term := range Tokenize(test.query) {
				if slices.Contains(Tokenize(docs[i].Title+" "+docs[i].Body), term) {
					t.Fatalf("test catalog broken: %s contains query term %q", w, term)
				}
			}
			if slices.Contains(got, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: top 5 = %v, want one of %v", test.query, got, test.want)
		}
		cands := m.Candidates(q, 10, 16)
		var cand []string
		for _, s := range cands {
			cand = append(cand, ids[s.Doc])
		}
		if !slices.ContainsFunc(test.want, func(w string) bool { return slices.Contains(cand, w) }) {
			t.Errorf("%q: candidates %v miss all of %v", test.query, cand, test.want)
		}
	}
}

func TestQueryUnknownWords(t *testing.T) {
	_, docs := testDocs(t)
	m, err := Build(context.Background(), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if q := m.Query(Part{Text: "zzzz qqqq"}); !q.Empty() || q.Vec != nil {
		t.Errorf("query of unknown words = %+v, want empty", q)
	}
	if _, err := Build(context.Background(), []Document{{Title: "the and"}}, Options{}); err == nil {
		t.Error("Build of stop words only: want ErrEmpty")
	}
}

func TestBuildDeterministic(t *testing.T) {
	_, docs := testDocs(t)
	a, err := Build(context.Background(), docs, Options{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), docs, Options{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.docs, b.docs) {
		t.Error("two builds with the same seed differ")
	}
}
