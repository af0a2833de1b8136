package cases

import (
	"encoding/json"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/citypact/citypact"
)

// loadMapping reads a spec from testdata/mappings.
func loadMapping(t testing.TB, name string) MappingSpec {
	t.Helper()
	b, err := os.ReadFile("testdata/mappings/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var spec MappingSpec
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return spec
}

func openMapping(t testing.TB, spec MappingSpec, file string, r io.Reader) Reader {
	t.Helper()
	rd, err := OpenMapping(spec, file, r)
	if err != nil {
		t.Fatalf("OpenMapping: %v", err)
	}
	return rd
}

// find returns the observation of an area on a day.
func find(t testing.TB, obs []Observation, area, day string) Observation {
	t.Helper()
	d := mustDay(t, day)
	i := slices.IndexFunc(obs, func(o Observation) bool { return o.Area == area && o.Day == d })
	if i < 0 {
		t.Fatalf("no observation of %s on %s", area, day)
	}
	return obs[i]
}

func value1(o Observation, m Metric) int64 {
	v, ok := o.Get(m)
	if !ok {
		return -999
	}
	return v
}

func TestMappingRealFiles(t *testing.T) {
	t.Run("readr-taiwan", func(t *testing.T) {
		file := "readr-taiwan-covid19/indigenous_case_county.csv"
		rd := openMapping(t, loadMapping(t, "readr-taiwan"), file, openData(t, file))
		obs := readAll(t, rd)
		// 338 rows of days, 2 areas each; skipped: the 2 period totals and 8 rows of late
		// reports for a span of days ("2021-05-16~2021-05-24").
		if len(obs) != 2*330 || rd.Skipped() != 10 || len(rd.Problems()) != 0 {
			t.Fatalf("%d observations, %d skipped, problems %q; want 660, 10, none", len(obs), rd.Skipped(), problemLines(rd))
		}
		// Line 10: 2021-05-22,9,384,269,… (新北市, then 臺北市).
		o := find(t, obs, "taipei", "2021-05-22")
		if value1(o, NewCases) != 269 || o.Has != 1<<NewCases || o.Pos != (Position{File: file, Line: 10, Column: 4}) {
			t.Errorf("taipei 2021-05-22 = %+v; want 269 new cases at line 10, column 4", o)
		}
		if o := find(t, obs, "new-taipei", "2021-05-22"); value1(o, NewCases) != 384 {
			t.Errorf("new-taipei 2021-05-22 = %d; want 384", value1(o, NewCases))
		}
		if o := find(t, obs, "taipei", "2022-04-10"); value1(o, NewCases) != 67 {
			t.Errorf("taipei 2022-04-10 = %d; want 67", value1(o, NewCases))
		}
	})
	t.Run("tokyo", func(t *testing.T) {
		file := "tokyo-metro-gov-covid19/daily_positive_detail.json"
		rd := openMapping(t, loadMapping(t, "tokyo"), file, openData(t, file))
		obs := readAll(t, rd)
		if len(obs) != 384 || rd.Skipped() != 0 || len(rd.Problems()) != 0 {
			t.Fatalf("%d observations, %d skipped, problems %q; want 384, 0, none", len(obs), rd.Skipped(), problemLines(rd))
		}
		// Line 895: the record {"diagnosed_date": "2020-04-10", "count": 199, …}, indented 8.
		o := find(t, obs, "tokyo", "2020-04-10")
		if value1(o, NewCases) != 199 || o.Pos != (Position{File: file, Line: 895, Column: 9}) {
			t.Errorf("tokyo 2020-04-10 = %+v; want 199 at 895:9", o)
		}
		if o := find(t, obs, "tokyo", "2020-03-01"); value1(o, NewCases) != 2 {
			t.Errorf("tokyo 2020-03-01 = %d; want 2", value1(o, NewCases))
		}
		var sum int64
		for _, o := range obs {
			sum += value1(o, NewCases)
		}
		if sum != 103416 {
			t.Errorf("sum of the daily counts = %d; want 103416", sum)
		}
	})
	t.Run("ds4c-seoul", func(t *testing.T) {
		// CRLF, no newline after the last row; 17 provinces, of which the mapping keeps Seoul.
		file := "ds4c-korea/Time/TimeProvince.csv"
		rd := openMapping(t, loadMapping(t, "ds4c-seoul"), file, openData(t, file))
		obs := readAll(t, rd)
		if len(obs) != 102 || rd.Skipped() != 16*102 || len(rd.Problems()) != 0 {
			t.Fatalf("%d observations, %d skipped, problems %q; want 102, 1632, none", len(obs), rd.Skipped(), problemLines(rd))
		}
		// 2020-03-01,16,Seoul,87,11,0
		o := find(t, obs, "seoul", "2020-03-01")
		if value1(o, TotalCases) != 87 || value1(o, TotalDeaths) != 0 || o.Has != 1<<TotalCases|1<<TotalDeaths {
			t.Errorf("seoul 2020-03-01 = %+v; want 87 cases, 0 deaths", o.Values)
		}
		// The last line, 1719: 2020-04-30,0,Seoul,633,453,2
		o = find(t, obs, "seoul", "2020-04-30")
		if value1(o, TotalCases) != 633 || value1(o, TotalDeaths) != 2 || o.Pos.Line != 1719 || o.Pos.Column != 3 {
			t.Errorf("seoul 2020-04-30 = %+v at %v; want 633, 2 at line 1719, column 3", o.Values, o.Pos)
		}
	})
}

func TestMappingWideNegative(t *testing.T) {
	// The real −2 of 新竹縣 is in the period row 2021-01-01~2021-05-15, which the mapping skips;
	// here that row is given a day of its own. A daily figure below zero is a correction, kept.
	text := "indigenous_case_county,基隆市,新北市,臺北市,桃園市,宜蘭縣,新竹縣\r\n" +
		"2021-05-15,2,114,109,42,13,-2\r\n" +
		"2021-05-16,2,97,89,2,3,\r\n"
	spec := MappingSpec{Format: "csv", Date: DateColumn{Column: "indigenous_case_county", Layout: "2006-01-02"},
		AreaColumns: map[string]string{"新竹縣": "hsinchu-county", "臺北市": "taipei"}, WideMetric: "new_cases"}
	rd := openMapping(t, spec, "t.csv", strings.NewReader(text))
	obs := readAll(t, rd)
	if len(obs) != 3 || len(rd.Problems()) != 0 {
		t.Fatalf("%v, problems %q; want 3 observations (an empty cell is no figure)", obs, problemLines(rd))
	}
	if o := find(t, obs, "hsinchu-county", "2021-05-15"); value1(o, NewCases) != -2 || o.Pos.Line != 2 || o.Pos.Column != 7 {
		t.Errorf("hsinchu-county 2021-05-15 = %+v; want -2 at 2:7", o)
	}
	// A running total below zero is not a correction but a mistake.
	spec.WideMetric = "total_cases"
	rd = openMapping(t, spec, "t.csv", strings.NewReader(text))
	obs = readAll(t, rd)
	if got := problemLines(rd); !slices.Equal(got, []string{"2:7 新竹縣 cases.problem.negative_total"}) || len(obs) != 1 {
		t.Errorf("problems %q, %d observations; want a negative total at 2:7, and only 2021-05-16's figure", got, len(obs))
	}
}

func TestMappingDates(t *testing.T) {
	tests := []struct {
		layout, zone, in string
		want             string // "" for not a date
	}{
		{"iso", "", "2020-01-24", "2020-01-24"},
		{"iso", "Asia/Tokyo", "2020-01-24", "2020-01-24"},
		{"iso", "", "2020-01-24T15:00:00Z", "2020-01-24"},
		{"iso", "Asia/Tokyo", "2020-01-24T15:00:00Z", "2020-01-25"},
		{"iso", "Asia/Tokyo", "2020-01-24T08:00:00.000Z", "2020-01-24"},
		{"iso", "Asia/Tokyo", "2020-01-24T15:00:00.000Z", "2020-01-25"},
		{"iso", "America/New_York", "2020-01-24T03:00:00Z", "2020-01-23"},
		{"iso", "", "2020-01-24T01:00:00+09:00", "2020-01-23"},
		{"iso", "", "2020-01-24T01:00+0900", "2020-01-23"},
		{"iso", "Asia/Seoul", "2020-01-24T01:00:00+09", "2020-01-24"},
		{"iso", "UTC", "2020-01-24 23:30", "2020-01-24"},
		{"iso", "Asia/Tokyo", "2020-01-24 23:30:59", "2020-01-24"},
		{"iso", "", "2020-01-24T25:00:00Z", ""},
		{"iso", "", "2020-01-24T10:00:00Q", ""},
		{"iso", "", "2020-01-24X10:00", ""},
		{"iso", "", "2020/01/24", ""},
		{"iso", "", "2020-02-30", ""},
		{"rfc3339", "Asia/Tokyo", "2020-01-24T15:00:00Z", "2020-01-25"},
		{"rfc3339", "", "2020-01-24T15:00:00.5+01:00", "2020-01-24"},
		{"rfc3339", "", "2020-01-24", ""},
		{"2006/1/2 15:04", "Asia/Tokyo", "2021/2/6 19:15", "2021-02-06"},
		{"2006/01/02", "", "2021/02/06", "2021-02-06"},
		{"1/2/06", "", "1/22/20", "2020-01-22"},
		{"2006-01-02T15:04:05Z07:00", "Asia/Tokyo", "2020-01-24T15:00:00Z", "2020-01-25"},
		{"2006-01-02", "", "2021-05-16~2021-05-24", ""},
	}
	for _, tt := range tests {
		loc := time.UTC
		if tt.zone != "" {
			var err error
			if loc, err = time.LoadLocation(tt.zone); err != nil {
				t.Fatal(err)
			}
		}
		d, ok := dateReader{layout: tt.layout, loc: loc}.day(tt.in)
		switch {
		case tt.want == "" && ok:
			t.Errorf("%s in %s, %q = %v; want no date", tt.layout, tt.zone, tt.in, d)
		case tt.want != "" && (!ok || d.String() != tt.want):
			t.Errorf("%s in %s, %q = %v, %v; want %s", tt.layout, tt.zone, tt.in, d, ok, tt.want)
		}
	}
}

func TestMappingSpecValidate(t *testing.T) {
	for _, name := range []string{"readr-taiwan", "tokyo", "ds4c-seoul"} {
		spec := loadMapping(t, name)
		if err := spec.Validate(); err != nil {
			t.Errorf("testdata/mappings/%s.json: %v", name, err)
		}
	}
	long := func(f func(s *MappingSpec)) MappingSpec {
		s := MappingSpec{Format: "csv", Date: DateColumn{Column: "date", Layout: "iso"},
			Area:    AreaColumn{Column: "province", Codes: map[string]string{"Seoul": "seoul"}},
			Metrics: []MetricColumn{{Column: "confirmed", Metric: "total_cases"}}}
		f(&s)
		return s
	}
	wide := func(f func(s *MappingSpec)) MappingSpec {
		s := MappingSpec{Format: "csv", Date: DateColumn{Column: "day", Layout: "2006-01-02"},
			AreaColumns: map[string]string{"臺北市": "taipei"}, WideMetric: "new_cases"}
		f(&s)
		return s
	}
	tests := []struct {
		name string
		spec MappingSpec
		want []string // "field key"
	}{
		{"long", long(func(*MappingSpec) {}), nil},
		{"wide", wide(func(*MappingSpec) {}), nil},
		{"Go layout", long(func(s *MappingSpec) { s.Date.Layout = "2006/1/2 15:04" }), nil},
		{"format", long(func(s *MappingSpec) { s.Format = "xlsx" }), []string{"format field.choice"}},
		{"records of a CSV file", long(func(s *MappingSpec) { s.Records = "data" }), []string{"records cases.problem.mapping_records_csv"}},
		{"records path", long(func(s *MappingSpec) { s.Format, s.Records = "json", "a..b" }), []string{"records field.invalid"}},
		{"no date column", long(func(s *MappingSpec) { s.Date.Column = " " }), []string{"date.column field.required"}},
		{"no layout", long(func(s *MappingSpec) { s.Date.Layout = "" }), []string{"date.layout field.required"}},
		{"a layout without the day", long(func(s *MappingSpec) { s.Date.Layout = "2006-01" }), []string{"date.layout cases.problem.mapping_layout"}},
		{"not a layout", long(func(s *MappingSpec) { s.Date.Layout = "YYYY-MM-DD" }), []string{"date.layout cases.problem.mapping_layout"}},
		{"time zone", long(func(s *MappingSpec) { s.Date.TimeZone = "Asia/Atlantis" }), []string{"date.time_zone cases.problem.mapping_time_zone"}},
		{"skip", long(func(s *MappingSpec) { s.Date.Skip = "(" }), []string{"date.skip cases.problem.mapping_skip"}},
		{"no area", long(func(s *MappingSpec) { s.Area = AreaColumn{} }), []string{"area cases.problem.mapping_area"}},
		{"two areas", long(func(s *MappingSpec) { s.Area.Code = "seoul" }), []string{"area cases.problem.mapping_area"}},
		{"area code", long(func(s *MappingSpec) { s.Area = AreaColumn{Code: "서울"} }), []string{"area.code cases.problem.area_invalid"}},
		{"codes", long(func(s *MappingSpec) { s.Area.Codes["Busan"] = "b" }), []string{"area.codes.Busan cases.problem.area_invalid"}},
		{"codes without a column", long(func(s *MappingSpec) { s.Area.Column, s.Area.Code = "", "seoul" }), []string{"area.codes cases.problem.mapping_codes"}},
		{"unlisted", long(func(s *MappingSpec) { s.Area.Unlisted = "drop" }), []string{"area.unlisted field.choice"}},
		{"no metrics", long(func(s *MappingSpec) { s.Metrics = nil }), []string{"metrics field.required"}},
		{"metric", long(func(s *MappingSpec) { s.Metrics[0].Metric = "cases" }), []string{"metrics[0].metric cases.problem.metric_unknown"}},
		{"metric column", long(func(s *MappingSpec) { s.Metrics[0].Column = "" }), []string{"metrics[0].column field.required"}},
		{"metric twice", long(func(s *MappingSpec) {
			s.Metrics = append(s.Metrics, MetricColumn{Column: "c2", Metric: "total_cases"})
		}), []string{"metrics[1].metric cases.problem.mapping_metric_twice"}},
		{"wide_metric of a long file", long(func(s *MappingSpec) { s.WideMetric = "new_cases" }), []string{"wide_metric cases.problem.mapping_long_wide_metric"}},
		{"wide metric", wide(func(s *MappingSpec) { s.WideMetric = "" }), []string{"wide_metric cases.problem.metric_unknown"}},
		{"metrics of a wide file", wide(func(s *MappingSpec) { s.Metrics = []MetricColumn{{Column: "x", Metric: "new_cases"}} }),
			[]string{"metrics cases.problem.mapping_wide_metrics"}},
		{"area column code", wide(func(s *MappingSpec) { s.AreaColumns["新北市"] = "new taipei" }), []string{"area_columns.新北市 cases.problem.area_invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range citypact.FieldsOf(tt.spec.Validate()) {
				got = append(got, f.Field+" "+f.Key)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate: %q; want %q", got, tt.want)
			}
			if _, err := OpenMapping(tt.spec, "f", strings.NewReader("")); (err == nil) != (tt.want == nil) {
				t.Errorf("OpenMapping: %v", err)
			}
		})
	}

	m := Mapping{Name: "Readr Taiwan", Source: "readr", Spec: long(func(s *MappingSpec) { s.Date.Layout = "" })}
	var got []string
	for _, f := range citypact.FieldsOf(m.Validate()) {
		got = append(got, f.Field+" "+f.Key)
	}
	if want := []string{"name cases.problem.mapping_name", "spec.date.layout field.required"}; !slices.Equal(got, want) {
		t.Errorf("Mapping.Validate: %q; want %q", got, want)
	}
}

