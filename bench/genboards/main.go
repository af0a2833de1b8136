// Command genboards fills a database with the cities network of the size the boards' benchmarks
// in docs/BENCHMARKS.md use: the demo hub plus N users in its cities, a public questions board,
// threads of 20 answers each (100,000 posts in all by default) and subscriptions of users to
// threads. It is a benchmark tool, not part of citypact: users and the board go through the
// store, the bulk of threads, posts and subscriptions through plain multi-row INSERTs in a few
// transactions, as the store's one-post-at-a-time path (with its fan-out) would take hours.
//
//	go run ./bench/genboards --database sqlite:/tmp/boards.db --users 10000 --posts 100000 --subscriptions 200000
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/demo"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/store"
)

// answersPerThread is how many answers each generated thread has: the thread page the benchmark
// measures has this many.
const answersPerThread = 20

func main() {
	dsn := flag.String("database", "sqlite:./data/boards.db", "database")
	nUsers := flag.Int("users", 10000, "generated users")
	nPosts := flag.Int("posts", 100000, "generated answers")
	nSubs := flag.Int("subscriptions", 200000, "generated subscriptions to threads")
	flag.Parse()
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "genboards", Role: citypact.RoleAdmin})
	db, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db); err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	var cities []int64
	orgs, err := db.FindOrganisations(ctx, directory.Filter{Kind: directory.KindCity, Page: citypact.Page{Limit: 1000}})
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range orgs {
		cities = append(cities, o.ID)
	}
	if len(cities) == 0 {
		log.Fatal("the demo hub has no cities")
	}
	now := time.Now().UTC()
	users := make([]account.User, 0, *nUsers)
	for i := range *nUsers {
		u := account.User{Email: fmt.Sprintf("user%05d@bench.example", i), Name: fmt.Sprintf("Bench user %05d", i),
			Lang: i18n.Langs[i%len(i18n.Langs)], Role: citypact.RoleMember, OrgID: cities[i%len(cities)],
			PasswordHash:      "$argon2id$v=19$m=19456,t=2,p=1$bm90LWEtcmVhbC1oYXNo$bm90LWEtcmVhbC1oYXNo", // never signs in
			PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateUser(ctx, &u); err != nil {
			log.Fatal(err)
		}
		users = append(users, u)
	}
	log.Printf("%d users in %v", len(users), time.Since(start))
	admin := account.User{Email: "admin@bench.example", Name: "Bench admin", Lang: i18n.EN, Role: citypact.RoleAdmin,
		PasswordHash: users[0].PasswordHash, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(ctx, &admin); err != nil {
		log.Fatal(err)
	}
	bs := db.BoardStore()
	bd := board.Board{Slug: "bench-questions", Kind: board.KindQuestions, Scope: board.PublicScope,
		Names: map[string]string{"en": "Questions (generated)"}, Description: "Generated for benchmarks."}
	if err := bs.CreateBoard(citypact.WithActor(ctx, admin.Actor()), &bd); err != nil {
		log.Fatal(err)
	}

	raw, err := openRaw(*dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer raw.Close()
	r := rand.New(rand.NewPCG(1, 2))
	nThreads := max(1, *nPosts/answersPerThread)
	var first int64
	err = bulk(ctx, raw, func(tx *sql.Tx) error {
		for i := range nThreads {
			u := users[r.IntN(len(users))]
			at := now.Add(-time.Duration(nThreads-i) * time.Minute)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO threads (board_id, author_id, author_org_id, lang, created_at, updated_at,
				activity_at, answered_at, title, body) VALUES ($1, $2, $3, 'en', $4, $4, $4, $4, $5, $6) RETURNING id`,
				bd.ID, u.ID, u.OrgID, at, fmt.Sprintf("Generated question %d: how do you run screening clinics?", i),
				"We plan **drive-through booths** and would like to know:\n\n- how many staff a lane needs;\n- how you keep samples cold.").Scan(&id); err != nil {
				return err
			}
			if i == 0 {
				first = id
			}
			rows := make([][]any, 0, answersPerThread)
			for k := range answersPerThread {
				a := users[r.IntN(len(users))]
				rows = append(rows, []any{id, a.ID, a.OrgID, at.Add(time.Duration(k+1) * time.Second), fmt.Sprintf(
					"Answer %d. We run **%d lanes** with two staff each; samples wait in a cool box and go to the laboratory every two hours.\n\n"+
						"1. Register by phone.\n2. Drive in, keep the window closed.\n3. Results by text message the next day.", k+1, k+2)})
			}
			if err := insertRows(ctx, tx, `INSERT INTO posts (thread_id, kind, author_id, author_org_id, lang, created_at, updated_at, body) VALUES `,
				`($%d, 'answer', $%d, $%d, 'en', $%d, $%[4]d, $%d)`, rows); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d threads, %d answers in %v", nThreads, nThreads*answersPerThread, time.Since(start))
	err = bulk(ctx, raw, func(tx *sql.Tx) error {
		rows := make([][]any, 0, 200)
		for range *nSubs {
			rows = append(rows, []any{users[r.IntN(len(users))].ID, first + int64(r.IntN(nThreads)), now})
			if len(rows) == cap(rows) {
				if err := insertRows(ctx, tx, `INSERT INTO board_subscriptions (user_id, kind, target_id, created_at) VALUES `,
					`($%d, 'thread', $%d, $%d)`, rows, ` ON CONFLICT DO NOTHING`); err != nil {
					return err
				}
				rows = rows[:0]
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return insertRows(ctx, tx, `INSERT INTO board_subscriptions (user_id, kind, target_id, created_at) VALUES `,
			`($%d, 'thread', $%d, $%d)`, rows, ` ON CONFLICT DO NOTHING`)
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d subscriptions; done in %v; first thread /threads/%d", *nSubs, time.Since(start), first)
}

// openRaw opens the database of dsn with database/sql directly, with the SQLite settings the store
// writes times with (see store.sqliteDSN).
func openRaw(dsn string) (*sql.DB, error) {
	engine, target, err := store.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if engine == store.Postgres {
		return sql.Open("pgx", target)
	}
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Set("_time_format", "sqlite")
	v.Set("_txlock", "immediate")
	return sql.Open("sqlite", "file:"+target+"?"+v.Encode())
}

// bulk runs f in one transaction.
func bulk(ctx context.Context, db *sql.DB, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// insertRows runs head followed by one tuple per row (tuple has a %d verb per value, numbered by
// Sprintf's rules) and tail.
func insertRows(ctx context.Context, tx *sql.Tx, head, tuple string, rows [][]any, tail ...string) error {
	var q strings.Builder
	q.WriteString(head)
	var args []any
	for i, row := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		n := make([]any, len(row))
		for j := range row {
			n[j] = len(args) + j + 1
		}
		fmt.Fprintf(&q, tuple, n...)
		args = append(args, row...)
	}
	q.WriteString(strings.Join(tail, ""))
	_, err := tx.ExecContext(ctx, q.String(), args...)
	return err
}
