package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// notes returns the kinds of u's notifications, newest first.
func notes(t *testing.T, bs *store.BoardStore, u account.User) []board.NoteKind {
	t.Helper()
	ns, err := bs.Notifications(as(u), board.NotificationFilter{})
	if err != nil {
		t.Fatalf("Notifications(%s): %v", u.Email, err)
	}
	out := []board.NoteKind{}
	for _, n := range ns {
		if n.UserID != u.ID {
			t.Errorf("%s got notification %+v of another user", u.Email, n)
		}
		out = append(out, n.Kind)
	}
	return out
}

func wantNotes(t *testing.T, bs *store.BoardStore, u account.User, want ...board.NoteKind) {
	t.Helper()
	got := notes(t, bs, u)
	if len(got) != len(want) {
		t.Errorf("%s: notifications %v, want %v", u.Email, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: notifications %v, want %v", u.Email, got, want)
			return
		}
	}
}

func mustSubscribe(t *testing.T, bs *store.BoardStore, ctx context.Context, s board.Subscription) board.Subscription {
	t.Helper()
	if err := bs.Subscribe(ctx, &s); err != nil {
		t.Fatalf("Subscribe(%+v): %v", s, err)
	}
	return s
}

func TestBoardFanOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		mustSubscribe(t, bs, as(f.tokyoEd), board.Subscription{Kind: board.FollowBoard, TargetID: f.network.ID})
		// Neither can see the network's board: their subscriptions bring them nothing from it.
		mustSubscribe(t, bs, as(f.berlinMember), board.Subscription{Kind: board.FollowTag, Tag: "masks"})
		mustSubscribe(t, bs, as(f.taipeiMember), board.Subscription{Kind: board.FollowOrg, TargetID: f.seoul.ID})
		// The author follows their own organisation: never notified of their own doing.
		mustSubscribe(t, bs, as(f.seoulMember), board.Subscription{Kind: board.FollowOrg, TargetID: f.seoul.ID})

		th := board.Thread{BoardID: f.network.ID, Title: "Mask stock", Body: "How many masks do you keep?", Lang: "en",
			Tags: []string{"Masks"}, ToOrgs: []int64{f.seoul.ID}, ToUsers: []int64{f.tokyoEd.ID}}
		if err := bs.CreateThread(as(f.seoulMember), &th); err != nil {
			t.Fatal(err)
		}
		wantNotes(t, bs, f.tokyoEd, board.NoteAddressed) // once, though both subscribed and addressed
		wantNotes(t, bs, f.seoulEd, board.NoteAddressed) // addressed through the organisation, no subscription
		wantNotes(t, bs, f.seoulMember)
		wantNotes(t, bs, f.berlinMember)
		wantNotes(t, bs, f.taipeiMember)

		answer := f.mustPost(t, as(f.tokyoEd), th, board.PostAnswer, "Three months' worth.")
		wantNotes(t, bs, f.seoulMember, board.NoteNewAnswer)
		wantNotes(t, bs, f.tokyoEd, board.NoteAddressed)
		got, err := bs.Thread(as(f.seoulMember), th.ID)
		if err != nil || got.Answers != 1 || got.AnsweredAt.IsZero() || got.Version != 1 || got.Tags[0] != "masks" ||
			len(got.ToOrgs) != 1 || len(got.ToUsers) != 1 {
			t.Errorf("thread after an answer: %+v, %v", got, err)
		}

		wantKind(t, "accepting on someone else's question", bs.Accept(as(f.tokyoEd), th.ID, answer.ID), citypact.KindForbidden, "")
		if err := bs.Accept(as(f.seoulMember), th.ID, answer.ID); err != nil {
			t.Fatal(err)
		}
		wantNotes(t, bs, f.tokyoEd, board.NoteYourAnswerAccepted, board.NoteAddressed)
		if got, _ := bs.Thread(as(f.seoulMember), th.ID); got.AcceptedID != answer.ID || got.Status() != board.StatusAnswered {
			t.Errorf("accepted = %d, want %d", got.AcceptedID, answer.ID)
		}
		if n, err := bs.UnreadCount(as(f.tokyoEd)); err != nil || n != 2 {
			t.Errorf("UnreadCount = %d, %v; want 2", n, err)
		}
		if err := bs.MarkRead(as(f.tokyoEd), th.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := bs.UnreadCount(as(f.tokyoEd)); n != 0 {
			t.Errorf("UnreadCount after MarkRead = %d", n)
		}
		// Once hidden, the thread's notifications are listed only to whoever may still see it: the
		// author, and Tokyo's editor, a moderator of the network's boards.
		if err := bs.Moderate(as(f.admin), board.Moderation{Action: board.ActHide, ThreadID: th.ID}); err != nil {
			t.Fatal(err)
		}
		wantNotes(t, bs, f.tokyoEd, board.NoteYourAnswerAccepted, board.NoteAddressed)
		wantNotes(t, bs, f.seoulEd, board.NoteAddressed)
		if n, _ := bs.UnreadCount(as(f.taipeiMember)); n != 0 {
			t.Errorf("taipei unread = %d", n)
		}
		wantNotes(t, bs, f.seoulMember, board.NoteNewAnswer) // the author still sees their hidden thread
	})
}

func TestBoardPostingErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		th := f.mustThread(t, as(f.seoulMember), f.network, "Fever clinics")

		out := board.Thread{BoardID: f.network.ID, Title: "Hello", Body: "Anyone?", Lang: "en"}
		wantKind(t, "thread on an invisible board", bs.CreateThread(as(f.berlinMember), &out), citypact.KindNotFound, "")
		p := board.Post{ThreadID: th.ID, Kind: board.PostComment, Body: "Hi", Lang: "en"}
		wantKind(t, "post into an invisible thread", bs.CreatePost(as(f.berlinMember), &p), citypact.KindNotFound, "")
		wantKind(t, "visitor posts", bs.CreatePost(visitor, &board.Post{ThreadID: f.mustThread(t, as(f.seoulMember), f.public, "Open").ID,
			Kind: board.PostComment, Body: "Hi", Lang: "en"}), citypact.KindUnauthenticated, "")
		bad := board.Thread{BoardID: f.network.ID, Title: "To Berlin", Body: "?", Lang: "en", ToUsers: []int64{f.berlinMember.ID}}
		wantField(t, "addressee who cannot see the board", bs.CreateThread(as(f.seoulMember), &bad), "to_users", "board.addressee_invalid")
		bad = board.Thread{BoardID: f.network.ID, Title: "To Taipei", Body: "?", Lang: "en", ToOrgs: []int64{f.taipei.ID}}
		wantField(t, "organisation that cannot see the board", bs.CreateThread(as(f.seoulMember), &bad), "to_orgs", "board.addressee_invalid")

		material := f.mustBoard(t, as(f.admin), "files", board.KindMaterial, board.PublicScope)
		doc := f.mustThread(t, as(f.seoulMember), material, "Guidelines")
		c := f.mustPost(t, as(f.taipeiMember), doc, board.PostComment, "Thanks")
		wantKind(t, "accepting on a material board", bs.Accept(as(f.seoulMember), doc.ID, c.ID), citypact.KindConflict, "board.not_questions")
		material.Archived = true
		if err := bs.UpdateBoard(as(f.admin), &material); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "post to an archived board", bs.CreatePost(as(f.taipeiMember), &board.Post{ThreadID: doc.ID,
			Kind: board.PostComment, Body: "Late", Lang: "en"}), citypact.KindConflict, "board.archived")
		if bds, _ := bs.Boards(visitor, board.BoardFilter{}); len(bds) != 1 {
			t.Errorf("archived board listed: %d boards", len(bds))
		}

		if err := bs.Moderate(as(f.tokyoEd), board.Moderation{Action: board.ActLock, ThreadID: th.ID, Note: "settled"}); err != nil {
			t.Fatalf("network editor locks: %v", err)
		}
		p = board.Post{ThreadID: th.ID, Kind: board.PostComment, Body: "One more thing", Lang: "en"}
		wantKind(t, "post into a locked thread", bs.CreatePost(as(f.seoulMember), &p), citypact.KindConflict, "board.thread_locked")
		wantKind(t, "member moderates", bs.Moderate(as(f.seoulMember), board.Moderation{Action: board.ActUnlock, ThreadID: th.ID}),
			citypact.KindForbidden, "")

		q := f.mustThread(t, as(f.seoulMember), f.public, "Same question")
		for range 2 {
			if err := bs.MarkSame(as(f.taipeiMember), q.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := bs.Thread(visitor, q.ID); got.SameCount != 1 {
			t.Errorf("SameCount = %d, want 1", got.SameCount)
		}
		wantKind(t, "asker marks same", bs.MarkSame(as(f.seoulMember), q.ID, true), citypact.KindConflict, "board.same_own_question")
		if err := bs.MarkSame(as(f.taipeiMember), q.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := bs.Thread(visitor, q.ID); got.SameCount != 0 {
			t.Errorf("SameCount after unmarking = %d, want 0", got.SameCount)
		}
	})
}

func TestBoardRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		mustSubscribe(t, bs, as(f.seoulMember), board.Subscription{Kind: board.FollowBoard, TargetID: f.public.ID})
		th := f.mustThread(t, as(f.berlinMember), f.public, "Storm")
		for i := 1; i < board.PostsPerMinute; i++ {
			f.mustPost(t, as(f.berlinMember), th, board.PostAnswer, "Buy now")
		}
		audits, seoulNotes := auditCount(t, f.db), len(notes(t, bs, f.seoulMember))
		for range 20 {
			p := board.Post{ThreadID: th.ID, Kind: board.PostAnswer, Body: "Buy now!", Lang: "en"}
			err := bs.CreatePost(as(f.berlinMember), &p)
			wantKind(t, "post in a storm", err, citypact.KindTooMany, "board.rate_limited")
			if d, ok := board.RetryAfter(err); !ok || d <= 0 || d > time.Minute {
				t.Fatalf("RetryAfter = %v, %v", d, ok)
			}
			storm := board.Thread{BoardID: f.public.ID, Title: "Storm", Body: "Buy", Lang: "en"}
			wantKind(t, "thread in a storm", bs.CreateThread(as(f.berlinMember), &storm), citypact.KindTooMany, "board.rate_limited")
		}
		ps, err := bs.Posts(visitor, th.ID, citypact.Page{})
		if err != nil || len(ps) != board.PostsPerMinute-1 {
			t.Errorf("posts after the storm: %d, %v", len(ps), err)
		}
		if got := auditCount(t, f.db); got != audits {
			t.Errorf("refused posts wrote %d audit rows", got-audits)
		}
		if got := len(notes(t, bs, f.seoulMember)); got != seoulNotes {
			t.Errorf("refused posts notified: %d notes, want %d", got, seoulNotes)
		}
		// Parallel requests cannot all pass on the same count: the user's row (PostgreSQL) or the
		// one writer (SQLite) serialises them.
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for range 3 * board.PostsPerMinute {
			wg.Go(func() {
				th := board.Thread{BoardID: f.public.ID, Title: "Parallel", Body: "Buy", Lang: "en"}
				err := bs.CreateThread(as(f.tokyoEd), &th)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					created++
				} else if citypact.KindOf(err) != citypact.KindTooMany {
					t.Errorf("parallel thread: %v", err)
				}
			})
		}
		wg.Wait()
		if created != board.PostsPerMinute {
			t.Errorf("%d parallel threads created, want %d", created, board.PostsPerMinute)
		}
		// A minute later the user may post again; another user was never limited.
		*f.now = f.now.Add(time.Minute)
		f.mustPost(t, as(f.berlinMember), th, board.PostComment, "Sorry")
		f.mustPost(t, as(f.taipeiMember), th, board.PostComment, "Reported")
	})
}

func TestBoardThreadsList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		pub := f.mustThread(t, as(f.seoulMember), f.public, "Public")
		*f.now = f.now.Add(time.Second)
		netT := f.mustThread(t, as(f.seoulMember), f.network, "Network")
		*f.now = f.now.Add(time.Second)
		pairT := f.mustThread(t, as(f.taipeiMember), f.pair, "Pair")
		*f.now = f.now.Add(time.Second)
		f.mustPost(t, as(f.tokyoEd), pub, board.PostAnswer, "Bump") // pub is now the most active
		for _, c := range []struct {
			who  string
			ctx  context.Context
			want []int64
		}{
			{"visitor", visitor, []int64{pub.ID}},
			{"seoul", as(f.seoulMember), []int64{pub.ID, pairT.ID, netT.ID}},
			{"taipei", as(f.taipeiMember), []int64{pub.ID, pairT.ID}},
			{"tokyo", as(f.tokyoEd), []int64{pub.ID, netT.ID}},
			{"berlin", as(f.berlinMember), []int64{pub.ID}},
			{"admin", as(f.admin), []int64{pub.ID, pairT.ID, netT.ID}},
		} {
			ts, err := bs.Threads(c.ctx, board.ThreadFilter{})
			if err != nil {
				t.Fatalf("%s: %v", c.who, err)
			}
			var got []int64
			for _, x := range ts {
				got = append(got, x.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: Threads = %v, want %v", c.who, got, c.want)
			}
		}
		page, err := bs.Threads(as(f.seoulMember), board.ThreadFilter{Page: citypact.Page{After: pub.ID, Limit: 1}})
		if err != nil || len(page) != 1 || page[0].ID != pairT.ID {
			t.Errorf("page after %d: %+v, %v", pub.ID, page, err)
		}
		tagged, err := bs.Threads(as(f.seoulMember), board.ThreadFilter{Tag: "MASKS", Board: f.network.ID})
		if err != nil || len(tagged) != 1 || tagged[0].ID != netT.ID {
			t.Errorf("by tag: %+v, %v", tagged, err)
		}
		open, err := bs.Threads(as(f.seoulMember), board.ThreadFilter{Unanswered: true})
		if err != nil || len(open) != 3 || open[0].ID != pub.ID {
			t.Errorf("unanswered: %d, %v", len(open), err)
		}
		if _, err := bs.Thread(as(f.tokyoEd), pairT.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("tokyo reads the pair's thread: %v", err)
		}
	})
}
