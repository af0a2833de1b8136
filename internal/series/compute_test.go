package series

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/cases"
)

// d0 is day 0 of the test series: 2020-03-01.
const d0 cases.Day = 18322

// u marks an unknown value in an expectation.
var u = math.NaN()

// obs is one day's report in a test series.
type obs map[cases.Metric]int64

const (
	nc = cases.NewCases
	tc = cases.TotalCases
	nt = cases.NewTests
	tt = cases.TotalTests
	ho = cases.Hospitalised
	vd = cases.VaccineDoses
)

// days returns one point a day from d0 on; a nil obs is a day without a report.
func days(rows ...obs) []cases.Point {
	var ps []cases.Point
	for i, r := range rows {
		if r == nil {
			continue
		}
		p := cases.Point{Day: d0 + cases.Day(i)}
		for m, v := range r {
			p.Set(m, v)
		}
		ps = append(ps, p)
	}
	return ps
}

// each returns n days reporting metric m as v.
func each(n int, m cases.Metric, v int64) []obs {
	rows := make([]obs, n)
	for i := range rows {
		rows[i] = obs{m: v}
	}
	return rows
}

// join concatenates runs of days.
func join(runs ...[]obs) []obs {
	var all []obs
	for _, r := range runs {
		all = append(all, r...)
	}
	return all
}

// unknowns returns n unknown values followed by vs.
func unknowns(n int, vs ...float64) []float64 {
	out := make([]float64, n, n+len(vs))
	for i := range out {
		out[i] = u
	}
	return append(out, vs...)
}

