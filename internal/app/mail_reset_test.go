package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// TestPasswordResetByMail: the forgot-password form answers an address with an account and one
// without identically and mails only the first, in the user's language, with a link on the
// configured base URL whatever Host the request named. The link sets a new password once, ends
// the old sessions, and the old password stops working.
func TestPasswordResetByMail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := newClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		h := apptest.StartWithMail(t, dsn, clock.opts())
		if err := h.App.DB.SetLang(t.Context(), h.Member.ID, i18n.KO); err != nil {
			t.Fatal(err)
		}
		oldSession := h.Client(t)
		oldSession.SignIn(h.Member.Email, apptest.Password)

		visitor := h.Client(t)
		forgot := func(email, host string) *apptest.Response {
			req := visitor.Request(http.MethodPost, account.ForgotPath, strings.NewReader(url.Values{"email": {email}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if host != "" {
				req.Host = host
			}
			return visitor.Do(req)
		}
		known := forgot("Member@Seoul.example", "evil.example")
		unknown := forgot("nobody@seoul.example", "evil.example")
		if known.StatusCode != http.StatusOK || unknown.StatusCode != http.StatusOK || known.Body != unknown.Body {
			t.Errorf("known and unknown addresses answered differently: %d and %d\n%s\n----\n%s", known.StatusCode, unknown.StatusCode, known.Body, unknown.Body)
		}
		if !strings.Contains(known.Body, i18n.For(i18n.EN).T("forgot.sent")) {
			t.Error("the answer does not say a link may be on its way")
		}
		if n := queued(t, h); n != 1 {
			t.Errorf("%d messages queued for one known and one unknown address, want 1", n)
		}
		if n := audited(t, h, "password_reset.request"); n != 2 {
			t.Errorf("%d reset requests audited, want 2", n)
		}

		msgs := h.Mail.WaitFor(t, 1, mailWait)
		msg := mailTo(t, msgs, h.Member.Email, tr(i18n.KO, "mail.reset.subject"))
		if raw := msg.Header.Get("Subject"); !strings.HasPrefix(raw, "=?") || raw == msg.Subject {
			t.Errorf("the Korean subject was not sent RFC 2047 encoded: %q", raw)
		}
		if strings.Contains(msg.Text, "evil.example") {
			t.Errorf("the Host header made it into the mail:\n%s", msg.Text)
		}
		link := linkTo(t, h, msg, account.ResetPath)
		token := strings.TrimPrefix(link, account.ResetPath+"?token=")

		if page := visitor.Get(link); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, h.Member.Email) {
			t.Fatalf("the reset page: %d\n%s", page.StatusCode, page.Body)
		}
		res := visitor.PostForm(account.ResetPath, url.Values{"token": {token}, "password": {"Unbelievable"}})
		wantPage(t, "common password", res, http.StatusUnprocessableEntity, i18n.For(i18n.EN).T("password.common"))
		const newPassword = "a brand new passphrase for Seoul"
		res = visitor.PostForm(account.ResetPath, url.Values{"token": {token}, "password": {newPassword}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" {
			t.Fatalf("reset: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		if res := oldSession.Get("/account"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a session from before the reset still works: %d", res.StatusCode)
		}
		signIn := func(pw string) int {
			return h.Client(t).PostForm("/signin", url.Values{"email": {h.Member.Email}, "password": {pw}}).StatusCode
		}
		if code := signIn(apptest.Password); code != http.StatusUnauthorized {
			t.Errorf("the old password: %d, want 401", code)
		}
		if code := signIn(newPassword); code != http.StatusSeeOther {
			t.Errorf("the new password: %d, want 303", code)
		}

		// The link works once; the user hears of the change, without the password.
		reader := h.Client(t)
		reader.Header.Set("Accept-Language", "ko")
		wantPage(t, "link again", reader.Get(link), http.StatusGone, i18n.For(i18n.KO).T("reset.used"))
		res = reader.PostForm(account.ResetPath, url.Values{"token": {token}, "password": {"yet another passphrase here"}})
		wantPage(t, "link posted again", res, http.StatusGone, i18n.For(i18n.KO).T("reset.used"))
		notice := mailTo(t, h.Mail.WaitFor(t, 2, mailWait), h.Member.Email, tr(i18n.KO, "mail.notice.password.subject"))
		if strings.Contains(notice.Text, newPassword) || !strings.Contains(notice.Text, tr(i18n.KO, "mail.notice.by_reset")) {
			t.Errorf("the notice:\n%s", notice.Text)
		}
		if n := audited(t, h, "password_reset.complete"); n != 1 {
			t.Errorf("%d completed resets audited, want 1", n)
		}

		// A link older than 30 minutes no longer works; a forged one never did.
		forgot(h.Member.Email, "")
		late := linkTo(t, h, mailTo(t, h.Mail.WaitFor(t, 3, mailWait)[2:], h.Member.Email, tr(i18n.KO, "mail.reset.subject")), account.ResetPath)
		clock.Advance(31 * time.Minute)
		wantPage(t, "expired link", reader.Get(late), http.StatusGone, i18n.For(i18n.KO).T("reset.expired"))
		wantPage(t, "forged link", reader.Get(account.ResetPath+"?token=cpr_forged"), http.StatusNotFound, i18n.For(i18n.KO).T("reset.unknown"))
	})
}

