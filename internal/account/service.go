package account

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/password"
	"github.com/citypact/citypact/internal/totp"
)

// Policy holds the timing rules of sign-in and sessions.
type Policy struct {
	IdleTimeout     time.Duration // a session unused this long ends
	AbsoluteTimeout time.Duration // a session ends this long after sign-in, used or not
	// A sign-in is refused for ThrottleWindow once ThrottleMax failures for one address, or
	// ThrottleMaxIP for one client IP, fell within it. Counted in the database, so the limit
	// holds across every serve process.
	ThrottleWindow time.Duration
	ThrottleMax    int
	ThrottleMaxIP  int
	// TouchEvery limits how often a session's last-seen time is written: a write per request
	// would make every page a database write.
	TouchEvery time.Duration
}

// DefaultPolicy is the production policy.
var DefaultPolicy = Policy{
	IdleTimeout:     2 * time.Hour,
	AbsoluteTimeout: 12 * time.Hour,
	ThrottleWindow:  15 * time.Minute,
	ThrottleMax:     5,
	ThrottleMaxIP:   50,
	TouchEvery:      time.Minute,
}

// Setting keys.
const SettingRequireAdminTOTP = "require_admin_totp"

// Service is the account logic over a Store.
type Service struct {
	store  Store
	hasher *password.Hasher
	policy Policy
	now    func() time.Time
}

// NewService returns a Service; now is the clock.
func NewService(s Store, h *password.Hasher, p Policy, now func() time.Time) *Service {
	return &Service{store: s, hasher: h, policy: p, now: now}
}

// Policy returns the session and throttling policy in force.
func (s *Service) Policy() Policy { return s.policy }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Meta describes the client of a sign-in, shown to the user in their list of sessions.
type Meta struct {
	UserAgent string
	IP        string
}

func (m Meta) clean() Meta {
	if utf8.RuneCountInString(m.UserAgent) > MaxUserAgentLen {
		m.UserAgent = string([]rune(m.UserAgent)[:MaxUserAgentLen])
	}
	m.UserAgent = strings.ToValidUTF8(m.UserAgent, "")
	return m
}

// errSignIn is the one answer to a wrong address or a wrong password, so that nobody learns which
// addresses have accounts.
var errSignIn = &citypact.Error{Kind: citypact.KindInvalid, Message: "signin.failed"}

// ErrThrottled is returned while sign-in is refused for too many failures.
var ErrThrottled = &citypact.Error{Kind: citypact.KindTooMany, Message: "signin.throttled"}

