package cli

import (
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/dbtest"
)

// A small file in OWID's format: a header in the file's own column order and two days of Korea.
const owidCSV = "iso_code,location,date,total_cases,new_cases,total_deaths,new_deaths,population\n" +
	"KOR,South Korea,2020-03-01,3526,595,17,1,51269183.0\n" +
	"KOR,South Korea,2020-03-02,4212,686,22,5,51269183.0\n"

func TestImportCases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		env := map[string]string{"CITYPACT_DATABASE": dsn}
		good := writeFile(t, "owid.csv", owidCSV)

		code, out, errs := run(t, "", env, "import", "cases", good)
		if code != 0 || !strings.Contains(out, "2 rows: 2 new, 0 corrected, 0 unchanged") {
			t.Fatalf("first import: %d %q %q", code, out, errs)
		}
		// Again: nothing changes. Flags may follow the file.
		code, out, errs = run(t, "", env, "import", "cases", good, "--format", "owid")
		if code != 0 || !strings.Contains(out, "2 rows: 0 new, 0 corrected, 2 unchanged") {
			t.Fatalf("second import: %d %q %q", code, out, errs)
		}
		// A correction of one day is counted and kept.
		fixed := writeFile(t, "owid.csv", strings.Replace(owidCSV, "4212,686", "4211,685", 1))
		if code, out, errs = run(t, "", env, "import", "cases", fixed); code != 0 || !strings.Contains(out, "1 corrected, 1 unchanged") {
			t.Fatalf("correction: %d %q %q", code, out, errs)
		}
		// A bad file: exit 2, each problem as file:line:column, nothing imported.
		bad := writeFile(t, "bad.csv", owidCSV+"KOR,South Korea,2020-03-03,4812,six hundred,28,6,51269183.0\nXYZ,Nowhere,2020-03-03,1,1,0,0,1\n")
		code, out, errs = run(t, "", env, "import", "cases", bad)
		if code != 2 || !strings.Contains(errs, bad+":4:5: new_cases: ") || !strings.Contains(errs, bad+":5:") || !strings.Contains(errs, "nothing imported") {
			t.Fatalf("bad file: %d %q %q", code, out, errs)
		}
		if code, out, _ = run(t, "", env, "source", "list"); code != 0 || !strings.Contains(out, "owid") || !strings.Contains(out, "2020-03-02") {
			t.Fatalf("after a bad file the source's latest day moved: %q", out)
		}
		// --partial stores the valid rows and lists the rest.
		code, out, errs = run(t, "", env, "import", "cases", "--partial", bad)
		if code != 2 || !strings.Contains(out, "2 rows: 0 new, 1 corrected, 1 unchanged, 2 skipped") || !strings.Contains(errs, bad+":4:5:") {
			t.Fatalf("partial: %d %q %q", code, out, errs)
		}

		// A city's own file through a saved mapping and source.
		if code, out, errs = run(t, "", env, "source", "save", "--name", "Seoul daily reports", "--licence", "CC BY 4.0", "seoul-reports"); code != 0 {
			t.Fatalf("source save: %d %q %q", code, out, errs)
		}
		spec := writeFile(t, "spec.json", `{"format":"csv","date":{"column":"day","layout":"2006/1/2"},"area":{"code":"KOR"},"metrics":[{"column":"n","metric":"new_tests"}]}`)
		if code, out, errs = run(t, "", env, "mapping", "save", "--source", "seoul-reports", "kor-tests", spec); code != 0 {
			t.Fatalf("mapping save: %d %q %q", code, out, errs)
		}
		if code, out, _ = run(t, "", env, "mapping", "list"); code != 0 || !strings.Contains(out, "kor-tests") {
			t.Fatalf("mapping list: %q", out)
		}
		tests := writeFile(t, "tests.csv", "day,n\n2020/3/1,10000\n2020/3/2,12000\n")
		if code, out, errs = run(t, "", env, "import", "cases", "--mapping", "kor-tests", tests); code != 0 || !strings.Contains(out, "2 rows: 2 new") {
			t.Fatalf("mapped import: %d %q %q", code, out, errs)
		}
		// A mapping pointing at no column is refused before anything is read.
		wrong := writeFile(t, "wrong.json", `{"format":"csv","date":{"column":"day","layout":"iso"},"area":{"code":"KOR"},"metrics":[{"column":"n","metric":"cases"}]}`)
		if code, _, errs = run(t, "", env, "mapping", "save", "--source", "seoul-reports", "wrong", wrong); code != 2 || !strings.Contains(errs, "metric") {
			t.Fatalf("bad mapping: %d %q", code, errs)
		}
		if code, _, errs = run(t, "", env, "import", "cases", "--format", "csv", good); code != 2 {
			t.Fatalf("unknown format: %d %q", code, errs)
		}
	})
}
