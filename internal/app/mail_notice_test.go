package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/app"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail/mailtest"
)

// TestChangeNotices: a changed password or e-mail address is told by mail, whoever changed it,
// and a changed address is told to the old address too. No notice holds a password.
func TestChangeNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.StartWithMail(t, dsn)
		as := func(acc apptest.Account) *apptest.Client {
			c := h.Client(t)
			c.SignIn(acc.Email, apptest.Password)
			return c
		}
		const newPassword = "the editor's fresh passphrase"
		sent := 0
		tests := []struct {
			name   string
			change func(t *testing.T) *apptest.Response // nil: not over HTTP
			want   []string                             // recipients
			key    string                               // subject
			by     string                               // how it was changed
			texts  []string                             // what the notice says
		}{
			{"own password", func(t *testing.T) *apptest.Response {
				return as(h.Editor).PostForm("/account/password", url.Values{"current": {apptest.Password}, "new": {newPassword}})
			}, []string{h.Editor.Email}, "mail.notice.password.subject", "mail.notice.by_self", []string{h.Editor.Email, "/password/forgot"}},
			{"own address", func(t *testing.T) *apptest.Response {
				return as(h.Member).PostForm("/account/email", url.Values{"email": {"Member.New@Seoul.example"}, "password": {apptest.Password}})
			}, []string{h.Member.Email, "member.new@seoul.example"}, "mail.notice.email.subject", "mail.notice.by_self", []string{h.Member.Email, "member.new@seoul.example"}},
			{"address by an admin", func(t *testing.T) *apptest.Response {
				return as(h.Admin).PostForm("/admin/users/"+strconv.FormatInt(h.Other.ID, 10), url.Values{"email": {"editor2@taipei.example"},
					"name": {"Taipei editor"}, "role": {"editor"}, "org": {strconv.FormatInt(h.Taipei.ID, 10)}})
			}, []string{h.Other.Email, "editor2@taipei.example"}, "mail.notice.email.subject", "mail.notice.by_admin", []string{"editor2@taipei.example"}},
			{"password by an admin (the CLI)", func(t *testing.T) *apptest.Response {
				ctx := citypact.WithActor(t.Context(), citypact.Actor{Name: "cli", Role: citypact.RoleAdmin})
				if err := h.App.Accounts.SetPassword(ctx, h.Admin.ID, "a password set by the CLI"); err != nil {
					t.Fatal(err)
				}
				return nil
			}, []string{h.Admin.Email}, "mail.notice.password.subject", "mail.notice.by_admin", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if res := tt.change(t); res != nil && res.StatusCode != http.StatusSeeOther {
					t.Fatalf("status %d\n%s", res.StatusCode, res.Body)
				}
				sent += len(tt.want)
				msgs := h.Mail.WaitFor(t, sent, mailWait)
				for _, to := range tt.want {
					m := mailTo(t, msgs, to, tr(i18n.EN, tt.key))
					for _, want := range append(tt.texts, tr(i18n.EN, tt.by), "secretariat") {
						if !strings.Contains(m.Text, want) {
							t.Errorf("the notice to %s does not say %q:\n%s", to, want, m.Text)
						}
					}
					for _, secret := range []string{newPassword, apptest.Password, "a password set by the CLI"} {
						if strings.Contains(m.Text, secret) {
							t.Errorf("the notice to %s holds a password", to)
						}
					}
				}
			})
		}
		if c := h.Client(t); c.PostForm("/signin", url.Values{"email": {"member.new@seoul.example"}, "password": {apptest.Password}}).StatusCode != http.StatusSeeOther {
			t.Error("cannot sign in with the new address")
		}
	})
}

// TestEmailChangeRefused: a wrong password or a taken address changes nothing and mails no one.
func TestEmailChangeRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		c := h.Client(t)
		c.SignIn(h.Member.Email, apptest.Password)
		en := i18n.For(i18n.EN)
		tests := []struct {
			name, email, password, text string
		}{
			{"wrong password", "new@seoul.example", "not my password at all", en.T("password.current_wrong")},
			{"taken address", h.Editor.Email, apptest.Password, en.T("user.email_taken")},
			{"header injection", "new@seoul.example\r\nBcc: x@y.example", apptest.Password, en.T("email.invalid")},
			{"same address", h.Member.Email, apptest.Password, en.T("email.same")},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := c.PostForm("/account/email", url.Values{"email": {tt.email}, "password": {tt.password}})
				wantPage(t, tt.name, res, http.StatusUnprocessableEntity, tt.text)
				if n := queued(t, h); n != 0 {
					t.Errorf("%d messages queued", n)
				}
			})
		}
		if _, err := h.App.DB.UserByEmail(t.Context(), h.Member.Email); err != nil {
			t.Errorf("the address changed: %v", err)
		}
	})
}

// syncBuffer is a log destination the server and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeRunsTheMailWorker: serve sends mail through the relay its configuration names for as
// long as it runs, and stops the worker when it shuts down; without a relay, mail stays queued
// and the log says so once.
func TestServeRunsTheMailWorker(t *testing.T) {
	sink := mailtest.Start(t)
	for _, relay := range []bool{true, false} {
		t.Run("relay="+strconv.FormatBool(relay), func(t *testing.T) {
			cfg := config.Default()
			cfg.Database = dbtest.SQLite(t)
			cfg.Addr = "127.0.0.1:0"
			cfg.BaseURL = "https://hub.citypact.example"
			if relay {
				cfg.SMTPAddr, cfg.SMTPTLS, cfg.MailFrom = sink.Addr, "none", apptest.MailFrom
			}
			var logs syncBuffer
			a, err := app.Open(t.Context(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), app.Options{Hasher: apptest.CheapHasher()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			actx := citypact.WithActor(t.Context(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
			if _, err := a.Accounts.CreateUser(actx, account.NewUser{Email: "sec@hub.example", Name: "Secretariat",
				Role: citypact.RoleAdmin, Password: apptest.Password}); err != nil {
				t.Fatal(err)
			}
			if err := a.Listen(); err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- a.Serve(ctx) }()
			res, err := http.PostForm("http://"+a.Addr()+account.ForgotPath, url.Values{"email": {"sec@hub.example"}})
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("forgot: %v %v", res, err)
			}
			res.Body.Close()
			if relay {
				m := sink.WaitFor(t, 1, mailWait)[0]
				if link := urlRE.FindString(m.Text); !strings.HasPrefix(link, cfg.BaseURL+account.ResetPath+"?token=") {
					t.Errorf("link %q is not on the configured base URL", link)
				}
			}
			stop()
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
			counts, err := a.DB.MailCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if relay && counts.Sent != 1 || !relay && counts.Queued != 1 {
				t.Errorf("outbox %+v after serving with relay=%v", counts, relay)
			}
			if n := strings.Count(logs.String(), "no SMTP relay configured"); relay && n != 0 || !relay && n != 1 {
				t.Errorf("the log says %d times that no relay is configured:\n%s", n, logs.String())
			}
		})
	}
}
