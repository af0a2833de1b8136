package directory

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
	"github.com/citypact/citypact/internal/feed"
	"github.com/citypact/citypact/internal/i18n"
)

// The bulk CSV format for organisations: one row each, UTF-8 (a byte-order mark is allowed),
// RFC 4180 quoting, a header row naming the columns in any order. Only kind and one name column
// are required; a missing slug is made from the English name. Numbers are plain (9500000, not
// 9,500,000); lat and lon are decimal degrees and come together or not at all.
//
// Names: name_en, name_ko, name_zh_tw and name_ja are the names in the hub's four languages.
// original_lang says which name is the original (the name in the organisation's own language):
// one of en, ko, zh-TW, ja — then original_name may repeat that column or be left empty — or
// another language tag such as de, and then original_name holds it. Left empty, the original is
// the English name, or the only name given. Names in other languages than these five are not
// part of the format.
//
// WriteOrganisationsCSV writes this format, with cells that could start a spreadsheet formula
// neutralised by a leading apostrophe (feed.Cell), which ReadOrganisationsCSV removes again.
var CSVColumns = []string{"slug", "kind", "name_en", "name_ko", "name_zh_tw", "name_ja", "original_lang", "original_name",
	"country", "region", "population", "population_year", "population_source", "lat", "lon", "website", "description", "source"}

// csvNameColumns maps the name columns to their language tags.
var csvNameColumns = []struct{ col, lang string }{{"name_en", "en"}, {"name_ko", "ko"}, {"name_zh_tw", "zh-TW"}, {"name_ja", "ja"}}

// MaxImportRows limits one import.
const MaxImportRows = 50_000

// MaxImportProblems, Problem and ImportError are the hub's one way to report a bad import file.
const MaxImportProblems = citypact.MaxImportProblems

type (
	Problem     = citypact.Problem
	ImportError = citypact.ImportError
)

// errTooManyProblems stops reading once the list is full.
var errTooManyProblems = errors.New("too many problems")

type csvReader struct {
	file     string
	tr       *i18n.Translator
	problems []Problem
	more     bool
}

func (c *csvReader) add(line, col int, field, key string, args ...string) error {
	if len(c.problems) == MaxImportProblems {
		c.more = true
		return errTooManyProblems
	}
	c.problems = append(c.problems, Problem{Line: line, Column: col, Field: field, Key: key, Args: args, Message: c.tr.T(key, args...)})
	return nil
}

// ReadOrganisationsCSV reads organisations in the bulk CSV format from r, streaming. file names
// the input in problems; regions are the known region keys. Each organisation is normalised and
// validated; slugs must be unique within the file. If anything is wrong it returns no
// organisations and an *ImportError listing the problems (at most MaxImportProblems); other
// errors are those of r.
func ReadOrganisationsCSV(r io.Reader, file string, regions []string) ([]Organisation, error) {
	c := &csvReader{file: file, tr: i18n.For(i18n.EN)}
	orgs, err := c.read(r, regions)
	if err != nil && !errors.Is(err, errTooManyProblems) {
		return nil, err
	}
	if len(c.problems) > 0 {
		return nil, &ImportError{File: file, Problems: c.problems, Truncated: c.more}
	}
	return orgs, nil
}

func (c *csvReader) read(r io.Reader, regions []string) ([]Organisation, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte(feed.BOM)) {
		br.Discard(len(feed.BOM))
	} else if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil, c.add(1, 1, "", "import.not_utf8") // UTF-16, as some programs save "Unicode text"
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true // each cell is copied into an Organisation as a string of its own

	header, err := cr.Read()
	if err != nil && err != io.EOF {
		return nil, c.parseError(err)
	}
	header = slices.Clone(header) // the reader reuses its slice
	cols := map[string]int{}      // column name → index
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !utf8.ValidString(h):
			err = c.add(1, i+1, "", "import.not_utf8")
		case !slices.Contains(CSVColumns, name):
			err = c.add(1, i+1, name, "import.column_unknown", "column", name, "columns", strings.Join(CSVColumns, ", "))
		case cols[name] != 0:
			err = c.add(1, i+1, name, "import.column_twice", "column", name)
		default:
			cols[name] = i + 1 // 1-based, so that 0 means absent
		}
		if err != nil {
			return nil, err
		}
	}
	if cols["kind"] == 0 {
		if err := c.add(1, 1, "kind", "import.column_missing", "column", "kind"); err != nil {
			return nil, err
		}
	}
	if cols["name_en"] == 0 && cols["name_ko"] == 0 && cols["name_zh_tw"] == 0 && cols["name_ja"] == 0 && cols["original_name"] == 0 {
		if err := c.add(1, 1, "name_en", "import.names_missing", "columns", "name_en, name_ko, name_zh_tw, name_ja, original_name"); err != nil {
			return nil, err
		}
	}
	if len(c.problems) > 0 {
		return nil, nil
	}

	var orgs []Organisation
	seen := map[string]int{} // slug → line
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			// The record is there but has the wrong width: say where, then go on.
			col := min(len(rec), len(header)) + 1
			if err := c.add(pe.StartLine, col, "", "import.field_count", "got", strconv.Itoa(len(rec)), "want", strconv.Itoa(len(header))); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			// A quoting mistake: what follows cannot be trusted to be where it seems.
			return nil, c.parseError(err)
		}
		if row > MaxImportRows {
			line, _ := cr.FieldPos(0)
			return nil, c.add(line, 1, "", "import.too_many_rows", "max", strconv.Itoa(MaxImportRows))
		}
		o, ok, err := c.row(cr, rec, header, cols, regions)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if first, dup := seen[o.Slug]; dup {
			line, col := c.pos(cr, cols, "slug")
			if err := c.add(line, col, "slug", "import.slug_twice", "line", strconv.Itoa(first)); err != nil {
				return nil, err
			}
			continue
		}
		seen[o.Slug], _ = cr.FieldPos(0)
		if len(c.problems) == 0 {
			orgs = append(orgs, o)
		}
	}
	return orgs, nil
}

