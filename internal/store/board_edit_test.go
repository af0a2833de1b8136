package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

func TestBoardEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		th := f.mustThread(t, as(f.seoulMember), f.network, "Quarantine hotels")

		edit := th
		edit.Title, edit.ToUsers = "Quarantine hotels: costs", []int64{f.tokyoEd.ID}
		if err := bs.UpdateThread(as(f.seoulMember), &edit); err != nil {
			t.Fatal(err)
		}
		got, err := bs.Thread(as(f.seoulMember), th.ID)
		if err != nil || got.Version != 2 || got.Title != edit.Title || len(got.ToUsers) != 1 || got.Tags[0] != "masks" {
			t.Errorf("after UpdateThread: %+v, %v", got, err)
		}
		wantNotes(t, bs, f.tokyoEd, board.NoteAddressed)
		edit.Tags = []string{"hotels"} // the text stays: the version too
		if err := bs.UpdateThread(as(f.seoulMember), &edit); err != nil || edit.Version != 2 {
			t.Errorf("tags only: version %d, %v", edit.Version, err)
		}
		wantNotes(t, bs, f.tokyoEd, board.NoteAddressed) // nobody new addressed
		// A thread's lists keep the order they were given in, on its page and in lists.
		edit.Tags = []string{"hotels", "costs", "beds"}
		if err := bs.UpdateThread(as(f.seoulMember), &edit); err != nil {
			t.Fatal(err)
		}
		got, err = bs.Thread(as(f.seoulMember), th.ID)
		listed, lerr := bs.Threads(as(f.seoulMember), board.ThreadFilter{Board: f.network.ID})
		if err != nil || lerr != nil || !slices.Equal(got.Tags, edit.Tags) || !slices.Equal(got.ToUsers, edit.ToUsers) {
			t.Errorf("lists read back: tags %q, to %v (%v, %v)", got.Tags, got.ToUsers, err, lerr)
		}
		for _, l := range listed {
			if l.ID == th.ID && !slices.Equal(l.Tags, edit.Tags) {
				t.Errorf("tags in the list = %q, want %q", l.Tags, edit.Tags)
			}
		}
		// A bare list (for pages that only link threads) has the same threads, without bodies,
		// answer counts or lists.
		bare, err := bs.Threads(as(f.seoulMember), board.ThreadFilter{Board: f.network.ID, Bare: true})
		if err != nil || len(bare) != len(listed) {
			t.Fatalf("bare list: %d threads, %v; want %d", len(bare), err, len(listed))
		}
		for i, l := range bare {
			if l.ID != listed[i].ID || l.Title != listed[i].Title || l.Status() != listed[i].Status() || l.Tags != nil || l.ToUsers != nil ||
				l.Body != "" || l.Answers != 0 {
				t.Errorf("bare thread %d = %+v, want %+v without body, answers or lists", i, l, listed[i])
			}
		}
		if err := bs.UpdateThread(as(f.tokyoEd), &edit); err != nil {
			t.Errorf("a moderator of the network's boards edits: %v", err)
		}

		beds := f.mustThread(t, as(f.taipeiEd), f.pair, "Beds")
		beds.Title = "Beds?"
		wantKind(t, "the partner edits the thread", bs.UpdateThread(as(f.seoulMember), &beds), citypact.KindForbidden, "")
		p := f.mustPost(t, as(f.taipeiEd), beds, board.PostComment, "Twelve")
		p.Body = "Fourteen"
		if err := bs.UpdatePost(as(f.taipeiEd), &p); err != nil || p.Version != 2 {
			t.Errorf("UpdatePost: version %d, %v", p.Version, err)
		}
		wantKind(t, "another's post", bs.UpdatePost(as(f.seoulMember), &p), citypact.KindForbidden, "")
		wantKind(t, "a post one cannot see", bs.UpdatePost(as(f.tokyoEd), &p), citypact.KindNotFound, "")
		*f.now = f.now.Add(board.EditWindow + time.Second)
		wantKind(t, "after the edit window", bs.UpdatePost(as(f.taipeiEd), &p), citypact.KindConflict, "board.edit_window_closed")

		tr := board.Translation{ThreadID: th.ID, Lang: "ko", Title: "격리 호텔", Body: "비용은?", Version: 2}
		if err := bs.SaveTranslation(as(f.tokyoEd), &tr); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "replacing another's translation", bs.SaveTranslation(as(f.seoulMember), &board.Translation{ThreadID: th.ID,
			Lang: "ko", Title: "격리", Body: "비용", Version: 2}), citypact.KindForbidden, "")
		tr.Body = "비용은 얼마입니까?"
		if err := bs.SaveTranslation(as(f.tokyoEd), &tr); err != nil {
			t.Fatal(err)
		}
		trs, err := bs.Translations(as(f.seoulMember), th.ID)
		if err != nil || len(trs) != 1 || trs[0].Body != tr.Body || trs[0].TranslatorID != f.tokyoEd.ID {
			t.Errorf("Translations = %+v, %v", trs, err)
		}
		if _, err := bs.Translations(as(f.berlinMember), th.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("outsider reads translations: %v", err)
		}
		if ts, _ := bs.Threads(as(f.seoulMember), board.ThreadFilter{Lang: "ko"}); len(ts) != 1 || ts[0].ID != th.ID {
			t.Errorf("threads in Korean: %+v", ts)
		}
	})
}

