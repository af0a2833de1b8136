package app_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// owidExcerpt is the header and the South Korea and Japan rows of March 2020 of the real OWID
// file, so tests import real bytes quickly.
func owidExcerpt(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../shared/data/owid-covid-19-data/owid-covid-data.csv")
	if err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	lines := strings.Split(string(b), "\n")
	out := []string{lines[0]}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "KOR,South Korea,2020-03-") || strings.HasPrefix(l, "JPN,Japan,2020-03-") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// casesHub is a hub with a source for Seoul's own reports, an area for Seoul and a mapping for its
// daily file.
func casesHub(t *testing.T, dsn string) *apptest.Hub {
	t.Helper()
	h := apptest.Start(t, dsn)
	db := h.App.DB
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
	src := cases.Source{Key: "seoul-reports", Name: "Seoul daily reports", Licence: "CC BY 4.0"}
	if err := db.SaveSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	for _, a := range []cases.Area{
		{Code: "seoul", Kind: cases.AreaCity, Name: "Seoul", Country: "KR", OrgID: h.Seoul.ID, Population: 9586195, PopulationYear: 2023, PopulationSource: "Seoul"},
		{Code: "taipei", Kind: cases.AreaCity, Name: "Taipei", Country: "TW", OrgID: h.Taipei.ID},
	} {
		if err := db.SaveArea(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	m := cases.Mapping{Name: "city-daily", Source: "seoul-reports", Spec: cases.MappingSpec{Format: "csv",
		Date: cases.DateColumn{Column: "date", Layout: "2006-01-02"}, Area: cases.AreaColumn{Column: "city"},
		Metrics: []cases.MetricColumn{{Column: "confirmed", Metric: "new_cases"}, {Column: "total", Metric: "total_cases"}}}}
	if err := db.SaveMapping(ctx, &m); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestImportUploadForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := casesHub(t, dsn)
		editor := h.Client(t)
		editor.SignIn(h.Editor.Email, apptest.Password)
		good := []byte("date,city,confirmed,total\n2020-03-01,seoul,5,100\n2020-03-02,seoul,7,107\n")
		form := url.Values{"mapping": {"city-daily"}}

		res := editor.PostFile("/imports", "file", "seoul.csv", good, form)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "2 new days") {
			t.Fatalf("first upload: %d\n%s", res.StatusCode, res.Body)
		}
		// The same file again changes nothing.
		if res := editor.PostFile("/imports", "file", "seoul.csv", good, form); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "2 unchanged") {
			t.Fatalf("second upload: %d\n%s", res.StatusCode, res.Body)
		}
		// A correction is kept as history and shown on the area page.
		fixed := []byte("date,city,confirmed,total\n2020-03-01,seoul,5,100\n2020-03-02,seoul,6,106\n")
		if res := editor.PostFile("/imports", "file", "seoul.csv", fixed, form); !strings.Contains(res.Body, "1 corrected") {
			t.Fatalf("correction: %d\n%s", res.StatusCode, res.Body)
		}
		page := h.Client(t).Get("/areas/seoul?kind=value&from=2020-03-01&to=2020-03-02")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `id="corrections"`) || !strings.Contains(page.Body, "<svg") {
			t.Fatalf("area page: %d, corrections or chart missing", page.StatusCode)
		}

		// A file with one bad row imports nothing, and says where, in the reader's language.
		bad := []byte("date,city,confirmed,total\n2020-03-03,seoul,9,115\n2020-03-04,seoul,many,120\n")
		res = editor.PostFile("/imports", "file", "bad.csv", bad, form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "bad.csv:3:3") {
			t.Fatalf("bad upload: %d\n%s", res.StatusCode, res.Body)
		}
		pts := seriesOf(t, h, "seoul", "seoul-reports")
		if len(pts) != 2 {
			t.Fatalf("after a bad file: %d days stored, want the 2 from before", len(pts))
		}
		// With "partial", the valid row is stored and the bad one reported.
		form.Set("partial", "1")
		res = editor.PostFile("/imports", "file", "bad.csv", bad, form)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "bad.csv:3:3") || len(seriesOf(t, h, "seoul", "seoul-reports")) != 3 {
			t.Fatalf("partial upload: %d\n%s", res.StatusCode, res.Body)
		}

		// Taipei's editor cannot write Seoul's numbers.
		other := h.Client(t)
		other.SignIn(h.Other.Email, apptest.Password)
		res = other.PostFile("/imports", "file", "seoul.csv", []byte("date,city,confirmed,total\n2020-03-05,seoul,1,121\n"), url.Values{"mapping": {"city-daily"}})
		if res.StatusCode != http.StatusUnprocessableEntity || len(seriesOf(t, h, "seoul", "seoul-reports")) != 3 {
			t.Fatalf("Taipei editor writing Seoul: %d\n%s", res.StatusCode, res.Body)
		}
		// Members do not import at all; no file is a field error.
		member := h.Client(t)
		member.SignIn(h.Member.Email, apptest.Password)
		if res := member.PostFile("/imports", "file", "seoul.csv", good, form); res.StatusCode != http.StatusForbidden {
			t.Fatalf("member upload: %d", res.StatusCode)
		}
		if res := editor.PostForm("/imports", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("no file: %d", res.StatusCode)
		}
	})
}

