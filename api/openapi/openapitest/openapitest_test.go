package openapitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDocumentLoadsAndChecks(t *testing.T) {
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ops := v.Operations()
	for _, want := range []string{"GET /v1/credentials", "GET /v1/credentials/{id}", "POST /v1/recommendations",
		"POST /v1/plans", "GET /v1/frameworks", "POST /v1/feeds", "POST /v1/feeds/{id}/sync", "GET /v1/feeds/{id}/runs",
		"GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.json"} {
		found := false
		for _, op := range ops {
			found = found || op == want
		}
		if !found {
			t.Errorf("the document lacks the route %s", want)
		}
	}

	tests := []struct {
		name           string
		method, target string
		body           string
		wantRequestOK  bool
		status         int
		respBody       string
		wantResponseOK bool
	}{
		{"valid search", "GET", "/v1/credentials?q=x&limit=5", "", true, 200,
			`{"total":0,"hits":[],"facets":{},"catalog_version":1}`, true},
		{"limit out of range", "GET", "/v1/credentials?limit=1000", "", false, 400,
			`{"error":{"code":"bad_request","message":"limit"}}`, true},
		{"escaped URI id", "GET", "/v1/credentials/https%3A%2F%2Fx.example%2Fb", "", true, 404,
			`{"error":{"code":"not_found","message":"no"}}`, true},
		{"unknown profile field", "POST", "/v1/recommendations", `{"profile":{"x":1}}`, false, 200,
			`{"items":[]}`, true},
		{"response missing a field", "GET", "/v1/credentials", "", true, 200,
			`{"total":0,"hits":[]}`, false},
		{"undocumented status", "GET", "/healthz", "", true, 418, `{}`, false},
		{"error with an unknown code", "GET", "/v1/frameworks", "", true, 400,
			`{"error":{"code":"oops","message":"m"}}`, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			req := httptest.NewRequest(test.method, test.target, strings.NewReader(test.body))
			if test.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if err := v.Request(req, []byte(test.body)); (err == nil) != test.wantRequestOK {
				t.Errorf("Request error = %v, want ok %v", err, test.wantRequestOK)
			}
			h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
			if err := v.Response(req, []byte(test.body), test.status, h, []byte(test.respBody)); (err == nil) != test.wantResponseOK {
				t.Errorf("Response error = %v, want ok %v", err, test.wantResponseOK)
			}
		})
	}
	if err := v.ErrorBody([]byte(`{"error":{"code":"not_found","message":"x"}}`)); err != nil {
		t.Error(err)
	}
	if err := v.ErrorBody([]byte(`not found`)); err == nil {
		t.Error("a plain-text body passed as an error body")
	}
}
