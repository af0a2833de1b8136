package cases

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Reading files through a Mapping (see MappingSpec): CSV files by their header, JSON files as an
// array of objects found at a dotted path, streamed one record at a time.

// dateReader reads a mapping's dates.
type dateReader struct {
	layout string
	loc    *time.Location
}

// day reads s: "iso" and "rfc3339" as described at DateColumn; a Go layout with
// time.ParseInLocation in the zone. A time with a zone or offset falls on its calendar day in
// the zone; a time without one on the day written.
func (d dateReader) day(s string) (Day, bool) {
	switch d.layout {
	case "iso":
		return parseISOTime(s, d.loc)
	case "rfc3339":
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0, false
		}
		return DayOf(t.In(d.loc)), true
	}
	t, err := time.ParseInLocation(d.layout, s, d.loc)
	if err != nil {
		return 0, false
	}
	return DayOf(t.In(d.loc)), true
}

// parseISOTime reads YYYY-MM-DD, optionally followed by T or a space, hh:mm[:ss[.fff]] and a
// zone (Z, ±hh:mm, ±hhmm, ±hh).
func parseISOTime(s string, loc *time.Location) (Day, bool) {
	if len(s) == 10 {
		return parseISODay(s)
	}
	if len(s) < 16 || (s[10] != 'T' && s[10] != ' ') {
		return 0, false
	}
	day, ok := parseISODay(s[:10])
	if !ok {
		return 0, false
	}
	rest := s[11:]
	hh, mm, ss := digits(rest[0:2]), -1, 0
	if rest[2] == ':' {
		mm = digits(rest[3:5])
	}
	rest = rest[5:]
	if len(rest) >= 3 && rest[0] == ':' {
		ss, rest = digits(rest[1:3]), rest[3:]
		if len(rest) > 1 && (rest[0] == '.' || rest[0] == ',') {
			i := 1
			for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
				i++
			}
			if i == 1 {
				return 0, false
			}
			rest = rest[i:]
		}
	}
	if hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 {
		return 0, false
	}
	var offset int
	switch {
	case rest == "":
		return day, true // no zone: the day written
	case rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		z := strings.ReplaceAll(rest[1:], ":", "")
		if len(z) != 2 && len(z) != 4 {
			return 0, false
		}
		oh, om := digits(z[:2]), 0
		if len(z) == 4 {
			om = digits(z[2:])
		}
		if oh < 0 || oh > 23 || om < 0 || om > 59 {
			return 0, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	unix := int64(day)*86400 + int64(hh*3600+mm*60+ss-offset)
	return DayOf(time.Unix(unix, 0).In(loc)), true
}

// cell is one value of a record, as the mapping reads it.
type cell struct {
	text      string
	set       bool // present and not null
	kind      byte // 's' text (every CSV cell), 'n' JSON number, 'b' JSON true or false, 'o' object or array
	line, col int
}

// mappingReader turns records into observations. Its cells are, in order: the date, the area
// column when there is one, then the metric columns (long files) or the area columns (wide).
type mappingReader struct {
	readState
	spec    MappingSpec
	date    dateReader
	skip    *regexp.Regexp
	names   []string // the column each cell comes from
	metrics []Metric // long files: the metric of each metric column
	codes   []string // wide files: the area code of each area column
	first   int      // the index of the first metric or area column in columns
	metric  Metric   // wide files' metric
	areas   map[string]string
	queue   []Observation // a wide record's observations still to return
}

// maxInterned bounds the area codes a mapping reader keeps one copy of.
const maxInterned = 10_000

// OpenMapping returns a Reader of a file through a mapping, after checking the spec (an invalid
// one is a citypact.Invalid error). file names the input in problems and positions. A column
// the spec names and the header lacks is a problem of the file, on line 1; a JSON file without
// an array at spec.Records, likewise. Memory stays flat whatever the file's size, except for
// the look-ahead of a JSON value (one record) and one copy of each area code.
func OpenMapping(spec MappingSpec, file string, r io.Reader) (Reader, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	m := mappingReader{readState: readState{file: file}, spec: spec, areas: map[string]string{}}
	m.date = dateReader{layout: spec.Date.Layout, loc: time.UTC}
	if spec.Date.TimeZone != "" {
		m.date.loc, _ = time.LoadLocation(spec.Date.TimeZone)
	}
	if spec.Date.Skip != "" {
		m.skip = regexp.MustCompile(spec.Date.Skip)
	}
	m.names = append(m.names, strings.TrimSpace(spec.Date.Column))
	if spec.Area.Column != "" {
		m.names = append(m.names, strings.TrimSpace(spec.Area.Column))
	}
	m.first = len(m.names)
	if len(spec.AreaColumns) > 0 {
		m.metric, _ = ParseMetric(spec.WideMetric)
		for _, col := range slices.Sorted(maps.Keys(spec.AreaColumns)) {
			m.names = append(m.names, strings.TrimSpace(col))
			m.codes = append(m.codes, spec.AreaColumns[col])
		}
	} else {
		for _, mc := range spec.Metrics {
			metric, _ := ParseMetric(mc.Metric)
			m.names = append(m.names, strings.TrimSpace(mc.Column))
			m.metrics = append(m.metrics, metric)
		}
	}
	if spec.Format == "json" {
		return &mappingJSON{mappingReader: m, in: r}, nil
	}
	return &mappingCSV{mappingReader: m, in: r}, nil
}

// record reads one record's cells; (line, col) is where the record starts. It queues the
// record's observations, or reports its problems.
func (m *mappingReader) record(cells []cell, line, col int) {
	at := func(c cell) (int, int) {
		if c.line == 0 {
			return line, col
		}
		return c.line, c.col
	}
	ok := true
	problem := func(i int, key string, args ...string) {
		l, c := at(cells[i])
		m.add(l, c, m.names[i], key, args...)
		ok = false
	}
	for i, c := range cells {
		if c.kind == 's' && strings.ContainsRune(c.text, utf8.RuneError) {
			problem(i, "cases.problem.not_utf8") // what invalid bytes in a JSON string decode to
			return
		}
	}
	d := cells[0]
	date := strings.TrimSpace(d.text)
	if m.skip != nil && d.set && m.skip.MatchString(date) {
		m.skipped++
		return
	}

	// The area, first: the records of areas the mapping leaves out are not checked further.
	code := m.spec.Area.Code
	pos := m.pos(line, col)
	if m.spec.Area.Column != "" {
		a := cells[1]
		name := strings.TrimSpace(a.text)
		if a.line != 0 {
			pos = m.pos(a.line, a.col)
		}
		switch {
		case !a.set || name == "":
			problem(1, "cases.problem.value_missing")
		case a.kind != 's' && a.kind != 'n':
			problem(1, "cases.problem.area_invalid", "value", quote(name))
		default:
			var listed bool
			if code, listed = m.spec.Area.Codes[name]; !listed {
				if m.spec.Area.Unlisted == "skip" {
					m.skipped++
					return
				}
				if code = m.intern(name); !ValidAreaCode(code) {
					problem(1, "cases.problem.area_invalid", "value", quote(name))
				}
			}
		}
	}

	var day Day
	switch {
	case !d.set || date == "":
		problem(0, "cases.problem.value_missing")
	case d.kind != 's' && d.kind != 'n':
		problem(0, "cases.problem.date_invalid", "value", quote(date), "layout", m.spec.Date.Layout)
	default:
		var good bool
		if day, good = m.date.day(date); !good {
			problem(0, "cases.problem.date_invalid", "value", quote(date), "layout", m.spec.Date.Layout)
		}
	}

	// The figures: one observation of the record's area, or one per area column of a wide file.
	n := len(m.queue)
	o := Observation{Area: code, Day: day, Pos: pos}
	for k := m.first; k < len(cells); k++ {
		c := cells[k]
		if !c.set {
			continue
		}
		metric := m.metric
		if m.codes != nil {
			o = Observation{Area: m.codes[k-m.first], Day: day, Pos: m.pos(at(c))}
		} else {
			metric = m.metrics[k-m.first]
		}
		l, cl := at(c)
		if c.kind == 'b' || c.kind == 'o' {
			problem(k, "cases.problem.number_invalid", "value", quote(c.text))
		} else if !m.value(&o.Values, metric, c.text, l, cl, m.names[k]) {
			ok = false
		}
		if m.codes != nil && !o.Empty() {
			m.queue = append(m.queue, o)
		}
	}
	if m.codes == nil && !o.Empty() {
		m.queue = append(m.queue, o)
	}
	switch {
	case !ok:
		m.queue = m.queue[:n] // nothing of a record with a problem
	case len(m.queue) == n:
		m.skipped++ // a record without figures
	}
}

// intern returns one copy of an area code for all the records that name it.
func (m *mappingReader) intern(s string) string {
	if c, ok := m.areas[s]; ok {
		return c
	}
	c := strings.Clone(s)
	if len(m.areas) < maxInterned {
		m.areas[c] = c
	}
	return c
}

// pop returns the next queued observation.
func (m *mappingReader) pop() (Observation, bool) {
	if len(m.queue) == 0 {
		return Observation{}, false
	}
	o := m.queue[0]
	m.queue = m.queue[1:]
	if len(m.queue) == 0 {
		m.queue = m.queue[:0:0]
	}
	return o, true
}

type mappingCSV struct {
	mappingReader
	in      io.Reader
	cr      *csvRecords
	started bool
	header  []string
	idx     []int // the header index of each cell's column
	cells   []cell
}

func (r *mappingCSV) start() {
	r.started = true
	if r.cr = r.newCSV(r.in); r.cr == nil {
		return
	}
	header, ok := r.readHeader(r.cr)
	if !ok {
		return
	}
	r.header = header
	r.idx = r.columns(header, r.names)
	for i, name := range r.names {
		if r.idx[i] < 0 {
			r.fileProblem(0, name, "import.column_missing", "column", name)
		}
	}
	r.cells = make([]cell, len(r.idx))
}

func (r *mappingCSV) Next() (Observation, error) {
	if !r.started {
		r.start()
	}
	for {
		if o, ok := r.pop(); ok {
			return o, nil
		}
		if r.done {
			return r.end()
		}
		rec, err := r.cr.Read()
		if err == io.EOF {
			r.done = true
			continue
		}
		if err != nil {
			r.readError(err)
			continue
		}
		line := r.cr.Line()
		if !r.validCells(r.cr, r.header, r.idx) {
			continue
		}
		if len(rec) != len(r.header) {
			r.add(line, min(len(rec), len(r.header))+1, "", "import.field_count", "got", strconv.Itoa(len(rec)), "want", strconv.Itoa(len(r.header)))
			continue
		}
		for i, j := range r.idx {
			r.cells[i] = cell{text: rec[j], set: rec[j] != "", kind: 's', line: r.cr.FieldLine(j), col: j + 1}
		}
		r.record(r.cells, line, 1)
	}
}

type mappingJSON struct {
	mappingReader
	in       io.Reader
	js       *jsonStream
	started  bool
	slots    map[string]int  // column → cell
	prefixes map[string]bool // the objects that hold columns ("a" for "a.b")
	cells    []cell
}

func (r *mappingJSON) start() {
	r.started = true
	r.js = newJSONStream(r.in)
	r.slots, r.prefixes = map[string]int{}, map[string]bool{}
	for i, c := range r.names {
		r.slots[c] = i
		for p := c; strings.Contains(p, "."); {
			p = p[:strings.LastIndexByte(p, '.')]
			r.prefixes[p] = true
		}
	}
	r.cells = make([]cell, len(r.names))
	found, err := r.js.find(r.spec.Records)
	if err != nil {
		r.jsonError(err)
		return
	}
	if !found {
		path := r.spec.Records
		if path == "" {
			path = "(top level)"
		}
		r.fileProblem(0, "", "cases.problem.records_missing", "path", path)
	}
}

// jsonError reports an error of the JSON input and ends reading.
func (r *mappingJSON) jsonError(err error) {
	r.done = true
	if line, col, key, args, ok := r.js.problem(err); ok {
		r.add(line, col, "", key, args...)
		return
	}
	r.err = err
}

func (r *mappingJSON) Next() (Observation, error) {
	if !r.started {
		r.start()
	}
	for {
		if o, ok := r.pop(); ok {
			return o, nil
		}
		if r.done {
			return r.end()
		}
		if !r.js.dec.More() {
			if _, err := r.js.dec.Token(); err != nil { // the array's end
				r.jsonError(err)
			}
			r.done = true
			continue
		}
		tok, line, col, err := r.js.token()
		if err != nil {
			r.jsonError(err)
			continue
		}
		if tok != json.Delim('{') {
			r.add(line, col, "", "cases.problem.record_not_object")
			if err := r.js.skip(tok); err != nil {
				r.jsonError(err)
			}
			continue
		}
		clear(r.cells)
		if err := r.object(""); err != nil {
			r.jsonError(err)
			continue
		}
		r.record(r.cells, line, col)
	}
}

// object reads the members of an object whose "{" has been read, keeping the values of the
// mapping's columns.
func (r *mappingJSON) object(prefix string) error {
	for r.js.dec.More() {
		tok, err := r.js.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if prefix != "" {
			key = prefix + "." + key
		}
		tok, line, col, err := r.js.token()
		if err != nil {
			return err
		}
		slot, want := r.slots[key]
		if tok == json.Delim('{') && r.prefixes[key] {
			if err := r.object(key); err != nil {
				return err
			}
			continue
		}
		c, err := r.js.value(tok, line, col)
		if err != nil {
			return err
		}
		if want {
			r.cells[slot] = c
		}
	}
	_, err := r.js.dec.Token() // "}"
	return err
}

// jsonStream reads JSON token by token and knows where each token is: the line and byte column
// of a decoder's offset are counted from the newlines read so far, keeping only those of the
// decoder's look-ahead, so memory does not grow with the input.
type jsonStream struct {
	lc  *lineCounter
	dec *json.Decoder
}

func newJSONStream(r io.Reader) *jsonStream {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte(bom)) {
		br.Discard(len(bom))
	}
	lc := &lineCounter{r: br, line: 1}
	dec := json.NewDecoder(lc)
	dec.UseNumber()
	return &jsonStream{lc: lc, dec: dec}
}

