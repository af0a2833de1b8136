package cases

import (
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citypact/citypact"
)

// JHU CSSE's global time series (time_series_covid19_confirmed_global.csv and
// …_deaths_global.csv): a wide CSV file with the columns Province/State, Country/Region, Lat and
// Long, then one column per day written M/D/YY, holding running totals.
//
// A country's total is its row without a Province/State when it has one (the provinces of
// Denmark, France, the Netherlands, New Zealand and the United Kingdom are overseas territories,
// which are left out and counted as skipped); otherwise the sum of its province rows (China —
// including Hong Kong and Macau, as JHU's own totals do —, Canada, Australia). Rows of ships and
// games (Diamond Princess, MS Zaandam, the Olympics) are skipped and counted. Country names are
// JHU's ("Korea, South", "Taiwan*"): jhuNames spells out those that are not CLDR's English names.
//
// Since a sum needs every row, the reader keeps one running total per country and day (memory
// proportional to countries × days, about 200 × 1,150 here, never to the file's size in bytes)
// and returns the observations once the input is read, country by country in the file's order,
// day by day. It returns the cumulative metric only: daily figures are derived when read.

// jhuNames maps JHU's country names that are not CLDR English names to area codes.
var jhuNames = map[string]string{
	"Korea, South":                     "KOR",
	"Korea, North":                     "PRK",
	"Taiwan*":                          "TWN",
	"US":                               "USA",
	"Burma":                            "MMR",
	"Congo (Kinshasa)":                 "COD",
	"Congo (Brazzaville)":              "COG",
	"Cote d'Ivoire":                    "CIV",
	"Holy See":                         "VAT",
	"West Bank and Gaza":               "PSE",
	"Kosovo":                           KosovoCode,
	"Micronesia":                       "FSM",
	"Cabo Verde":                       "CPV",
	"Eswatini":                         "SWZ",
	"North Macedonia":                  "MKD",
	"Saint Kitts and Nevis":            "KNA",
	"Saint Vincent and the Grenadines": "VCT",
	"Sao Tome and Principe":            "STP",
	"Timor-Leste":                      "TLS",
	"Bahamas, The":                     "BHS", // names of earlier versions of the files
	"Gambia, The":                      "GMB",
	"Czech Republic":                   "CZE",
	"East Timor":                       "TLS",
	"Republic of the Congo":            "COG",
	"Republic of Korea":                "KOR",
	"Taipei and environs":              "TWN",
	"occupied Palestinian territory":   "PSE",
	"Vatican City":                     "VAT",
}

// jhuNotPlaces are rows of JHU's files that are no country: ships and games.
var jhuNotPlaces = map[string]bool{
	"Diamond Princess": true, "MS Zaandam": true, "Grand Princess": true,
	"Summer Olympics 2020": true, "Winter Olympics 2022": true,
}

// jhuCode returns the area code of a JHU country name; skip is true for a row that is no country.
func jhuCode(name string) (code string, skip, ok bool) {
	if jhuNotPlaces[name] {
		return "", true, true
	}
	if code, ok := jhuNames[name]; ok {
		return code, false, true
	}
	code, ok = CountryCodeByName(name)
	return code, false, ok
}

// JHUMetric tells from a JHU file's name which running total it holds: TotalCases for a
// "confirmed" file, TotalDeaths for a "deaths" file.
func JHUMetric(file string) (Metric, error) {
	base := strings.ToLower(filepath.Base(file))
	confirmed, deaths := strings.Contains(base, "confirmed"), strings.Contains(base, "deaths")
	switch {
	case confirmed && !deaths:
		return TotalCases, nil
	case deaths && !confirmed:
		return TotalDeaths, nil
	}
	return 0, citypact.Invalid(citypact.FieldError{Field: "file", Key: "cases.problem.jhu_metric", Args: []string{"file", filepath.Base(file)}})
}

// missingValue marks a day without a figure in a country's running totals.
const missingValue = math.MinInt64

type jhuCountry struct {
	area      Area
	national  []int64 // the row without a province; nil when there is none
	sum       []int64 // the sum of the province rows
	line      int     // the line of the national row, or of the first province row
	provinces int     // province rows read
	// A row with a problem makes the figures it is part of untrustworthy: badNational those of
	// the national row, badSum the sum of the provinces.
	badNational, badSum bool
}

type jhuReader struct {
	readState
	in        io.Reader
	metric    Metric
	started   bool
	cr        *csvRecords
	header    []string
	prov      int   // the Province/State column
	country   int   // the Country/Region column
	cols      []int // the day columns
	days      []Day // the day of each
	codes     map[string]string
	skipName  map[string]bool
	countries map[string]*jhuCountry // by area code
	order     []*jhuCountry          // in the order the file names them
	vals      []int64                // one row's figures; reused

	next, nextDay int // the country and day Next returns next, once the input is read
}

// NewJHUReader returns a Reader of a JHU CSSE global time series holding the running total m
// (TotalCases or TotalDeaths; see JHUMetric). file names the input in problems and positions.
// The Reader is also an AreaHinter (code, English name and country of each area, no population).
func NewJHUReader(file string, r io.Reader, m Metric) Reader {
	return &jhuReader{readState: readState{file: file}, in: r, metric: m,
		codes: map[string]string{}, skipName: map[string]bool{}, countries: map[string]*jhuCountry{}}
}

// AreaHint describes an area whose code the reader has returned.
func (r *jhuReader) AreaHint(code string) (Area, bool) {
	if c := r.countries[code]; c != nil {
		return c.area, true
	}
	return Area{}, false
}

