package store_test

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

func TestBoardMailMethods(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs, ctx := f.bs, context.Background()

		// The key is made once and read back alike by every later call.
		k1, err := f.db.MailKey(ctx)
		if err != nil || len(k1) != 32 {
			t.Fatalf("MailKey = %x, %v", k1, err)
		}
		if k2, err := f.db.MailKey(ctx); err != nil || !bytes.Equal(k1, k2) {
			t.Errorf("MailKey changed: %x then %x (%v)", k1, k2, err)
		}

		// Recipients: address, name and language; disabled users are left out.
		if err := f.db.SetLang(ctx, f.taipeiMember.ID, i18n.ZHTW); err != nil {
			t.Fatal(err)
		}
		gone := f.tokyoEd
		gone.Disabled = true
		if err := f.db.UpdateUser(ctxAs(admin), gone); err != nil {
			t.Fatal(err)
		}
		rs, err := bs.MailRecipients(ctx, []int64{f.taipeiMember.ID, f.seoulMember.ID, f.tokyoEd.ID, 999999})
		if err != nil || len(rs) != 2 {
			t.Fatalf("MailRecipients = %+v, %v", rs, err)
		}
		if r := rs[f.taipeiMember.ID]; r.Email != f.taipeiMember.Email || r.Lang != i18n.ZHTW || r.Name != f.taipeiMember.Name {
			t.Errorf("recipient = %+v", r)
		}

		// Thread titles only for threads the actor may see.
		pub := f.mustThread(t, as(f.seoulMember), f.public, "Open question")
		net := f.mustThread(t, as(f.seoulMember), f.network, "Members only")
		for _, c := range []struct {
			who  context.Context
			want int
		}{{as(f.seoulMember), 2}, {as(f.taipeiMember), 1}, {visitor, 1}} {
			got, err := bs.ThreadTitles(c.who, []int64{pub.ID, net.ID})
			if err != nil || len(got) != c.want || got[pub.ID] != "Open question" {
				t.Errorf("ThreadTitles = %v, %v; want %d titles", got, err, c.want)
			}
		}

		// StopMail: one subscription (only the user's own), or all mail; audited.
		mine := mustSubscribe(t, bs, as(f.taipeiMember), board.Subscription{Kind: board.FollowThread, TargetID: pub.ID})
		theirs := mustSubscribe(t, bs, as(f.seoulEd), board.Subscription{Kind: board.FollowThread, TargetID: pub.ID})
		if s, err := bs.LinkSubscription(ctx, f.taipeiMember.ID, mine.ID); err != nil || s.ID != mine.ID {
			t.Errorf("LinkSubscription = %+v, %v", s, err)
		}
		wantKind(t, "another's subscription", func() error { _, err := bs.LinkSubscription(ctx, f.taipeiMember.ID, theirs.ID); return err }(),
			citypact.KindNotFound, "")
		wantKind(t, "stopping another's subscription", bs.StopMail(ctx, f.taipeiMember.ID, theirs.ID), citypact.KindNotFound, "")
		if err := bs.StopMail(ctx, f.taipeiMember.ID, mine.ID); err != nil {
			t.Fatal(err)
		}
		if subs, _ := bs.Subscriptions(as(f.taipeiMember)); len(subs) != 0 {
			t.Errorf("subscriptions after StopMail: %+v", subs)
		}
		if subs, _ := bs.Subscriptions(as(f.seoulEd)); len(subs) == 0 {
			t.Error("StopMail removed another user's subscription")
		}
		if err := bs.StopMail(ctx, f.taipeiMember.ID, 0); err != nil {
			t.Fatal(err)
		}
		if fr, _ := bs.Frequency(as(f.taipeiMember)); fr != board.FreqNone {
			t.Errorf("frequency after StopMail(0) = %s", fr)
		}
		wantKind(t, "unknown user", bs.StopMail(ctx, 999999, 0), citypact.KindNotFound, "")
		entries, err := f.db.AuditLog(ctxAs(admin), audit.Filter{Action: "board.unsubscribe_link", Page: citypact.Page{Limit: 10}})
		if err != nil || len(entries) != 2 || entries[0].ActorUserID != f.taipeiMember.ID {
			t.Errorf("audit = %+v, %v", entries, err)
		}

		// QueueDigests: several users' digests in one transaction, all or none.
		if err := bs.SetFrequency(as(f.taipeiMember), board.FreqDaily); err != nil {
			t.Fatal(err)
		}
		th := board.Thread{BoardID: f.public.ID, Title: "Tents", Body: "Who lends tents?", Lang: "en",
			ToUsers: []int64{f.taipeiMember.ID, f.seoulEd.ID}}
		if err := bs.CreateThread(as(f.seoulMember), &th); err != nil {
			t.Fatal(err)
		}
		end := f.now.Add(time.Hour)
		p, _ := board.DigestPeriod(board.FreqDaily, end)
		var ds []board.Digest
		var msgs [][]mail.Message
		for _, u := range []account.User{f.taipeiMember, f.seoulEd} {
			items, err := bs.DigestItems(ctx, u.ID, board.FreqDaily, end)
			if err != nil || len(items) != 1 {
				t.Fatalf("DigestItems(%s) = %+v, %v", u.Email, items, err)
			}
			ds = append(ds, board.BuildDigest(u.ID, board.FreqDaily, p, items))
			msgs = append(msgs, []mail.Message{{To: u.Email, Subject: "Digest", Text: "Tents"}})
		}
		if err := bs.QueueDigest(ctx, ds[1], msgs[1]); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "a batch with a stale digest", bs.QueueDigests(ctx, ds, msgs), citypact.KindConflict, "board.digest_stale")
		if due, _ := bs.MailDue(ctx, board.FreqDaily, end, 0, 10); !slices.Equal(due, []int64{f.taipeiMember.ID}) {
			t.Errorf("after a refused batch, MailDue = %v; want the first user still due", due)
		}
		if err := bs.QueueDigests(ctx, ds[:1], msgs[:1]); err != nil {
			t.Fatal(err)
		}
		if due, _ := bs.MailDue(ctx, board.FreqDaily, end, 0, 10); len(due) != 0 {
			t.Errorf("after the batch, MailDue = %v", due)
		}
		if c, err := f.db.MailCounts(ctx); err != nil || c.Queued != 2 {
			t.Errorf("outbox = %+v, %v; want 2 queued", c, err)
		}
	})
}