func TestMappingCSVProblems(t *testing.T) {
	seoul := MappingSpec{Format: "csv", Date: DateColumn{Column: "date", Layout: "iso"},
		Area:    AreaColumn{Column: "province", Codes: map[string]string{"Seoul": "seoul"}},
		Metrics: []MetricColumn{{Column: "confirmed", Metric: "total_cases"}, {Column: "deceased", Metric: "total_deaths"}}}
	head := "date,time,province,confirmed,released,deceased\r\n"
	tests := []struct {
		name string
		spec MappingSpec
		text string
		want []string
		obs  []string // area day
	}{
		{"as it is", seoul, head + "2020-03-01,16,Seoul,87,11,0\r\n2020-03-01,16,Busan,61,0,0", nil,
			[]string{"seoul 2020-03-01", "Busan 2020-03-01"}},
		{"a column the header lacks", func() MappingSpec {
			s := seoul
			s.Metrics = []MetricColumn{{Column: "tested", Metric: "total_tests"}}
			return s
		}(), head + "2020-03-01,16,Seoul,87,11,0\r\n", []string{"1:0 tested import.column_missing"}, nil},
		{"an unlisted value that is no code", seoul, head + "2020-03-01,16,North Gyeongsang,1,0,0\r\n",
			[]string{"2:3 province cases.problem.area_invalid"}, nil},
		{"no area", seoul, head + "2020-03-01,16,,1,0,0\r\n", []string{"2:3 province cases.problem.value_missing"}, nil},
		{"no date", seoul, head + ",16,Seoul,1,0,0\r\n", []string{"2:1 date cases.problem.value_missing"}, nil},
		{"a date", seoul, head + "3/1/2020,16,Seoul,1,0,0\r\n", []string{"2:1 date cases.problem.date_invalid"}, nil},
		{"a number", seoul, head + "2020-03-01,16,Seoul,87,11,n/a\r\n2020-03-02,16,Seoul,98,11,0\r\n",
			[]string{"2:6 deceased cases.problem.number_invalid"}, []string{"seoul 2020-03-02"}},
		{"no figures", seoul, head + "2020-03-01,16,Seoul,,11,\r\n", nil, nil},
		{"not UTF-8", seoul, head + "2020-03-01,16,Seoul\xb0,1,0,0\r\n", []string{"2:3 province cases.problem.not_utf8"}, nil},
		{"not UTF-8 where the mapping does not look", seoul, head + "2020-03-01,16\xb0,Seoul,1,0,0\r\n", nil, []string{"seoul 2020-03-01"}},
		{"quoted, over two lines", seoul, head + "\"2020-03-01\",16,\"Seo\nul\",1,0,0\r\n", []string{"2:3 province cases.problem.area_invalid"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := openMapping(t, tt.spec, "f.csv", strings.NewReader(tt.text))
			obs := readAll(t, rd)
			if got := problemLines(rd); !slices.Equal(got, tt.want) {
				t.Errorf("problems %q; want %q", got, tt.want)
			}
			var got []string
			for _, o := range obs {
				got = append(got, o.Area+" "+o.Day.String())
			}
			if !slices.Equal(got, tt.obs) {
				t.Errorf("observations %q; want %q", got, tt.obs)
			}
		})
	}
}

