package app_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail/mailtest"
)

// mailWait is how long mail may take to arrive on a slow machine; no test measures it.
const mailWait = 30 * time.Second

// testClock is a clock a test moves forward; the mail worker reads it from its own goroutine.
type testClock struct{ us atomic.Int64 }

func newClock(t time.Time) *testClock {
	c := &testClock{}
	c.us.Store(t.UnixMicro())
	return c
}

func (c *testClock) Now() time.Time          { return time.UnixMicro(c.us.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.us.Add(d.Microseconds()) }
func (c *testClock) opts() apptest.Options   { return apptest.Options{Now: c.Now} }
func tr(l i18n.Lang, key string, args ...string) string {
	return i18n.For(l).T(key, append(args, "site", "citypact")...)
}

var urlRE = regexp.MustCompile(`https?://\S+`)

// linkTo returns the link of msg that leads to path, as a path and query of the hub, and fails
// the test unless it is built on the hub's own base URL.
func linkTo(t *testing.T, h *apptest.Hub, msg mailtest.Received, path string) string {
	t.Helper()
	for _, u := range urlRE.FindAllString(msg.Text, -1) {
		if !strings.Contains(u, path) {
			continue
		}
		rest, ok := strings.CutPrefix(u, h.URL+path)
		if !ok {
			t.Fatalf("link %q is not built on the base URL %s", u, h.URL)
		}
		return path + rest
	}
	t.Fatalf("no link to %s in the mail:\n%s", path, msg.Text)
	return ""
}

// mailTo finds the message to an address with a subject.
func mailTo(t *testing.T, msgs []mailtest.Received, to, subject string) mailtest.Received {
	t.Helper()
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == to && m.Subject == subject {
			return m
		}
	}
	var got []string
	for _, m := range msgs {
		got = append(got, strings.Join(m.To, ",")+": "+m.Subject)
	}
	t.Fatalf("no mail to %s with subject %q; got:\n\t%s", to, subject, strings.Join(got, "\n\t"))
	return mailtest.Received{}
}

// queued counts every message the outbox ever held: those waiting, sent and given up.
func queued(t *testing.T, h *apptest.Hub) int {
	t.Helper()
	c, err := h.App.DB.MailCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c.Queued + c.Sent + c.Failed
}

