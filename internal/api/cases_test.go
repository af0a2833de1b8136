package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
)

// sliceReader is a cases.Reader over observations already in memory.
type sliceReader struct {
	obs []cases.Observation
	i   int
}

func (r *sliceReader) Next() (cases.Observation, error) {
	if r.i >= len(r.obs) {
		return cases.Observation{}, io.EOF
	}
	r.i++
	return r.obs[r.i-1], nil
}
func (r *sliceReader) Problems() []citypact.Problem { return nil }
func (r *sliceReader) Skipped() int                 { return 0 }
func (r *sliceReader) Truncated() bool              { return false }

func day(t testing.TB, s string) cases.Day {
	t.Helper()
	d, err := cases.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// obs makes one observation of area on day with metric, value pairs.
func obs(t testing.TB, area, date string, mv ...any) cases.Observation {
	t.Helper()
	o := cases.Observation{Area: area, Day: day(t, date)}
	for i := 0; i+1 < len(mv); i += 2 {
		m, ok := cases.ParseMetric(mv[i].(string))
		if !ok {
			t.Fatalf("no metric %v", mv[i])
		}
		o.Set(m, int64(mv[i+1].(int)))
	}
	return o
}

// mustImport stores observations of source key as an admin and returns the import's record.
func mustImport(t testing.TB, st cases.Store, key string, o ...cases.Observation) cases.Import {
	t.Helper()
	ctx := asAdmin(t.Context())
	src, err := st.SourceByKey(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	im, err := st.Import(ctx, src, cases.Import{Format: "test"}, &sliceReader{obs: o}, cases.ImportOptions{})
	if err != nil {
		t.Fatalf("import into %s: %v", key, err)
	}
	return im
}

func asAdmin(ctx context.Context) context.Context {
	return citypact.WithActor(ctx, citypact.Actor{Name: "apptest", Role: citypact.RoleAdmin})
}

// seedCases gives the hub two sources, four areas (one, the World, without a population) and a
// few days of numbers:
//
//   - owid (weekly, CC BY 4.0): KOR and seoul, new_cases 2020-03-01…03-05;
//   - seoul-reports (daily): seoul, new_cases and total_cases 2020-03-01…03-06, the newest, so
//     the default source of seoul's new_cases.
func seedCases(t *testing.T, hub *apptest.Hub) cases.Store {
	t.Helper()
	var st cases.Store = hub.App.DB
	ctx := asAdmin(t.Context())
	for _, s := range []cases.Source{
		{Key: "owid", Name: "Our World in Data", URL: "https://github.com/owid/covid-19-data", Licence: "CC BY 4.0", Attribution: "Our World in Data — COVID-19", Interval: 7 * 24 * time.Hour},
		{Key: "seoul-reports", Name: "서울특별시 코로나19 발생동향", URL: "https://www.seoul.go.kr/", Licence: "KOGL Type 1", Attribution: "Seoul Metropolitan Government", Interval: 0},
	} {
		if err := st.SaveSource(ctx, &s); err != nil {
			t.Fatalf("save source %s: %v", s.Key, err)
		}
	}
	for _, a := range []cases.Area{
		{Code: "KOR", Kind: cases.AreaCountry, Name: "South Korea", Country: "KR", Population: 51_700_000, PopulationYear: 2023, PopulationSource: "UN WPP"},
		{Code: "seoul", Kind: cases.AreaCity, Name: "Seoul", Country: "KR", OrgID: hub.Seoul.ID, Population: 10_000_000, PopulationYear: 2023, PopulationSource: "Statistics Korea"},
		{Code: "taipei", Kind: cases.AreaCity, Name: "Taipei", Country: "TW", OrgID: hub.Taipei.ID, Population: 2_500_000, PopulationYear: 2023, PopulationSource: "Taipei City Government"},
		{Code: "OWID_WRL", Kind: cases.AreaAggregate, Name: "World"},
	} {
		if err := st.SaveArea(ctx, &a); err != nil {
			t.Fatalf("save area %s: %v", a.Code, err)
		}
	}
	var owid, reports []cases.Observation
	for i, d := range []string{"2020-03-01", "2020-03-02", "2020-03-03", "2020-03-04", "2020-03-05"} {
		owid = append(owid, obs(t, "KOR", d, "new_cases", 100*(i+1)), obs(t, "seoul", d, "new_cases", 10*(i+1)))
	}
	total := 0
	for i, d := range []string{"2020-03-01", "2020-03-02", "2020-03-03", "2020-03-04", "2020-03-05", "2020-03-06"} {
		n := []int{3, 5, 0, 250, 8, 13}[i]
		total += n
		reports = append(reports, obs(t, "seoul", d, "new_cases", n, "total_cases", total))
	}
	mustImport(t, st, "owid", owid...)
	mustImport(t, st, "seoul-reports", reports...)
	return st
}

// seriesValues decodes a series answer into date → value (NaN for null).
func seriesValues(t *testing.T, res *apptest.Response) (api.Series, map[string]float64) {
	t.Helper()
	s := decode[api.Series](t, res)
	out := map[string]float64{}
	for _, p := range s.Points {
		out[p.Date] = math.NaN()
		if p.Value != nil {
			out[p.Date] = *p.Value
		}
	}
	return s, out
}

// csvValues decodes a series CSV answer the same way.
func csvValues(t *testing.T, res *apptest.Response) ([]string, map[string]float64) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("CSV: %v\n%s", err, res.Body)
	}
	if !slices.Equal(recs[0], []string{"date", "value"}) {
		t.Errorf("CSV header %v", recs[0])
	}
	var dates []string
	out := map[string]float64{}
	for _, r := range recs[1:] {
		dates = append(dates, r[0])
		out[r[0]] = math.NaN()
		if r[1] != "" {
			v, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Errorf("CSV value %q: %v", r[1], err)
			}
			out[r[0]] = v
		}
	}
	return dates, out
}

