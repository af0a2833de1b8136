package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

var ko = i18n.For(i18n.KO)

// TestBadInputHTML: each wrong request gets a clear answer in the reader's language, the right
// status, and changes nothing.
func TestBadInputHTML(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
		h := apptest.Start(t, dsn, apptest.Options{Now: func() time.Time { return now }})
		korean := func() *apptest.Client {
			c := h.Client(t)
			c.Header.Set("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.5")
			return c
		}
		// Signed-in users read their profile's language; these switch it to Korean as a user would.
		toKorean := func(c *apptest.Client) {
			if res := c.PostForm("/language", url.Values{"lang": {"ko"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("switch to Korean: %d", res.StatusCode)
			}
		}

		t.Run("wrong password", func(t *testing.T) {
			c := korean()
			res := c.PostForm("/signin", url.Values{"email": {h.Member.Email}, "password": {"not the password"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, ko.T("signin.failed")) ||
				!strings.Contains(res.Body, `lang="ko"`) || !strings.Contains(res.Body, h.Member.Email) {
				t.Errorf("status %d; want 401 with the Korean message and the address kept:\n%s", res.StatusCode, res.Body)
			}
			if c.Cookie("citypact_session") != "" {
				t.Error("a failed sign-in set a session cookie")
			}
		})
		t.Run("unknown user gets the same answer", func(t *testing.T) {
			res := korean().PostForm("/signin", url.Values{"email": {"nobody@example.org"}, "password": {"not the password"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, ko.T("signin.failed")) {
				t.Errorf("status %d", res.StatusCode)
			}
		})
		t.Run("expired session", func(t *testing.T) {
			c := korean()
			c.SignIn(h.Editor.Email, apptest.Password)
			toKorean(c)
			if res := c.Get("/account"); res.StatusCode != http.StatusOK {
				t.Fatalf("signed in: %d", res.StatusCode)
			}
			now = now.Add(account.DefaultPolicy.IdleTimeout + time.Minute)
			res := c.Get("/account")
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next=%2Faccount" {
				t.Errorf("after idle timeout: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			res = c.PostForm("/account/password", url.Values{"current": {apptest.Password}, "new": {"a new long passphrase"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, ko.T("error.unauthenticated.title")) {
				t.Errorf("POST with an expired session: %d", res.StatusCode)
			}
			c.SignIn(h.Editor.Email, apptest.Password) // the password did not change
		})
		t.Run("cross-origin POST", func(t *testing.T) {
			c := korean()
			c.SignIn(h.Other.Email, apptest.Password)
			req := c.Request(http.MethodPost, "/account/password", strings.NewReader(url.Values{"current": {apptest.Password}, "new": {"attacker chosen pass"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if res := c.Do(req); res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-origin POST: %d", res.StatusCode)
			}
			h.Client(t).SignIn(h.Other.Email, apptest.Password) // unchanged
		})
		t.Run("oversized body", func(t *testing.T) {
			big := url.Values{"email": {strings.Repeat("a", 2<<20)}, "password": {"x"}}
			res := korean().PostForm("/signin", big)
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, ko.T("error.too_large.title")) {
				t.Errorf("oversized: %d", res.StatusCode)
			}
		})
		t.Run("wrong content type", func(t *testing.T) {
			c := korean()
			req := c.Request(http.MethodPost, "/signin", strings.NewReader(`{"email":"a"}`))
			req.Header.Set("Content-Type", "application/json")
			if res := c.Do(req); res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(res.Body, ko.T("error.media_type.title")) {
				t.Errorf("JSON to a form: %d", res.StatusCode)
			}
		})
		t.Run("unknown language", func(t *testing.T) {
			c := korean()
			res := c.PostForm("/language", url.Values{"lang": {"fr"}, "next": {"/"}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, ko.T("error.lang")) {
				t.Errorf("lang=fr: %d", res.StatusCode)
			}
			if c.Cookie("citypact_lang") != "" {
				t.Error("a refused language was remembered")
			}
		})
		t.Run("open redirect refused", func(t *testing.T) {
			res := korean().PostForm("/language", url.Values{"lang": {"ja"}, "next": {"//evil.example/x"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Errorf("next=//evil.example: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})
		t.Run("wrong method", func(t *testing.T) {
			c := korean()
			res := c.Do(c.Request(http.MethodPut, "/signin", nil))
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, POST" || !strings.Contains(res.Body, ko.T("error.method.title")) {
				t.Errorf("PUT /signin: %d %q", res.StatusCode, res.Header.Get("Allow"))
			}
		})
		t.Run("missing page in Korean", func(t *testing.T) {
			res := korean().Get("/no/such/page")
			if res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, ko.T("error.not_found.title")) {
				t.Errorf("404: %d", res.StatusCode)
			}
		})
		t.Run("member cannot reach admin pages", func(t *testing.T) {
			c := korean()
			c.SignIn(h.Member.Email, apptest.Password)
			toKorean(c)
			res := c.PostForm("/admin/users", url.Values{"email": {"new@x.example"}, "name": {"x"}, "role": {"admin"}, "password": {"a long enough passphrase"}})
			if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, ko.T("error.forbidden.title")) {
				t.Errorf("member POST /admin/users: %d", res.StatusCode)
			}
			if _, err := h.App.DB.UserByEmail(t.Context(), "new@x.example"); citypact.KindOf(err) != citypact.KindNotFound {
				t.Errorf("the account was created: %v", err)
			}
		})
		t.Run("form errors keep input and link to fields", func(t *testing.T) {
			c := korean()
			c.SignIn(h.Admin.Email, apptest.Password)
			toKorean(c)
			res := c.PostForm("/admin/users", url.Values{"email": {"not-an-address"}, "name": {"서울 담당자"}, "role": {"member"}, "password": {"short"}})
			for _, want := range []string{ko.T("email.invalid"), ko.T("password.too_short", "min", "12", "max", "128"),
				ko.T("user.org_required"), `href="#f-email"`, `value="서울 담당자"`, ko.T("form.error_summary")} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("form answer lacks %q", want)
				}
			}
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status %d", res.StatusCode)
			}
		})
		t.Run("throttled sign-in", func(t *testing.T) {
			c := korean()
			for range account.DefaultPolicy.ThrottleMax {
				c.PostForm("/signin", url.Values{"email": {h.Other.Email}, "password": {"guess guess guess"}})
			}
			res := c.PostForm("/signin", url.Values{"email": {h.Other.Email}, "password": {apptest.Password}})
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, ko.T("signin.throttled")) {
				t.Errorf("throttled: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
			}
		})
	})
}

func problem(t *testing.T, res *apptest.Response, status int, typ string) map[string]any {
	t.Helper()
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("got %d %s, want %d problem+json: %s", res.StatusCode, res.Header.Get("Content-Type"), status, res.Body)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if p["status"] != float64(status) || p["request_id"] == "" || !strings.HasSuffix(p["type"].(string), typ) {
		t.Errorf("problem %v, want type …%s", p, typ)
	}
	return p
}

// TestBadInputAPI: the API answers every wrong request with problem+json and the right status.
func TestBadInputAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		write := h.Token(t, h.Admin, citypact.ScopeWrite)
		read := h.Token(t, h.Admin, citypact.ScopeRead)
		post := func(token, ctype, body string) *apptest.Response {
			c := h.Client(t)
			c.Header.Set("Accept-Language", "ko")
			req := c.Request(http.MethodPost, "/api/v1/organisations", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", ctype)
			return c.Do(req)
		}
		const good = `{"slug":"tokyo","kind":"city","name":"Tokyo"}`
		p := problem(t, post(write, "application/json", `{"slug":`), 400, "malformed")
		if p["detail"] != ko.T("error.malformed") {
			t.Errorf("detail not in Korean: %v", p["detail"])
		}
		problem(t, post(write, "application/json", `{"slug":"x","kind":"city","name":"X","owner":1}`), 400, "malformed")
		problem(t, post(write, "text/plain", good), 415, "media_type")
		problem(t, post(write, "application/json", `{"name":"`+strings.Repeat("a", 2<<20)+`"}`), 413, "too_large")
		problem(t, post(read, "application/json", good), 403, "token_scope")
		problem(t, post("cpt_forged", "application/json", good), 401, "token_invalid")
		p = problem(t, post(write, "application/json", `{"slug":"Bad Slug","kind":"planet","name":""}`), 422, "invalid")
		if errs, _ := p["errors"].([]any); len(errs) != 3 {
			t.Errorf("want 3 field errors: %v", p["errors"])
		}
		member := h.Token(t, h.Member, citypact.ScopeWrite)
		problem(t, post(member, "application/json", good), 403, "forbidden")
		if _, err := h.App.DB.OrganisationBySlug(t.Context(), "tokyo"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("a refused request created tokyo: %v", err)
		}
		if res := post(write, "application/json", good); res.StatusCode != http.StatusCreated {
			t.Errorf("good request: %d %s", res.StatusCode, res.Body)
		}
		problem(t, post(write, "application/json", good), 422, "invalid") // slug taken
		problem(t, h.Client(t).Get("/api/v1/organisations?limit=abc"), 422, "invalid")
		problem(t, h.Client(t).Get("/api/v1/nope"), 404, "not_found")
		problem(t, h.Client(t).Get("/api/v1/me"), 401, "token_required")
		problem(t, post(write, "application/json", `null`), 400, "malformed")
		del := h.Client(t).Do(h.Client(t).Request(http.MethodDelete, "/api/v1/me", nil))
		problem(t, del, 405, "method")
		if del.Header.Get("Allow") != "GET" {
			t.Errorf("Allow: %q", del.Header.Get("Allow"))
		}
	})
}
