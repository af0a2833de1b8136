package e2e

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

// owidExcerpt is the header and the South Korea and Japan rows of March 2020 of the real OWID
// file (the same excerpt internal/app's tests import), so the pages show the file's own figures.
func owidExcerpt(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../shared/data/owid-covid-19-data/owid-covid-data.csv")
	if err != nil {
		t.Skipf("SKIPPING: the shared OWID data are not available: %v", err)
	}
	lines := strings.Split(string(b), "\n")
	out := []string{lines[0]}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "KOR,South Korea,2020-03-") || strings.HasPrefix(l, "JPN,Japan,2020-03-") {
			out = append(out, l)
		}
	}
	if len(out) != 63 {
		t.Fatalf("the OWID excerpt has %d rows of South Korea and Japan in March 2020, want 62", len(out)-1)
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// cityDaily is the header of Seoul's own daily file, as the mapping "city-daily" reads it.
const cityDaily = "date,city,confirmed,total\n"

// casesHub starts a hub on dsn with a source for Seoul's own reports, an area for Seoul, the
// mapping "city-daily" for its daily file, and the OWID rows of South Korea and Japan for March
// 2020, imported by the admin through the upload endpoint.
func casesHub(t *testing.T, dsn string) *apptest.Hub {
	t.Helper()
	h := apptest.Start(t, dsn)
	db := h.App.DB
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "e2e", Role: citypact.RoleAdmin})
	src := cases.Source{Key: "seoul-reports", Name: "Seoul daily reports", Licence: "CC BY 4.0"}
	if err := db.SaveSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	seoul := cases.Area{Code: "seoul", Kind: cases.AreaCity, Name: "Seoul", Country: "KR", OrgID: h.Seoul.ID,
		Population: 9586195, PopulationYear: 2023, PopulationSource: "Seoul"}
	if err := db.SaveArea(ctx, &seoul); err != nil {
		t.Fatal(err)
	}
	m := cases.Mapping{Name: "city-daily", Source: "seoul-reports", Spec: cases.MappingSpec{Format: "csv",
		Date: cases.DateColumn{Column: "date", Layout: "2006-01-02"}, Area: cases.AreaColumn{Column: "city"},
		Metrics: []cases.MetricColumn{{Column: "confirmed", Metric: "new_cases"}, {Column: "total", Metric: "total_cases"}}}}
	if err := db.SaveMapping(ctx, &m); err != nil {
		t.Fatal(err)
	}
	admin := h.Client(t)
	admin.SignIn(h.Admin.Email, apptest.Password)
	if res := admin.PostFile("/imports", "file", "owid-covid-data.csv", owidExcerpt(t), nil); res.StatusCode != http.StatusOK {
		t.Fatalf("importing the OWID excerpt: status %d\n%s", res.StatusCode, res.Body)
	}
	return h
}