// CreateUser validates and stores a new account with its hashed password.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	nu.Email = NormalizeEmail(nu.Email)
	nu.Name = strings.TrimSpace(nu.Name)
	if _, ok := i18n.Parse(string(nu.Lang)); !ok {
		nu.Lang = i18n.EN
	}
	var pwErr *citypact.FieldError
	if err := password.Check(nu.Password); err != nil {
		pwErr = passwordFieldError("password", err)
	}
	if err := collect(validateEmail(nu.Email), validateName(nu.Name), validateRoleOrg(nu.Role, nu.OrgID), pwErr); err != nil {
		return User{}, err
	}
	if nu.OrgID != 0 {
		ok, err := s.store.OrgExists(ctx, nu.OrgID)
		if err != nil {
			return User{}, err
		}
		if !ok {
			return User{}, citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		}
	}
	hash, err := s.hasher.Hash(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	now := s.clock()
	u := User{Email: nu.Email, Name: nu.Name, Lang: nu.Lang, Role: nu.Role, OrgID: nu.OrgID,
		PasswordHash: hash, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateUser(ctx, &u); err != nil {
		return User{}, err
	}
	return u.Public(), nil
}

func passwordFieldError(field string, err error) *citypact.FieldError {
	var pe *password.PolicyError
	if errors.As(err, &pe) {
		return &citypact.FieldError{Field: field, Key: pe.Code, Args: []string{"min", strconv.Itoa(password.MinLength), "max", strconv.Itoa(password.MaxLength)}}
	}
	return &citypact.FieldError{Field: field, Key: "field.invalid"}
}

// SignInResult is a new session and the secret to put in its cookie.
type SignInResult struct {
	Secret  string
	Session Session
	User    User
}

// SignIn checks an address and password and opens a session. With TOTP enrolled the session is
// pending until VerifyTOTP. Failures are counted per address and per client IP in the store.
func (s *Service) SignIn(ctx context.Context, email, pw string, m Meta) (SignInResult, error) {
	email = NormalizeEmail(email)
	now := s.clock()
	since := now.Add(-s.policy.ThrottleWindow)
	keys := []struct {
		key string
		max int
	}{{"email:" + email, s.policy.ThrottleMax}, {"ip:" + m.IP, s.policy.ThrottleMaxIP}}
	for _, k := range keys {
		n, err := s.store.CountLoginFailures(ctx, k.key, since)
		if err != nil {
			return SignInResult{}, err
		}
		if n >= k.max {
			return SignInResult{}, ErrThrottled
		}
	}
	fail := func() (SignInResult, error) {
		for _, k := range keys {
			if err := s.store.RecordLoginFailure(ctx, k.key, now); err != nil {
				return SignInResult{}, err
			}
		}
		return SignInResult{}, errSignIn
	}
	if email == "" || pw == "" || len(pw) > 4*password.MaxLength {
		return fail()
	}
	u, err := s.store.UserByEmail(ctx, email)
	if citypact.KindOf(err) == citypact.KindNotFound {
		s.hasher.DummyVerify(ctx)
		return fail()
	} else if err != nil {
		return SignInResult{}, err
	}
	ok, rehash, err := s.hasher.Verify(ctx, pw, u.PasswordHash)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok || u.Disabled {
		return fail()
	}
	if err := s.store.ClearLoginFailures(ctx, "email:"+email); err != nil {
		return SignInResult{}, err
	}
	if rehash {
		if h, err := s.hasher.Hash(ctx, pw); err == nil {
			_ = s.store.RehashPassword(ctx, u.ID, h) // best effort: the old hash still works
		}
	}
	return s.openSession(ctx, u, u.TOTPEnabled, m)
}

func (s *Service) openSession(ctx context.Context, u User, pending bool, m Meta) (SignInResult, error) {
	secret, err := password.NewToken("")
	if err != nil {
		return SignInResult{}, err
	}
	now := s.clock()
	m = m.clean()
	sess := Session{UserID: u.ID, MFAPending: pending, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.policy.AbsoluteTimeout), UserAgent: m.UserAgent, IP: m.IP}
	if pending {
		// A half-signed-in session only serves the TOTP step, briefly.
		sess.ExpiresAt = now.Add(10 * time.Minute)
	}
	ctx = citypact.WithActor(ctx, u.Actor())
	if err := s.store.CreateSession(ctx, &sess, password.HashToken(secret)); err != nil {
		return SignInResult{}, err
	}
	return SignInResult{Secret: secret, Session: sess, User: u.Public()}, nil
}

// VerifyTOTP completes a pending sign-in: with a valid, unused code the pending session is ended
// and a full one opened (a new id at each privilege change).
func (s *Service) VerifyTOTP(ctx context.Context, pendingSecret, code string, m Meta) (SignInResult, error) {
	sess, u, err := s.session(ctx, pendingSecret)
	if err != nil {
		return SignInResult{}, err
	}
	if !sess.MFAPending || !u.TOTPEnabled {
		return SignInResult{}, citypact.ErrUnauthenticated
	}
	key := "totp:" + strconv.FormatInt(u.ID, 10)
	now := s.clock()
	n, err := s.store.CountLoginFailures(ctx, key, now.Add(-s.policy.ThrottleWindow))
	if err != nil {
		return SignInResult{}, err
	}
	if n >= s.policy.ThrottleMax {
		return SignInResult{}, ErrThrottled
	}
	if err := s.useCode(ctx, u, code, now); err != nil {
		if citypact.KindOf(err) == citypact.KindInvalid {
			if rerr := s.store.RecordLoginFailure(ctx, key, now); rerr != nil {
				return SignInResult{}, rerr
			}
		}
		return SignInResult{}, err
	}
	_ = s.store.ClearLoginFailures(ctx, key)
	actx := citypact.WithActor(ctx, u.Actor())
	if err := s.store.EndSession(actx, u.ID, sess.ID); err != nil {
		return SignInResult{}, err
	}
	return s.openSession(ctx, u, false, m)
}

