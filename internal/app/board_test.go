package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

// boardHub is a hub with a network Seoul belongs to (and Taipei does not), a public questions
// board with an answered question, a network board with a question, and a supply board.
type boardHub struct {
	*apptest.Hub
	public, network, supply  board.Board
	question, private, offer board.Thread
	answer                   board.Post
}

func actorCtx(acc apptest.Account) context.Context {
	return citypact.WithActor(context.Background(), citypact.Actor{UserID: acc.ID, Name: acc.Email, Role: acc.Role, OrgID: acc.OrgID})
}

func startBoardHub(t *testing.T, dsn string) boardHub {
	t.Helper()
	h := boardHub{Hub: apptest.Start(t, dsn)}
	db, bs := h.App.DB, h.App.DB.BoardStore()
	admin := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "test", Role: citypact.RoleAdmin})
	net := directory.Organisation{Slug: "citynet", Kind: directory.KindNetwork, Names: []directory.Name{{Lang: "en", Text: "CityNet", Original: true}}}
	net.Normalize()
	if err := db.CreateOrganisation(admin, &net); err != nil {
		t.Fatal(err)
	}
	m := directory.Membership{NetworkID: net.ID, MemberID: h.Seoul.ID, Role: directory.RoleFounding, Since: time.Date(1987, 9, 1, 0, 0, 0, 0, time.UTC)}
	if err := db.AddMembership(admin, &m); err != nil {
		t.Fatal(err)
	}
	h.public = board.Board{Slug: "ask-the-network", Kind: board.KindQuestions, Scope: board.PublicScope,
		Names: map[string]string{"en": "Ask the cities", "ko": "도시에 묻기"}, Description: "Questions anyone may read."}
	h.network = board.Board{Slug: "citynet-health", Kind: board.KindQuestions, Scope: board.NetworkScope(net.ID),
		Names: map[string]string{"en": "CityNet health desk"}}
	h.supply = board.Board{Slug: "masks", Kind: board.KindSupply, Scope: board.PublicScope,
		Names: map[string]string{"en": "Mask supply"}}
	for _, b := range []*board.Board{&h.public, &h.network, &h.supply} {
		if err := bs.CreateBoard(admin, b); err != nil {
			t.Fatalf("create board %s: %v", b.Slug, err)
		}
	}
	editor, other := actorCtx(h.Editor), actorCtx(h.Other)
	h.question = board.Thread{BoardID: h.public.ID, Title: "How do you run drive-through testing?", Lang: "en",
		Body: "We plan **four booths**.", Tags: []string{"testing"}, ToOrgs: []int64{h.Taipei.ID}}
	if err := bs.CreateThread(editor, &h.question); err != nil {
		t.Fatalf("create question: %v", err)
	}
	h.answer = board.Post{ThreadID: h.question.ID, Kind: board.PostAnswer, Lang: "en",
		Body: "We use lanes of ten cars.<script>alert('boards')</script>"}
	if err := bs.CreatePost(other, &h.answer); err != nil {
		t.Fatalf("answer: %v", err)
	}
	later := board.Post{ThreadID: h.question.ID, Kind: board.PostAnswer, Lang: "en", Body: "A later answer from Taipei."}
	if err := bs.CreatePost(other, &later); err != nil {
		t.Fatalf("second answer: %v", err)
	}
	if err := bs.Accept(editor, h.question.ID, h.answer.ID); err != nil {
		t.Fatalf("accept: %v", err)
	}
	h.private = board.Thread{BoardID: h.network.ID, Title: "Members only: ventilator sharing", Lang: "en", Body: "Who can lend?"}
	if err := bs.CreateThread(editor, &h.private); err != nil {
		t.Fatalf("create network thread: %v", err)
	}
	h.offer = board.Thread{BoardID: h.supply.ID, Title: "KF94 masks available", Lang: "en", Body: "Boxes ready to ship.",
		Supply: &board.SupplyInfo{Product: "KF94 mask", Supplier: "Seoul Medical", UnitPrice: 125_000, Currency: "KRW",
			Quantity: 400, Unit: "box of 50", Certifications: []string{"KF94"}}}
	if err := bs.CreateThread(editor, &h.offer); err != nil {
		t.Fatalf("create supply thread: %v", err)
	}
	return h
}

func threadPath(t board.Thread) string { return "/threads/" + strconv.FormatInt(t.ID, 10) }

