package board

import (
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
)

// The cast: organisations 10 and 20 share a pair channel; 30 belongs to network 100; 40 is
// unrelated to anybody; 100 is the network itself (its secretariat).
const (
	orgA      = 10
	orgB      = 20
	inNet     = 30
	unrelated = 40
	network   = 100
)

var (
	publicBoard  = Board{ID: 1, Slug: "qa", Kind: KindQuestions, Scope: PublicScope, Names: map[string]string{"en": "Q&A"}}
	networkBoard = Board{ID: 2, Slug: "net-qa", Kind: KindQuestions, Scope: NetworkScope(network), Names: map[string]string{"en": "Network Q&A"}}
	pairBoard    = Board{ID: 3, Slug: "pair-10-20", Kind: KindQuestions, Scope: PairScope(orgB, orgA), Names: map[string]string{"en": "A and B"}}
	allBoards    = []Board{publicBoard, networkBoard, pairBoard}
)

func scopeName(b Board) string { return string(b.Scope.Kind) }

type role struct {
	name  string
	actor citypact.Actor
	rel   Relations
	sees  string // the scopes of boards the role reads
	mods  string // the scopes of boards the role moderates
}

var roles = []role{
	{name: "visitor", actor: citypact.Visitor, sees: "public"},
	{name: "member of A", actor: citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: orgA},
		rel: Relations{OrgID: orgA}, sees: "public pair"},
	{name: "editor of B", actor: citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: orgB},
		rel: Relations{OrgID: orgB}, sees: "public pair"},
	{name: "member of a network member", actor: citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet},
		rel: Relations{OrgID: inNet, Networks: []int64{network}}, sees: "public network"},
	{name: "editor of a network member", actor: citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet},
		rel: Relations{OrgID: inNet, Networks: []int64{network}}, sees: "public network", mods: "network"},
	{name: "member of the secretariat", actor: citypact.Actor{UserID: 5, Role: citypact.RoleMember, OrgID: network},
		rel: Relations{OrgID: network}, sees: "public network"},
	{name: "editor of the secretariat", actor: citypact.Actor{UserID: 6, Role: citypact.RoleEditor, OrgID: network},
		sees: "public network", mods: "network"},
	{name: "editor of an unrelated org", actor: citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated},
		rel: Relations{OrgID: unrelated, Networks: []int64{200}}, sees: "public"},
	{name: "admin", actor: citypact.Actor{UserID: 8, Role: citypact.RoleAdmin},
		sees: "public network pair", mods: "public network pair"},
	{name: "read-only token of A", actor: citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: orgA, Scope: citypact.ScopeRead, TokenID: 1},
		rel: Relations{OrgID: orgA}, sees: "public pair"},
	// Relations filled for another organisation than the actor's grant nothing.
	{name: "unrelated editor with a member's relations", actor: citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated},
		rel: Relations{OrgID: inNet, Networks: []int64{network}}, sees: "public"},
	// A signed-in user bound to no organisation (not an admin) is nobody's staff.
	{name: "member without organisation", actor: citypact.Actor{UserID: 9, Role: citypact.RoleMember},
		rel: Relations{Networks: []int64{network}}, sees: "public"},
}

func has(list, word string) bool { return strings.Contains(" "+list+" ", " "+word+" ") }

func TestCanSeeBoard(t *testing.T) {
	for _, r := range roles {
		for _, b := range allBoards {
			want := has(r.sees, scopeName(b))
			if got := CanSeeBoard(r.actor, b, r.rel); got != want {
				t.Errorf("%s, %s board: CanSeeBoard = %v, want %v", r.name, b.Scope, got, want)
			}
			// Locking and archiving never hide a board.
			closed := b
			closed.Locked, closed.Archived = true, true
			if got := CanSeeBoard(r.actor, closed, r.rel); got != want {
				t.Errorf("%s, closed %s board: CanSeeBoard = %v, want %v", r.name, b.Scope, got, want)
			}
		}
	}
}

func TestCanSeeInvalidScope(t *testing.T) {
	// Invalid scopes fail closed: only admins see them.
	for _, sc := range []Scope{{}, {Kind: "world"}, {Kind: ScopeNetwork}, {Kind: ScopePair, OrgA: orgA, OrgB: orgA},
		{Kind: ScopePair, OrgA: orgB, OrgB: orgA}, {Kind: ScopePublic, NetworkID: 3}} {
		for _, r := range roles {
			b := Board{ID: 9, Scope: sc}
			if got := CanSeeBoard(r.actor, b, r.rel); got != r.actor.IsAdmin() {
				t.Errorf("%s, %#v: CanSeeBoard = %v", r.name, sc, got)
			}
		}
	}
}

