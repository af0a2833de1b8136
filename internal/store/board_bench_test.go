package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/store"
)

// benchSubscribers is how many users follow the thread BenchmarkCreatePost posts into.
const benchSubscribers = 200

// BenchmarkCreatePost measures one answer in a network board's thread that benchSubscribers users
// of ten member cities follow: the post, the thread's activity, the rate limit and the fan-out of
// 200 notifications, in one transaction.
//
//	go test ./internal/store -run '^$' -bench CreatePost
func BenchmarkCreatePost(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			dsn := dbtest.SQLite(b)
			if engine == "postgres" {
				dsn = dbtest.Postgres(b)
			}
			// The clock moves three minutes a post, so that one poster stays under the rate limit.
			var mu sync.Mutex
			now := epoch
			db, err := store.Open(context.Background(), dsn, store.Options{Now: func() time.Time {
				mu.Lock()
				defer mu.Unlock()
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
			net := directory.Organisation{Slug: "net", Kind: directory.KindNetwork, Names: names("en", "Net")}
			if err := db.CreateOrganisation(ctxAs(admin), &net); err != nil {
				b.Fatal(err)
			}
			var users []account.User
			for c := range 10 {
				o := directory.Organisation{Slug: fmt.Sprintf("city%d", c), Kind: directory.KindCity, Names: names("en", fmt.Sprintf("City %d", c))}
				if err := db.CreateOrganisation(ctxAs(admin), &o); err != nil {
					b.Fatal(err)
				}
				if err := db.AddMembership(ctxAs(admin), &directory.Membership{NetworkID: net.ID, MemberID: o.ID, Role: directory.RoleMember}); err != nil {
					b.Fatal(err)
				}
				for i := range benchSubscribers / 10 {
					users = append(users, benchUser(b, db, fmt.Sprintf("u%d@city%d.example", i, c), citypact.RoleMember, o.ID))
				}
			}
			bd := board.Board{Slug: "net", Kind: board.KindQuestions, Scope: board.NetworkScope(net.ID), Names: map[string]string{"en": "Net"}}
			if err := bs.CreateBoard(ctxAs(adm.Actor()), &bd); err != nil {
				b.Fatal(err)
			}
			th := board.Thread{BoardID: bd.ID, Title: "Busy thread", Body: "Everyone follows this.", Lang: "en"}
			if err := bs.CreateThread(ctxAs(users[0].Actor()), &th); err != nil {
				b.Fatal(err)
			}
			for _, u := range users[1:] {
				s := board.Subscription{Kind: board.FollowThread, TargetID: th.ID}
				if err := bs.Subscribe(ctxAs(u.Actor()), &s); err != nil {
					b.Fatal(err)
				}
			}
			poster := ctxAs(users[1].Actor())
			var durs []time.Duration
			for b.Loop() {
				mu.Lock()
				now = now.Add(3 * time.Minute)
				mu.Unlock()
				p := board.Post{ThreadID: th.ID, Kind: board.PostAnswer, Body: "Another answer.", Lang: "en"}
				start := time.Now()
				if err := bs.CreatePost(poster, &p); err != nil {
					b.Fatal(err)
				}
				durs = append(durs, time.Since(start))
			}
			reportLatency(b, durs)
		})
	}
}

func benchUser(b *testing.B, db *store.DB, email string, role citypact.Role, org int64) account.User {
	b.Helper()
	u := account.User{Email: email, Name: email, Lang: i18n.EN, Role: role, OrgID: org,
		PasswordHash: "$argon2id$fake", PasswordChangedAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}
	if err := db.CreateUser(ctxAs(admin), &u); err != nil {
		b.Fatal(err)
	}
	return u
}
