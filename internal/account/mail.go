package account

import (
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact/internal/i18n"
	cpmail "github.com/citypact/citypact/internal/mail"
)

// The account mail: invitations, reset links and notices of changes. Texts come from the i18n
// catalogues in the recipient's language. Links are built from the configured base URL, never
// from a request's Host header, which whoever sends the request chooses (ASVS 2.5). Every body
// is plain text and none ever holds a password.

// Paths the links in account mail lead to; the web package serves them.
const (
	JoinPath   = "/join"
	ResetPath  = "/password/reset"
	ForgotPath = "/password/forgot"
)

// link is an absolute URL of the hub, with the token in the query: request logs keep the path
// but not the query, so tokens stay out of them.
func (s *Service) link(path, token string) string {
	if token == "" {
		return s.baseURL + path
	}
	return s.baseURL + path + "?token=" + token
}

// letter builds a message to one person: a greeting, the paragraphs, a signature.
func letter(to, name string, lang i18n.Lang, subject string, paragraphs ...string) cpmail.Message {
	tr := i18n.For(lang)
	greeting := tr.T("mail.greeting")
	if name != "" {
		greeting = tr.T("mail.greeting_name", "name", name)
	}
	var b strings.Builder
	b.WriteString(greeting)
	for _, p := range paragraphs {
		b.WriteString("\n\n")
		b.WriteString(p)
	}
	b.WriteString("\n\n-- \n")
	b.WriteString(tr.T("mail.signature", "site", tr.T("site.name")))
	b.WriteString("\n")
	return cpmail.Message{To: to, ToName: name, Lang: string(tr.Lang()), Subject: subject, Text: b.String()}
}

// inviteMail is the invitation: who invites, to which organisation, with which role, and the link.
func (s *Service) inviteMail(inv Invitation, inviter, orgName, token string) cpmail.Message {
	tr := i18n.For(inv.Lang)
	link := s.link(JoinPath, token)
	args := []string{"site", tr.T("site.name"), "inviter", inviter, "org", orgName, "role", tr.T("role." + inv.Role.String()),
		"expires", tr.DateTime(inv.ExpiresAt.UTC())}
	intro := "mail.invite.intro"
	if orgName == "" {
		intro = "mail.invite.intro_hub"
	}
	return letter(inv.Email, inv.Name, inv.Lang, tr.T("mail.invite.subject", args...),
		tr.T(intro, args...), tr.T("mail.invite.action", args...), link, tr.T("mail.invite.expires", args...))
}

// resetMail carries a reset link.
func (s *Service) resetMail(u User, token string, r PasswordReset) cpmail.Message {
	tr := i18n.For(u.Lang)
	link := s.link(ResetPath, token)
	args := []string{"site", tr.T("site.name"), "email", u.Email, "expires", tr.DateTime(r.ExpiresAt.UTC()),
		"minutes", strconv.Itoa(int(r.ExpiresAt.Sub(r.CreatedAt) / time.Minute))}
	return letter(u.Email, u.Name, u.Lang, tr.T("mail.reset.subject", args...),
		tr.T("mail.reset.intro", args...), link, tr.T("mail.reset.expires", args...))
}

// How a change was made, as a notice tells it.
type changedBy string

const (
	bySelf  changedBy = "self"
	byReset changedBy = "reset"
	byAdmin changedBy = "admin"
)

// passwordNotice tells u that their password changed. It says what to do if that was not them:
// reset the password (which mails the address that still is theirs) and tell the secretariat.
func (s *Service) passwordNotice(u User, how changedBy, at time.Time) []cpmail.Message {
	tr := i18n.For(u.Lang)
	args := []string{"site", tr.T("site.name"), "email", u.Email, "when", tr.DateTime(at.UTC()), "forgot", s.link(ForgotPath, "")}
	notYou := tr.T("mail.notice.not_you_password", args...)
	if s.baseURL == "" {
		notYou = tr.T("mail.notice.not_you", args...)
	}
	return mailable(letter(u.Email, u.Name, u.Lang, tr.T("mail.notice.password.subject", args...),
		tr.T("mail.notice.password.body", args...), tr.T("mail.notice.by_"+string(how), args...), notYou))
}

// emailNotices tell both addresses that the account's address changed: the old one above all,
// since whoever took an account over would change the address first. A password reset would
// now go to the new address, so the old one is told to contact the secretariat instead.
func (s *Service) emailNotices(before, after User, how changedBy, at time.Time) []cpmail.Message {
	var out []cpmail.Message
	for _, to := range []string{before.Email, after.Email} {
		tr := i18n.For(after.Lang)
		args := []string{"site", tr.T("site.name"), "old", before.Email, "new", after.Email, "when", tr.DateTime(at.UTC())}
		out = append(out, mailable(letter(to, after.Name, after.Lang, tr.T("mail.notice.email.subject", args...),
			tr.T("mail.notice.email.body", args...), tr.T("mail.notice.by_"+string(how), args...), tr.T("mail.notice.not_you", args...)))...)
	}
	return out
}

// mailable keeps the messages that can be sent. A notice to an address stored before addresses
// were checked for mail may not validate; refusing the change for it would lock the user out
// of changing their own password, so that notice is dropped instead.
func mailable(msgs ...cpmail.Message) []cpmail.Message {
	out := msgs[:0]
	for _, m := range msgs {
		if m.Validate() == nil {
			out = append(out, m)
		}
	}
	return out
}
