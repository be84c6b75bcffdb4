// Package csvtable reads the CSV files feeds use: a header row naming the
// columns in any order, then records, each kept with the line it starts on
// so that problems can be reported as "line N". A UTF-8 byte order mark is
// tolerated and header names are matched without regard to case or spacing.
package csvtable

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Table is a parsed CSV: its normalised column names and its records.
type Table struct {
	Columns []string
	Rows    []Row
	// Problems are records that could not be read at all (a broken quote,
	// more cells than the header has columns).
	Problems []Problem
	index    map[string]int
}

// Row is one record and the line it starts on (the header is line 1).
type Row struct {
	Line  int
	cells []string
	table *Table
}

// Problem is a record that could not be read.
type Problem struct {
	Line int
	Err  error
}

// NormalizeColumn turns a header cell into the name code looks columns up
// by: trimmed, lower case, spaces and hyphens as underscores ("Cost USD"
// is "cost_usd").
func NormalizeColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_")
	return s
}

// Header reads just the header row of data, normalised.
func Header(data []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(trimBOM(data)))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	cols := make([]string, len(rec))
	for i, c := range rec {
		cols[i] = NormalizeColumn(c)
	}
	return cols, nil
}

func trimBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
}

// Parse reads data as a CSV with a header row. It fails only when the
// header cannot be read or names a column twice; broken records are listed
// in Problems and the others are still returned. Records whose cells are
// all empty are dropped.
func Parse(data []byte) (*Table, error) {
	r := csv.NewReader(bytes.NewReader(trimBOM(data)))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	t := &Table{index: make(map[string]int, len(header))}
	for i, h := range header {
		name := NormalizeColumn(h)
		t.Columns = append(t.Columns, name)
		if name == "" {
			continue
		}
		if _, dup := t.index[name]; dup {
			return nil, fmt.Errorf("CSV header: column %q appears twice", name)
		}
		t.index[name] = i
	}
	for {
		offset := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
				err = pe.Err
			}
			t.Problems = append(t.Problems, Problem{Line: line, Err: err})
			if r.InputOffset() == offset {
				break // no progress: the rest cannot be read
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) > len(header) && !blank(rec[len(header):]) {
			t.Problems = append(t.Problems, Problem{Line: line,
				Err: fmt.Errorf("%d cells, but the header names %d columns", len(rec), len(header))})
			continue
		}
		if blank(rec) {
			continue
		}
		t.Rows = append(t.Rows, Row{Line: line, cells: rec, table: t})
	}
	return t, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Has reports whether the table has a column of that (normalised) name.
func (t *Table) Has(col string) bool {
	_, ok := t.index[col]
	return ok
}

// Raw returns the cell of column col exactly as written, or "" when the
// table has no such column or the record is short.
func (r Row) Raw(col string) string {
	i, ok := r.table.index[col]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// Get returns the cell of column col, trimmed.
func (r Row) Get(col string) string { return strings.TrimSpace(r.Raw(col)) }

// Split returns the values of a cell holding several, separated by sep,
// each trimmed, without empty ones.
func (r Row) Split(col, sep string) []string { return SplitCell(r.Raw(col), sep) }

// SplitCell returns the values of a cell holding several, each trimmed,
// without empty ones. They are separated by the first of seps the cell
// contains (the last when it contains none): a layout's own separator
// first, then what spreadsheets are often filled in with.
func SplitCell(cell string, seps ...string) []string {
	sep := seps[len(seps)-1]
	for _, s := range seps {
		if strings.Contains(cell, s) {
			sep = s
			break
		}
	}
	var out []string
	for _, v := range strings.Split(cell, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