// audited counts the audit entries of an action.
func audited(t *testing.T, h *apptest.Hub, action string) int {
	t.Helper()
	entries, err := h.App.DB.AuditLog(t.Context(), audit.Filter{Action: action, Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// wantPage fails the test unless res has the status and shows the message (HTML-escaped).
func wantPage(t *testing.T, what string, res *apptest.Response, status int, text string) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: status %d, want %d", what, res.StatusCode, status)
	}
	if !strings.Contains(res.Body, html.EscapeString(text)) {
		t.Errorf("%s: the page does not say %q", what, text)
	}
}

// TestInvitationByMail: an editor invites a colleague in Korean; the mail arrives with a link
// on the base URL; following it makes the account, signed in; the link then refuses a second
// use, as do an expired, a revoked and a forged link, each with a page that says why.
func TestInvitationByMail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := newClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		h := apptest.StartWithMail(t, dsn, clock.opts())
		editor := h.Client(t)
		editor.SignIn(h.Editor.Email, apptest.Password)

		res := editor.PostForm("/invitations", url.Values{"email": {"New.Officer@Seoul.example"}, "name": {"Kim Ji-won"},
			"role": {"editor"}, "lang": {"ko"}, "org": {strconv.FormatInt(h.Seoul.ID, 10)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: status %d\n%s", res.StatusCode, res.Body)
		}
		msg := mailTo(t, h.Mail.WaitFor(t, 1, mailWait), "new.officer@seoul.example", tr(i18n.KO, "mail.invite.subject"))
		if got := msg.Header.Get("Content-Language"); got != "ko" {
			t.Errorf("Content-Language %q, want ko", got)
		}
		if !strings.HasPrefix(msg.Header.Get("Subject"), "=?") {
			t.Errorf("the Korean subject is not RFC 2047 encoded: %q", msg.Header.Get("Subject"))
		}
		for _, want := range []string{"Kim Ji-won", "Seoul", "editor", tr(i18n.KO, "role.editor")} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("the invitation does not mention %q:\n%s", want, msg.Text)
			}
		}
		link := linkTo(t, h, msg, account.JoinPath)
		if list := editor.Get("/invitations"); !strings.Contains(list.Body, "new.officer@seoul.example") {
			t.Error("the pending invitation is not listed")
		}

		invitee := h.Client(t)
		invitee.Header.Set("Accept-Language", "ko")
		if page := invitee.Get(link); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "new.officer@seoul.example") {
			t.Fatalf("the invitation page: %d\n%s", page.StatusCode, page.Body)
		}
		token := strings.TrimPrefix(link, account.JoinPath+"?token=")
		// A password the policy refuses keeps the link working.
		res = invitee.PostForm(account.JoinPath, url.Values{"token": {token}, "name": {"김지원"}, "password": {"short"}})
		wantPage(t, "short password", res, http.StatusUnprocessableEntity, i18n.For(i18n.KO).T("password.too_short", "min", "12"))
		res = invitee.PostForm(account.JoinPath, url.Values{"token": {token}, "name": {"김지원"}, "password": {"서울 방역 담당 새 비밀번호"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
			t.Fatalf("accept: status %d, Location %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		if page := invitee.Get("/account"); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "김지원") {
			t.Fatalf("not signed in after accepting: %d", page.StatusCode)
		}
		u, err := h.App.DB.UserByEmail(t.Context(), "new.officer@seoul.example")
		if err != nil || u.Role != citypact.RoleEditor || u.OrgID != h.Seoul.ID || u.Lang != i18n.KO || u.Name != "김지원" {
			t.Errorf("the account: %+v, %v", u.Public(), err)
		}
		if list := editor.Get("/invitations"); strings.Contains(list.Body, "new.officer@seoul.example") {
			t.Error("an accepted invitation is still listed as pending")
		}

		// Expired and revoked links, sent by an admin into another organisation.
		admin := h.Client(t)
		admin.SignIn(h.Admin.Email, apptest.Password)
		for _, to := range []string{"late@taipei.example", "withdrawn@taipei.example"} {
			res := admin.PostForm("/invitations", url.Values{"email": {to}, "role": {"member"}, "lang": {"ja"}, "org": {strconv.FormatInt(h.Taipei.ID, 10)}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("admin invite: %d\n%s", res.StatusCode, res.Body)
			}
		}
		msgs := h.Mail.WaitFor(t, 3, mailWait)
		late := linkTo(t, h, mailTo(t, msgs, "late@taipei.example", tr(i18n.JA, "mail.invite.subject")), account.JoinPath)
		withdrawn := linkTo(t, h, mailTo(t, msgs, "withdrawn@taipei.example", tr(i18n.JA, "mail.invite.subject")), account.JoinPath)
		pending, err := h.App.DB.ListInvitations(t.Context(), h.Taipei.ID)
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending invitations of Taipei: %v, %v", pending, err)
		}
		for _, inv := range pending {
			if inv.Email == "withdrawn@taipei.example" {
				if res := admin.PostForm("/invitations/"+strconv.FormatInt(inv.ID, 10)+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("revoke: %d", res.StatusCode)
				}
			}
		}
		clock.Advance(7*24*time.Hour + time.Minute)

		reader := h.Client(t)
		reader.Header.Set("Accept-Language", "ja")
		tests := []struct {
			name   string
			link   string
			status int
			key    string
		}{
			{"used", link, http.StatusGone, "invitation.used"},
			{"expired", late, http.StatusGone, "invitation.expired"},
			{"revoked", withdrawn, http.StatusGone, "invitation.revoked"},
			{"forged", account.JoinPath + "?token=cpi_" + strings.Repeat("A", 43), http.StatusNotFound, "invitation.unknown"},
			{"truncated", link[:len(link)-5], http.StatusNotFound, "invitation.unknown"},
			{"no token", account.JoinPath, http.StatusNotFound, "invitation.unknown"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				want := i18n.For(i18n.JA).T(tt.key)
				wantPage(t, "GET", reader.Get(tt.link), tt.status, want)
				token := strings.TrimPrefix(strings.TrimPrefix(tt.link, account.JoinPath), "?token=")
				res := reader.PostForm(account.JoinPath, url.Values{"token": {token}, "name": {"Mallory"}, "password": {"a perfectly good passphrase"}})
				wantPage(t, "POST", res, tt.status, want)
			})
		}
		if _, err := h.App.DB.UserByEmail(t.Context(), "late@taipei.example"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("an expired invitation made an account: %v", err)
		}
		for action, want := range map[string]int{"invitation.create": 3, "invitation.accept": 1, "invitation.revoke": 1} {
			if got := audited(t, h, action); got != want {
				t.Errorf("audit %s: %d entries, want %d", action, got, want)
			}
		}
	})
}

