package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// benchBoardThreads is how many threads BenchmarkBoardSearch searches, each with two answers.
const benchBoardThreads = 2000

// BenchmarkBoardSearch measures a board search as a visitor, on a public board of
// benchBoardThreads questions in Korean and English with two answers each: a word in every
// thread (the candidate bound applies), a Korean word in a third of them, and a rare one.
//
//	go test ./internal/store -run '^$' -bench BoardSearch -benchtime 200x
func BenchmarkBoardSearch(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			dsn := dbtest.SQLite(b)
			if engine == "postgres" {
				dsn = dbtest.Postgres(b)
			}
			var mu sync.Mutex
			now := epoch
			db, err := store.Open(context.Background(), dsn, store.Options{Now: func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				now = now.Add(3 * time.Minute) // one poster stays under the rate limit
				return now
			}})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			bs := db.BoardStore()
			adm := benchUser(b, db, "admin@hub.example", citypact.RoleAdmin, 0)
			bd := board.Board{Slug: "ask", Kind: board.KindQuestions, Scope: board.PublicScope, Names: map[string]string{"en": "Ask"}}
			if err := bs.CreateBoard(ctxAs(adm.Actor()), &bd); err != nil {
				b.Fatal(err)
			}
			poster := ctxAs(adm.Actor())
			for i := range benchBoardThreads {
				th := board.Thread{BoardID: bd.ID, Lang: "en", Title: fmt.Sprintf("Mask supply question %d", i),
					Body: "How many masks and gowns does your city keep in stock for its screening clinics?"}
				if i%3 == 0 {
					th.Lang, th.Title, th.Body = "ko", fmt.Sprintf("마스크 비축 질문 %d", i), "선별진료소에서 쓸 마스크와 방호복을 얼마나 비축하고 있습니까? 확진자가 늘고 있습니다."
				}
				if i == benchBoardThreads/2 {
					th.Body += " Ventilators too."
				}
				if err := bs.CreateThread(poster, &th); err != nil {
					b.Fatal(err)
				}
				for range 2 {
					p := board.Post{ThreadID: th.ID, Kind: board.PostAnswer, Lang: "en",
						Body: "We keep three months of masks; the city's warehouse delivers to each clinic every week."}
					if err := bs.CreatePost(poster, &p); err != nil {
						b.Fatal(err)
					}
				}
			}
			for _, q := range []string{"masks", "확진", "ventilators"} {
				b.Run(q, func(b *testing.B) {
					var durs []time.Duration
					for b.Loop() {
						start := time.Now()
						if _, err := bs.Search(context.Background(), board.SearchQuery{Text: q}); err != nil {
							b.Fatal(err)
						}
						durs = append(durs, time.Since(start))
					}
					reportLatency(b, durs)
				})
			}
		})
	}
}
