package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/mail/mailtest"
	"github.com/citypact/citypact/internal/store"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	mailtest.Clean()
	os.Exit(code)
}

// wait is how long anything that should happen may take on a slow machine; tests never measure it.
const wait = 30 * time.Second

// openStore returns a migrated store on dsn with the real clock, which the worker shares.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// testWriter sends the worker's log to the test's, so a failure shows what the worker did.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// startWorker runs a worker until the test ends, with short waits between attempts.
func startWorker(t *testing.T, box mail.Outbox, s mail.Sender, opt mail.WorkerOptions) *mail.Worker {
	t.Helper()
	if opt.Poll == 0 {
		opt.Poll = 50 * time.Millisecond
	}
	if opt.MinBackoff == 0 {
		opt.MinBackoff, opt.MaxBackoff = 20*time.Millisecond, 100*time.Millisecond
	}
	var out io.Writer = testWriter{t}
	opt.Logger = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := mail.NewWorker(box, s, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// waitUntil polls cond until it holds, failing the test after wait.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func status(t *testing.T, db *store.DB, id int64) mail.Status {
	t.Helper()
	st, err := db.MailStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// enqueue queues msgs and returns their outbox ids in order.
func enqueue(t *testing.T, db *store.DB, msgs ...mail.Message) []int64 {
	t.Helper()
	before, err := db.ListMail(context.Background(), mailPage(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueMail(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListMail(context.Background(), mailPage(len(msgs)))
	if err != nil || len(list) != len(msgs) || (len(before) > 0 && list[len(list)-1].ID <= before[0].ID) {
		t.Fatalf("ListMail after EnqueueMail: %+v %v", list, err)
	}
	ids := make([]int64, len(list))
	for i, st := range list {
		ids[len(list)-1-i] = st.ID
	}
	return ids
}

// claimWatch tells the test each time the worker has claimed from the real outbox.
type claimWatch struct {
	mail.Outbox
	claimed chan int
}

func (c claimWatch) ClaimMail(ctx context.Context, worker string, n int, lease time.Duration) ([]mail.Outgoing, error) {
	out, err := c.Outbox.ClaimMail(ctx, worker, n, lease)
	select {
	case c.claimed <- len(out):
	default:
	}
	return out, err
}

// TestWorkerDeliversCJK queues mail in Korean, Chinese, Japanese and English while the worker
// waits with a poll interval longer than the test, so only Kick can get it sent.
func TestWorkerDeliversCJK(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		sink := mailtest.Start(t)
		watch := claimWatch{db, make(chan int, 1)}
		w := startWorker(t, watch, sender(t, sink), mail.WorkerOptions{Poll: time.Hour})
		if n := <-watch.claimed; n != 0 {
			t.Fatalf("first claim took %d messages from an empty outbox", n)
		}
		ids := enqueue(t, db, cjk...)
		w.Kick()
		got := sink.WaitFor(t, len(cjk), wait)
		waitUntil(t, "the outbox records every message sent", func() bool {
			c, err := db.MailCounts(context.Background())
			return err == nil && c == mail.Counts{Sent: len(cjk)}
		})
		if len(got) != len(cjk) {
			t.Fatalf("%d messages arrived, want %d", len(got), len(cjk))
		}
		for i, m := range cjk {
			// One worker sends in queue order.
			checkReceived(t, got[i], m)
			if id := got[i].Header.Get("Message-ID"); id != fmt.Sprintf("<citypact.outbox.%d@hub.example>", ids[i]) {
				t.Errorf("Message-ID %q, want the outbox id %d", id, ids[i])
			}
			st := status(t, db, ids[i])
			if st.Attempts != 1 || st.SentAt.IsZero() || st.ClaimedBy != "" || st.LastError != "" {
				t.Errorf("status %+v", st)
			}
		}
	})
}

func TestWorkerRetriesAfter451(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		sink := mailtest.Start(t, mailtest.FailFirst(1))
		id := enqueue(t, db, cjk[2])[0]
		startWorker(t, db, sender(t, sink), mail.WorkerOptions{})
		waitUntil(t, "the message is sent", func() bool { return !status(t, db, id).SentAt.IsZero() })
		if st := status(t, db, id); st.Attempts != 2 || !strings.Contains(st.LastError, "451") {
			t.Errorf("status %+v, want 2 attempts and the 451 recorded", st)
		}
		got := sink.Messages()
		if len(got) != 1 {
			t.Fatalf("%d messages arrived, want exactly 1", len(got))
		}
		checkReceived(t, got[0], cjk[2])
	})
}

// TestWorkerWaitsForServer: while the relay is down or too slow, mail stays queued with its
// attempts counted; when the relay is back, it arrives once.
func TestWorkerWaitsForServer(t *testing.T) {
	tests := []struct {
		name    string
		opts    []mailtest.Option
		stop    bool
		timeout time.Duration
		err     string
	}{
		{name: "down", stop: true, err: "connect"},
		{name: "slower than the timeout", opts: []mailtest.Option{mailtest.Delay(3 * time.Second)}, timeout: 300 * time.Millisecond, err: "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, dsn string) {
				db := openStore(t, dsn)
				sink := mailtest.Start(t, tt.opts...)
				if tt.stop {
					sink.Stop()
				}
				id := enqueue(t, db, cjk[0])[0]
				startWorker(t, db, sender(t, sink, func(c *mail.SMTPConfig) {
					if tt.timeout > 0 {
						c.Timeout = tt.timeout
					}
				}), mail.WorkerOptions{MaxAttempts: 1000})
				waitUntil(t, "two attempts have failed", func() bool {
					st := status(t, db, id)
					return st.Attempts >= 2 && st.LastError != "" && st.ClaimedBy == ""
				})
				st := status(t, db, id)
				if !st.SentAt.IsZero() || !st.FailedAt.IsZero() || !strings.Contains(st.LastError, tt.err) {
					t.Errorf("while the server is unusable: %+v, want queued with an error mentioning %q", st, tt.err)
				}
				if c, _ := db.MailCounts(context.Background()); c != (mail.Counts{Queued: 1}) {
					t.Errorf("counts %+v", c)
				}
				sink.Restart()
				waitUntil(t, "the message is sent", func() bool { return !status(t, db, id).SentAt.IsZero() })
				got := sink.Messages()
				if len(got) != 1 {
					t.Fatalf("%d messages arrived, want exactly 1", len(got))
				}
				checkReceived(t, got[0], cjk[0])
			})
		})
	}
}

