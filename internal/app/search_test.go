package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/practice"
)

// searchHub is a board hub with a Korean question on the public board, a Chinese one on the
// network's board, and a public practice that shares a word with the Chinese one.
type searchHub struct {
	boardHub
	korean, chinese board.Thread
	practice        practice.Practice
}

func startSearchHub(t *testing.T, dsn string) searchHub {
	t.Helper()
	h := searchHub{boardHub: startBoardHub(t, dsn)}
	bs := h.App.DB.BoardStore()
	h.korean = board.Thread{BoardID: h.public.ID, Title: "선별진료소 운영 방식", Lang: "ko", Tags: []string{"testing"},
		Body: "확진자가 늘어 **선별진료소**를 늘렸습니다. 다른 도시는 어떻게 하나요?"}
	if err := bs.CreateThread(actorCtx(h.Member), &h.korean); err != nil {
		t.Fatal(err)
	}
	h.chinese = board.Thread{BoardID: h.network.ID, Title: "防疫物資如何分配", Lang: "zh-TW", Tags: []string{"testing"},
		Body: "請問各城市如何分配口罩與防護衣？"}
	if err := bs.CreateThread(actorCtx(h.Editor), &h.chinese); err != nil {
		t.Fatal(err)
	}
	h.practice = practice.Practice{OwnerID: h.Taipei.ID, Title: "防疫旅館", Summary: "居家檢疫者入住防疫旅館。", Lang: "zh-TW",
		Body: "臺北市開設**防疫旅館**。", Category: "contact-tracing", Visibility: practice.Public}
	ctx := actorCtx(h.Other)
	if err := h.App.DB.CreatePractice(ctx, &h.practice); err != nil {
		t.Fatal(err)
	}
	if _, err := h.App.DB.Publish(ctx, &h.practice, "first"); err != nil {
		t.Fatal(err)
	}
	return h
}

func searchPath(q string) string { return "/search?" + url.Values{"q": {q}}.Encode() }

// TestSiteSearch searches the library and the boards from one page: CJK words of two
// characters inside longer runs, each reader seeing only the boards their organisation reads,
// highlighted snippets, the page in the reader's language, and whatever is typed answered
// without a server error.
func TestSiteSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startSearchHub(t, dsn)
		visitor, member, other := h.Client(t), signedIn(t, h.Hub, h.Member, ""), signedIn(t, h.Hub, h.Other, "")
		korean, chinese, prac := `href="`+threadPath(h.korean)+`"`, `href="`+threadPath(h.chinese)+`"`, `href="/practices/`
		for _, c := range []struct {
			name         string
			who          *apptest.Client
			q            string
			want, absent []string
		}{
			{"a Korean word inside a longer one", visitor, "확진", []string{korean, "<mark>확진</mark>"}, []string{chinese}},
			{"a visitor does not find the network's thread", visitor, "防疫", []string{prac}, []string{chinese}},
			{"nor does a city outside the network", other, "防疫", []string{prac}, []string{chinese}},
			{"a network member finds it", member, "防疫", []string{chinese, "<mark>防疫</mark>", prac}, nil},
			{"an answer finds its question", visitor, "lanes", []string{`href="` + threadPath(h.question) + `#post-`}, nil},
			{"nothing found", visitor, "ventilator", []string{"0 threads found.", "0 practices found."}, []string{korean}},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := c.who.Get(searchPath(c.q))
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d\n%s", res.StatusCode, res.Body)
				}
				for _, w := range c.want {
					if !strings.Contains(res.Body, w) {
						t.Errorf("the results for %q lack %q", c.q, w)
					}
				}
				for _, a := range c.absent {
					if strings.Contains(res.Body, a) {
						t.Errorf("the results for %q show %q", c.q, a)
					}
				}
			})
		}

		if body := signedIn(t, h.Hub, h.Member, "ko").Get(searchPath("확진")).Body; !strings.Contains(body, "게시판에서") || !strings.Contains(body, "글 1건을 찾았습니다.") {
			t.Error("the search page is not in Korean for a Korean reader")
		}
		if body := visitor.Get("/search").Body; !strings.Contains(body, `name="q"`) || strings.Contains(body, `id="search-boards"`) {
			t.Error("the empty search page is not just the form")
		}

		// Whatever is typed: results, or the field's error, never a server error.
		for _, q := range []string{`"`, `"unclosed phrase`, `NEAR(mask gown)`, `mask*`, `col:mask`, `a AND OR NOT b`, `'; DROP TABLE threads; --`,
			`a & b | !c <-> d`, `\`, `(((`, `^확진`, `{防疫}`, strings.Repeat("x", 10000), strings.Repeat("防疫 ", 3000), "\xff\xfe"} {
			res := member.Get(searchPath(q))
			if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("search %.30q: status %d", q, res.StatusCode)
			}
		}
		for _, c := range []struct{ q, want string }{
			{strings.Repeat("x", 10000), "Enter at most 1000 characters"},
			{"!!! ???", "Type a word to search for"},
		} {
			res := visitor.Get(searchPath(c.q))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.want) || !strings.Contains(res.Body, `aria-invalid="true"`) {
				t.Errorf("search %.20q: %d, want 422 with %q", c.q, res.StatusCode, c.want)
			}
		}
	})
}

// TestBoardFeeds reads the Atom feeds of a public board and of a tag: public threads only, for
// every reader alike, hidden ones left out, linked to their pages.
func TestBoardFeeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startSearchHub(t, dsn)
		visitor, member := h.Client(t), signedIn(t, h.Hub, h.Member, "")

		f := visitor.Get("/boards/ask-the-network/feed.atom?lang=en")
		if f.StatusCode != http.StatusOK || !strings.HasPrefix(f.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("board feed: %d %s\n%s", f.StatusCode, f.Header.Get("Content-Type"), f.Body)
		}
		for _, want := range []string{"How do you run drive-through testing?", "/threads/", "선별진료소 운영 방식", `xml:lang="ko"`,
			`rel="alternate"`, "/boards/ask-the-network", "Seoul"} {
			if !strings.Contains(f.Body, want) {
				t.Errorf("the board's feed lacks %q\n%s", want, f.Body)
			}
		}
		for _, c := range []struct {
			name, path string
			status     int
		}{
			{"a network board has no feed, even for its members", "/boards/citynet-health/feed.atom", http.StatusNotFound},
			{"no such board", "/boards/nowhere/feed.atom", http.StatusNotFound},
			{"a bad language", "/boards/ask-the-network/feed.atom?lang=!!", http.StatusBadRequest},
		} {
			if res := member.Get(c.path); res.StatusCode != c.status {
				t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.status)
			}
		}

		tag := member.Get("/boards/tags/Testing/feed.atom")
		if tag.StatusCode != http.StatusOK || !strings.Contains(tag.Body, "선별진료소 운영 방식") || !strings.Contains(tag.Body, "How do you run drive-through testing?") {
			t.Errorf("tag feed: %d\n%s", tag.StatusCode, tag.Body)
		}
		if strings.Contains(tag.Body, "防疫物資") {
			t.Error("the tag's feed carries a network board's thread")
		}

		if err := h.App.DB.BoardStore().Moderate(actorCtx(h.Admin), board.Moderation{Action: board.ActHide, ThreadID: h.korean.ID, Note: "test"}); err != nil {
			t.Fatal(err)
		}
		// The same address as before: the page cache must not serve the feed from before the change.
		if body := visitor.Get("/boards/ask-the-network/feed.atom?lang=en").Body; strings.Contains(body, "선별진료소") {
			t.Error("a hidden thread is still in the board's feed")
		}
	})
}
