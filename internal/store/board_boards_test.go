package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// forum is the practice library's cities and network with boards: a public one, one of the
// network (Seoul and Tokyo are members), and the pair channel of the sister cities Seoul and
// Taipei. Berlin belongs to nothing.
type forum struct {
	*library
	bs                    *store.BoardStore
	admin, berlinMember   account.User
	public, network, pair board.Board
}

func newForum(t *testing.T, dsn string) *forum {
	t.Helper()
	f := &forum{library: newLibrary(t, dsn)}
	f.bs = f.db.BoardStore()
	f.admin = mustUser(t, f.db, "admin@hub.example", citypact.RoleAdmin, 0)
	berlin := mustCreate(t, f.db, city("berlin", "DE", "de", "Berlin"))
	f.berlinMember = mustUser(t, f.db, "member@berlin.example", citypact.RoleMember, berlin.ID)
	f.public = f.mustBoard(t, as(f.admin), "ask", board.KindQuestions, board.PublicScope)
	f.network = f.mustBoard(t, as(f.admin), "net-questions", board.KindQuestions, board.NetworkScope(f.net.ID))
	pair, err := f.bs.OpenPair(as(f.seoulEd), f.taipei.ID, f.seoul.ID)
	if err != nil {
		t.Fatalf("OpenPair: %v", err)
	}
	f.pair = pair
	return f
}

func (f *forum) mustBoard(t *testing.T, ctx context.Context, slug string, kind board.Kind, sc board.Scope) board.Board {
	t.Helper()
	b := board.Board{Slug: slug, Kind: kind, Scope: sc, Names: map[string]string{"en": "Board " + slug}}
	if err := f.bs.CreateBoard(ctx, &b); err != nil {
		t.Fatalf("CreateBoard(%s): %v", slug, err)
	}
	return b
}

func (f *forum) mustThread(t *testing.T, ctx context.Context, b board.Board, title string) board.Thread {
	t.Helper()
	th := board.Thread{BoardID: b.ID, Title: title, Body: "What did you do about " + title + "?", Lang: "en", Tags: []string{"Masks"}}
	if err := f.bs.CreateThread(ctx, &th); err != nil {
		t.Fatalf("CreateThread(%q): %v", title, err)
	}
	return th
}

func (f *forum) mustPost(t *testing.T, ctx context.Context, th board.Thread, kind board.PostKind, body string) board.Post {
	t.Helper()
	p := board.Post{ThreadID: th.ID, Kind: kind, Body: body, Lang: "en"}
	if err := f.bs.CreatePost(ctx, &p); err != nil {
		t.Fatalf("CreatePost(%q): %v", body, err)
	}
	return p
}

func boardIDs(bs []board.Board) []int64 {
	out := []int64{}
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func TestBoardVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		for _, c := range []struct {
			who  string
			ctx  context.Context
			want []*board.Board
		}{
			{"visitor", visitor, []*board.Board{&f.public}},
			{"member of the network", as(f.seoulMember), []*board.Board{&f.public, &f.network, &f.pair}},
			{"editor of the network", as(f.tokyoEd), []*board.Board{&f.public, &f.network}},
			{"pair partner outside the network", as(f.taipeiMember), []*board.Board{&f.public, &f.pair}},
			{"member of another org", as(f.berlinMember), []*board.Board{&f.public}},
			{"admin", as(f.admin), []*board.Board{&f.public, &f.network, &f.pair}},
		} {
			got, err := f.bs.Boards(c.ctx, board.BoardFilter{})
			if err != nil {
				t.Fatalf("%s: Boards: %v", c.who, err)
			}
			var want []int64
			for _, b := range c.want {
				want = append(want, b.ID)
			}
			if g := sorted(boardIDs(got)); !slices.Equal(g, sorted(want)) {
				t.Errorf("%s: Boards = %v, want %v", c.who, g, sorted(want))
			}
			for _, b := range []board.Board{f.public, f.network, f.pair} {
				visible := slices.Contains(want, b.ID)
				_, err := f.bs.Board(c.ctx, b.ID)
				_, errSlug := f.bs.BoardBySlug(c.ctx, b.Slug)
				for _, e := range []error{err, errSlug} {
					if visible && e != nil || !visible && citypact.KindOf(e) != citypact.KindNotFound {
						t.Errorf("%s: board %s: err %v, visible %v", c.who, b.Slug, e, visible)
					}
				}
			}
		}
		got, err := f.bs.Board(visitor, f.pair.ID)
		if err == nil {
			t.Errorf("visitor read the pair channel: %+v", got)
		}
		if f.pair.Slug != board.PairSlug(board.PairScope(f.seoul.ID, f.taipei.ID)) || f.pair.Kind != board.KindQuestions {
			t.Errorf("pair = %+v", f.pair)
		}
	})
}

