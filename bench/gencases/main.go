// Command gencases fills a database with the daily series the benchmarks of docs/BENCHMARKS.md
// use: N cities (codes A0001…), one source, and D days of new and total cases and deaths for each,
// written through the store as an import is. It is a benchmark tool, not part of citypact.
//
//	go run ./bench/gencases --database sqlite:/tmp/cases.db --areas 1000 --days 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/store"
)

func main() {
	dsn := flag.String("database", "sqlite:./data/bench.db", "database")
	nAreas := flag.Int("areas", 1000, "generated cities")
	nDays := flag.Int("days", 1000, "days of each city's series")
	first := flag.String("from", "2020-01-01", "the first day of every series")
	flag.Parse()
	start, err := cases.ParseDay(*first)
	if err != nil {
		log.Fatal(err)
	}
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "gencases", Role: citypact.RoleAdmin})
	db, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	t0 := time.Now()
	codes := make([]string, *nAreas)
	for i := range codes {
		codes[i] = fmt.Sprintf("A%04d", i+1)
		a := cases.Area{Code: codes[i], Kind: cases.AreaCity, Name: fmt.Sprintf("Generated City %04d", i+1), Country: "KR",
			Population: 50_000 + int64(i)*7919%5_000_000, PopulationYear: 2020, PopulationSource: "generated"}
		if err := db.SaveArea(ctx, &a); err != nil {
			log.Fatal(err)
		}
	}
	src := cases.Source{Key: "generated", Name: "Generated series", URL: "https://example.org/generated",
		Licence: "CC0", Attribution: "Generated for benchmarks", Interval: 24 * time.Hour}
	if err := db.SaveSource(ctx, &src); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d areas in %v", len(codes), time.Since(t0))
	t1 := time.Now()
	rd := &reader{codes: codes, days: *nDays, start: start}
	im, err := db.Import(ctx, src, cases.Import{Format: "bench"}, rd, cases.ImportOptions{Now: start.Time().AddDate(0, 0, *nDays)})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("imported %d area-days in %v", im.Inserted, time.Since(t1))
	// The daily-update page shows the first two cities.
	if len(codes) >= 2 {
		for key, code := range map[string]string{"updates.country": codes[0], "updates.city": codes[1]} {
			if err := db.SetSetting(ctx, key, code); err != nil {
				log.Fatal(err)
			}
		}
	}
	log.Printf("done in %v", time.Since(t0))
}

// reader yields every city's days in turn, as a national file lists them: new cases in waves
// whose phase and size differ by city, a death for every ~70 cases, and the running totals.
// It allocates nothing per row.
type reader struct {
	codes                   []string
	days                    int
	start                   cases.Day
	i                       int
	totalCases, totalDeaths int64
}

func (r *reader) Next() (cases.Observation, error) {
	if r.i == len(r.codes)*r.days {
		return cases.Observation{}, io.EOF
	}
	a, d := r.i/r.days, r.i%r.days
	r.i++
	if d == 0 {
		r.totalCases, r.totalDeaths = 0, 0
	}
	scale := float64(20 + a%180)
	wave := 1 + math.Sin(float64(d+a*37)/45)
	weekday := 1 - 0.3*float64((d+a)%7/6) // fewer reports on the seventh day
	newCases := int64(scale * wave * wave * weekday)
	newDeaths := newCases / 70
	r.totalCases += newCases
	r.totalDeaths += newDeaths
	o := cases.Observation{Area: r.codes[a], Day: r.start + cases.Day(d), Pos: cases.Position{Line: r.i + 1}}
	o.Set(cases.NewCases, newCases)
	o.Set(cases.TotalCases, r.totalCases)
	o.Set(cases.NewDeaths, newDeaths)
	o.Set(cases.TotalDeaths, r.totalDeaths)
	return o, nil
}

func (r *reader) Problems() []citypact.Problem { return nil }
func (r *reader) Skipped() int                 { return 0 }
func (r *reader) Truncated() bool              { return false }
