package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// TestSearchPage checks the site-wide search in a real browser: a result page with highlighted
// snippets and the page of a refused query, in each language at desktop width and in Korean at
// phone width, translated, fitting the screen, and with no axe violation.
func TestSearchPage(t *testing.T) {
	b := newTab(t, 2*testTimeout)
	hub := apptest.Start(t, dbtest.SQLite(t))
	b.base = hub.URL
	ctx := func(acc apptest.Account) context.Context {
		return citypact.WithActor(context.Background(), citypact.Actor{UserID: acc.ID, Name: acc.Email, Role: acc.Role, OrgID: acc.OrgID})
	}
	bs := hub.App.DB.BoardStore()
	pub := board.Board{Slug: "ask", Kind: board.KindQuestions, Scope: board.PublicScope, Names: map[string]string{"en": "Ask the cities", "ko": "도시에 묻기"}}
	if err := bs.CreateBoard(ctx(hub.Admin), &pub); err != nil {
		t.Fatal(err)
	}
	th := board.Thread{BoardID: pub.ID, Title: "선별진료소 운영", Lang: "ko", Body: "확진자가 늘어 **선별진료소**를 늘렸습니다."}
	if err := bs.CreateThread(ctx(hub.Member), &th); err != nil {
		t.Fatal(err)
	}
	answer := board.Post{ThreadID: th.ID, Kind: board.PostAnswer, Lang: "en", Body: "確診 cases: we opened drive-through clinics."}
	if err := bs.CreatePost(ctx(hub.Other), &answer); err != nil {
		t.Fatal(err)
	}

	for _, p := range []struct {
		lang  i18n.Lang
		width int64
	}{{i18n.EN, 1280}, {i18n.KO, 1280}, {i18n.ZHTW, 1280}, {i18n.JA, 1280}, {i18n.KO, 375}} {
		b.viewport(p.width)
		b.open("/", 200)
		b.setLang(p.lang)
		for _, c := range []struct {
			q      string
			status int
		}{{"확진", 200}, {"clinics", 200}, {"!!!", 422}, {"", 200}} {
			path := "/search?" + url.Values{"q": {c.q}}.Encode()
			b.open(path, c.status)
			page := fmt.Sprintf("%s (%s, %d px)", path, p.lang, p.width)
			if c.q != "" && c.status == 200 && !b.has("mark") {
				t.Errorf("%s: no highlighted match", page)
			}
			b.checkTranslated(p.lang)
			b.checkFits(page, p.width)
			b.checkAxe(page)
		}
		if p.lang == i18n.EN && !strings.Contains(b.bodyText(), "Search the hub") {
			t.Errorf("the search form has no label:\n%s", b.bodyText())
		}
	}
}
