package csvtable

import (
	"strconv"
	"strings"
	"testing"
	// Registers -update, accepted by every test package under indexer/feeds.
	_ "github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

func TestParse(t *testing.T) {
	data := "\xef\xbb\xbf Cost USD ,ID,Grade-Bands\n1,a,K-2\n\n2,\"b\nc\",3-5\n,,\n3,d,x,extra\n4,\"e\n"
	tab, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tab.Columns, ","); got != "cost_usd,id,grade_bands" {
		t.Errorf("columns %q", got)
	}
	var got []string
	for _, r := range tab.Rows {
		got = append(got, r.Get("id")+"@"+strconv.Itoa(r.Line))
	}
	if strings.Join(got, " ") != "a@2 b\nc@4" {
		t.Errorf("rows %q", got)
	}
	if len(tab.Problems) != 2 || tab.Problems[0].Line != 7 || tab.Problems[1].Line != 8 {
		t.Errorf("problems %+v", tab.Problems)
	}
	if tab.Rows[0].Raw("missing") != "" || !tab.Has("grade_bands") {
		t.Error("column lookup")
	}
	if _, err := Parse([]byte("a,b,A\n")); err == nil {
		t.Error("duplicate column accepted")
	}
}
