package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/chart"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/series"
	"github.com/citypact/citypact/internal/web/view"
)

// Settings reads and changes hub settings (the daily-update page's areas).
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// The settings that choose the areas of the daily-update page.
const (
	settingHomeCountry = "updates.country"
	settingHomeCity    = "updates.city"
)

// areaRef names an area in the reader's language: a country by its localised name, a city by its
// organisation's name when it has one.
func (s *Server) areaRef(r *http.Request, a cases.Area) view.AreaRef {
	lang := stateOf(r).tr.Lang()
	ref := view.AreaRef{Code: a.Code, Name: view.Name{Text: a.Name}, Kind: "cases.kind." + string(a.Kind)}
	if a.Kind == cases.AreaCountry && a.Country != "" {
		if n := directory.CountryName(a.Country, string(lang)); n != a.Country {
			ref.Name = view.Name{Text: n}
		}
	}
	if a.OrgID != 0 {
		if o, err := s.Directory.OrganisationByID(r.Context(), a.OrgID); err == nil {
			org := orgRef(r, o, regionSet{})
			ref.Org = &org
			ref.Name = org.Name
		}
	}
	return ref
}

// areasList serves GET /areas.
func (s *Server) areasList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	tr := stateOf(r).tr
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f := cases.AreaFilter{Kind: cases.AreaKind(q.Get("kind")), Query: q.Get("q"), Page: citypact.Page{After: after, Limit: 100}.Normalize()}
	areas, err := s.Cases.Areas(r.Context(), f)
	if err != nil {
		return err
	}
	p := view.AreasPage{Base: s.base(r, "areas.title", "updates"), Query: f.Query, Kind: string(f.Kind),
		CanImport: cases.CanImport(stateOf(r).actor) == nil}
	for _, k := range []cases.AreaKind{cases.AreaCountry, cases.AreaCity, cases.AreaAggregate} {
		p.Kinds = append(p.Kinds, view.Option{Value: string(k), Label: tr.T("cases.kind." + string(k))})
	}
	for _, a := range areas {
		row := view.AreaRow{Area: s.areaRef(r, a)}
		if a.Country != "" {
			row.Country = directory.CountryName(a.Country, string(tr.Lang()))
		}
		if a.Population > 0 {
			row.Population = tr.Int(a.Population)
		}
		p.Areas = append(p.Areas, row)
	}
	if len(areas) == f.Page.Limit {
		v := url.Values{"after": {strconv.FormatInt(areas[len(areas)-1].ID, 10)}}
		if f.Query != "" {
			v.Set("q", f.Query)
		}
		if f.Kind != "" {
			v.Set("kind", string(f.Kind))
		}
		p.Next = "/areas?" + v.Encode()
	}
	return s.render(w, r, http.StatusOK, view.Areas(p))
}

// chartOptions are the metric and kind choices of a chart's form.
func chartOptions(tr *i18n.Translator) (metrics, kinds []view.Option) {
	for _, m := range cases.Metrics {
		metrics = append(metrics, view.Option{Value: m.Key(), Label: tr.T("metric." + m.Key())})
	}
	for _, k := range series.Kinds {
		kinds = append(kinds, view.Option{Value: k.String(), Label: tr.T("kind." + k.String())})
	}
	return metrics, kinds
}

// chartForm is the form's state: what the query asked for, as the inputs show it.
func chartForm(q series.Query, v url.Values, errs []citypact.FieldError) view.Form {
	f := view.Form{Values: map[string]string{"metric": q.Metric.Key(), "kind": q.Kind.String(),
		"from": v.Get("from"), "to": v.Get("to")}, Errors: errs}
	return f
}

// Chart sizes: a page's main chart, and the smaller one of a card beside another (drawn smaller,
// so that its text is not scaled down to illegibility).
const (
	chartWide    = 720
	chartCompact = 420
)

