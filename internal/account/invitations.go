package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/password"
)

// Invitation asks a person, by e-mail, to join an organisation with a role. Its link holds a
// random token of which only the hash is stored; it works once, until ExpiresAt, unless revoked.
type Invitation struct {
	ID          int64
	Email       string
	Name        string    // as the inviter wrote it; the invitee may change it when accepting
	Lang        i18n.Lang // of the mail, and of the account it creates
	Role        citypact.Role
	OrgID       int64 // 0 only for an admin
	OrgName     string
	InvitedBy   int64
	InviterName string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AcceptedAt  time.Time // zero until accepted
	RevokedAt   time.Time // zero unless revoked
	UserID      int64     // the account it created
}

// NewInvitation is what an inviter fills in.
type NewInvitation struct {
	Email string
	Name  string // optional
	Lang  i18n.Lang
	Role  citypact.Role
	OrgID int64 // editors may leave it 0: their own organisation
}

// Errors of links that do not work. A link nobody issued is not found (404); one that worked
// once and no longer does is gone (see Gone), so the page can say why.
var (
	ErrInvitationUnknown       = &citypact.Error{Kind: citypact.KindNotFound, Message: "invitation.unknown"}
	ErrInvitationUsed          = &citypact.Error{Kind: citypact.KindConflict, Message: "invitation.used"}
	ErrInvitationExpired       = &citypact.Error{Kind: citypact.KindConflict, Message: "invitation.expired"}
	ErrInvitationRevoked       = &citypact.Error{Kind: citypact.KindConflict, Message: "invitation.revoked"}
	ErrInvitationAccountExists = &citypact.Error{Kind: citypact.KindConflict, Message: "invitation.account_exists"}
)

// Gone reports whether err says a link was valid once but is no longer: used, expired, revoked,
// or overtaken by an account made another way.
func Gone(err error) bool {
	for _, g := range []error{ErrInvitationUsed, ErrInvitationExpired, ErrInvitationRevoked, ErrInvitationAccountExists, ErrResetUsed, ErrResetExpired} {
		if errors.Is(err, g) {
			return true
		}
	}
	return false
}

// CanInvite is the one rule of who may invite whom: admins anyone, anywhere; editors members and
// editors of their own organisation.
func CanInvite(a citypact.Actor, role citypact.Role, orgID int64) error {
	if a.IsAdmin() {
		return nil
	}
	if a.Role == citypact.RoleEditor && a.OrgID != 0 && orgID == a.OrgID && role >= citypact.RoleMember && role <= citypact.RoleEditor {
		return nil
	}
	return citypact.Forbidden("invitations: editors invite members and editors of their own organisation")
}

// invitationScope is the organisation whose invitations a may list and revoke: 0 (all) for
// admins, their own for editors.
func invitationScope(a citypact.Actor) (int64, error) {
	switch {
	case a.IsAdmin():
		return 0, nil
	case a.Role == citypact.RoleEditor && a.OrgID != 0:
		return a.OrgID, nil
	}
	return 0, citypact.Forbidden("invitations are managed by editors and admins")
}