// parseJHUDay reads M/D/YY (or M/D/YYYY).
func parseJHUDay(s string) (Day, bool) {
	ms, rest, ok1 := strings.Cut(s, "/")
	ds, ys, ok2 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || len(ms) > 2 || len(ds) > 2 || (len(ys) != 2 && len(ys) != 4) {
		return 0, false
	}
	m, d, y := digits(ms), digits(ds), digits(ys)
	if len(ys) == 2 && y >= 0 {
		y += 2000
	}
	if m < 1 || m > 12 || d < 1 || y < 0 || d > daysIn(y, m) {
		return 0, false
	}
	return civilDay(y, m, d), true
}

func (r *jhuReader) start() {
	r.started = true
	if r.cr = r.newCSV(r.in); r.cr == nil {
		return
	}
	header, ok := r.readHeader(r.cr)
	if !ok {
		return
	}
	r.header = header
	idx := r.columns(header, []string{"Province/State", "Country/Region", "Lat", "Long"})
	for i, name := range []string{"Province/State", "Country/Region", "Lat", "Long"} {
		if idx[i] < 0 {
			r.fileProblem(0, name, "import.column_missing", "column", name)
		}
	}
	if r.done {
		return
	}
	r.prov, r.country = idx[0], idx[1]
	for i, h := range header {
		if slices.Contains(idx, i) {
			continue
		}
		d, ok := parseJHUDay(h)
		if !ok {
			r.fileProblem(i+1, h, "cases.problem.jhu_day_column", "column", quote(h))
			continue
		}
		r.days = append(r.days, d)
		r.cols = append(r.cols, i)
	}
	if len(r.days) == 0 && !r.done {
		r.fileProblem(0, "", "cases.problem.jhu_no_days")
	}
	r.vals = make([]int64, len(r.days))
}

func (r *jhuReader) Next() (Observation, error) {
	if !r.started {
		r.start()
	}
	for !r.done {
		rec, err := r.cr.Read()
		if err == io.EOF {
			r.done = true
			r.finish()
			break
		}
		if err != nil {
			r.readError(err)
			break
		}
		r.row(rec)
	}
	if r.err == nil {
		for r.next < len(r.order) {
			c := r.order[r.next]
			series, bad := c.national, c.badNational
			if series == nil && !c.badNational {
				series, bad = c.sum, c.badSum
			}
			for !bad && r.nextDay < len(series) {
				i := r.nextDay
				r.nextDay++
				if v := series[i]; v != missingValue {
					o := Observation{Area: c.area.Code, Day: r.days[i], Pos: r.pos(c.line, r.cols[i]+1)}
					o.Set(r.metric, v)
					return o, nil
				}
			}
			r.next, r.nextDay = r.next+1, 0
		}
	}
	return r.end()
}

// row adds one record to its country's totals.
func (r *jhuReader) row(rec []string) {
	line := r.cr.Line()
	var c *jhuCountry
	if r.country < len(rec) && utf8.ValidString(rec[r.country]) {
		name := strings.TrimSpace(rec[r.country])
		code, ok := r.codes[name]
		if !ok {
			if r.skipName[name] {
				r.skipped++
				return
			}
			var skip bool
			code, skip, ok = jhuCode(name)
			switch {
			case skip:
				r.skipName[strings.Clone(name)] = true
				r.skipped++
				return
			case !ok:
				r.add(line, r.country+1, "Country/Region", "cases.problem.country_unknown", "value", quote(name))
				return
			}
			r.codes[strings.Clone(name)] = code
		}
		if c = r.countries[code]; c == nil {
			area, _ := AreaForCode(code)
			c = &jhuCountry{area: area, line: line}
			r.countries[code] = c
			r.order = append(r.order, c)
		}
	}
	ok := r.validCells(r.cr, r.header, nil)
	if ok && len(rec) != len(r.header) {
		r.add(line, min(len(rec), len(r.header))+1, "", "import.field_count", "got", strconv.Itoa(len(rec)), "want", strconv.Itoa(len(r.header)))
		ok = false
	}
	national := r.prov < len(rec) && strings.TrimSpace(rec[r.prov]) == ""
	bad := func() {
		if national {
			c.badNational = true
		} else {
			c.badSum = true
		}
	}
	if c == nil {
		return
	}
	if !ok {
		bad()
		return
	}
	if national && c.national != nil {
		r.add(line, r.country+1, "Country/Region", "cases.problem.jhu_country_twice", "value", quote(rec[r.country]), "line", strconv.Itoa(c.line))
		bad()
		return
	}
	for i, col := range r.cols {
		var v Values
		if !r.value(&v, r.metric, rec[col], line, col+1, r.header[col]) {
			ok = false
		}
		r.vals[i] = missingValue
		if x, has := v.Get(r.metric); has {
			r.vals[i] = x
		}
	}
	if !ok {
		bad()
		return
	}
	if national {
		c.national, c.line = slices.Clone(r.vals), line
		return
	}
	c.provinces++
	if c.sum == nil {
		c.sum = make([]int64, len(r.vals))
		for i := range c.sum {
			c.sum[i] = missingValue
		}
	}
	for i, v := range r.vals {
		switch {
		case v == missingValue:
		case c.sum[i] == missingValue:
			c.sum[i] = v
		default:
			c.sum[i] += v
		}
	}
}

// finish counts the province rows of countries that have a national row, which are left out.
func (r *jhuReader) finish() {
	for _, c := range r.order {
		if c.national != nil || c.badNational {
			r.skipped += c.provinces
			c.sum = nil
		}
	}
}