// TestWorkerGivesUp: a 550 is given up at once; temporary failures after MaxAttempts. Either
// way the outbox keeps the last error and no longer the body.
func TestWorkerGivesUp(t *testing.T) {
	tests := []struct {
		name     string
		opts     []mailtest.Option
		stop     bool
		attempts int
		err      string
	}{
		{name: "550", opts: []mailtest.Option{mailtest.Reject()}, attempts: 1, err: "550"},
		{name: "down for 3 attempts", stop: true, attempts: 3, err: "connect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, dsn string) {
				db := openStore(t, dsn)
				sink := mailtest.Start(t, tt.opts...)
				if tt.stop {
					sink.Stop()
				}
				id := enqueue(t, db, cjk[1])[0]
				startWorker(t, db, sender(t, sink), mail.WorkerOptions{MaxAttempts: 3})
				waitUntil(t, "the message is given up", func() bool { return !status(t, db, id).FailedAt.IsZero() })
				st := status(t, db, id)
				if st.Attempts != tt.attempts || !strings.Contains(st.LastError, tt.err) || !st.SentAt.IsZero() || st.ClaimedBy != "" {
					t.Errorf("status %+v, want given up after %d attempts with %q", st, tt.attempts, tt.err)
				}
				if c, _ := db.MailCounts(context.Background()); c != (mail.Counts{Failed: 1}) {
					t.Errorf("counts %+v", c)
				}
				if n := len(sink.Messages()); n != 0 {
					t.Errorf("%d messages arrived", n)
				}
			})
		})
	}
}

// TestTwoWorkersNeverSendTwice runs two workers, each with its own connection pool as two
// processes would have, on one database, and counts what arrives.
func TestTwoWorkersNeverSendTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		other, err := store.Open(context.Background(), dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		sink := mailtest.Start(t)
		const n = 60
		var msgs []mail.Message
		for i := range n {
			m := cjk[i%len(cjk)]
			m.To = fmt.Sprintf("user%d@seoul.example", i)
			msgs = append(msgs, m)
		}
		enqueue(t, db, msgs...)
		opt := mail.WorkerOptions{Batch: 3, Poll: 10 * time.Millisecond}
		startWorker(t, db, sender(t, sink), opt)
		startWorker(t, other, sender(t, sink), opt)
		waitUntil(t, "every message is sent", func() bool {
			c, err := db.MailCounts(context.Background())
			return err == nil && c.Sent == n
		})
		got := sink.Messages()
		ids, to := map[string]bool{}, map[string]bool{}
		for _, r := range got {
			ids[r.Header.Get("Message-ID")] = true
			to[r.To[0]] = true
		}
		if len(got) != n || len(ids) != n || len(to) != n {
			t.Errorf("%d messages arrived with %d distinct Message-IDs for %d recipients; want %d of each", len(got), len(ids), len(to), n)
		}
		list, _ := db.ListMail(context.Background(), mailPage(n))
		for _, st := range list {
			if st.Attempts != 1 {
				t.Errorf("message %d took %d attempts", st.ID, st.Attempts)
			}
		}
	})
}

func mailPage(n int) citypact.Page { return citypact.Page{Limit: n} }