// useCode accepts a TOTP code once.
func (s *Service) useCode(ctx context.Context, u User, code string, now time.Time) error {
	bad := citypact.Invalid(citypact.FieldError{Field: "code", Key: "totp.invalid"})
	step, ok := totp.Validate(u.TOTPSecret, strings.TrimSpace(code), now)
	if !ok {
		return bad
	}
	if err := s.store.UseTOTPStep(ctx, u.ID, step); err != nil {
		if citypact.KindOf(err) == citypact.KindConflict {
			return bad
		}
		return err
	}
	return nil
}

// session finds a session by its secret, enforcing both timeouts.
func (s *Service) session(ctx context.Context, secret string) (Session, User, error) {
	if secret == "" || len(secret) > 128 {
		return Session{}, User{}, citypact.ErrUnauthenticated
	}
	sess, u, err := s.store.SessionByHash(ctx, password.HashToken(secret))
	if citypact.KindOf(err) == citypact.KindNotFound {
		return Session{}, User{}, citypact.ErrUnauthenticated
	} else if err != nil {
		return Session{}, User{}, err
	}
	now := s.clock()
	if u.Disabled || !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.policy.IdleTimeout {
		return Session{}, User{}, citypact.ErrUnauthenticated
	}
	return sess, u, nil
}

// Authenticate resolves a browser session cookie to its actor. A pending (TOTP) session is
// returned with MFAPending set and a visitor actor.
func (s *Service) Authenticate(ctx context.Context, secret string) (citypact.Actor, Session, User, error) {
	sess, u, err := s.session(ctx, secret)
	if err != nil {
		return citypact.Visitor, Session{}, User{}, err
	}
	if sess.MFAPending {
		return citypact.Visitor, sess, u.Public(), nil
	}
	if now := s.clock(); now.Sub(sess.LastSeenAt) >= s.policy.TouchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return citypact.Visitor, Session{}, User{}, err
		}
		sess.LastSeenAt = now
	}
	a := u.Actor()
	a.SessionID = sess.ID
	return a, sess, u.Public(), nil
}

// AuthenticateToken resolves an API bearer token to its actor: the token's user, within the
// token's organisation, limited to its scope. An admin's token keeps admin rights.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (citypact.Actor, error) {
	if secret == "" || len(secret) > 128 {
		return citypact.Visitor, citypact.ErrUnauthenticated
	}
	t, u, err := s.store.TokenByHash(ctx, password.HashToken(secret))
	if citypact.KindOf(err) == citypact.KindNotFound {
		return citypact.Visitor, citypact.ErrUnauthenticated
	} else if err != nil {
		return citypact.Visitor, err
	}
	if !t.RevokedAt.IsZero() || u.Disabled {
		return citypact.Visitor, citypact.ErrUnauthenticated
	}
	if now := s.clock(); now.Sub(t.LastUsedAt) >= s.policy.TouchEvery {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return citypact.Visitor, err
		}
	}
	a := u.Actor()
	a.OrgID, a.Scope, a.TokenID = t.OrgID, t.Scope, t.ID
	return a, nil
}

// SignOut ends the session behind secret; signing out twice is not an error.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	sess, u, err := s.session(ctx, secret)
	if err != nil {
		return nil
	}
	ctx = citypact.WithActor(ctx, u.Actor())
	if err := s.store.EndSession(ctx, u.ID, sess.ID); err != nil && citypact.KindOf(err) != citypact.KindNotFound {
		return err
	}
	return nil
}

// ChangePassword checks the current password, stores the new one and ends every other session;
// the caller's own session is ended too and a new one returned, so the session id changes.
func (s *Service) ChangePassword(ctx context.Context, a citypact.Actor, current, next string, m Meta) (SignInResult, error) {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return SignInResult{}, err
	}
	ok, _, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		return SignInResult{}, citypact.Invalid(citypact.FieldError{Field: "current", Key: "password.current_wrong"})
	}
	if err := password.Check(next); err != nil {
		return SignInResult{}, collect(passwordFieldError("new", err))
	}
	if next == current {
		return SignInResult{}, citypact.Invalid(citypact.FieldError{Field: "new", Key: "password.same"})
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return SignInResult{}, err
	}
	if err := s.store.SetPassword(citypact.WithActor(ctx, a), u.ID, hash, 0); err != nil {
		return SignInResult{}, err
	}
	return s.openSession(ctx, u, false, m)
}

// SetPassword is an administrator's (or the CLI's) reset: policy checked, every session ended.
func (s *Service) SetPassword(ctx context.Context, userID int64, pw string) error {
	if err := password.Check(pw); err != nil {
		return collect(passwordFieldError("password", err))
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, userID, hash, 0)
}

