package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail/mailtest"
)

// mailBase is the base URL of the hub in the board mail tests: https, as in production, so that
// messages carry the RFC 8058 headers (which only https links may). Requests still go to the
// test server's own address.
const mailBase = "https://hub.citypact.test"

// waitMail waits for a message to an address with a subject.
func waitMail(t *testing.T, h *apptest.Hub, to, subject string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		for _, m := range h.Mail.Messages() {
			if len(m.To) == 1 && m.To[0] == to && m.Subject == subject {
				return m
			}
		}
		if time.Now().After(deadline) {
			return mailTo(t, h.Mail.Messages(), to, subject) // fails, listing what came
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// oneClick posts as a mail client acting on List-Unsubscribe-Post does: from another site, with
// no cookie and no CSRF token.
func oneClick(t *testing.T, h *apptest.Hub, link string) *apptest.Response {
	t.Helper()
	path, ok := strings.CutPrefix(link, mailBase)
	if !ok {
		t.Fatalf("unsubscribe link %q is not on the base URL", link)
	}
	c := h.Client(t)
	req := c.Request(http.MethodPost, path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	return c.Do(req)
}

// TestBoardMailToSMTP: a question addressed to Taipei reaches Taipei's editor, who wants mail
// immediately, as one Korean message naming the question; a Seoul member who wants a daily
// digest gets one, in Japanese, at the digest hour, grouping the items by board and thread and
// leaving out the thread they already read; the next run repeats nothing. Every message carries
// one-click unsubscribe headers, and the link works without a sign-in, once, while a forged
// token changes nothing.
func TestBoardMailToSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // a Monday
		opts := clock.opts()
		opts.Config = func(c *config.Config) { c.BaseURL = mailBase }
		h := apptest.StartWithMail(t, dsn, opts)
		ctx := t.Context()
		db, bs := h.App.DB, h.App.DB.BoardStore()
		if err := db.SetLang(ctx, h.Other.ID, i18n.KO); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLang(ctx, h.Member.ID, i18n.JA); err != nil {
			t.Fatal(err)
		}
		other, member, editor := actorCtx(h.Other), actorCtx(h.Member), actorCtx(h.Editor)
		if err := bs.SetFrequency(other, board.FreqImmediately); err != nil {
			t.Fatal(err)
		}
		admin := actorCtx(h.Admin)
		public := board.Board{Slug: "ask", Kind: board.KindQuestions, Scope: board.PublicScope, Names: map[string]string{"en": "Ask the cities", "ja": "都市に聞く"}}
		supply := board.Board{Slug: "masks", Kind: board.KindSupply, Scope: board.PublicScope, Names: map[string]string{"en": "Mask supply", "ja": "マスクの供給"}}
		for _, b := range []*board.Board{&public, &supply} {
			if err := bs.CreateBoard(admin, b); err != nil {
				t.Fatal(err)
			}
			if err := bs.Subscribe(member, &board.Subscription{Kind: board.FollowBoard, TargetID: b.ID}); err != nil {
				t.Fatal(err)
			}
		}
		question := board.Thread{BoardID: public.ID, Title: "선별진료소를 어떻게 운영하나요?", Lang: "ko",
			Body: "Walk-through booths: how many staff per shift?", ToOrgs: []int64{h.Taipei.ID}}
		if err := bs.CreateThread(editor, &question); err != nil {
			t.Fatal(err)
		}

		// The addressee's mail, immediately (within the job's poll, once the frozen test clock
		// has moved past the notification).
		clock.Advance(time.Second)
		subject := i18n.For(i18n.KO).T("notify.mail.subject.addressed", "title", question.Title)
		got := waitMail(t, h, h.Other.Email, subject)
		if raw := got.Header.Get("Subject"); !strings.HasPrefix(raw, "=?") {
			t.Errorf("the Korean subject was not RFC 2047 encoded: %q", raw)
		}
		threadLink := mailBase + "/threads/" + strconv.FormatInt(question.ID, 10)
		for _, want := range []string{threadLink, "Walk-through booths", i18n.For(i18n.KO).T("notify.kind.addressed")} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("the addressee's mail lacks %q:\n%s", want, got.Text)
			}
		}
		unsubOther := wantOneClickHeaders(t, got)

		// More for the digest: an answer in the question (which the member follows too), a
		// supply offer, and a thread the member reads before the digest goes out.
		if err := bs.Subscribe(member, &board.Subscription{Kind: board.FollowThread, TargetID: question.ID}); err != nil {
			t.Fatal(err)
		}
		answer := board.Post{ThreadID: question.ID, Kind: board.PostAnswer, Lang: "en", Body: "Two nurses and one guide per booth."}
		if err := bs.CreatePost(other, &answer); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute) // the offer is the newest item: its board comes first
		offer := board.Thread{BoardID: supply.ID, Title: "KF94 masks available", Lang: "en", Body: "Boxes ready to ship.",
			Supply: &board.SupplyInfo{Product: "KF94 mask", Quantity: 400, Unit: "box"}}
		read := board.Thread{BoardID: public.ID, Title: "Already read thread", Lang: "en", Body: "Seen on the hub."}
		for _, th := range []*board.Thread{&offer, &read} {
			if err := bs.CreateThread(editor, th); err != nil {
				t.Fatal(err)
			}
		}
		if err := bs.MarkRead(member, read.ID); err != nil {
			t.Fatal(err)
		}

		// Nothing before the digest hour; then, at 23:00 UTC, the digest.
		if n, err := h.App.BoardMail.Mail(ctx, board.FreqDaily, boardmail.DigestEnd(board.FreqDaily, clock.Now())); err != nil || n != 0 {
			t.Errorf("digests before their hour: %d, %v", n, err)
		}
		clock.Advance(14*time.Hour + 30*time.Minute)
		ja := i18n.For(i18n.JA)
		digest := waitMail(t, h, h.Member.Email, ja.N("notify.digest.subject.daily", 3, "site", ja.T("site.name")))
		text := digest.Text
		order := []string{"== 都市に聞く ==", question.Title, ja.T("notify.kind.new_thread"), ja.T("notify.kind.new_answer"), "Two nurses",
			"== マスクの供給 ==", offer.Title}
		// Boards and threads newest first: the offer came after the answer.
		order = append(order[5:], order[:5]...)
		rest := text
		for _, want := range order {
			i := strings.Index(rest, want)
			if i < 0 {
				t.Errorf("the digest lacks %q, or has it out of order:\n%s", want, text)
				break
			}
			rest = rest[i+len(want):]
		}
		if strings.Contains(text, read.Title) {
			t.Errorf("the digest repeats a thread the member read:\n%s", text)
		}
		if strings.Count(text, "Two nurses") != 1 {
			t.Errorf("the answer appears more than once:\n%s", text)
		}
		unsubMember := wantOneClickHeaders(t, digest)

		// The next run finds nothing more: no item is mailed twice.
		end := boardmail.DigestEnd(board.FreqDaily, clock.Now())
		if n, err := h.App.BoardMail.Mail(ctx, board.FreqDaily, end); err != nil || n != 0 {
			t.Errorf("a second run queued %d messages (%v)", n, err)
		}
		if n, err := h.App.BoardMail.Mail(ctx, board.FreqDaily, end.AddDate(0, 0, 1)); err != nil || n != 0 {
			t.Errorf("the next day's run queued %d messages with nothing new (%v)", n, err)
		}

		// A forged token: another user's id under the member's signature, or one character
		// changed. Refused, nothing changed.
		u, _ := url.Parse(unsubMember)
		token := u.Query().Get("token")
		sig := token[strings.LastIndex(token, ".")+1:]
		mid := len(token) - 10 // a character of the MAC that carries only data bits
		flip := "A"
		if token[mid] == 'A' {
			flip = "B"
		}
		for _, forged := range []string{strconv.FormatInt(h.Other.ID, 10) + ".0." + sig, token[:mid] + flip + token[mid+1:], "", "1.0"} {
			res := oneClick(t, h, mailBase+boardmail.UnsubscribePath+"?token="+url.QueryEscape(forged))
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("forged token %q: status %d, want 404", forged, res.StatusCode)
			}
		}
		if f, _ := bs.Frequency(other); f != board.FreqImmediately {
			t.Errorf("a forged link changed the frequency of the user it named: %s", f)
		}
		if n := audited(t, h, "board.unsubscribe_link"); n != 0 {
			t.Errorf("%d unsubscribes audited after forged links only", n)
		}

		// The page behind the link changes nothing; the one-click POST does, without a cookie.
		page := h.Client(t).Get(strings.TrimPrefix(unsubMember, mailBase))
		wantPage(t, "unsubscribe page", page, http.StatusOK, i18n.For(i18n.EN).T("unsub.all"))
		if f, _ := bs.Frequency(member); f != board.FreqDaily {
			t.Errorf("opening the link changed the frequency to %s", f)
		}
		if res := oneClick(t, h, unsubMember); res.StatusCode != http.StatusOK {
			t.Fatalf("one-click unsubscribe: %d\n%s", res.StatusCode, res.Body)
		}
		if f, _ := bs.Frequency(member); f != board.FreqNone {
			t.Errorf("after one-click unsubscribe the frequency is %s, want none", f)
		}
		if res := oneClick(t, h, unsubOther); res.StatusCode != http.StatusOK {
			t.Errorf("the addressee's link: %d", res.StatusCode)
		}
		if f, _ := bs.Frequency(other); f != board.FreqNone {
			t.Errorf("the addressee's frequency is %s after their link, want none", f)
		}
		if n := audited(t, h, "board.unsubscribe_link"); n != 2 {
			t.Errorf("%d unsubscribes audited, want 2", n)
		}

		// A link for one subscription removes that one only.
		key, err := db.MailKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		subs, err := bs.Subscriptions(member)
		if err != nil || len(subs) != 3 {
			t.Fatalf("the member's subscriptions: %+v, %v", subs, err)
		}
		links := boardmail.NewLinks(mailBase, key)
		if res := oneClick(t, h, links.Unsubscribe(boardmail.Target{User: h.Member.ID, Sub: subs[0].ID})); res.StatusCode != http.StatusOK {
			t.Errorf("one subscription's link: %d", res.StatusCode)
		}
		if after, _ := bs.Subscriptions(member); len(after) != 2 || after[0].ID == subs[0].ID {
			t.Errorf("after one subscription's link: %+v", after)
		}
		// Someone else's subscription under a link naming the member: signed, but not theirs.
		others, _ := bs.Subscriptions(other)
		if len(others) == 0 {
			t.Fatal("the answer's author follows nothing")
		}
		if res := oneClick(t, h, links.Unsubscribe(boardmail.Target{User: h.Member.ID, Sub: others[0].ID})); res.StatusCode != http.StatusOK {
			t.Errorf("a link naming another's subscription: %d", res.StatusCode)
		}
		if after, _ := bs.Subscriptions(other); len(after) != len(others) {
			t.Error("a link removed another user's subscription")
		}
	})
}

// wantOneClickHeaders checks RFC 8058's headers and returns the unsubscribe link.
func wantOneClickHeaders(t *testing.T, m mailtest.Received) string {
	t.Helper()
	lu := m.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<"+mailBase+boardmail.UnsubscribePath+"?token=") || !strings.HasSuffix(lu, ">") {
		t.Errorf("List-Unsubscribe = %q", lu)
	}
	if p := m.Header.Get("List-Unsubscribe-Post"); p != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", p)
	}
	link := strings.TrimSuffix(strings.TrimPrefix(lu, "<"), ">")
	if !strings.Contains(m.Text, link) {
		t.Errorf("the body does not show the unsubscribe link %s", link)
	}
	return link
}
