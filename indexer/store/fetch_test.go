package store

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/fetch"
)

// TestOpenRefusesPrivateURLsByDefault checks that a catalog opened without
// a fetcher does not reach loopback addresses, and that an explicit client
// allowing them (the command line's) does.
func TestOpenRefusesPrivateURLsByDefault(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		_, _ = w.Write([]byte("id,issuer,title\nssrf-1,Local Issuer,Local Badge\n"))
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		fetcher *fetch.Client
		blocked bool
	}{
		{"default", nil, true},
		{"allow private", fetch.New(fetch.Policy{AllowPrivate: true}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cat, err := Open(ctx, t.TempDir(), Options{Fetcher: tt.fetcher})
			if err != nil {
				t.Fatal(err)
			}
			defer cat.Close()
			rep, err := cat.Ingest(ctx, []string{srv.URL + "/feed.csv"})
			if err != nil {
				t.Fatal(err)
			}
			blocked := len(rep.Rejected) == 1 && strings.Contains(rep.Rejected[0].Error, fetch.ErrBlockedAddress.Error())
			if blocked != tt.blocked || (tt.blocked && rep.Added != 0) || (!tt.blocked && rep.Added != 1) {
				t.Errorf("ingest of a loopback URL: report %+v, want blocked=%v", rep, tt.blocked)
			}
		})
	}
}