// seoulDays is what the hub holds of Seoul's own reports.
func seoulDays(t *testing.T, h *apptest.Hub) []cases.Point {
	t.Helper()
	ctx := context.Background()
	a, err := h.App.DB.AreaByCode(ctx, "seoul")
	if err != nil {
		t.Fatal(err)
	}
	src, err := h.App.DB.SourceByKey(ctx, "seoul-reports")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := h.App.DB.Series(ctx, a.ID, src.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// selectOption chooses the option with value in the select sel, as picking it from the list
// does (the change event included), and fails if the select has no such option.
func (b *tab) selectOption(sel, value string) {
	b.t.Helper()
	got := evalT[string](b, fmt.Sprintf(`(el => {
		el.value = %s;
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value;
	})(document.querySelector(%s))`, jsString(value), jsString(sel)))
	if got != value {
		b.t.Fatalf("select %s: it has no option %q (its value is now %q)", sel, value, got)
	}
}

// checkByLabel clicks the label of a checkbox or radio button and fails unless that checks it.
func (b *tab) checkByLabel(id string) {
	b.t.Helper()
	b.do("click the label of #"+id, chromedp.Click(chromedp.CSS(fmt.Sprintf(`label[for=%q]`, id))))
	if !b.checked(id) {
		b.t.Fatalf("clicking the label of #%s did not check it", id)
	}
}

// checked reports whether the checkbox or radio button with id is checked.
func (b *tab) checked(id string) bool {
	b.t.Helper()
	return evalT[bool](b, fmt.Sprintf(`document.getElementById(%s).checked`, jsString(id)))
}

// accessibleName is the role and accessible name Chromium's accessibility tree gives the first
// element matching sel: what a screen reader announces.
func (b *tab) accessibleName(sel string) (role, name string) {
	b.t.Helper()
	if !b.has(sel) {
		b.t.Fatalf("no element %s on %s:\n%s", sel, b.location(), b.bodyText())
	}
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS(sel)))
	if err != nil || len(nodes) == 0 {
		b.t.Fatalf("finding %s: %v", sel, err)
	}
	fetchRelatives := false
	res, err := chromedp.Call(b.ctx, accessibility.GetPartialAXTree,
		accessibility.GetPartialAXTreeParams{BackendNodeID: nodes[0].BackendNodeID, FetchRelatives: &fetchRelatives})
	if err != nil {
		b.t.Fatalf("accessibility tree of %s: %v", sel, err)
	}
	if len(res.Nodes) == 0 || res.Nodes[0].Ignored {
		b.t.Fatalf("%s is not in the accessibility tree", sel)
	}
	str := func(v *accessibility.Value) string {
		var s string
		if v != nil && len(v.Value) > 0 {
			if err := json.Unmarshal(v.Value, &s); err != nil {
				b.t.Fatalf("accessibility value of %s: %v", sel, err)
			}
		}
		return s
	}
	return str(res.Nodes[0].Role), str(res.Nodes[0].Name)
}