func TestCompute(t *testing.T) {
	const million = 1_000_000
	tests := []struct {
		name     string
		rows     []obs
		m        cases.Metric
		k        Kind
		pop      int64
		per100k  bool
		from, to int // offsets from d0
		want     []float64
	}{
		// Values, and how missing days are derived.
		{name: "daily with a gap", rows: []obs{{nc: 1}, {nc: 2}, nil, {nc: 4}},
			m: nc, to: 3, want: []float64{1, 2, u, 4}},
		{name: "a day reported without the metric is a gap", rows: []obs{{nc: 1}, {ho: 9}, {nc: 4}},
			m: nc, to: 2, want: []float64{1, u, 4}},
		{name: "cumulative only (JHU) gives daily values", rows: []obs{{tc: 10}, {tc: 12}, {tc: 15}, {tc: 15}, {tc: 20}},
			m: nc, to: 4, want: []float64{u, 2, 3, 0, 5}},
		{name: "daily from totals needs both days", rows: []obs{{tc: 10}, nil, {tc: 15}, {tc: 18}},
			m: nc, to: 3, want: []float64{u, u, u, 3}},
		{name: "negative correction is kept", rows: []obs{{tc: 10}, {tc: 12}, {tc: 11}},
			m: nc, to: 2, want: []float64{u, 2, -1}},
		{name: "reported daily wins over totals", rows: []obs{{nc: 5, tc: 10}, {nc: 3, tc: 20}},
			m: nc, to: 1, want: []float64{5, 3}},
		{name: "daily from totals uses reported totals only", rows: []obs{{nc: 5}, {tc: 12}},
			m: nc, to: 1, want: []float64{5, u}},
		{name: "daily only gives totals", rows: []obs{{nc: 1}, {nc: 2}, {nc: 3}},
			m: tc, to: 2, want: []float64{1, 3, 6}},
		{name: "totals run on from an anchor", rows: []obs{{tc: 100}, {nc: 5}, {nc: 6}, {nc: 7}},
			m: tc, to: 3, want: []float64{100, 105, 111, 118}},
		{name: "daily gap leaves the total unknown until the next reported one",
			rows: []obs{{nc: 1}, {nc: 2}, nil, {nc: 4}, {nc: 5, tc: 20}, {nc: 1}},
			m:    tc, to: 5, want: []float64{1, 3, u, u, 20, 21}},
		{name: "reported total wins over the running sum", rows: []obs{{nc: 1}, {nc: 2, tc: 10}, {nc: 3}},
			m: tc, to: 2, want: []float64{1, 10, 13}},
		{name: "running sum starts when the metric does", rows: []obs{{ho: 5}, {ho: 6, nt: 100}, {nt: 50}},
			m: tt, to: 2, want: []float64{u, 100, 150}},
		{name: "mixed daily and totals", rows: []obs{{tc: 10}, {nc: 3}, {tc: 20}, {tc: 26}},
			m: nc, to: 3, want: []float64{u, 3, u, 6}},
		{name: "stock is never derived", rows: []obs{{ho: 5}, nil, {ho: 7}},
			m: ho, to: 2, want: []float64{5, u, 7}},
		{name: "cumulative without a pair", rows: []obs{{vd: 100}, nil, {vd: 300}},
			m: vd, to: 2, want: []float64{100, u, 300}},

		// 7-day averages.
		{name: "avg7 of seven known days", rows: []obs{{nc: 1}, {nc: 2}, {nc: 3}, {nc: 4}, {nc: 5}, {nc: 6}, {nc: 7}, {nc: 8}},
			m: nc, k: Avg7, to: 7, want: unknowns(6, 4, 5)},
		{name: "avg7 across a daily gap uses totals",
			rows: []obs{{nc: 1}, {nc: 1}, {nc: 1, tc: 3}, {nc: 1}, {nc: 1}, nil, {nc: 1}, {nc: 1}, {nc: 1}, {nc: 1, tc: 20}},
			m:    nc, k: Avg7, to: 9, want: unknowns(9, 17.0/7)},
		{name: "avg7 of a cumulative metric averages its daily pair",
			rows: []obs{{nc: 1}, {nc: 1}, {nc: 1, tc: 3}, {nc: 1}, {nc: 1}, nil, {nc: 1}, {nc: 1}, {nc: 1}, {nc: 1, tc: 20}},
			m:    tc, k: Avg7, to: 9, want: unknowns(9, 17.0/7)},
		{name: "avg7 from totals only, across a missing day",
			rows: []obs{{tc: 0}, {tc: 1}, {tc: 3}, {tc: 6}, nil, {tc: 15}, {tc: 21}, {tc: 28}, {tc: 36}},
			m:    nc, k: Avg7, to: 8, want: unknowns(7, 4, 5)},
		{name: "avg7 keeps a negative correction",
			rows: []obs{{tc: 0}, {tc: 10}, {tc: 20}, {tc: 30}, {tc: 40}, {tc: 50}, {tc: 60}, {tc: 55}},
			m:    nc, k: Avg7, to: 7, want: unknowns(7, 55.0/7)},
		{name: "avg7 of a stock needs seven reported days",
			rows: []obs{{ho: 1}, {ho: 2}, {ho: 3}, {ho: 4}, {ho: 5}, {ho: 6}, {ho: 7}, nil, {ho: 9}},
			m:    ho, k: Avg7, to: 8, want: unknowns(6, 4, u, u)},
		{name: "avg7 of a cumulative metric without a pair",
			rows: []obs{{vd: 0}, nil, nil, nil, nil, nil, nil, {vd: 700}},
			m:    vd, k: Avg7, to: 7, want: unknowns(7, 100)},

		// Per 100,000.
		{name: "per 100k", rows: []obs{{nc: 50}, {nc: 25}},
			m: nc, pop: million, per100k: true, to: 1, want: []float64{5, 2.5}},
		{name: "per 100k with zero population", rows: []obs{{nc: 50}, {nc: 25}},
			m: nc, pop: 0, per100k: true, to: 1, want: []float64{u, u}},
		{name: "per 100k with negative population", rows: []obs{{nc: 50}},
			m: nc, pop: -5, per100k: true, to: 0, want: []float64{u}},
		{name: "population ignored without per100k", rows: []obs{{nc: 50}},
			m: nc, pop: 0, to: 0, want: []float64{50}},
		{name: "avg7 per 100k", rows: each(7, nc, 7),
			m: nc, k: Avg7, pop: 200_000, per100k: true, to: 6, want: unknowns(6, 3.5)},
		{name: "doubling is not scaled", rows: join([]obs{{tc: 100}}, make([]obs, 6), []obs{{tc: 200}}),
			m: tc, k: Doubling, pop: 0, per100k: true, to: 7, want: unknowns(7, 7)},
		{name: "week on week is not scaled", rows: join(each(7, nc, 10), each(7, nc, 15)),
			m: nc, k: WeekOnWeek, pop: 0, per100k: true, to: 13, want: unknowns(13, 50)},

		// Week on week.
		{name: "week on week rise", rows: join(each(7, nc, 10), each(7, nc, 15)),
			m: nc, k: WeekOnWeek, to: 13, want: unknowns(13, 50)},
		{name: "week on week fall", rows: join(each(7, nc, 20), each(7, nc, 15)),
			m: nc, k: WeekOnWeek, to: 13, want: unknowns(13, -25)},
		{name: "week on week with zero base", rows: join(each(7, nc, 0), each(7, nc, 7)),
			m: nc, k: WeekOnWeek, to: 13, want: unknowns(14)},
		{name: "week on week across a daily gap",
			rows: join(each(3, nc, 10), []obs{{nc: 10, tc: 40}}, each(6, nc, 10), []obs{nil, {nc: 10}, {nc: 10}, {tc: 140}}),
			m:    nc, k: WeekOnWeek, to: 13, want: unknowns(13, 0)},

		// Doubling time.
		{name: "doubling in seven days", rows: join([]obs{{tc: 100}}, make([]obs, 6), []obs{{tc: 200}}),
			m: tc, k: Doubling, to: 7, want: unknowns(7, 7)},
		{name: "quadrupling in seven days", rows: join([]obs{{tc: 100}}, make([]obs, 6), []obs{{tc: 400}}),
			m: tc, k: Doubling, to: 7, want: unknowns(7, 3.5)},
		{name: "doubling of a flat series", rows: each(9, tc, 100),
			m: tc, k: Doubling, to: 8, want: unknowns(9)},
		{name: "doubling from zero", rows: join([]obs{{tc: 0}}, make([]obs, 6), []obs{{tc: 50}}),
			m: tc, k: Doubling, to: 7, want: unknowns(8)},
		{name: "doubling after a downward correction", rows: join([]obs{{tc: 100}}, make([]obs, 6), []obs{{tc: 90}}),
			m: tc, k: Doubling, to: 7, want: unknowns(8)},
		{name: "doubling of a daily metric uses its total", rows: join([]obs{{nc: 100}}, each(6, nc, 0), []obs{{nc: 100}}),
			m: nc, k: Doubling, to: 7, want: unknowns(7, 7)},
		{name: "doubling of a stock uses its level", rows: join([]obs{{ho: 10}}, make([]obs, 6), []obs{{ho: 20}}),
			m: ho, k: Doubling, to: 7, want: unknowns(7, 7)},

		// The days asked for.
		{name: "crop keeps earlier days for totals", rows: each(14, nc, 1),
			m: tc, from: 10, to: 12, want: []float64{11, 12, 13}},
		{name: "crop keeps earlier days for averages", rows: each(14, nc, 1),
			m: nc, k: Avg7, from: 7, to: 8, want: []float64{1, 1}},
		{name: "from before the first point", rows: []obs{{nc: 1}, {nc: 2}},
			m: nc, from: -2, to: 1, want: []float64{u, u, 1, 2}},
		{name: "points after to are ignored", rows: []obs{{nc: 1}, {nc: 2}, {nc: 3}},
			m: nc, to: 1, want: []float64{1, 2}},
		{name: "days after the last point", rows: []obs{{nc: 1}, {nc: 2}},
			m: tc, from: 1, to: 3, want: []float64{3, u, u}},
		{name: "range before the first point", rows: []obs{nil, nil, nil, {nc: 1}},
			m: nc, to: 1, want: []float64{u, u}},
		{name: "empty input", m: nc, k: Avg7, to: 2, want: []float64{u, u, u}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := d0+cases.Day(tt.from), d0+cases.Day(tt.to)
			got := Compute(days(tt.rows...), tt.m, tt.k, tt.pop, tt.per100k, from, to)
			if got.From != from {
				t.Errorf("From = %v, want %v", got.From, from)
			}
			if !same(got.V, tt.want) {
				t.Errorf("Compute(%v, %v) = %s, want %s", tt.m, tt.k, show(got.V), show(tt.want))
			}
		})
	}
}