// chartPanel computes what a query shows and fills the panel: the SVG, the data table, the
// download links (to exactly the same data) and the sources. It returns the query with its range
// filled in, as the form shows it.
func (s *Server) chartPanel(r *http.Request, id string, q series.Query, width int) (view.ChartPanel, series.Query, error) {
	tr := stateOf(r).tr
	now := time.Now()
	results, from, to, err := series.Run(r.Context(), s.Cases, q, now)
	if err != nil {
		return view.ChartPanel{}, q, err
	}
	q.From, q.To = from, to
	title := chartTitle(tr, q)
	p := view.ChartPanel{ID: id, Title: title}
	c := chart.Chart{ID: id, Title: title, Start: from.Time(), Log: q.Log, Lang: string(tr.Lang()), Width: width, Height: width * 4 / 9,
		NoData: tr.T("cases.chart_empty"), LogNote: tr.T("cases.chart_log_note")}
	for _, res := range results {
		name := s.areaRef(r, res.Area).Name.Text
		p.Columns = append(p.Columns, name)
		c.Series = append(c.Series, chart.Series{Name: name, V: res.Line.V})
		if res.Source.ID == 0 {
			p.Notes = append(p.Notes, tr.T("cases.no_source", "area", name, "metric", tr.T("metric."+q.Metric.Key())))
			continue
		}
		if q.Per100k && res.Area.Population <= 0 {
			p.Notes = append(p.Notes, tr.T("cases.no_population", "area", name))
		}
		note := s.sourceNote(tr, res.Source, now)
		if len(results) > 1 {
			note.Area = name
		}
		p.Sources = append(p.Sources, note)
	}
	c.Desc = chartDesc(tr, q, results, p.Columns)
	p.SVG = templ.Raw(c.SVG())
	n := int(to - from + 1)
	// The table lists the newest day first: that is what readers look for.
	for i := n - 1; i >= 0; i-- {
		row := view.ChartRow{Date: tr.Date((from + cases.Day(i)).Time())}
		for _, res := range results {
			row.Cells = append(row.Cells, formatValue(tr, res.Line.V[i], q))
		}
		p.Rows = append(p.Rows, row)
	}
	v := q.Values()
	p.CSVHref = "/compare.csv?" + v.Encode()
	p.JSONHref = "/compare.json?" + v.Encode()
	return p, q, nil
}

func chartTitle(tr *i18n.Translator, q series.Query) string {
	t := tr.T("kind.title."+q.Kind.String(), "metric", tr.T("metric."+q.Metric.Key()))
	if q.Per100k && q.Kind != series.Doubling && q.Kind != series.WeekOnWeek {
		t = tr.T("cases.per100k_title", "title", t)
	}
	return t
}

// chartDesc describes the chart for screen readers: the range and each area's latest value.
func chartDesc(tr *i18n.Translator, q series.Query, results []series.Result, names []string) string {
	var b strings.Builder
	b.WriteString(tr.T("cases.chart_desc", "from", tr.Date(q.From.Time()), "to", tr.Date(q.To.Time())))
	if q.Log {
		b.WriteString(" " + tr.T("cases.chart_desc_log"))
	}
	for i, res := range results {
		b.WriteString(" ")
		if d, v, ok := res.Line.Last(); ok {
			b.WriteString(tr.T("cases.chart_last", "area", names[i], "value", formatValue(tr, v, q), "date", tr.Date(d.Time())))
		} else {
			b.WriteString(tr.T("cases.chart_none", "area", names[i]))
		}
	}
	return b.String()
}

// formatValue shows a figure as the table and the description give it: whole numbers for
// counts, one decimal for averages and doubling times, two for rates; an en dash when unknown.
func formatValue(tr *i18n.Translator, v float64, q series.Query) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	switch {
	case q.Kind == series.WeekOnWeek:
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case q.Per100k:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case q.Kind == series.Value && v == math.Trunc(v):
		return tr.Int(int64(v))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func (s *Server) sourceNote(tr *i18n.Translator, src cases.Source, now time.Time) view.SourceNote {
	n := view.SourceNote{Key: src.Key, Name: src.Name, URL: src.URL, Licence: src.Licence, Attribution: src.Attribution,
		Stale: src.Stale(now), Archive: src.Interval == 0}
	if src.LatestDay != 0 {
		n.LatestDay = tr.Date(src.LatestDay.Time())
	}
	if !src.LastImport.IsZero() {
		n.LastImport = tr.DateTime(src.LastImport)
	}
	return n
}

// controls fills a chart's form.
func controls(tr *i18n.Translator, action string, q series.Query, compare bool) view.ChartControls {
	m, k := chartOptions(tr)
	return view.ChartControls{Action: action, Areas: q.Areas, Compare: compare, Metric: q.Metric.Key(), Kind: q.Kind.String(),
		Per100k: q.Per100k, Log: q.Log, Metrics: m, Kinds: k, MaxAreas: series.MaxAreas}
}

// areaShow serves GET /areas/{code}: the area's chart (state in the query string), the sources
// that cover it and the corrections they made.
func (s *Server) areaShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	tr := st.tr
	a, err := s.Cases.AreaByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	v := r.URL.Query()
	q, errs := series.ParseQuery(v)
	q.Areas = []string{a.Code}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
		q, _ = series.ParseQuery(url.Values{})
		q.Areas = []string{a.Code}
	}
	p := view.AreaPage{Base: s.base(r, "areas.title", "updates"), Area: s.areaRef(r, a), Form: chartForm(q, v, errs),
		Controls: controls(tr, "/areas/"+a.Code, q, false), CanWrite: cases.CanWrite(st.actor, a) == nil}
	p.Title = p.Area.Name.Text
	p.HasErrors = len(errs) > 0
	if a.Population > 0 {
		p.Population = tr.Int(a.Population)
		if a.PopulationYear > 0 || a.PopulationSource != "" {
			p.Population += " (" + strings.TrimSpace(strconv.Itoa(a.PopulationYear)+" "+a.PopulationSource) + ")"
		}
	}
	var shown series.Query
	if p.Panel, shown, err = s.chartPanel(r, "area-chart", q, chartWide); err != nil {
		return err
	}
	showRange(&p.Form, shown)
	cov, err := s.Cases.Coverage(ctx, a.ID)
	if err != nil {
		return err
	}
	sources, err := cases.SourcesByID(ctx, s.Cases)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, c := range cov {
		var ms []string
		for _, m := range cases.Metrics {
			if c.Has&(1<<m) != 0 {
				ms = append(ms, tr.T("metric."+m.Key()))
			}
		}
		p.Coverage = append(p.Coverage, view.CoverageRow{Source: s.sourceNote(tr, sources[c.SourceID], now),
			Metrics: strings.Join(ms, ", "), First: tr.Date(c.First.Time()), Last: tr.Date(c.Last.Time()), Days: tr.Int(int64(c.Days))})
	}
	revs, err := s.Cases.Revisions(ctx, a.ID, 0, 0, 0)
	if err != nil {
		return err
	}
	for i, rv := range revs {
		if i == 50 {
			break
		}
		var before []string
		for _, m := range cases.Metrics {
			if x, ok := rv.Values.Get(m); ok {
				before = append(before, tr.T("metric."+m.Key())+" "+tr.Int(x))
			}
		}
		p.Corrections = append(p.Corrections, view.CorrectionRow{Day: tr.Date(rv.Day.Time()), Source: sources[rv.SourceID].Name,
			Before: strings.Join(before, ", "), Replaced: tr.DateTime(rv.Replaced)})
	}
	return s.render(w, r, status, view.Area(p))
}

