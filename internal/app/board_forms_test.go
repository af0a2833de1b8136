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

// Seoul asks Taipei a question through the form, Taipei answers through the form, and Seoul
// accepts the answer; only the asker may accept.
func TestBoardForms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		seoul, taipei := signedIn(t, h.Hub, h.Editor, ""), signedIn(t, h.Hub, h.Other, "")

		if res := seoul.Get("/boards/ask-the-network"); !strings.Contains(res.Body, `href="/boards/ask-the-network/new"`) {
			t.Error("the board does not link its form to a member")
		}
		if res := h.Client(t).Get("/boards/ask-the-network"); strings.Contains(res.Body, `href="/boards/ask-the-network/new"`) {
			t.Error("the board links its form to a visitor")
		}
		if res := seoul.Get("/boards/ask-the-network/new"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `name="to_orgs"`) {
			t.Fatalf("new question form: %d\n%s", res.StatusCode, res.Body)
		}
		before := len(threadsOn(t, h, h.public.ID))
		res := seoul.PostForm("/boards/ask-the-network/new", url.Values{"title": {"How long do you quarantine arrivals?"},
			"body": {"We are deciding **now**."}, "lang": {"en"}, "tags": {"quarantine, travel"}, "to_orgs": {"taipei"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/threads/") {
			t.Fatalf("ask: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		thread := res.Header.Get("Location")
		ts := threadsOn(t, h, h.public.ID)
		if len(ts) != before+1 {
			t.Fatalf("threads after asking: %d, want %d", len(ts), before+1)
		}
		var q board.Thread
		for _, x := range ts {
			if x.Title == "How long do you quarantine arrivals?" {
				q = x
			}
		}
		if len(q.ToOrgs) != 1 || q.ToOrgs[0] != h.Taipei.ID || q.AuthorOrgID != h.Seoul.ID || strings.Join(q.Tags, ",") != "quarantine,travel" {
			t.Errorf("stored question: %+v", q)
		}

		page := taipei.Get(thread)
		// The answer form posts to the upload path, which takes its optional file.
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `action="`+thread+`/posts"`) {
			t.Fatalf("Taipei sees no answer form: %d", page.StatusCode)
		}
		if strings.Contains(page.Body, `action="`+thread+`/accept"`) {
			t.Error("someone else than the asker sees accept buttons")
		}
		res = taipei.PostForm(thread+"/posts", url.Values{"body": {"Fourteen days, in hotels."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), thread) {
			t.Fatalf("answer: %d\n%s", res.StatusCode, res.Body)
		}
		posts, err := h.App.DB.BoardStore().Posts(actorCtx(h.Editor), q.ID, citypact.Page{})
		if err != nil || len(posts) != 1 || posts[0].Kind != board.PostAnswer || posts[0].AuthorOrgID != h.Taipei.ID {
			t.Fatalf("posts: %v %+v", err, posts)
		}
		ans := posts[0].ID
		form := url.Values{"post": {strconv.FormatInt(ans, 10)}}
		if res := taipei.PostForm(thread+"/accept", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("Taipei accepting on Seoul's question: %d", res.StatusCode)
		}
		if page := seoul.Get(thread); !strings.Contains(page.Body, `action="`+thread+`/accept"`) {
			t.Error("the asker sees no accept button")
		}
		if res := seoul.PostForm(thread+"/accept", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d\n%s", res.StatusCode, res.Body)
		}
		page = h.Client(t).Get(thread)
		if !strings.Contains(page.Body, "Accepted answer") || !strings.Contains(page.Body, "Fourteen days, in hotels.") {
			t.Error("the thread does not show the accepted answer")
		}

		res = seoul.PostForm("/boards/ask-the-network/new", url.Values{"title": {"To nobody"}, "body": {"x"}, "lang": {"en"}, "to_orgs": {"atlantis"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "There is no organisation with this short name") {
			t.Errorf("unknown addressee: %d", res.StatusCode)
		}

		// An empty title: the form again, in Korean, and nothing stored.
		korean := signedIn(t, h.Hub, h.Editor, "ko")
		ko := i18n.For(i18n.KO)
		res = korean.PostForm("/boards/ask-the-network/new", url.Values{"title": {" "}, "body": {"본문"}, "lang": {"ko"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(ko.T("field.required"))) ||
			!strings.Contains(res.Body, "본문") {
			t.Errorf("empty title: %d\n%s", res.StatusCode, res.Body)
		}
		res = taipei.PostForm(thread+"/posts", url.Values{"body": {""}, "lang": {"en"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Fourteen days") {
			t.Errorf("empty answer: %d", res.StatusCode)
		}
		if n := len(threadsOn(t, h, h.public.ID)); n != before+1 {
			t.Errorf("invalid forms stored threads: %d", n)
		}

		// A board Taipei cannot see does not exist for it.
		if res := taipei.PostForm("/boards/citynet-health/new", url.Values{"title": {"x"}, "body": {"x"}, "lang": {"en"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("posting into an invisible board: %d", res.StatusCode)
		}
		if res := taipei.PostForm(threadPath(h.private)+"/posts", url.Values{"body": {"x"}, "lang": {"en"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("answering in an invisible thread: %d", res.StatusCode)
		}

		// Visitors are sent to sign in; a cross-origin post is refused.
		res = h.Client(t).PostForm("/boards/ask-the-network/new", url.Values{"title": {"x"}, "body": {"x"}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("a visitor's post: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		}
		req := seoul.Request(http.MethodPost, "/boards/ask-the-network/new",
			strings.NewReader(url.Values{"title": {"Forged"}, "body": {"x"}, "lang": {"en"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if res := seoul.Do(req); res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST: %d", res.StatusCode)
		}
		if n := len(threadsOn(t, h, h.public.ID)); n != before+1 {
			t.Errorf("refused posts stored threads: %d", n)
		}

		// A locked thread takes no answers: a clear conflict, never a 500.
		admin := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "test", Role: citypact.RoleAdmin})
		if err := h.App.DB.BoardStore().Moderate(admin, board.Moderation{Action: board.ActLock, ThreadID: q.ID, Note: "settled"}); err != nil {
			t.Fatalf("lock: %v", err)
		}
		res = taipei.PostForm(thread+"/posts", url.Values{"body": {"One more thing."}, "lang": {"en"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "This thread is locked") {
			t.Errorf("answer on a locked thread: %d\n%s", res.StatusCode, res.Body)
		}
		if page := taipei.Get(thread); strings.Contains(page.Body, `action="`+thread+`/posts"`) {
			t.Error("a locked thread shows the answer form")
		}
	})
}

// threadsOn lists a board's threads as the admin sees them.
func threadsOn(t *testing.T, h boardHub, boardID int64) []board.Thread {
	t.Helper()
	admin := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "test", Role: citypact.RoleAdmin})
	ts, err := h.App.DB.BoardStore().Threads(admin, board.ThreadFilter{Board: boardID})
	if err != nil {
		t.Fatalf("threads: %v", err)
	}
	return ts
}

// Posting faster than the limit is refused with 429, Retry-After and a message.
func TestBoardFormsRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		taipei := signedIn(t, h.Hub, h.Other, "")
		for i := range board.PostsPerMinute + 1 {
			res := taipei.PostForm(threadPath(h.question)+"/posts", url.Values{"body": {"Another thought, number " + strconv.Itoa(i)}, "lang": {"en"}})
			if res.StatusCode == http.StatusSeeOther {
				continue
			}
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
				!strings.Contains(res.Body, "You are posting too fast") {
				t.Fatalf("post %d: %d, Retry-After %q\n%s", i, res.StatusCode, res.Header.Get("Retry-After"), res.Body)
			}
			return
		}
		t.Error("no post was refused for posting too fast")
	})
}

// The boards' forms render in every language, with no message missing.
func TestBoardFormsInEveryLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		for _, l := range i18n.Langs {
			c := signedIn(t, h.Hub, h.Editor, string(l))
			for _, path := range []string{"/boards/ask-the-network/new", threadPath(h.question), "/boards/ask-the-network"} {
				res := c.Get(path)
				if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "⟦") {
					t.Errorf("%s in %s: %d or a missing message", path, l, res.StatusCode)
				}
			}
			res := c.PostForm("/boards/ask-the-network/new", url.Values{"title": {""}, "body": {""}, "lang": {"xx-!"}, "to_orgs": {"nowhere"}})
			if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(res.Body, "⟦") {
				t.Errorf("invalid form in %s: %d or a missing message", l, res.StatusCode)
			}
		}
	})
}
