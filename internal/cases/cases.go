// Package cases holds the hub's daily updates: areas (countries and cities), their daily epidemic
// series, the public sources the numbers come from and the imports that wrote them; who may write
// which area; and the Store they need. Parsers for the formats the hub imports (Our World in Data,
// JHU CSSE, and any CSV or JSON through a saved column mapping) live here too. It must never import
// net/http or database/sql.
package cases

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/citypact/citypact"
)

// Day is a calendar day, counted from 1970-01-01. Series are indexed by day, so the type is small
// and arithmetic on it is exact (no time zones, no daylight saving).
type Day int32

// DayOf returns the calendar day of t in t's own location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDay reads "2006-01-02".
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DayOf(t), nil
}

// Time returns midnight UTC of the day.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats the day as "2006-01-02".
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// Metric is one daily figure an area may report. The order is the storage order (one column each).
type Metric uint8

const (
	NewCases         Metric = iota // confirmed cases reported that day
	TotalCases                     // cumulative confirmed cases
	NewDeaths                      // deaths reported that day
	TotalDeaths                    // cumulative deaths
	NewTests                       // tests that day
	TotalTests                     // cumulative tests
	Hospitalised                   // people in hospital that day (a stock, not a flow)
	ICU                            // people in intensive care that day (a stock)
	VaccineDoses                   // cumulative vaccine doses given
	PeopleVaccinated               // cumulative people with at least one dose
	NumMetrics       = iota
)

// Metrics lists every metric in display order.
var Metrics = []Metric{NewCases, TotalCases, NewDeaths, TotalDeaths, NewTests, TotalTests, Hospitalised, ICU, VaccineDoses, PeopleVaccinated}

var metricKeys = [NumMetrics]string{"new_cases", "total_cases", "new_deaths", "total_deaths", "new_tests", "total_tests", "hospitalised", "icu", "vaccine_doses", "people_vaccinated"}

// Key is the metric's name in files, URLs, the API and the database: "new_cases".
func (m Metric) Key() string {
	if int(m) < NumMetrics {
		return metricKeys[m]
	}
	return ""
}

func (m Metric) String() string { return m.Key() }

// ParseMetric reads a metric key.
func ParseMetric(s string) (Metric, bool) {
	for i, k := range metricKeys {
		if k == s {
			return Metric(i), true
		}
	}
	return 0, false
}

// Cumulative reports whether the metric is a running total (so it never decreases, except by a
// source's correction).
func (m Metric) Cumulative() bool {
	switch m {
	case TotalCases, TotalDeaths, TotalTests, VaccineDoses, PeopleVaccinated:
		return true
	}
	return false
}

// Pair returns the daily metric of a cumulative one and the cumulative metric of a daily one
// (new_cases ↔ total_cases); ok is false for stocks and for metrics without a partner.
func (m Metric) Pair() (Metric, bool) {
	switch m {
	case NewCases:
		return TotalCases, true
	case TotalCases:
		return NewCases, true
	case NewDeaths:
		return TotalDeaths, true
	case TotalDeaths:
		return NewDeaths, true
	case NewTests:
		return TotalTests, true
	case TotalTests:
		return NewTests, true
	}
	return 0, false
}

// Values are one day's figures: Has has bit m set when metric m was reported. A reported zero and
// a missing value are different things.
type Values struct {
	V   [NumMetrics]int64
	Has uint16
}

// Set records metric m.
func (v *Values) Set(m Metric, x int64) { v.V[m] = x; v.Has |= 1 << m }

// Get returns metric m and whether it was reported.
func (v Values) Get(m Metric) (int64, bool) { return v.V[m], v.Has&(1<<m) != 0 }

// Empty reports whether no metric was reported.
func (v Values) Empty() bool { return v.Has == 0 }

// Observation is what a source says about one area on one day.
type Observation struct {
	Area string // the area's code, as the file names it after mapping
	Day  Day
	Values
	// Pos is where the observation was read, for problem reports.
	Pos Position
}

// Position is a place in an input file. Line and Column count from 1; 0 means unknown.
type Position struct {
	File   string
	Line   int
	Column int
}

func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// AreaKind says what an area is.
type AreaKind string

const (
	AreaCountry   AreaKind = "country"   // a country or territory, by ISO 3166 code
	AreaCity      AreaKind = "city"      // a city or county, usually a directory organisation
	AreaAggregate AreaKind = "aggregate" // a source's own grouping: "World", "International"
)

