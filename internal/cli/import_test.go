package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

const goodCSV = "\uFEFFslug,kind,name_en,name_ko,original_lang,country,region,population,population_year,lat,lon\r\n" +
	"seoul,city,\"Seoul, Korea\",서울특별시,ko,KR,asia-pacific,9386034,2023,37.5665,126.978\r\n" +
	"busan,city,Busan,부산광역시,ko,KR,asia-pacific,,,,\r\n" +
	"citynet,network,CityNet,,,,asia-pacific,,,,\r\n"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// countOrgs returns how many organisations the database holds.
func countOrgs(t *testing.T, dsn string) int {
	t.Helper()
	db, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	for p := (citypact.Page{Limit: citypact.MaxLimit}); ; {
		orgs, err := db.ListOrganisations(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		n += len(orgs)
		if len(orgs) < p.Limit {
			return n
		}
		p.After = orgs[len(orgs)-1].ID
	}
}

func TestImportDirectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		env := map[string]string{"CITYPACT_DATABASE": dsn}
		good := writeFile(t, "orgs.csv", goodCSV)

		code, out, errs := run(t, "", env, "import", "directory", "--dry-run", good)
		if code != 0 || !strings.Contains(out, "3 organisations, no problems; nothing imported") {
			t.Fatalf("dry run: %d %q %q", code, out, errs)
		}
		if n := countOrgs(t, dsn); n != 0 {
			t.Fatalf("a dry run imported %d organisations", n)
		}

		code, out, errs = run(t, "", env, "import", "directory", good)
		if code != 0 || out != "imported 3 organisations (3 created, 0 updated)\n" || errs != "" {
			t.Fatalf("import: %d %q %q", code, out, errs)
		}
		// Twice: nothing changes, nothing is added.
		code, out, errs = run(t, "", env, "import", "directory", good)
		if code != 0 || out != "imported 3 organisations (0 created, 0 updated, 3 unchanged)\n" {
			t.Fatalf("import again: %d %q %q", code, out, errs)
		}
		if n := countOrgs(t, dsn); n != 3 {
			t.Errorf("%d organisations after importing the file twice, want 3", n)
		}
		// From standard input, with the flag after the file; one row changed.
		changed := strings.Replace(goodCSV, "Busan,부산광역시", "Busan,부산", 1)
		code, out, errs = run(t, changed, env, "import", "directory", "-", "--dry-run=false")
		if code != 0 || out != "imported 3 organisations (0 created, 1 updated, 2 unchanged)\n" {
			t.Fatalf("import of a changed file: %d %q %q", code, out, errs)
		}

		db, err := openStore(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		seoul, err := db.OrganisationBySlug(context.Background(), "seoul")
		db.Close()
		if err != nil || seoul.Name != "서울특별시" || seoul.NameIn("en") != "Seoul, Korea" || seoul.Population != 9386034 || !seoul.HasLocation {
			t.Errorf("seoul as imported: %+v, %v", seoul, err)
		}

		// One bad row: nothing is imported, the problem is named by line and column.
		bad := writeFile(t, "bad.csv", "slug,kind,name_en,country\r\n"+
			"daegu,city,Daegu,KR\r\n"+
			"incheon,city,Incheon,XX\r\n"+
			"seoul,city,Seoul,KR\r\n")
		code, out, errs = run(t, "", env, "import", "directory", bad)
		if code != 2 || out != "" || !strings.Contains(errs, bad+":3:4: country: ") || !strings.Contains(errs, "nothing imported") {
			t.Errorf("bad file: %d %q %q", code, out, errs)
		}
		if n := countOrgs(t, dsn); n != 3 {
			t.Errorf("%d organisations after a refused import, want 3", n)
		}
	})
}

func TestImportUsage(t *testing.T) {
	env := map[string]string{"CITYPACT_DATABASE": dbtest.SQLite(t)}
	for _, args := range [][]string{{"import"}, {"import", "cases"}, {"import", "directory"}, {"import", "directory", "a.csv", "b.csv"}, {"import", "directory", "--nope", "a.csv"}} {
		if code, _, _ := run(t, "", env, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errs := run(t, "", env, "import", "directory", filepath.Join(t.TempDir(), "missing.csv")); code != 1 || !strings.Contains(errs, "missing.csv") {
		t.Errorf("a missing file: %d %q", code, errs)
	}
}

// BenchmarkImportDirectory10k imports 10,000 generated organisations through the command on each
// engine, then the same file again (which changes nothing): go test -run '^$' -bench ImportDirectory
// ./internal/cli/. The figures are in docs/BENCHMARKS.md; no test asserts a time.
func BenchmarkImportDirectory10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("slug,kind,name_en,name_ko,original_lang,country,region,population,population_year,lat,lon,description\n")
	for i := range 10_000 {
		fmt.Fprintf(&sb, "city-%05d,city,City %d,도시 %d,ko,KR,asia-pacific,%d,2020,%.4f,%.4f,\"Row %d, generated\"\n",
			i, i, i, 1000+i, 33+float64(i%500)/100, 126+float64(i%300)/100, i)
	}
	file := filepath.Join(b.TempDir(), "10000.csv")
	if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				env := map[string]string{"CITYPACT_DATABASE": engine.dsn(b)}
				b.StartTimer()
				var out, errb strings.Builder
				code := Main(context.Background(), []string{"import", "directory", file}, Env{Stdin: strings.NewReader(""),
					Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
				if code != 0 || out.String() != "imported 10000 organisations (10000 created, 0 updated)\n" {
					b.Fatalf("import: %d %q %q", code, out.String(), errb.String())
				}
			}
		})
	}
}

// TestImportReportsManyProblems checks that problems are reported for the whole file, up to
// the cap, and that the summary line says how many were left out.
func TestImportReportsManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("slug,kind,name_en,country\n")
	for i := range 150 {
		fmt.Fprintf(&b, "c-%d,city,C %d,XX\n", i, i)
	}
	file := writeFile(t, "many.csv", b.String())
	env := map[string]string{"CITYPACT_DATABASE": dbtest.SQLite(t)}
	code, _, errs := run(t, "", env, "import", "directory", file)
	if lines := strings.Count(errs, file+":"); code != 2 || lines != directory.MaxImportProblems || !strings.Contains(errs, "only the first 100 are listed") {
		t.Errorf("exit %d, %d problem lines:\n%s", code, lines, errs[max(0, len(errs)-300):])
	}
}