// download is a file fetched from the page, as the browser gets it.
type download struct {
	Found       bool   `json:"found"`
	Href        string `json:"href"`
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

// followDownload finds the link under the chart (a figure.chart) whose text is linkText, and
// fetches its href in the page, with the page's cookies and under its Content-Security-Policy.
func (b *tab) followDownload(linkText string) download {
	b.t.Helper()
	d := evalT[download](b, fmt.Sprintf(`(async () => {
		const a = [...document.querySelectorAll("main figure.chart a[download]")].find(a => a.textContent.trim() === %s);
		if (!a) return {found: false};
		const r = await fetch(a.href);
		return {found: true, href: a.getAttribute("href"), status: r.status, type: r.headers.get("Content-Type") || "",
			disposition: r.headers.get("Content-Disposition") || "", body: await r.text()};
	})()`, jsString(linkText)), chromedp.EvalAwaitPromise)
	if !d.Found {
		b.t.Fatalf("no download link %q under the chart on %s:\n%s", linkText, b.location(), b.bodyText())
	}
	return d
}

// tableRow is the cells of the row of the chart's data table whose header cell reads date.
func (b *tab) tableRow(date string) []string {
	b.t.Helper()
	return evalT[[]string](b, fmt.Sprintf(`(() => {
		const tr = [...document.querySelectorAll("main .table-wrap table tbody tr")].find(tr => tr.querySelector("th[scope=row]")?.textContent.trim() === %s);
		return tr ? [...tr.querySelectorAll("td")].map(td => td.textContent.trim()) : [];
	})()`, jsString(date)))
}

// TestBrowserCompareAndDownload: a visitor fills the comparison form (two areas, new cases per
// 100,000 on a log scale), reads the chart and its table, shares the URL, and downloads the data
// as CSV from the link under the chart.
func TestBrowserCompareAndDownload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		b := newTab(t, testTimeout)
		hub := casesHub(t, dsn)
		b.base = hub.URL
		en := i18n.For(i18n.EN)

		b.open("/compare", 200)
		b.setLang(i18n.EN)
		if b.has("main figure.chart") {
			t.Fatalf("/compare without areas already shows a chart:\n%s", b.bodyText())
		}
		b.fill("#f-area-1", "KOR")
		b.fill("#f-area-2", "JPN")
		b.selectOption("#f-metric", "new_cases")
		b.selectOption("#f-kind", "value")
		b.checkByLabel("f-per100k")
		b.checkByLabel("f-scale-log")
		if b.checked("f-scale-linear") {
			t.Errorf("choosing the log scale left the linear one checked too")
		}
		if st := b.click(`main form.chart-controls button[type="submit"]`); st != 200 {
			t.Fatalf("submitting the comparison: status %d\n%s", st, b.bodyText())
		}

		// The URL holds the whole state, so that it can be shared.
		loc := b.location()
		path, rawQuery, _ := strings.Cut(loc, "?")
		q, err := url.ParseQuery(rawQuery)
		if path != "/compare" || err != nil {
			t.Fatalf("the form led to %s (%v)", loc, err)
		}
		var areas []string
		for _, a := range q["areas"] {
			if a != "" {
				areas = append(areas, a)
			}
		}
		if !slices.Equal(areas, []string{"KOR", "JPN"}) || q.Get("metric") != "new_cases" || q.Get("kind") != "value" ||
			q.Get("per100k") != "1" || q.Get("scale") != "log" {
			t.Errorf("the URL %s does not hold the state: areas %v, metric %q, kind %q, per100k %q, scale %q",
				loc, areas, q.Get("metric"), q.Get("kind"), q.Get("per100k"), q.Get("scale"))
		}
		// The form shows what it was asked for.
		if got := evalT[[]string](b, `[...document.querySelectorAll("main form.chart-controls input[name=areas]")].map(i => i.value).filter(v => v)`); !slices.Equal(got, []string{"KOR", "JPN"}) {
			t.Errorf("after submitting, the area inputs hold %v, want [KOR JPN]", got)
		}
		if got := evalT[string](b, `document.getElementById("f-kind").value`); got != "value" {
			t.Errorf("after submitting, the kind select shows %q, want value", got)
		}
		if !b.checked("f-per100k") || !b.checked("f-scale-log") {
			t.Errorf("after submitting, per 100k checked = %v, log scale checked = %v; want both", b.checked("f-per100k"), b.checked("f-scale-log"))
		}

		// The chart is an image with a name that says what it shows.
		title := en.T("cases.per100k_title", "title", en.T("kind.title.value", "metric", en.T("metric.new_cases")))
		if got := b.text("main figure.chart figcaption"); got != title {
			t.Errorf("chart caption %q, want %q", got, title)
		}
		role, name := b.accessibleName("main figure.chart .chart-svg svg")
		if role != "image" && role != "img" {
			t.Errorf("the chart's SVG has the role %q, want image", role)
		}
		if !strings.HasPrefix(name, title) || !strings.Contains(name, en.T("cases.scale_log")) {
			t.Errorf("the chart's accessible name %q does not start with its title %q and say %q", name, title, en.T("cases.scale_log"))
		}

		// The table has a column per area and the file's figures for 1 March 2020.
		columns := evalT[[]string](b, `[...document.querySelectorAll("main .table-wrap table thead th")].map(th => th.textContent.trim())`)
		wantColumns := []string{en.T("field.date"), directory.CountryName("KR", "en"), directory.CountryName("JP", "en")}
		if !slices.Equal(columns, wantColumns) {
			t.Errorf("table columns %q, want %q", columns, wantColumns)
		}
		for _, c := range columns[1:] {
			if !strings.Contains(name, c) {
				t.Errorf("the chart's accessible name %q does not name %s", name, c)
			}
		}
		// KOR: 595 new cases in 51,269,183 people; JPN: 9 in 126,476,458.
		day := en.Date(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC))
		if got, want := b.tableRow(day), []string{"1.16", "0.01"}; !slices.Equal(got, want) {
			t.Errorf("table row %s: %q, want %q", day, got, want)
		}

		// The CSV link gives the same data, exactly.
		d := b.followDownload(en.T("cases.download_csv"))
		if d.Status != 200 || !strings.HasPrefix(d.Type, "text/csv") || !strings.Contains(d.Disposition, "attachment") {
			t.Fatalf("GET %s: status %d, Content-Type %q, Content-Disposition %q\n%s", d.Href, d.Status, d.Type, d.Disposition, d.Body)
		}
		if !strings.Contains(d.Disposition, "new_cases-value-per100k-KOR-JPN.csv") {
			t.Errorf("the CSV is offered as %q, want the file name new_cases-value-per100k-KOR-JPN.csv", d.Disposition)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(d.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("reading the CSV from %s: %v\n%s", d.Href, err, d.Body)
		}
		if len(rows) < 2 || !slices.Equal(rows[0], []string{"date", "KOR", "JPN"}) {
			t.Fatalf("the CSV from %s begins %q, want the header date,KOR,JPN", d.Href, rows[:min(len(rows), 2)])
		}
		i := slices.IndexFunc(rows, func(r []string) bool { return r[0] == "2020-03-01" })
		if i < 0 {
			t.Fatalf("the CSV from %s has no row for 2020-03-01:\n%s", d.Href, d.Body)
		}
		if want := []string{"2020-03-01", "1.160541", "0.007116"}; !slices.Equal(rows[i], want) {
			t.Errorf("CSV row %q, want %q (595 / 51,269,183 and 9 / 126,476,458, per 100,000)", rows[i], want)
		}
		if last := rows[len(rows)-1]; last[0] != "2020-03-31" {
			t.Errorf("the CSV ends on %s, want 2020-03-31, the last day of the data", last[0])
		}
	})
}

