package series

import (
	"math"

	"github.com/citypact/citypact/internal/cases"
)

// Compute returns figure k of metric m for each day from from to to, inclusive. A zero from or to
// stands for the first or the last day of points. points must be in day order; they may have gaps,
// may start before from (earlier days feed running totals and averages) and may be empty; days
// after to are ignored. When per100k is set, values and averages are divided by population and
// multiplied by 100,000.
//
// The rules, each the answer to "what if a day is missing?":
//
//   - Value. A metric's value on a day is the value reported for it. A daily metric (new cases,
//     deaths, tests) not reported on day d is cum(d) − cum(d−1) of its cumulative pair when the
//     source reported both days; a negative result is kept, because it is the source correcting
//     an earlier count and hiding it would hide the correction. Only reported totals count here:
//     a total that is itself derived from daily values cannot tell anything new about them.
//   - A cumulative metric not reported on day d is the running sum of daily values from the
//     last day its total is known (its anchor), or from the first day the metric or its pair is
//     reported, counting from zero, when every daily value since then is known. A gap in the
//     daily values leaves the total unknown until the next reported total.
//   - Stocks (people in hospital, in intensive care) are never derived: a stock is unknown on a
//     day it was not reported.
//   - Avg7 on d is the mean of the seven daily values d−6…d when all seven are known; otherwise
//     (cum(d) − cum(d−7)) / 7 when both totals are known, reported or derived, which keeps the
//     average right across a gap in daily reports (a weekend batch reported on Monday); otherwise
//     unknown. For a cumulative metric it is the average of its daily pair (of the day-to-day
//     increase when it has none); for a stock the mean of seven known days.
//   - Per 100,000: value / population × 100,000. When population ≤ 0 every value is unknown,
//     never a division by zero. Week-on-week changes and doubling times are ratios: per100k and
//     population do not change them.
//   - WeekOnWeek on d: (avg7(d) − avg7(d−7)) / avg7(d−7) × 100; unknown when either average is
//     unknown or avg7(d−7) is not above zero (no base to compare with; against a negative average,
//     left by corrections, the sign of a percentage would mislead).
//   - Doubling on d: 7 × ln 2 / ln(cum(d) / cum(d−7)) when cum(d) > cum(d−7) > 0, with the totals
//     known or derived as above; unknown otherwise, since a total that does not grow has no
//     doubling time. A daily metric uses its cumulative pair; a stock its own level (the number
//     of people in hospital doubling).
func Compute(points []cases.Point, m cases.Metric, k Kind, population int64, per100k bool, from, to cases.Day) Line {
	first, last, ok := span(points)
	if from == 0 || to == 0 {
		if !ok {
			return Line{From: from}
		}
		if from == 0 {
			from = first
		}
		if to == 0 {
			to = last
		}
	}
	if to < from {
		return Line{From: from}
	}
	out := unknown(from, to)
	if !ok || int(m) >= cases.NumMetrics || k >= numKinds || (per100k && k.Scaled() && population <= 0) || first > to {
		return out
	}

	// Work on dense arrays from the earliest day that matters to to, so that day d is index
	// d−start and day arithmetic is index arithmetic.
	start := min(first, from)
	f := newFigures(points, m, start, to)
	var src []float64
	switch k {
	case Value:
		src = f.value
	case Avg7:
		src = f.avg7()
	case WeekOnWeek:
		src = weekOnWeek(f.avg7())
	case Doubling:
		src = doubling(f.total)
	}
	copy(out.V, src[from-start:])
	if per100k && k.Scaled() {
		scale := 100_000 / float64(population)
		for i, v := range out.V {
			out.V[i] = v * scale
		}
	}
	return out
}

// span returns the first and last day of points (which are in day order).
func span(points []cases.Point) (first, last cases.Day, ok bool) {
	if len(points) == 0 {
		return 0, 0, false
	}
	return points[0].Day, points[len(points)-1].Day, true
}

// unknown returns a line from from to to with every value unknown.
func unknown(from, to cases.Day) Line {
	l := Line{From: from}
	if to >= from {
		l.V = make([]float64, int(to-from)+1)
		fill(l.V, math.NaN())
	}
	return l
}

func fill(v []float64, x float64) {
	for i := range v {
		v[i] = x
	}
}

func known(x float64) bool { return !math.IsNaN(x) }

