package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// A network's editors moderate its boards through forms: lock, hide, move; nobody else does,
// and a move goes only where the moderator moderates and the rules allow.
func TestBoardModerationForms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		bs := h.App.DB.BoardStore()
		adminCtx := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "test", Role: citypact.RoleAdmin})
		sibling := board.Board{Slug: "citynet-vaccines", Kind: board.KindQuestions, Scope: h.network.Scope, Names: map[string]string{"en": "CityNet vaccines desk"}}
		material := board.Board{Slug: "citynet-material", Kind: board.KindMaterial, Scope: h.network.Scope, Names: map[string]string{"en": "CityNet material"}}
		for _, b := range []*board.Board{&sibling, &material} {
			if err := bs.CreateBoard(adminCtx, b); err != nil {
				t.Fatal(err)
			}
		}
		seoul, member, taipei, admin := signedIn(t, h.Hub, h.Editor, ""), signedIn(t, h.Hub, h.Member, ""),
			signedIn(t, h.Hub, h.Other, ""), signedIn(t, h.Hub, h.Admin, "")
		p := threadPath(h.private)

		if body := seoul.Get(p).Body; !strings.Contains(body, `action="`+p+`/moderate"`) {
			t.Error("the network's editor sees no moderation buttons")
		}
		if body := member.Get(p).Body; strings.Contains(body, `action="`+p+`/moderate"`) {
			t.Error("a member sees moderation buttons")
		}
		page := seoul.Get(p + "/moderate")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<option value="citynet-vaccines"`) ||
			strings.Contains(page.Body, `<option value="citynet-material"`) || strings.Contains(page.Body, `<option value="ask-the-network"`) {
			t.Fatalf("moderation page: %d\n%s", page.StatusCode, page.Body)
		}

		// Lock: no more posts (409), then unlock.
		if res := seoul.PostForm(p+"/moderate", url.Values{"action": {"lock"}, "note": {"Settled at the meeting."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lock: %d\n%s", res.StatusCode, res.Body)
		}
		if res := member.PostForm(p+"/posts", url.Values{"body": {"One more idea."}, "lang": {"en"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("posting into a locked thread: %d", res.StatusCode)
		}
		if res := seoul.PostForm(p+"/moderate", url.Values{"action": {"unlock"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("unlock: %d", res.StatusCode)
		}
		res := member.PostForm(p+"/posts", url.Values{"body": {"We can lend two."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("posting after unlock: %d", res.StatusCode)
		}
		posts, err := bs.Posts(actorCtx(h.Editor), h.private.ID, citypact.Page{})
		if err != nil || len(posts) != 1 {
			t.Fatalf("posts: %v %d", err, len(posts))
		}
		post := strconv.FormatInt(posts[0].ID, 10)

		// Hide a post: readers no longer see it; the moderator sees it marked.
		if res := seoul.PostForm(p+"/moderate", url.Values{"action": {"hide"}, "post": {post}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide post: %d\n%s", res.StatusCode, res.Body)
		}
		if body := signedIn(t, h.Hub, h.Member, "").Get(p).Body; strings.Contains(body, "We can lend two.") && !strings.Contains(body, "Hidden by a moderator") {
			t.Error("the hidden post is shown unmarked")
		}
		if body := seoul.Get(p).Body; !strings.Contains(body, "Show this post again") {
			t.Error("the moderator is not offered to show the hidden post again")
		}

		// Who may not moderate: a member (the door), Taipei's editor on a public board it sees
		// but does not moderate, and anyone on a thread they cannot see.
		for _, tt := range []struct {
			who  string
			res  func() int
			want int
		}{
			{"a member", func() int { return member.PostForm(p+"/moderate", url.Values{"action": {"lock"}}).StatusCode }, http.StatusForbidden},
			{"Taipei's editor on a public question", func() int {
				return taipei.PostForm(threadPath(h.question)+"/moderate", url.Values{"action": {"hide"}}).StatusCode
			}, http.StatusForbidden},
			{"Taipei's editor's moderation page", func() int { return taipei.Get(threadPath(h.question) + "/moderate").StatusCode }, http.StatusForbidden},
			{"Taipei's editor on a network thread", func() int { return taipei.PostForm(p+"/moderate", url.Values{"action": {"lock"}}).StatusCode }, http.StatusNotFound},
			{"Seoul's editor moving to a board it does not moderate", func() int {
				return seoul.PostForm(p+"/moderate", url.Values{"action": {"move"}, "to_board": {"ask-the-network"}}).StatusCode
			}, http.StatusForbidden},
		} {
			if got := tt.res(); got != tt.want {
				t.Errorf("%s: %d, want %d", tt.who, got, tt.want)
			}
		}
		if th, err := bs.Thread(adminCtx, h.private.ID); err != nil || th.Locked || th.BoardID != h.network.ID {
			t.Fatalf("refused moderation changed the thread: %v %+v", err, th)
		}

		// Bad moves come back as field errors, in the reader's language.
		ko, korean := i18n.For(i18n.KO), signedIn(t, h.Hub, h.Admin, "ko")
		for _, tt := range []struct {
			name, to, key string
		}{
			{"no board", "", "field.required"},
			{"an unknown board", "atlantis", "field.choice"},
			{"a board of another kind", "citynet-material", "board.move_other_kind"},
			{"a board with other readers", "ask-the-network", "board.move_other_scope"},
			{"the same board", "citynet-health", "board.move_same_board"},
		} {
			res := korean.PostForm(p+"/moderate", url.Values{"action": {"move"}, "to_board": {tt.to}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(ko.T(tt.key))) {
				t.Errorf("move to %s: %d, want 422 with %q", tt.name, res.StatusCode, ko.T(tt.key))
			}
		}
		if res := admin.PostForm(p+"/moderate", url.Values{"action": {"dance"}}); res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(res.Body, "⟦") {
			t.Errorf("an unknown action: %d", res.StatusCode)
		}

		// A good move.
		if res := seoul.PostForm(p+"/moderate", url.Values{"action": {"move"}, "to_board": {"citynet-vaccines"}, "note": {"Belongs with vaccines."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move: %d\n%s", res.StatusCode, res.Body)
		}
		if th, err := bs.Thread(adminCtx, h.private.ID); err != nil || th.BoardID != sibling.ID {
			t.Errorf("after the move: %v, board %d, want %d", err, th.BoardID, sibling.ID)
		}
		// Hiding the thread: gone for members, shown to the moderator with the way back.
		if res := seoul.PostForm(p+"/moderate", url.Values{"action": {"hide"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide thread: %d", res.StatusCode)
		}
		if res := member.Get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("a hidden thread for a member: %d", res.StatusCode)
		}
		if body := seoul.Get(p).Body; !strings.Contains(body, "Show the thread again") {
			t.Error("the moderator is not offered to show the thread again")
		}
	})
}

// A reader translates a question and an answer by hand; readers see the translation marked as
// one, with the original one click away; a translation in the original's language is refused.
func TestBoardTranslations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		taipei := signedIn(t, h.Hub, h.Other, "")
		q := threadPath(h.question)
		form := taipei.Get(q + "/translate?lang=zh-TW")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `name="title"`) || !strings.Contains(form.Body, "four booths") {
			t.Fatalf("translation form: %d", form.StatusCode)
		}
		const title, body = "你們如何運作得來速篩檢？", "我們計畫設置**四個站**。"
		res := taipei.PostForm(q+"/translate", url.Values{"lang": {"zh-TW"}, "title": {title}, "body": {body}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != q+"?lang=zh-TW" {
			t.Fatalf("save translation: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		ans := strconv.FormatInt(h.answer.ID, 10)
		if res := taipei.PostForm(q+"/translate", url.Values{"post": {ans}, "lang": {"zh-TW"}, "body": {"我們使用每道十輛車的車道。"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("translate an answer: %d\n%s", res.StatusCode, res.Body)
		}

		// A reader of the Chinese interface reads the translations, marked, the original a click away.
		zh := signedIn(t, h.Hub, h.Member, "zh-TW")
		tw := i18n.For(i18n.ZHTW)
		page := zh.Get(q).Body
		for _, want := range []string{title, "<strong>四個站</strong>", "我們使用每道十輛車的車道。", html.EscapeString(tw.T("boards.translation.read_original")),
			`href="` + q + `?lang=original"`, `href="` + q + `?lang=original#post-` + ans + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the translated thread lacks %q", want)
			}
		}
		if strings.Contains(page, "We plan") {
			t.Error("the thread shows the original text beside the translation")
		}
		orig := zh.Get(q + "?lang=original").Body
		if !strings.Contains(orig, "<strong>four booths</strong>") || strings.Contains(orig, "四個站") {
			t.Error("?lang=original does not show the original")
		}
		en := h.Client(t).Get(q + "?lang=zh-TW").Body
		if !strings.Contains(en, title) || !strings.Contains(en, `lang="zh-TW"`) || !strings.Contains(en, "Translated into Chinese") {
			t.Errorf("an English reader asking for zh-TW does not get the marked translation")
		}

		// Refused: the original's own language, an invisible thread, a missing body.
		ko, korean := i18n.For(i18n.KO), signedIn(t, h.Hub, h.Other, "ko")
		res = korean.PostForm(q+"/translate", url.Values{"lang": {"en"}, "title": {"Same"}, "body": {"Same"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(ko.T("board.translation_same_lang"))) {
			t.Errorf("a translation into the original's language: %d", res.StatusCode)
		}
		res = korean.PostForm(q+"/translate", url.Values{"post": {ans}, "lang": {"ko"}, "body": {" "}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(ko.T("field.required"))) {
			t.Errorf("an empty translation: %d", res.StatusCode)
		}
		if res := taipei.PostForm(threadPath(h.private)+"/translate", url.Values{"lang": {"ko"}, "title": {"x"}, "body": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("translating an invisible thread: %d", res.StatusCode)
		}
		if res := h.Client(t).Get(q + "/translate"); res.StatusCode == http.StatusOK {
			t.Error("a visitor gets the translation form")
		}
	})
}

// The board page filters threads by language, and keeps the filter in its address.
func TestBoardLanguageFilter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		korean := board.Thread{BoardID: h.public.ID, Title: "선별진료소 운영 시간은?", Lang: "ko", Body: "주말에도 운영하나요?"}
		if err := h.App.DB.BoardStore().CreateThread(actorCtx(h.Member), &korean); err != nil {
			t.Fatal(err)
		}
		c := h.Client(t)
		all := c.Get("/boards/ask-the-network").Body
		if !strings.Contains(all, "선별진료소 운영 시간은?") || !strings.Contains(all, "How do you run drive-through testing?") {
			t.Error("the unfiltered board does not list both threads")
		}
		ko := c.Get("/boards/ask-the-network?lang=ko")
		if ko.StatusCode != http.StatusOK || !strings.Contains(ko.Body, "선별진료소 운영 시간은?") || strings.Contains(ko.Body, "How do you run drive-through testing?") {
			t.Errorf("?lang=ko: %d", ko.StatusCode)
		}
		if !strings.Contains(ko.Body, `<option value="ko" selected`) {
			t.Error("the filter does not show the language chosen")
		}
		if body := c.Get("/boards/ask-the-network?lang=en").Body; strings.Contains(body, "선별진료소") {
			t.Error("?lang=en lists a Korean thread")
		}
		if res := c.Get("/boards/ask-the-network?lang=" + url.QueryEscape("<script>")); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<script>") {
			t.Errorf("a forged language: %d", res.StatusCode)
		}
	})
}

