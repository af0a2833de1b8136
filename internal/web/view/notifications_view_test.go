package view

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
)

// notificationPages are the notification, settings and unsubscribe pages in their states.
func notificationPages(tr *i18n.Translator) map[string]templ.Component {
	b := Base{Tr: tr, Title: tr.T("notify.title"), Path: "/notifications", Assets: Assets{CSS: "/static/app.css", Favicon: "/static/favicon.svg"}}
	signedIn := b
	signedIn.Viewer = Viewer{SignedIn: true, Name: "서울 담당자", Role: citypact.RoleMember, Unread: 3}
	failed := signedIn
	failed.HasErrors = true
	items := []NotificationItem{{Kind: "notify.kind.addressed", Title: "선별진료소 <운영>", Href: "/threads/1", At: when, Unread: true},
		{Kind: "notify.kind.new_answer", Href: "/threads/2#post-3", At: when}}
	freqs := []string{"none", "immediately", "daily", "weekly"}
	return map[string]templ.Component{
		"notifications":       Notifications(NotificationsPage{Base: signedIn, Items: items, Unread: 1, Next: "/notifications?after=2"}),
		"notifications-empty": Notifications(NotificationsPage{Base: signedIn}),
		"notify-settings": NotifySettings(NotifySettingsPage{Base: signedIn, Frequencies: freqs, Form: Form{Values: map[string]string{"frequency": "daily"}},
			Subscriptions: []SubscriptionItem{{ID: 4, Label: "Thread: Masks", Href: "/threads/4"}, {ID: 5, Label: "Tag: masks"}}}),
		"notify-settings-error": NotifySettings(NotifySettingsPage{Base: failed, Frequencies: freqs,
			Form: Form{Values: map[string]string{"frequency": "hourly"}, Errors: []citypact.FieldError{{Field: "frequency", Key: "field.choice"}}}}),
		"unsubscribe":      Unsubscribe(UnsubscribePage{Base: b, Token: "7.0.abc", What: tr.T("unsub.all"), All: true}),
		"unsubscribe-done": Unsubscribe(UnsubscribePage{Base: b, All: true, Done: true}),
		"unsubscribe-one":  Unsubscribe(UnsubscribePage{Base: b, Done: true}),
	}
}

// TestNotificationPagesRender holds the notification pages to what every page must have (see
// TestEveryPageRenders), in every language, and checks the header's count and the escaping of
// titles.
func TestNotificationPagesRender(t *testing.T) {
	for _, l := range i18n.Langs {
		tr := i18n.For(l)
		for name, c := range notificationPages(tr) {
			t.Run(string(l)+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := c.Render(context.Background(), &buf); err != nil {
					t.Fatal(err)
				}
				html := buf.String()
				if n := len(h1RE.FindAllString(html, -1)); n != 1 {
					t.Errorf("%d h1 elements, want 1", n)
				}
				if strings.Contains(html, "⟦") {
					t.Errorf("missing translation: %s", html[strings.Index(html, "⟦"):][:60])
				}
				if strings.Contains(html, "<운영>") {
					t.Error("a title is not escaped")
				}
				seen := map[string]bool{}
				for _, m := range idRE.FindAllStringSubmatch(html, -1) {
					if seen[m[1]] {
						t.Errorf("duplicate id %q", m[1])
					}
					seen[m[1]] = true
				}
				for _, m := range labelFor.FindAllStringSubmatch(html, -1) {
					if !seen[m[1]] {
						t.Errorf("label for %q has no control", m[1])
					}
				}
				signed := !strings.HasPrefix(name, "unsubscribe")
				if has := strings.Contains(html, tr.N("nav.notifications_unread", 3)); has != signed {
					t.Errorf("header count shown: %v, want %v", has, signed)
				}
			})
		}
	}
}
