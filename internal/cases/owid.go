package cases

import (
	"io"
	"strconv"
	"strings"
)

// Our World in Data's COVID-19 data set (owid-covid-data.csv): a long CSV file, one row per
// location and day. Its columns changed between releases (32 in May 2020, about 67 later, in
// another order), so they are found by their names in the header, never by position. iso_code,
// location and date are required; of the metric columns below, those present are read, and the
// others (per-million rates, smoothed series, demographics) are left alone.
//
// iso_code is an ISO 3166-1 alpha-3 code or one of OWID's own (OWID_WRL for the world; see
// AreaForCode; the 2020 files write Kosovo XKX, which is read as OWID_KOS). Rows with an empty
// iso_code (OWID's "International", the cruise ships) and rows without any figure are skipped and
// counted. Only the cells the reader uses are checked to be UTF-8.

// owidMetrics maps OWID's columns to metrics.
var owidMetrics = []struct {
	column string
	metric Metric
}{
	{"new_cases", NewCases}, {"total_cases", TotalCases},
	{"new_deaths", NewDeaths}, {"total_deaths", TotalDeaths},
	{"new_tests", NewTests}, {"total_tests", TotalTests},
	{"hosp_patients", Hospitalised}, {"icu_patients", ICU},
	{"total_vaccinations", VaccineDoses}, {"people_vaccinated", PeopleVaccinated},
}

// OWIDPopulationYear is the year OWID's population column counts: "Population in 2020" (United
// Nations, World Population Prospects 2019), as the codebook of the May 2020 release says.
const OWIDPopulationYear = 2020

// OWIDPopulationSource credits the population figures of the OWID reader's area hints.
const OWIDPopulationSource = "Our World in Data"

// maxCachedUnknown bounds the codes an OWID reader remembers as unknown, so that a file of
// nothing but different wrong codes cannot grow its memory with its size.
const maxCachedUnknown = 1000

type owidReader struct {
	readState
	in      io.Reader
	cr      *csvRecords
	started bool
	header  []string
	width   int
	iso     int // column indexes; -1 when absent
	loc     int
	date    int
	pop     int
	metrics []metricColumn
	used    []int // the columns read, for the UTF-8 check

	codes   map[string]*owidArea // by iso_code as the file writes it
	areas   map[string]*Area     // by area code: the hints
	unknown int                  // codes cached as unknown
	last    *owidArea            // the previous row's: rows come grouped by location
}

type metricColumn struct {
	idx    int
	metric Metric
	name   string
}

// owidArea is what an iso_code stands for; area is nil for a code that names no area.
type owidArea struct {
	code string
	area *Area
}

// NewOWIDReader returns a Reader of an OWID file, streaming, with memory proportional to the
// number of areas. file names the input in problems and positions. The Reader is also an
// AreaHinter: the hint of an area seen so far carries OWID's name for it (location) and its
// population (the population column, of OWIDPopulationYear).
func NewOWIDReader(file string, r io.Reader) Reader {
	return &owidReader{readState: readState{file: file}, in: r,
		codes: map[string]*owidArea{}, areas: map[string]*Area{}}
}

// AreaHint describes an area whose code the reader has read.
func (r *owidReader) AreaHint(code string) (Area, bool) {
	if a := r.areas[code]; a != nil {
		return *a, true
	}
	return Area{}, false
}

func (r *owidReader) start() {
	r.started = true
	if r.cr = r.newCSV(r.in); r.cr == nil {
		return
	}
	header, ok := r.readHeader(r.cr)
	if !ok {
		return
	}
	r.header, r.width = header, len(header)
	names := []string{"iso_code", "location", "date", "population"}
	for _, m := range owidMetrics {
		names = append(names, m.column)
	}
	idx := r.columns(header, names)
	r.iso, r.loc, r.date, r.pop = idx[0], idx[1], idx[2], idx[3]
	for i, m := range owidMetrics {
		if j := idx[4+i]; j >= 0 {
			r.metrics = append(r.metrics, metricColumn{j, m.metric, m.column})
		}
	}
	for _, c := range idx {
		if c >= 0 {
			r.used = append(r.used, c)
		}
	}
	for i, name := range names[:3] {
		if idx[i] < 0 {
			r.fileProblem(0, name, "import.column_missing", "column", name)
		}
	}
}

func (r *owidReader) Next() (Observation, error) {
	if !r.started {
		r.start()
	}
	for !r.done {
		err := r.cr.Next()
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			r.readError(err)
			break
		}
		if o, ok := r.row(); ok {
			return o, nil
		}
	}
	return r.end()
}

// row reads the current record; ok is false when it gives no observation (skipped, or a
// problem). It takes the cells as bytes, so that a row costs no allocation.
func (r *owidReader) row() (o Observation, ok bool) {
	cr := r.cr
	line := cr.Line()
	if n := cr.Len(); n != r.width {
		r.add(line, min(n, r.width)+1, "", "import.field_count", "got", strconv.Itoa(n), "want", strconv.Itoa(r.width))
		return o, false
	}
	code := cr.Bytes(r.iso)
	if len(code) == 0 {
		r.skipped++
		return o, false
	}
	if !r.validCells(cr, r.header, r.used) {
		return o, false
	}
	a := r.last
	if a == nil || a.code != string(code) {
		a = r.lookup(code)
		r.last = a
	}
	if a.area == nil {
		r.add(line, r.iso+1, "iso_code", "cases.problem.area_unknown", "value", quote(string(code)))
		return o, false
	}
	ok = true
	date := cr.Bytes(r.date)
	if o.Day, ok = parseISODay(date); !ok {
		r.add(line, r.date+1, "date", "cases.problem.date_invalid", "value", quote(string(date)), "layout", "YYYY-MM-DD")
	}
	for _, mc := range r.metrics {
		if !value(&r.readState, &o.Values, mc.metric, cr.Bytes(mc.idx), line, mc.idx+1, mc.name) {
			ok = false
		}
	}
	if r.pop >= 0 && a.area.Population == 0 {
		if p, st := parseCount(cr.Bytes(r.pop)); st == numOK && p > 0 {
			a.area.Population, a.area.PopulationYear, a.area.PopulationSource = p, OWIDPopulationYear, OWIDPopulationSource
		}
	}
	if !ok {
		return Observation{}, false
	}
	if o.Empty() {
		r.skipped++ // a day the location is listed without any figure
		return o, false
	}
	o.Area = a.area.Code
	o.Pos = r.pos(line, r.iso+1)
	return o, true
}

// lookup finds or makes what an iso_code stands for, naming the area after the row's location
// the first time it is seen.
func (r *owidReader) lookup(b []byte) *owidArea {
	if a := r.codes[string(b)]; a != nil {
		return a
	}
	a := &owidArea{code: string(b)}
	if area, ok := AreaForCode(a.code); ok {
		if a.area = r.areas[area.Code]; a.area == nil {
			if r.loc >= 0 {
				area.Name = strings.TrimSpace(string(r.cr.Bytes(r.loc)))
			}
			if area.Name == "" {
				area.Name = area.Code
			}
			a.area = &area
			r.areas[area.Code] = a.area
		}
	} else if r.unknown++; r.unknown > maxCachedUnknown {
		return a
	}
	r.codes[a.code] = a
	return a
}
