// Package feed writes what the hub publishes for other programs: Atom, iCalendar and CSV writers,
// domain values in, io.Writer out. It knows no HTTP and no SQL.
package feed

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// BOM is the UTF-8 byte-order mark. Spreadsheet programs (Excel above all) read a CSV file as
// UTF-8 only when it starts with one; without it Korean, Chinese and Japanese names come out as
// mojibake.
const BOM = "\uFEFF"

// CSVWriter writes RFC 4180 CSV: UTF-8, a header row, CRLF line ends, fields quoted where needed,
// and every cell made safe to open in a spreadsheet (see Cell). Like csv.Writer it buffers:
// call Flush at the end and check its error.
type CSVWriter struct {
	out  io.Writer
	w    *csv.Writer
	cols int
	row  []string
	err  error
}

// NewCSVWriter returns a writer whose first row is header. With bom, the output starts with a
// UTF-8 byte-order mark (for files people open in a spreadsheet program).
func NewCSVWriter(w io.Writer, header []string, bom bool) *CSVWriter {
	c := &CSVWriter{out: w, w: csv.NewWriter(w), cols: len(header), row: make([]string, len(header))}
	c.w.UseCRLF = true
	if bom {
		if _, err := io.WriteString(w, BOM); err != nil {
			c.err = err
			return c
		}
	}
	c.err = c.Write(header...)
	return c
}

// Write writes one row; it must have as many cells as the header.
func (c *CSVWriter) Write(cells ...string) error {
	if c.err != nil {
		return c.err
	}
	if len(cells) != c.cols {
		c.err = fmt.Errorf("feed: CSV row has %d cells, the header %d", len(cells), c.cols)
		return c.err
	}
	for i, s := range cells {
		c.row[i] = Cell(s)
	}
	if len(c.row) == 1 && c.row[0] == "" {
		// A lone empty cell would make an empty line, which CSV readers skip: write it quoted,
		// after what the csv.Writer holds.
		if c.w.Flush(); c.w.Error() != nil {
			c.err = c.w.Error()
			return c.err
		}
		_, c.err = io.WriteString(c.out, "\"\"\r\n")
		return c.err
	}
	c.err = c.w.Write(c.row)
	return c.err
}

// Flush writes any buffered rows and reports the first error of any write.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	if c.err != nil {
		return c.err
	}
	return c.w.Error()
}

// Triggers are the first characters that make a spreadsheet treat a cell as a formula (= + - @)
// or that some programs strip before doing so (tab, carriage return, line feed).
const triggers = "=+-@\t\r\n"

// number is a plain decimal number, which no spreadsheet can run as a formula: such cells (a
// negative longitude, say) are left as they are.
var number = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// Cell returns s as CSVWriter writes it:
//
//   - invalid UTF-8 is replaced by U+FFFD;
//   - line breaks (CR LF, a lone CR) become LF, which the writer puts out as CR LF inside quotes;
//   - a cell that a spreadsheet would run as a formula gets a leading apostrophe (ASVS 5.2.2,
//     OWASP "CSV injection"): one starting with = + - @, a tab, a CR or an LF, unless it is a plain
//     decimal number such as -33.87. So that the apostrophe can be told apart from one the data
//     had, a cell that already starts with apostrophes before such a character gets one more.
//
// RestoreCell undoes the last step.
func Cell(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	if needsApostrophe(s) {
		return "'" + s
	}
	return s
}

func needsApostrophe(s string) bool {
	rest := strings.TrimLeft(s, "'")
	if rest == "" || !strings.ContainsRune(triggers, rune(rest[0])) {
		return false
	}
	return len(rest) != len(s) || !number.MatchString(s)
}

// RestoreCell undoes Cell's apostrophe, for a program that reads back what a CSVWriter wrote
// (an import of an export): a cell of apostrophes followed by a formula character loses one.
func RestoreCell(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		if rest := strings.TrimLeft(s, "'"); rest != "" && strings.ContainsRune(triggers, rune(rest[0])) {
			return s[1:]
		}
	}
	return s
}
