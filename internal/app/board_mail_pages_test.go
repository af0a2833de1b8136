package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// TestNotificationPages: Taipei's editor, addressed by Seoul's question and whose answer was
// accepted, sees the unread count in the header and both notifications, linked to the thread;
// "mark all read" clears them. Visitors' pages carry no count. The settings page changes the
// frequency (a value that is none of the four is a field error, 422) and unfollows a thread.
func TestNotificationPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		en := i18n.For(i18n.EN)
		other := signedIn(t, h.Hub, h.Other, "")

		if body := h.Client(t).Get("/boards").Body; strings.Contains(body, `href="/notifications"`) {
			t.Error("a visitor's page links notifications")
		}
		header := en.N("nav.notifications_unread", 2)
		if body := other.Get("/boards").Body; !strings.Contains(body, header) {
			t.Errorf("the header does not say %q", header)
		}
		list := other.Get("/notifications")
		if list.StatusCode != http.StatusOK {
			t.Fatalf("notifications: %d\n%s", list.StatusCode, list.Body)
		}
		href := `href="` + threadPath(h.question)
		for _, want := range []string{en.T("notify.kind.addressed"), en.T("notify.kind.your_answer_accepted"), href,
			"How do you run drive-through testing?", en.T("notify.unread"), en.T("notify.mark_all_read")} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("the notification list lacks %q", want)
			}
		}
		// Newest first: the acceptance came after the question.
		if strings.Index(list.Body, en.T("notify.kind.your_answer_accepted")) > strings.Index(list.Body, en.T("notify.kind.addressed")) {
			t.Error("the list is not newest first")
		}
		if res := other.PostForm("/notifications/read", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark all read: %d", res.StatusCode)
		}
		list = other.Get("/notifications")
		if strings.Contains(list.Body, ">"+en.T("notify.unread")+"<") || strings.Contains(list.Body, header) ||
			!strings.Contains(list.Body, `href="/notifications"`) || !strings.Contains(list.Body, en.T("flash.notify_read")) {
			t.Errorf("after mark all read:\n%s", list.Body)
		}
		// Someone else's list is their own.
		if body := signedIn(t, h.Hub, h.Member, "").Get("/notifications").Body; strings.Contains(body, en.T("notify.kind.your_answer_accepted")) {
			t.Error("a member sees another user's notifications")
		}

		// Settings: the frequency, refused then saved.
		settings := other.Get("/account/notifications")
		if settings.StatusCode != http.StatusOK || !strings.Contains(settings.Body, `value="daily" checked`) {
			t.Errorf("settings page: %d\n%s", settings.StatusCode, settings.Body)
		}
		bad := other.PostForm("/account/notifications", url.Values{"frequency": {"hourly"}})
		wantPage(t, "bad frequency", bad, http.StatusUnprocessableEntity, en.T("field.choice"))
		if !strings.Contains(bad.Body, `href="#f-frequency"`) {
			t.Error("the error summary does not link the field")
		}
		ko := signedIn(t, h.Hub, h.Member, "ko")
		wantPage(t, "bad frequency in Korean", ko.PostForm("/account/notifications", url.Values{}), http.StatusUnprocessableEntity,
			i18n.For(i18n.KO).T("field.choice"))
		if res := other.PostForm("/account/notifications", url.Values{"frequency": {"weekly"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save frequency: %d\n%s", res.StatusCode, res.Body)
		}
		if f, _ := h.App.DB.BoardStore().Frequency(actorCtx(h.Other)); f != board.FreqWeekly {
			t.Errorf("frequency = %s, want weekly", f)
		}

		// Subscriptions: the answer's author follows the question; unfollowing removes it, and
		// another user's subscription is not found.
		subs, err := h.App.DB.BoardStore().Subscriptions(actorCtx(h.Other))
		if err != nil || len(subs) != 1 {
			t.Fatalf("Taipei editor's subscriptions: %+v, %v", subs, err)
		}
		settings = other.Get("/account/notifications")
		if want := en.T("notify.follow.thread", "name", "How do you run drive-through testing?"); !strings.Contains(settings.Body, want) {
			t.Errorf("the settings page does not list %q", want)
		}
		unfollow := "/account/notifications/subscriptions/" + strconv.FormatInt(subs[0].ID, 10) + "/delete"
		if res := signedIn(t, h.Hub, h.Editor, "").PostForm(unfollow, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("unfollowing another's subscription: %d, want 404", res.StatusCode)
		}
		if res := other.PostForm(unfollow, nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("unfollow: %d", res.StatusCode)
		}
		if body := other.Get("/account/notifications").Body; !strings.Contains(body, en.T("notify.settings.no_subscriptions")) {
			t.Error("the subscription is still listed")
		}
	})
}