// A question links practices through its form; a practice's page lists the questions about it
// that the reader may see.
func TestPracticeListsQuestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		seoul := signedIn(t, h.Hub, h.Editor, "")
		page := createPractice(t, seoul, practiceForm(nil))
		id := idOf(t, page)
		if body := seoul.Get("/boards/ask-the-network/new?practice=" + strconv.FormatInt(id, 10)).Body; !strings.Contains(body, `name="practices" type="text" value="`+strconv.FormatInt(id, 10)+`"`) {
			t.Error("the form does not start with the practice it was opened for")
		}
		res := seoul.PostForm("/boards/ask-the-network/new", url.Values{"title": {"How many booths per station?"}, "body": {"See the practice."},
			"lang": {"en"}, "practices": {"/practices/999999, " + page}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "No practice you can see has this number, short name or address: /practices/999999") {
			t.Errorf("a question linking an unknown practice: %d", res.StatusCode)
		}
		res = seoul.PostForm("/boards/ask-the-network/new", url.Values{"title": {"How many booths per station?"}, "body": {"See the practice."},
			"lang": {"en"}, "practices": {h.URL + page}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("ask about the practice: %d\n%s", res.StatusCode, res.Body)
		}
		public := res.Header.Get("Location")
		if body := h.Client(t).Get(public).Body; !strings.Contains(body, `href="`+page+`"`) {
			t.Error("the question does not link the practice")
		}
		private := board.Thread{BoardID: h.network.ID, Title: "Members ask about the booths", Lang: "en", Body: "x", Practices: []int64{id}}
		if err := h.App.DB.BoardStore().CreateThread(actorCtx(h.Editor), &private); err != nil {
			t.Fatal(err)
		}
		body := h.Client(t).Get(page).Body
		if !strings.Contains(body, "Questions about this practice") || !strings.Contains(body, `href="`+public+`"`) {
			t.Error("the practice does not list the question about it")
		}
		if strings.Contains(body, "Members ask about the booths") {
			t.Error("a visitor sees a network board's question on the practice")
		}
		if body := seoul.Get(page).Body; !strings.Contains(body, "Members ask about the booths") {
			t.Error("a network member does not see the network's question on the practice")
		}
	})
}
