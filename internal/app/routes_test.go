package app_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail/mailtest"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	mailtest.Clean()
	os.Exit(code)
}

// concrete fills a route pattern's wildcards with values that exist or plausibly could.
func concrete(pattern string) string {
	r := strings.NewReplacer("{$}", "", "{id}", "999999", "{slug}", "seoul", "{file}", "app.css", "{code}", "seoul", "{key}", "owid", "{name}", "no-such-mapping")
	p := r.Replace(pattern)
	if strings.HasSuffix(pattern, "/") && pattern != "/" {
		p += "no-such-page"
	} else if pattern == "/" {
		p = "/no-such-page"
	}
	return p
}

type caller struct {
	name  string
	role  citypact.Role
	scope citypact.Scope // for token callers
	// client makes a fresh client for one request, so one request's effects (signing out,
	// ending a session) cannot change the next one's answer.
	client func(t *testing.T) *apptest.Client
}

// TestEveryRouteChecksItsRole requests every route as every kind of caller and compares the
// answer with the least role the route table declares: a route that forgot its check, or
// checks the wrong role, fails here.
func TestEveryRouteChecksItsRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		session := func(acc apptest.Account) func(t *testing.T) *apptest.Client {
			return func(t *testing.T) *apptest.Client {
				c := h.Client(t)
				c.SignIn(acc.Email, apptest.Password)
				return c
			}
		}
		token := func(acc apptest.Account, s citypact.Scope) func(t *testing.T) *apptest.Client {
			secret := h.Token(t, acc, s)
			return func(t *testing.T) *apptest.Client {
				c := h.Client(t)
				c.Header.Set("Authorization", "Bearer "+secret)
				return c
			}
		}
		callers := []caller{
			{"visitor", citypact.RoleVisitor, 0, func(t *testing.T) *apptest.Client { return h.Client(t) }},
			{"member", citypact.RoleMember, 0, session(h.Member)},
			{"editor", citypact.RoleEditor, 0, session(h.Editor)},
			{"admin", citypact.RoleAdmin, 0, session(h.Admin)},
			{"member-read-token", citypact.RoleMember, citypact.ScopeRead, token(h.Member, citypact.ScopeRead)},
			{"member-write-token", citypact.RoleMember, citypact.ScopeWrite, token(h.Member, citypact.ScopeWrite)},
			{"admin-read-token", citypact.RoleAdmin, citypact.ScopeRead, token(h.Admin, citypact.ScopeRead)},
			{"admin-write-token", citypact.RoleAdmin, citypact.ScopeWrite, token(h.Admin, citypact.ScopeWrite)},
		}
		unauthTitle := i18n.For(i18n.EN).T("error.unauthenticated.title")
		for _, rt := range h.App.Routes() {
			for _, c := range callers {
				role := c.role
				if c.scope != 0 && rt.Surface != httpx.API {
					role = citypact.RoleVisitor // pages ignore bearer tokens
				}
				if c.scope == 0 && rt.Surface == httpx.API {
					role = citypact.RoleVisitor // the API ignores session cookies
				}
				want := role >= rt.Role && !(rt.Surface == httpx.API && c.scope == citypact.ScopeRead && !rt.Safe())
				path := concrete(rt.Pattern)
				t.Run(rt.Method+" "+rt.Pattern+" as "+c.name, func(t *testing.T) {
					cl := c.client(t)
					changes := auditCount(t, h)
					req := cl.Request(rt.Method, path, nil)
					if !rt.Safe() {
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						if rt.Surface == httpx.API {
							req.Header.Set("Content-Type", "application/json")
						}
					}
					res := cl.Do(req)
					loc := res.Header.Get("Location")
					denied := res.StatusCode == http.StatusForbidden ||
						(rt.Surface == httpx.API && res.StatusCode == http.StatusUnauthorized) ||
						(rt.Surface == httpx.HTML && res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/signin?next=")) ||
						(rt.Surface == httpx.HTML && res.StatusCode == http.StatusUnauthorized && strings.Contains(res.Body, unauthTitle))
					if denied == want {
						t.Errorf("status %d (Location %q): allowed=%v, but the route table says least role %s%s",
							res.StatusCode, loc, !denied, rt.Role, scopeNote(rt))
					}
					if res.StatusCode >= 500 {
						t.Errorf("status %d: %s", res.StatusCode, res.Body)
					}
					if rt.Safe() && auditCount(t, h) != changes {
						t.Errorf("a %s request changed stored state", rt.Method)
					}
				})
			}
		}
	})
}

func scopeNote(rt httpx.Route) string {
	if rt.Surface == httpx.API && !rt.Safe() {
		return " and a write-scope token"
	}
	return ""
}

// auditCount returns the id of the newest audit entry; every change writes one, so a safe request
// must leave it as it was.
func auditCount(t *testing.T, h *apptest.Hub) int64 {
	t.Helper()
	entries, err := h.App.DB.AuditLog(t.Context(), audit.Filter{Page: citypact.Page{Limit: 1}})
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit log: %v", err)
	}
	return entries[0].ID
}
