package series

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/citypact/citypact/internal/cases"
)

func TestParseQuery(t *testing.T) {
	day := func(s string) cases.Day {
		d, err := cases.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name   string
		query  string
		want   Query
		fields []string // the parameters named by field errors
	}{
		{"defaults", "", Query{Metric: cases.NewCases, Kind: Avg7}, nil},
		{"full", "areas=KOR,taipei&areas=JPN&metric=total_deaths&kind=value&per100k=1&scale=log&from=2020-03-01&to=2020-04-01&source=owid",
			Query{Areas: []string{"KOR", "taipei", "JPN"}, Metric: cases.TotalDeaths, Kind: Value, Per100k: true, Log: true,
				From: day("2020-03-01"), To: day("2020-04-01"), Source: "owid"}, nil},
		{"repeats and blanks dropped", "areas=KOR,,KOR&areas=", Query{Areas: []string{"KOR"}, Metric: cases.NewCases, Kind: Avg7}, nil},
		{"bad code", "areas=K%3COR", Query{Metric: cases.NewCases, Kind: Avg7}, []string{"areas"}},
		{"nine areas", "areas=a1,a2,a3,a4,a5,a6,a7,a8,a9", Query{Areas: []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"}, Metric: cases.NewCases, Kind: Avg7}, []string{"areas"}},
		{"unknown metric and kind", "metric=cases&kind=avg14", Query{Kind: Avg7}, []string{"metric", "kind"}},
		{"bad flags", "per100k=yes&scale=cubic", Query{Metric: cases.NewCases, Kind: Avg7}, []string{"per100k", "scale"}},
		{"bad dates", "from=2020-02-30&to=yesterday", Query{Metric: cases.NewCases, Kind: Avg7}, []string{"from", "to"}},
		{"reversed", "from=2020-04-01&to=2020-03-01", Query{Metric: cases.NewCases, Kind: Avg7, From: day("2020-04-01"), To: day("2020-03-01")}, []string{"from"}},
		{"too long", "from=2000-01-01&to=2020-03-01", Query{Metric: cases.NewCases, Kind: Avg7, From: day("2000-01-01"), To: day("2020-03-01")}, []string{"from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, errs := ParseQuery(v)
			var fields []string
			for _, e := range errs {
				fields = append(fields, e.Field)
			}
			if !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("field errors on %v, want %v", fields, tt.fields)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A query written to a URL and read back is the same query: shared chart links show what their
// author saw.
func TestQueryValuesRoundTrip(t *testing.T) {
	q := Query{Areas: []string{"KOR", "taipei"}, Metric: cases.Hospitalised, Kind: WeekOnWeek, Per100k: true, Log: true, From: 18300, To: 18400, Source: "owid"}
	back, errs := ParseQuery(q.Values())
	if len(errs) > 0 || !reflect.DeepEqual(back, q) {
		t.Fatalf("round trip: %+v %v, want %+v", back, errs, q)
	}
	if a, b := (Query{Areas: []string{"KOR"}, Metric: cases.NewCases, Kind: Avg7}).Values().Encode(), "areas=KOR&kind=avg7&metric=new_cases"; a != b {
		t.Errorf("encoded %q, want %q", a, b)
	}
}