func TestComputeOpenRange(t *testing.T) {
	ps := days(nil, obs{nc: 1}, obs{nc: 2}, nil, obs{nc: 4})
	got := Compute(ps, nc, Value, 0, false, 0, 0)
	if got.From != d0+1 || !same(got.V, []float64{1, 2, u, 4}) {
		t.Errorf("open range = %v %s, want %v [1 2 NaN 4]", got.From, show(got.V), d0+1)
	}
	if got := Compute(nil, nc, Value, 0, false, 0, 0); len(got.V) != 0 {
		t.Errorf("open range of nothing = %s, want no days", show(got.V))
	}
	if got := Compute(ps, nc, Value, 0, false, d0+3, d0+2); len(got.V) != 0 {
		t.Errorf("to before from = %s, want no days", show(got.V))
	}
	for _, k := range []Kind{numKinds, 99} {
		if got := Compute(ps, nc, k, 0, false, d0, d0+4); got.Known() != 0 {
			t.Errorf("kind %d = %s, want all unknown", k, show(got.V))
		}
	}
	if got := Compute(ps, cases.Metric(cases.NumMetrics), Value, 0, false, d0, d0+4); got.Known() != 0 {
		t.Errorf("unknown metric = %s, want all unknown", show(got.V))
	}
}

func TestDailyAndCumulative(t *testing.T) {
	ps := days(obs{tc: 10, ho: 3, vd: 0}, obs{tc: 12, ho: 4, vd: 50}, obs{nc: 5, ho: 5, vd: 80})
	tests := []struct {
		name string
		got  Line
		want []float64
	}{
		{"Daily(new_cases)", Daily(ps, nc), []float64{u, 2, 5}},
		{"Daily(total_cases)", Daily(ps, tc), []float64{u, 2, 5}},
		{"Daily(vaccine_doses)", Daily(ps, vd), []float64{u, 50, 30}},
		{"Daily(hospitalised)", Daily(ps, ho), []float64{3, 4, 5}},
		{"Cumulative(new_cases)", Cumulative(ps, nc), []float64{10, 12, 17}},
		{"Cumulative(total_cases)", Cumulative(ps, tc), []float64{10, 12, 17}},
		{"Cumulative(vaccine_doses)", Cumulative(ps, vd), []float64{0, 50, 80}},
		{"Cumulative(hospitalised)", Cumulative(ps, ho), []float64{u, u, u}},
		{"Cumulative(nothing)", Cumulative(nil, ho), nil},
	}
	for _, tt := range tests {
		wantFrom := d0
		if tt.want == nil {
			wantFrom = 0
		}
		if tt.got.From != wantFrom || !same(tt.got.V, tt.want) {
			t.Errorf("%s = %v %s, want %v %s", tt.name, tt.got.From, show(tt.got.V), wantFrom, show(tt.want))
		}
	}
}