func TestMappingJSON(t *testing.T) {
	spec := MappingSpec{Format: "json", Records: "result.days", Date: DateColumn{Column: "when.day", Layout: "iso"},
		Area:    AreaColumn{Code: "tokyo"},
		Metrics: []MetricColumn{{Column: "counts.new", Metric: "new_cases"}, {Column: "counts.total", Metric: "total_cases"}}}
	tests := []struct {
		name string
		spec *MappingSpec
		text string
		want []string
		obs  []string // "day new total"
	}{
		{"nested keys, numeric strings, null", nil, `{"meta": {"skip": [1, {"a": 2}]}, "result": {"days": [
  {"when": {"day": "2020-03-01"}, "counts": {"new": "12", "total": null}, "other": [1, 2]},
  {"counts": {"total": 30.0, "new": 3}, "when": {"day": "2020-03-02"}}
]}}`, nil, []string{"2020-03-01 12 -", "2020-03-02 3 30"}},
		{"a byte-order mark", nil, bom + `{"result": {"days": [{"when": {"day": "2020-03-01"}, "counts": {"new": 1}}]}}`, nil,
			[]string{"2020-03-01 1 -"}},
		{"no array at the path", nil, `{"result": {"data": []}}`, []string{"1:0  cases.problem.records_missing"}, nil},
		{"not an array at the path", nil, `{"result": {"days": {"a": 1}}}`, []string{"1:0  cases.problem.records_missing"}, nil},
		{"no records", nil, `{"result": {"days": []}}`, nil, nil},
		{"a record that is no object", nil, "{\"result\": {\"days\": [\n  [1, 2],\n  {\"when\": {\"day\": \"2020-03-01\"}, \"counts\": {\"new\": 1}}]}}",
			[]string{"2:3  cases.problem.record_not_object"}, []string{"2020-03-01 1 -"}},
		{"a fraction", nil, "{\"result\": {\"days\": [\n  {\"when\": {\"day\": \"2020-03-01\"},\n   \"counts\": {\"new\": 1.5}}]}}",
			[]string{"3:22 counts.new cases.problem.number_fraction"}, nil},
		{"true is no number", nil, `{"result": {"days": [{"when": {"day": "2020-03-01"}, "counts": {"new": true}}]}}`,
			[]string{"1:72 counts.new cases.problem.number_invalid"}, nil},
		{"no date", nil, "{\"result\": {\"days\": [\n  {\"counts\": {\"new\": 1}}]}}",
			[]string{"2:3 when.day cases.problem.value_missing"}, nil},
		{"a date", nil, "{\"result\": {\"days\": [\n  {\"when\": {\"day\": \"1 March\"}, \"counts\": {\"new\": 1}}]}}",
			[]string{"2:20 when.day cases.problem.date_invalid"}, nil},
		{"not UTF-8", nil, "{\"result\": {\"days\": [\n  {\"when\": {\"day\": \"2020-03-01\xff\"}, \"counts\": {\"new\": 1}}]}}",
			[]string{"2:20 when.day cases.problem.not_utf8"}, nil},
		{"truncated", nil, "{\"result\": {\"days\": [\n  {\"when\": {\"day\": \"2020-03-01\"}, \"counts\": {\"new\": 1}},\n  {\"when\": {\"da",
			[]string{"3:16  cases.problem.json_truncated"}, []string{"2020-03-01 1 -"}},
		{"truncated after a record", nil, "{\"result\": {\"days\": [\n  {\"when\": {\"day\": \"2020-03-01\"}, \"counts\": {\"new\": 1}}",
			[]string{"2:56  cases.problem.json_truncated"}, []string{"2020-03-01 1 -"}},
		{"not JSON", nil, "{\"result\": {\"days\": [\n  {\"when\": {\"day\": \"2020-03-01\"}; \"counts\": {}}]}}",
			[]string{"2:33  cases.problem.json_syntax"}, nil},
		{"empty", nil, "", []string{"1:0  cases.problem.file_empty"}, nil},
		{"a top-level array", &MappingSpec{Format: "json", Date: DateColumn{Column: "d", Layout: "2006/1/2"}, Area: AreaColumn{Column: "a"},
			Metrics: []MetricColumn{{Column: "n", Metric: "new_cases"}}}, `[{"d": "2021/2/6", "a": "tokyo", "n": 5}, {"d": "2021/2/7", "a": 77, "n": 6}]`,
			nil, []string{"2021-02-06 5 -", "2021-02-07 6 -"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spec
			if tt.spec != nil {
				s = *tt.spec
			}
			rd := openMapping(t, s, "f.json", strings.NewReader(tt.text))
			obs := readAll(t, rd)
			if got := problemLines(rd); !slices.Equal(got, tt.want) {
				t.Errorf("problems %q; want %q", got, tt.want)
			}
			var got []string
			for _, o := range obs {
				total := "-"
				if v, ok := o.Get(TotalCases); ok {
					total = itoa(v)
				}
				got = append(got, o.Day.String()+" "+itoa(value1(o, NewCases))+" "+total)
			}
			if !slices.Equal(got, tt.obs) {
				t.Errorf("observations %q; want %q", got, tt.obs)
			}
		})
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestMappingJSONStreams(t *testing.T) {
	// 100,000 records, one a line: the reader keeps only the newlines of its look-ahead.
	const n = 100_000
	var b strings.Builder
	b.WriteString(`{"data": [` + "\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"d": "2020-01-01", "n": ` + itoa(int64(i)) + `}`)
	}
	b.WriteString("\n]}")
	spec := MappingSpec{Format: "json", Records: "data", Date: DateColumn{Column: "d", Layout: "iso"}, Area: AreaColumn{Code: "tokyo"},
		Metrics: []MetricColumn{{Column: "n", Metric: "new_cases"}}}
	rd := openMapping(t, spec, "big.json", strings.NewReader(b.String()))
	count := 0
	for {
		o, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if o.Pos.Line != count+2 || value1(o, NewCases) != int64(count) {
			t.Fatalf("record %d at line %d with %d", count, o.Pos.Line, value1(o, NewCases))
		}
		count++
		if lc := rd.(*mappingJSON).js.lc; cap(lc.newlines) > 4096 {
			t.Fatalf("after %d records the reader keeps room for %d newlines", count, cap(lc.newlines))
		}
	}
	if count != n {
		t.Errorf("%d records; want %d", count, n)
	}
}

func TestMappingJSONPositionsAnyReads(t *testing.T) {
	// Positions must not depend on how the input arrives: byte by byte, the decoder's buffer ends
	// between every token and the next.
	file := "tokyo-metro-gov-covid19/daily_positive_detail.json"
	b, err := io.ReadAll(openData(t, file))
	if err != nil {
		t.Fatal(err)
	}
	spec := loadMapping(t, "tokyo")
	want := readAll(t, openMapping(t, spec, file, strings.NewReader(string(b))))
	got := readAll(t, openMapping(t, spec, file, iotest.OneByteReader(strings.NewReader(string(b)))))
	if !slices.Equal(got, want) {
		t.Errorf("read byte by byte, the observations differ")
	}
	body := "{\"source\": \"taipei-reports\",\n \"observations\": [\n  {\"area\": \"taipei\", \"date\": \"2026-11-20\", \"new_cases\": 1.5},\n  [1]\n ]}"
	var lines [2][]string
	for i, r := range []io.Reader{strings.NewReader(body), iotest.OneByteReader(strings.NewReader(body))} {
		_, rd, err := DecodePush(r)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, rd)
		lines[i] = problemLines(rd)
	}
	if want := []string{"3:57 new_cases cases.problem.number_fraction", "4:3  cases.problem.record_not_object"}; !slices.Equal(lines[0], want) || !slices.Equal(lines[1], want) {
		t.Errorf("problems %q and, byte by byte, %q; want %q", lines[0], lines[1], want)
	}
}
