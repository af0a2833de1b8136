package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// writeOWIDFile writes n rows in Our World in Data's long format: 5,000 of OWID's own area codes
// (created on first sight, as an OWID import does) × n/5,000 days, six figures and a population.
func writeOWIDFile(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "owid-bench.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "iso_code,location,date,total_cases,new_cases,total_deaths,new_deaths,total_tests,new_tests,population")
	const areas = 5000
	days := max(1, n/areas)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := 0
	for a := 0; a < areas && rows < n; a++ {
		var cum, deaths, tests int64
		for d := 0; d < days && rows < n; d++ {
			nc, nd, nt := int64((a+d)%97), int64((a*d)%5), int64(100+(a+d)%300)
			cum, deaths, tests = cum+nc, deaths+nd, tests+nt
			fmt.Fprintf(w, "OWID_B%04d,Bench area %d,%s,%d,%d,%d,%d,%d,%d,%d\n", a, a, start.AddDate(0, 0, d).Format(time.DateOnly), cum, nc, deaths, nd, tests, nt, 100000+a)
			rows++
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImportOWIDFile is the import figure: a generated OWID-format file imported as
// `citypact import cases` does (checksum, format detection, parsing, validation, areas created on
// first sight, the store's checks and writes), on both engines. It reports input rows/s and the
// process's peak resident memory. Default 200,000 rows; the full size:
// CITYPACT_BENCH_ROWS=5000000 go test ./internal/store -run '^$' -bench ImportOWIDFile -benchtime 1x
func BenchmarkImportOWIDFile(b *testing.B) {
	n := benchRows(b)
	path := writeOWIDFile(b, n)
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			var elapsed, cpu time.Duration
			for range b.N {
				b.StopTimer()
				db, err := store.Open(context.Background(), engine.dsn(b), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.Migrate(context.Background()); err != nil {
					b.Fatal(err)
				}
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				debug.FreeOSMemory()
				resetPeakRSS()
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				im, err := cases.ImportFile(ctxAs(admin), db, cases.File{Name: "owid-bench.csv", Body: f})
				elapsed, cpu = elapsed+time.Since(start), cpu+cpuTime()-cpu0
				b.StopTimer()
				f.Close()
				db.Close()
				if err != nil || im.Inserted != n {
					b.Fatalf("%+v %v", im, err)
				}
			}
			report(b, n, elapsed, cpu)
		})
	}
}