func TestCanModerate(t *testing.T) {
	for _, r := range roles {
		for _, b := range allBoards {
			err := CanModerate(r.actor, b, r.rel)
			var want citypact.Kind
			switch {
			case !has(r.sees, scopeName(b)):
				want = citypact.KindNotFound
			case !r.actor.SignedIn():
				want = citypact.KindUnauthenticated
			case r.actor.Scope == citypact.ScopeRead || !has(r.mods, scopeName(b)):
				want = citypact.KindForbidden
			}
			if got := kindOf(err); got != want {
				t.Errorf("%s, %s board: CanModerate = %v, want %v", r.name, b.Scope, err, want)
			}
		}
	}
}

// kindOf is citypact.KindOf, with 0 (KindInternal's value) meaning "no error" in tables.
func kindOf(err error) citypact.Kind {
	if err == nil {
		return 0
	}
	return citypact.KindOf(err)
}

func TestCanSeeHiddenThreadsAndPosts(t *testing.T) {
	author := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}
	rel := Relations{OrgID: inNet, Networks: []int64{network}}
	other := citypact.Actor{UserID: 11, Role: citypact.RoleMember, OrgID: inNet}
	mod := citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet}
	admin := citypact.Actor{UserID: 8, Role: citypact.RoleAdmin}
	shown := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: author.UserID}
	hidden := shown
	hidden.Hidden = true
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		t    Thread
		p    Post
		want bool
	}{
		{"other reads a shown post", other, shown, Post{ThreadID: 5, AuthorID: 99}, true},
		{"other, hidden thread", other, hidden, Post{ThreadID: 5, AuthorID: 99}, false},
		{"author, hidden thread", author, hidden, Post{ThreadID: 5, AuthorID: 3}, true},
		{"moderator, hidden thread", mod, hidden, Post{ThreadID: 5, AuthorID: 99}, true},
		{"admin, hidden thread", admin, hidden, Post{ThreadID: 5, AuthorID: 99}, true},
		{"other, hidden post", other, shown, Post{ThreadID: 5, AuthorID: 99, Hidden: true}, false},
		{"post author, hidden post", other, shown, Post{ThreadID: 5, AuthorID: 11, Hidden: true}, true},
		{"moderator, hidden post", mod, shown, Post{ThreadID: 5, AuthorID: 99, Hidden: true}, true},
		{"post of another thread", other, shown, Post{ThreadID: 6, AuthorID: 99}, false},
		{"thread of another board", admin, Thread{ID: 5, BoardID: 77}, Post{ThreadID: 5}, false},
	} {
		if got := CanSeePost(tt.a, networkBoard, tt.t, tt.p, rel); got != tt.want {
			t.Errorf("%s: CanSeePost = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCanPost(t *testing.T) {
	member := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}
	rel := Relations{OrgID: inNet, Networks: []int64{network}}
	mod := citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet}
	admin := citypact.Actor{UserID: 8, Role: citypact.RoleAdmin}
	open := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: 99}
	locked, hidden := open, open
	locked.Locked, hidden.Hidden = true, true
	lockedBoard, archived := networkBoard, networkBoard
	lockedBoard.Locked, archived.Archived = true, true
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		rel  Relations
		b    Board
		t    *Thread
		want citypact.Kind
		msg  string
	}{
		{"member, new thread", member, rel, networkBoard, nil, 0, ""},
		{"member, answer", member, rel, networkBoard, &open, 0, ""},
		{"visitor on a public board", citypact.Visitor, Relations{}, publicBoard, nil, citypact.KindUnauthenticated, ""},
		{"visitor into a public thread", citypact.Visitor, Relations{}, publicBoard, &Thread{ID: 1, BoardID: 1}, citypact.KindUnauthenticated, ""},
		// A board one cannot see does not exist, for visitors too (no "please sign in" leak).
		{"visitor on a network board", citypact.Visitor, Relations{}, networkBoard, nil, citypact.KindNotFound, ""},
		{"outsider on a network board", citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated}, Relations{OrgID: unrelated}, networkBoard, nil, citypact.KindNotFound, ""},
		{"outsider into a pair", member, rel, pairBoard, nil, citypact.KindNotFound, ""},
		{"partner into the pair", citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: orgA}, Relations{}, pairBoard, nil, 0, ""},
		{"read-only token", citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet, Scope: citypact.ScopeRead}, rel, networkBoard, nil, citypact.KindForbidden, ""},
		{"member without organisation", citypact.Actor{UserID: 9, Role: citypact.RoleMember}, Relations{}, publicBoard, nil, citypact.KindForbidden, ""},
		{"admin without organisation", admin, Relations{}, pairBoard, nil, 0, ""},
		{"into a locked thread", member, rel, networkBoard, &locked, citypact.KindConflict, "board.thread_locked"},
		{"moderator into a locked thread", mod, rel, networkBoard, &locked, citypact.KindConflict, "board.thread_locked"},
		{"admin into a locked thread", admin, Relations{}, networkBoard, &locked, citypact.KindConflict, "board.thread_locked"},
		{"into a locked board", member, rel, lockedBoard, nil, citypact.KindConflict, "board.locked"},
		{"answer on a locked board", member, rel, lockedBoard, &open, citypact.KindConflict, "board.locked"},
		{"into an archived board", member, rel, archived, nil, citypact.KindConflict, "board.archived"},
		{"into a hidden thread (not seen)", member, rel, networkBoard, &hidden, citypact.KindNotFound, ""},
		{"moderator into a hidden thread", mod, rel, networkBoard, &hidden, citypact.KindConflict, "board.thread_hidden"},
	} {
		err := CanPost(tt.a, tt.b, tt.t, tt.rel)
		if kindOf(err) != tt.want || (tt.msg != "" && citypact.MessageOf(err) != tt.msg) {
			t.Errorf("%s: CanPost = %v, want %v %s", tt.name, err, tt.want, tt.msg)
		}
	}
}

