// Package series computes the figures the hub derives from stored daily values — the value of a
// metric on each day, its 7-day average, its week-on-week change and its doubling time, optionally
// per 100,000 people — in one place, so that charts, tables and the API agree, and so that the
// rules for missing days are written (and tested) once. See Compute for the rules.
//
// It depends only on internal/cases and the standard library; it must never import net/http,
// database/sql, internal/store or internal/web.
package series

import (
	"math"

	"github.com/citypact/citypact/internal/cases"
)

// Kind is the figure Compute derives from a metric.
type Kind uint8

const (
	Value      Kind = iota // the metric itself
	Avg7                   // 7-day rolling average of the daily figure
	WeekOnWeek             // % change of the 7-day average against 7 days earlier
	Doubling               // doubling time, in days, of the cumulative figure over the last 7 days
	numKinds
)

// Kinds lists every kind in display order.
var Kinds = []Kind{Value, Avg7, WeekOnWeek, Doubling}

var kindKeys = [numKinds]string{"value", "avg7", "wow", "doubling"}

// String is the kind's name in URLs and the API: "value", "avg7", "wow", "doubling".
func (k Kind) String() string {
	if k < numKinds {
		return kindKeys[k]
	}
	return ""
}

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, bool) {
	for i, key := range kindKeys {
		if key == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// Scaled reports whether the kind is a count that per-100,000 rates divide by the population.
// Week-on-week changes and doubling times are ratios, the same for any population.
func (k Kind) Scaled() bool { return k == Value || k == Avg7 }

// Line is a computed figure for consecutive days: V[i] is the figure on day From+i, and NaN
// where it is unknown.
type Line struct {
	From cases.Day
	V    []float64
}

// Day returns the day of V[i].
func (l Line) Day(i int) cases.Day { return l.From + cases.Day(i) }

// To returns the last day of the line (From-1 when the line is empty).
func (l Line) To() cases.Day { return l.From + cases.Day(len(l.V)) - 1 }

// Last returns the last known value and its day; ok is false when no value is known.
func (l Line) Last() (day cases.Day, v float64, ok bool) {
	for i := len(l.V) - 1; i >= 0; i-- {
		if !math.IsNaN(l.V[i]) {
			return l.Day(i), l.V[i], true
		}
	}
	return 0, 0, false
}

// Max returns the largest known value; ok is false when no value is known.
func (l Line) Max() (v float64, ok bool) {
	for _, x := range l.V {
		if !math.IsNaN(x) && (!ok || x > v) {
			v, ok = x, true
		}
	}
	return v, ok
}

// Min returns the smallest known value; ok is false when no value is known.
func (l Line) Min() (v float64, ok bool) {
	for _, x := range l.V {
		if !math.IsNaN(x) && (!ok || x < v) {
			v, ok = x, true
		}
	}
	return v, ok
}

// Known counts the days whose value is known.
func (l Line) Known() int {
	n := 0
	for _, x := range l.V {
		if !math.IsNaN(x) {
			n++
		}
	}
	return n
}

// Daily returns the daily figure of m over the days of points (first to last): m itself when it is
// a daily metric, its daily pair when it is cumulative (the day-to-day increase when it has none),
// and the level of a stock. Missing days follow Compute's rules.
func Daily(points []cases.Point, m cases.Metric) Line {
	switch {
	case m.Cumulative():
		if d, ok := m.Pair(); ok {
			m = d
		} else {
			return Compute(points, m, Value, 0, false, 0, 0).increments()
		}
	}
	return Compute(points, m, Value, 0, false, 0, 0)
}

// Cumulative returns the running total of m over the days of points (first to last): m itself when
// it is cumulative, its cumulative pair when it is a daily metric. A stock has no total: every
// value is unknown.
func Cumulative(points []cases.Point, m cases.Metric) Line {
	if !m.Cumulative() {
		c, ok := m.Pair()
		if !ok {
			first, last, ok := span(points)
			if !ok {
				return Line{}
			}
			return unknown(first, last)
		}
		m = c
	}
	return Compute(points, m, Value, 0, false, 0, 0)
}

// increments turns a line of totals into day-to-day differences (unknown on its first day).
func (l Line) increments() Line {
	out := Line{From: l.From, V: make([]float64, len(l.V))}
	for i := range out.V {
		out.V[i] = math.NaN()
		if i > 0 {
			out.V[i] = l.V[i] - l.V[i-1] // NaN when either is
		}
	}
	return out
}