// figures are one metric's dense arrays, index i being day start+i.
type figures struct {
	value []float64 // the metric itself
	daily []float64 // the daily flow; nil for a stock
	total []float64 // the cumulative total; for a stock, its level
}

func newFigures(points []cases.Point, m cases.Metric, start, to cases.Day) figures {
	n := int(to-start) + 1
	pair, hasPair := m.Pair()
	switch {
	case m.Cumulative() && hasPair:
		daily, total := flows(points, pair, true, m, start, n)
		return figures{value: total, daily: daily, total: total}
	case m.Cumulative():
		daily, total := flows(points, 0, false, m, start, n)
		return figures{value: total, daily: daily, total: total}
	case hasPair:
		daily, total := flows(points, m, true, pair, start, n)
		return figures{value: daily, daily: daily, total: total}
	}
	level := reported(points, m, start, n)
	return figures{value: level, total: level}
}

// reported returns the values of m as reported, NaN where not.
func reported(points []cases.Point, m cases.Metric, start cases.Day, n int) []float64 {
	v := make([]float64, n)
	fill(v, math.NaN())
	for j := range points {
		p := &points[j] // a Point is ~100 bytes: no copy
		i := int(p.Day - start)
		if i < 0 || i >= n {
			continue
		}
		if p.Has&(1<<m) != 0 { // p.Get(m), without copying the Values
			v[i] = float64(p.V[m])
		}
	}
	return v
}

// flows derives a daily metric d (absent when !hasDaily) and its cumulative pair c from each
// other, by the rules in Compute's comment.
func flows(points []cases.Point, d cases.Metric, hasDaily bool, c cases.Metric, start cases.Day, n int) (daily, total []float64) {
	rc := reported(points, c, start, n)
	if hasDaily {
		daily = reported(points, d, start, n)
	} else {
		daily = make([]float64, n)
		fill(daily, math.NaN())
	}
	for i := 1; i < n; i++ {
		if !known(daily[i]) && known(rc[i]) && known(rc[i-1]) {
			daily[i] = rc[i] - rc[i-1]
		}
	}

	total = rc // reported totals stay; the gaps are filled in place
	prev, prevKnown, started := 0.0, true, false
	for i := range n {
		if !started {
			// Before the first day either figure is reported the total is unknown; from
			// that day, the sum starts from zero.
			if !known(rc[i]) && !known(daily[i]) {
				continue
			}
			started = true
		}
		switch {
		case known(total[i]):
			prev, prevKnown = total[i], true
		case prevKnown && known(daily[i]):
			prev += daily[i]
			total[i] = prev
		default:
			prevKnown = false
		}
	}
	return daily, total
}

// avg7 returns the 7-day average of the daily figure (of the level for a stock).
func (f figures) avg7() []float64 {
	if f.daily == nil {
		return mean7(f.value, nil)
	}
	return mean7(f.daily, f.total)
}

// mean7 returns the mean of v over each 7-day window whose values are all known, and where one is
// not, (total[i] − total[i−7]) / 7 when total is given and both are known.
func mean7(v, total []float64) []float64 {
	out := make([]float64, len(v))
	sum, n := 0.0, 0 // over the known values of the window; exact, since the values are integers
	for i, x := range v {
		if known(x) {
			sum += x
			n++
		}
		if i >= 7 && known(v[i-7]) {
			sum -= v[i-7]
			n--
		}
		switch {
		case i >= 6 && n == 7:
			out[i] = sum / 7
		case total != nil && i >= 7 && known(total[i]) && known(total[i-7]):
			out[i] = (total[i] - total[i-7]) / 7
		default:
			out[i] = math.NaN()
		}
	}
	return out
}

func weekOnWeek(avg []float64) []float64 {
	out := make([]float64, len(avg))
	for i := range out {
		out[i] = math.NaN()
		if i >= 7 && avg[i-7] > 0 && known(avg[i]) {
			out[i] = (avg[i] - avg[i-7]) / avg[i-7] * 100
		}
	}
	return out
}

func doubling(total []float64) []float64 {
	out := make([]float64, len(total))
	for i := range out {
		out[i] = math.NaN()
		if i >= 7 && total[i-7] > 0 && total[i] > total[i-7] {
			out[i] = 7 * math.Ln2 / math.Log(total[i]/total[i-7])
		}
	}
	return out
}