// token reads the next token and returns where it starts. The decoder's offset is where the
// previous token ended; the separators and blanks after it are skipped in the decoder's buffer,
// or, when they reach past it, in the bytes read next.
func (j *jsonStream) token() (tok json.Token, line, col int, err error) {
	off := j.dec.InputOffset()
	buf := j.dec.Buffered().(io.ByteReader)
	start := int64(-1)
	for {
		b, err := buf.ReadByte()
		if err != nil {
			j.lc.seek, j.lc.found = true, -1 // the token starts in bytes not read yet
			break
		}
		if !isJSONSeparator(b) {
			start = off
			break
		}
		off++
	}
	tok, err = j.dec.Token()
	if start < 0 {
		start, j.lc.seek = j.lc.found, false
		if start < 0 { // at the end of the input
			start = j.lc.n
		}
	}
	line, col = j.lc.at(start)
	return tok, line, col, err
}

func isJSONSeparator(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == ',' || b == ':'
}

// value turns a token that starts a value into a cell, reading the rest of an object or array.
func (j *jsonStream) value(tok json.Token, line, col int) (cell, error) {
	c := cell{set: true, line: line, col: col}
	switch v := tok.(type) {
	case string:
		c.kind, c.text = 's', v
	case json.Number:
		c.kind, c.text = 'n', string(v)
	case bool:
		c.kind, c.text = 'b', strconv.FormatBool(v)
	case nil:
		c.set = false
	case json.Delim:
		c.kind, c.text = 'o', string(v)
		return c, j.skip(tok)
	}
	return c, nil
}

