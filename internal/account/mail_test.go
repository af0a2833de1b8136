package account

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	cpmail "github.com/citypact/citypact/internal/mail"
)

var leftover = regexp.MustCompile(`⟦|\{[a-z_]+\}`)

// TestAccountMailInEveryLanguage builds every kind of account mail in every language and checks
// that each is sendable, fully translated, in its language, and links to the base URL.
func TestAccountMailInEveryLanguage(t *testing.T) {
	s := (&Service{}).WithBaseURL("https://hub.example.org/")
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	for _, l := range i18n.Langs {
		u := User{Email: "kim@seoul.example", Name: "김지원", Lang: l}
		moved := u
		moved.Email = "kim.new@seoul.example"
		inv := Invitation{Email: "new@seoul.example", Name: "", Lang: l, Role: citypact.RoleEditor, ExpiresAt: at.Add(7 * 24 * time.Hour)}
		admin := inv
		admin.Role = citypact.RoleAdmin
		tests := []struct {
			name string
			msgs []cpmail.Message
			link string // every message must hold it; "" for none
		}{
			{"invitation", []cpmail.Message{s.inviteMail(inv, "Admin", "Seoul", "cpi_T")}, "https://hub.example.org/join?token=cpi_T"},
			{"invitation to the hub", []cpmail.Message{s.inviteMail(admin, "Admin", "", "cpi_T")}, "https://hub.example.org/join?token=cpi_T"},
			{"reset", []cpmail.Message{s.resetMail(u, "cpr_T", PasswordReset{CreatedAt: at, ExpiresAt: at.Add(30 * time.Minute)})}, "https://hub.example.org/password/reset?token=cpr_T"},
			{"password notice", s.passwordNotice(u, bySelf, at), "https://hub.example.org/password/forgot"},
			{"password notice without a base URL", (&Service{}).passwordNotice(u, byAdmin, at), ""},
			{"address notices", s.emailNotices(u, moved, byAdmin, at), ""},
		}
		for _, tt := range tests {
			t.Run(string(l)+"/"+tt.name, func(t *testing.T) {
				if len(tt.msgs) == 0 {
					t.Fatal("no message")
				}
				for _, m := range tt.msgs {
					if err := m.Validate(); err != nil {
						t.Errorf("Validate: %v", err)
					}
					if m.Lang != string(l) {
						t.Errorf("Lang %q, want %q", m.Lang, l)
					}
					if bad := leftover.FindString(m.Subject + m.Text); bad != "" {
						t.Errorf("untranslated or unfilled %q in:\n%s\n%s", bad, m.Subject, m.Text)
					}
					// Mail programs end a link at white space, so a link must be followed by some.
					if tt.link != "" && !regexp.MustCompile(regexp.QuoteMeta(tt.link)+`\s`).MatchString(m.Text) {
						t.Errorf("no link %s followed by white space:\n%s", tt.link, m.Text)
					}
					if tt.link == "" && strings.Contains(m.Text, "://") {
						t.Errorf("a link where none belongs:\n%s", m.Text)
					}
				}
			})
		}
	}
}

// TestEmailNoticesGoToBothAddresses: the old address hears of a change as well as the new one.
func TestEmailNoticesGoToBothAddresses(t *testing.T) {
	s := (&Service{}).WithBaseURL("https://hub.example.org")
	before := User{Email: "old@seoul.example", Name: "Kim", Lang: i18n.EN}
	after := before
	after.Email = "new@seoul.example"
	msgs := s.emailNotices(before, after, bySelf, time.Now())
	if len(msgs) != 2 || msgs[0].To != "old@seoul.example" || msgs[1].To != "new@seoul.example" {
		t.Fatalf("notices %+v", msgs)
	}
	for _, m := range msgs {
		if !strings.Contains(m.Text, "old@seoul.example") || !strings.Contains(m.Text, "new@seoul.example") {
			t.Errorf("the notice to %s does not name both addresses:\n%s", m.To, m.Text)
		}
	}
}

// TestUnmailableNoticeDropped: a stored address mail cannot reach does not block a change.
func TestUnmailableNoticeDropped(t *testing.T) {
	s := (&Service{}).WithBaseURL("https://hub.example.org")
	u := User{Email: `"a@b"@seoul.example`, Name: "Legacy", Lang: i18n.EN}
	if msgs := s.passwordNotice(u, bySelf, time.Now()); len(msgs) != 0 {
		t.Errorf("a notice to an unmailable address: %+v", msgs)
	}
}

// TestCanInvite is the rule of who may invite whom, role by role.
func TestCanInvite(t *testing.T) {
	const seoul, taipei = 1, 2
	admin := citypact.Actor{UserID: 1, Role: citypact.RoleAdmin}
	editor := citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: seoul}
	member := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: seoul}
	tests := []struct {
		name  string
		a     citypact.Actor
		role  citypact.Role
		org   int64
		allow bool
	}{
		{"admin, an admin without organisation", admin, citypact.RoleAdmin, 0, true},
		{"admin, an editor anywhere", admin, citypact.RoleEditor, taipei, true},
		{"editor, a member of their own", editor, citypact.RoleMember, seoul, true},
		{"editor, an editor of their own", editor, citypact.RoleEditor, seoul, true},
		{"editor, an admin", editor, citypact.RoleAdmin, seoul, false},
		{"editor, another organisation", editor, citypact.RoleMember, taipei, false},
		{"editor, no role", editor, citypact.RoleVisitor, seoul, false},
		{"member", member, citypact.RoleMember, seoul, false},
		{"visitor", citypact.Visitor, citypact.RoleMember, seoul, false},
	}
	for _, tt := range tests {
		err := CanInvite(tt.a, tt.role, tt.org)
		if (err == nil) != tt.allow {
			t.Errorf("%s: %v, want allowed=%v", tt.name, err, tt.allow)
		}
		if err != nil && citypact.KindOf(err) != citypact.KindForbidden {
			t.Errorf("%s: kind %v, want forbidden", tt.name, citypact.KindOf(err))
		}
	}
}