// TestPasswordResetKeepsSessionsWhenAsked: the reset page offers to keep the sessions signed
// in; only a ticked box keeps them.
func TestPasswordResetKeepsSessionsWhenAsked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.StartWithMail(t, dsn)
		laptop := h.Client(t)
		laptop.SignIn(h.Editor.Email, apptest.Password)
		h.Client(t).PostForm(account.ForgotPath, url.Values{"email": {h.Editor.Email}})
		link := linkTo(t, h, h.Mail.WaitFor(t, 1, mailWait)[0], account.ResetPath)
		res := h.Client(t).PostForm(account.ResetPath, url.Values{"token": {strings.TrimPrefix(link, account.ResetPath+"?token=")},
			"password": {"kept sessions passphrase"}, "keep_sessions": {"true"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", res.StatusCode, res.Body)
		}
		if res := laptop.Get("/account"); res.StatusCode != http.StatusOK {
			t.Errorf("the session the user chose to keep ended: %d", res.StatusCode)
		}
	})
}

// TestPasswordResetThrottled: reset requests are limited per address and per client IP, in the
// database, with the same answer for addresses with and without accounts.
func TestPasswordResetThrottled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		p := account.DefaultPolicy
		p.ResetMax, p.ResetMaxIP = 2, 4
		h := apptest.Start(t, dsn, apptest.Options{Policy: &p})
		c := h.Client(t)
		// Refused requests count too: whoever keeps trying stays refused.
		steps := []struct {
			email string
			want  int
		}{
			{h.Member.Email, http.StatusOK},
			{h.Member.Email, http.StatusOK},
			{h.Member.Email, http.StatusTooManyRequests},          // the address's third
			{"nobody@seoul.example", http.StatusOK},               // another address; the IP's fourth
			{"someone@seoul.example", http.StatusTooManyRequests}, // the IP's fifth
		}
		for i, s := range steps {
			res := c.PostForm(account.ForgotPath, url.Values{"email": {s.email}})
			if res.StatusCode != s.want {
				t.Errorf("request %d (%s): status %d, want %d", i+1, s.email, res.StatusCode, s.want)
			}
			if s.want == http.StatusTooManyRequests {
				if res.Header.Get("Retry-After") == "" {
					t.Errorf("request %d: 429 without Retry-After", i+1)
				}
				if !strings.Contains(res.Body, i18n.For(i18n.EN).T("reset.throttled")) {
					t.Errorf("request %d: the page does not say why", i+1)
				}
			}
		}
		if n := queued(t, h); n != 2 {
			t.Errorf("%d reset mails queued, want 2 (throttled requests send nothing)", n)
		}
	})
}
