package app_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// A supply board's form takes the structured fields; what cannot be read or is wrong comes back
// beside its field, in the reader's language, and nothing is stored.
func TestBoardSupplyForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		seoul := signedIn(t, h.Hub, h.Editor, "")
		form := func(over url.Values) url.Values {
			v := url.Values{"title": {"Isolation gowns to spare"}, "body": {"Level 2 gowns, ready to ship."}, "lang": {"en"},
				"product": {"Isolation gown, level 2"}, "specification": {"AAMI level 2\r\nSizes M and L"}, "supplier": {"Seoul Medical"},
				"unit_price": {"3.75"}, "currency": {"USD"}, "quantity": {"2,100"}, "unit": {"piece"},
				"certifications": {"CE, AAMI PB70 level 2"}, "valid_until": {"2026-12-31"}}
			for k, x := range over {
				v[k] = x
			}
			return v
		}
		page := seoul.Get("/boards/masks/new")
		for _, want := range []string{`name="product"`, `name="unit_price"`, `<option value="KRW"`, `name="valid_until"`, `type="date"`} {
			if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, want) {
				t.Errorf("the supply form lacks %s (%d)", want, page.StatusCode)
			}
		}
		before := len(threadsOn(t, h, h.supply.ID))

		ko := i18n.For(i18n.KO)
		korean := signedIn(t, h.Hub, h.Editor, "ko")
		for _, tt := range []struct {
			name string
			over url.Values
			key  string
		}{
			{"no product", url.Values{"product": {" "}}, "field.required"},
			{"a grouped price", url.Values{"unit_price": {"3,75"}}, "board.amount_invalid"},
			{"a negative price", url.Values{"unit_price": {"-1"}}, "board.amount_invalid"},
			{"an unknown currency", url.Values{"currency": {"XXX"}}, "board.currency_invalid"},
			{"a price without currency", url.Values{"currency": {""}}, "field.required"},
			{"a quantity that is no number", url.Values{"quantity": {"many"}}, "number.invalid"},
			{"a date that is no date", url.Values{"valid_until": {"31/12/2026"}}, "date.invalid"},
			{"too many certifications", url.Values{"certifications": {"a,b,c,d,e,f,g,h,i,j,k"}}, "board.certifications_too_many"},
		} {
			res := korean.PostForm("/boards/masks/new", form(tt.over))
			msg := html.EscapeString(ko.T(tt.key, "max", strconv.Itoa(board.MaxCertifications)))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, msg) || !strings.Contains(res.Body, "Seoul Medical") {
				t.Errorf("%s: %d, want 422 with %q and the input kept", tt.name, res.StatusCode, msg)
			}
		}
		if n := len(threadsOn(t, h, h.supply.ID)); n != before {
			t.Fatalf("invalid supply forms stored threads: %d, want %d", n, before)
		}

		res := seoul.PostForm("/boards/masks/new", form(nil))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("post supply information: %d\n%s", res.StatusCode, res.Body)
		}
		var got board.Thread
		for _, x := range threadsOn(t, h, h.supply.ID) {
			if x.Title == "Isolation gowns to spare" {
				got = x
			}
		}
		want := board.SupplyInfo{Product: "Isolation gown, level 2", Specification: "AAMI level 2\nSizes M and L", Supplier: "Seoul Medical",
			UnitPrice: 37_500, Currency: "USD", Quantity: 2100, Unit: "piece", Certifications: []string{"CE", "AAMI PB70 level 2"}}
		if s := got.Supply; s == nil || s.Product != want.Product || s.Specification != want.Specification || s.UnitPrice != want.UnitPrice ||
			s.Currency != want.Currency || s.Quantity != want.Quantity || strings.Join(s.Certifications, "|") != "CE|AAMI PB70 level 2" ||
			s.ValidUntil.Format("2006-01-02") != "2026-12-31" {
			t.Fatalf("stored supply fields: %+v", got.Supply)
		}
		body := h.Client(t).Get(res.Header.Get("Location")).Body
		for _, want := range []string{"Isolation gown, level 2", "Seoul Medical", "3.75 USD per piece", "AAMI PB70 level 2", "Sizes M and L"} {
			if !strings.Contains(body, want) {
				t.Errorf("the supply thread's page lacks %q", want)
			}
		}
		// Free of charge: a currency with 0.
		res = seoul.PostForm("/boards/masks/new", form(url.Values{"title": {"Masks given away"}, "unit_price": {"0"}, "currency": {"TWD"}}))
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(h.Client(t).Get(res.Header.Get("Location")).Body, "Free of charge") {
			t.Errorf("free supply: %d", res.StatusCode)
		}
	})
}

