// Package account defines users, roles, browser sessions, API tokens and two-factor sign-in, and
// the rules around them: password policy, sign-in throttling, session lifetimes, who may manage
// whom. It must never import net/http or database/sql; storage is behind Store.
package account

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
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
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || strings.ContainsAny(email, "\r\n") {
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
	case !utf8.ValidString(name) || strings.ContainsAny(name, "\r\n\x00"):
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
	// UpdateUser saves name, lang, role, org and disabled. Disabling ends the user's sessions.
	UpdateUser(ctx context.Context, u User) error
	// SetLang saves a user's language; it is a preference, not audited.
	SetLang(ctx context.Context, userID int64, lang i18n.Lang) error
	// SetPassword saves a new hash and ends every session of the user except keepSession (0: all).
	SetPassword(ctx context.Context, userID int64, hash string, keepSession int64) error
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
}