// compareShow serves GET /compare: up to eight areas on one chart.
func (s *Server) compareShow(w http.ResponseWriter, r *http.Request) error {
	tr := stateOf(r).tr
	v := r.URL.Query()
	q, errs := series.ParseQuery(v)
	p := view.ComparePage{Base: s.base(r, "compare.title", "updates"), Form: chartForm(q, v, errs), Controls: controls(tr, "/compare", q, true)}
	opts, err := memo(r.Context(), s, "area-options "+string(tr.Lang()), func(ctx context.Context) ([]view.Option, error) {
		return s.areaOptions(r)
	})
	if err != nil {
		return err
	}
	p.Controls.AreaOptions = opts
	status := http.StatusOK
	if len(errs) == 0 && len(q.Areas) > 0 {
		var shown series.Query
		p.Panel, shown, err = s.chartPanel(r, "compare-chart", q, chartWide)
		showRange(&p.Form, shown)
		var fe []citypact.FieldError
		if citypact.KindOf(err) == citypact.KindNotFound {
			fe, err = []citypact.FieldError{{Field: "areas", Key: "cases.area_unknown"}}, nil
		}
		if err != nil {
			return err
		}
		p.Form.Errors = fe
		p.Shown = len(fe) == 0
	}
	if len(p.Form.Errors) > 0 {
		status = http.StatusBadRequest
		p.HasErrors = true
	}
	return s.render(w, r, status, view.Compare(p))
}

// showRange fills the form's empty dates with the range the chart shows.
func showRange(f *view.Form, q series.Query) {
	if f.Values["from"] == "" && q.From != 0 {
		f.Values["from"] = q.From.String()
	}
	if f.Values["to"] == "" && q.To != 0 {
		f.Values["to"] = q.To.String()
	}
}

// maxAreaOptions bounds the suggestions of the comparison form: beyond it, readers type codes.
const maxAreaOptions = 2000

// areaOptions suggests every area (up to maxAreaOptions) by code, named in the reader's language.
// Pages keep it per data version: naming cities reads their organisations.
func (s *Server) areaOptions(r *http.Request) ([]view.Option, error) {
	var out []view.Option
	for p := (citypact.Page{Limit: citypact.MaxLimit}); len(out) < maxAreaOptions; {
		areas, err := s.Cases.Areas(r.Context(), cases.AreaFilter{Page: p})
		if err != nil {
			return nil, err
		}
		for _, a := range areas {
			out = append(out, view.Option{Value: a.Code, Label: s.areaRef(r, a).Name.Text})
		}
		if len(areas) < p.Limit {
			break
		}
		p.After = areas[len(areas)-1].ID
	}
	return out, nil
}

// errNoAreas is a download without areas.
var errNoAreas = citypact.Invalid(citypact.FieldError{Field: "areas", Key: "field.required"})

// chartQuery reads a download's query: the same as its chart's.
func chartQuery(r *http.Request) (series.Query, error) {
	q, errs := series.ParseQuery(r.URL.Query())
	if len(errs) > 0 {
		return q, citypact.Invalid(errs...)
	}
	if len(q.Areas) == 0 {
		return q, errNoAreas
	}
	return q, nil
}
