package store_test

import (
	"context"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

func TestBoardModeration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		th := f.mustThread(t, as(f.seoulMember), f.network, "Spam?")
		spam := f.mustPost(t, as(f.tokyoEd), th, board.PostComment, "Cheap masks at example.com")

		r := board.Report{ThreadID: th.ID, PostID: spam.ID, Reason: board.ReasonSpam}
		if err := bs.Report(as(f.seoulMember), &r); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "reporting without a note for other", bs.Report(as(f.seoulMember), &board.Report{ThreadID: th.ID, Reason: board.ReasonOther}),
			citypact.KindInvalid, "")
		wantKind(t, "reporting what one cannot see", bs.Report(as(f.berlinMember), &board.Report{ThreadID: th.ID, Reason: board.ReasonSpam}),
			citypact.KindNotFound, "")
		if rs, err := bs.Reports(as(f.tokyoEd), board.ReportFilter{Open: true}); err != nil || len(rs) != 1 || rs[0].ReporterID != f.seoulMember.ID {
			t.Errorf("network editor's reports: %+v, %v", rs, err)
		}
		for _, u := range []string{"member", "taipei editor"} {
			ctx := as(f.seoulMember)
			if u == "taipei editor" {
				ctx = as(f.taipeiEd)
			}
			if rs, err := bs.Reports(ctx, board.ReportFilter{}); err != nil || len(rs) != 0 {
				t.Errorf("%s sees reports: %+v, %v", u, rs, err)
			}
		}
		wantKind(t, "member resolves", bs.ResolveReport(as(f.seoulMember), r.ID), citypact.KindForbidden, "")
		if err := bs.Moderate(as(f.tokyoEd), board.Moderation{Action: board.ActHide, ThreadID: th.ID, PostID: spam.ID, Note: "spam"}); err != nil {
			t.Fatal(err)
		}
		if err := bs.ResolveReport(as(f.tokyoEd), r.ID); err != nil {
			t.Fatal(err)
		}
		if rs, _ := bs.Reports(as(f.admin), board.ReportFilter{Open: true}); len(rs) != 0 {
			t.Errorf("open reports after resolving: %+v", rs)
		}
		if rs, _ := bs.Reports(as(f.admin), board.ReportFilter{}); len(rs) != 1 || rs[0].ResolvedBy != f.tokyoEd.ID || rs[0].Open() {
			t.Errorf("resolved report: %+v", rs)
		}
		// The hidden post: its author and moderators see it, others not.
		for _, c := range []struct {
			who  string
			ctx  context.Context
			want int
		}{{"author", as(f.tokyoEd), 1}, {"member", as(f.seoulMember), 0}, {"admin", as(f.admin), 1}} {
			ps, err := bs.Posts(c.ctx, th.ID, citypact.Page{})
			if err != nil || len(ps) != c.want {
				t.Errorf("%s sees %d posts (%v), want %d", c.who, len(ps), err, c.want)
			}
		}
		if got, _ := bs.Thread(as(f.seoulMember), th.ID); got.Answers != 0 {
			t.Errorf("Answers counts a hidden post: %d", got.Answers)
		}

		entries, err := f.db.AuditLog(as(f.admin), audit.Filter{Action: "board.moderate"})
		if err != nil || len(entries) != 1 || entries[0].Entity != "post" {
			t.Errorf("audit of moderation: %+v, %v", entries, err)
		}

		other := f.mustBoard(t, as(f.admin), "net-more", board.KindQuestions, board.NetworkScope(f.net.ID))
		material := f.mustBoard(t, as(f.admin), "net-material", board.KindMaterial, board.NetworkScope(f.net.ID))
		wantKind(t, "move to another kind", bs.Moderate(as(f.tokyoEd), board.Moderation{Action: board.ActMove, ThreadID: th.ID, ToBoard: material.ID}),
			citypact.KindInvalid, "")
		wantKind(t, "move to a public board by a network editor", bs.Moderate(as(f.tokyoEd),
			board.Moderation{Action: board.ActMove, ThreadID: th.ID, ToBoard: f.public.ID}), citypact.KindForbidden, "")
		if err := bs.Moderate(as(f.tokyoEd), board.Moderation{Action: board.ActMove, ThreadID: th.ID, ToBoard: other.ID}); err != nil {
			t.Fatal(err)
		}
		if got, err := bs.Thread(as(f.seoulMember), th.ID); err != nil || got.BoardID != other.ID {
			t.Errorf("moved thread: board %d, %v", got.BoardID, err)
		}
		if ts, _ := bs.Threads(as(f.seoulMember), board.ThreadFilter{Board: f.network.ID}); len(ts) != 0 {
			t.Errorf("old board still lists the thread: %+v", ts)
		}
	})
}
