package cases

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
)

// What every reader checks the same way: the text encoding, numbers and days; the list of
// problems they keep; and CheckObservation, what the store checks once it knows today.
//
// Problems are placed as citypact.Problem says: Line is the line a cell starts on and Column the
// cell's number in its row (a JSON value's byte position in its line). A problem of the whole
// file (no header, a required column missing, no records) is on line 1, column 0 unless it is
// about one header cell.

// MaxValue bounds every figure a file may give: no count of people or tests comes near it, so a
// larger number is a mistake (a date or a phone number in the wrong column).
const MaxValue = 1_000_000_000_000

// CheckObservation returns what is wrong with o that depends on more than its row: a day after
// today (in the hub's time zone), and a negative running total (readers report those already;
// observations from elsewhere may not have been through a reader). Each problem is placed at
// o.Pos.
func CheckObservation(o Observation, today Day) []citypact.Problem {
	var ps []citypact.Problem
	if o.Day > today {
		ps = append(ps, NewProblem(o.Pos, "", "cases.problem.date_future", "date", o.Day.String(), "today", today.String()))
	}
	for _, m := range Metrics {
		if v, ok := o.Get(m); ok && v < 0 && m.Cumulative() {
			ps = append(ps, NewProblem(o.Pos, m.Key(), "cases.problem.negative_total", "value", strconv.FormatInt(v, 10), "metric", m.Key()))
		}
	}
	return ps
}

// NewProblem makes the problem key (an i18n key, with args as name, value pairs) at pos, about
// the column field ("" for the row or the file), with its English message.
func NewProblem(pos Position, field, key string, args ...string) citypact.Problem {
	return citypact.Problem{Line: pos.Line, Column: pos.Column, Field: field, Key: key, Args: args,
		Message: i18n.For(i18n.EN).T(key, args...)}
}

// readState is what every Reader keeps besides its input: the problems so far (at most
// citypact.MaxImportProblems; later ones are only counted), and the rows skipped on purpose.
type readState struct {
	file     string
	problems []citypact.Problem
	dropped  int // problems beyond the list
	skipped  int
	done     bool  // Next returns err, or io.EOF, from now on
	err      error // what ended reading, if not the end of the input
}

// end is what Next returns once done.
func (s *readState) end() (Observation, error) {
	if s.err != nil {
		return Observation{}, s.err
	}
	return Observation{}, io.EOF
}

func (s *readState) Problems() []citypact.Problem { return s.problems }

// Truncated reports whether there were more problems than Problems lists.
func (s *readState) Truncated() bool { return s.dropped > 0 }

func (s *readState) Skipped() int { return s.skipped }

func (s *readState) add(line, col int, field, key string, args ...string) {
	if len(s.problems) >= citypact.MaxImportProblems {
		s.dropped++
		return
	}
	s.problems = append(s.problems, NewProblem(Position{Line: line, Column: col}, field, key, args...))
}

// fileProblem reports a problem of the whole file and ends reading.
func (s *readState) fileProblem(col int, field, key string, args ...string) {
	s.add(1, col, field, key, args...)
	s.done = true
}

// pos is a position in the file.
func (s *readState) pos(line, col int) Position {
	return Position{File: s.file, Line: line, Column: col}
}

// text is a cell, as a string or as bytes.
type text interface{ ~string | ~[]byte }

// value reads the cell t as metric m into v, reporting a problem at line and col about the
// column field; it returns false when there is one. An empty cell is a missing value.
func (s *readState) value(v *Values, m Metric, t string, line, col int, field string) bool {
	return value(s, v, m, t, line, col, field)
}

// value is readState.value for a cell as a string or as bytes.
func value[T text](s *readState, v *Values, m Metric, t T, line, col int, field string) bool {
	x, st := parseCount(t)
	switch st {
	case numMissing:
		return true
	case numOK:
		if x < 0 && m.Cumulative() {
			s.add(line, col, field, "cases.problem.negative_total", "value", quote(string(t)), "metric", m.Key())
			return false
		}
		v.Set(m, x)
		return true
	case numFraction:
		s.add(line, col, field, "cases.problem.number_fraction", "value", quote(string(t)))
	case numRange:
		s.add(line, col, field, "cases.problem.number_range", "value", quote(string(t)), "max", "1,000,000,000,000")
	default:
		s.add(line, col, field, "cases.problem.number_invalid", "value", quote(string(t)))
	}
	return false
}