func TestBoardSupplyThread(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		supply := f.mustBoard(t, as(f.admin), "supply", board.KindSupply, board.PublicScope)
		th := board.Thread{BoardID: supply.ID, Title: "KF94 masks", Body: "Available now.", Lang: "en",
			Supply: &board.SupplyInfo{Product: "KF94 mask", Supplier: "Acme", UnitPrice: 12_500, Currency: "KRW",
				Quantity: 100_000, Unit: "box of 50", Certifications: []string{"KF94", "CE"}, ValidUntil: day(2026, 12, 31)}}
		if err := f.bs.CreateThread(as(f.seoulEd), &th); err != nil {
			t.Fatal(err)
		}
		got, err := f.bs.Thread(visitor, th.ID)
		if err != nil || got.Supply == nil || got.Supply.Product != "KF94 mask" || got.Supply.UnitPrice != 12_500 || got.Supply.Quantity != 100_000 ||
			len(got.Supply.Certifications) != 2 || !got.Supply.ValidUntil.Equal(day(2026, 12, 31)) {
			t.Errorf("supply thread read back: %+v %+v, %v", got, got.Supply, err)
		}
		plain := board.Thread{BoardID: supply.ID, Title: "No info", Body: "?", Lang: "en"}
		wantKind(t, "supply thread without supply info", f.bs.CreateThread(as(f.seoulEd), &plain), citypact.KindInvalid, "")
	})
}

func TestBoardPracticeLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		pr := f.mustPublished(t, as(f.seoulEd), newPractice(f.seoul.ID, "Drive-through testing"))
		draft := newPractice(f.seoul.ID, "Unfinished")
		if err := f.db.CreatePractice(as(f.seoulEd), &draft); err != nil {
			t.Fatal(err)
		}
		th := board.Thread{BoardID: f.public.ID, Title: "About drive-through testing", Body: "How many lanes?", Lang: "en",
			Practices: []int64{pr.ID}}
		if err := f.bs.CreateThread(as(f.taipeiMember), &th); err != nil {
			t.Fatal(err)
		}
		ts, err := f.bs.Threads(visitor, board.ThreadFilter{Practice: pr.ID})
		if err != nil || len(ts) != 1 || ts[0].ID != th.ID || len(ts[0].Practices) != 1 {
			t.Errorf("threads about the practice: %+v, %v", ts, err)
		}
		bad := board.Thread{BoardID: f.public.ID, Title: "About a draft", Body: "?", Lang: "en", Practices: []int64{draft.ID}}
		wantField(t, "linking another organisation's draft", f.bs.CreateThread(as(f.taipeiMember), &bad), "practices", "field.invalid")
	})
}
