// Package frameworkcsv reads competency frameworks from CSV: a header row
// with a code column and a name, text or description column (and no title
// column, which marks a credentials CSV). Columns: framework (optional; else
// the file name names it), code, name, text, description, parent (a code or
// the name of another item) and level (accepted, not used).
package frameworkcsv

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/feeds/internal/csvtable"
	"github.com/pdpath/pdpath/indexer/feeds/internal/jsonval"
)

// Canonical maps a framework name, alias or file-name stem to a canonical
// framework name, reporting whether it knows it.
type Canonical func(name string) (string, bool)

// IsFrameworkHeader reports whether normalised CSV columns describe a
// framework file rather than credentials.
func IsFrameworkHeader(cols []string) bool {
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	return has["code"] && (has["name"] || has["text"] || has["description"]) && !has["title"]
}

// IsFrameworkFile reports whether data is a CSV whose header describes a
// framework file.
func IsFrameworkFile(data []byte) bool {
	cols, err := csvtable.Header(data)
	return err == nil && IsFrameworkHeader(cols)
}

// Parse reads a framework CSV. canonical (which may be nil) names
// frameworks: the framework column's spelling, or the file name when the
// column is absent or empty ("digcompedu_statements.csv" names DigCompEdu
// when canonical knows "digcompedu").
func Parse(source string, data []byte, canonical Canonical) feed.Result {
	res := feed.Result{Format: feed.FormatFrameworkCSV}
	t, err := csvtable.Parse(data)
	if err != nil {
		res.Reject(source, "", err)
		return res
	}
	if !IsFrameworkHeader(t.Columns) {
		res.Reject(source, "", fmt.Errorf("CSV header: a framework file needs a code column and a name, text or description column, and no title column (columns: %s)",
			strings.Join(t.Columns, ",")))
		return res
	}
	for _, p := range t.Problems {
		res.Reject(source, line(p.Line), p.Err)
	}
	fromFile := NameFromSource(source, canonical)

	type pending struct {
		item   catalog.FrameworkItem
		line   int
		parent string
	}
	var order []string
	byName := map[string]*catalog.Framework{}
	items := map[string][]pending{}
	firstLine := map[string]int{} // framework and code → line first using it
	for _, row := range t.Rows {
		spelled := row.Get("framework")
		name := spelled
		if name == "" {
			name = fromFile
		} else if canonical != nil {
			if canon, ok := canonical(name); ok {
				name = canon
			}
		}
		if name == "" {
			res.Reject(source, line(row.Line), &jsonval.FieldError{Field: "framework", Reason: "required: the file name names no framework"})
			continue
		}
		it, err := item(row)
		if err != nil {
			res.Reject(source, line(row.Line), err)
			continue
		}
		fw := byName[name]
		if fw == nil {
			fw = &catalog.Framework{Name: name, Source: source, Items: []catalog.FrameworkItem{}}
			byName[name] = fw
			order = append(order, name)
		}
		if spelled != "" && spelled != name {
			fw.Aliases = appendNew(fw.Aliases, spelled)
		}
		key := name + "\x00" + it.Code
		if at, dup := firstLine[key]; dup {
			res.Reject(source, line(row.Line), &jsonval.FieldError{Field: "code",
				Reason: fmt.Sprintf("%q is already used at line %d", it.Code, at)})
			continue
		}
		firstLine[key] = row.Line
		items[name] = append(items[name], pending{item: it, line: row.Line, parent: row.Get("parent")})
	}

	for _, name := range order {
		fw := byName[name]
		list := items[name]
		codes := map[string]bool{}
		names := map[string][]string{}
		for _, p := range list {
			codes[p.item.Code] = true
			key := strings.ToLower(p.item.Name)
			names[key] = append(names[key], p.item.Code)
		}
		for _, p := range list {
			it := p.item
			switch {
			case p.parent == "":
			case codes[p.parent]:
				it.Parent = p.parent
			case len(names[strings.ToLower(p.parent)]) == 1:
				it.Parent = names[strings.ToLower(p.parent)][0]
			default:
				res.Reject(source, line(p.line), &jsonval.FieldError{Field: "parent",
					Reason: fmt.Sprintf("%q is neither the code nor the unique name of another item", p.parent)})
				continue
			}
			if it.Parent == it.Code {
				res.Reject(source, line(p.line), &jsonval.FieldError{Field: "parent", Reason: "an item cannot be its own parent"})
				continue
			}
			fw.Items = append(fw.Items, it)
		}
		res.Frameworks = append(res.Frameworks, *fw)
		res.Skip(source, "", fmt.Sprintf("framework CSV: imported as framework %s; it holds no credentials", name))
	}
	// Parents are checked after all rows are read; report in file order.
	sort.SliceStable(res.Rejected, func(i, j int) bool {
		return lineOf(res.Rejected[i].Record) < lineOf(res.Rejected[j].Record)
	})
	return res
}

func lineOf(record string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(record, "line "))
	return n
}

func item(row csvtable.Row) (catalog.FrameworkItem, error) {
	it := catalog.FrameworkItem{Code: row.Get("code")}
	if it.Code == "" {
		return it, jsonval.Required("code")
	}
	name, text, desc := row.Get("name"), row.Get("text"), row.Get("description")
	switch {
	case name != "":
		it.Name = name
	case text != "":
		it.Name = text
	case desc != "":
		it.Name = desc
	default:
		return it, jsonval.Required("name")
	}
	it.Description = desc
	if it.Description == "" && text != it.Name {
		it.Description = text
	}
	if it.Description == it.Name {
		it.Description = ""
	}
	return it, nil
}

func line(n int) string { return fmt.Sprintf("line %d", n) }

func appendNew(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

// NameFromSource names the framework of a file that has no framework
// column, from its file name: the longest leading run of the name's words
// that canonical recognises ("digcompedu_statements.csv" → "digcompedu"),
// else the whole stem as written.
func NameFromSource(source string, canonical Canonical) string {
	base := source
	if i := strings.IndexAny(base, "?#"); i >= 0 {
		base = base[:i]
	}
	base = path.Base(strings.ReplaceAll(base, "\\", "/"))
	stem := strings.TrimSuffix(base, path.Ext(base))
	if stem == "" || stem == "." || stem == "/" {
		return ""
	}
	if canonical == nil {
		return stem
	}
	words := strings.FieldsFunc(stem, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' })
	for n := len(words); n >= 1; n-- {
		if canon, ok := canonical(strings.Join(words[:n], " ")); ok {
			return canon
		}
	}
	return stem
}