// quote shortens a cell for a message (and copies it, so that a message never holds on to a
// record's text).
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return strings.Clone(s)
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

type numStatus uint8

const (
	numOK numStatus = iota
	numMissing
	numInvalid
	numFraction
	numRange
)

// parseCount reads a count: an integer, or a number with a zero fraction ("12.0", as files written
// through floating point have them) or in exponent notation ("1.2e6"). Blank is missing. It does
// not allocate, and plain integers take no float conversion.
func parseCount[T text](s T) (int64, numStatus) {
	if len(s) == 0 {
		return 0, numMissing
	}
	i, neg := 0, false
	if s[0] == '-' || s[0] == '+' {
		neg, i = s[0] == '-', 1
	}
	var v int64
	start, big := i, false
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		if v > MaxValue {
			big = true // keep scanning, so "1e99" still reaches the slow path below
			continue
		}
		v = v*10 + int64(s[i]-'0')
	}
	digits := i - start
	fraction := false
	if i < len(s) && s[i] == '.' && digits > 0 {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			fraction = fraction || s[i] != '0'
		}
	}
	if i == len(s) && digits > 0 {
		switch {
		case big || v > MaxValue:
			return 0, numRange
		case fraction:
			return 0, numFraction
		case neg:
			return -v, numOK
		}
		return v, numOK
	}
	return parseCountSlow(string(s))
}

// parseCountSlow handles what parseCount's fast path does not: blanks around the number,
// exponents, and everything that is not a number.
func parseCountSlow(s string) (int64, numStatus) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, numMissing
	}
	if strings.IndexFunc(t, func(r rune) bool { return !strings.ContainsRune("0123456789+-.eE", r) }) >= 0 {
		return 0, numInvalid // keeps out "Inf", "NaN", hexadecimal and digit separators
	}
	if t != s {
		return parseCount(t)
	}
	f, err := strconv.ParseFloat(t, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, numInvalid
	case err != nil || math.Abs(f) > MaxValue:
		return 0, numRange
	case f != math.Trunc(f):
		return 0, numFraction
	}
	return int64(f), numOK
}

// parseISODay reads YYYY-MM-DD without allocating.
func parseISODay[T text](s T) (Day, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, m, d := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return civilDay(y, m, d), true
}

// digits reads a run of decimal digits; -1 if there is anything else.
func digits[T text](s T) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	if len(s) == 0 {
		return -1
	}
	return n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDay counts days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard
// Hinnant's days_from_civil).
func civilDay(y, m, d int) Day {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Day(era*146097 + doe - 719468)
}

// bom is the UTF-8 byte-order mark, which spreadsheet programs write at the start of a file.
const bom = "\uFEFF"

// maxRecordBytes bounds one CSV record, so that a quoted field left open cannot take in the rest
// of a file, and a line with no end cannot grow the memory without bound.
const maxRecordBytes = 4 << 20

var errRecordTooLong = errors.New("record too long")

// newCSV prepares a CSV input: a UTF-8 byte-order mark is dropped; a UTF-16 one (some programs
// save "Unicode text" so) is a problem of the file, and then it returns nil.
func (s *readState) newCSV(r io.Reader) *csvRecords {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte(bom)):
		br.Discard(len(bom))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		s.fileProblem(0, "", "cases.problem.not_utf8")
		return nil
	}
	return &csvRecords{br: br}
}

// readHeader reads the header row, reporting an empty file, a quoting mistake and cells that
// are not UTF-8. The names are trimmed and the slice is the caller's.
func (s *readState) readHeader(cr *csvRecords) ([]string, bool) {
	rec, err := cr.Read()
	if err == io.EOF {
		s.fileProblem(0, "", "cases.problem.file_empty")
		return nil, false
	}
	if err != nil {
		s.readError(err)
		return nil, false
	}
	header := make([]string, len(rec))
	for i, h := range rec {
		if !utf8.ValidString(h) {
			s.fileProblem(i+1, "", "cases.problem.not_utf8")
			return nil, false
		}
		header[i] = strings.TrimSpace(h)
	}
	return header, true
}