// subscriptionsOf lists what acc follows.
func subscriptionsOf(t *testing.T, h boardHub, acc apptest.Account) []board.Subscription {
	t.Helper()
	subs, err := h.App.DB.BoardStore().Subscriptions(actorCtx(acc))
	if err != nil {
		t.Fatal(err)
	}
	return subs
}

func follows(subs []board.Subscription, kind board.Follow, target int64, tag string) bool {
	for _, s := range subs {
		if s.Kind == kind && s.TargetID == target && s.Tag == tag {
			return true
		}
	}
	return false
}

// Readers mark "same question" (which follows it) and follow boards, threads, tags and
// organisations with buttons, and stop following with the same buttons.
func TestBoardSameQuestionAndFollow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		seoul, member, taipei := signedIn(t, h.Hub, h.Editor, ""), signedIn(t, h.Hub, h.Member, ""), signedIn(t, h.Hub, h.Other, "")
		q := threadPath(h.question)

		if body := member.Get(q).Body; !strings.Contains(body, `action="`+q+`/same"`) {
			t.Error("a reader who did not ask sees no same-question button")
		}
		if body := seoul.Get(q).Body; strings.Contains(body, `action="`+q+`/same"`) {
			t.Error("the asker is offered the same-question button")
		}
		if res := member.PostForm(q+"/same", url.Values{"on": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark same: %d\n%s", res.StatusCode, res.Body)
		}
		member.PostForm(q+"/same", url.Values{"on": {"1"}}) // twice is once
		if body := h.Client(t).Get(q).Body; !strings.Contains(body, "1 other has the same question") {
			t.Error("the question does not count the same-question mark")
		}
		if !follows(subscriptionsOf(t, h, h.Member), board.FollowThread, h.question.ID, "") {
			t.Error("marking the same question does not follow it")
		}
		// Withdrawing is offered to the one who marked, not to every follower (Taipei answered,
		// so it follows the question, but never marked it).
		unmark := "Withdraw my “same question” mark"
		if body := member.Get(q).Body; !strings.Contains(body, unmark) {
			t.Error("the reader who marked is not offered to withdraw the mark")
		}
		if body := taipei.Get(q).Body; strings.Contains(body, unmark) {
			t.Error("a follower who never marked is offered to withdraw a mark")
		}
		if res := seoul.PostForm(q+"/same", url.Values{"on": {"1"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("the asker marking their own question: %d", res.StatusCode)
		}
		if res := member.PostForm(q+"/same", url.Values{"on": {"0"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("withdraw the mark: %d", res.StatusCode)
		}
		if th, err := h.App.DB.BoardStore().Thread(actorCtx(h.Member), h.question.ID); err != nil || th.SameCount != 0 {
			t.Errorf("after withdrawing: %v, count %d", err, th.SameCount)
		}
		if res := taipei.PostForm(threadPath(h.private)+"/same", url.Values{"on": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("marking a question one cannot see: %d", res.StatusCode)
		}
		if res := member.PostForm(threadPath(h.offer)+"/same", url.Values{"on": {"1"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("marking a supply thread: %d", res.StatusCode)
		}

		for _, tt := range []struct {
			name, path string
			kind       board.Follow
			target     int64
			tag        string
		}{
			{"a board", "/boards/ask-the-network/follow", board.FollowBoard, h.public.ID, ""},
			{"a thread", threadPath(h.offer) + "/follow", board.FollowThread, h.offer.ID, ""},
			{"a tag", "/tags/testing/follow", board.FollowTag, 0, "testing"},
			{"an organisation", "/orgs/seoul/follow", board.FollowOrg, h.Seoul.ID, ""},
		} {
			res := taipei.PostForm(tt.path, url.Values{"on": {"1"}, "back": {q}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != q {
				t.Errorf("follow %s: %d to %q", tt.name, res.StatusCode, res.Header.Get("Location"))
			}
			if !follows(subscriptionsOf(t, h, h.Other), tt.kind, tt.target, tt.tag) {
				t.Errorf("following %s stored no subscription", tt.name)
			}
			if res := taipei.PostForm(tt.path, url.Values{"on": {"0"}, "back": {"https://evil.example/"}}); res.StatusCode != http.StatusSeeOther ||
				strings.Contains(res.Header.Get("Location"), "evil") {
				t.Errorf("unfollow %s: %d to %q", tt.name, res.StatusCode, res.Header.Get("Location"))
			}
			if follows(subscriptionsOf(t, h, h.Other), tt.kind, tt.target, tt.tag) {
				t.Errorf("unfollowing %s kept the subscription", tt.name)
			}
		}
		// The thread page shows the buttons, and what the reader follows.
		taipei.PostForm("/tags/testing/follow", url.Values{"on": {"1"}})
		body := taipei.Get(q).Body
		for _, want := range []string{`action="/orgs/seoul/follow"`, `action="/tags/testing/follow"`, "Stop following #testing", `action="` + q + `/follow"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the thread page lacks %q", want)
			}
		}
		if body := taipei.Get("/boards/ask-the-network").Body; !strings.Contains(body, `action="/boards/ask-the-network/follow"`) {
			t.Error("the board page has no follow button")
		}
		// What one cannot see cannot be followed; visitors must sign in.
		if res := taipei.PostForm("/boards/citynet-health/follow", url.Values{"on": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("following an invisible board: %d", res.StatusCode)
		}
		if res := taipei.PostForm("/orgs/atlantis/follow", url.Values{"on": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("following an unknown organisation: %d", res.StatusCode)
		}
		if res := h.Client(t).PostForm("/boards/ask-the-network/follow", url.Values{"on": {"1"}}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a visitor following: %d", res.StatusCode)
		}
	})
}

// Readers report a thread or post with a reason; the board's moderators see open reports in
// their queue and close them.
func TestBoardReports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		member, taipei, seoul := signedIn(t, h.Hub, h.Member, ""), signedIn(t, h.Hub, h.Other, ""), signedIn(t, h.Hub, h.Editor, "")
		admin := signedIn(t, h.Hub, h.Admin, "")
		q := threadPath(h.question)
		ans := strconv.FormatInt(h.answer.ID, 10)

		page := member.Get(q + "/report?post=" + ans)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `name="reason"`) || !strings.Contains(page.Body, "We use lanes of ten cars.") {
			t.Fatalf("report form: %d", page.StatusCode)
		}
		ko, korean := i18n.For(i18n.KO), signedIn(t, h.Hub, h.Member, "ko")
		for _, tt := range []struct {
			name string
			form url.Values
			key  string
		}{
			{"no reason", url.Values{"post": {ans}, "reason": {""}}, "field.choice"},
			{"an unknown reason", url.Values{"post": {ans}, "reason": {"boring"}}, "field.choice"},
			{"other without a note", url.Values{"post": {ans}, "reason": {"other"}, "note": {" "}}, "field.required"},
		} {
			res := korean.PostForm(q+"/report", tt.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(ko.T(tt.key))) {
				t.Errorf("report with %s: %d, want 422 with %q", tt.name, res.StatusCode, ko.T(tt.key))
			}
		}
		if res := member.PostForm(q+"/report", url.Values{"post": {ans}, "reason": {"misleading"}, "note": {"Ten cars is not what their guidance says."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("report a post: %d\n%s", res.StatusCode, res.Body)
		}
		if res := member.PostForm(threadPath(h.private)+"/report", url.Values{"reason": {"spam"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("report a network thread: %d\n%s", res.StatusCode, res.Body)
		}
		if res := taipei.PostForm(threadPath(h.private)+"/report", url.Values{"reason": {"spam"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("reporting an invisible thread: %d", res.StatusCode)
		}
		if res := member.PostForm(q+"/report", url.Values{"post": {"999999"}, "reason": {"spam"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("reporting a post of no thread: %d", res.StatusCode)
		}

		// The admin moderates every board; Seoul's editor the network's board only.
		queue := admin.Get("/boards/reports")
		if queue.StatusCode != http.StatusOK || !strings.Contains(queue.Body, "Ten cars is not what their guidance says.") ||
			!strings.Contains(queue.Body, "False or dangerous information") || !strings.Contains(queue.Body, "Members only: ventilator sharing") {
			t.Fatalf("the admin's queue: %d\n%s", queue.StatusCode, queue.Body)
		}
		mine := seoul.Get("/boards/reports").Body
		if !strings.Contains(mine, "Members only: ventilator sharing") || strings.Contains(mine, "Ten cars is not") {
			t.Error("Seoul's editor's queue is not the network board's reports only")
		}
		if res := member.Get("/boards/reports"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a member's queue: %d", res.StatusCode)
		}
		reps, err := h.App.DB.BoardStore().Reports(actorCtx(h.Admin), board.ReportFilter{Open: true})
		if err != nil || len(reps) != 2 {
			t.Fatalf("reports: %v %d", err, len(reps))
		}
		var public int64
		for _, r := range reps {
			if r.ThreadID == h.question.ID {
				public = r.ID
			}
		}
		resolve := "/boards/reports/" + strconv.FormatInt(public, 10) + "/resolve"
		if res := seoul.PostForm(resolve, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("a moderator of another board resolving: %d", res.StatusCode)
		}
		if res := admin.PostForm(resolve, nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("resolve: %d", res.StatusCode)
		}
		if strings.Contains(admin.Get("/boards/reports").Body, "Ten cars is not") {
			t.Error("a resolved report stays in the queue")
		}
	})
}

// The boards' new pages render in every language, with no message missing.
func TestBoardActionPagesInEveryLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		if err := h.App.DB.BoardStore().Report(actorCtx(h.Member), &board.Report{ThreadID: h.question.ID, PostID: h.answer.ID, Reason: board.ReasonOther, Note: "Check this."}); err != nil {
			t.Fatal(err)
		}
		q, ans := threadPath(h.question), strconv.FormatInt(h.answer.ID, 10)
		for _, l := range i18n.Langs {
			admin := signedIn(t, h.Hub, h.Admin, string(l))
			for _, path := range []string{"/boards/masks/new", q + "/report", q + "/report?post=" + ans, q + "/translate", q + "/translate?post=" + ans,
				q + "/moderate", "/boards/reports", "/boards", "/boards/ask-the-network?lang=ko", q, q + "/comment?post=" + ans} {
				res := admin.Get(path)
				if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "⟦") {
					t.Errorf("%s in %s: %d or a missing message", path, l, res.StatusCode)
				}
			}
			res := admin.PostForm("/boards/masks/new", url.Values{"title": {"x"}, "body": {"x"}, "lang": {"en"}, "unit_price": {"x"}, "valid_until": {"x"}})
			if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(res.Body, "⟦") {
				i := strings.Index(res.Body, "⟦")
				t.Errorf("invalid supply form in %s: %d or a missing message: %s", l, res.StatusCode, res.Body[i:min(len(res.Body), i+80)])
			}
		}
	})
}

// Readers comment on an answer through its own form; the comment is shown under the answer.
func TestBoardCommentOnAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		member := signedIn(t, h.Hub, h.Member, "")
		q, ans := threadPath(h.question), strconv.FormatInt(h.answer.ID, 10)
		if body := member.Get(q).Body; !strings.Contains(body, `href="`+q+`/comment?post=`+ans+`"`) {
			t.Error("the answer has no comment link")
		}
		if res := member.Get(q + "/comment?post=" + ans); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `name="parent" value="`+ans+`"`) {
			t.Fatalf("comment form: %d", res.StatusCode)
		}
		res := member.PostForm(q+"/posts", url.Values{"parent": {ans}, "body": {" "}, "lang": {"en"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `name="parent" value="`+ans+`"`) {
			t.Errorf("an empty comment: %d", res.StatusCode)
		}
		res = member.PostForm(q+"/posts", url.Values{"parent": {ans}, "body": {"Ten cars per lane worked for us too."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d\n%s", res.StatusCode, res.Body)
		}
		posts, err := h.App.DB.BoardStore().Posts(actorCtx(h.Member), h.question.ID, citypact.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var c board.Post
		for _, p := range posts {
			if p.ParentID == h.answer.ID {
				c = p
			}
		}
		if c.Kind != board.PostComment {
			t.Fatalf("the comment is not stored under the answer: %+v", posts)
		}
		body := member.Get(q).Body
		if i, j := strings.Index(body, "We use lanes of ten cars."), strings.Index(body, "Ten cars per lane worked for us too."); i < 0 || j < i ||
			!strings.Contains(body, `class="post post--comment"`) {
			t.Error("the comment is not shown under its answer")
		}
		// A comment on a comment, or on a post of no thread, is refused.
		cid := strconv.FormatInt(c.ID, 10)
		if res := member.Get(q + "/comment?post=" + cid); res.StatusCode != http.StatusNotFound {
			t.Errorf("the comment form for a comment: %d", res.StatusCode)
		}
		if res := member.PostForm(q+"/posts", url.Values{"parent": {cid}, "body": {"x"}, "lang": {"en"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a comment on a comment: %d", res.StatusCode)
		}
		if res := member.PostForm(q+"/posts", url.Values{"parent": {"999999"}, "body": {"x"}, "lang": {"en"}}); res.StatusCode != http.StatusNotFound &&
			res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a comment on no post: %d", res.StatusCode)
		}
	})
}
