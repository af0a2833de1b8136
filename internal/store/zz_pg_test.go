package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/store"
)

func BenchmarkZZLoad(b *testing.B) {
	benchLibrary(b, os.Getenv("ZZ_DSN"), benchPractices(b))
	for b.Loop() {
	}
}

func BenchmarkZZSearch(b *testing.B) {
	db, err := store.Open(context.Background(), os.Getenv("ZZ_DSN"), store.Options{ReadConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	t0 := time.Now()
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("migrated in %v", time.Since(t0))
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			var durs []time.Duration
			var res practice.SearchResult
			for b.Loop() {
				start := time.Now()
				if res, err = db.Search(context.Background(), practice.SearchQuery{Text: q.text}); err != nil {
					b.Fatal(err)
				}
				durs = append(durs, time.Since(start))
			}
			reportLatency(b, durs)
			b.ReportMetric(float64(res.Total), "matches")
		})
	}
}
