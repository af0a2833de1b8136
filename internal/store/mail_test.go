package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/store"
)

var letters = []mail.Message{
	{To: "kim@seoul.example", ToName: "김민지", Subject: "새 답변: 선별진료소", Text: "새 답변이 있습니다.", HTML: "<p>새 답변</p>",
		Lang: "ko", Unsubscribe: "https://hub.example/unsubscribe?t=1"},
	{To: "chen@taipei.example", ToName: "陳小明", Subject: "新回覆：篩檢站", Text: "有新回覆。", Lang: "zh-TW"},
	{To: "tanaka@tokyo.example", Subject: "新しい回答", Text: "新しい回答があります。", Lang: "ja"},
}

func mailStatus(t *testing.T, db *store.DB, id int64) mail.Status {
	t.Helper()
	st, err := db.MailStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func claim(t *testing.T, db *store.DB, worker string, n int) []mail.Outgoing {
	t.Helper()
	got, err := db.ClaimMail(context.Background(), worker, n, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func claimedIDs(batch []mail.Outgoing) []int64 {
	var out []int64
	for _, o := range batch {
		out = append(out, o.ID)
	}
	return out
}

// rawDB opens the test database beside the store, to look at what the store's API does not show.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, target := "pgx", dsn
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, target = "sqlite", p
	}
	db, err := sql.Open(driver, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMailEnqueueRefusesHeaderInjection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		for _, bad := range []func(m *mail.Message){
			func(m *mail.Message) { m.Subject = "새 답변\r\nBcc: victim@example.org" },
			func(m *mail.Message) { m.ToName = "Kim\nBcc: victim@example.org" },
			func(m *mail.Message) { m.To = "kim@seoul.example\r\nBcc: victim@example.org" },
			func(m *mail.Message) { m.Unsubscribe = "https://hub.example/u>\r\nBcc: victim@example.org" },
		} {
			m := letters[1]
			bad(&m)
			// The valid messages queued with it are refused too: all or none.
			err := db.EnqueueMail(ctx, letters[0], m, letters[2])
			if citypact.KindOf(err) != citypact.KindInvalid || len(citypact.FieldsOf(err)) != 1 {
				t.Errorf("got %v, want one field error", err)
			}
		}
		if c, err := db.MailCounts(ctx); err != nil || c != (mail.Counts{}) {
			t.Errorf("refused mail was stored: %+v %v", c, err)
		}
		if err := db.EnqueueMail(ctx); err != nil {
			t.Errorf("queuing nothing: %v", err)
		}
	})
}

func TestMailOutbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		ctx := context.Background()
		if err := db.EnqueueMail(ctx, letters...); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListMail(ctx, citypact.Page{})
		if err != nil || len(list) != 3 || list[0].ID <= list[2].ID {
			t.Fatalf("ListMail: %+v %v", list, err)
		}
		id := []int64{list[2].ID, list[1].ID, list[0].ID} // in queue order
		if page, _ := db.ListMail(ctx, citypact.Page{After: id[2], Limit: 1}); len(page) != 1 || page[0].ID != id[1] {
			t.Errorf("second page %+v", page)
		}
		if st := mailStatus(t, db, id[0]); st.To != "kim@seoul.example" || st.Subject != letters[0].Subject ||
			!st.CreatedAt.Equal(epoch) || !st.DueAt.Equal(epoch) || st.Attempts != 0 {
			t.Errorf("status %+v", st)
		}

		// Claims take due mail in order, each message once, and count the attempt.
		a := claim(t, db, "a", 2)
		if !slices.Equal(claimedIDs(a), id[:2]) {
			t.Fatalf("a claimed %v, want %v", claimedIDs(a), id[:2])
		}
		want := letters[0]
		want.ID = id[0]
		if a[0].Message != want || a[0].Attempts != 1 || !a[0].ClaimedUntil.Equal(epoch.Add(time.Minute)) {
			t.Errorf("claimed %+v, want %+v", a[0], want)
		}
		if b := claim(t, db, "b", 5); !slices.Equal(claimedIDs(b), id[2:]) {
			t.Errorf("b claimed %v, want %v", claimedIDs(b), id[2:])
		}
		if c := claim(t, db, "c", 5); len(c) != 0 {
			t.Errorf("c claimed %v while every claim holds", claimedIDs(c))
		}

		// When the leases run out, another worker takes the messages over, and the first can
		// no longer record anything for them.
		*now = epoch.Add(2 * time.Minute)
		if c := claim(t, db, "c", 5); !slices.Equal(claimedIDs(c), id) || c[0].Attempts != 2 {
			t.Fatalf("c claimed %v after the leases ran out, want %v", claimedIDs(c), id)
		}
		if err := db.MarkMailSent(ctx, id[0], "a"); citypact.KindOf(err) != citypact.KindConflict {
			t.Errorf("a recorded a message c holds: %v", err)
		}
		if err := db.MarkMailFailed(ctx, id[0], "a", "late", time.Time{}); citypact.KindOf(err) != citypact.KindConflict {
			t.Errorf("a gave up a message c holds: %v", err)
		}
		if err := db.MarkMailSent(ctx, id[0], "c"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailSent(ctx, id[0], "c"); citypact.KindOf(err) != citypact.KindConflict {
			t.Errorf("sent twice: %v", err)
		}
		if err := db.MarkMailSent(ctx, 424242, "c"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("unknown message: %v", err)
		}
		if st := mailStatus(t, db, id[0]); !st.SentAt.Equal(*now) || st.ClaimedBy != "" || st.Attempts != 2 {
			t.Errorf("sent: %+v", st)
		}

		// A temporary failure makes the message due again later, with its error kept.
		retry := now.Add(10 * time.Minute).In(time.FixedZone("KST", 9*3600))
		if err := db.MarkMailFailed(ctx, id[1], "c", "451 4.3.0 try again later", retry); err != nil {
			t.Fatal(err)
		}
		if st := mailStatus(t, db, id[1]); !st.DueAt.Equal(retry) || st.LastError != "451 4.3.0 try again later" || st.ClaimedBy != "" {
			t.Errorf("rescheduled: %+v", st)
		}
		*now = epoch.Add(5 * time.Minute) // c's lease on id[2] has run out, id[1] is not yet due
		if d := claim(t, db, "d", 5); !slices.Equal(claimedIDs(d), id[2:]) {
			t.Errorf("d claimed %v before the retry, want %v", claimedIDs(d), id[2:])
		}
		*now = retry.Add(time.Second) // and d's own lease on id[2] has run out
		// Longest due first: id[2] has been due since the start.
		if d := claim(t, db, "d", 5); !slices.Equal(claimedIDs(d), []int64{id[2], id[1]}) || d[1].Attempts != 3 {
			t.Errorf("d claimed %v at the retry, want %v", claimedIDs(d), []int64{id[2], id[1]})
		}

		// Giving up keeps the error, cut to 1,000 bytes without splitting a character.
		long := "550 5.1.1 " + strings.Repeat("없는 주소", 200)
		if err := db.MarkMailFailed(ctx, id[1], "d", long, time.Time{}); err != nil {
			t.Fatal(err)
		}
		st := mailStatus(t, db, id[1])
		if !st.FailedAt.Equal(*now) || !st.SentAt.IsZero() || len(st.LastError) > 1000 || len(st.LastError) < 990 ||
			!utf8.ValidString(st.LastError) || !strings.HasPrefix(long, st.LastError) {
			t.Errorf("given up: %+v", st)
		}
		if c, err := db.MailCounts(ctx); err != nil || c != (mail.Counts{Queued: 1, Sent: 1, Failed: 1}) {
			t.Errorf("counts %+v %v", c, err)
		}

		// The bodies of sent and given-up mail are gone; pending mail keeps its own.
		raw := rawDB(t, dsn)
		for i, wantBody := range []string{"", "", letters[2].Text} {
			var text, html string
			if err := raw.QueryRow(`SELECT text_body, html_body FROM mail_outbox WHERE id = $1`, id[i]).Scan(&text, &html); err != nil {
				t.Fatal(err)
			}
			if text != wantBody || html != "" {
				t.Errorf("message %d keeps body %q / %q", id[i], text, html)
			}
		}
	})
}

// TestClaimMailConcurrently has eight workers, on two connection pools as two processes would,
// claim from one outbox at once: every message is claimed exactly once.
func TestClaimMailConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		other, err := store.Open(context.Background(), dsn, store.Options{Now: func() time.Time { return epoch }})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		const n = 300
		var msgs []mail.Message
		for i := range n {
			m := letters[i%len(letters)]
			m.To = fmt.Sprintf("user%d@seoul.example", i)
			msgs = append(msgs, m)
		}
		if err := db.EnqueueMail(context.Background(), msgs...); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 8 {
			pool := []*store.DB{db, other}[w%2]
			name := fmt.Sprintf("worker-%d", w)
			wg.Go(func() {
				for {
					batch, err := pool.ClaimMail(context.Background(), name, 7, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(batch) == 0 {
						return
					}
					mu.Lock()
					for _, o := range batch {
						if prev, dup := seen[o.ID]; dup {
							t.Errorf("message %d claimed by %s and %s", o.ID, prev, name)
						}
						seen[o.ID] = name
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("%d of %d messages claimed", len(seen), n)
		}
	})
}
