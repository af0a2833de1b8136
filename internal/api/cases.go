package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/directory"
)

// The daily updates: areas and the sources their numbers come from. Everything here is public;
// the series (cases_series.go) are cached, these lists are not, because a source's staleness
// changes with the clock as well as with the data.

// Area is an area as the API shows it.
type Area struct {
	Code       string      `json:"code"`
	Kind       string      `json:"kind"`
	Name       string      `json:"name"`
	Country    string      `json:"country"`
	OrgID      int64       `json:"org_id"`
	Population *Population `json:"population,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Population is the denominator of per-100,000 rates: how many people, counted when, by whom.
type Population struct {
	Value  int64  `json:"value"`
	Year   int    `json:"year"`
	Source string `json:"source"`
}

func populationJSON(a cases.Area) *Population {
	if a.Population <= 0 {
		return nil
	}
	return &Population{Value: a.Population, Year: a.PopulationYear, Source: a.PopulationSource}
}

func areaJSON(a cases.Area) Area {
	return Area{Code: a.Code, Kind: string(a.Kind), Name: a.Name, Country: a.Country, OrgID: a.OrgID,
		Population: populationJSON(a), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// AreaDetail is an area with what the hub holds about it.
type AreaDetail struct {
	Area     Area       `json:"area"`
	Coverage []Coverage `json:"coverage"`
}

// Coverage says which metrics one source has for an area, over which days.
type Coverage struct {
	Source  Source   `json:"source"`
	Metrics []string `json:"metrics"`
	First   string   `json:"first"`
	Last    string   `json:"last"`
	Days    int      `json:"days"`
}

// metricKeys lists the metrics whose bits are set in has, in display order.
func metricKeys(has uint16) []string {
	out := []string{}
	for _, m := range cases.Metrics {
		if has&(1<<m) != 0 {
			out = append(out, m.Key())
		}
	}
	return out
}

// Source is a source of numbers as the API shows it, with its freshness at the time of asking.
type Source struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	URL         string `json:"url"`
	Licence     string `json:"licence"`
	Attribution string `json:"attribution"`
	// IntervalHours is how often new data are expected; 0 for an archive, which is never stale.
	IntervalHours int        `json:"interval_hours"`
	LatestDay     string     `json:"latest_day,omitempty"`
	LastImport    *time.Time `json:"last_import,omitempty"`
	Stale         bool       `json:"stale"`
}

func (s *Server) sourceJSON(src cases.Source) Source {
	out := Source{Key: src.Key, Name: src.Name, URL: src.URL, Licence: src.Licence, Attribution: src.Attribution,
		IntervalHours: int(src.Interval / time.Hour), Stale: src.Stale(s.now())}
	if src.LatestDay != 0 {
		out.LatestDay = src.LatestDay.String()
	}
	if !src.LastImport.IsZero() {
		t := src.LastImport.UTC()
		out.LastImport = &t
	}
	return out
}

// SourceRef names a source inside an answer, with what its licence asks users to show.
type SourceRef struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	URL         string `json:"url"`
	Licence     string `json:"licence"`
	Attribution string `json:"attribution"`
}

func sourceRef(src cases.Source) SourceRef {
	return SourceRef{Key: src.Key, Name: src.Name, URL: src.URL, Licence: src.Licence, Attribution: src.Attribution}
}

// SourceDetail is a source with its most recent imports, newest first.
type SourceDetail struct {
	Source  Source   `json:"source"`
	Imports []Import `json:"imports"`
}

// Import is one import run as the API shows it: what it read and what it changed. Who ran it is
// in the audit log, for admins.
type Import struct {
	ID        int64     `json:"id"`
	Source    string    `json:"source"`
	Format    string    `json:"format"`
	File      string    `json:"file"`
	SHA256    string    `json:"sha256"`
	Rows      int       `json:"rows"`
	Inserted  int       `json:"inserted"`
	Corrected int       `json:"corrected"`
	Unchanged int       `json:"unchanged"`
	Skipped   int       `json:"skipped"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
}

