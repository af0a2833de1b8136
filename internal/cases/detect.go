package cases

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strings"

	"github.com/citypact/citypact"
)

// The formats the hub reads without a mapping.
const (
	FormatOWID = "owid" // Our World in Data's long CSV
	FormatJHU  = "jhu"  // JHU CSSE's wide global time series
)

// DetectFormat tells a file's format from its header row: FormatOWID for a header with iso_code,
// location and date; FormatJHU for Province/State, Country/Region, Lat, Long followed by M/D/YY
// days; "" for anything else.
func DetectFormat(header []string) string {
	has := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, bom)
		}
		has[h] = true
	}
	switch {
	case has["iso_code"] && has["location"] && has["date"]:
		return FormatOWID
	case len(header) > 4 && has["Province/State"] && has["Country/Region"] && has["Lat"] && has["Long"]:
		if _, ok := parseJHUDay(strings.TrimSpace(header[len(header)-1])); ok {
			return FormatJHU
		}
	}
	return ""
}

// maxHeaderBytes bounds the first line Open reads to detect a format (a JHU header of three years
// of days is 10 kB).
const maxHeaderBytes = 1 << 20

// Open returns a Reader of r in a format: with a mapping spec, through it (the format is then
// "mapping"); otherwise "owid", "jhu" (the metric told by JHUMetric from the file's name), or ""
// to detect the format from the header row, which is read ahead without being consumed. It
// returns the format it chose. A file whose format cannot be told is a *citypact.ImportError; an
// unknown format name, an invalid spec or a JHU file name that says neither confirmed nor deaths
// a citypact.Invalid error.
func Open(format, file string, r io.Reader, spec *MappingSpec) (Reader, string, error) {
	if spec != nil {
		rd, err := OpenMapping(*spec, file, r)
		return rd, "mapping", err
	}
	if format == "" {
		br := bufio.NewReaderSize(r, maxHeaderBytes)
		r = br
		var key string
		if format, key = detect(br); format == "" {
			return nil, "", &citypact.ImportError{File: file, Problems: []citypact.Problem{NewProblem(Position{Line: 1}, "", key)}}
		}
	}
	switch format {
	case FormatOWID:
		return NewOWIDReader(file, r), format, nil
	case FormatJHU:
		m, err := JHUMetric(file)
		if err != nil {
			return nil, format, err
		}
		return NewJHUReader(file, r, m), format, nil
	}
	return nil, "", citypact.Invalid(citypact.FieldError{Field: "format", Key: "field.choice"})
}

// detect peeks at the first line of br and tells its format, or the problem key saying why not.
func detect(br *bufio.Reader) (format, problem string) {
	head, _ := br.Peek(maxHeaderBytes)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i+1]
	}
	head = bytes.TrimPrefix(head, []byte(bom))
	if len(bytes.TrimSpace(head)) == 0 {
		return "", "cases.problem.file_empty"
	}
	cr := csv.NewReader(bytes.NewReader(head))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	header, err := cr.Read()
	if err != nil {
		return "", "cases.problem.format_unknown"
	}
	if f := DetectFormat(header); f != "" {
		return f, ""
	}
	return "", "cases.problem.format_unknown"
}