func TestCanAccept(t *testing.T) {
	asker := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}
	rel := Relations{OrgID: inNet, Networks: []int64{network}}
	q := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: asker.UserID}
	locked := q
	locked.Locked = true
	material := networkBoard
	material.Kind = KindMaterial
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		rel  Relations
		b    Board
		t    Thread
		want citypact.Kind
	}{
		{"asker", asker, rel, networkBoard, q, 0},
		{"colleague of the asker", citypact.Actor{UserID: 11, Role: citypact.RoleEditor, OrgID: inNet}, rel, networkBoard, q, citypact.KindForbidden},
		{"moderator, not the asker", citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet}, rel, networkBoard, q, citypact.KindForbidden},
		{"admin", citypact.Actor{UserID: 8, Role: citypact.RoleAdmin}, Relations{}, networkBoard, q, 0},
		{"outsider", citypact.Actor{UserID: 7, Role: citypact.RoleMember, OrgID: unrelated}, Relations{OrgID: unrelated}, networkBoard, q, citypact.KindNotFound},
		{"visitor on a public question", citypact.Visitor, Relations{}, publicBoard, Thread{ID: 1, BoardID: 1, AuthorID: 3}, citypact.KindUnauthenticated},
		{"asker with a read-only token", citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet, Scope: citypact.ScopeRead}, rel, networkBoard, q, citypact.KindForbidden},
		{"asker, locked thread", asker, rel, networkBoard, locked, citypact.KindConflict},
		{"asker, material board", asker, rel, material, q, citypact.KindConflict},
	} {
		if err := CanAccept(tt.a, tt.b, tt.t, tt.rel); kindOf(err) != tt.want {
			t.Errorf("%s: CanAccept = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCanMarkSame(t *testing.T) {
	rel := Relations{OrgID: inNet, Networks: []int64{network}}
	q := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: 3}
	locked := q
	locked.Locked = true
	other := citypact.Actor{UserID: 11, Role: citypact.RoleMember, OrgID: inNet}
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		t    Thread
		want citypact.Kind
	}{
		{"another member", other, q, 0},
		{"another member, locked", other, locked, 0},
		{"the asker", citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}, q, citypact.KindConflict},
		{"outsider", citypact.Actor{UserID: 7, Role: citypact.RoleMember, OrgID: unrelated}, q, citypact.KindNotFound},
	} {
		if err := CanMarkSame(tt.a, networkBoard, tt.t, rel); kindOf(err) != tt.want {
			t.Errorf("%s: CanMarkSame = %v, want %v", tt.name, err, tt.want)
		}
	}
	material := networkBoard
	material.Kind = KindMaterial
	if err := CanMarkSame(other, material, q, rel); citypact.MessageOf(err) != "board.not_questions" {
		t.Errorf("material board: %v", err)
	}
	hidden := q
	hidden.Hidden = true
	mod := citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet}
	if err := CanMarkSame(mod, networkBoard, hidden, rel); citypact.MessageOf(err) != "board.thread_hidden" {
		t.Errorf("hidden thread, seen by a moderator: %v", err)
	}
}