// readError reports an error of a CSV input and ends reading: a quoting mistake is a problem (what
// follows it cannot be trusted to be where it seems); other errors are the input's, which Next
// returns.
func (s *readState) readError(err error) {
	s.done = true
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, errRecordTooLong):
		s.add(pe.StartLine, 0, "", "cases.problem.record_too_long", "max", "4 MiB")
	case errors.As(err, &pe):
		s.add(pe.Line, pe.Column, "", "import.quote")
	default:
		s.err = err
	}
}

// columns finds named columns in a header: the index of each, -1 when absent. A column the
// reader uses that appears twice is a problem of the file.
func (s *readState) columns(header []string, names []string) []int {
	idx := make([]int, len(names))
	for i, name := range names {
		idx[i] = slices.Index(header, name)
		if idx[i] >= 0 {
			if j := slices.Index(header[idx[i]+1:], name); j >= 0 {
				s.fileProblem(idx[i]+j+2, name, "import.column_twice", "column", name)
			}
		}
	}
	return idx
}

// validCells reports the first cell of the current record among cols (all when cols is nil)
// that is not UTF-8, and returns false if there is one.
func (s *readState) validCells(cr *csvRecords, header []string, cols []int) bool {
	if cr.utf8 {
		return true
	}
	check := func(i int) bool {
		if i < 0 || i >= cr.Len() || utf8.Valid(cr.Bytes(i)) {
			return true
		}
		name := ""
		if i < len(header) {
			name = header[i]
		}
		s.add(cr.FieldLine(i), i+1, name, "cases.problem.not_utf8")
		return false
	}
	if cols == nil {
		for i := range cr.Len() {
			if !check(i) {
				return false
			}
		}
		return true
	}
	for _, i := range cols {
		if !check(i) {
			return false
		}
	}
	return true
}

// csvRecords reads CSV records as encoding/csv does with ReuseRecord and FieldsPerRecord = -1:
// RFC 4180 quoting; LF or CRLF line ends, and a CRLF inside a quoted field read as LF; blank
// lines skipped; a quoting mistake a *csv.ParseError with csv.ErrQuote or csv.ErrBareQuote. It is
// faster, and lets a reader take cells as bytes, without allocating: a line without a quotation
// mark, which is nearly every line of the files the hub imports, is split where its commas are,
// in place. On OWID's file, encoding/csv took 70% of the reader's time, which then read 0.7
// million rows/s (see BenchmarkOWIDReader for what it reads now). TestCSVRecordsLikeEncodingCSV
// holds the two to the same results.
type csvRecords struct {
	br     *bufio.Reader
	line   int      // lines read
	start  int      // the line the current record starts on
	rec    []byte   // the current record's text: br's buffer, long, or out; valid until Next
	spans  []int32  // the start and end of each field in rec
	lines  []int    // the line each field starts on, for a record with quoted fields
	utf8   bool     // the current record is valid UTF-8
	fields []string // the current record as strings, made by Strings
	long   []byte   // a line longer than br's buffer
	out    []byte   // a quoted record's unquoted text
}

// Line returns the line the current record starts on.
func (c *csvRecords) Line() int { return c.start }

// FieldLine returns the line field i of the current record starts on.
func (c *csvRecords) FieldLine(i int) int {
	if i < len(c.lines) {
		return c.lines[i]
	}
	return c.start
}

// Len returns the number of fields of the current record.
func (c *csvRecords) Len() int { return len(c.spans) / 2 }

// Bytes returns field i of the current record, valid until Next.
func (c *csvRecords) Bytes(i int) []byte { return c.rec[c.spans[2*i]:c.spans[2*i+1]] }

// Strings returns the current record as strings, which stay valid; the slice is reused.
func (c *csvRecords) Strings() []string {
	text := string(c.rec)
	c.fields = c.fields[:0]
	for i := 0; i < len(c.spans); i += 2 {
		c.fields = append(c.fields, text[c.spans[i]:c.spans[i+1]])
	}
	return c.fields
}