func seriesOf(t *testing.T, h *apptest.Hub, code, source string) []cases.Point {
	t.Helper()
	ctx := context.Background()
	a, err := h.App.DB.AreaByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	src, err := h.App.DB.SourceByKey(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := h.App.DB.Series(ctx, a.ID, src.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// An admin imports real OWID rows through the form; the comparison page, its CSV and its JSON
// all give the file's own figures.
func TestComparisonOfRealData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := casesHub(t, dsn)
		admin := h.Client(t)
		admin.SignIn(h.Admin.Email, apptest.Password)
		res := admin.PostFile("/imports", "file", "owid-covid-data.csv", owidExcerpt(t), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("OWID upload: %d\n%s", res.StatusCode, res.Body)
		}
		q := "areas=KOR,JPN&metric=new_cases&kind=value&from=2020-03-01&to=2020-03-02"
		visitor := h.Client(t)
		page := visitor.Get("/compare?" + q)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `role="img"`) || !strings.Contains(page.Body, "Our World in Data") || !strings.Contains(page.Body, "CC BY 4.0") {
			t.Fatalf("comparison page: %d\n%s", page.StatusCode, page.Body)
		}
		// The file says: KOR 2020-03-01 new_cases 595, 2020-03-02 686; JPN 2020-03-01 9.
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(visitor.Get("/compare.csv?"+q).Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"date", "KOR", "JPN"}, {"2020-03-01", "595", "9"}}
		if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(want[0], ",") || strings.Join(rows[1], ",") != strings.Join(want[1], ",") || rows[2][1] != "686" {
			t.Fatalf("CSV %v, want %v…", rows, want)
		}
		var doc struct {
			Areas []struct {
				Code   string
				Values []*float64
				Source struct{ Key, Licence string }
			}
		}
		if err := json.Unmarshal([]byte(visitor.Get("/compare.json?"+q).Body), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Areas) != 2 || doc.Areas[0].Code != "KOR" || *doc.Areas[0].Values[0] != 595 || doc.Areas[0].Source.Key != "owid" || doc.Areas[0].Source.Licence != "CC BY 4.0" {
			t.Fatalf("JSON %+v", doc)
		}
		// Per 100,000 uses the population the file gave: 595 / 51,269,183 × 100,000.
		rows, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(visitor.Get("/compare.csv?"+q+"&per100k=1").Body, "\ufeff"))).ReadAll()
		if rows[1][1] != "1.160541" {
			t.Errorf("KOR per 100k on 2020-03-01: %s, want 1.160541", rows[1][1])
		}
	})
}

func TestChartQueryErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := casesHub(t, dsn)
		c := h.Client(t)
		c.Header = http.Header{"Accept-Language": {"ko"}}
		for _, q := range []string{"metric=cases", "from=2020-04-01&to=2020-03-01", "areas=a1,a2,a3,a4,a5,a6,a7,a8,a9", "areas=nowhere"} {
			res := c.Get("/compare?" + q)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, `lang="ko"`) || !strings.Contains(res.Body, "error-message") {
				t.Errorf("%s: %d", q, res.StatusCode)
			}
		}
		if res := c.Get("/compare.csv?metric=cases&areas=seoul"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad download: %d", res.StatusCode)
		}
		if res := c.Get("/areas/nowhere"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown area: %d", res.StatusCode)
		}
	})
}

func TestDailyUpdatePageSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := casesHub(t, dsn)
		if res := h.Client(t).Get("/updates"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "No areas are chosen") {
			t.Fatalf("unconfigured: %d", res.StatusCode)
		}
		admin := h.Client(t)
		admin.SignIn(h.Admin.Email, apptest.Password)
		if res := admin.PostForm("/admin/updates", url.Values{"country_area": {"NOWHERE"}, "city_area": {"seoul"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("unknown area: %d", res.StatusCode)
		}
		if res := admin.PostForm("/admin/updates", url.Values{"city_area": {"seoul"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		if res := h.Client(t).Get("/updates"); !strings.Contains(res.Body, `id="card-seoul"`) {
			t.Fatalf("configured page lacks Seoul's card")
		}
		// Only admins choose them.
		editor := h.Client(t)
		editor.SignIn(h.Editor.Email, apptest.Password)
		if res := editor.PostForm("/admin/updates", url.Values{"city_area": {"taipei"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("editor: %d", res.StatusCode)
		}
	})
}

// An editor starts publishing their city's numbers from its directory page; another city's editor
// cannot.
func TestPublishCityArea(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		other := h.Client(t)
		other.SignIn(h.Other.Email, apptest.Password)
		if res := other.PostForm("/orgs/seoul/area", nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("Taipei's editor: %d", res.StatusCode)
		}
		editor := h.Client(t)
		editor.SignIn(h.Editor.Email, apptest.Password)
		if !strings.Contains(editor.Get("/orgs/seoul").Body, `action="/orgs/seoul/area"`) {
			t.Fatal("Seoul's page offers its editor no way to publish daily numbers")
		}
		res := editor.PostForm("/orgs/seoul/area", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/areas/seoul" {
			t.Fatalf("publish: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		a, err := h.App.DB.AreaByCode(context.Background(), "seoul")
		if err != nil || a.OrgID != h.Seoul.ID || a.Kind != cases.AreaCity {
			t.Fatalf("area %+v, %v", a, err)
		}
	})
}

// Every daily-update page renders in each language: right lang, one h1, no missing message,
// unique ids, and every label pointing at a control.
func TestCasesPagesInEveryLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := casesHub(t, dsn)
		admin := h.Client(t)
		admin.SignIn(h.Admin.Email, apptest.Password)
		if res := admin.PostFile("/imports", "file", "owid.csv", owidExcerpt(t), nil); res.StatusCode != http.StatusOK {
			t.Fatalf("import: %d", res.StatusCode)
		}
		if res := admin.PostForm("/admin/updates", url.Values{"country_area": {"KOR"}, "city_area": {"seoul"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.StatusCode)
		}
		ids := regexp.MustCompile(` id="([^"]+)"`)
		labels := regexp.MustCompile(`<label[^>]* for="([^"]+)"`)
		for _, lang := range i18n.Langs {
			for _, path := range []string{"/updates", "/areas", "/areas/KOR?per100k=1&scale=log", "/compare?areas=KOR,JPN,seoul", "/compare", "/sources", "/imports/new", "/admin", "/areas/KOR?kind=doubling&metric=total_cases"} {
				c := h.Client(t)
				c.SignIn(h.Admin.Email, apptest.Password)
				c.Header = http.Header{"Accept-Language": {string(lang)}}
				c.PostForm("/language", url.Values{"lang": {string(lang)}})
				res := c.Get(path)
				body := res.Body
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s %s: %d", lang, path, res.StatusCode)
					continue
				}
				if !strings.Contains(body, `<html lang="`+lang.HTMLLang()+`"`) || strings.Count(body, "<h1") != 1 {
					t.Errorf("%s %s: wrong lang or not one h1", lang, path)
				}
				if i := strings.Index(body, "⟦"); i >= 0 {
					t.Errorf("%s %s: missing message %s", lang, path, body[i:min(len(body), i+60)])
				}
				seen := map[string]bool{}
				for _, m := range ids.FindAllStringSubmatch(body, -1) {
					if seen[m[1]] {
						t.Errorf("%s %s: duplicate id %q", lang, path, m[1])
					}
					seen[m[1]] = true
				}
				for _, m := range labels.FindAllStringSubmatch(body, -1) {
					if !seen[m[1]] {
						t.Errorf("%s %s: label for %q has no control", lang, path, m[1])
					}
				}
			}
		}
	})
}