func sameValues(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || !(x == y || math.IsNaN(x) && math.IsNaN(y) || math.Abs(x-y) < 1e-9) {
			return false
		}
	}
	return true
}

func casesRouter(t *testing.T, hub *apptest.Hub) routers.Router {
	t.Helper()
	doc := loadDocument(t)
	doc.Servers = openapi3.Servers{{URL: hub.URL + apiPrefix}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return router
}

func runCases(t *testing.T, hub *apptest.Hub, router routers.Router, cs []apiCase) {
	t.Helper()
	c := hub.Client(t)
	for _, tc := range cs {
		if tc.check == nil {
			tc.check = func(*testing.T, *apptest.Response) {}
		}
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			exchange(t, c, hub, router, tc)
		})
	}
}

// TestCasesReadAPI reads areas, sources and series as a visitor would, each answer validated
// against openapi.json: lists and filters, coverage and freshness, JSON and CSV series that agree
// with each other and with what was stored, per-100,000 rates, and every bad parameter named.
func TestCasesReadAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		seedCases(t, hub)
		router := casesRouter(t, hub)
		memberR := hub.Token(t, hub.Member, citypact.ScopeRead)

		codes := func(want ...string) func(*testing.T, *apptest.Response) {
			return func(t *testing.T, res *apptest.Response) {
				t.Helper()
				var got []string
				for _, a := range decode[api.List[api.Area]](t, res).Items {
					got = append(got, a.Code)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("areas %v, want %v", got, want)
				}
			}
		}
		var cursor string
		var jsonValues map[string]float64
		const series = "/api/v1/areas/seoul/series"
		stored := map[string]float64{"2020-03-01": 3, "2020-03-02": 5, "2020-03-03": 0, "2020-03-04": 250, "2020-03-05": 8, "2020-03-06": 13}

		cs := []apiCase{
			{name: "areas", method: "GET", path: "/api/v1/areas", conforms: true, status: 200, check: codes("KOR", "OWID_WRL", "seoul", "taipei")},
			{name: "areas, cities", method: "GET", path: "/api/v1/areas?kind=city", conforms: true, status: 200, check: codes("seoul", "taipei")},
			{name: "areas in KR, lower case", method: "GET", path: "/api/v1/areas?country=kr", token: memberR, conforms: true, status: 200, check: codes("KOR", "seoul")},
			{name: "areas by name", method: "GET", path: "/api/v1/areas?q=Taip", conforms: true, status: 200, check: codes("taipei")},
			{name: "areas, limit=3", method: "GET", path: "/api/v1/areas?limit=3", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Area]](t, res)
					if len(l.Items) != 3 || l.NextCursor == "" {
						t.Fatalf("first page %+v, want three areas and a cursor", l)
					}
					cursor = l.NextCursor
				}},
			{name: "areas, next page", method: "GET", path: "/api/v1/areas?limit=3&after=CURSOR", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Area]](t, res); len(l.Items) != 1 || l.NextCursor != "" {
						t.Errorf("second page %+v, want the fourth area and no cursor", l)
					}
				}},
			{name: "areas, bad kind", method: "GET", path: "/api/v1/areas?kind=village", conforms: false, status: 422, check: wantFieldErrors("kind", "field.choice")},
			{name: "areas, bad country", method: "GET", path: "/api/v1/areas?country=XX", conforms: true, status: 422, check: wantFieldErrors("country", "org.country_invalid")},
			{name: "areas, bogus token", method: "GET", path: "/api/v1/areas", token: "bogus", conforms: true, status: 401},

			{name: "area seoul", method: "GET", path: "/api/v1/areas/seoul", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					d := decode[api.AreaDetail](t, res)
					if d.Area.Code != "seoul" || d.Area.Kind != "city" || d.Area.OrgID != hub.Seoul.ID || d.Area.Population == nil || d.Area.Population.Value != 10_000_000 {
						t.Errorf("area %+v", d.Area)
					}
					got := map[string]api.Coverage{}
					for _, c := range d.Coverage {
						got[c.Source.Key] = c
					}
					o, r := got["owid"], got["seoul-reports"]
					if len(got) != 2 || o.First != "2020-03-01" || o.Last != "2020-03-05" || o.Days != 5 || !slices.Equal(o.Metrics, []string{"new_cases"}) ||
						!o.Source.Stale || o.Source.Licence != "CC BY 4.0" || o.Source.Attribution == "" || o.Source.LastImport == nil {
						t.Errorf("owid's coverage %+v", o)
					}
					if r.Last != "2020-03-06" || r.Days != 6 || !slices.Equal(r.Metrics, []string{"new_cases", "total_cases"}) || r.Source.Stale || r.Source.LatestDay != "2020-03-06" {
						t.Errorf("seoul-reports' coverage %+v", r)
					}
				}},
			{name: "area taipei has no data", method: "GET", path: "/api/v1/areas/taipei", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if d := decode[api.AreaDetail](t, res); len(d.Coverage) != 0 {
						t.Errorf("taipei's coverage %+v", d.Coverage)
					}
				}},
			{name: "area nope", method: "GET", path: "/api/v1/areas/nope", conforms: true, status: 404},

			{name: "sources", method: "GET", path: "/api/v1/sources", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Source]](t, res)
					stale := map[string]bool{}
					for _, s := range l.Items {
						stale[s.Key] = s.Stale
					}
					if len(stale) != 2 || !stale["owid"] || stale["seoul-reports"] {
						t.Errorf("sources %+v, want owid stale and seoul-reports (an archive) not", l.Items)
					}
				}},
			{name: "source owid", method: "GET", path: "/api/v1/sources/owid", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					d := decode[api.SourceDetail](t, res)
					if d.Source.Key != "owid" || d.Source.IntervalHours != 168 || d.Source.LatestDay != "2020-03-05" || len(d.Imports) != 1 ||
						d.Imports[0].Inserted != 10 || d.Imports[0].Source != "owid" || d.Imports[0].Format != "test" {
						t.Errorf("owid %+v", d)
					}
				}},
			{name: "source nope", method: "GET", path: "/api/v1/sources/nope", conforms: true, status: 404},

			// Series: the default source is the one with the newest day for the metric.
			{name: "series, stored values", method: "GET", path: series + "?metric=new_cases", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					var s api.Series
					s, jsonValues = seriesValues(t, res)
					if s.Source.Key != "seoul-reports" || s.Source.Licence != "KOGL Type 1" || s.From != "2020-03-01" || s.To != "2020-03-06" ||
						s.Metric != "new_cases" || s.Kind != "value" || s.Per100k || s.Area.Code != "seoul" || s.Population == nil || s.Population.Year != 2023 {
						t.Errorf("series %+v", s)
					}
					if !sameValues(jsonValues, stored) {
						t.Errorf("values %v, stored %v", jsonValues, stored)
					}
					if res.Header.Get("ETag") == "" || res.Header.Get("Cache-Control") != "public, max-age=60" {
						t.Errorf("ETag %q, Cache-Control %q", res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
					}
				}},
			{name: "series as CSV, the same", method: "GET", path: series + ".csv?metric=new_cases", conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					dates, v := csvValues(t, res)
					if !sameValues(v, jsonValues) || !slices.IsSorted(dates) || len(dates) != 6 {
						t.Errorf("CSV %v (%v), JSON %v", v, dates, jsonValues)
					}
					h := res.Header
					if h.Get("Citypact-Source") != "seoul-reports" || h.Get("Citypact-Licence") != "KOGL Type 1" ||
						h.Get("Citypact-Source-Name") != "%EC%84%9C%EC%9A%B8%ED%8A%B9%EB%B3%84%EC%8B%9C %EC%BD%94%EB%A1%9C%EB%82%9819 %EB%B0%9C%EC%83%9D%EB%8F%99%ED%96%A5" ||
						h.Get("Content-Disposition") != `attachment; filename="seoul_new_cases_value_seoul-reports_2020-03-01_2020-03-06.csv"` ||
						!strings.Contains(strings.Join(h.Values("Link"), ", "), `</api/v1/sources/seoul-reports>; rel="describedby"`) {
						t.Errorf("CSV headers %v", h)
					}
				}},
			{name: "series from another source, a range", method: "GET", path: series + "?source=owid&from=2020-03-04&to=2020-03-07", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					s, v := seriesValues(t, res)
					want := map[string]float64{"2020-03-04": 40, "2020-03-05": 50, "2020-03-06": math.NaN(), "2020-03-07": math.NaN()}
					if s.Source.Key != "owid" || !sameValues(v, want) {
						t.Errorf("owid's seoul %v, want %v", v, want)
					}
				}},
			{name: "series per 100,000", method: "GET", path: series + "?per100k=true&from=2020-03-04&to=2020-03-04", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					// 250 cases among 10,000,000 people: 2.5 per 100,000.
					if s, v := seriesValues(t, res); !s.Per100k || len(v) != 1 || math.Abs(v["2020-03-04"]-2.5) > 1e-9 {
						t.Errorf("per100k %v", v)
					}
				}},
			{name: "series per 100,000, CSV", method: "GET", path: series + ".csv?per100k=true&from=2020-03-04&to=2020-03-04", conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					if _, v := csvValues(t, res); len(v) != 1 || math.Abs(v["2020-03-04"]-2.5) > 1e-9 {
						t.Errorf("per100k %v", v)
					}
				}},
			{name: "series, 7-day average", method: "GET", path: series + "?kind=avg7&metric=new_cases&from=2020-03-06&to=2020-03-07", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					// Only six days are known: no 7-day average yet.
					if _, v := seriesValues(t, res); len(v) != 2 || !math.IsNaN(v["2020-03-06"]) {
						t.Errorf("avg7 %v", v)
					}
				}},
			{name: "series of a total", method: "GET", path: series + "?metric=total_cases&to=2020-03-06", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if _, v := seriesValues(t, res); v["2020-03-06"] != 279 || v["2020-03-01"] != 3 {
						t.Errorf("total_cases %v", v)
					}
				}},
			{name: "series, no data for taipei", method: "GET", path: "/api/v1/areas/taipei/series", conforms: true, status: 404},
			{name: "series, no area", method: "GET", path: "/api/v1/areas/nope/series", conforms: true, status: 404},
			{name: "series, metric no source has", method: "GET", path: series + "?metric=icu", conforms: true, status: 404},

			// Bad parameters: 400, each named.
			{name: "series, unknown metric", method: "GET", path: series + "?metric=cases", conforms: false, status: 400, check: wantFieldErrors("metric", "field.choice")},
			{name: "series, unknown kind", method: "GET", path: series + ".csv?kind=avg14", conforms: false, status: 400, check: wantFieldErrors("kind", "field.choice")},
			{name: "series, per100k=yes", method: "GET", path: series + "?per100k=yes", conforms: false, status: 400, check: wantFieldErrors("per100k", "field.choice")},
			{name: "series, malformed from", method: "GET", path: series + "?from=2020-3-1", conforms: false, status: 400, check: wantFieldErrors("from", "date.invalid")},
			{name: "series, no such day", method: "GET", path: series + "?to=2020-02-30", unchecked: true, status: 400, check: wantFieldErrors("to", "date.invalid")},
			{name: "series, from after to", method: "GET", path: series + "?from=2020-05-01&to=2020-03-01", conforms: true, status: 400, check: wantFieldErrors("to", "date.before_since")},
			{name: "series, more than 3,660 days", method: "GET", path: series + "?from=2010-01-01&to=2020-01-10", conforms: true, status: 400, check: wantFieldErrors("to", "field.invalid")},
			{name: "series, 3,660 days", method: "GET", path: series + "?from=2010-01-01&to=2020-01-08", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if s := decode[api.Series](t, res); len(s.Points) != 3660 {
						t.Errorf("%d points, want 3660", len(s.Points))
					}
				}},
			{name: "series, malformed source", method: "GET", path: series + "?source=Not_A_Key", conforms: false, status: 400, check: wantFieldErrors("source", "field.choice")},
			{name: "series, unknown source", method: "GET", path: series + "?source=nope", conforms: true, status: 400, check: wantFieldErrors("source", "field.choice")},
			{name: "series, several wrong", method: "GET", path: series + "?metric=x&kind=y", conforms: false, status: 400,
				check: wantFieldErrors("metric", "field.choice", "kind", "field.choice")},
			{name: "series per 100,000, population unknown", method: "GET", path: "/api/v1/areas/OWID_WRL/series?per100k=true", conforms: true, status: 400,
				check: wantFieldErrors("per100k", "field.invalid")},
		}
		c := hub.Client(t)
		for _, tc := range cs {
			if tc.check == nil {
				tc.check = func(*testing.T, *apptest.Response) {}
			}
			tc.path = strings.Replace(tc.path, "CURSOR", cursor, 1) // known once its case ran
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				exchange(t, c, hub, router, tc)
			})
		}
	})
}

// TestSeriesCaching: a series answer carries an ETag of the data version and the request; the
// same ETag in If-None-Match is a 304, and any import makes a new one, with the new data.
func TestSeriesCaching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		st := seedCases(t, hub)
		router := casesRouter(t, hub)
		const path = "/api/v1/areas/seoul/series?source=owid"
		inm := http.Header{}
		var first string
		runCases(t, hub, router, []apiCase{
			{name: "first", method: "GET", path: path, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					first = res.Header.Get("ETag")
					inm.Set("If-None-Match", first)
				}},
			{name: "again from the cache", method: "GET", path: path, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := res.Header.Get("ETag"); got != first {
						t.Errorf("ETag %q, then %q with no change", first, got)
					}
				}},
			{name: "not modified", method: "GET", path: path, header: inm, conforms: true, status: 304,
				check: func(t *testing.T, res *apptest.Response) {
					if res.Body != "" || res.Header.Get("ETag") != first || res.Header.Get("Cache-Control") != "public, max-age=60" {
						t.Errorf("304 with ETag %q, Cache-Control %q, body %q", res.Header.Get("ETag"), res.Header.Get("Cache-Control"), res.Body)
					}
				}},
			{name: "another query, another ETag", method: "GET", path: path + "&kind=avg7", header: inm, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if res.Header.Get("ETag") == first {
						t.Error("the same ETag for two queries")
					}
				}},
		})
		// Readers in parallel with an import: every answer whole, whichever version it is of
		// (run with -race, this checks the cache's locking).
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for g := range 8 {
			wg.Go(func() {
				c := hub.Client(t)
				for i := range 8 {
					res := c.Get(path + "&kind=" + []string{"value", "avg7"}[(g+i)%2])
					var s api.Series
					if err := json.Unmarshal([]byte(res.Body), &s); err != nil || res.StatusCode != 200 || len(s.Points) < 5 {
						errs <- res.Status + " " + res.Body
					}
				}
			})
		}
		mustImport(t, st, "owid", obs(t, "seoul", "2020-03-06", "new_cases", 60))
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("a parallel read: %s", e)
		}
		runCases(t, hub, router, []apiCase{
			{name: "after an import", method: "GET", path: path, header: inm, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if etag := res.Header.Get("ETag"); etag == "" || etag == first {
						t.Errorf("ETag %q after an import, %q before", etag, first)
					}
					if s, v := seriesValues(t, res); s.To != "2020-03-06" || v["2020-03-06"] != 60 {
						t.Errorf("after an import: %v", v)
					}
				}},
		})
	})
}

