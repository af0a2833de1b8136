package store_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/store"
)

// benchDigestUsers is the hub size of BenchmarkDailyDigests: CITYPACT_BENCH_DIGEST_USERS users,
// or 500, with as many threads, ten posts and twenty subscriptions per user. The figure
// is for 10,000 users (100,000 posts, 200,000 subscriptions):
//
//	CITYPACT_BENCH_DIGEST_USERS=10000 go test ./internal/store -run '^$' -bench DailyDigests -benchtime 1x
func benchDigestUsers(b *testing.B) int {
	if s := os.Getenv("CITYPACT_BENCH_DIGEST_USERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 {
			b.Fatalf("CITYPACT_BENCH_DIGEST_USERS=%q (at least 100)", s)
		}
		return n
	}
	return 500
}

// BenchmarkDailyDigests measures one run of the board mail job for the daily digests of every
// user: MailDue in batches, each user's DigestItems, BuildDigest, the message and QueueDigest,
// as the job does at the digest hour. The hub: 100 cities in a network; users in four
// languages (80% daily digests, the default; 10% weekly, 5% immediately, 5% none); a tenth of
// the boards for the network only; threads spread over ten days with ten posts each; every
// user following twenty threads. The notifications are what the fan-out would have written:
// one per post per follower of its thread; those before the last day are already digested (as
// the nine previous runs left them), and a tenth of the last day's were read on the hub.
// It reports the run's seconds, the peak Go heap during the run (sampled), and the process's
// peak resident size (which includes loading the data, so it bounds the run's from above).
func BenchmarkDailyDigests(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			dsn := dbtest.SQLite(b)
			if engine == "postgres" {
				dsn = dbtest.Postgres(b)
			}
			users := benchDigestUsers(b)
			now := epoch.AddDate(0, 0, 10).Add(30 * time.Minute) // half an hour after a digest hour
			db, err := store.Open(context.Background(), dsn, store.Options{Now: func() time.Time { return now }})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			end := boardmail.DigestEnd(board.FreqDaily, now)
			loadStart := time.Now()
			loadDigestHub(b, db, users, end)
			b.Logf("%s: loaded %d users, %d threads, %d posts, %d subscriptions in %v", engine, users, users, 10*users, 20*users, time.Since(loadStart).Round(time.Second))
			key, err := db.MailKey(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			job := boardmail.NewJob(db.BoardStore(), boardmail.NewLinks("https://hub.example", key), boardmail.Options{Now: func() time.Time { return now }})
			for b.Loop() {
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				peak := base.HeapInuse
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() {
					t := time.NewTicker(50 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-stop:
							return
						case <-t.C:
							var m runtime.MemStats
							runtime.ReadMemStats(&m)
							peak = max(peak, m.HeapInuse)
						}
					}
				})
				var ru0 syscall.Rusage
				if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru0); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				n, err := job.Mail(context.Background(), board.FreqDaily, end)
				took := time.Since(start)
				close(stop)
				wg.Wait()
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					b.Fatal("no digest queued")
				}
				var ru syscall.Rusage
				if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
					b.Fatal(err)
				}
				cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
				b.ReportMetric(took.Seconds(), "s/run")
				b.ReportMetric(cpu.Seconds(), "cpu-s/run")
				b.ReportMetric(float64(n), "digests")
				b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
				b.ReportMetric(float64(ru.Maxrss)/1024, "MB-maxrss")
				b.Logf("%s: %d digests in %v (this process's CPU: %v); Go heap in use peaked at %.0f MB; process max RSS %.0f MB", engine, n, took.Round(time.Millisecond), cpu.Round(time.Millisecond),
					float64(peak)/(1<<20), float64(ru.Maxrss)/1024)
				// Another run needs the period's notifications undigested again.
				b.StopTimer()
				if err := db.ExecBulk(context.Background(), `UPDATE board_notifications SET digested_at = NULL WHERE created_at >= $1`, end.AddDate(0, 0, -1)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// benchLangs are the users' languages, in turn.
var benchLangs = []string{"en", "ko", "zh-TW", "ja"}

// benchBodies are post texts in the four languages, about as long as real answers.
var benchBodies = []string{
	strings.Repeat("We ran drive-through testing with four booths and two nurses per shift; results came back within a day. ", 3),
	strings.Repeat("선별진료소는 네 개의 부스로 운영했고 교대마다 간호사 두 명이 근무했습니다. 결과는 하루 안에 나왔습니다. ", 3),
	strings.Repeat("我們設置了四個採檢站，每班兩名護理師，檢驗結果在一天內通知民眾。", 4),
	strings.Repeat("ドライブスルー検査は四つのブースで行い、各シフトに看護師二名を配置しました。結果は一日以内に届きました。", 3),
}

// loadDigestHub writes the benchmark's hub with bulk SQL.
func loadDigestHub(b *testing.B, db *store.DB, users int, end time.Time) {
	b.Helper()
	ctx := context.Background()
	adm := ctxAs(admin)
	net := directory.Organisation{Slug: "net", Kind: directory.KindNetwork, Names: names("en", "Net")}
	if err := db.CreateOrganisation(adm, &net); err != nil {
		b.Fatal(err)
	}
	var orgs []int64
	for c := range 100 {
		o := directory.Organisation{Slug: fmt.Sprintf("city%d", c), Kind: directory.KindCity, Names: names("en", fmt.Sprintf("City %d", c), "ko", fmt.Sprintf("도시 %d", c))}
		if err := db.CreateOrganisation(adm, &o); err != nil {
			b.Fatal(err)
		}
		if c%2 == 0 {
			if err := db.AddMembership(adm, &directory.Membership{NetworkID: net.ID, MemberID: o.ID, Role: directory.RoleMember}); err != nil {
				b.Fatal(err)
			}
		}
		orgs = append(orgs, o.ID)
	}
	bs := db.BoardStore()
	boardAdmin := ctxAs(benchUser(b, db, "admin@hub.example", citypact.RoleAdmin, 0).Actor())
	var boards []int64
	for i := range 20 {
		sc := board.PublicScope
		if i%10 == 9 {
			sc = board.NetworkScope(net.ID)
		}
		bd := board.Board{Slug: fmt.Sprintf("board-%d", i), Kind: board.KindQuestions, Scope: sc,
			Names: map[string]string{"en": fmt.Sprintf("Board %d", i), "ko": fmt.Sprintf("게시판 %d", i), "ja": fmt.Sprintf("掲示板 %d", i), "zh-TW": fmt.Sprintf("討論區 %d", i)}}
		if err := bs.CreateBoard(boardAdmin, &bd); err != nil {
			b.Fatal(err)
		}
		boards = append(boards, bd.ID)
	}
	// Ids are given explicitly, from 1000, so that rows can refer to each other without reading
	// them back; the seeded rows above have small ids.
	const base = 1000
	userID := func(i int) int64 { return int64(base + i) }
	orgOf := func(i int) int64 { return orgs[i%len(orgs)] }
	i := 0
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	t0 := end.AddDate(0, 0, -10)
	must(db.BulkInsert(ctx, "users", []string{"id", "email", "display_name", "lang", "role", "org_id", "password_hash",
		"password_changed_at", "created_at", "updated_at"}, func() []any {
		if i == users {
			return nil
		}
		i++
		return []any{userID(i - 1), fmt.Sprintf("u%d@city%d.example", i-1, (i-1)%len(orgs)), fmt.Sprintf("User %d", i-1),
			benchLangs[(i-1)%len(benchLangs)], "member", orgOf(i - 1), "$argon2id$fake", t0, t0, t0}
	}))
	i = 0
	freqs := map[int]string{0: "weekly", 1: "weekly", 2: "immediately", 3: "none"} // of every 20 users
	must(db.BulkInsert(ctx, "board_frequency", []string{"user_id", "frequency"}, func() []any {
		for i < users {
			i++
			if f, ok := freqs[(i-1)%20]; ok {
				return []any{userID(i - 1), f}
			}
		}
		return nil
	}))
	threads := users
	threadID := func(i int) int64 { return int64(base + i) }
	// Thread i starts at t0 + i/threads of ten days; its ten posts follow an hour apart.
	startOf := func(t int) time.Time { return t0.Add(time.Duration(int64(t) * int64(240*time.Hour) / int64(threads))) }
	i = 0
	must(db.BulkInsert(ctx, "threads", []string{"id", "board_id", "author_id", "author_org_id", "lang", "created_at",
		"updated_at", "activity_at", "title", "body"}, func() []any {
		if i == threads {
			return nil
		}
		i++
		t := i - 1
		author := (t * 7) % users
		at := startOf(t)
		return []any{threadID(t), boards[t%len(boards)], userID(author), orgOf(author), benchLangs[author%len(benchLangs)], at, at, at,
			fmt.Sprintf("Question %d about screening clinics and masks", t), benchBodies[author%len(benchBodies)]}
	}))
	i = 0
	must(db.BulkInsert(ctx, "posts", []string{"id", "thread_id", "kind", "author_id", "author_org_id", "lang", "created_at",
		"updated_at", "body"}, func() []any {
		if i == 10*threads {
			return nil
		}
		i++
		p := i - 1
		t, k := p/10, p%10
		author := (p*13 + 1) % users
		at := startOf(t).Add(time.Duration(k+1) * time.Hour)
		kind := "answer"
		if k%3 == 2 {
			kind = "comment"
		}
		return []any{int64(base + p), threadID(t), kind, userID(author), orgOf(author), benchLangs[author%len(benchLangs)], at, at,
			benchBodies[author%len(benchBodies)]}
	}))
	// Twenty threads per user, distinct: steps of a prime that does not divide the count.
	i = 0
	step := 7919
	for threads%step == 0 {
		step += 2
	}
	must(db.BulkInsert(ctx, "board_subscriptions", []string{"user_id", "kind", "target_id", "tag", "created_at"}, func() []any {
		if i == 20*users {
			return nil
		}
		i++
		u, j := (i-1)/20, (i-1)%20
		return []any{userID(u), "thread", threadID((u*31 + j*step) % threads), "", t0}
	}))
	// The fan-out's notifications, by SQL: one per post per follower of its thread other than its
	// author, with the delivery the follower's frequency gives; those before the last day were
	// digested by earlier runs, and a tenth of the rest read.
	must(db.ExecBulk(ctx, `INSERT INTO board_notifications (user_id, kind, board_id, thread_id, post_id, actor_id, delivery,
			created_at, read_at, digested_at)
		SELECT s.user_id, CASE p.kind WHEN 'answer' THEN 'new_answer' ELSE 'new_comment' END, t.board_id, p.thread_id, p.id,
			p.author_id, CASE COALESCE(f.frequency, 'daily') WHEN 'immediately' THEN 'now' WHEN 'none' THEN 'in_app' ELSE 'digest' END,
			p.created_at,
			CASE WHEN p.created_at >= $1 AND p.id % 10 = 0 THEN p.created_at END,
			CASE WHEN p.created_at < $1 THEN $1 END
		FROM posts p JOIN threads t ON t.id = p.thread_id
		JOIN board_subscriptions s ON s.kind = 'thread' AND s.target_id = p.thread_id
		LEFT JOIN board_frequency f ON f.user_id = s.user_id
		WHERE s.user_id <> p.author_id`, end.AddDate(0, 0, -1)))
	must(db.ExecBulk(ctx, `ANALYZE`))
}
