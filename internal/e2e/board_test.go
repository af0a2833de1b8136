package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// boardHub adds to a hub a public questions board, a supply board and a member of Taipei, who
// answers Seoul's question in the browser test.
func boardHub(t *testing.T, hub *apptest.Hub) (taipeiMember string) {
	t.Helper()
	ctx := citypact.WithActor(context.Background(), citypact.Actor{UserID: hub.Admin.ID, Name: "e2e", Role: citypact.RoleAdmin})
	for _, b := range []*board.Board{
		{Slug: "ask-the-network", Kind: board.KindQuestions, Scope: board.PublicScope,
			Names: map[string]string{"en": "Ask the cities", "ko": "도시에 묻기"}, Description: "Questions between partner cities."},
		{Slug: "masks", Kind: board.KindSupply, Scope: board.PublicScope, Names: map[string]string{"en": "Mask supply"}},
	} {
		if err := hub.App.DB.BoardStore().CreateBoard(ctx, b); err != nil {
			t.Fatalf("create board %s: %v", b.Slug, err)
		}
	}
	const email = "member@taipei.example"
	if _, err := hub.App.Accounts.CreateUser(ctx, account.NewUser{Email: email, Name: "Taipei member", Role: citypact.RoleMember,
		OrgID: hub.Taipei.ID, Password: apptest.Password}); err != nil {
		t.Fatalf("create Taipei's member: %v", err)
	}
	return email
}

// signOut uses the header's sign-out button.
func (b *tab) signOut() {
	b.t.Helper()
	b.click(`header .site-nav form[action="/signout"] button[type="submit"]`)
	if b.has(`header .site-nav a[href="/account"]`) {
		b.t.Fatalf("still signed in after signing out:\n%s", b.bodyText())
	}
}

// TestBrowserBoardQuestionAnswered: Seoul's editor asks a question addressed to Taipei through
// the board's form; Taipei's member signs in, finds it on the board, sees that it waits for an
// answer, and answers twice through the answer form; Seoul's editor signs in again and accepts
// the second answer, which the page then shows first, marked as accepted.
func TestBrowserBoardQuestionAnswered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		b := newTab(t, 3*testTimeout)
		hub := apptest.Start(t, dsn)
		b.base = hub.URL
		taipeiMember := boardHub(t, hub)
		en := i18n.For(i18n.EN)
		const flash = `main .notice--success[role="status"]`
		const (
			title   = "Do your screening clinics test people without symptoms?"
			body    = "Seoul is planning more walk-through screening clinics and would like to compare."
			first   = "Only people with symptoms or a contact, at every district clinic."
			second  = "Since May, anyone who asks at the station clinics, without a referral."
			boardPg = "/boards/ask-the-network"
		)

		// Seoul's editor asks through the board's form.
		b.mustSignIn(i18n.EN, hub.Editor.Email)
		b.open(boardPg, 200)
		if st := b.click(fmt.Sprintf(`main a[href="%s/new"]`, boardPg)); st != 200 {
			t.Fatalf("following %q: status %d\n%s", en.T("boards.form.new_question"), st, b.bodyText())
		}
		if got, want := b.text("main h1"), en.T("boards.form.new_question"); got != want {
			t.Errorf("the form's h1 = %q, want %q", got, want)
		}
		b.fill("#f-title", title)
		b.fill("#f-body", body)
		b.selectOption("#f-lang", "en")
		b.fill("#f-tags", "screening")
		b.fill("#f-to-orgs", "taipei")
		// The board's forms post to the upload path, which takes their optional file.
		if st := b.click(fmt.Sprintf(`main form[action="%s/new"] button[type="submit"]`, boardPg)); st != 200 {
			t.Fatalf("asking: status %d\n%s", st, b.bodyText())
		}
		thread := b.location()
		if !strings.HasPrefix(thread, "/threads/") {
			t.Fatalf("asking led to %s\n%s", thread, b.bodyText())
		}
		if !b.has(flash) || b.text(flash) != en.T("flash.board.thread_created") {
			t.Errorf("after asking, no notice %q:\n%s", en.T("flash.board.thread_created"), b.bodyText())
		}
		if got := b.text("main h1"); got != title {
			t.Errorf("the question's h1 = %q, want %q", got, title)
		}
		if got := b.text("main dl.summary-list"); !strings.Contains(got, en.T("boards.to")) || !strings.Contains(got, "Taipei") {
			t.Errorf("the question does not say it is addressed to Taipei:\n%s", got)
		}
		b.signOut()

		// Taipei's member finds it on the board, waiting, and answers twice.
		b.mustSignIn(i18n.EN, taipeiMember)
		b.open(boardPg, 200)
		link := fmt.Sprintf(`main a[href="%s"]`, thread)
		if !b.has(link) {
			t.Fatalf("the board does not list the question for Taipei:\n%s", b.bodyText())
		}
		if got := b.text("main section[aria-labelledby=\"board-threads\"]"); !strings.Contains(got, en.T("boards.waiting.new")) {
			t.Errorf("the board does not say the question waits:\n%s", got)
		}
		if st := b.click(link); st != 200 || b.location() != thread {
			t.Fatalf("opening the question: status %d at %s", st, b.location())
		}
		answerForm := fmt.Sprintf(`main form[action="%s/posts"]`, thread)
		for _, text := range []string{first, second} {
			if !b.has(answerForm) {
				t.Fatalf("Taipei's member has no answer form:\n%s", b.bodyText())
			}
			b.fill("#f-body", text)
			if st := b.click(answerForm + ` button[type="submit"]`); st != 200 {
				t.Fatalf("answering: status %d\n%s", st, b.bodyText())
			}
			if !b.has(flash) || b.text(flash) != en.T("flash.board.posted") {
				t.Errorf("after answering, no notice %q", en.T("flash.board.posted"))
			}
		}
		if b.has(fmt.Sprintf(`main form[action="%s/accept"]`, thread)) {
			t.Error("Taipei's member is offered to accept an answer to Seoul's question")
		}
		b.signOut()

		// Seoul's editor accepts the second answer; it comes first, marked.
		b.mustSignIn(i18n.EN, hub.Editor.Email)
		b.open(thread, 200)
		posts := evalT[[]string](b, `[...document.querySelectorAll("main ol.post-list > li .prose")].map(e => e.innerText.trim())`)
		if len(posts) != 2 || posts[0] != first || posts[1] != second {
			t.Fatalf("before accepting, the answers are %q, want [%q %q]", posts, first, second)
		}
		accept := fmt.Sprintf(`main ol.post-list > li:nth-child(2) form[action="%s/accept"] button[type="submit"]`, thread)
		if !b.has(accept) {
			t.Fatalf("the asker has no accept button on the second answer:\n%s", b.bodyText())
		}
		if st := b.click(accept); st != 200 {
			t.Fatalf("accepting: status %d\n%s", st, b.bodyText())
		}
		if !b.has(flash) || b.text(flash) != en.T("flash.board.accepted") {
			t.Errorf("after accepting, no notice %q", en.T("flash.board.accepted"))
		}
		posts = evalT[[]string](b, `[...document.querySelectorAll("main ol.post-list > li .prose")].map(e => e.innerText.trim())`)
		if len(posts) != 2 || posts[0] != second {
			t.Errorf("after accepting, the answers are %q, want %q first", posts, second)
		}
		if !b.has(`main ol.post-list > li:first-child.post--accepted`) || !strings.Contains(b.text(`main ol.post-list > li:first-child`), en.T("boards.accepted")) {
			t.Errorf("the first answer is not marked %q:\n%s", en.T("boards.accepted"), b.text("main ol.post-list"))
		}
		if got := b.text("main dl.summary-list"); !strings.Contains(got, en.T("boards.status.answered")) {
			t.Errorf("the question's status does not say %q:\n%s", en.T("boards.status.answered"), got)
		}
		b.checkAxe("a question with an accepted answer")
	})
}