// TestBoardMailTwoInstances: two instances' jobs run the same digests at once; each user gets
// exactly one digest, and the immediate mail is not sent twice either.
func TestBoardMailTwoInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs, ctx := f.bs, context.Background()
		readers := []account.User{f.taipeiMember, f.taipeiEd, f.tokyoEd, f.seoulEd, f.berlinMember}
		for _, u := range readers {
			mustSubscribe(t, bs, as(u), board.Subscription{Kind: board.FollowBoard, TargetID: f.public.ID})
		}
		if err := bs.SetFrequency(as(f.berlinMember), board.FreqImmediately); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Tents", "Masks", "Gowns"} {
			f.mustThread(t, as(f.seoulMember), f.public, title)
		}
		key, err := f.db.MailKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		end := f.now.Add(time.Hour)
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 2 {
			job := boardmail.NewJob(bs, boardmail.NewLinks("https://hub.example", key), boardmail.Options{Batch: 2, Workers: 2})
			wg.Go(func() {
				for _, fr := range []board.Frequency{board.FreqDaily, board.FreqImmediately} {
					n, err := job.Mail(ctx, fr, end)
					if err != nil {
						t.Errorf("Mail(%s): %v", fr, err)
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		// Four daily digests of three items, and three messages for the one who wants them now.
		if c, err := f.db.MailCounts(ctx); err != nil || c.Queued != 7 || total != 7 {
			t.Errorf("outbox = %+v (%v), jobs counted %d; want 7 messages", c, err, total)
		}
	})
}

// The daily run of the mail job purges notifications older than boardmail.Retention, read or not,
// and leaves the newer ones; a second purge finds nothing more.
func TestBoardNotificationsPurged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs, ctx := f.bs, context.Background()
		mustSubscribe(t, bs, as(f.taipeiMember), board.Subscription{Kind: board.FollowBoard, TargetID: f.public.ID})
		f.mustThread(t, as(f.seoulMember), f.public, "Old question") // notifies Taipei's member
		*f.now = f.now.Add(200 * 24 * time.Hour)
		f.mustThread(t, as(f.seoulMember), f.public, "New question")
		if got := len(notes(t, bs, f.taipeiMember)); got != 2 {
			t.Fatalf("notifications before the purge: %d, want 2", got)
		}
		key, err := f.db.MailKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		now := *f.now
		job := boardmail.NewJob(bs, boardmail.NewLinks("https://hub.example", key), boardmail.Options{Now: func() time.Time { return now }})
		job.Tick(ctx)
		ns, err := bs.Notifications(as(f.taipeiMember), board.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 || ns[0].CreatedAt.Before(now.Add(-boardmail.Retention)) {
			t.Errorf("after the purge: %+v, want the new question's notification only", ns)
		}
		if n, err := bs.PurgeNotifications(ctx, now.Add(-boardmail.Retention)); err != nil || n != 0 {
			t.Errorf("a second purge deleted %d (%v), want 0", n, err)
		}
		if n, err := bs.PurgeNotifications(ctx, now.Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("purging everything deleted %d (%v), want 1", n, err)
		}
	})
}
