package series

import (
	"context"

	"github.com/citypact/citypact/internal/cases"
)

// lookback is how many days before a range Compute may read: a week-on-week change compares the
// 7-day average of d−7, which reaches back to the cumulative value of d−14, whose daily value
// needs d−15.
const lookback = 16

// Points reads what Compute needs for metric m over from..to: the days from lookback before from,
// when that window starts on a reported running total (or m needs none), since every figure in
// the range can then be derived from the window alone, exactly as from the whole history; and the
// whole history otherwise (a running total summed from daily values since the first report).
// Reading a window instead of a thousand days is most of a chart's cost.
func Points(ctx context.Context, st cases.Store, areaID, sourceID int64, m cases.Metric, from, to cases.Day) ([]cases.Point, error) {
	if from > lookback {
		pts, err := st.Series(ctx, areaID, sourceID, from-lookback, to)
		if err != nil || anchored(pts, m) {
			return pts, err
		}
	}
	return st.Series(ctx, areaID, sourceID, 0, to)
}

// anchored reports whether a window of points lets Compute derive m as it would from the whole
// history: the metric and its pair have no running total to rebuild, or the window's first day
// reports it (a running sum of daily values restarts at every reported total).
func anchored(pts []cases.Point, m cases.Metric) bool {
	cum, ok := m, m.Cumulative()
	if p, has := m.Pair(); has && !ok {
		cum, ok = p, true
	}
	if !ok {
		return true // a stock: no running total, no derivation across the window's start
	}
	if _, has := m.Pair(); !has {
		return true // a running total without a daily pair (vaccine doses) is never rebuilt
	}
	if len(pts) == 0 {
		return false
	}
	_, reported := pts[0].Get(cum)
	return reported
}