// TestPushAPI: a city's editor pushes its own area's days with a write token; pushing another
// city's area, with a read token or without one is refused and stores nothing; problems in the
// data are placed by line and column; the same push twice changes nothing the second time.
func TestPushAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		st := seedCases(t, hub)
		router := casesRouter(t, hub)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite) // Seoul's
		editorR := hub.Token(t, hub.Editor, citypact.ScopeRead)
		otherW := hub.Token(t, hub.Other, citypact.ScopeWrite) // Taipei's
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		adminW := hub.Token(t, hub.Admin, citypact.ScopeWrite)
		const js = "application/json"
		type m = map[string]any
		push := func(o ...m) []byte {
			// A struct, not a map, keeps "source" first, as the push format asks.
			b, err := json.Marshal(struct {
				Source       string `json:"source"`
				Observations []m    `json:"observations"`
			}{"seoul-reports", o})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		wantImport := func(inserted, corrected, unchanged int) func(*testing.T, *apptest.Response) {
			return func(t *testing.T, res *apptest.Response) {
				t.Helper()
				im := decode[api.Import](t, res)
				if im.Inserted != inserted || im.Corrected != corrected || im.Unchanged != unchanged || im.Source != "seoul-reports" || im.Format != "push" || im.ID == 0 {
					t.Errorf("import %+v, want %d inserted, %d corrected, %d unchanged", im, inserted, corrected, unchanged)
				}
			}
		}
		tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
		// Line 3 holds the day in the future.
		future := []byte("{\"source\": \"seoul-reports\", \"observations\": [\n" +
			"  {\"area\": \"seoul\", \"date\": \"2020-03-07\", \"new_cases\": 1},\n" +
			"  {\"area\": \"seoul\", \"date\": \"" + tomorrow + "\", \"new_cases\": 2}\n" +
			"]}\n")
		const obsPath = "/api/v1/observations"

		runCases(t, hub, router, []apiCase{
			{name: "seoul's editor pushes seoul", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 200,
				body:  push(m{"area": "seoul", "date": "2020-03-07", "new_cases": 21, "total_cases": 300}, m{"area": "seoul", "date": "2020-03-06", "new_cases": 13, "total_cases": 279}),
				check: wantImport(1, 0, 1)},
			{name: "the same push again", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 200,
				body:  push(m{"area": "seoul", "date": "2020-03-07", "new_cases": 21, "total_cases": 300}, m{"area": "seoul", "date": "2020-03-06", "new_cases": 13, "total_cases": 279}),
				check: wantImport(0, 0, 2)},
			{name: "a correction", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 200,
				body: push(m{"area": "seoul", "date": "2020-03-07", "new_cases": 22, "total_cases": 301}), check: wantImport(0, 1, 0)},
			{name: "seoul's editor pushes taipei", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 403,
				body: push(m{"area": "taipei", "date": "2020-03-07", "new_cases": 5})},
			{name: "seoul's editor pushes seoul and taipei", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 403,
				body: push(m{"area": "seoul", "date": "2020-03-08", "new_cases": 5}, m{"area": "taipei", "date": "2020-03-08", "new_cases": 5})},
			{name: "taipei's editor pushes seoul", method: "POST", path: obsPath, token: otherW, ctype: js, conforms: true, status: 403,
				body: push(m{"area": "seoul", "date": "2020-03-08", "new_cases": 5})},
			{name: "a national aggregate is the secretariat's", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 403,
				body: push(m{"area": "KOR", "date": "2020-03-08", "new_cases": 5})},
			{name: "a member", method: "POST", path: obsPath, token: memberW, ctype: js, conforms: true, status: 403,
				body: push(m{"area": "seoul", "date": "2020-03-08", "new_cases": 5})},
			{name: "a read token", method: "POST", path: obsPath, token: editorR, ctype: js, conforms: true, status: 403,
				body: push(m{"area": "seoul", "date": "2020-03-08", "new_cases": 5}),
				check: func(t *testing.T, res *apptest.Response) {
					if p := decode[api.Problem](t, res); !strings.HasSuffix(p.Type, "/token_scope") {
						t.Errorf("type %q, want token_scope", p.Type)
					}
				}},
			{name: "a visitor", method: "POST", path: obsPath, ctype: js, conforms: false, status: 401,
				body: push(m{"area": "seoul", "date": "2020-03-08", "new_cases": 5})},
			{name: "a day in the future", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 422, body: future,
				check: func(t *testing.T, res *apptest.Response) {
					p := decode[api.ImportProblem](t, res)
					if len(p.Errors) != 1 || p.Errors[0].Line != 3 || p.Errors[0].Column == 0 || p.Errors[0].Code == "" ||
						p.Errors[0].Message == "" || strings.Contains(p.Errors[0].Message, "⟦") {
						t.Errorf("problems %+v, want one on line 3 with a column", p.Errors)
					}
				}},
			{name: "an unknown area", method: "POST", path: obsPath, token: adminW, ctype: js, conforms: true, status: 422,
				body: push(m{"area": "busan", "date": "2020-03-08", "new_cases": 5}),
				check: func(t *testing.T, res *apptest.Response) {
					if p := decode[api.ImportProblem](t, res); len(p.Errors) != 1 || p.Errors[0].Line != 1 {
						t.Errorf("problems %+v, want one on line 1", p.Errors)
					}
				}},
			{name: "an unknown source", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: true, status: 404,
				body: []byte(`{"source": "nope", "observations": [{"area": "seoul", "date": "2020-03-08", "new_cases": 5}]}`)},
			{name: "cut short", method: "POST", path: obsPath, token: editorW, ctype: js, conforms: false, status: 422,
				body: []byte("{\"source\": \"seoul-reports\",\n \"observations\": [{\"area\": \"seoul\", \"date\": \"2020-03-08\""),
				check: func(t *testing.T, res *apptest.Response) {
					if p := decode[api.ImportProblem](t, res); len(p.Errors) != 1 || p.Errors[0].Line != 2 {
						t.Errorf("problems %+v, want one on line 2", p.Errors)
					}
				}},
			{name: "text/csv", method: "POST", path: obsPath, token: editorW, ctype: "text/csv", conforms: false, status: 415, body: []byte("area,date\nseoul,2020-03-08\n")},
		})

		// Nothing of the refused pushes was stored.
		ctx := t.Context()
		src, err := st.SourceByKey(ctx, "seoul-reports")
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"seoul", "taipei", "KOR"} {
			a, err := st.AreaByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			pts, err := st.Series(ctx, a.ID, src.ID, day(t, "2020-03-08"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(pts) != 0 {
				t.Errorf("%s has %d days from 2020-03-08 on after refused pushes: %+v", code, len(pts), pts)
			}
		}
		seoul, _ := st.AreaByCode(ctx, "seoul")
		pts, err := st.Series(ctx, seoul.ID, src.ID, day(t, "2020-03-07"), day(t, "2020-03-07"))
		if err != nil || len(pts) != 1 {
			t.Fatalf("seoul on 2020-03-07: %v, %+v", err, pts)
		}
		if v, _ := pts[0].Get(cases.NewCases); v != 22 {
			t.Errorf("seoul's new cases on 2020-03-07 = %d, want the corrected 22", v)
		}
	})
}

