package recommender

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/recommender/semantic"
)

func TestSavedModelRecommendsAsBuilt(t *testing.T) {
	ctx := context.Background()
	snap := loadTestSnapshot(t, 3)
	dir := t.TempDir()
	built := New(Options{})
	if err := built.Rebuild(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := built.Model().Save(dir); err != nil {
		t.Fatal(err)
	}
	opened := New(Options{ModelDir: func(int64) string { return dir }})
	if err := opened.Rebuild(ctx, snap); err != nil {
		t.Fatal(err)
	}
	profiles := []catalog.Profile{
		{Goals: "socratic seminar discussion"},
		{Goals: "quiet students talk more", Gaps: []catalog.Gap{{Framework: "InTASC", Code: "8"}}},
		{},
	}
	for _, p := range profiles {
		want, err := built.Recommend(ctx, p, RecommendOptions{Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		got, err := opened.Recommend(ctx, p, RecommendOptions{Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Items, want.Items) {
			t.Errorf("goals %q: the opened model recommends %v, the built one %v", p.Goals, ids(got), ids(want))
		}
	}
}

func TestOpenModelRefusesOtherRecords(t *testing.T) {
	ctx := context.Background()
	snap := loadTestSnapshot(t, 3)
	dir := t.TempDir()
	if _, err := OpenModel(ctx, dir, snap, BuildOptions{}); !errors.Is(err, ErrNoModelFile) {
		t.Fatalf("empty folder: err = %v, want ErrNoModelFile", err)
	}
	m, err := BuildModel(ctx, snap, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	other := loadTestSnapshot(t, 3)
	other.Credentials[0], other.Credentials[1] = other.Credentials[1], other.Credentials[0]
	if _, err := OpenModel(ctx, dir, other, BuildOptions{}); !errors.Is(err, semantic.ErrFormat) {
		t.Errorf("records in another order: err = %v, want semantic.ErrFormat", err)
	}
	// An engine with that folder builds and saves a model that fits.
	e := New(Options{ModelDir: func(int64) string { return dir }})
	if err := e.Rebuild(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenModel(ctx, dir, other, BuildOptions{}); err != nil {
		t.Errorf("after the engine rebuilt it: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ModelFile), []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenModel(ctx, dir, other, BuildOptions{}); !errors.Is(err, semantic.ErrFormat) {
		t.Errorf("garbage file: err = %v, want semantic.ErrFormat", err)
	}
}

func TestMentionsPrerequisite(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Prerequisite: Level 1", true},
		{"PREREQUISITES — Intro course", true},
		{"no prior course needed; prerequisite-free", true},
		{"prerequisit", false},
		{"Prerequis: none", false},
		{"", false},
		{"pré-requisite", false},
	}
	for _, test := range tests {
		if got := mentionsPrerequisite(test.text); got != test.want {
			t.Errorf("mentionsPrerequisite(%q) = %v, want %v", test.text, got, test.want)
		}
		if got := prereqLine.MatchString(test.text); got && !test.want {
			t.Errorf("%q: prereqLine matches text the quick test skips", test.text)
		}
	}
}
