package view

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/i18n"
)

var when = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// pages renders every page with realistic data, so each template is exercised in each language.
func pages(tr *i18n.Translator) map[string]templ.Component {
	b := Base{Tr: tr, Title: tr.T("home.title"), Path: "/", Assets: Assets{CSS: "/static/app.css", Favicon: "/static/favicon.svg"}}
	signedIn := b
	signedIn.Viewer = Viewer{SignedIn: true, Name: "Admin", Role: citypact.RoleAdmin}
	signedIn.Flash = "flash.saved"
	failed := Form{Values: map[string]string{"email": "a@b"}, Errors: []citypact.FieldError{{Field: "email", Key: "email.invalid"}}, Message: "signin.failed"}
	failedBase := b
	failedBase.HasErrors = true
	u := account.User{ID: 1, Email: "officer@seoul.example", Name: "서울 담당자", Role: citypact.RoleEditor, OrgName: "Seoul", PasswordChangedAt: when}
	orgs := []Org{{ID: 1, Slug: "seoul", Name: "Seoul"}, {ID: 2, Slug: "taipei", Name: "臺北市"}}
	inv := account.Invitation{ID: 7, Email: "new@seoul.example", Name: "김지원", Role: citypact.RoleEditor, OrgName: "Seoul", InviterName: "Admin", ExpiresAt: when}
	return map[string]templ.Component{
		"home":        Home(HomePage{Base: b}),
		"home-signed": Home(HomePage{Base: signedIn}),
		"signin":      SignIn(SignInPage{Base: failedBase, Form: failed, Next: "/account"}),
		"signin-totp": SignInTOTP(TOTPPage{Base: b, Next: "/"}),
		"account":     Account(AccountPage{Base: signedIn, User: u}),
		"sessions":    Sessions(SessionsPage{Base: signedIn, Current: 1, Sessions: []account.Session{{ID: 1, UserAgent: "Firefox", IP: "192.0.2.1", CreatedAt: when, LastSeenAt: when}}}),
		"tokens":      Tokens(TokensPage{Base: signedIn, IsAdmin: true, Orgs: orgs, NewSecret: "cpt_secret", Tokens: []account.Token{{ID: 1, Name: "ci", Scope: citypact.ScopeWrite, OrgName: "Seoul", CreatedAt: when}, {ID: 2, Name: "old", Scope: citypact.ScopeRead, RevokedAt: when}}}),
		"totp-enrol":  TOTPEnrol(TOTPEnrolPage{Base: signedIn, Required: true, Secret: "ABC", URI: "otpauth://totp/x"}),
		"totp-on":     TOTPEnrol(TOTPEnrolPage{Base: signedIn, Enabled: true}),
		"totp-start":  TOTPEnrol(TOTPEnrolPage{Base: signedIn}),
		"admin":       Admin(AdminPage{Base: signedIn, RequireAdminTOTP: true}),
		"users":       Users(UsersPage{Base: signedIn, Users: []account.User{u, {ID: 2, Name: "x", Disabled: true, Role: citypact.RoleMember}}, Orgs: orgs, Next: "2", Form: Form{Values: map[string]string{"role": "member", "org": "2"}}}),
		"user-edit":   UserEdit(UserEditPage{Base: signedIn, User: u, Orgs: orgs, Form: Form{Values: map[string]string{"disabled": "true"}}}),
		"audit":       Audit(AuditPage{Base: signedIn, Entries: []audit.Entry{{ID: 1, At: when, ActorLabel: "cli", Action: "user.create", Entity: "user", EntityID: 1, After: `{"a":1}`}}, Next: "after=1"}),
		"error":       Error(ErrorPage{Base: b, Status: 404, Message: "error.not_found", RequestID: "REQ123"}),
		"sample-data": SampleData(SampleDataPage{Base: Base{Tr: tr, Title: "x", Demo: true}}),
		"invitations": Invitations(InvitationsPage{Base: signedIn, IsAdmin: true, Orgs: orgs, Roles: citypact.Roles,
			Invitations: []account.Invitation{inv, {ID: 8, Email: "b@taipei.example", Role: citypact.RoleMember, OrgName: "臺北市", ExpiresAt: when}},
			Form:        Form{Values: map[string]string{"lang": "ko"}, Errors: []citypact.FieldError{{Field: "name", Key: "field.invalid"}}}}),
		"invitations-empty": Invitations(InvitationsPage{Base: signedIn, Roles: []citypact.Role{citypact.RoleMember}}),
		"join":              Join(JoinPage{Base: failedBase, Invitation: inv, Token: "cpi_x", Form: Form{Errors: []citypact.FieldError{{Field: "password", Key: "password.too_short", Args: []string{"min", "12"}}}}}),
		"forgot":            Forgot(ForgotPage{Base: failedBase, Form: Form{Message: "reset.throttled"}}),
		"forgot-sent":       Forgot(ForgotPage{Base: b, Sent: true}),
		"reset":             Reset(ResetPage{Base: b, Email: "officer@seoul.example", Token: "cpr_x", Form: Form{Values: map[string]string{"keep_sessions": "true"}}}),
	}
}

var (
	h1RE     = regexp.MustCompile(`<h1[ >]`)
	idRE     = regexp.MustCompile(` id="([^"]+)"`)
	labelFor = regexp.MustCompile(`<label[^>]* for="([^"]+)"`)
)

// TestEveryPageRenders renders every template in every language and checks what every page must
// have: the right lang, one h1, a skip link to main, no missing translation, unique ids, and a
// control for every label.
func TestEveryPageRenders(t *testing.T) {
	for _, l := range i18n.Langs {
		tr := i18n.For(l)
		for name, c := range pages(tr) {
			t.Run(string(l)+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := c.Render(context.Background(), &buf); err != nil {
					t.Fatal(err)
				}
				html := buf.String()
				if !strings.Contains(html, `<html lang="`+l.HTMLLang()+`"`) {
					t.Error("wrong or missing html lang")
				}
				if n := len(h1RE.FindAllString(html, -1)); n != 1 {
					t.Errorf("%d h1 elements, want 1", n)
				}
				if !strings.Contains(html, `href="#main"`) || !strings.Contains(html, `<main id="main"`) {
					t.Error("no skip link to main")
				}
				if strings.Contains(html, "⟦") {
					t.Errorf("missing translation: %s", html[strings.Index(html, "⟦"):][:60])
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
			})
		}
	}
}

// TestUserInputIsEscaped: text from users can never become markup.
func TestUserInputIsEscaped(t *testing.T) {
	tr := i18n.For(i18n.EN)
	b := Base{Tr: tr, Title: "x", Viewer: Viewer{SignedIn: true, Role: citypact.RoleAdmin}}
	evil := `<script>alert(1)</script>`
	var buf bytes.Buffer
	Users(UsersPage{Base: b, Users: []account.User{{ID: 1, Name: evil, Email: evil}}}).Render(context.Background(), &buf)
	if strings.Contains(buf.String(), evil) {
		t.Error("a user's name was rendered as markup")
	}
}