// Area is a place with series. Countries are coded by ISO 3166-1 alpha-3 ("KOR"), a source's
// aggregates as the source codes them ("OWID_WRL"), cities by their directory slug ("taipei").
type Area struct {
	ID      int64
	Code    string
	Kind    AreaKind
	Name    string // in English, or the area's own language when no English name is known
	Country string // ISO 3166-1 alpha-2 ("KR"); "" for aggregates
	OrgID   int64  // the directory organisation the area belongs to; 0 for none
	// Population is the denominator of per-100,000 rates, with the year it counts and its source;
	// 0 when unknown (rates are then not shown).
	Population       int64
	PopulationYear   int
	PopulationSource string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

var areaCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$`)

// ValidAreaCode reports whether s can name an area.
func ValidAreaCode(s string) bool { return areaCodeRE.MatchString(s) }

// Validate checks an area before it is stored.
func (a *Area) Validate() error {
	a.Code = strings.TrimSpace(a.Code)
	a.Name = strings.TrimSpace(a.Name)
	a.PopulationSource = strings.TrimSpace(a.PopulationSource)
	var fs []citypact.FieldError
	if !ValidAreaCode(a.Code) {
		fs = append(fs, citypact.FieldError{Field: "code", Key: "cases.area_code_invalid"})
	}
	switch a.Kind {
	case AreaCountry, AreaCity, AreaAggregate:
	default:
		fs = append(fs, citypact.FieldError{Field: "kind", Key: "field.choice"})
	}
	if a.Name == "" || len(a.Name) > 200 {
		fs = append(fs, citypact.FieldError{Field: "name", Key: "field.required"})
	}
	if a.Population < 0 || a.Population > 10_000_000_000 {
		fs = append(fs, citypact.FieldError{Field: "population", Key: "field.invalid"})
	}
	if a.Population > 0 && (a.PopulationYear < 1900 || a.PopulationYear > 2200) {
		fs = append(fs, citypact.FieldError{Field: "population_year", Key: "field.invalid"})
	}
	if len(a.PopulationSource) > 500 {
		fs = append(fs, citypact.FieldError{Field: "population_source", Key: "field.too_long", Args: []string{"max", "500"}})
	}
	if len(fs) > 0 {
		return citypact.Invalid(fs...)
	}
	return nil
}

// Source is where numbers come from: a public data set or a city's own reports.
type Source struct {
	ID          int64
	Key         string // "owid", "jhu-csse", "taipei-reports"
	Name        string
	URL         string
	Licence     string // "CC BY 4.0"
	Attribution string // the credit line the licence asks for
	// Interval is how often new data are expected; 0 means none (an archive or a snapshot), and
	// such a source is never stale.
	Interval time.Duration
	// LatestDay is the newest day any of its series has; LastImport when it was last imported.
	// Both are zero before the first import.
	LatestDay  Day
	LastImport time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Stale reports whether the source has had no new data for longer than its expected interval,
// at now. A source that expects updates and has none yet is stale.
func (s Source) Stale(now time.Time) bool {
	if s.Interval <= 0 {
		return false
	}
	if s.LatestDay == 0 {
		return true
	}
	return now.Sub(s.LatestDay.Time()) > s.Interval+24*time.Hour
}

var sourceKeyRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Validate checks a source before it is stored.
func (s *Source) Validate() error {
	s.Key = strings.TrimSpace(s.Key)
	s.Name = strings.TrimSpace(s.Name)
	s.URL = strings.TrimSpace(s.URL)
	var fs []citypact.FieldError
	if len(s.Key) > 64 || !sourceKeyRE.MatchString(s.Key) {
		fs = append(fs, citypact.FieldError{Field: "key", Key: "cases.source_key_invalid"})
	}
	if s.Name == "" || len(s.Name) > 200 {
		fs = append(fs, citypact.FieldError{Field: "name", Key: "field.required"})
	}
	if s.URL != "" && (len(s.URL) > 500 || !(strings.HasPrefix(s.URL, "https://") || strings.HasPrefix(s.URL, "http://"))) {
		fs = append(fs, citypact.FieldError{Field: "url", Key: "url.invalid"})
	}
	if len(s.Licence) > 200 {
		fs = append(fs, citypact.FieldError{Field: "licence", Key: "field.too_long", Args: []string{"max", "200"}})
	}
	if len(s.Attribution) > 1000 {
		fs = append(fs, citypact.FieldError{Field: "attribution", Key: "field.too_long", Args: []string{"max", "1000"}})
	}
	if s.Interval < 0 || s.Interval > 366*24*time.Hour {
		fs = append(fs, citypact.FieldError{Field: "interval", Key: "field.invalid"})
	}
	if len(fs) > 0 {
		return citypact.Invalid(fs...)
	}
	return nil
}

// Import records one import run: which source, what file, and what it changed.
type Import struct {
	ID        int64
	SourceID  int64
	Format    string // "owid", "jhu", "mapping:NAME", "push"
	File      string // the file's name as given; "" for a push
	SHA256    string // of the file's bytes; "" for a push
	Rows      int    // observations read
	Inserted  int    // area-days written for the first time
	Corrected int    // area-days whose values changed (the previous values are kept as a revision)
	Unchanged int    // area-days already stored with the same values
	Skipped   int    // rows left out: lines the format skips, or invalid rows under --partial
	UserID    int64
	StartedAt time.Time
	EndedAt   time.Time
}

// Revision is a value a source later corrected: what an area-day held before an import changed
// it, with the import that had written it (which gives its date and source).
type Revision struct {
	AreaID     int64
	SourceID   int64
	Day        Day
	Values     Values
	ImportID   int64 // the import that wrote these values
	Replaced   time.Time
	ReplacedBy int64 // the import that changed them
}

// Point is one day of a stored series.
type Point struct {
	Day Day
	Values
	ImportID int64
}

// Series is an area's stored days from one source, in day order, without gaps filled.
type Series struct {
	Area   Area
	Source Source
	Points []Point
}

// Coverage says which metrics a source has for an area, and over which days.
type Coverage struct {
	AreaID   int64
	SourceID int64
	Has      uint16 // metrics present on at least one day
	First    Day
	Last     Day
	Days     int
}

// AreaFilter narrows a list of areas.
type AreaFilter struct {
	Kind    AreaKind
	Country string // alpha-2
	OrgID   int64
	Query   string // a fragment of the name or code
	Page    citypact.Page
}

// ImportOptions say how an import treats problems.
type ImportOptions struct {
	// Partial stores the valid rows of a file with problems and reports the rest; by default a
	// file with any problem imports nothing.
	Partial bool
	// CreateCountries lets the import add a country or source aggregate it has not seen (OWID
	// and JHU files name every country); mapping imports and pushes only write existing areas.
	CreateCountries bool
	// Now is "today" for the future-date check; the store's clock when zero.
	Now time.Time
}

// Store keeps areas, sources, series and imports. Methods that change data take the actor from
// ctx and write an audit row in the same transaction (one per import, not one per value).
type Store interface {
	SaveArea(ctx context.Context, a *Area) error // create, or update by code
	AreaByCode(ctx context.Context, code string) (Area, error)
	Areas(ctx context.Context, f AreaFilter) ([]Area, error)

	SaveSource(ctx context.Context, s *Source) error // create, or update by key
	SourceByKey(ctx context.Context, key string) (Source, error)
	Sources(ctx context.Context) ([]Source, error)

	// Import stores the observations rd yields for source src in one transaction, checking each
	// (area known and writable by the actor, day not in the future, no duplicate area-day with
	// other values), and returns the import's record. When rd or the checks report problems, the
	// result is an *ImportError and, unless opt.Partial, nothing is stored.
	Import(ctx context.Context, src Source, meta Import, rd Reader, opt ImportOptions) (Import, error)
	Imports(ctx context.Context, sourceID int64, p citypact.Page) ([]Import, error)

	// Series returns an area's days from one source between from and to (inclusive; 0 = open).
	Series(ctx context.Context, areaID, sourceID int64, from, to Day) ([]Point, error)
	// Coverage lists, for areaID (0: every area), which sources have which metrics.
	Coverage(ctx context.Context, areaID int64) ([]Coverage, error)
	Revisions(ctx context.Context, areaID, sourceID int64, from, to Day) ([]Revision, error)

	SaveMapping(ctx context.Context, m *Mapping) error // create, or update by name
	MappingByName(ctx context.Context, name string) (Mapping, error)
	Mappings(ctx context.Context) ([]Mapping, error)
}

// Reader yields observations one at a time, so an import of any size needs little memory. Next
// returns io.EOF after the last one. A problem confined to one row is reported through Problems
// (and that row skipped), not through Next's error; an error from Next ends the import.
type Reader interface {
	Next() (Observation, error)
	// Problems returns what was wrong with the rows read so far.
	Problems() []citypact.Problem
	// Skipped counts rows the format leaves out on purpose (period totals, rows without a code).
	Skipped() int
	// Truncated reports whether there were more problems than Problems lists
	// (citypact.MaxImportProblems); the rest are only counted.
	Truncated() bool
}

// AreaHinter is implemented by readers of files that describe their areas (OWID names its
// locations and gives their population; JHU names its countries), so that an import allowed to
// create countries can create them on first sight. AreaHint returns Code, Kind, Name, Country
// and, when the file has it, Population with its year and source, for any area code the reader
// has returned so far.
type AreaHinter interface {
	AreaHint(code string) (Area, bool)
}

// CanImport: editors and admins import; what they may write is checked per area by CanWrite.
func CanImport(a citypact.Actor) error {
	if a.Role >= citypact.RoleEditor && a.Scope != citypact.ScopeRead {
		return nil
	}
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return citypact.Forbidden("only editors and admins import data")
}

// CanWrite: admins write any area's series; an editor (or a write token) only the areas of their
// own organisation. National and source aggregates, which belong to no organisation, are the
// secretariat's.
func CanWrite(a citypact.Actor, area Area) error {
	if err := CanImport(a); err != nil {
		return err
	}
	if a.IsAdmin() || (area.OrgID != 0 && area.OrgID == a.OrgID) {
		return nil
	}
	return citypact.Forbidden("not this area's editor")
}

// CanManage: areas, sources and mappings are configured by admins.
func CanManage(a citypact.Actor) error {
	if a.IsAdmin() && a.Scope != citypact.ScopeRead {
		return nil
	}
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return citypact.Forbidden("only admins configure areas and sources")
}
