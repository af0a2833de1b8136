package web

import (
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/series"
	"github.com/citypact/citypact/internal/web/view"
)

// updatesDays is how far back the daily-update page's charts reach.
const updatesDays = 90

// updatesShow serves GET /updates: the hub's own country and city side by side, each with its
// latest figures and its last three months of new cases.
func (s *Server) updatesShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := view.UpdatesPage{Base: s.base(r, "updates.title", "updates")}
	var codes []string
	for _, key := range []string{settingHomeCountry, settingHomeCity} {
		code, err := s.Settings.Setting(ctx, key)
		if err != nil && citypact.KindOf(err) != citypact.KindNotFound {
			return err
		}
		if code != "" {
			codes = append(codes, code)
		}
	}
	p.Configured = len(codes) > 0
	for _, code := range codes {
		a, err := s.Cases.AreaByCode(ctx, code)
		if citypact.KindOf(err) == citypact.KindNotFound {
			continue // a setting naming an area since removed: show the others
		}
		if err != nil {
			return err
		}
		card, err := s.areaCard(r, a)
		if err != nil {
			return err
		}
		p.Cards = append(p.Cards, card)
	}
	if len(p.Cards) > 1 {
		q := series.Query{Metric: cases.NewCases, Kind: series.Avg7, Per100k: true}
		for _, c := range p.Cards {
			q.Areas = append(q.Areas, c.Area.Code)
		}
		p.CompareHref = "/compare?" + q.Values().Encode()
	}
	return s.render(w, r, http.StatusOK, view.Updates(p))
}

// areaCard is an area's latest figures and chart. The chart ends on the area's own latest day,
// so a city that reports later than its country is not shown as empty.
func (s *Server) areaCard(r *http.Request, a cases.Area) (view.AreaCard, error) {
	tr := stateOf(r).tr
	card := view.AreaCard{Area: s.areaRef(r, a)}
	q := series.Query{Areas: []string{a.Code}, Metric: cases.NewCases, Kind: series.Value}
	res, _, to, err := series.Run(r.Context(), s.Cases, q, time.Now())
	if err != nil {
		return card, err
	}
	last, _, ok := res[0].Line.Last()
	if !ok {
		last = to
	}
	if ok {
		card.Day = tr.Date(last.Time())
	}
	card.Stale = res[0].Stale
	figure := func(label string, m cases.Metric, k series.Kind, per bool) {
		fq := series.Query{Areas: q.Areas, Metric: m, Kind: k, Per100k: per, From: last, To: last}
		fr, _, _, err := series.Run(r.Context(), s.Cases, fq, time.Now())
		v := math.NaN()
		if err == nil && len(fr[0].Line.V) == 1 {
			v = fr[0].Line.V[0]
		}
		card.Figures = append(card.Figures, view.Figure{Label: label, Value: formatValue(tr, v, fq)})
	}
	figure(tr.T("metric.new_cases"), cases.NewCases, series.Value, false)
	figure(tr.T("kind.title.avg7", "metric", tr.T("metric.new_cases")), cases.NewCases, series.Avg7, false)
	if a.Population > 0 {
		figure(tr.T("cases.per100k_title", "title", tr.T("kind.title.avg7", "metric", tr.T("metric.new_cases"))), cases.NewCases, series.Avg7, true)
	}
	figure(tr.T("metric.total_cases"), cases.TotalCases, series.Value, false)
	figure(tr.T("metric.new_deaths"), cases.NewDeaths, series.Value, false)
	cq := series.Query{Areas: q.Areas, Metric: cases.NewCases, Kind: series.Avg7, From: last - updatesDays + 1, To: last}
	card.Panel, _, err = s.chartPanel(r, "chart-"+a.Code, cq, chartCompact)
	// Two cards side by side: each chart and table says whose it is.
	card.Panel.Title = tr.T("cases.area_title", "area", card.Area.Name.Text, "title", card.Panel.Title)
	return card, err
}

