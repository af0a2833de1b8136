package app_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
)

// The size of docs/BENCHMARKS.md's daily-update figures (bench/gencases): 1,000 cities with
// 1,000 days of new and total cases and deaths.
const (
	benchCaseAreas = 1000
	benchCaseDays  = 1000
)

var benchCaseStart = cases.Day(18262) // 2020-01-01

// caseReader yields every city's days in turn, as bench/gencases does.
type caseReader struct {
	i                       int
	totalCases, totalDeaths int64
}

func (r *caseReader) Next() (cases.Observation, error) {
	if r.i == benchCaseAreas*benchCaseDays {
		return cases.Observation{}, io.EOF
	}
	a, d := r.i/benchCaseDays, r.i%benchCaseDays
	r.i++
	if d == 0 {
		r.totalCases, r.totalDeaths = 0, 0
	}
	wave := 1 + math.Sin(float64(d+a*37)/45)
	newCases := int64(float64(20+a%180) * wave * wave)
	r.totalCases += newCases
	r.totalDeaths += newCases / 70
	o := cases.Observation{Area: benchCaseArea(a), Day: benchCaseStart + cases.Day(d), Pos: cases.Position{Line: r.i + 1}}
	o.Set(cases.NewCases, newCases)
	o.Set(cases.TotalCases, r.totalCases)
	o.Set(cases.NewDeaths, newCases/70)
	o.Set(cases.TotalDeaths, r.totalDeaths)
	return o, nil
}

func (r *caseReader) Problems() []citypact.Problem { return nil }
func (r *caseReader) Skipped() int                 { return 0 }
func (r *caseReader) Truncated() bool              { return false }

func benchCaseArea(i int) string { return fmt.Sprintf("A%04d", i%benchCaseAreas+1) }

// benchCasesHub starts a hub on dsn and fills it with the benchmark's series.
func benchCasesHub(b *testing.B, dsn string) http.Handler {
	b.Helper()
	h := apptest.Start(b, dsn)
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "bench", Role: citypact.RoleAdmin})
	db := h.App.DB
	for i := range benchCaseAreas {
		a := cases.Area{Code: benchCaseArea(i), Kind: cases.AreaCity, Name: "Generated City " + strconv.Itoa(i+1),
			Country: "KR", Population: 50_000 + int64(i)*7919%5_000_000, PopulationYear: 2020, PopulationSource: "generated"}
		if err := db.SaveArea(ctx, &a); err != nil {
			b.Fatal(err)
		}
	}
	src := cases.Source{Key: "generated", Name: "Generated series", Licence: "CC0"}
	if err := db.SaveSource(ctx, &src); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Import(ctx, src, cases.Import{Format: "bench"}, &caseReader{}, cases.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	for key, code := range map[string]string{"updates.country": benchCaseArea(0), "updates.city": benchCaseArea(1)} {
		if err := db.SetSetting(ctx, key, code); err != nil {
			b.Fatal(err)
		}
	}
	return h.App.Handler
}

// BenchmarkCases measures the daily-update pages and the series API for a visitor, through the
// whole handler chain, each request at a URL not asked for before: the page and series caches
// never answer, so this is the work of the first view after an import. For a profile:
//
//	go test ./internal/app -run '^$' -bench 'Cases/sqlite' -cpuprofile cpu.out
func BenchmarkCases(b *testing.B) {
	pages := []struct {
		name string
		path func(i int) string
	}{
		{"area", func(i int) string { return fmt.Sprintf("/areas/%s?r=%d", benchCaseArea(i*7), i) }},
		{"compare8", func(i int) string {
			q := "/compare?areas=" + benchCaseArea(i)
			for k := 1; k < 8; k++ {
				q += "," + benchCaseArea(i+k*125)
			}
			return q + "&r=" + strconv.Itoa(i)
		}},
		{"updates", func(i int) string { return "/updates?r=" + strconv.Itoa(i) }},
		{"series", func(i int) string {
			from := (benchCaseStart + cases.Day(i/benchCaseAreas%100)).String()
			return fmt.Sprintf("/api/v1/areas/%s/series?metric=new_cases&kind=avg7&from=%s", benchCaseArea(i), from)
		}},
	}
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			handler := benchCasesHub(b, engine.dsn(b))
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, p.path(i), nil)
						w := httptest.NewRecorder()
						handler.ServeHTTP(w, req)
						if w.Code != http.StatusOK {
							b.Fatalf("%s: status %d", p.path(i), w.Code)
						}
						i++
					}
				})
			}
		})
	}
}
