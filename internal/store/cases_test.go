package store_test

import (
	"context"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// obsReader is a cases.Reader over observations in memory, with the problems and skipped rows a
// parser would have reported.
type obsReader struct {
	obs      []cases.Observation
	i        int
	problems []citypact.Problem
	skipped  int
}

func (r *obsReader) Next() (cases.Observation, error) {
	if r.i == len(r.obs) {
		return cases.Observation{}, io.EOF
	}
	r.i++
	return r.obs[r.i-1], nil
}

func (r *obsReader) Problems() []citypact.Problem { return r.problems }
func (r *obsReader) Skipped() int                 { return r.skipped }
func (r *obsReader) Truncated() bool              { return false }

// hintReader also describes the areas its rows name, as OWID's reader does.
type hintReader struct {
	*obsReader
	hints map[string]cases.Area
}

func (r hintReader) AreaHint(code string) (cases.Area, bool) {
	a, ok := r.hints[code]
	return a, ok
}

func rows(obs ...cases.Observation) *obsReader { return &obsReader{obs: obs} }

func mustDay(s string) cases.Day {
	d, err := cases.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ob is what line of a file says about area on date: metric, value pairs.
func ob(line int, area, date string, mv ...any) cases.Observation {
	o := cases.Observation{Area: area, Day: mustDay(date), Pos: cases.Position{File: "test.csv", Line: line, Column: 1}}
	for i := 0; i+1 < len(mv); i += 2 {
		o.Set(mv[i].(cases.Metric), int64(mv[i+1].(int)))
	}
	return o
}

func vals(mv ...any) cases.Values { return ob(0, "", "2020-01-01", mv...).Values }

func mustSource(t *testing.T, db *store.DB, key string) cases.Source {
	t.Helper()
	s := cases.Source{Key: key, Name: strings.ToUpper(key), URL: "https://example.org/" + key, Licence: "CC BY 4.0",
		Interval: 24 * time.Hour}
	if err := db.SaveSource(ctxAs(admin), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func mustArea(t *testing.T, db *store.DB, code string, kind cases.AreaKind, orgID int64) cases.Area {
	t.Helper()
	a := cases.Area{Code: code, Kind: kind, Name: "Name of " + code, OrgID: orgID}
	if err := db.SaveArea(ctxAs(admin), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func codesOf(as []cases.Area) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

func TestCaseAreas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		ctx := context.Background()
		seoul := mustOrg(t, db, "seoul")
		kor := cases.Area{Code: "KOR", Kind: cases.AreaCountry, Name: " South Korea ", Country: "KR", Population: 51_700_000,
			PopulationYear: 2023, PopulationSource: "UN WPP"}
		if err := db.SaveArea(ctxAs(admin), &kor); err != nil {
			t.Fatal(err)
		}
		if kor.ID == 0 || kor.Name != "South Korea" || !kor.CreatedAt.Equal(epoch) {
			t.Fatalf("created %+v", kor)
		}
		got, err := db.AreaByCode(ctx, "KOR")
		if err != nil || !reflect.DeepEqual(got, kor) {
			t.Errorf("read back\n%+v %v\nwant\n%+v", got, err, kor)
		}

		// Saving by code updates, keeping id and creation time; saving it unchanged writes nothing.
		*now = epoch.Add(time.Hour)
		upd := cases.Area{Code: "KOR", Kind: cases.AreaCountry, Name: "Republic of Korea", Country: "KR"}
		if err := db.SaveArea(ctxAs(admin), &upd); err != nil {
			t.Fatal(err)
		}
		if upd.ID != kor.ID || !upd.CreatedAt.Equal(epoch) || !upd.UpdatedAt.Equal(*now) {
			t.Errorf("updated %+v", upd)
		}
		again := upd
		*now = epoch.Add(2 * time.Hour)
		if err := db.SaveArea(ctxAs(admin), &again); err != nil || !again.UpdatedAt.Equal(upd.UpdatedAt) {
			t.Errorf("unchanged save: %+v %v", again, err)
		}
		if got := auditActions(t, db, "area", kor.ID); !slices.Equal(got, []string{"area.create", "area.update"}) {
			t.Errorf("audit %v", got)
		}

		for _, tc := range []struct {
			name       string
			a          cases.Area
			field, key string
		}{
			{"bad code", cases.Area{Code: "x", Kind: cases.AreaCity, Name: "X"}, "code", "cases.area_code_invalid"},
			{"no name", cases.Area{Code: "xx", Kind: cases.AreaCity}, "name", "field.required"},
			{"bad kind", cases.Area{Code: "xx", Kind: "planet", Name: "X"}, "kind", "field.choice"},
			{"unknown organisation", cases.Area{Code: "xx", Kind: cases.AreaCity, Name: "X", OrgID: 424242}, "org_id", "field.invalid"},
		} {
			before := auditCount(t, db)
			err := db.SaveArea(ctxAs(admin), &tc.a)
			fe := citypact.FieldsOf(err)
			if citypact.KindOf(err) != citypact.KindInvalid || len(fe) != 1 || fe[0].Field != tc.field {
				t.Errorf("%s: %v", tc.name, err)
			}
			if auditCount(t, db) != before {
				t.Errorf("%s: audited", tc.name)
			}
		}
		if _, err := db.AreaByCode(ctx, "xx"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("missing area: %v", err)
		}

		mustArea(t, db, "seoul", cases.AreaCity, seoul.ID)
		mustArea(t, db, "OWID_WRL", cases.AreaAggregate, 0)
		jpn := cases.Area{Code: "JPN", Kind: cases.AreaCountry, Name: "Japan", Country: "JP"}
		if err := db.SaveArea(ctxAs(admin), &jpn); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    cases.AreaFilter
			want []string
		}{
			{"all, by name", cases.AreaFilter{}, []string{"JPN", "OWID_WRL", "seoul", "KOR"}},
			{"kind", cases.AreaFilter{Kind: cases.AreaCountry}, []string{"JPN", "KOR"}},
			{"country", cases.AreaFilter{Country: "kr"}, []string{"KOR"}},
			{"organisation", cases.AreaFilter{OrgID: seoul.ID}, []string{"seoul"}},
			{"query by name", cases.AreaFilter{Query: "KOREA"}, []string{"KOR"}},
			{"query by code", cases.AreaFilter{Query: "owid_"}, []string{"OWID_WRL"}},
			{"page", cases.AreaFilter{Page: citypact.Page{Limit: 2, After: jpn.ID}}, []string{"OWID_WRL", "seoul"}},
		} {
			got, err := db.Areas(ctx, tc.f)
			if err != nil || !slices.Equal(codesOf(got), tc.want) {
				t.Errorf("%s: %v %v, want %v", tc.name, codesOf(got), err, tc.want)
			}
		}
	})
}

func TestCaseSources(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		ctx := context.Background()
		owid := cases.Source{Key: "owid", Name: "Our World in Data", URL: "https://ourworldindata.org/coronavirus",
			Licence: "CC BY 4.0", Attribution: "Our World in Data", Interval: 7 * 24 * time.Hour}
		if err := db.SaveSource(ctxAs(admin), &owid); err != nil {
			t.Fatal(err)
		}
		jhu := mustSource(t, db, "jhu-csse")
		got, err := db.SourceByKey(ctx, "owid")
		if err != nil || !reflect.DeepEqual(got, owid) || got.LatestDay != 0 || !got.LastImport.IsZero() {
			t.Errorf("read back\n%+v %v\nwant\n%+v", got, err, owid)
		}
		*now = epoch.Add(time.Hour)
		owid.Name, owid.Interval = "OWID", 0
		if err := db.SaveSource(ctxAs(admin), &owid); err != nil {
			t.Fatal(err)
		}
		all, err := db.Sources(ctx)
		if err != nil || len(all) != 2 || all[0].Key != "jhu-csse" || all[1].Name != "OWID" || all[1].Interval != 0 ||
			!all[1].UpdatedAt.Equal(*now) || !all[1].CreatedAt.Equal(epoch) || all[0].ID != jhu.ID {
			t.Errorf("sources %+v %v", all, err)
		}
		if got := auditActions(t, db, "case_source", owid.ID); !slices.Equal(got, []string{"source.create", "source.update"}) {
			t.Errorf("audit %v", got)
		}
		bad := cases.Source{Key: "Bad Key", Name: "x"}
		wantField(t, "bad key", db.SaveSource(ctxAs(admin), &bad), "key", "cases.source_key_invalid")
		if _, err := db.SourceByKey(ctx, "nope"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("missing source: %v", err)
		}
	})
}