// SetLang remembers a signed-in user's language.
func (s *Service) SetLang(ctx context.Context, a citypact.Actor, l i18n.Lang) error {
	if !a.SignedIn() {
		return nil
	}
	return s.store.SetLang(ctx, a.UserID, l)
}

// UserChange is what an admin may change about an account.
type UserChange struct {
	Name     string
	Role     citypact.Role
	OrgID    int64
	Disabled bool
}

// UpdateUser applies an admin's change. An admin cannot demote or disable themself, so a hub
// never loses its last way in by accident.
func (s *Service) UpdateUser(ctx context.Context, a citypact.Actor, id int64, c UserChange) (User, error) {
	if err := CanManageUsers(a); err != nil {
		return User{}, err
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := collect(validateName(c.Name), validateRoleOrg(c.Role, c.OrgID)); err != nil {
		return User{}, err
	}
	if id == a.UserID && (c.Role != citypact.RoleAdmin || c.Disabled) {
		return User{}, citypact.Conflict("user.self_demote")
	}
	if c.OrgID != 0 {
		ok, err := s.store.OrgExists(ctx, c.OrgID)
		if err != nil {
			return User{}, err
		}
		if !ok {
			return User{}, citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		}
	}
	u.Name, u.Role, u.OrgID, u.Disabled, u.UpdatedAt = c.Name, c.Role, c.OrgID, c.Disabled, s.clock()
	if err := s.store.UpdateUser(citypact.WithActor(ctx, a), u); err != nil {
		return User{}, err
	}
	return u.Public(), nil
}

// Users lists accounts for an admin.
func (s *Service) Users(ctx context.Context, a citypact.Actor, p citypact.Page) ([]User, error) {
	if err := CanManageUsers(a); err != nil {
		return nil, err
	}
	return s.store.ListUsers(ctx, p.Normalize())
}

// User returns the actor's own account.
func (s *Service) User(ctx context.Context, a citypact.Actor) (User, error) {
	if !a.SignedIn() {
		return User{}, citypact.ErrUnauthenticated
	}
	u, err := s.store.UserByID(ctx, a.UserID)
	return u.Public(), err
}

// Sessions lists the actor's own sessions.
func (s *Service) Sessions(ctx context.Context, a citypact.Actor) ([]Session, error) {
	return s.store.ListSessions(ctx, a.UserID)
}

// EndSession ends one of the actor's own sessions.
func (s *Service) EndSession(ctx context.Context, a citypact.Actor, id int64) error {
	return s.store.EndSession(citypact.WithActor(ctx, a), a.UserID, id)
}

// NewTokenResult is a created token and its secret, shown to the user once.
type NewTokenResult struct {
	Secret string
	Token  Token
}

// CreateToken issues an API token for the actor. It acts within the actor's organisation; an admin
// may name any organisation (or none is possible: admins without one must choose).
func (s *Service) CreateToken(ctx context.Context, a citypact.Actor, name string, scope citypact.Scope, orgID int64) (NewTokenResult, error) {
	if !a.SignedIn() {
		return NewTokenResult{}, citypact.ErrUnauthenticated
	}
	name = strings.TrimSpace(name)
	var fe []*citypact.FieldError
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fe = append(fe, &citypact.FieldError{Field: "name", Key: "field.required"})
	case n > MaxTokenNameLen:
		fe = append(fe, &citypact.FieldError{Field: "name", Key: "field.too_long", Args: []string{"max", "100"}})
	}
	if scope != citypact.ScopeRead && scope != citypact.ScopeWrite {
		fe = append(fe, &citypact.FieldError{Field: "scope", Key: "field.choice"})
	}
	if !a.IsAdmin() || orgID == 0 {
		orgID = a.OrgID
	}
	if orgID == 0 {
		fe = append(fe, &citypact.FieldError{Field: "org", Key: "user.org_required"})
	}
	if err := collect(fe...); err != nil {
		return NewTokenResult{}, err
	}
	if ok, err := s.store.OrgExists(ctx, orgID); err != nil {
		return NewTokenResult{}, err
	} else if !ok {
		return NewTokenResult{}, citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
	}
	secret, err := password.NewToken("cpt_")
	if err != nil {
		return NewTokenResult{}, err
	}
	t := Token{UserID: a.UserID, OrgID: orgID, Name: name, Scope: scope, CreatedAt: s.clock()}
	if err := s.store.CreateToken(citypact.WithActor(ctx, a), &t, password.HashToken(secret)); err != nil {
		return NewTokenResult{}, err
	}
	return NewTokenResult{Secret: secret, Token: t}, nil
}

