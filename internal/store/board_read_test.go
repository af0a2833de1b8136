package store_test

import (
	"slices"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

// ReadThread gives each reader what Thread, Posts and Translations give them, under one check: a
// hidden answer and its translation only to its author and the board's moderators, nothing at
// all to whoever may not see the thread.
func TestReadThread(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		th := f.mustThread(t, as(f.seoulMember), f.public, "Beds")
		shown := f.mustPost(t, as(f.taipeiEd), th, board.PostAnswer, "Twelve beds.")
		hidden := f.mustPost(t, as(f.berlinMember), th, board.PostAnswer, "Buy our beds!")
		for _, p := range []board.Post{shown, hidden} {
			tr := board.Translation{ThreadID: th.ID, PostID: p.ID, Lang: "ko", Body: "번역 " + p.Body, Version: 1}
			if err := bs.SaveTranslation(as(f.tokyoEd), &tr); err != nil {
				t.Fatal(err)
			}
		}
		if err := bs.Moderate(as(f.admin), board.Moderation{Action: board.ActHide, ThreadID: th.ID, PostID: hidden.ID, Note: "spam"}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			reader citypact.Actor
			posts  []int64
		}{
			{"visitor", citypact.Actor{}, []int64{shown.ID}},
			{"another member", f.seoulMember.Actor(), []int64{shown.ID}},
			{"the hidden answer's author", f.berlinMember.Actor(), []int64{shown.ID, hidden.ID}},
			{"admin", f.admin.Actor(), []int64{shown.ID, hidden.ID}},
		} {
			ctx := citypact.WithActor(t.Context(), tc.reader)
			rd, err := bs.ReadThread(ctx, th.ID)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var got, trs []int64
			for _, p := range rd.Posts {
				got = append(got, p.ID)
			}
			for _, tr := range rd.Translations {
				trs = append(trs, tr.PostID)
			}
			if !slices.Equal(got, tc.posts) || !slices.Equal(trs, tc.posts) || rd.Board.ID != f.public.ID || rd.Thread.ID != th.ID {
				t.Errorf("%s: posts %v, translations of %v; want %v on board %d", tc.name, got, trs, tc.posts, f.public.ID)
			}
			// The same as the three reads it replaces.
			posts, err := bs.Posts(ctx, th.ID, citypact.Page{Limit: citypact.MaxLimit})
			if err != nil || len(posts) != len(rd.Posts) {
				t.Errorf("%s: Posts gives %d, ReadThread %d (%v)", tc.name, len(posts), len(rd.Posts), err)
			}
			ts, err := bs.Translations(ctx, th.ID)
			if err != nil || len(ts) != len(rd.Translations) {
				t.Errorf("%s: Translations gives %d, ReadThread %d (%v)", tc.name, len(ts), len(rd.Translations), err)
			}
		}
		private := f.mustThread(t, as(f.seoulMember), f.pair, "Private")
		wantKind(t, "a thread one cannot see", func() error { _, err := bs.ReadThread(as(f.tokyoEd), private.ID); return err }(), citypact.KindNotFound, "")
	})
}
