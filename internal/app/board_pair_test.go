package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

// TestPairChannelFromPartnerPage: the partner page of two tied cities offers their editors a
// private channel; opening it creates one questions board that only the two cities' staff read,
// and the page then links to it. Visitors learn nothing of it; without a sister or friendship tie
// there is nothing to open.
func TestPairChannelFromPartnerPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		page := "/orgs/seoul/partners/taipei"
		open := page + "/channel"
		seoul, taipei, member := signedIn(t, h, h.Editor, ""), signedIn(t, h, h.Other, ""), signedIn(t, h, h.Member, "")

		// No tie yet: nothing offered, and the store refuses to open one.
		if res := seoul.Get(page); strings.Contains(res.Body, `action="`+open+`"`) {
			t.Error("a channel is offered without a tie")
		}
		if res := seoul.PostForm(open, url.Values{}); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusConflict {
			t.Errorf("opening without a tie: %d, want 422 or 409", res.StatusCode)
		}

		admin := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "test", Role: citypact.RoleAdmin})
		tie := directory.Tie{A: h.Seoul.ID, B: h.Taipei.ID, Kind: directory.TieFriendship}
		tie.Normalize()
		if err := h.App.DB.AddTie(admin, &tie); err != nil {
			t.Fatal(err)
		}
		if res := seoul.Get(page); !strings.Contains(res.Body, `action="`+open+`"`) {
			t.Fatalf("Seoul's editor is not offered the channel:\n%s", res.Body)
		}
		if res := member.Get(page); strings.Contains(res.Body, `action="`+open+`"`) {
			t.Error("a member (not an editor) is offered to open the channel")
		}
		if res := h.Client(t).Get(page); strings.Contains(res.Body, "/channel") || strings.Contains(res.Body, "partner-channel") {
			t.Error("a visitor sees the private channel block")
		}
		res := seoul.PostForm(open, url.Values{})
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/boards/") {
			t.Fatalf("open: %d %q\n%s", res.StatusCode, loc, res.Body)
		}
		if again := seoul.PostForm(open, url.Values{}); again.Header.Get("Location") != loc {
			t.Errorf("opening twice went to %q, then %q", loc, again.Header.Get("Location"))
		}
		b, err := h.App.DB.BoardStore().BoardBySlug(admin, strings.TrimPrefix(loc, "/boards/"))
		if err != nil || b.Scope.Kind != board.ScopePair || b.Kind != board.KindQuestions {
			t.Fatalf("the channel: %+v, %v", b, err)
		}
		for _, c := range []*apptest.Client{taipei, member} {
			if got := c.Get(page); !strings.Contains(got.Body, `href="`+loc+`"`) {
				t.Error("a partner's staff do not get the link to the open channel")
			}
			if got := c.Get(loc); got.StatusCode != http.StatusOK {
				t.Errorf("the channel for the partners' staff: %d", got.StatusCode)
			}
		}
		if got := h.Client(t).Get(loc); got.StatusCode != http.StatusNotFound {
			t.Errorf("the channel for a visitor: %d, want 404", got.StatusCode)
		}
	})
}