func importJSON(src cases.Source, im cases.Import) Import {
	return Import{ID: im.ID, Source: src.Key, Format: im.Format, File: im.File, SHA256: im.SHA256, Rows: im.Rows,
		Inserted: im.Inserted, Corrected: im.Corrected, Unchanged: im.Unchanged, Skipped: im.Skipped,
		StartedAt: im.StartedAt.UTC(), EndedAt: im.EndedAt.UTC()}
}

// recentImports is how many imports GET /sources/{key} lists.
const recentImports = 20

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// areaFilter reads the filters of GET /areas: every wrong parameter is named.
func areaFilter(r *http.Request) (cases.AreaFilter, error) {
	q := r.URL.Query()
	f := cases.AreaFilter{Kind: cases.AreaKind(q.Get("kind")), Country: strings.ToUpper(q.Get("country")), Query: strings.TrimSpace(q.Get("q"))}
	var errs []citypact.FieldError
	switch f.Kind {
	case "", cases.AreaCountry, cases.AreaCity, cases.AreaAggregate:
	default:
		errs = append(errs, citypact.FieldError{Field: "kind", Key: "field.choice"})
	}
	if f.Country != "" && !directory.ValidCountry(f.Country) {
		errs = append(errs, citypact.FieldError{Field: "country", Key: "org.country_invalid"})
	}
	if utf8.RuneCountInString(f.Query) > directory.MaxNameLen || !utf8.ValidString(f.Query) {
		errs = append(errs, citypact.FieldError{Field: "q", Key: "field.too_long", Args: []string{"max", strconv.Itoa(directory.MaxNameLen)}})
	}
	if len(errs) > 0 {
		return f, citypact.Invalid(errs...)
	}
	return f, nil
}

// areasList serves GET /api/v1/areas: the areas with series, filtered, one page at a time.
func (s *Server) areasList(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	f, err := areaFilter(r)
	if err != nil {
		return err
	}
	f.Page = p
	areas, err := s.Cases.Areas(r.Context(), f)
	if err != nil {
		return err
	}
	out := List[Area]{Items: make([]Area, 0, len(areas))}
	for _, a := range areas {
		out.Items = append(out.Items, areaJSON(a))
	}
	if len(areas) > 0 {
		out.NextCursor = nextCursor(len(areas), p, areas[len(areas)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}

// areaShow serves GET /api/v1/areas/{code}: the area and, per source, what it covers.
func (s *Server) areaShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.Cases.AreaByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	cov, err := s.Cases.Coverage(r.Context(), a.ID)
	if err != nil {
		return err
	}
	srcs, err := cases.SourcesByID(r.Context(), s.Cases)
	if err != nil {
		return err
	}
	out := AreaDetail{Area: areaJSON(a), Coverage: make([]Coverage, 0, len(cov))}
	for _, c := range cov {
		src, ok := srcs[c.SourceID]
		if !ok || c.AreaID != a.ID {
			continue
		}
		out.Coverage = append(out.Coverage, Coverage{Source: s.sourceJSON(src), Metrics: metricKeys(c.Has),
			First: c.First.String(), Last: c.Last.String(), Days: c.Days})
	}
	return writeJSON(w, http.StatusOK, out)
}

// sourcesList serves GET /api/v1/sources: every source, with its freshness. Sources are few, so
// the list is not paged.
func (s *Server) sourcesList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Cases.Sources(r.Context())
	if err != nil {
		return err
	}
	out := List[Source]{Items: make([]Source, 0, len(all))}
	for _, src := range all {
		out.Items = append(out.Items, s.sourceJSON(src))
	}
	return writeJSON(w, http.StatusOK, out)
}

// sourceShow serves GET /api/v1/sources/{key}: the source and its latest imports.
func (s *Server) sourceShow(w http.ResponseWriter, r *http.Request) error {
	src, err := s.Cases.SourceByKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	ims, err := s.Cases.Imports(r.Context(), src.ID, citypact.Page{Limit: recentImports})
	if err != nil {
		return err
	}
	out := SourceDetail{Source: s.sourceJSON(src), Imports: make([]Import, 0, len(ims))}
	for _, im := range ims {
		out.Imports = append(out.Imports, importJSON(src, im))
	}
	return writeJSON(w, http.StatusOK, out)
}