// TestMappingsAPI: editors add mappings, admins replace them, and a bad spec is named part by part.
func TestMappingsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		seedCases(t, hub)
		router := casesRouter(t, hub)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite)
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		adminW := hub.Token(t, hub.Admin, citypact.ScopeWrite)
		const js = "application/json"
		type m = map[string]any
		spec := func(changes m) []byte {
			s := m{"format": "csv", "date": m{"column": "date", "layout": "iso"},
				"area": m{"code": "seoul"}, "metrics": []m{{"column": "cases", "metric": "new_cases"}}}
			for k, v := range changes {
				s[k] = v
			}
			b, _ := json.Marshal(m{"source": "seoul-reports", "spec": s})
			return b
		}
		const path = "/api/v1/mappings/seoul-daily"
		runCases(t, hub, router, []apiCase{
			{name: "no mappings", method: "GET", path: "/api/v1/mappings", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Mapping]](t, res); len(l.Items) != 0 {
						t.Errorf("mappings %+v", l.Items)
					}
				}},
			{name: "bad spec", method: "PUT", path: path, token: editorW, ctype: js, conforms: false, status: 422,
				body: spec(m{"format": "xml", "metrics": []m{{"column": "cases", "metric": "cases"}}}),
				check: func(t *testing.T, res *apptest.Response) {
					p := decode[api.Problem](t, res)
					fields := map[string]bool{}
					for _, f := range p.Errors {
						fields[f.Field] = true
						if f.Message == "" || strings.Contains(f.Message, "⟦") {
							t.Errorf("field %s: message %q", f.Field, f.Message)
						}
					}
					if len(fields) != 2 || !fields["spec.format"] || !fields["spec.metrics[0].metric"] {
						t.Errorf("errors %+v, want spec.format and spec.metrics[0].metric", p.Errors)
					}
				}},
			{name: "unknown source", method: "PUT", path: path, token: editorW, ctype: js, conforms: true, status: 422,
				body:  []byte(`{"source": "nope", "spec": {"format": "csv", "date": {"column": "date", "layout": "iso"}, "area": {"code": "seoul"}, "metrics": [{"column": "cases", "metric": "new_cases"}]}}`),
				check: wantFieldErrors("source", "field.choice")},
			{name: "unknown field", method: "PUT", path: path, token: editorW, ctype: js, conforms: false, status: 400, body: spec(m{"sheet": 1})},
			{name: "as a member", method: "PUT", path: path, token: memberW, ctype: js, conforms: true, status: 403, body: spec(nil)},
			{name: "without token", method: "PUT", path: path, ctype: js, conforms: false, status: 401, body: spec(nil)},
			{name: "an editor adds one", method: "PUT", path: path, token: editorW, ctype: js, conforms: true, status: 201, body: spec(nil),
				check: func(t *testing.T, res *apptest.Response) {
					mp := decode[api.Mapping](t, res)
					if mp.Name != "seoul-daily" || mp.Source != "seoul-reports" || mp.Spec.Area.Code != "seoul" || res.Header.Get("Location") != path {
						t.Errorf("mapping %+v at %q", mp, res.Header.Get("Location"))
					}
				}},
			{name: "an editor may not replace one", method: "PUT", path: path, token: editorW, ctype: js, conforms: true, status: 403, body: spec(m{"format": "csv", "area": m{"code": "taipei"}})},
			{name: "an admin may", method: "PUT", path: path, token: adminW, ctype: js, conforms: true, status: 200,
				body: spec(m{"date": m{"column": "day", "layout": "2006/1/2", "time_zone": "Asia/Seoul"}}),
				check: func(t *testing.T, res *apptest.Response) {
					if mp := decode[api.Mapping](t, res); mp.Spec.Date.Column != "day" || mp.Spec.Date.TimeZone != "Asia/Seoul" {
						t.Errorf("mapping %+v", mp)
					}
				}},
			{name: "the mapping", method: "GET", path: path, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if mp := decode[api.Mapping](t, res); mp.Spec.Date.Layout != "2006/1/2" || len(mp.Spec.Metrics) != 1 {
						t.Errorf("mapping %+v", mp)
					}
				}},
			{name: "one mapping", method: "GET", path: "/api/v1/mappings", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Mapping]](t, res); len(l.Items) != 1 || l.Items[0].Name != "seoul-daily" {
						t.Errorf("mappings %+v", l.Items)
					}
				}},
			{name: "no such mapping", method: "GET", path: "/api/v1/mappings/nope", conforms: true, status: 404},
		})
	})
}