// Visitors read the public boards and their threads, answers included; a network's board and
// its threads exist only for the network's members.
func TestBoardPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		visitor, member, other := h.Client(t), signedIn(t, h.Hub, h.Member, ""), signedIn(t, h.Hub, h.Other, "")

		list := visitor.Get("/boards")
		if list.StatusCode != http.StatusOK {
			t.Fatalf("boards for visitors: %d\n%s", list.StatusCode, list.Body)
		}
		for _, want := range []string{`href="/boards/ask-the-network"`, "Ask the cities", `href="/boards/masks"`, "Supply information"} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("the boards list for visitors lacks %q", want)
			}
		}
		if strings.Contains(list.Body, "citynet-health") {
			t.Error("the boards list shows a network board to visitors")
		}
		if body := member.Get("/boards").Body; !strings.Contains(body, `href="/boards/citynet-health"`) || !strings.Contains(body, "CityNet") {
			t.Error("the boards list does not show the network's board, with its network, to a member")
		}
		if strings.Contains(other.Get("/boards").Body, "citynet-health") {
			t.Error("the boards list shows a network board to an organisation outside the network")
		}

		b := visitor.Get("/boards/ask-the-network")
		if b.StatusCode != http.StatusOK || !strings.Contains(b.Body, `href="`+threadPath(h.question)+`"`) ||
			!strings.Contains(b.Body, "Answered") || !strings.Contains(b.Body, "2 answers") {
			t.Errorf("public board for visitors: %d\n%s", b.StatusCode, b.Body)
		}

		q := visitor.Get(threadPath(h.question))
		if q.StatusCode != http.StatusOK {
			t.Fatalf("question for visitors: %d\n%s", q.StatusCode, q.Body)
		}
		for _, want := range []string{"How do you run drive-through testing?", "<strong>four booths</strong>",
			"We use lanes of ten cars.", "Accepted answer", "A later answer from Taipei.", `href="/orgs/` + h.Taipei.Slug + `"`} {
			if !strings.Contains(q.Body, want) {
				t.Errorf("the question's page lacks %q", want)
			}
		}
		if strings.Index(q.Body, "We use lanes of ten cars.") > strings.Index(q.Body, "A later answer from Taipei.") {
			t.Error("the accepted answer is not shown first")
		}
		if strings.Contains(q.Body, "<script>alert") {
			t.Error("a script in a post is rendered live")
		}

		s := visitor.Get(threadPath(h.offer))
		for _, want := range []string{"KF94 mask", "Seoul Medical", "12.5 KRW per box of 50", "400 × box of 50"} {
			if !strings.Contains(s.Body, want) {
				t.Errorf("the supply thread lacks %q", want)
			}
		}

		for _, tt := range []struct {
			who  string
			c    *apptest.Client
			want int
		}{
			{"visitor", visitor, http.StatusNotFound},
			{"Taipei's editor", other, http.StatusNotFound},
			{"Seoul's member", member, http.StatusOK},
		} {
			if res := tt.c.Get("/boards/citynet-health"); res.StatusCode != tt.want {
				t.Errorf("network board seen by %s: %d, want %d", tt.who, res.StatusCode, tt.want)
			}
			if res := tt.c.Get(threadPath(h.private)); res.StatusCode != tt.want {
				t.Errorf("network thread seen by %s: %d, want %d", tt.who, res.StatusCode, tt.want)
			}
		}
		if body := member.Get("/boards/citynet-health").Body; !strings.Contains(body, "Asked less than an hour ago") {
			t.Error("the network board does not say how long its question has waited")
		}
		if !strings.Contains(list.Body, `href="/boards"`) {
			t.Error("the site navigation does not link the boards")
		}
		if res := visitor.Get(threadPath(h.question)); !strings.Contains(res.Body, "A later answer") {
			t.Error("the cached thread page differs")
		}
		if res := visitor.Get("/threads/not-a-number"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a malformed thread id: %d", res.StatusCode)
		}
	})
}

// Every board page renders in every language, for visitors and members.
func TestBoardPagesInEveryLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		for _, l := range i18n.Langs {
			member := signedIn(t, h.Hub, h.Member, string(l))
			visitor := h.Client(t)
			visitor.Header = http.Header{"Accept-Language": {string(l)}}
			for _, path := range []string{"/boards", "/boards/ask-the-network", "/boards/masks", threadPath(h.question), threadPath(h.offer)} {
				for who, c := range map[string]*apptest.Client{"visitor": visitor, "member": member} {
					res := c.Get(path)
					if res.StatusCode != http.StatusOK {
						t.Errorf("%s in %s for a %s: %d", path, l, who, res.StatusCode)
						continue
					}
					if !strings.Contains(res.Body, `<html lang="`+l.HTMLLang()+`"`) {
						t.Errorf("%s in %s for a %s: no html lang", path, l, who)
					}
					if strings.Contains(res.Body, "⟦") {
						t.Errorf("%s in %s for a %s: a message is missing", path, l, who)
					}
				}
			}
			if body := member.Get(threadPath(h.private)).Body; l != i18n.EN && !strings.Contains(body, `lang="en"`) {
				t.Errorf("an English thread on a %s page carries no lang attribute", l)
			}
		}
	})
}

// A post a moderator hid is left out for readers and shown, marked, to moderators; a hidden
// thread is not found for them.
func TestBoardHiddenPosts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		bs := h.App.DB.BoardStore()
		admin := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "test", Role: citypact.RoleAdmin})
		posts, err := bs.Posts(admin, h.question.ID, citypact.Page{})
		if err != nil || len(posts) != 2 {
			t.Fatalf("posts: %v, %d", err, len(posts))
		}
		if err := bs.Moderate(admin, board.Moderation{Action: board.ActHide, ThreadID: h.question.ID, PostID: posts[1].ID, Note: "off topic"}); err != nil {
			t.Fatalf("hide post: %v", err)
		}
		if err := bs.Moderate(admin, board.Moderation{Action: board.ActHide, ThreadID: h.offer.ID, Note: "spam"}); err != nil {
			t.Fatalf("hide thread: %v", err)
		}
		visitor, moderator := h.Client(t), signedIn(t, h.Hub, h.Admin, "")
		if body := visitor.Get(threadPath(h.question)).Body; strings.Contains(body, "A later answer") || !strings.Contains(body, "We use lanes") {
			t.Error("a visitor sees a hidden post, or not the visible one")
		}
		if body := moderator.Get(threadPath(h.question)).Body; !strings.Contains(body, "A later answer") || !strings.Contains(body, "Hidden by a moderator") {
			t.Error("a moderator does not see the hidden post, marked")
		}
		if res := visitor.Get(threadPath(h.offer)); res.StatusCode != http.StatusNotFound {
			t.Errorf("a hidden thread for a visitor: %d", res.StatusCode)
		}
		if res := moderator.Get(threadPath(h.offer)); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "A moderator hid this thread") {
			t.Errorf("a hidden thread for a moderator: %d", res.StatusCode)
		}
	})
}
