package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

// TestAskPeople: a question addressed to a person by e-mail address reaches that person (an
// addressee, notified); an address nobody on the hub has is a field error naming it, and nothing
// is stored.
func TestAskPeople(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		seoul := signedIn(t, h.Hub, h.Editor, "")
		before := len(threadsOn(t, h, h.public.ID))
		bad := seoul.PostForm("/boards/ask-the-network/new", url.Values{"title": {"Who runs your screening clinics?"},
			"body": {"We would like to ask your focal point."}, "lang": {"en"}, "to_users": {"nobody@nowhere.example"}})
		if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "nobody@nowhere.example") {
			t.Fatalf("unknown person: %d\n%s", bad.StatusCode, bad.Body)
		}
		if n := len(threadsOn(t, h, h.public.ID)); n != before {
			t.Fatalf("a refused question was stored: %d threads, want %d", n, before)
		}
		res := seoul.PostForm("/boards/ask-the-network/new", url.Values{"title": {"Who runs your screening clinics?"},
			"body": {"We would like to ask your focal point."}, "lang": {"en"}, "to_users": {" " + strings.ToUpper(h.Other.Email) + " "}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("ask a person: %d\n%s", res.StatusCode, res.Body)
		}
		var q board.Thread
		for _, x := range threadsOn(t, h, h.public.ID) {
			if x.Title == "Who runs your screening clinics?" {
				q = x
			}
		}
		if len(q.ToUsers) != 1 || q.ToUsers[0] != h.Other.ID {
			t.Fatalf("addressees: %v, want [%d]", q.ToUsers, h.Other.ID)
		}
		notes, err := h.App.DB.BoardStore().Notifications(actorCtx(h.Other), board.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, n := range notes {
			found = found || n.ThreadID == q.ID
		}
		if !found {
			t.Error("the person asked was not notified")
		}
	})
}