// parseError reports a syntax error of the CSV itself (a wrong number of fields is handled where
// it occurs, since reading can go on after it).
func (c *csvReader) parseError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err // reading failed
	}
	return c.add(pe.Line, pe.Column, "", "import.quote")
}

// pos returns the line and column number of a column of the current record; for a column the
// file does not have, the first name column stands in (a slug made from the name, say).
func (c *csvReader) pos(cr *csv.Reader, cols map[string]int, name string) (int, int) {
	i := cols[name]
	if i == 0 {
		for _, alt := range []string{"name_en", "original_name", "name_ko", "name_zh_tw", "name_ja"} {
			if i = cols[alt]; i != 0 {
				break
			}
		}
	}
	if i == 0 {
		i = 1
	}
	line, _ := cr.FieldPos(i - 1)
	return line, i
}

// row turns one record into an organisation, reporting each problem; ok is false when there was
// any.
func (c *csvReader) row(cr *csv.Reader, rec, header []string, cols map[string]int, regions []string) (o Organisation, ok bool, err error) {
	before := len(c.problems)
	problem := func(name, key string, args ...string) {
		for _, p := range c.problems[before:] {
			if p.Field == name && p.Key == key {
				return // said already
			}
		}
		if err == nil {
			line, col := c.pos(cr, cols, name)
			err = c.add(line, col, name, key, args...)
		}
	}
	get := func(name string) string {
		if i := cols[name]; i != 0 {
			v := rec[i-1]
			if strings.ContainsRune(v, '\r') { // line breaks inside a cell are LF, as CSVWriter writes them
				v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
			}
			return feed.RestoreCell(strings.TrimSpace(v))
		}
		return ""
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			line, _ := cr.FieldPos(i)
			if err := c.add(line, i+1, strings.ToLower(strings.TrimSpace(header[i])), "import.not_utf8"); err != nil {
				return o, false, err
			}
		}
	}
	if len(c.problems) > before {
		return o, false, nil // nothing else about this row can be said reliably
	}

	o = Organisation{
		Slug: get("slug"), Kind: Kind(strings.ToLower(get("kind"))), Country: get("country"), Region: get("region"),
		PopulationSource: get("population_source"), Website: get("website"), Description: get("description"), Source: get("source"),
	}
	// Names, each checked where it is so that a problem names its own column.
	for _, nc := range csvNameColumns {
		if text := get(nc.col); text != "" {
			o.Names = append(o.Names, Name{Lang: nc.lang, Text: text})
			c.checkName(nc.col, text, problem)
		}
	}
	origLang, origName := canonicalLang(get("original_lang")), get("original_name")
	c.checkName("original_name", origName, problem)
	namesBad := len(c.problems) > before // Validate would only repeat it
	nameProblem := func(name, key string) {
		namesBad = true
		problem(name, key)
	}
	switch i := slices.IndexFunc(o.Names, func(n Name) bool { return n.Lang == origLang }); {
	case origLang == "" && origName != "":
		nameProblem("original_lang", "field.required")
	case origLang == "":
		if i = slices.IndexFunc(o.Names, func(n Name) bool { return n.Lang == "en" }); i < 0 && len(o.Names) == 1 {
			i = 0
		}
		if i < 0 && len(o.Names) > 1 {
			nameProblem("original_lang", "field.required")
		} else if i >= 0 {
			o.Names[i].Original = true
		}
	case slices.ContainsFunc(csvNameColumns, func(nc struct{ col, lang string }) bool { return nc.lang == origLang }):
		switch {
		case i >= 0 && origName != "" && origName != o.Names[i].Text:
			nameProblem("original_name", "import.original_differs")
		case i >= 0:
			o.Names[i].Original = true
		case origName != "":
			o.Names = append(o.Names, Name{Lang: origLang, Text: origName, Original: true})
		default:
			nameProblem("original_name", "field.required")
		}
	default:
		if origName == "" {
			nameProblem("original_name", "field.required")
		} else {
			o.Names = append(o.Names, Name{Lang: origLang, Text: origName, Original: true})
		}
	}

	var perr error
	if v := get("population"); v != "" {
		if o.Population, perr = strconv.ParseInt(v, 10, 64); perr != nil {
			problem("population", "field.invalid")
		}
	}
	if v := get("population_year"); v != "" {
		if o.PopulationYear, perr = strconv.Atoi(v); perr != nil {
			problem("population_year", "field.range", "min", "1800", "max", "2100")
		}
	}
	lat, lon := get("lat"), get("lon")
	switch {
	case lat == "" && lon == "":
	case lat == "":
		problem("lat", "org.location_invalid")
	case lon == "":
		problem("lon", "org.location_invalid")
	default:
		o.HasLocation = true
		if o.Lat, perr = parseDegrees(lat); perr != nil {
			problem("lat", "org.location_invalid")
		}
		if o.Lon, perr = parseDegrees(lon); perr != nil {
			problem("lon", "org.location_invalid")
		}
	}
	if err != nil {
		return o, false, err
	}

	o.Normalize()
	if verr := o.Validate(regions); verr != nil {
		for _, f := range citypact.FieldsOf(verr) {
			switch {
			case f.Field == "name" && (namesBad || f.Key != "field.required"), f.Field == "names" && (namesBad || f.Key != "org.name_lang_invalid"):
				continue // checked per column above
			case f.Field == "names":
				problem("original_lang", f.Key, f.Args...)
			case f.Field == "name":
				problem("name_en", f.Key, f.Args...)
			case f.Field == "location":
				problem("lat", f.Key, f.Args...)
			default:
				problem(f.Field, f.Key, f.Args...)
			}
		}
	}
	return o, err == nil && len(c.problems) == before, err
}