func TestBoardManage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		again, err := f.bs.OpenPair(as(f.taipeiEd), f.seoul.ID, f.taipei.ID)
		if err != nil || again.ID != f.pair.ID {
			t.Errorf("OpenPair again = %d, %v; want %d", again.ID, err, f.pair.ID)
		}
		_, err = f.bs.OpenPair(as(f.tokyoEd), f.tokyo.ID, f.seoul.ID)
		wantField(t, "pair without a tie", err, "scope", "board.pair_no_tie")
		direct := board.Board{Slug: board.PairSlug(board.PairScope(f.tokyo.ID, f.seoul.ID)), Kind: board.KindMaterial,
			Scope: board.PairScope(f.tokyo.ID, f.seoul.ID), Names: map[string]string{"en": "Direct"}}
		wantField(t, "pair board without a tie", f.bs.CreateBoard(as(f.admin), &direct), "scope", "board.pair_no_tie")
		net := board.Board{Slug: "not-a-network", Kind: board.KindMaterial, Scope: board.NetworkScope(f.tokyo.ID),
			Names: map[string]string{"en": "City"}}
		wantField(t, "network board of a city", f.bs.CreateBoard(as(f.admin), &net), "scope", "board.scope_invalid")
		_, err = f.bs.OpenPair(as(f.seoulMember), f.seoul.ID, f.taipei.ID+1000)
		if err == nil {
			t.Error("member opened a pair channel")
		}
		dup := board.Board{Slug: "ask", Kind: board.KindMaterial, Scope: board.PublicScope, Names: map[string]string{"en": "Again"}}
		wantKind(t, "taken slug", f.bs.CreateBoard(as(f.admin), &dup), citypact.KindInvalid, "")
		mine := board.Board{Slug: "mine", Kind: board.KindMaterial, Scope: board.PublicScope, Names: map[string]string{"en": "Mine"}}
		wantKind(t, "member creates a board", f.bs.CreateBoard(as(f.seoulEd), &mine), citypact.KindForbidden, "")

		before := auditCount(t, f.db)
		upd := f.network
		upd.Names = map[string]string{"en": "Network questions", "ko": "네트워크 질문"}
		upd.Slug, upd.Locked = "renamed", true
		if err := f.bs.UpdateBoard(as(f.admin), &upd); err != nil {
			t.Fatal(err)
		}
		got, err := f.bs.Board(as(f.seoulMember), f.network.ID)
		if err != nil || got.Slug != f.network.Slug || !got.Locked || got.Names["ko"] != "네트워크 질문" {
			t.Errorf("after update: %+v, %v", got, err)
		}
		if auditCount(t, f.db) != before+1 {
			t.Error("UpdateBoard wrote no audit row")
		}
		wantKind(t, "editor of a member updates the network's board", f.bs.UpdateBoard(as(f.seoulEd), &upd), citypact.KindForbidden, "")
		wantKind(t, "outsider updates a network board", f.bs.UpdateBoard(as(f.berlinMember), &upd), citypact.KindNotFound, "")
	})
}
