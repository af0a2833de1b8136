package series

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/citypact/citypact/internal/cases"
)

// Whenever Points would read a window, Compute over the window gives exactly what it gives over
// the whole history, for every metric and kind, on random series with gaps, corrections and
// metrics reported on some days only.
func TestWindowGivesTheWholeHistorysFigures(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	const base = cases.Day(18000)
	windows := 0
	for round := 0; round < 300; round++ {
		var pts []cases.Point
		var total int64
		pDaily, pCum, pGap := rng.Float64(), rng.Float64(), rng.Float64()*0.3
		for d := base; d < base+200; d++ {
			if rng.Float64() < pGap {
				continue
			}
			n := int64(rng.IntN(100)) - 5 // sometimes negative: a correction
			total += n
			var p cases.Point
			p.Day = d
			if rng.Float64() < pDaily {
				p.Set(cases.NewCases, n)
				p.Set(cases.Hospitalised, int64(rng.IntN(50)))
			}
			if rng.Float64() < pCum {
				p.Set(cases.TotalCases, total)
				p.Set(cases.VaccineDoses, total*2)
			}
			pts = append(pts, p)
		}
		from := base + cases.Day(20+rng.IntN(150))
		to := from + cases.Day(rng.IntN(30))
		var window []cases.Point
		for _, p := range pts {
			if p.Day >= from-lookback && p.Day <= to {
				window = append(window, p)
			}
		}
		for _, m := range []cases.Metric{cases.NewCases, cases.TotalCases, cases.Hospitalised, cases.VaccineDoses} {
			if !anchored(window, m) {
				continue
			}
			windows++
			for _, k := range Kinds {
				whole := Compute(pts, m, k, 1000, false, from, to)
				part := Compute(window, m, k, 1000, false, from, to)
				for i := range whole.V {
					a, b := whole.V[i], part.V[i]
					if !(a == b || math.IsNaN(a) && math.IsNaN(b)) {
						t.Fatalf("round %d %s %s day %s: whole history %v, window %v", round, m, k, whole.Day(i), a, b)
					}
				}
			}
		}
	}
	if windows < 300 {
		t.Fatalf("only %d windows were anchored: the test proves little", windows)
	}
}
