// Package account defines users, roles, browser sessions, API tokens, two-factor sign-in,
// invitations and password-reset links, and the rules around them: password policy, sign-in
// throttling, session lifetimes, who may manage and invite whom. It writes the account mail
// (invitations, reset links, notices of changes) and hands it to the Store, which queues it in
// the transaction of the change. It must never import net/http or database/sql; storage is
// behind Store.
package account

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	cpmail "github.com/citypact/citypact/internal/mail"
)

// User is an account. The password hash and TOTP secret never leave the account and store
// packages: views get a User with those fields empty.
type User struct {
	ID                int64
	Email             string
	Name              string
	Lang              i18n.Lang
	Role              citypact.Role
	OrgID             int64 // required for members and editors; optional for admins
	OrgName           string
	PasswordHash      string
	PasswordChangedAt time.Time
	TOTPSecret        string // set while enrolling and once enrolled
	TOTPEnabled       bool
	TOTPLastStep      int64 // the last time step accepted, so a code is never accepted twice
	Disabled          bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Actor returns the actor this user is in a browser session.
func (u User) Actor() citypact.Actor {
	return citypact.Actor{UserID: u.ID, Name: u.Email, Role: u.Role, OrgID: u.OrgID}
}

// Public returns u without secrets, for views and the API.
func (u User) Public() User {
	u.PasswordHash, u.TOTPSecret = "", ""
	return u
}

// Session is a signed-in browser. Its secret (the cookie value) is never stored; only its hash.
type Session struct {
	ID         int64
	UserID     int64
	MFAPending bool // password accepted, TOTP code not yet given
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute limit
	UserAgent  string
	IP         string
}

// Token is an API token: it acts for its user within one organisation, read-only or read-write.
type Token struct {
	ID         int64
	UserID     int64
	OrgID      int64
	OrgName    string
	Name       string
	Scope      citypact.Scope
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while valid
}

// Limits on account fields.
const (
	MaxEmailLen     = 254
	MaxNameLen      = 100
	MaxTokenNameLen = 100
	MaxUserAgentLen = 200
)

// NewUser is what it takes to create an account.
type NewUser struct {
	Email    string
	Name     string
	Lang     i18n.Lang
	Role     citypact.Role
	OrgID    int64
	Password string
}

// NormalizeEmail folds an address for comparison: trimmed and lower case. Mail systems treat the
// local part case-insensitively in practice, and two accounts differing only by case would confuse.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validateEmail(email string) *citypact.FieldError {
	if email == "" {
		return &citypact.FieldError{Field: "email", Key: "field.required"}
	}
	if len(email) > MaxEmailLen {
		return &citypact.FieldError{Field: "email", Key: "field.too_long", Args: []string{"max", "254"}}
	}
	// The second test is what mail to the address will need: a bare address, one @, no controls.
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || !cpmail.ValidAddress(email) {
		return &citypact.FieldError{Field: "email", Key: "email.invalid"}
	}
	return nil
}

func validateName(name string) *citypact.FieldError {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return &citypact.FieldError{Field: "name", Key: "field.required"}
	case n > MaxNameLen:
		return &citypact.FieldError{Field: "name", Key: "field.too_long", Args: []string{"max", "100"}}
	case !cpmail.HeaderSafe(name): // a name goes into mail headers (To: "Name" <addr>)
		return &citypact.FieldError{Field: "name", Key: "field.invalid"}
	}
	return nil
}

// validateRoleOrg enforces that members and editors belong to an organisation.
func validateRoleOrg(role citypact.Role, orgID int64) *citypact.FieldError {
	if role == citypact.RoleVisitor {
		return &citypact.FieldError{Field: "role", Key: "field.choice"}
	}
	if role != citypact.RoleAdmin && orgID == 0 {
		return &citypact.FieldError{Field: "org", Key: "user.org_required"}
	}
	return nil
}

func collect(errs ...*citypact.FieldError) error {
	var fe []citypact.FieldError
	for _, e := range errs {
		if e != nil {
			fe = append(fe, *e)
		}
	}
	if len(fe) == 0 {
		return nil
	}
	return citypact.Invalid(fe...)
}

// CanManageUsers: only the secretariat creates accounts and changes roles.
func CanManageUsers(a citypact.Actor) error {
	if !a.IsAdmin() {
		return citypact.Forbidden("user management is for admins")
	}
	return nil
}

// Store keeps accounts. Errors: a missing row is citypact.KindNotFound; a duplicate e-mail is
// KindConflict with message "user.email_taken". Methods that change data take the acting user from
// ctx (citypact.ActorFrom) and write an audit row in the same transaction.
type Store interface {
	CreateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context, p citypact.Page) ([]User, error)
	// UpdateUser saves e-mail, name, role, org and disabled, and queues notices (mail about the
	// change) in the same transaction. Disabling ends the user's sessions; a new e-mail address
	// makes the user's unused reset links useless. A taken address is KindInvalid on "email"
	// with key "user.email_taken".
	UpdateUser(ctx context.Context, u User, notices ...cpmail.Message) error
	// SetLang saves a user's language; it is a preference, not audited.
	SetLang(ctx context.Context, userID int64, lang i18n.Lang) error
	// SetPassword saves a new hash, ends every session of the user except keepSession (0: all),
	// makes the user's unused reset links useless and queues notices, all in one transaction.
	SetPassword(ctx context.Context, userID int64, hash string, keepSession int64, notices ...cpmail.Message) error
	// RehashPassword replaces a hash with a stronger one of the same password; not audited.
	RehashPassword(ctx context.Context, userID int64, hash string) error
	SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) error
	// UseTOTPStep records step as used; it fails with KindConflict when step is not newer than the
	// last one, so a code cannot be replayed even by two instances at once.
	UseTOTPStep(ctx context.Context, userID, step int64) error

	CreateSession(ctx context.Context, s *Session, tokenHash string) error
	// SessionByHash returns a session and its user; KindNotFound when there is none.
	SessionByHash(ctx context.Context, tokenHash string) (Session, User, error)
	TouchSession(ctx context.Context, id int64, at time.Time) error
	ListSessions(ctx context.Context, userID int64) ([]Session, error)
	// EndSession deletes one session of userID; KindNotFound if it is not theirs.
	EndSession(ctx context.Context, userID, sessionID int64) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)

	CreateToken(ctx context.Context, t *Token, tokenHash string) error
	TokenByHash(ctx context.Context, tokenHash string) (Token, User, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
	ListTokens(ctx context.Context, userID int64) ([]Token, error)
	RevokeToken(ctx context.Context, userID, tokenID int64) error

	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error

	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	OrgExists(ctx context.Context, id int64) (bool, error)
	// OrgName returns an organisation's name; KindNotFound when there is none.
	OrgName(ctx context.Context, id int64) (string, error)

	InvitationStore
	ResetStore
}

// InvitationStore keeps invitations. Only the hash of a link's token is stored.
type InvitationStore interface {
	// CreateInvitation stores inv and queues its mail in one transaction. An address that has an
	// account is KindInvalid on "email" with "user.email_taken"; one with a pending invitation,
	// "invitation.pending".
	CreateInvitation(ctx context.Context, inv *Invitation, tokenHash string, m cpmail.Message) error
	// InvitationByHash returns an invitation in any state; KindNotFound when there is none.
	InvitationByHash(ctx context.Context, tokenHash string) (Invitation, error)
	// AcceptInvitation creates u and marks the invitation accepted by u, atomically and only if the
	// invitation is still pending at the store's clock: otherwise KindConflict "invitation.used".
	// An address that got an account meanwhile is KindConflict "invitation.account_exists".
	AcceptInvitation(ctx context.Context, invitationID int64, u *User) error
	// ListInvitations lists pending invitations, newest first: of one organisation, or of every
	// organisation when orgID is 0.
	ListInvitations(ctx context.Context, orgID int64) ([]Invitation, error)
	// RevokeInvitation revokes a pending invitation (of orgID, unless it is 0); KindNotFound when
	// there is no such pending invitation.
	RevokeInvitation(ctx context.Context, id, orgID int64) error
}

// ResetStore keeps password-reset links. Only the hash of a link's token is stored.
type ResetStore interface {
	// CreatePasswordReset stores r, makes the user's earlier unused links useless and queues m,
	// in one transaction with its audit row.
	CreatePasswordReset(ctx context.Context, r *PasswordReset, tokenHash string, m cpmail.Message) error
	// NotePasswordResetRequest records, in the audit log only, a request for an address that has
	// no account, so that both kinds of request leave the same trace (and move the data version
	// the same way).
	NotePasswordResetRequest(ctx context.Context, email string) error
	// PasswordResetByHash returns a reset link in any state and its user; KindNotFound when none.
	PasswordResetByHash(ctx context.Context, tokenHash string) (PasswordReset, User, error)
	// ResetPassword marks the link used, saves the hash, ends the user's sessions when
	// endSessions is set and queues notices, in one transaction; a link that is no longer unused
	// and unexpired at the store's clock is KindConflict "reset.used".
	ResetPassword(ctx context.Context, resetID, userID int64, hash string, endSessions bool, notices ...cpmail.Message) error
}
