// Package obalign reads Open Badges alignment objects (2.0 AlignmentObject,
// 3.0 Alignment) into competencies exactly as the feed states them. Mapping
// framework spellings onto canonical names is left to package frameworks.
package obalign

import (
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
	"github.com/pdpath/pdpath/indexer/feeds/internal/textnorm"
)

// Read returns the competencies of an alignment value (one object or a
// list) found in field; a targetCode written as a number (6, 7.2) is read
// as written. An alignment names its framework by targetFramework;
// failing that the host of targetUrl stands in, then targetType (as in
// "CFItem"). Alignments that state nothing usable are dropped, and repeats
// of a framework and code keep the first.
func Read(f *jsonval.Fields, v any, field string) []catalog.Competency {
	var out []catalog.Competency
	for _, it := range f.Objects(v, field) {
		a := it.Node
		c := catalog.Competency{
			Framework: f.String(a["targetFramework"], jsonval.Field(it.Field, "targetFramework")),
			Code:      f.Text(a["targetCode"], jsonval.Field(it.Field, "targetCode")),
			Name:      f.String(a["targetName"], jsonval.Field(it.Field, "targetName")),
			URL:       f.String(a["targetUrl"], jsonval.Field(it.Field, "targetUrl")),
		}
		// Open Badges 1.0 alignments: name, url, description.
		if c.Name == "" && a["targetName"] == nil {
			c.Name = f.String(a["name"], jsonval.Field(it.Field, "name"))
		}
		if c.URL == "" && a["targetUrl"] == nil {
			c.URL = f.String(a["url"], jsonval.Field(it.Field, "url"))
		}
		targetType := f.String(a["targetType"], jsonval.Field(it.Field, "targetType"))
		if c.Framework == "" {
			c.Framework = textnorm.Host(c.URL)
		}
		if c.Framework == "" {
			c.Framework = targetType
		}
		if c.Code == "" && c.Name == "" && c.URL == "" {
			continue
		}
		out = Append(out, c)
	}
	return out
}

// Append adds c to list unless a competency with the same framework and code
// (or, without a code, the same name and URL) is already there.
func Append(list []catalog.Competency, c catalog.Competency) []catalog.Competency {
	for i, e := range list {
		if e.Framework != c.Framework {
			continue
		}
		if (c.Code != "" && e.Code == c.Code) || (c.Code == "" && e.Code == "" && e.Name == c.Name && e.URL == c.URL) {
			if list[i].Name == "" {
				list[i].Name = c.Name
			}
			if list[i].URL == "" {
				list[i].URL = c.URL
			}
			return list
		}
	}
	return append(list, c)
}
