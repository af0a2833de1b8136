package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/mail"
)

func TestBoardSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		ctx := as(f.taipeiMember)
		s := mustSubscribe(t, bs, ctx, board.Subscription{Kind: board.FollowTag, Tag: " Masks "})
		again := mustSubscribe(t, bs, ctx, board.Subscription{Kind: board.FollowTag, Tag: "masks"})
		if again.ID != s.ID || s.Tag != "masks" || s.UserID != f.taipeiMember.ID {
			t.Errorf("subscribing twice: %+v then %+v", s, again)
		}
		nb := board.Subscription{Kind: board.FollowBoard, TargetID: f.network.ID}
		wantKind(t, "following an invisible board", bs.Subscribe(ctx, &nb), citypact.KindNotFound, "")
		wantKind(t, "visitor follows", bs.Subscribe(visitor, &board.Subscription{Kind: board.FollowTag, Tag: "x"}),
			citypact.KindUnauthenticated, "")
		pb := mustSubscribe(t, bs, ctx, board.Subscription{Kind: board.FollowBoard, TargetID: f.pair.ID})
		subs, err := bs.Subscriptions(ctx)
		if err != nil || len(subs) != 2 {
			t.Fatalf("Subscriptions = %+v, %v", subs, err)
		}
		wantKind(t, "unsubscribing another's", bs.Unsubscribe(as(f.seoulMember), pb.ID), citypact.KindNotFound, "")
		if err := bs.Unsubscribe(ctx, pb.ID); err != nil {
			t.Fatal(err)
		}
		if subs, _ := bs.Subscriptions(ctx); len(subs) != 1 {
			t.Errorf("after Unsubscribe: %+v", subs)
		}

		if fr, err := bs.Frequency(ctx); err != nil || fr != board.DefaultFrequency {
			t.Errorf("Frequency = %v, %v", fr, err)
		}
		if err := bs.SetFrequency(ctx, board.FreqWeekly); err != nil {
			t.Fatal(err)
		}
		if err := bs.SetFrequency(ctx, board.FreqImmediately); err != nil {
			t.Fatal(err)
		}
		if fr, _ := bs.Frequency(ctx); fr != board.FreqImmediately {
			t.Errorf("Frequency = %v", fr)
		}
		wantKind(t, "bad frequency", bs.SetFrequency(ctx, "hourly"), citypact.KindInvalid, "")

		f.mustThread(t, as(f.seoulMember), f.public, "Masks") // tagged masks
		ns, err := bs.Notifications(ctx, board.NotificationFilter{Unread: true})
		if err != nil || len(ns) != 1 || ns[0].Kind != board.NoteNewThread || ns[0].Delivery != board.DeliverNow {
			t.Errorf("tag follower's notifications: %+v, %v", ns, err)
		}
		if err := bs.MarkRead(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if ns, _ := bs.Notifications(ctx, board.NotificationFilter{Unread: true}); len(ns) != 0 {
			t.Errorf("unread after MarkRead(0): %+v", ns)
		}
		if ns, _ := bs.Notifications(ctx, board.NotificationFilter{}); len(ns) != 1 || ns[0].Unread() {
			t.Errorf("all after MarkRead(0): %+v", ns)
		}
	})
}

func TestBoardDigest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		if err := bs.SetFrequency(as(f.tokyoEd), board.FreqImmediately); err != nil {
			t.Fatal(err)
		}
		th := board.Thread{BoardID: f.public.ID, Title: "Tents", Body: "Who lends  field\n\ntents?", Lang: "en",
			ToUsers: []int64{f.taipeiMember.ID, f.tokyoEd.ID}}
		if err := bs.CreateThread(as(f.seoulMember), &th); err != nil {
			t.Fatal(err)
		}
		end := f.now.Add(time.Hour)
		for _, c := range []struct {
			f    board.Frequency
			want []int64
		}{
			{board.FreqDaily, []int64{f.taipeiMember.ID}},
			{board.FreqImmediately, []int64{f.tokyoEd.ID}},
			{board.FreqWeekly, nil},
		} {
			got, err := bs.MailDue(context.Background(), c.f, end, 0, 10)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("MailDue(%s) = %v, %v; want %v", c.f, got, err, c.want)
			}
		}
		if got, _ := bs.MailDue(context.Background(), board.FreqDaily, *f.now, 0, 10); len(got) != 0 {
			t.Errorf("MailDue before the notification was made: %v", got)
		}

		items, err := bs.DigestItems(context.Background(), f.taipeiMember.ID, board.FreqDaily, end)
		if err != nil || len(items) != 1 {
			t.Fatalf("DigestItems = %+v, %v", items, err)
		}
		it := items[0] // the author's organisation is named in the reader's language, Korean
		if it.Kind != board.NoteAddressed || it.BoardName != "Board ask" || it.ThreadTitle != "Tents" ||
			it.Author != "Name of member@seoul.example, 서울특별시" || it.Excerpt != "Who lends field tents?" {
			t.Errorf("item = %+v", it)
		}
		p, _ := board.DigestPeriod(board.FreqDaily, end)
		d := board.BuildDigest(f.taipeiMember.ID, board.FreqDaily, p, items)
		msg := mail.Message{To: f.taipeiMember.Email, Subject: "Your digest", Text: "Tents"}
		if err := bs.QueueDigest(context.Background(), d, []mail.Message{msg}); err != nil {
			t.Fatal(err)
		}
		out, err := f.db.ClaimMail(context.Background(), "test", 10, time.Minute)
		if err != nil || len(out) != 1 || out[0].To != f.taipeiMember.Email {
			t.Errorf("outbox = %+v, %v", out, err)
		}
		if got, _ := bs.MailDue(context.Background(), board.FreqDaily, end, 0, 10); len(got) != 0 {
			t.Errorf("MailDue after the digest: %v", got)
		}
		wantKind(t, "queueing a digest twice", bs.QueueDigest(context.Background(), d, []mail.Message{msg}),
			citypact.KindConflict, "board.digest_stale")
		if out, _ := f.db.ClaimMail(context.Background(), "test", 10, time.Minute); len(out) != 0 {
			t.Errorf("a stale digest queued mail: %+v", out)
		}

		// A thread hidden since no longer reaches the digest of someone who may not see it.
		if err := bs.Moderate(as(f.admin), board.Moderation{Action: board.ActHide, ThreadID: th.ID}); err != nil {
			t.Fatal(err)
		}
		if items, err := bs.DigestItems(context.Background(), f.tokyoEd.ID, board.FreqImmediately, end); err != nil || len(items) != 0 {
			t.Errorf("items on a hidden thread: %+v, %v", items, err)
		}
	})
}