// TestInvitationRules: who may invite whom is checked on the server, whatever the form says;
// refused invitations store and queue nothing, and a name that would inject a mail header is a
// field error.
func TestInvitationRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		as := func(acc apptest.Account) *apptest.Client {
			c := h.Client(t)
			c.SignIn(acc.Email, apptest.Password)
			return c
		}
		editor, other, member := as(h.Editor), as(h.Other), as(h.Member)
		seoul, taipei := strconv.FormatInt(h.Seoul.ID, 10), strconv.FormatInt(h.Taipei.ID, 10)
		en := i18n.For(i18n.EN)
		tests := []struct {
			name   string
			by     *apptest.Client
			form   url.Values
			status int
			text   string // shown on the page
		}{
			{"editor into another organisation", editor, url.Values{"email": {"x@taipei.example"}, "role": {"member"}, "org": {taipei}}, http.StatusForbidden, en.T("error.forbidden")},
			{"editor gives the admin role", editor, url.Values{"email": {"x@seoul.example"}, "role": {"admin"}, "org": {seoul}}, http.StatusForbidden, en.T("error.forbidden")},
			{"member", member, url.Values{"email": {"x@seoul.example"}, "role": {"member"}}, http.StatusForbidden, ""},
			{"address with an account", editor, url.Values{"email": {"MEMBER@seoul.example"}, "role": {"member"}}, http.StatusUnprocessableEntity, en.T("user.email_taken")},
			{"CR LF in the name", editor, url.Values{"email": {"eve@seoul.example"}, "name": {"Eve\r\nBcc: victim@example.org"}, "role": {"member"}}, http.StatusUnprocessableEntity, en.T("field.invalid")},
			{"LF in the name", editor, url.Values{"email": {"eve@seoul.example"}, "name": {"Eve\nSubject: urgent"}, "role": {"member"}}, http.StatusUnprocessableEntity, en.T("field.invalid")},
			{"line separator in the name", editor, url.Values{"email": {"eve@seoul.example"}, "name": {"Eve\u2028Bcc: x@y.example"}, "role": {"member"}}, http.StatusUnprocessableEntity, en.T("field.invalid")},
			{"CR LF in the address", editor, url.Values{"email": {"eve@seoul.example\r\nBcc: victim@example.org"}, "role": {"member"}}, http.StatusUnprocessableEntity, en.T("email.invalid")},
			{"no address", editor, url.Values{"role": {"member"}}, http.StatusUnprocessableEntity, en.T("field.required")},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, audits := queued(t, h), audited(t, h, "invitation.create")
				res := tt.by.PostForm("/invitations", tt.form)
				if res.StatusCode != tt.status {
					t.Errorf("status %d, want %d", res.StatusCode, tt.status)
				}
				if tt.text != "" && !strings.Contains(res.Body, html.EscapeString(tt.text)) {
					t.Errorf("the page does not say %q", tt.text)
				}
				if queued(t, h) != before || audited(t, h, "invitation.create") != audits {
					t.Error("a refused invitation was stored or queued")
				}
			})
		}

		// A pending invitation is one per address, and only its own organisation revokes it.
		if res := other.PostForm("/invitations", url.Values{"email": {"guest@taipei.example"}, "role": {"member"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", res.StatusCode, res.Body)
		}
		res := editor.PostForm("/invitations", url.Values{"email": {"guest@taipei.example"}, "role": {"member"}})
		wantPage(t, "second invitation", res, http.StatusUnprocessableEntity, en.T("invitation.pending"))
		pending, err := h.App.DB.ListInvitations(t.Context(), h.Taipei.ID)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending: %v, %v", pending, err)
		}
		id := strconv.FormatInt(pending[0].ID, 10)
		if list := editor.Get("/invitations"); strings.Contains(list.Body, "guest@taipei.example") {
			t.Error("Seoul's editor sees Taipei's invitation")
		}
		if res := editor.PostForm("/invitations/"+id+"/revoke", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("Seoul's editor revoking Taipei's invitation: %d, want 404", res.StatusCode)
		}
		if res := other.PostForm("/invitations/"+id+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("Taipei's editor revoking its own invitation: %d", res.StatusCode)
		}
	})
}
