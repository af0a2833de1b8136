package view

import (
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/i18n"
)

// InvitationsPage lists the pending invitations the reader manages and sends new ones.
type InvitationsPage struct {
	Base
	Invitations []account.Invitation
	Form        Form
	Roles       []citypact.Role // the roles the reader may give
	Orgs        []Org           // for admins, who choose the organisation
	IsAdmin     bool
}

// JoinPage is where an invitee chooses their name and password.
type JoinPage struct {
	Base
	Invitation account.Invitation
	Token      string
	Form       Form
}

// ForgotPage asks for the address to mail a reset link to; Sent shows the answer, which is the
// same whether the address has an account or not.
type ForgotPage struct {
	Base
	Form Form
	Sent bool
}

// ResetPage sets a new password through a reset link.
type ResetPage struct {
	Base
	Email string
	Token string
	Form  Form
}

// mailLangs are the languages an invitation can be written in.
func mailLangs() []i18n.Lang { return i18n.Langs }

// accountLinks are the account pages' navigation: invitations only for those who may send them.
func accountLinks(v Viewer) [][2]string {
	links := [][2]string{{"/account", "account.title"}, {"/account/sessions", "sessions.title"}, {"/account/tokens", "tokens.title"}, {"/account/totp", "totp.title"}}
	if v.Role >= citypact.RoleEditor {
		links = append(links, [2]string{"/invitations", "invitations.title"})
	}
	return links
}