// Invite validates ni, stores the invitation and queues its mail in one transaction; the caller
// kicks the mail worker after. Inviting an address that has an account or a pending invitation
// is a field error.
func (s *Service) Invite(ctx context.Context, a citypact.Actor, ni NewInvitation) (Invitation, error) {
	if !a.IsAdmin() && ni.OrgID == 0 {
		ni.OrgID = a.OrgID
	}
	if ni.Role == citypact.RoleVisitor {
		return Invitation{}, citypact.Invalid(citypact.FieldError{Field: "role", Key: "field.choice"})
	}
	if err := CanInvite(a, ni.Role, ni.OrgID); err != nil {
		return Invitation{}, err
	}
	ni.Email = NormalizeEmail(ni.Email)
	ni.Name = strings.TrimSpace(ni.Name)
	var nameErr *citypact.FieldError
	if ni.Name != "" {
		nameErr = validateName(ni.Name)
	}
	if _, ok := i18n.Parse(string(ni.Lang)); !ok {
		ni.Lang = i18n.EN
	}
	if err := collect(validateEmail(ni.Email), nameErr, validateRoleOrg(ni.Role, ni.OrgID)); err != nil {
		return Invitation{}, err
	}
	orgName := ""
	if ni.OrgID != 0 {
		var err error
		if orgName, err = s.store.OrgName(ctx, ni.OrgID); citypact.KindOf(err) == citypact.KindNotFound {
			return Invitation{}, citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		} else if err != nil {
			return Invitation{}, err
		}
	}
	inviter, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return Invitation{}, err
	}
	if s.baseURL == "" {
		return Invitation{}, errors.New("invite: no base URL to build the link from")
	}
	token, err := password.NewToken("cpi_")
	if err != nil {
		return Invitation{}, err
	}
	now := s.clock()
	inv := Invitation{Email: ni.Email, Name: ni.Name, Lang: ni.Lang, Role: ni.Role, OrgID: ni.OrgID, OrgName: orgName,
		InvitedBy: inviter.ID, InviterName: inviter.Name, CreatedAt: now, ExpiresAt: now.Add(s.policy.InvitationTTL)}
	m := s.inviteMail(inv, inviter.Name, orgName, token)
	if err := m.Validate(); err != nil {
		return Invitation{}, err
	}
	if err := s.store.CreateInvitation(citypact.WithActor(ctx, a), &inv, password.HashToken(token), m); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// Invitations lists the pending invitations a may manage.
func (s *Service) Invitations(ctx context.Context, a citypact.Actor) ([]Invitation, error) {
	org, err := invitationScope(a)
	if err != nil {
		return nil, err
	}
	return s.store.ListInvitations(ctx, org)
}

// RevokeInvitation makes a pending invitation's link useless. Another organisation's invitation
// is not found, as if it did not exist.
func (s *Service) RevokeInvitation(ctx context.Context, a citypact.Actor, id int64) error {
	org, err := invitationScope(a)
	if err != nil {
		return err
	}
	return s.store.RevokeInvitation(citypact.WithActor(ctx, a), id, org)
}

// OpenInvitation returns the pending invitation behind a link's token, or says why the link does
// not work.
func (s *Service) OpenInvitation(ctx context.Context, token string) (Invitation, error) {
	if token == "" || len(token) > 128 {
		return Invitation{}, ErrInvitationUnknown
	}
	inv, err := s.store.InvitationByHash(ctx, password.HashToken(token))
	switch {
	case citypact.KindOf(err) == citypact.KindNotFound:
		return Invitation{}, ErrInvitationUnknown
	case err != nil:
		return Invitation{}, err
	case !inv.AcceptedAt.IsZero():
		return Invitation{}, ErrInvitationUsed
	case !inv.RevokedAt.IsZero():
		return Invitation{}, ErrInvitationRevoked
	case !s.clock().Before(inv.ExpiresAt):
		return Invitation{}, ErrInvitationExpired
	}
	return inv, nil
}

// AcceptInvitation creates the invitee's account with the name and password they chose and signs
// them in. The link is used up in the transaction that creates the account, so two clicks at once
// make one account.
func (s *Service) AcceptInvitation(ctx context.Context, token, name, pw string, m Meta) (SignInResult, error) {
	inv, err := s.OpenInvitation(ctx, token)
	if err != nil {
		return SignInResult{}, err
	}
	name = strings.TrimSpace(name)
	var pwErr *citypact.FieldError
	if err := password.Check(pw); err != nil {
		pwErr = passwordFieldError("password", err)
	}
	if err := collect(validateName(name), pwErr); err != nil {
		return SignInResult{}, err
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return SignInResult{}, err
	}
	now := s.clock()
	u := User{Email: inv.Email, Name: name, Lang: inv.Lang, Role: inv.Role, OrgID: inv.OrgID, OrgName: inv.OrgName,
		PasswordHash: hash, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	actx := citypact.WithActor(ctx, citypact.Actor{Name: inv.Email, Role: inv.Role, OrgID: inv.OrgID})
	if err := s.store.AcceptInvitation(actx, inv.ID, &u); err != nil {
		switch citypact.MessageOf(err) {
		case "invitation.used":
			return SignInResult{}, ErrInvitationUsed
		case "invitation.account_exists":
			return SignInResult{}, ErrInvitationAccountExists
		}
		return SignInResult{}, err
	}
	return s.openSession(ctx, u, false, m)
}
