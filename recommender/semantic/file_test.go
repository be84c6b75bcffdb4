package semantic

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestFileRoundTrip(t *testing.T) {
	_, docs := testDocs(t)
	m, err := Build(context.Background(), docs, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "semantic.bin")
	if err := m.WriteFile(path, []byte("docs-v1")); err != nil {
		t.Fatal(err)
	}
	got, tag, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(tag) != "docs-v1" {
		t.Errorf("tag = %q, want the one written", tag)
	}
	if got.dim != m.dim || !slices.Equal(got.terms, m.terms) || !slices.Equal(got.idf, m.idf) ||
		!slices.Equal(got.proj, m.proj) || !slices.Equal(got.docs, m.docs) || !slices.Equal(got.expand, m.expand) ||
		!slices.Equal(got.expVecs, m.expVecs) || !slices.Equal(got.sigma, m.sigma) || !reflect.DeepEqual(got.vocab, m.vocab) {
		t.Fatal("opened model differs from the one written")
	}
	if len(got.postings) != len(m.postings) {
		t.Fatalf("postings of %d terms, want %d", len(got.postings), len(m.postings))
	}
	for i := range m.postings {
		if !slices.Equal(got.postings[i], m.postings[i]) {
			t.Fatalf("postings of term %q differ", m.terms[i])
		}
	}
	for _, text := range []string{"quiet students talk more", "formative assessment feedback", "zzzz"} {
		a, b := m.Query(Part{Text: text}), got.Query(Part{Text: text})
		if !reflect.DeepEqual(m.Candidates(a, 10, 16), got.Candidates(b, 10, 16)) {
			t.Errorf("%q: candidates differ after a round trip", text)
		}
	}
}

func TestOpenFileRejectsOtherFiles(t *testing.T) {
	_, docs := testDocs(t)
	m, err := Build(context.Background(), docs, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "semantic.bin")
	if err := m.WriteFile(good, nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"json", []byte(`{"dim": 100, "terms": ["a", "b"], "padding": "................................"}`)},
		{"truncated", data[:len(data)/2]},
	}
	for _, test := range tests {
		path := filepath.Join(dir, test.name)
		if err := os.WriteFile(path, test.data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := OpenFile(path); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", test.name, err)
		}
	}
}