// boardPages seeds the boards of boardHub with a question Taipei answered, a supply offer and a
// report, and returns the board pages the accessibility test visits: for everyone, and for an
// admin (who moderates every board).
func boardPages(t *testing.T, hub *apptest.Hub) (public, admin []string) {
	t.Helper()
	boardHub(t, hub)
	bs := hub.App.DB.BoardStore()
	as := func(acc apptest.Account) context.Context {
		return citypact.WithActor(context.Background(), citypact.Actor{UserID: acc.ID, Name: acc.Email, Role: acc.Role, OrgID: acc.OrgID})
	}
	ask, err := bs.BoardBySlug(as(hub.Editor), "ask-the-network")
	if err != nil {
		t.Fatal(err)
	}
	masks, err := bs.BoardBySlug(as(hub.Editor), "masks")
	if err != nil {
		t.Fatal(err)
	}
	q := board.Thread{BoardID: ask.ID, Title: "How do you run drive-through testing?", Lang: "en", Body: "We plan **four booths**.",
		Tags: []string{"testing"}, ToOrgs: []int64{hub.Taipei.ID}}
	if err := bs.CreateThread(as(hub.Editor), &q); err != nil {
		t.Fatal(err)
	}
	a := board.Post{ThreadID: q.ID, Kind: board.PostAnswer, Lang: "en", Body: "We use lanes of ten cars."}
	if err := bs.CreatePost(as(hub.Other), &a); err != nil {
		t.Fatal(err)
	}
	if err := bs.Accept(as(hub.Editor), q.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	offer := board.Thread{BoardID: masks.ID, Title: "KF94 masks available", Lang: "en", Body: "Boxes ready to ship.",
		Supply: &board.SupplyInfo{Product: "KF94 mask", Supplier: "Seoul Medical", UnitPrice: 125_000, Currency: "KRW",
			Quantity: 400, Unit: "box of 50", Certifications: []string{"KF94"}}}
	if err := bs.CreateThread(as(hub.Editor), &offer); err != nil {
		t.Fatal(err)
	}
	if err := bs.Report(as(hub.Member), &board.Report{ThreadID: q.ID, PostID: a.ID, Reason: board.ReasonMisleading, Note: "Check the number."}); err != nil {
		t.Fatal(err)
	}
	qp, op := fmt.Sprintf("/threads/%d", q.ID), fmt.Sprintf("/threads/%d", offer.ID)
	public = []string{"/boards", "/boards/ask-the-network", qp, op}
	admin = []string{"/boards", "/boards/ask-the-network?lang=en", qp, op, "/boards/masks/new", qp + "/report", fmt.Sprintf("%s/report?post=%d", qp, a.ID),
		qp + "/translate", qp + "/moderate", "/boards/reports", fmt.Sprintf("%s/comment?post=%d", qp, a.ID)}
	return public, admin
}
