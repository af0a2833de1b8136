package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/search"
)

// TestTermTable reads every token's count out of term tables with the very expression the
// candidate query uses, on PostgreSQL: a repeated token its count (at most 255), any other token,
// present once or absent, 1. The documents: none, no repeats, a few, counts past a byte, and
// random ones large enough that tables must grow to place every token near its home.
func TestTermTable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, dbtest.Postgres(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(words, vocabulary int) string {
		var b strings.Builder
		for range words {
			fmt.Fprintf(&b, "w%c%c ", 'a'+rng.IntN(vocabulary)%26, 'a'+rng.IntN(vocabulary)/26%26)
		}
		return b.String()
	}
	docs := map[string]string{
		"empty":      "",
		"no repeats": "one two three 확진",
		"a few":      "mask mask gown mask 확진 확진 防疫",
		"past 255":   strings.Repeat("mask ", 300) + "gown gown",
		"random":     random(3000, 676),
		"korean":     search.Index(strings.Repeat("확진자 격리 병상 확보와 방역 수칙 ", 7) + "선별진료소"),
	}
	for name, index := range docs {
		t.Run(name, func(t *testing.T) {
			table := pgTermTable(index)
			if len(table)%4 != 0 {
				t.Fatalf("table of %d bytes, not whole slots", len(table))
			}
			want := map[string]int{"absent": 1, "zzz": 1}
			for _, tok := range strings.Fields(index) {
				want[tok]++
			}
			for tok, n := range want {
				if n > 1 && tok != "absent" && tok != "zzz" {
					want[tok] = min(n, 255)
				} else {
					want[tok] = 1
				}
			}
			for tok, n := range want {
				var args []any
				arg := func(v any) int { args = append(args, v); return len(args) }
				expr := pgTermCount(tok, arg)
				var got int
				q := fmt.Sprintf(`SELECT %s FROM (SELECT $%d::bytea AS index_tc) s`, expr, arg(table))
				if err := db.r.QueryRowContext(ctx, q, args...).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != n {
					t.Errorf("count of %q = %d, want %d", tok, got, n)
				}
			}
		})
	}
}