// Tokens lists the actor's own tokens.
func (s *Service) Tokens(ctx context.Context, a citypact.Actor) ([]Token, error) {
	return s.store.ListTokens(ctx, a.UserID)
}

// RevokeToken revokes one of the actor's tokens; it stops working on the next request.
func (s *Service) RevokeToken(ctx context.Context, a citypact.Actor, id int64) error {
	return s.store.RevokeToken(citypact.WithActor(ctx, a), a.UserID, id)
}

// RequireAdminTOTP reports whether admins must use two-factor sign-in.
func (s *Service) RequireAdminTOTP(ctx context.Context) (bool, error) {
	v, err := s.store.Setting(ctx, SettingRequireAdminTOTP)
	if citypact.KindOf(err) == citypact.KindNotFound {
		return false, nil
	}
	return v == "true", err
}

// SetRequireAdminTOTP changes that setting (admins only).
func (s *Service) SetRequireAdminTOTP(ctx context.Context, a citypact.Actor, on bool) error {
	if err := CanManageUsers(a); err != nil {
		return err
	}
	return s.store.SetSetting(citypact.WithActor(ctx, a), SettingRequireAdminTOTP, strconv.FormatBool(on))
}

// BeginTOTP gives the actor a new, not yet enabled secret to put in their authenticator app.
func (s *Service) BeginTOTP(ctx context.Context, a citypact.Actor) (string, error) {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return "", err
	}
	if u.TOTPEnabled {
		return "", citypact.Conflict("totp.already_enabled")
	}
	if u.TOTPSecret != "" {
		return u.TOTPSecret, nil // the page was reloaded: keep the secret already scanned
	}
	secret, err := totp.NewSecret()
	if err != nil {
		return "", err
	}
	if err := s.store.SetTOTP(citypact.WithActor(ctx, a), u.ID, secret, false); err != nil {
		return "", err
	}
	return secret, nil
}

// PendingTOTP returns the secret the actor is enrolling with, or "" when enrolment has not begun
// (or is complete). It only reads, so pages can show it on GET.
func (s *Service) PendingTOTP(ctx context.Context, a citypact.Actor) (string, error) {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil || u.TOTPEnabled {
		return "", err
	}
	return u.TOTPSecret, nil
}

// ConfirmTOTP enables two-factor sign-in once the user proves their app produces codes.
func (s *Service) ConfirmTOTP(ctx context.Context, a citypact.Actor, code string) error {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if u.TOTPEnabled {
		return citypact.Conflict("totp.already_enabled")
	}
	if u.TOTPSecret == "" {
		return citypact.Conflict("totp.not_started")
	}
	if err := s.useCode(ctx, u, code, s.clock()); err != nil {
		return err
	}
	return s.store.SetTOTP(citypact.WithActor(ctx, a), u.ID, u.TOTPSecret, true)
}

// DisableTOTP turns two-factor sign-in off with a current code; refused for an admin while the
// hub requires it.
func (s *Service) DisableTOTP(ctx context.Context, a citypact.Actor, code string) error {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if !u.TOTPEnabled {
		return citypact.Conflict("totp.not_enabled")
	}
	if req, err := s.RequireAdminTOTP(ctx); err != nil {
		return err
	} else if req && u.Role == citypact.RoleAdmin {
		return citypact.Conflict("totp.required")
	}
	if err := s.useCode(ctx, u, code, s.clock()); err != nil {
		return err
	}
	return s.store.SetTOTP(citypact.WithActor(ctx, a), u.ID, "", false)
}

// MustEnrolTOTP reports whether this user has to enrol before doing anything else.
func (s *Service) MustEnrolTOTP(ctx context.Context, u User) (bool, error) {
	if u.Role != citypact.RoleAdmin || u.TOTPEnabled {
		return false, nil
	}
	return s.RequireAdminTOTP(ctx)
}

// UserByID returns any account, for an admin.
func (s *Service) UserByID(ctx context.Context, a citypact.Actor, id int64) (User, error) {
	if err := CanManageUsers(a); err != nil {
		return User{}, err
	}
	u, err := s.store.UserByID(ctx, id)
	return u.Public(), err
}