// BenchmarkSeries measures a 1,000-day series through the whole handler chain, without the
// network: from the cache (the same request again), and computed (a new request each time).
func BenchmarkSeries(b *testing.B) {
	hub := apptest.Start(b, dbtest.SQLite(b))
	st := hub.App.DB
	ctx := asAdmin(b.Context())
	src := cases.Source{Key: "seoul-reports", Name: "Seoul"}
	area := cases.Area{Code: "seoul", Kind: cases.AreaCity, Name: "Seoul", Country: "KR", OrgID: hub.Seoul.ID, Population: 10_000_000, PopulationYear: 2023}
	if err := st.SaveSource(ctx, &src); err != nil {
		b.Fatal(err)
	}
	if err := st.SaveArea(ctx, &area); err != nil {
		b.Fatal(err)
	}
	var o []cases.Observation
	first := day(b, "2020-01-01")
	for i := range 1000 {
		x := cases.Observation{Area: "seoul", Day: first + cases.Day(i)}
		x.Set(cases.NewCases, int64(i%97))
		o = append(o, x)
	}
	mustImport(b, st, "seoul-reports", o...)
	run := func(b *testing.B, path func(i int) string) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			w := httptest.NewRecorder()
			hub.App.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path(i), nil))
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
			i++
		}
	}
	b.Run("cached", func(b *testing.B) {
		run(b, func(int) string { return "/api/v1/areas/seoul/series?kind=avg7&per100k=true" })
	})
	b.Run("computed", func(b *testing.B) {
		run(b, func(i int) string {
			return "/api/v1/areas/seoul/series?kind=avg7&to=" + (first + 999 - cases.Day(i%999)).String()
		})
	})
}