func TestCanEdit(t *testing.T) {
	now := time.Date(2020, 3, 2, 12, 0, 0, 0, time.UTC)
	author := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}
	rel := Relations{OrgID: inNet, Networks: []int64{network}}
	mod := citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet}
	fresh := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: 3, CreatedAt: now.Add(-time.Hour)}
	atLimit, late, locked, hidden := fresh, fresh, fresh, fresh
	atLimit.CreatedAt = now.Add(-EditWindow)
	late.CreatedAt = now.Add(-EditWindow - time.Second)
	locked.Locked = true
	hidden.Hidden = true
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		t    Thread
		want citypact.Kind
		msg  string
	}{
		{"author, fresh", author, fresh, 0, ""},
		{"author, exactly at the window's end", author, atLimit, 0, ""},
		{"author, a second after the window", author, late, citypact.KindConflict, "board.edit_window_closed"},
		{"author, locked", author, locked, citypact.KindConflict, "board.thread_locked"},
		{"author, hidden", author, hidden, citypact.KindConflict, "board.thread_hidden"},
		{"colleague (a member, not a moderator)", citypact.Actor{UserID: 11, Role: citypact.RoleMember, OrgID: inNet}, fresh, citypact.KindForbidden, ""},
		{"moderator, late", mod, late, 0, ""},
		{"moderator, locked and hidden", mod, Thread{ID: 5, BoardID: 2, AuthorID: 3, Locked: true, Hidden: true}, 0, ""},
		{"outsider", citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated}, fresh, citypact.KindNotFound, ""},
	} {
		err := CanEditThread(tt.a, networkBoard, tt.t, rel, now)
		if kindOf(err) != tt.want || (tt.msg != "" && citypact.MessageOf(err) != tt.msg) {
			t.Errorf("%s: CanEditThread = %v, want %v %s", tt.name, err, tt.want, tt.msg)
		}
	}

	th := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: 99}
	post := Post{ID: 7, ThreadID: 5, AuthorID: 3, CreatedAt: now.Add(-time.Minute)}
	hiddenPost, latePost := post, post
	hiddenPost.Hidden = true
	latePost.CreatedAt = now.Add(-EditWindow - time.Nanosecond)
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		p    Post
		want citypact.Kind
	}{
		{"post author", author, post, 0},
		{"post author, late", author, latePost, citypact.KindConflict},
		{"post author, hidden post", author, hiddenPost, citypact.KindConflict},
		{"the thread's author on another's post", citypact.Actor{UserID: 99, Role: citypact.RoleMember, OrgID: inNet}, post, citypact.KindForbidden},
		{"moderator, hidden post", mod, hiddenPost, 0},
		{"visitor", citypact.Visitor, post, citypact.KindNotFound},
	} {
		if err := CanEditPost(tt.a, networkBoard, th, tt.p, rel, now); kindOf(err) != tt.want {
			t.Errorf("%s: CanEditPost = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCanTranslate(t *testing.T) {
	rel := Relations{OrgID: orgA}
	reader := citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: orgA}
	th := Thread{ID: 5, BoardID: pairBoard.ID, AuthorID: 2, Locked: true}
	hiddenPost := &Post{ID: 7, ThreadID: 5, AuthorID: 2, Hidden: true}
	for _, tt := range []struct {
		name     string
		a        citypact.Actor
		rel      Relations
		p        *Post
		existing Translation
		want     citypact.Kind
	}{
		{"partner, new translation of a locked thread", reader, rel, nil, Translation{}, 0},
		{"partner, own translation", reader, rel, nil, Translation{TranslatorID: 1}, 0},
		{"partner, someone else's translation", reader, rel, nil, Translation{TranslatorID: 2}, citypact.KindForbidden},
		{"admin, someone else's translation", citypact.Actor{UserID: 8, Role: citypact.RoleAdmin}, Relations{}, nil, Translation{TranslatorID: 2}, 0},
		{"partner, a post", reader, rel, &Post{ID: 7, ThreadID: 5, AuthorID: 2}, Translation{}, 0},
		{"partner, a hidden post", reader, rel, hiddenPost, Translation{}, citypact.KindNotFound},
		{"admin, a hidden post", citypact.Actor{UserID: 8, Role: citypact.RoleAdmin}, Relations{}, hiddenPost, Translation{}, citypact.KindConflict},
		{"outsider", citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}, Relations{OrgID: inNet}, nil, Translation{}, citypact.KindNotFound},
		{"read-only token", citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: orgA, Scope: citypact.ScopeRead}, rel, nil, Translation{}, citypact.KindForbidden},
	} {
		if err := CanTranslate(tt.a, pairBoard, th, tt.p, tt.rel, tt.existing); kindOf(err) != tt.want {
			t.Errorf("%s: CanTranslate = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCanReportAndSubscribe(t *testing.T) {
	member := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: inNet}
	rel := Relations{OrgID: inNet, Networks: []int64{network}}
	th := Thread{ID: 5, BoardID: networkBoard.ID, AuthorID: 99}
	if err := CanReport(member, networkBoard, th, nil, rel); err != nil {
		t.Errorf("member reports a thread: %v", err)
	}
	if err := CanReport(citypact.Visitor, publicBoard, Thread{ID: 1, BoardID: 1}, nil, Relations{}); kindOf(err) != citypact.KindUnauthenticated {
		t.Errorf("visitor reports: %v", err)
	}
	if err := CanReport(member, pairBoard, Thread{ID: 9, BoardID: pairBoard.ID}, nil, rel); kindOf(err) != citypact.KindNotFound {
		t.Errorf("outsider reports a pair thread: %v", err)
	}
	if err := CanReport(member, networkBoard, th, &Post{ID: 8, ThreadID: 5}, rel); err != nil {
		t.Errorf("member reports a post: %v", err)
	}
	if err := CanReport(member, networkBoard, th, &Post{ID: 8, ThreadID: 5, Hidden: true}, rel); kindOf(err) != citypact.KindNotFound {
		t.Errorf("member reports a hidden post: %v", err)
	}
	for _, tt := range []struct {
		name string
		s    Subscription
		b    Board
		t    Thread
		want citypact.Kind
	}{
		{"a visible board", Subscription{UserID: 3, Kind: FollowBoard, TargetID: 2}, networkBoard, Thread{}, 0},
		{"an invisible board", Subscription{UserID: 3, Kind: FollowBoard, TargetID: 3}, pairBoard, Thread{}, citypact.KindNotFound},
		{"a board other than the one checked", Subscription{UserID: 3, Kind: FollowBoard, TargetID: 3}, networkBoard, Thread{}, citypact.KindNotFound},
		{"a visible thread", Subscription{UserID: 3, Kind: FollowThread, TargetID: 5}, networkBoard, th, 0},
		{"a hidden thread", Subscription{UserID: 3, Kind: FollowThread, TargetID: 5}, networkBoard, Thread{ID: 5, BoardID: 2, Hidden: true}, citypact.KindNotFound},
		{"a tag", Subscription{UserID: 3, Kind: FollowTag, Tag: "masks"}, Board{}, Thread{}, 0},
		{"for someone else", Subscription{UserID: 4, Kind: FollowOrg, TargetID: orgA}, Board{}, Thread{}, citypact.KindForbidden},
	} {
		if err := CanSubscribe(member, tt.s, tt.b, tt.t, rel); kindOf(err) != tt.want {
			t.Errorf("subscribe to %s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCanManageBoard(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    citypact.Actor
		rel  Relations
		b    Board
		want citypact.Kind
	}{
		{"admin, public", citypact.Actor{UserID: 8, Role: citypact.RoleAdmin}, Relations{}, publicBoard, 0},
		{"editor, public", citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: orgB}, Relations{}, publicBoard, citypact.KindForbidden},
		{"secretariat editor, network", citypact.Actor{UserID: 6, Role: citypact.RoleEditor, OrgID: network}, Relations{}, networkBoard, 0},
		{"secretariat editor, new network board", citypact.Actor{UserID: 6, Role: citypact.RoleEditor, OrgID: network}, Relations{}, Board{Scope: NetworkScope(network)}, 0},
		{"member's editor, network", citypact.Actor{UserID: 4, Role: citypact.RoleEditor, OrgID: inNet}, Relations{OrgID: inNet, Networks: []int64{network}}, networkBoard, citypact.KindForbidden},
		{"secretariat member, network", citypact.Actor{UserID: 5, Role: citypact.RoleMember, OrgID: network}, Relations{}, networkBoard, citypact.KindForbidden},
		{"partner editor, pair", citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: orgB}, Relations{}, pairBoard, 0},
		{"partner member, pair", citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: orgA}, Relations{}, pairBoard, citypact.KindForbidden},
		{"outsider editor, pair", citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated}, Relations{}, pairBoard, citypact.KindNotFound},
		{"visitor, new board", citypact.Visitor, Relations{}, Board{Scope: PublicScope}, citypact.KindUnauthenticated},
	} {
		if err := CanManageBoard(tt.a, tt.b, tt.rel); kindOf(err) != tt.want {
			t.Errorf("%s: CanManageBoard = %v, want %v", tt.name, err, tt.want)
		}
	}
}
