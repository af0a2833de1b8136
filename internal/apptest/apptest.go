// Package apptest starts a whole hub for end-to-end tests: the real App on a real database (SQLite
// or PostgreSQL, from dbtest), served over loopback HTTP, seeded with two organisations and one
// account of each role. It is for tests only and must never be imported by non-test code.
package apptest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/app"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/mail/mailtest"
	"github.com/citypact/citypact/internal/password"
)

// Password is every seeded account's password.
const Password = "correct horse battery staple"

// CheapHasher hashes with tiny argon2id parameters: the real algorithm, a test-sized cost.
func CheapHasher() *password.Hasher {
	return password.NewHasher(password.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 4)
}

// Account is a seeded user.
type Account struct {
	ID    int64
	Email string
	Role  citypact.Role
	OrgID int64
}

// Hub is a running hub with its seed data.
type Hub struct {
	App    *app.App
	URL    string
	Seoul  directory.Organisation
	Taipei directory.Organisation
	Admin  Account
	Editor Account // editor of Seoul
	Member Account // member of Seoul
	Other  Account // editor of Taipei
	// Mail is the SMTP sink the hub sends to (StartWithMail, Options.Mail), or nil.
	Mail *mailtest.Sink
}

// Options vary a hub.
type Options struct {
	Now    func() time.Time
	Policy *account.Policy
	Config func(*config.Config)
	// SkipSeed starts another instance on a database an earlier Start already seeded.
	SkipSeed bool
	// Mail, when set, makes the hub send its mail to this sink: the relay setting names it, the
	// mail worker runs until the test ends, and the base URL of links in mail is the hub's own.
	// Without it, mail stays queued, as on a hub with no relay configured.
	Mail *mailtest.Sink
}

// MailFrom is the sender of a mail-enabled hub's messages.
const MailFrom = "citypact <hub@citypact.example>"

// StartWithMail runs a hub that sends its mail to a new SMTP sink process (Hub.Mail). A test
// binary that uses it removes the sink it built in TestMain with mailtest.Clean.
func StartWithMail(t testing.TB, dsn string, opts ...Options) *Hub {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Mail = mailtest.Start(t)
	return Start(t, dsn, o)
}

// Start runs a hub on dsn until t ends.
func Start(t testing.TB, dsn string, opts ...Options) *Hub {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	cfg := config.Default()
	cfg.Database = dsn
	cfg.Addr = "127.0.0.1:0"
	// The listener comes first, so that a mail-enabled hub knows its own URL for its links.
	srv := httptest.NewUnstartedServer(nil)
	if o.Mail != nil {
		cfg.BaseURL = "http://" + srv.Listener.Addr().String()
		cfg.SMTPAddr, cfg.SMTPTLS, cfg.MailFrom = o.Mail.Addr, "none", MailFrom
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	level := slog.LevelWarn
	if os.Getenv("CITYPACT_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
	ctx := context.Background()
	// Retries come quickly: a test waits for mail, never for the production backoff.
	mopt := mail.WorkerOptions{Poll: 200 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
	a, err := app.Open(ctx, cfg, log, app.Options{Now: o.Now, Policy: o.Policy, Hasher: CheapHasher(), Mail: mopt})
	if err != nil {
		srv.Close()
		t.Fatalf("apptest: open: %v", err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	if o.Mail != nil {
		mctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			a.RunMail(mctx)
		}()
		t.Cleanup(func() { cancel(); <-done }) // before the database closes: cleanups run last first
	}
	h := &Hub{App: a, URL: srv.URL, Mail: o.Mail}
	if o.SkipSeed {
		return h
	}
	actx := citypact.WithActor(ctx, citypact.Actor{Name: "apptest", Role: citypact.RoleAdmin})
	for _, org := range []*directory.Organisation{{Slug: "seoul", Name: "Seoul", Kind: directory.KindCity}, {Slug: "taipei", Name: "Taipei", Kind: directory.KindCity}} {
		if err := a.DB.CreateOrganisation(actx, org); err != nil {
			t.Fatalf("apptest: seed organisation: %v", err)
		}
		if org.Slug == "seoul" {
			h.Seoul = *org
		} else {
			h.Taipei = *org
		}
	}
	mk := func(email string, role citypact.Role, orgID int64) Account {
		u, err := a.Accounts.CreateUser(actx, account.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, OrgID: orgID, Password: Password})
		if err != nil {
			t.Fatalf("apptest: seed user %s: %v", email, err)
		}
		return Account{ID: u.ID, Email: email, Role: role, OrgID: orgID}
	}
	h.Admin = mk("admin@example.org", citypact.RoleAdmin, 0)
	h.Editor = mk("editor@seoul.example", citypact.RoleEditor, h.Seoul.ID)
	h.Member = mk("member@seoul.example", citypact.RoleMember, h.Seoul.ID)
	h.Other = mk("editor@taipei.example", citypact.RoleEditor, h.Taipei.ID)
	return h
}

// Token issues an API token for acc.
func (h *Hub) Token(t testing.TB, acc Account, scope citypact.Scope) string {
	t.Helper()
	a := citypact.Actor{UserID: acc.ID, Name: acc.Email, Role: acc.Role, OrgID: acc.OrgID}
	org := acc.OrgID
	if org == 0 {
		org = h.Seoul.ID
	}
	res, err := h.App.Accounts.CreateToken(context.Background(), a, "test", scope, org)
	if err != nil {
		t.Fatalf("apptest: token: %v", err)
	}
	return res.Secret
}

// Client is a browser-like client: it keeps cookies and does not follow redirects, so tests see
// every status code.
type Client struct {
	t    testing.TB
	hub  *Hub
	http *http.Client
	// Header is added to every request.
	Header http.Header
}

// Client returns a new client with no cookies.
func (h *Hub) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, hub: h, Header: http.Header{}, http: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body string
}

// Do sends a request and reads the whole answer.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return &Response{Response: res, Body: string(b)}
}

// Request builds a request to a path of the hub.
func (c *Client) Request(method, path string, body io.Reader) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(method, c.hub.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	return req
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do(c.Request(http.MethodGet, path, nil))
}

// PostForm posts a form as a browser on the same site would.
func (c *Client) PostForm(path string, v url.Values) *Response {
	c.t.Helper()
	req := c.Request(http.MethodPost, path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// PostFile posts a multipart form with one file, as a browser's upload form does.
func (c *Client) PostFile(path, field, filename string, content []byte, v url.Values) *Response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, x := range vs {
			if err := mw.WriteField(k, x); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req := c.Request(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// SignIn signs the client in and fails the test if that does not work.
func (c *Client) SignIn(email, pw string) {
	c.t.Helper()
	res := c.PostForm("/signin", url.Values{"email": {email}, "password": {pw}})
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d, want 303\n%s", email, res.StatusCode, res.Body)
	}
}

// Cookie returns the value of a cookie the client holds for the hub, or "".
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.hub.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// testWriter sends the app's log to the test log, so a failing test shows what the server said.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