// TestAccessibilityDailyUpdates runs axe (and the language and width checks of
// TestAccessibility) on the daily-update pages with real data, in English and Korean, at desktop
// and phone widths; then on the import form as an editor.
func TestAccessibilityDailyUpdates(t *testing.T) {
	b := newTab(t, 3*testTimeout)
	hub := casesHub(t, dbtest.SQLite(t))
	b.base = hub.URL

	// Seoul reports a few days of its own, and the daily-update page shows Korea and Seoul.
	admin := hub.Client(t)
	admin.SignIn(hub.Admin.Email, apptest.Password)
	seoul := []byte(cityDaily + "2020-03-01,seoul,5,100\n2020-03-02,seoul,7,107\n2020-03-03,seoul,4,111\n")
	if res := admin.PostFile("/imports", "file", "seoul.csv", seoul, url.Values{"mapping": {"city-daily"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("importing Seoul's days: status %d\n%s", res.StatusCode, res.Body)
	}
	if res := admin.PostForm("/admin/updates", url.Values{"country_area": {"KOR"}, "city_area": {"seoul"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing the daily-update page's areas: status %d\n%s", res.StatusCode, res.Body)
	}

	type pass struct {
		lang  i18n.Lang
		width int64
	}
	passes := []pass{{i18n.EN, 1280}, {i18n.KO, 1280}, {i18n.KO, 375}}
	visit := func(p pass, path string, keys ...string) {
		t.Helper()
		b.open(path, 200)
		if got := evalT[string](b, `document.documentElement.lang`); got != p.lang.HTMLLang() {
			t.Errorf("%s in %s: <html lang=%q>", path, p.lang, got)
		}
		b.checkTranslated(p.lang, keys...)
		b.checkFits(path, p.width)
		b.checkAxe(fmt.Sprintf("%s (%s, %d px)", path, p.lang, p.width))
	}

	for _, p := range passes {
		b.viewport(p.width)
		b.open("/", 200)
		b.setLang(p.lang)
		visit(p, "/updates", "updates.title", "updates.lead", "cases.download_csv")
		if n := evalT[int](b, `document.querySelectorAll("main section.card figure.chart svg[role=img]").length`); n != 2 {
			t.Errorf("/updates (%s): %d charts, want one for Korea and one for Seoul", p.lang, n)
		}
		visit(p, "/areas", "areas.title")
		visit(p, "/areas/KOR", "area.coverage", "field.per100k", "field.scale")
		visit(p, "/compare?areas=KOR,JPN", "compare.title", "compare.lead", "cases.show")
		if !b.has("main figure.chart svg[role=img]") {
			t.Errorf("/compare?areas=KOR,JPN (%s) shows no chart:\n%s", p.lang, b.bodyText())
		}
		visit(p, "/sources", "sources.title")
	}

	// The import form, as Seoul's editor.
	b.mustSignIn("", hub.Editor.Email)
	for _, p := range passes {
		b.viewport(p.width)
		b.setLang(p.lang)
		visit(p, "/imports/new", "import.title", "import.lead", "field.file", "field.mapping", "import.submit")
	}
}

// TestBrowserImportUpload: Seoul's editor uploads the city's daily file through the form with
// its saved mapping and reads the counts; then uploads a file with a bad number, sees where the
// problem is, and nothing of that file is stored.
func TestBrowserImportUpload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		b := newTab(t, testTimeout)
		hub := casesHub(t, dsn)
		b.base = hub.URL
		en := i18n.For(i18n.EN)
		dir := t.TempDir()
		good := filepath.Join(dir, "seoul.csv")
		bad := filepath.Join(dir, "bad.csv")
		if err := os.WriteFile(good, []byte(cityDaily+"2020-03-01,seoul,5,100\n2020-03-02,seoul,7,107\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// Line 3, column 3: "many" is not a number of new cases.
		if err := os.WriteFile(bad, []byte(cityDaily+"2020-03-03,seoul,9,116\n2020-03-04,seoul,many,120\n"), 0o644); err != nil {
			t.Fatal(err)
		}

		b.mustSignIn(i18n.EN, hub.Editor.Email)
		// The areas page offers the editor the import form.
		b.open("/areas", 200)
		if st := b.click(`main a[href="/imports/new"]`); st != 200 {
			t.Fatalf("following the import link: status %d\n%s", st, b.bodyText())
		}
		upload := func(file string) int {
			t.Helper()
			if got := b.location(); got != "/imports/new" && got != "/imports" {
				t.Fatalf("uploading from %s, not the import form", got)
			}
			b.selectOption("#f-mapping", "city-daily")
			b.do("choose "+filepath.Base(file), chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}))
			if got := evalT[string](b, `(f => f.files.length === 1 ? f.files[0].name : "")(document.getElementById("f-file"))`); got != filepath.Base(file) {
				t.Fatalf("the file input holds %q, want %s", got, filepath.Base(file))
			}
			return b.click(`main form[action="/imports"] button[type="submit"]`)
		}

		if st := upload(good); st != 200 {
			t.Fatalf("uploading seoul.csv: status %d\n%s", st, b.bodyText())
		}
		const notice = `main .notice--success[role="status"]`
		if !b.has(notice) {
			t.Fatalf("no result notice after uploading seoul.csv:\n%s", b.bodyText())
		}
		if got, want := b.text(notice), en.T("import.done", "rows", "2", "inserted", "2", "corrected", "0", "unchanged", "0", "skipped", "0"); got != want {
			t.Errorf("result %q, want %q", got, want)
		}
		if b.has("#problems") {
			t.Errorf("a clean upload lists problems:\n%s", b.bodyText())
		}
		b.checkAxe("/imports after an upload")
		if n := len(seoulDays(t, hub)); n != 2 {
			t.Fatalf("after uploading seoul.csv, %d days are stored, want 2", n)
		}
		// The numbers are on Seoul's public page.
		b.open("/areas/seoul?kind=value&from=2020-03-01&to=2020-03-02", 200)
		if got := b.tableRow(en.Date(time.Date(2020, 3, 2, 0, 0, 0, 0, time.UTC))); !slices.Equal(got, []string{"7"}) {
			t.Errorf("Seoul's table for 2 March 2020: %q, want [7]", got)
		}

		b.open("/imports/new", 200)
		if st := upload(bad); st != 422 {
			t.Errorf("uploading bad.csv: status %d, want 422", st)
		}
		if b.has(notice) {
			t.Errorf("a refused upload shows a result: %q", b.text(notice))
		}
		if !b.has("#problems") {
			t.Fatalf("no problem list after uploading bad.csv:\n%s", b.bodyText())
		}
		if got, want := b.text("#problems"), en.T("import.problems"); got != want {
			t.Errorf("problems heading %q, want %q", got, want)
		}
		where := evalT[[]string](b, `[...document.querySelectorAll("main ol.problems li code")].map(c => c.textContent.trim())`)
		if !slices.Equal(where, []string{"bad.csv:3:3"}) {
			t.Errorf("the problems are at %q, want [bad.csv:3:3]\n%s", where, b.text("main ol.problems"))
		}
		if got := evalT[string](b, `document.getElementById("f-mapping").value`); got != "city-daily" {
			t.Errorf("after the refused upload the mapping select shows %q, want city-daily kept", got)
		}
		b.checkAxe("/imports after a refused upload")
		if n := len(seoulDays(t, hub)); n != 2 {
			t.Errorf("after the refused bad.csv, %d days are stored, want still 2", n)
		}
	})
}
