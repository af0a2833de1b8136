package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/series"
)

const sharedData = "../../../shared/data/"

// Every real file of shared/data imports, directly or through a saved mapping, on both engines,
// and its figures match the file on spot checks (values read from the files with Python's csv module).
func TestRealFilesImport(t *testing.T) {
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		db := h.App.DB
		ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
		for _, s := range []cases.Source{
			{Key: "readr-taiwan", Name: "READr", Licence: "CC0 1.0"},
			{Key: "tokyo-metro", Name: "Tokyo Metropolitan Government", Licence: "CC BY 4.0"},
			{Key: "ds4c", Name: "DS4C (tests only: CC BY-NC-SA)", Licence: "CC BY-NC-SA 4.0"},
		} {
			if err := db.SaveSource(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range []cases.Area{
			{Code: "taipei", Kind: cases.AreaCity, Name: "Taipei", Country: "TW", OrgID: h.Taipei.ID},
			{Code: "seoul", Kind: cases.AreaCity, Name: "Seoul", Country: "KR", OrgID: h.Seoul.ID},
			{Code: "tokyo", Kind: cases.AreaCity, Name: "Tokyo", Country: "JP"},
		} {
			if err := db.SaveArea(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		mapping := func(name, file, source string) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m := cases.Mapping{Name: name, Source: source}
			if err := jsonStrict(b, &m.Spec); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if err := db.SaveMapping(ctx, &m); err != nil {
				t.Fatalf("mapping %s: %v", name, err)
			}
		}
		// The demo's shipped mappings, and the tests-only one for the non-commercial DS4C file.
		mapping("readr-taiwan-county", "../demo/series/mappings/readr-taiwan-county.json", "readr-taiwan")
		mapping("readr-taiwan-national", "../demo/series/mappings/readr-taiwan-national.json", "readr-taiwan")
		mapping("tokyo-daily-positive", "../demo/series/mappings/tokyo-daily-positive.json", "tokyo-metro")
		mapping("ds4c-seoul", "../cases/testdata/mappings/ds4c-seoul.json", "ds4c")

		imports := []struct{ file, mapping string }{
			{"owid-covid-19-data/owid-covid-data.csv", ""},
			{"jhu-csse-covid-19/final-2023-03-09/time_series_covid19_confirmed_global.csv", ""},
			{"jhu-csse-covid-19/final-2023-03-09/time_series_covid19_deaths_global.csv", ""},
			{"readr-taiwan-covid19/indigenous_case_county.csv", "readr-taiwan-county"},
			{"readr-taiwan-covid19/indigenous_case_group_after0514.csv", "readr-taiwan-national"},
			{"tokyo-metro-gov-covid19/daily_positive_detail.json", "tokyo-daily-positive"},
			{"ds4c-korea/Time/TimeProvince.csv", "ds4c-seoul"},
		}
		for _, im := range imports {
			b, err := os.ReadFile(sharedData + im.file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := cases.ImportFile(ctx, db, cases.File{Name: filepath.Base(im.file), Body: bytes.NewReader(b), Mapping: im.mapping})
			var ie *citypact.ImportError
			if errors.As(err, &ie) {
				t.Fatalf("%s: %v", im.file, ie)
			}
			if err != nil || res.Inserted == 0 {
				t.Fatalf("%s: %+v, %v", im.file, res, err)
			}
			// Importing the same file again changes nothing.
			again, err := cases.ImportFile(ctx, db, cases.File{Name: filepath.Base(im.file), Body: bytes.NewReader(b), Mapping: im.mapping})
			if err != nil || again.Inserted != 0 || again.Corrected != 0 || again.Unchanged != res.Inserted+res.Corrected+res.Unchanged {
				t.Fatalf("%s again: %+v, %v (first: %+v)", im.file, again, err, res)
			}
		}

		checks := []struct {
			area, source string
			metric       cases.Metric
			day          string
			want         float64
		}{
			{"KOR", "owid", cases.NewCases, "2020-03-01", 595},
			{"KOR", "owid", cases.TotalCases, "2020-03-02", 4212},
			{"JPN", "owid", cases.TotalCases, "2020-03-01", 239},
			{"TWN", "owid", cases.TotalCases, "2020-05-28", 441},
			{"KOR", "jhu-csse", cases.TotalCases, "2023-03-09", 30615522},
			{"KOR", "jhu-csse", cases.NewCases, "2023-03-09", 30615522 - 30605187}, // daily from cumulative
			{"KOR", "jhu-csse", cases.TotalDeaths, "2023-03-09", 34093},
			{"CAN", "jhu-csse", cases.TotalCases, "2023-03-09", 4617095}, // the sum of its provinces
			{"taipei", "readr-taiwan", cases.NewCases, "2021-05-22", 269},
			{"TWN", "readr-taiwan", cases.NewCases, "2021-05-22", 473},
			{"tokyo", "tokyo-metro", cases.NewCases, "2020-04-10", 199},
			{"tokyo", "tokyo-metro", cases.NewCases, "2021-01-07", 2447},
			{"seoul", "ds4c", cases.TotalCases, "2020-03-01", 87},
		}
		for _, c := range checks {
			a, err := db.AreaByCode(ctx, c.area)
			if err != nil {
				t.Fatalf("%s: %v", c.area, err)
			}
			src, err := db.SourceByKey(ctx, c.source)
			if err != nil {
				t.Fatal(err)
			}
			day, _ := cases.ParseDay(c.day)
			pts, err := db.Series(ctx, a.ID, src.ID, 0, day)
			if err != nil {
				t.Fatal(err)
			}
			line := series.Compute(pts, c.metric, series.Value, 0, false, day, day)
			if len(line.V) != 1 || line.V[0] != c.want {
				t.Errorf("%s %s %s %s: %v, want %v", c.area, c.source, c.metric, c.day, line.V, c.want)
			}
		}
		// OWID names its countries and their population: KOR came with the file's figure.
		if a, _ := db.AreaByCode(ctx, "KOR"); a.Population != 51269183 || a.PopulationSource == "" {
			t.Errorf("KOR population %d from %q", a.Population, a.PopulationSource)
		}
	})
}

// jsonStrict decodes b into v, refusing unknown fields (a misspelt mapping key fails the test).
func jsonStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
