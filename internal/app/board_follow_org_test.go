package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

// TestFollowOrganisationFromItsPage: a signed-in reader follows an organisation from its page
// (then the page offers to stop), and visitors are offered nothing.
func TestFollowOrganisationFromItsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		taipei := signedIn(t, h, h.Other, "")
		form := `action="/orgs/seoul/follow"`
		if res := h.Client(t).Get("/orgs/seoul"); strings.Contains(res.Body, form) {
			t.Error("a visitor is offered to follow Seoul")
		}
		page := taipei.Get("/orgs/seoul")
		if !strings.Contains(page.Body, form) || !strings.Contains(page.Body, `name="on" value="1"`) {
			t.Fatalf("Taipei's editor is not offered to follow Seoul:\n%s", page.Body)
		}
		res := taipei.PostForm("/orgs/seoul/follow", url.Values{"on": {"1"}, "back": {"/orgs/seoul"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/orgs/seoul" {
			t.Fatalf("follow: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		subs, err := h.App.DB.BoardStore().Subscriptions(actorCtx(h.Other))
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 || subs[0].Kind != board.FollowOrg || subs[0].TargetID != h.Seoul.ID {
			t.Errorf("subscriptions: %+v", subs)
		}
		if page := taipei.Get("/orgs/seoul"); !strings.Contains(page.Body, "Stop following") {
			t.Error("the page does not offer to stop following")
		}
	})
}
