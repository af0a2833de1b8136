package store

import (
	"math/rand/v2"
	"testing"

	"github.com/citypact/citypact/internal/cases"
)

// TestDaySeen compares daySeen with a map of every day on rows in the orders files come in:
// sorted one line per day (with gaps), one line for every day, and shuffled; then repeats some
// days, alike and not.
func TestDaySeen(t *testing.T) {
	type row struct {
		day  cases.Day
		line int
		hash uint32
	}
	orders := map[string]func(r *rand.Rand) []row{
		"a line per day": func(r *rand.Rand) []row {
			var out []row
			for d := cases.Day(-300); d < 700; d += cases.Day(1 + r.IntN(3)) {
				out = append(out, row{d, len(out) + 2, uint32(1 + r.IntN(1000))})
			}
			return out
		},
		"one line": func(r *rand.Rand) []row {
			var out []row
			for d := cases.Day(18000); d < 19000; d++ {
				out = append(out, row{d, 7, uint32(1 + r.IntN(1000))})
			}
			return out
		},
		"shuffled": func(r *rand.Rand) []row {
			var out []row
			for d := cases.Day(-1000); d < 1000; d += 3 {
				out = append(out, row{d, 0, uint32(1 + r.IntN(1000))})
			}
			r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
			for i := range out {
				out[i].line = i + 2
			}
			return out
		},
		"sorted, then a late day": func(r *rand.Rand) []row {
			var out []row
			for d := cases.Day(0); d < 500; d++ {
				out = append(out, row{d, len(out) + 2, uint32(1 + r.IntN(1000))})
			}
			return append(out, row{-1, 900, 5})
		},
	}
	for name, order := range orders {
		r := rand.New(rand.NewPCG(1, 2))
		rows := order(r)
		for i := range 200 { // repeats, at the end and in between
			x := rows[r.IntN(len(rows))]
			x.line = 10_000 + i
			if r.IntN(2) == 0 {
				x.hash++
			}
			rows = append(rows, x)
		}
		var s daySeen
		first := map[cases.Day]row{}
		for _, x := range rows {
			seen, same := s.mark(x.day, x.hash, x.line)
			want, wantSeen := first[x.day]
			if seen != wantSeen || (seen && same != (want.hash == x.hash)) {
				t.Fatalf("%s: day %d line %d: seen %v same %v, want %v %v", name, x.day, x.line, seen, same, wantSeen, want.hash == x.hash)
			}
			if seen {
				if got := s.lineOf(x.day); got != want.line {
					t.Fatalf("%s: day %d first on line %d, not %d", name, x.day, want.line, got)
				}
				continue
			}
			first[x.day] = x
		}
	}
}