// checkName reports a name that is too long or holds a NUL, at its own column.
func (c *csvReader) checkName(col, text string, problem func(name, key string, args ...string)) {
	if utf8.RuneCountInString(text) > MaxNameLen {
		problem(col, "field.too_long", "max", strconv.Itoa(MaxNameLen))
	} else if strings.ContainsRune(text, 0) {
		problem(col, "field.invalid")
	}
}

// canonicalLang writes the four UI languages' tags the one way ("zh_tw" → "zh-TW").
func canonicalLang(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	for _, nc := range csvNameColumns {
		if strings.EqualFold(s, nc.lang) {
			return nc.lang
		}
	}
	return s
}

func parseDegrees(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
		err = errors.New("not a finite number")
	}
	return v, err
}

// WriteOrganisationsCSV writes orgs in the bulk CSV format, with a UTF-8 byte-order mark so that
// spreadsheet programs read the names right. ReadOrganisationsCSV reads it back.
func WriteOrganisationsCSV(w io.Writer, orgs []Organisation) error {
	cw := feed.NewCSVWriter(w, CSVColumns, true)
	row := make([]string, len(CSVColumns))
	for _, o := range orgs {
		names := o.Names
		if len(names) == 0 && o.Name != "" {
			names = []Name{{Lang: "en", Text: o.Name, Original: true}}
		}
		cell := map[string]string{
			"slug": o.Slug, "kind": string(o.Kind), "country": o.Country, "region": o.Region,
			"population_source": o.PopulationSource, "website": o.Website, "description": o.Description, "source": o.Source,
		}
		for _, n := range names {
			for _, nc := range csvNameColumns {
				if n.Lang == nc.lang {
					cell[nc.col] = n.Text
				}
			}
			if n.Original {
				cell["original_lang"] = n.Lang
				if cell["original_name"] = n.Text; slices.ContainsFunc(csvNameColumns, func(nc struct{ col, lang string }) bool { return nc.lang == n.Lang }) {
					cell["original_name"] = "" // it is in its own column
				}
			}
		}
		if o.Population != 0 {
			cell["population"] = strconv.FormatInt(o.Population, 10)
		}
		if o.PopulationYear != 0 {
			cell["population_year"] = strconv.Itoa(o.PopulationYear)
		}
		if o.HasLocation {
			cell["lat"] = strconv.FormatFloat(o.Lat, 'f', -1, 64)
			cell["lon"] = strconv.FormatFloat(o.Lon, 'f', -1, 64)
		}
		for i, col := range CSVColumns {
			row[i] = cell[col]
		}
		if err := cw.Write(row...); err != nil {
			return err
		}
	}
	return cw.Flush()
}