// TestImportsAPI: files uploaded through the API import as through the form: by a mapping or a
// public data set's format, row by row checked against what the token may write, all or nothing
// unless partial, and the same file twice changes nothing.
func TestImportsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		st := seedCases(t, hub)
		router := casesRouter(t, hub)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite) // Seoul's
		editorR := hub.Token(t, hub.Editor, citypact.ScopeRead)
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		adminW := hub.Token(t, hub.Admin, citypact.ScopeWrite)
		ctx := asAdmin(t.Context())
		m := cases.Mapping{Name: "city-daily", Source: "seoul-reports", Spec: cases.MappingSpec{Format: "csv",
			Date: cases.DateColumn{Column: "date", Layout: "iso"}, Area: cases.AreaColumn{Column: "city"},
			Metrics: []cases.MetricColumn{{Column: "cases", Metric: "new_cases"}}}}
		if err := st.SaveMapping(ctx, &m); err != nil {
			t.Fatal(err)
		}
		owid, err := os.ReadFile("../cases/testdata/owid-head.csv")
		if err != nil {
			t.Fatal(err)
		}
		const csvType = "text/csv"
		good := []byte("date,city,cases\n2020-03-06,seoul,13\n2020-03-07,seoul,21\n")
		taipei := []byte("date,city,cases\n2020-03-08,seoul,30\n2020-03-08,taipei,5\n")
		bad := []byte("date,city,cases\n2020-03-09,seoul,40\n2020-03-10,seoul,many\n")
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("file", "seoul-2020-03-11.csv")
		fw.Write([]byte("date,city,cases\n2020-03-11,seoul,50\n"))
		mw.Close()
		result := func(inserted, unchanged, problems int) func(*testing.T, *apptest.Response) {
			return func(t *testing.T, res *apptest.Response) {
				t.Helper()
				r := decode[api.ImportResult](t, res)
				if r.Import.Inserted != inserted || r.Import.Unchanged != unchanged || len(r.Problems) != problems || r.Import.ID == 0 {
					t.Errorf("result %+v, want %d inserted, %d unchanged, %d problems", r, inserted, unchanged, problems)
				}
			}
		}
		const path = "/api/v1/imports"
		runCases(t, hub, router, []apiCase{
			{name: "by mapping", method: "POST", path: path + "?mapping=city-daily&file=daily.csv", token: editorW, ctype: csvType, body: good, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					r := decode[api.ImportResult](t, res)
					if r.Import.Inserted != 1 || r.Import.Unchanged != 1 || r.Import.Source != "seoul-reports" || r.Import.Format != "mapping:city-daily" ||
						r.Import.File != "daily.csv" || len(r.Import.SHA256) != 64 || len(r.Problems) != 0 {
						t.Errorf("result %+v", r)
					}
				}},
			{name: "the same file again", method: "POST", path: path + "?mapping=city-daily", token: editorW, ctype: csvType, body: good, conforms: true, status: 200, check: result(0, 2, 0)},
			{name: "a row of taipei's", method: "POST", path: path + "?mapping=city-daily", token: editorW, ctype: csvType, body: taipei, conforms: true, status: 422,
				check: func(t *testing.T, res *apptest.Response) {
					if p := decode[api.ImportProblem](t, res); len(p.Errors) != 1 || p.Errors[0].Line != 3 {
						t.Errorf("problems %+v, want one on line 3", p.Errors)
					}
				}},
			{name: "a bad row", method: "POST", path: path + "?mapping=city-daily", token: editorW, ctype: csvType, body: bad, conforms: true, status: 422,
				check: func(t *testing.T, res *apptest.Response) {
					if p := decode[api.ImportProblem](t, res); len(p.Errors) != 1 || p.Errors[0].Line != 3 || p.Errors[0].Column != 3 || p.Errors[0].Field != "cases" {
						t.Errorf("problems %+v, want one on line 3, column 3 (cases)", p.Errors)
					}
				}},
			{name: "a bad row, partial", method: "POST", path: path + "?mapping=city-daily&partial=true", token: editorW, ctype: csvType, body: bad, conforms: true, status: 200, check: result(1, 0, 1)},
			{name: "as a form", method: "POST", path: path + "?mapping=city-daily", token: editorW, ctype: mw.FormDataContentType(), body: form.Bytes(), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if r := decode[api.ImportResult](t, res); r.Import.Inserted != 1 || r.Import.File != "seoul-2020-03-11.csv" {
						t.Errorf("result %+v", r)
					}
				}},
			{name: "OWID as an editor: countries are not theirs", method: "POST", path: path + "?format=owid", token: editorW, ctype: csvType, body: owid, conforms: true, status: 422},
			{name: "OWID as an admin", method: "POST", path: path + "?format=owid", token: adminW, ctype: csvType, body: owid, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if r := decode[api.ImportResult](t, res); r.Import.Source != "owid" || r.Import.Format != "owid" || r.Import.Inserted == 0 {
						t.Errorf("result %+v", r)
					}
				}},
			{name: "unknown mapping, bad format and partial", method: "POST", path: path + "?mapping=nope&format=xls&partial=yes", token: editorW, ctype: csvType, body: good, conforms: false, status: 422,
				check: wantFieldErrors("format", "field.choice", "partial", "field.choice", "mapping", "field.choice")},
			{name: "a path as the file name", method: "POST", path: path + "?mapping=city-daily&file=..%2Fetc%2Fpasswd", token: editorW, ctype: csvType, body: good, conforms: true, status: 422,
				check: wantFieldErrors("file", "field.invalid")},
			{name: "unknown source", method: "POST", path: path + "?mapping=city-daily&source=nope", token: editorW, ctype: csvType, body: good, conforms: true, status: 422,
				check: wantFieldErrors("source", "field.choice")},
			{name: "a spreadsheet", method: "POST", path: path + "?mapping=city-daily", token: editorW, ctype: "application/vnd.ms-excel", body: good, conforms: false, status: 415},
			{name: "a member", method: "POST", path: path + "?mapping=city-daily", token: memberW, ctype: csvType, body: good, conforms: true, status: 403},
			{name: "a read token", method: "POST", path: path + "?mapping=city-daily", token: editorR, ctype: csvType, body: good, conforms: true, status: 403},
			{name: "a visitor", method: "POST", path: path + "?mapping=city-daily", ctype: csvType, body: good, conforms: false, status: 401},
		})

		// Nothing of the refused files was stored: seoul has 2020-03-06…09 and 03-11 from
		// seoul-reports, not 03-08 (the file with taipei's row) nor 03-10.
		src, _ := st.SourceByKey(ctx, "seoul-reports")
		seoul, _ := st.AreaByCode(ctx, "seoul")
		pts, err := st.Series(ctx, seoul.ID, src.ID, day(t, "2020-03-07"), 0)
		if err != nil {
			t.Fatal(err)
		}
		var days []string
		for _, p := range pts {
			days = append(days, p.Day.String())
		}
		if want := []string{"2020-03-07", "2020-03-09", "2020-03-11"}; !slices.Equal(days, want) {
			t.Errorf("seoul's days from 2020-03-07: %v, want %v", days, want)
		}
	})
}