// Read reads the next record and returns it as strings.
func (c *csvRecords) Read() ([]string, error) {
	if err := c.Next(); err != nil {
		return nil, err
	}
	return c.Strings(), nil
}

// readLine returns the next line with its line end, or an empty slice at the end of the input.
// The slice is valid until the next call.
func (c *csvRecords) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(c.long) > maxRecordBytes {
				return nil, &csv.ParseError{StartLine: c.line + 1, Line: c.line + 1, Err: errRecordTooLong}
			}
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
	}
	return line, err
}

// trimEOL drops a line's LF or CRLF, and a CR at the end of the input.
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// Next reads the next record.
func (c *csvRecords) Next() error {
	for {
		line, err := c.readLine()
		if len(line) == 0 {
			if err == nil {
				err = io.EOF
			}
			return err
		}
		c.line++
		c.start = c.line
		body := trimEOL(line)
		if len(body) == 0 {
			continue
		}
		if bytes.IndexByte(body, '"') >= 0 {
			return c.readQuoted(line)
		}
		c.rec, c.lines = body, c.lines[:0]
		c.utf8 = utf8.Valid(body)
		spans, from := c.spans[:0], 0
		for {
			i := bytes.IndexByte(body[from:], ',')
			if i < 0 {
				break
			}
			spans = append(spans, int32(from), int32(from+i))
			from += i + 1
		}
		c.spans = append(spans, int32(from), int32(len(body)))
		return nil
	}
}

// readQuoted reads a record with quotation marks, which starts with line and may go on over the
// lines after it.
func (c *csvRecords) readQuoted(line []byte) error {
	out, spans := c.out[:0], c.spans[:0]
	c.lines = c.lines[:0]
	quoteError := func(col int, err error) error {
		return &csv.ParseError{StartLine: c.start, Line: c.line, Column: col, Err: err}
	}
	pos := 0
	for {
		c.lines = append(c.lines, c.line)
		spans = append(spans, int32(len(out)))
		if pos < len(line) && line[pos] == '"' {
			// A quoted field left open is reported where it opens, not at the end of the file.
			openLine, openCol := c.line, pos+1
			pos++
			for {
				if j := bytes.IndexByte(line[pos:], '"'); j >= 0 {
					out = append(out, line[pos:pos+j]...)
					pos += j + 1
					if pos < len(line) && line[pos] == '"' { // a doubled quotation mark
						out = append(out, '"')
						pos++
						continue
					}
					break
				}
				// The field goes on past the end of this line.
				if line[len(line)-1] != '\n' {
					c.line = openLine
					return quoteError(openCol, csv.ErrQuote)
				}
				out = append(append(out, trimEOL(line[pos:])...), '\n')
				if len(out) > maxRecordBytes {
					return quoteError(1, errRecordTooLong)
				}
				next, err := c.readLine()
				if len(next) == 0 {
					if err != nil && err != io.EOF {
						return err
					}
					c.line = openLine
					return quoteError(openCol, csv.ErrQuote)
				}
				c.line++
				line, pos = next, 0
			}
			// After the closing quotation mark: a comma, or the end of the record.
			spans = append(spans, int32(len(out)))
			rest := trimEOL(line[pos:])
			if len(rest) == 0 {
				break
			}
			if rest[0] != ',' {
				return quoteError(pos+1, csv.ErrQuote)
			}
			pos++
			continue
		}
		body := trimEOL(line)
		end := len(body)
		j := bytes.IndexByte(body[pos:], ',')
		if j >= 0 {
			end = pos + j
		}
		if q := bytes.IndexByte(body[pos:end], '"'); q >= 0 {
			return quoteError(pos+q+1, csv.ErrBareQuote)
		}
		out = append(out, body[pos:end]...)
		spans = append(spans, int32(len(out)))
		if j < 0 {
			break
		}
		pos = end + 1
	}
	c.out, c.spans, c.rec = out, spans, out
	c.utf8 = utf8.Valid(out)
	return nil
}
