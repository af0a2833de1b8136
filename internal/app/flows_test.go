package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/totp"
)

// TestAccountFlows walks through what a user does with their account, over HTTP, on both engines.
func TestAccountFlows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		// A clock years behind the wall clock: cookie lifetimes must follow the hub's clock.
		now := time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC)
		h := apptest.Start(t, dsn, apptest.Options{Now: func() time.Time { return now }})

		t.Run("sessions can be listed and ended", func(t *testing.T) {
			laptop, phone := h.Client(t), h.Client(t)
			laptop.SignIn(h.Editor.Email, apptest.Password)
			phone.Header.Set("User-Agent", "PhoneBrowser/1.0")
			phone.SignIn(h.Editor.Email, apptest.Password)
			page := laptop.Get("/account/sessions")
			if !strings.Contains(page.Body, "PhoneBrowser/1.0") {
				t.Fatalf("the phone's session is not listed:\n%s", page.Body)
			}
			// End the phone's session from the laptop.
			ids := regexp.MustCompile(`/account/sessions/(\d+)/end`).FindAllStringSubmatch(page.Body, -1)
			var phoneID string
			for _, m := range ids {
				row := page.Body[strings.Index(page.Body, m[0])-400 : strings.Index(page.Body, m[0])]
				if strings.Contains(row, "PhoneBrowser") {
					phoneID = m[1]
				}
			}
			if phoneID == "" {
				t.Fatal("cannot find the phone's session id")
			}
			if res := laptop.PostForm("/account/sessions/"+phoneID+"/end", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("end session: %d", res.StatusCode)
			}
			if res := phone.Get("/account"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("the ended session still works: %d", res.StatusCode)
			}
			if res := laptop.Get("/account"); res.StatusCode != http.StatusOK {
				t.Errorf("the laptop was signed out too: %d", res.StatusCode)
			}
		})

		t.Run("signing in gives a new session id", func(t *testing.T) {
			c := h.Client(t)
			c.SignIn(h.Member.Email, apptest.Password)
			first := c.Cookie("citypact_session")
			c.SignIn(h.Member.Email, apptest.Password)
			if second := c.Cookie("citypact_session"); second == first || second == "" {
				t.Error("the session id did not change at sign-in")
			}
			c.PostForm("/signout", nil)
			if res := c.Get("/account"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("after sign-out: %d", res.StatusCode)
			}
		})

		t.Run("tokens are shown once and revocable", func(t *testing.T) {
			c := h.Client(t)
			c.SignIn(h.Member.Email, apptest.Password)
			res := c.PostForm("/account/tokens", url.Values{"name": {"dashboard"}, "scope": {"read"}})
			secret := regexp.MustCompile(`cpt_[A-Za-z0-9_-]+`).FindString(res.Body)
			if res.StatusCode != http.StatusCreated || secret == "" {
				t.Fatalf("create: %d", res.StatusCode)
			}
			if strings.Contains(c.Get("/account/tokens").Body, secret) {
				t.Error("the secret is shown again")
			}
			api := h.Client(t)
			api.Header.Set("Authorization", "Bearer "+secret)
			if res := api.Get("/api/v1/me"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"scope":"read"`) {
				t.Fatalf("token works: %d %s", res.StatusCode, res.Body)
			}
			id := regexp.MustCompile(`/account/tokens/(\d+)/revoke`).FindStringSubmatch(c.Get("/account/tokens").Body)
			if res := c.PostForm("/account/tokens/"+id[1]+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", res.StatusCode)
			}
			if res := api.Get("/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("revoked token still works: %d", res.StatusCode)
			}
			// Another user cannot revoke it (and learns nothing): 404.
			other := h.Client(t)
			other.SignIn(h.Other.Email, apptest.Password)
			if res := other.PostForm("/account/tokens/"+id[1]+"/revoke", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("someone else's token: %d", res.StatusCode)
			}
		})

		t.Run("language is remembered", func(t *testing.T) {
			visitor := h.Client(t)
			visitor.PostForm("/language", url.Values{"lang": {"ja"}})
			if res := visitor.Get("/"); !strings.Contains(res.Body, `<html lang="ja"`) {
				t.Error("visitor's choice not remembered")
			}
			user := h.Client(t)
			user.SignIn(h.Other.Email, apptest.Password)
			user.PostForm("/language", url.Values{"lang": {"zh-TW"}})
			fresh := h.Client(t) // another browser: the profile carries the choice
			fresh.Header.Set("Accept-Language", "en")
			fresh.SignIn(h.Other.Email, apptest.Password)
			res := fresh.Get("/account")
			if !strings.Contains(res.Body, `<html lang="zh-TW"`) || !strings.Contains(res.Body, i18n.For(i18n.ZHTW).T("account.title")) {
				t.Error("the user's language was not taken from the profile")
			}
		})

		t.Run("admins must enrol TOTP when the hub requires it", func(t *testing.T) {
			c := h.Client(t)
			c.SignIn(h.Admin.Email, apptest.Password)
			if res := c.PostForm("/admin/settings", url.Values{"require_admin_totp": {"true"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("setting: %d", res.StatusCode)
			}
			if res := c.Get("/admin/users"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/totp" {
				t.Fatalf("admin without TOTP reached admin pages: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if strings.Contains(c.Get("/account/totp").Body, `id="totp-secret"`) {
				t.Error("GET made a TOTP secret")
			}
			if res := c.PostForm("/account/totp/begin", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("begin: %d", res.StatusCode)
			}
			page := c.Get("/account/totp")
			if again := c.Get("/account/totp"); again.Body != page.Body {
				t.Error("reloading the enrol page changed the secret")
			}
			secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page.Body)
			if secret == nil {
				t.Fatalf("no secret on the enrol page:\n%s", page.Body)
			}
			code, _ := totp.Code(secret[1], now)
			if res := c.PostForm("/account/totp", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("enrol: %d", res.StatusCode)
			}
			if res := c.Get("/admin/users"); res.StatusCode != http.StatusOK {
				t.Errorf("after enrolling: %d", res.StatusCode)
			}
			// Signing in again now takes the second step.
			now = now.Add(time.Minute)
			fresh := h.Client(t)
			res := fresh.PostForm("/signin", url.Values{"email": {h.Admin.Email}, "password": {apptest.Password}, "next": {"/admin"}})
			if !strings.HasPrefix(res.Header.Get("Location"), "/signin/totp") {
				t.Fatalf("no second step: %q", res.Header.Get("Location"))
			}
			if res := fresh.Get("/admin"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("a half-signed-in admin reached /admin: %d", res.StatusCode)
			}
			if res := fresh.PostForm("/signin/totp", url.Values{"code": {"123456"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("wrong code: %d", res.StatusCode)
			}
			code, _ = totp.Code(secret[1], now)
			if res := fresh.PostForm("/signin/totp", url.Values{"code": {code}, "next": {"/admin"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
				t.Fatalf("second step: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := fresh.Get("/admin"); res.StatusCode != http.StatusOK {
				t.Errorf("after the second step: %d", res.StatusCode)
			}
		})

		t.Run("admin adds an account and the audit log shows it", func(t *testing.T) {
			now = now.Add(time.Minute)
			c := h.Client(t)
			c.SignIn(h.Other.Email, apptest.Password) // not an admin
			if res := c.Get("/admin/audit"); res.StatusCode != http.StatusForbidden {
				t.Errorf("editor read the audit log: %d", res.StatusCode)
			}
			a, err := h.App.Accounts.AuthenticateToken(context.Background(), h.Token(t, h.Admin, citypact.ScopeRead))
			if err != nil || !a.IsAdmin() {
				t.Fatalf("admin token: %v", err)
			}
			entries, err := h.App.DB.AuditLog(context.Background(), auditFilter("user.create"))
			if err != nil || len(entries) < 4 {
				t.Errorf("seeded accounts not in the audit log: %d %v", len(entries), err)
			}
		})
	})
}

// TestMetricsUseRoutePatterns: metrics are labelled by the matched pattern, so arbitrary paths
// cannot create unbounded series.
func TestMetricsUseRoutePatterns(t *testing.T) {
	h := apptest.Start(t, dbtest.SQLite(t))
	c := h.Client(t)
	c.Get("/")
	c.Get("/no-such-page-12345")
	c.Get("/api/v1/organisations/seoul")
	m := c.Get("/metrics").Body
	for _, want := range []string{`pattern="GET /{$}"`, `pattern="GET /api/v1/organisations/{slug}"`, `pattern="/"`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(m, "no-such-page-12345") || strings.Contains(m, "/organisations/seoul") {
		t.Error("a raw path became a label")
	}
	if res := c.Get("/readyz"); res.StatusCode != http.StatusOK {
		t.Errorf("readyz: %d", res.StatusCode)
	}
}

func auditFilter(action string) audit.Filter { return audit.Filter{Action: action} }
