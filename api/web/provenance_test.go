package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// resellerFeed is a feed that republishes udl-basics of testdata/catalog.csv
// under another issuer, beside an item of its own.
const resellerFeed = "id,issuer,title,description,competencies,level,cost_usd,hours\n" +
	"feed-dup,Riverbend District,Starting with Universal Design for Learning," +
	"\"Plan a lesson that offers several ways in, several ways to show learning and several ways to stay engaged.\",UDL:7,1,0,5\n" +
	"feed-own,Riverbend District,Inclusive Lesson Study,Study one lesson together and redesign it for every learner.,UDL:1,1,0,4\n"

// serveFeed serves body as a CSV feed on 127.0.0.1.
func serveFeed(t *testing.T, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// apiCall sends a JSON API request with key and decodes the answer into out.
func apiCall(t *testing.T, s *site, method, path, key, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// getWithKey fetches a page as a browser that sends its key in an
// Authorization header.
func getWithKey(t *testing.T, s *site, path, key string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := s.client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The item page says which feeds publish an item without the server's
// paths or key ids, and the aggregator's feeds page lists its possible
// duplicates with both ids, marked and linked.
func TestPagesShowProvenanceAndDuplicates(t *testing.T) {
	feedSrv := serveFeed(t, resellerFeed)
	s := newSite(t, siteOptions{openReader: true, allowPrivate: true})
	feedURL := feedSrv.URL + "/reseller.csv"
	var f struct{ ID string }
	apiCall(t, s, http.MethodPost, "/v1/feeds", s.keys["aggregator"], fmt.Sprintf(`{"url":%q}`, feedURL), &f)
	apiCall(t, s, http.MethodPost, "/v1/feeds/"+url.PathEscape(f.ID)+"/sync", s.keys["aggregator"], "", nil)

	catalogFile, err := filepath.Abs(filepath.Join("testdata", "catalog.csv"))
	if err != nil {
		t.Fatal(err)
	}
	private := []string{s.keyID["aggregator"], catalogFile, "owner:"}
	tests := []struct {
		name    string
		path    string
		key     string
		status  int
		want    []string
		not     []string
		markers []string // in this order
	}{
		{name: "item of an aggregator's feed", path: "/credentials/feed-dup", status: 200,
			want: []string{"Published in an aggregator's feed: <a href=\"" + feedURL + "\"", "Possible duplicate:", `href="/credentials/udl-basics"`},
			not:  private, markers: []string{"feed-dup", "udl-basics"}},
		{name: "item the operator imported names the file only", path: "/credentials/udl-basics", status: 200,
			want: []string{"Imported by the operator from the file <code>catalog.csv</code>", "In this catalog since"},
			not:  private, markers: []string{"udl-basics", "feed-dup"}},
		{name: "feed's own item is no duplicate", path: "/credentials/feed-own", status: 200,
			want: []string{"Published in an aggregator's feed"}, not: append([]string{"Possible duplicate:"}, private...), markers: []string{"feed-own"}},
		{name: "feeds page lists duplicates with ids", path: "/feeds", key: s.keys["aggregator"], status: 200,
			want: []string{"Possible duplicates", `<th scope="col">Item in this feed</th>`,
				`<a href="/credentials/feed-dup">`, "<code>feed-dup</code>", `<a href="/credentials/udl-basics">`, "<code>udl-basics</code>", "Northwind Teaching Lab"},
			not: []string{`data-credential-id="feed-own"`}, markers: []string{"feed-dup", "udl-basics"}},
		{name: "a reader may not see feeds", path: "/feeds", key: s.keys["reader"], status: 403, not: []string{"feed-dup"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := getWithKey(t, s, tc.path, tc.key)
			if status != tc.status {
				t.Fatalf("GET %s: status %d, want %d:\n%.2000s", tc.path, status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: page lacks %q", tc.path, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: page shows %q", tc.path, n)
				}
			}
			var got []string
			for _, m := range markerRE.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			pos := -1
			for _, id := range tc.markers {
				i := indexFrom(got, id, pos+1)
				if i < 0 {
					t.Errorf("GET %s: marker %q missing or out of order in %q", tc.path, id, got)
					break
				}
				pos = i
			}
		})
	}
}
