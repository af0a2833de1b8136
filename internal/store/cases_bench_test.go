package store_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// genReader yields n rows shaped like Our World in Data's file: benchAreas areas one after the
// other, benchDays days each, six metrics a row. It allocates nothing per row, so a benchmark
// measures the store.
type genReader struct {
	codes []string
	n, i  int
}

const (
	benchAreas = 5000
	benchDays  = 1000
)

var benchStart = mustDay("2020-01-01")

func newGenReader(n int) *genReader {
	g := &genReader{n: n, codes: make([]string, benchAreas)}
	for i := range g.codes {
		g.codes[i] = fmt.Sprintf("A%04d", i)
	}
	return g
}

func (g *genReader) Next() (cases.Observation, error) {
	if g.i == g.n {
		return cases.Observation{}, io.EOF
	}
	i := g.i
	g.i++
	a, d := i/benchDays, i%benchDays
	o := cases.Observation{Area: g.codes[a%benchAreas], Day: benchStart + cases.Day(d), Pos: cases.Position{Line: i + 2}}
	daily := int64((a*7 + d*13) % 1000)
	o.Set(cases.NewCases, daily)
	o.Set(cases.TotalCases, int64(d)*500+daily)
	o.Set(cases.NewDeaths, daily/50)
	o.Set(cases.TotalDeaths, int64(d)*10+daily/50)
	o.Set(cases.NewTests, daily*20)
	o.Set(cases.PeopleVaccinated, int64(d)*1000)
	return o, nil
}

func (g *genReader) Problems() []citypact.Problem { return nil }
func (g *genReader) Skipped() int                 { return 0 }
func (g *genReader) Truncated() bool              { return false }

func (g *genReader) AreaHint(code string) (cases.Area, bool) {
	return cases.Area{Code: code, Kind: cases.AreaCountry, Name: "Area " + code}, true
}

// benchRows is how many rows an import has: CITYPACT_BENCH_ROWS, or 200,000.
func benchRows(b *testing.B) int {
	if s := os.Getenv("CITYPACT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("CITYPACT_BENCH_ROWS=%q", s)
		}
		return n
	}
	return 200_000
}

// benchDB opens a fresh database with the source and every area of genReader.
func benchDB(b *testing.B, dsn string) (*store.DB, cases.Source) {
	b.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	setup := cases.Source{Key: "setup", Name: "Setup"}
	src := cases.Source{Key: "owid", Name: "Our World in Data"}
	for _, s := range []*cases.Source{&setup, &src} {
		if err := db.SaveSource(ctxAs(admin), s); err != nil {
			b.Fatal(err)
		}
	}
	// One row per area, under another source, creates the areas.
	g := newGenReader(benchAreas * benchDays)
	one := &obsReader{}
	for range benchAreas {
		o, _ := g.Next()
		one.obs = append(one.obs, o)
		g.i += benchDays - 1
	}
	hints := hintReader{obsReader: one, hints: map[string]cases.Area{}}
	for _, o := range one.obs {
		hints.hints[o.Area], _ = g.AreaHint(o.Area)
	}
	if _, err := db.Import(ctxAs(admin), setup, cases.Import{Format: "bench"}, hints, cases.ImportOptions{CreateCountries: true}); err != nil {
		b.Fatal(err)
	}
	return db, src
}

// BenchmarkImport imports benchRows rows into an empty series ("first") and the same rows again,
// which changes nothing ("again"), on both engines; it reports rows/s and the process's peak
// resident memory. For the full size: CITYPACT_BENCH_ROWS=5000000 go test ./internal/store
// -run '^$' -bench Import -benchtime 1x.
func BenchmarkImport(b *testing.B) {
	n := benchRows(b)
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			b.Run("first", func(b *testing.B) {
				var elapsed, cpu time.Duration
				for range b.N {
					b.StopTimer()
					db, src := benchDB(b, engine.dsn(b))
					debug.FreeOSMemory()
					resetPeakRSS()
					b.StartTimer()
					start, cpu0 := time.Now(), cpuTime()
					im, err := db.Import(ctxAs(admin), src, cases.Import{Format: "bench"}, newGenReader(n), cases.ImportOptions{})
					elapsed, cpu = elapsed+time.Since(start), cpu+cpuTime()-cpu0
					if err != nil || im.Inserted != n {
						b.Fatalf("%+v %v", im, err)
					}
					b.StopTimer()
					db.Close()
				}
				report(b, n, elapsed, cpu)
			})
			b.Run("again", func(b *testing.B) {
				b.StopTimer()
				db, src := benchDB(b, engine.dsn(b))
				if _, err := db.Import(ctxAs(admin), src, cases.Import{Format: "bench"}, newGenReader(n), cases.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				debug.FreeOSMemory()
				resetPeakRSS()
				var elapsed, cpu time.Duration
				for range b.N {
					b.StartTimer()
					start, cpu0 := time.Now(), cpuTime()
					im, err := db.Import(ctxAs(admin), src, cases.Import{Format: "bench"}, newGenReader(n), cases.ImportOptions{})
					elapsed, cpu = elapsed+time.Since(start), cpu+cpuTime()-cpu0
					b.StopTimer()
					if err != nil || im.Unchanged != n {
						b.Fatalf("%+v %v", im, err)
					}
				}
				report(b, n, elapsed, cpu)
			})
		})
	}
}

func report(b *testing.B, n int, elapsed, cpu time.Duration) {
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-MB")
}

// BenchmarkSeries reads a 1,000-day series.
func BenchmarkSeries(b *testing.B) {
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			db, src := benchDB(b, engine.dsn(b))
			if _, err := db.Import(ctxAs(admin), src, cases.Import{Format: "bench"}, newGenReader(50*benchDays), cases.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			a, err := db.AreaByCode(context.Background(), "A0025")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				ps, err := db.Series(context.Background(), a.ID, src.ID, 0, 0)
				if err != nil || len(ps) != benchDays {
					b.Fatalf("%d points, %v", len(ps), err)
				}
			}
		})
	}
}
