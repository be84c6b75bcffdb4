package synth

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// CSVHeader is the header row of the catalog CSV feed format.
var CSVHeader = []string{"id", "issuer", "title", "description", "competencies", "level",
	"prerequisites", "cost_usd", "hours", "format", "url", "grade_bands", "subjects", "tags"}

// CSVWriter writes credentials as a catalog CSV feed one at a time, for use
// with Each when the catalog is too large to hold in memory.
type CSVWriter struct {
	w      *csv.Writer
	header bool
	row    []string
}

// NewCSVWriter returns a writer that emits the header before the first row.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), row: make([]string, len(CSVHeader))}
}

// Write writes one credential.
func (cw *CSVWriter) Write(c *catalog.Credential) error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	r := cw.row
	r[0] = c.ID
	r[1] = c.Issuer
	r[2] = c.Title
	r[3] = c.Description
	r[4] = strings.Join(c.CompetencyKeys(), ";")
	r[5] = ""
	if c.Level > 0 {
		r[5] = strconv.Itoa(c.Level)
	}
	r[6] = strings.Join(c.Prerequisites, ";")
	r[7] = optFloat(c.CostUSD)
	r[8] = optFloat(c.Hours)
	r[9] = c.Format
	r[10] = c.URL
	r[11] = strings.Join(c.GradeBands, ";")
	r[12] = strings.Join(c.Subjects, ";")
	r[13] = strings.Join(c.Tags, ";")
	return cw.w.Write(r)
}

// Flush writes the header if nothing was written yet, flushes buffered rows
// and reports any write error.
func (cw *CSVWriter) Flush() error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	cw.w.Flush()
	return cw.w.Error()
}

func (cw *CSVWriter) writeHeader() error {
	if cw.header {
		return nil
	}
	cw.header = true
	return cw.w.Write(CSVHeader)
}

// WriteCSV writes creds as a catalog CSV feed (the format `pdpath ingest`
// reads): a header row, then one row per credential, several values in a
// cell separated by ";".
func WriteCSV(w io.Writer, creds []*catalog.Credential) error {
	cw := NewCSVWriter(w)
	for _, c := range creds {
		if err := cw.Write(c); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func optFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