func TestLine(t *testing.T) {
	l := Line{From: d0, V: []float64{u, 3, -2, 7, u}}
	if got := l.Day(3); got != d0+3 {
		t.Errorf("Day(3) = %v, want %v", got, d0+3)
	}
	if got := l.To(); got != d0+4 {
		t.Errorf("To() = %v, want %v", got, d0+4)
	}
	if d, v, ok := l.Last(); d != d0+3 || v != 7 || !ok {
		t.Errorf("Last() = %v, %v, %v; want %v, 7, true", d, v, ok, d0+3)
	}
	if v, ok := l.Max(); v != 7 || !ok {
		t.Errorf("Max() = %v, %v; want 7, true", v, ok)
	}
	if v, ok := l.Min(); v != -2 || !ok {
		t.Errorf("Min() = %v, %v; want -2, true", v, ok)
	}
	if n := l.Known(); n != 3 {
		t.Errorf("Known() = %d, want 3", n)
	}

	empty := Line{From: d0, V: []float64{u, u}}
	if _, _, ok := empty.Last(); ok {
		t.Error("Last() of unknowns is ok")
	}
	if _, ok := empty.Max(); ok {
		t.Error("Max() of unknowns is ok")
	}
	if _, ok := (Line{}).Min(); ok {
		t.Error("Min() of no days is ok")
	}
}

func TestKind(t *testing.T) {
	for _, k := range Kinds {
		got, ok := ParseKind(k.String())
		if !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v, true", k.String(), got, ok, k)
		}
	}
	for _, s := range []string{"wow", "avg7", "doubling", "value"} {
		if k, ok := ParseKind(s); !ok || k.String() != s {
			t.Errorf("ParseKind(%q) = %v, %v", s, k, ok)
		}
	}
	for _, s := range []string{"", "Value", "avg", "avg7 "} {
		if _, ok := ParseKind(s); ok {
			t.Errorf("ParseKind(%q) is ok", s)
		}
	}
	if s := Kind(42).String(); s != "" {
		t.Errorf("Kind(42).String() = %q, want \"\"", s)
	}
}

// same reports whether two series are equal, NaN matching NaN, within rounding.
func same(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if math.IsNaN(g) != math.IsNaN(w) || (!math.IsNaN(w) && math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w))) {
			return false
		}
	}
	return true
}

func show(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', 6, 64)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// BenchmarkCompute is 1,000 days of a country reporting everything, with a few gaps.
func BenchmarkCompute(b *testing.B) {
	ps := make([]cases.Point, 0, 1000)
	var total int64
	for i := range 1000 {
		if i%97 == 13 {
			continue // a missing day
		}
		p := cases.Point{Day: d0 + cases.Day(i)}
		n := int64(100 + i%50)
		total += n
		if i%31 != 5 {
			p.Set(nc, n)
		}
		if i%7 == 0 {
			p.Set(tc, total)
		}
		p.Set(ho, int64(i%300))
		ps = append(ps, p)
	}
	for _, k := range Kinds {
		b.Run(k.String(), func(b *testing.B) {
			for b.Loop() {
				Compute(ps, nc, k, 5_000_000, true, d0+100, d0+999)
			}
		})
	}
}
