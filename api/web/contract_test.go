package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// contractAPI answers the routes the item and why-not pages read with the
// documented JSON shapes, for servers whose API offers similar items,
// unlocks and why-not (the integration tests cover the rest against the
// real API).
func contractAPI(t *testing.T) http.Handler {
	t.Helper()
	answers := map[string]string{
		"GET /v1/credentials/a":         `{"id":"a","title":"Alpha","issuer":"Issuer A","competencies":[{"framework":"UDL","code":"7"}]}`,
		"GET /v1/credentials/b":         `{"id":"b","title":"Beta","issuer":"Issuer B"}`,
		"GET /v1/credentials/a/similar": `{"items":[{"id":"b","title":"Beta","issuer":"Issuer B","score":0.5,"reasons":["Shares UDL:7"]}]}`,
		"GET /v1/credentials/a/unlocks": `{"id":"a","title":"Alpha","issuer":"Issuer A",
			"opens":[{"id":"b","title":"Beta","issuer":"Issuer B","score":0,"reasons":[],"completes":false,"remaining":["c"]}],
			"stacks":[{"title":"Alpha series","relation":"series","members":[{"id":"a","title":"Alpha","issuer":"Issuer A","level":1},{"id":"b","title":"Beta","issuer":"Issuer B","level":2}]}],
			"pathways":[{"id":"p1","title":"Team UDL","source":"saved"}]}`,
		"POST /v1/recommendations/why-not": `{"id":"b","title":"Beta","status":"ranked_lower","rank":14,"score":0.2,"reasons":["Outranked: its score 0.20 is below the last suggestion's 0.41"]}`,
		"GET /v1/frameworks":               `{"frameworks":[]}`,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.EscapedPath()
		body, ok := answers[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"not_found","message":"no route `+key+`"}}`)
			return
		}
		if r.Method == http.MethodPost {
			var req struct {
				Profile map[string]any `json:"profile"`
				ID      string         `json:"id"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.ID != "b" || req.Profile["gaps"] == nil {
				t.Errorf("why-not body: id %q profile %v (%v)", req.ID, req.Profile, err)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
}

func TestItemAndWhyNotPagesReadTheAPIShapes(t *testing.T) {
	p, err := New(Config{API: contractAPI(t), Role: func(context.Context, string) (string, bool, error) { return "", false, nil }, OpenReader: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, r := range p.Routes() {
		path := strings.ReplaceAll(strings.ReplaceAll(r.Path, "*id", "{id...}"), "*file", "{file...}")
		path = strings.ReplaceAll(path, ":id", "{id}")
		if path == "/" {
			path = "/{$}"
		}
		mux.Handle(r.Method+" "+path, r.Handler)
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/credentials/a", []string{
			"Items it opens", `data-credential-id="b"`, "it also needs c",
			"a leveled series", "<strong>Alpha (this item)</strong>",
			`href="/coach/pathways/p1"`, "your saved pathway",
			"Similar items", "Shares UDL:7",
		}},
		{"/recommend/why-not?id=b&gap=UDL:7", []string{"Ranked below the suggestions shown", "position 14", "Outranked"}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d:\n%.1500s", rec.Code, rec.Body.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}
