package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestSecurityHeaders reproduces answers without nosniff and the usual
// security headers, on success, client errors and operations routes alike.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct{ method, path, key string }{
		{"GET", "/healthz", ""},
		{"GET", "/v1/credentials?q=udl", "reader"},
		{"GET", "/v1/credentials/no-such-id", "reader"},
		{"GET", "/v1/credentials", ""},
		{"GET", "/no/such/route", ""},
		{"GET", "/openapi.json", ""},
	} {
		r := h.do(tt.method, tt.path, tt.key, nil)
		for name, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
			"Content-Security-Policy": "frame-ancestors 'none'",
		} {
			if got := r.header.Get(name); !strings.Contains(got, want) {
				t.Errorf("%s %s (%d): %s = %q, want %q", tt.method, tt.path, r.status, name, got, want)
			}
		}
	}
}

// TestKeyLabelLimit reproduces a 100,000-byte key label being accepted.
func TestKeyLabelLimit(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, tt := range []struct {
		label string
		want  int
	}{
		{"district PD office", http.StatusCreated},
		{strings.Repeat("é", 200), http.StatusCreated},
		{strings.Repeat("x", 201), http.StatusBadRequest},
		{strings.Repeat("x", 100000), http.StatusBadRequest},
		{"line\\nbreak", http.StatusBadRequest},
	} {
		r := h.do("POST", "/v1/keys", "admin", `{"role":"reader","label":"`+tt.label+`"}`)
		if r.status != tt.want {
			t.Errorf("label of %d bytes: %d %.200s; want %d", len(tt.label), r.status, r.body, tt.want)
		}
	}
}
