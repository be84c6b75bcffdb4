package obalign

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	// Registers -update, accepted by every test package under indexer/feeds.
	_ "github.com/pdpath/pdpath/indexer/feeds/internal/golden"
)

func TestRead(t *testing.T) {
	v := []any{
		map[string]any{"targetName": "Assessment", "targetFramework": "InTASC", "targetCode": "6", "targetUrl": "https://ccsso.org/intasc"},
		map[string]any{"targetName": "Assessment again", "targetFramework": "InTASC", "targetCode": "6"},
		map[string]any{"targetName": "Recruiting interest", "targetUrl": "https://www.cast.org/udl/7"},
		map[string]any{"targetName": "A CASE item", "targetType": "CFItem"},
		map[string]any{"targetDescription": "nothing usable"},
	}
	var f jsonval.Fields
	got := Read(&f, v, "alignment")
	want := []catalog.Competency{
		{Framework: "InTASC", Code: "6", Name: "Assessment", URL: "https://ccsso.org/intasc"},
		{Framework: "cast.org", Name: "Recruiting interest", URL: "https://www.cast.org/udl/7"},
		{Framework: "CFItem", Name: "A CASE item"},
	}
	if f.Err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %+v (%v)\nwant %+v", got, f.Err, want)
	}

	f = jsonval.Fields{}
	Read(&f, map[string]any{"targetName": []any{"x"}}, "alignment")
	if f.Err == nil || f.Err.Error() != "field alignment.targetName: want a string, got an array" {
		t.Errorf("type error: %v", f.Err)
	}
}

// TestReadNumericCodes reads a targetCode that a generator wrote as a JSON
// number, keeping it as written.
func TestReadNumericCodes(t *testing.T) {
	tests := []struct {
		name     string
		code     any
		wantCode string
		wantErr  string
	}{
		{"string", "6", "6", ""},
		{"integer", json.Number("6"), "6", ""},
		{"decimal", json.Number("7.2"), "7.2", ""},
		{"trailing zero kept", json.Number("7.20"), "7.20", ""},
		{"float64", 2.3, "2.3", ""},
		{"boolean", true, "", "field alignment.targetCode: want a string, got a boolean"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			var f jsonval.Fields
			got := Read(&f, map[string]any{"targetName": "N", "targetFramework": "F", "targetCode": test.code}, "alignment")
			if test.wantErr != "" {
				if f.Err == nil || f.Err.Error() != test.wantErr {
					t.Errorf("error %v, want %q", f.Err, test.wantErr)
				}
				return
			}
			want := []catalog.Competency{{Framework: "F", Code: test.wantCode, Name: "N"}}
			if f.Err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("Read = %+v (%v), want %+v", got, f.Err, want)
			}
		})
	}
}