// skip reads the rest of a value whose first token was tok.
func (j *jsonStream) skip(tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := j.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// find reads up to the start of the array at a dotted path of object keys ("" is the top-level
// value), and reports whether there is one.
func (j *jsonStream) find(path string) (bool, error) {
	var keys []string
	if path != "" {
		keys = strings.Split(path, ".")
	}
	for _, want := range keys {
		tok, err := j.dec.Token()
		if err != nil || tok != json.Delim('{') {
			return false, err
		}
		found := false
		for !found && j.dec.More() {
			tok, err := j.dec.Token()
			if err != nil {
				return false, err
			}
			if found = tok == want; !found {
				tok, err := j.dec.Token()
				if err == nil {
					err = j.skip(tok)
				}
				if err != nil {
					return false, err
				}
			}
		}
		if !found {
			return false, nil
		}
	}
	tok, err := j.dec.Token()
	return err == nil && tok == json.Delim('['), err
}

// problem turns a decoding error into a problem: the JSON ends too soon, or is not JSON where
// the syntax error is. ok is false for errors of the input itself.
func (j *jsonStream) problem(err error) (line, col int, key string, args []string, ok bool) {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		line, col = j.lc.at(j.lc.n)
		if j.lc.n == 0 {
			return 1, 0, "cases.problem.file_empty", nil, true
		}
		return line, col, "cases.problem.json_truncated", nil, true
	case errors.As(err, &se):
		line, col = j.lc.at(se.Offset)
		return line, col, "cases.problem.json_syntax", []string{"error", strings.TrimPrefix(se.Error(), "json: ")}, true
	}
	return 0, 0, "", nil, false
}

// lineCounter passes a reader's bytes on and keeps the offsets of the newlines among them that
// at has not yet been asked to pass. While seek is set, it also looks for the first byte that is
// no JSON separator or blank, and notes its offset in found.
type lineCounter struct {
	r         io.Reader
	n         int64   // bytes read
	newlines  []int64 // offsets of newlines not yet passed
	line      int     // the line at lineStart
	lineStart int64   // the offset the line starts at
	seek      bool
	found     int64
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.seek {
		for i := 0; i < n; i++ {
			if !isJSONSeparator(p[i]) {
				c.found, c.seek = c.n+int64(i), false
				break
			}
		}
	}
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		c.newlines = append(c.newlines, c.n+int64(i+j))
		i += j + 1
	}
	c.n += int64(n)
	return n, err
}

// at returns the 1-based line and byte column of an offset; offsets must be asked for in order.
func (c *lineCounter) at(off int64) (line, col int) {
	k := 0
	for k < len(c.newlines) && c.newlines[k] < off {
		c.lineStart = c.newlines[k] + 1
		c.line++
		k++
	}
	c.newlines = c.newlines[k:]
	if off < c.lineStart {
		return c.line, 0
	}
	return c.line, int(off-c.lineStart) + 1
}