// sourcesList serves GET /sources: every source with its freshness and recent imports; stale
// ones first, so that admins see what needs attention.
func (s *Server) sourcesList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	tr := st.tr
	all, err := s.Cases.Sources(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	p := view.SourcesPage{Base: s.base(r, "sources.title", "updates"), CanManage: cases.CanManage(st.actor) == nil}
	for _, src := range all {
		row := view.SourceRow{SourceNote: s.sourceNote(tr, src, now)}
		if src.Interval > 0 {
			row.Interval = tr.T("sources.interval", "days", tr.Int(int64(src.Interval/(24*time.Hour))))
		}
		if row.Stale {
			p.Stale++
		}
		imports, err := s.Cases.Imports(ctx, src.ID, citypact.Page{Limit: 5})
		if err != nil {
			return err
		}
		for _, im := range imports {
			row.Imports = append(row.Imports, importRow(tr, im))
		}
		p.Sources = append(p.Sources, row)
	}
	sort.SliceStable(p.Sources, func(i, j int) bool { return p.Sources[i].Stale && !p.Sources[j].Stale })
	return s.render(w, r, http.StatusOK, view.Sources(p))
}

func importRow(tr interface {
	Int(int64) string
	DateTime(time.Time) string
}, im cases.Import) view.ImportRow {
	return view.ImportRow{ID: im.ID, Format: im.Format, File: im.File, Started: tr.DateTime(im.StartedAt),
		Rows: tr.Int(int64(im.Rows)), Inserted: tr.Int(int64(im.Inserted)), Corrected: tr.Int(int64(im.Corrected)),
		Unchanged: tr.Int(int64(im.Unchanged)), Skipped: tr.Int(int64(im.Skipped))}
}

// orgAreaCreate serves POST /orgs/{slug}/area: an editor starts publishing their city's daily
// numbers. The area takes the organisation's slug, name, country and population.
func (s *Server) orgAreaCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := directory.CanEdit(stateOf(r).actor, o.ID); err != nil {
		return err
	}
	if _, err := s.Cases.AreaByCode(ctx, o.Slug); err == nil {
		return s.redirect(w, r, "/areas/"+o.Slug, "")
	} else if citypact.KindOf(err) != citypact.KindNotFound {
		return err
	}
	a := cases.Area{Code: o.Slug, Kind: cases.AreaCity, Name: o.NameIn("en"), OrgID: o.ID,
		Population: o.Population, PopulationYear: o.PopulationYear, PopulationSource: o.PopulationSource}
	if o.Kind != directory.KindCity {
		a.Kind = cases.AreaAggregate
	}
	if a.Population > 0 && a.PopulationYear == 0 {
		a.Population, a.PopulationSource = 0, "" // a rate needs to say which year it counts
	}
	if o.Country != "" {
		a.Country = o.Country
	}
	if err := s.Cases.SaveArea(ctx, &a); err != nil {
		return err
	}
	return s.redirect(w, r, "/areas/"+a.Code, "flash.saved")
}

// homeAreasSave serves POST /admin/updates: the areas of the daily-update page.
func (s *Server) homeAreasSave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := cases.CanManage(stateOf(r).actor); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var fe formErrors
	values := map[string]string{}
	for field, key := range map[string]string{"country_area": settingHomeCountry, "city_area": settingHomeCity} {
		code := strings.TrimSpace(r.PostFormValue(field))
		if code != "" {
			if _, err := s.Cases.AreaByCode(ctx, code); citypact.KindOf(err) == citypact.KindNotFound {
				fe.add(field, "cases.area_unknown")
				continue
			} else if err != nil {
				return err
			}
		}
		values[key] = code
	}
	if len(fe) > 0 {
		f := view.Form{Values: map[string]string{"country_area": r.PostFormValue("country_area"), "city_area": r.PostFormValue("city_area")}, Errors: fe}
		return s.adminPage(w, r, http.StatusUnprocessableEntity, f)
	}
	for _, key := range []string{settingHomeCountry, settingHomeCity} {
		if err := s.Settings.SetSetting(ctx, key, values[key]); err != nil {
			return err
		}
	}
	return s.redirect(w, r, "/updates", "flash.saved")
}