func TestCaseMappings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		mustSource(t, db, "taiwan-cdc")
		taiwan := func() cases.Mapping {
			return cases.Mapping{Name: "readr-taiwan-county", Source: "taiwan-cdc", Spec: cases.MappingSpec{Format: "csv",
				Date:    cases.DateColumn{Column: "個案研判日", Layout: "2006/1/2", TimeZone: "Asia/Taipei"},
				Area:    cases.AreaColumn{Column: "縣市", Codes: map[string]string{"台北市": "taipei"}, Unlisted: "skip"},
				Metrics: []cases.MetricColumn{{Column: "確定病例數", Metric: "new_cases"}}}}
		}
		m := taiwan()
		if err := db.SaveMapping(ctxAs(admin), &m); err != nil {
			t.Fatal(err)
		}
		got, err := db.MappingByName(ctx, m.Name)
		if err != nil || !reflect.DeepEqual(got, m) || m.ID == 0 || !m.CreatedAt.Equal(epoch) {
			t.Errorf("read back\n%+v %v\nwant\n%+v", got, err, m)
		}
		m.Spec.Metrics = append(m.Spec.Metrics, cases.MetricColumn{Column: "死亡", Metric: "new_deaths"})
		if err := db.SaveMapping(ctxAs(admin), &m); err != nil {
			t.Fatal(err)
		}
		other := taiwan()
		other.Name = "a-taipei"
		if err := db.SaveMapping(ctxAs(admin), &other); err != nil {
			t.Fatal(err)
		}
		all, err := db.Mappings(ctx)
		if err != nil || len(all) != 2 || all[0].Name != "a-taipei" || len(all[1].Spec.Metrics) != 2 || all[1].ID != m.ID {
			t.Errorf("mappings %+v %v", all, err)
		}
		if got := auditActions(t, db, "case_mapping", m.ID); !slices.Equal(got, []string{"mapping.create", "mapping.update"}) {
			t.Errorf("audit %v", got)
		}
		for _, tc := range []struct {
			name  string
			edit  func(*cases.Mapping)
			field string
		}{
			{"empty name", func(m *cases.Mapping) { m.Name = "" }, "name"},
			{"upper case", func(m *cases.Mapping) { m.Name = "Tokyo" }, "name"},
			{"too long", func(m *cases.Mapping) { m.Name = strings.Repeat("a", 65) }, "name"},
			{"unknown source", func(m *cases.Mapping) { m.Source = "nope" }, "source"},
			{"bad spec", func(m *cases.Mapping) { m.Spec.Format = "xls" }, "spec.format"},
		} {
			m := taiwan()
			m.Name = "x"
			tc.edit(&m)
			before := auditCount(t, db)
			err := db.SaveMapping(ctxAs(admin), &m)
			fe := citypact.FieldsOf(err)
			if citypact.KindOf(err) != citypact.KindInvalid || len(fe) != 1 || fe[0].Field != tc.field {
				t.Errorf("%s: %v", tc.name, err)
			}
			if auditCount(t, db) != before {
				t.Errorf("%s: audited", tc.name)
			}
		}
		if _, err := db.MappingByName(ctx, "x"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("missing mapping: %v", err)
		}
		if es, _ := db.AuditLog(ctx, audit.Filter{Entity: "case_mapping"}); len(es) != 3 {
			t.Errorf("%d mapping audit rows", len(es))
		}
	})
}
