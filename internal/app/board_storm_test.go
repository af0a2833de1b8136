package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

// TestBoardPostStorm: one account sends 1,000 answers through the form as fast as it can. The
// first few within the rate limit are stored, every other one is a 429 with Retry-After (never a
// 500), nothing refused is stored, and the thread's followers are notified once per stored answer.
func TestBoardPostStorm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		taipei := signedIn(t, h.Hub, h.Other, "")
		path := "/threads/" + strconv.FormatInt(h.question.ID, 10) + "/posts"
		before, err := h.App.DB.BoardStore().Posts(actorCtx(h.Editor), h.question.ID, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		notesBefore, err := h.App.DB.BoardStore().Notifications(actorCtx(h.Editor), board.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		codes := map[int]int{}
		for i := range 1000 {
			res := taipei.PostForm(path, url.Values{"body": {"Offer " + strconv.Itoa(i) + ": buy our masks now."}, "lang": {"en"}})
			codes[res.StatusCode]++
			if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
				t.Fatal("a 429 without Retry-After")
			}
		}
		stored := codes[http.StatusSeeOther]
		if stored == 0 || stored > board.PostsPerMinute || stored+codes[http.StatusTooManyRequests] != 1000 {
			t.Fatalf("answers: %v; want at most %d stored (303) and the rest refused (429)", codes, board.PostsPerMinute)
		}
		after, err := h.App.DB.BoardStore().Posts(actorCtx(h.Editor), h.question.ID, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(after)-len(before) != stored {
			t.Errorf("posts stored: %d, answers accepted: %d", len(after)-len(before), stored)
		}
		notesAfter, err := h.App.DB.BoardStore().Notifications(actorCtx(h.Editor), board.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(notesAfter) - len(notesBefore); got != stored {
			t.Errorf("the asker was notified %d times for %d stored answers", got, stored)
		}
	})
}
