package web

import (
	"slices"
	"testing"
)

func TestGapValues(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"UDL:7"}, []string{"UDL:7"}},
		{[]string{" UDL:7 — Recruiting interest "}, []string{"UDL:7"}},
		{[]string{"UDL:7, InTASC:6; FFT:3b"}, []string{"UDL:7", "InTASC:6", "FFT:3b"}},
		{[]string{"UDL:7", "UDL:7"}, []string{"UDL:7"}},
		{[]string{"Danielson Framework:3b"}, []string{"Danielson Framework:3b"}},
		{[]string{"UDL:7 extra words"}, []string{"UDL:7"}},
		{[]string{"", " , "}, nil},
		{[]string{"seven"}, []string{"seven"}},
	}
	for _, tc := range tests {
		if got := gapValues(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("gapValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMatchGaps(t *testing.T) {
	parent := map[string]string{"UDL:7.1": "UDL:7", "FFT:3b": "FFT:3"}
	tests := []struct {
		name  string
		comps []string
		gaps  []string
		want  []gapMatch
	}{
		{"direct", []string{"UDL:7"}, []string{"UDL:7"}, []gapMatch{{"UDL:7", "direct", "UDL:7"}}},
		{"child covers its parent gap", []string{"UDL:7.1"}, []string{"UDL:7"}, []gapMatch{{"UDL:7", "child", "UDL:7.1"}}},
		{"parent only partly", []string{"FFT:3"}, []string{"FFT:3b"}, []gapMatch{{"FFT:3b", "parent", "FFT:3"}}},
		{"direct beats child", []string{"UDL:7.1", "UDL:7"}, []string{"UDL:7"}, []gapMatch{{"UDL:7", "direct", "UDL:7"}}},
		{"unrelated", []string{"InTASC:6"}, []string{"UDL:7"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := suggestion{Competencies: tc.comps}
			matchGaps(&s, tc.gaps, parent)
			if !slices.Equal(s.Gaps, tc.want) {
				t.Errorf("got %+v, want %+v", s.Gaps, tc.want)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.org/a?b=c":   "https://example.org/a?b=c",
		"http://example.org":          "http://example.org",
		"javascript:alert(1)":         "",
		" JavaScript:alert(1)":        "",
		"data:text/html,<script>":     "",
		"vbscript:msgbox":             "",
		"//evil.example/x":            "",
		"/relative":                   "",
		"ftp://example.org/file":      "",
		"https:///no-host":            "",
		"java\tscript:alert(1)":       "",
		"https://example.org/\"><img": "https://example.org/%22%3E%3Cimg",
	} {
		if got := string(safeURL(in)); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRichTextKeepsFormattingDropsScript(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain & simple", "plain &amp; simple"},
		{"<p>One <em>two</em></p>", "<p>One <em>two</em></p>"},
		{`<script>alert(1)</script>ok`, "ok"},
		{`<img src=x onerror="alert(1)">`, ""},
		{`<a href="javascript:alert(1)">x</a>`, "x"},
		{`<a href="https://example.org" onclick="alert(1)">x</a>`, `<a href="https://example.org" rel="nofollow noreferrer">x</a>`},
		{`<p style="color:red" onmouseover="x()">t</p>`, "<p>t</p>"},
	}
	for _, tc := range tests {
		if got := string(richText(tc.in)); got != tc.want {
			t.Errorf("richText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
