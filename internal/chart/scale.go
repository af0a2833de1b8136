package chart

import (
	"math"
	"time"
)

// linearTicks returns four to six evenly spaced ticks covering lo…hi, 1, 2 or 5 × 10ⁿ apart, and
// that step. The first and last tick are the ends of the axis.
func linearTicks(lo, hi float64) (ticks []float64, step float64) {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		hi = lo + 1
	}
	e := int(math.Floor(math.Log10((hi-lo)/6))) - 1
	var prev []float64
	var prevStep float64
	for i := 0; i < 40; i++ { // 40 steps span 10¹²: more only for ranges no chart has
		step = [3]float64{1, 2, 5}[i%3] * math.Pow10(e+i/3)
		a := math.Floor(lo/step + 1e-9)
		b := math.Ceil(hi/step - 1e-9)
		n := int(b-a) + 1
		if n <= 6 {
			if n < 4 && prev != nil && len(prev) <= 8 {
				// From too many to too few: more ticks read better than too few.
				return prev, prevStep
			}
			ticks = make([]float64, n)
			for j := range ticks {
				ticks[j] = (a + float64(j)) * step
			}
			return ticks, step
		}
		if n <= 8 {
			prev, prevStep = make([]float64, n), step
			for j := range prev {
				prev[j] = (a + float64(j)) * step
			}
		} else {
			prev = nil
		}
	}
	return []float64{lo, hi}, hi - lo
}

// decimals returns how many decimals the labels of ticks step apart need.
func decimals(step float64) int {
	return max(0, -int(math.Floor(math.Log10(step)+1e-9)))
}

// logTicks returns the powers of ten that cover lo…hi (both > 0): at most six, every kth power
// when the range spans more decades. The first and last tick are the ends of the axis.
func logTicks(lo, hi float64) []float64 {
	pl := int(math.Floor(math.Log10(lo) + 1e-9))
	ph := int(math.Ceil(math.Log10(hi) - 1e-9))
	if ph <= pl {
		ph = pl + 1
	}
	k := (ph - pl + 4) / 5 // ceil((ph−pl)/5): at most five gaps
	n := (ph - pl + k - 1) / k
	ticks := make([]float64, n+1)
	for j := range ticks {
		ticks[j] = math.Pow10(pl + j*k)
	}
	return ticks
}

// A dateTick is a labelled day on the time axis: index i of the series.
type dateTick struct {
	i     int
	label string
}

type dateUnit uint8

const (
	byDay dateUnit = iota
	byWeek
	byMonth
	byYear
)

// dateSteps are the tick intervals tried, shortest first.
var dateSteps = []struct {
	unit dateUnit
	k    int
}{
	{byDay, 1}, {byDay, 2}, {byWeek, 1}, {byWeek, 2},
	{byMonth, 1}, {byMonth, 2}, {byMonth, 3}, {byMonth, 6},
	{byYear, 1}, {byYear, 2}, {byYear, 5}, {byYear, 10}, {byYear, 20}, {byYear, 50}, {byYear, 100},
}

// labelChars is the length of a date label: 2006-01-02, 2006-01, 2006.
var labelChars = [...]int{byDay: 10, byWeek: 10, byMonth: 7, byYear: 4}

// dateTicks picks the shortest interval whose labels fit in width pixels for n days from start
// (a day number, counted from 1970-01-01): days, Mondays, first days of months or of years, on
// multiples of the interval so that the same day is labelled whatever the first day shown.
func dateTicks(start, n int, width float64) []dateTick {
	if n <= 0 {
		return nil
	}
	var ticks []dateTick
	for _, s := range dateSteps {
		limit := max(2, int(width/(float64(labelChars[s.unit])*charWidth+24)))
		ticks = datesEvery(ticks[:0], s.unit, s.k, start, start+n-1, limit+1)
		if len(ticks) <= limit {
			break
		}
	}
	return ticks
}

// datesEvery appends the ticks every k units from day first to day last, stopping after limit.
func datesEvery(ticks []dateTick, unit dateUnit, k, first, last, limit int) []dateTick {
	add := func(d int, layout string) bool {
		ticks = append(ticks, dateTick{d - first, dayTime(d).Format(layout)})
		return len(ticks) < limit
	}
	switch unit {
	case byDay:
		for d := first + mod(-first, k); d <= last && add(d, time.DateOnly); d += k {
		}
	case byWeek:
		// Day 0 was a Thursday, so Mondays are the days with (d+3) % 7 == 0.
		d := first + mod(-(first+3), 7)
		for mod((d+3)/7, k) != 0 {
			d += 7
		}
		for ; d <= last && add(d, time.DateOnly); d += 7 * k {
		}
	case byMonth:
		t := dayTime(first)
		m := t.Year()*12 + int(t.Month()) - 1
		if t.Day() != 1 {
			m++
		}
		m += mod(-m, k)
		for ; ; m += k {
			d := dayNumber(time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC))
			if d > last || !add(d, "2006-01") {
				break
			}
		}
	case byYear:
		t := dayTime(first)
		y := t.Year()
		if t.YearDay() != 1 {
			y++
		}
		y += mod(-y, k)
		for ; ; y += k {
			d := dayNumber(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
			if d > last || !add(d, "2006") {
				break
			}
		}
	}
	return ticks
}

// mod is the remainder of a/b with the sign of b.
func mod(a, b int) int { return ((a % b) + b) % b }

// dayNumber returns the civil day of t, in t's own location, counted from 1970-01-01.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayTime(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }
