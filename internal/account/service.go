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
	cpmail "github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/password"
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
	// InvitationTTL and ResetTTL are how long links in account mail work.
	InvitationTTL time.Duration
	ResetTTL      time.Duration
	// Reset links are mailed at most ResetMax times per address and ResetMaxIP times per client
	// IP within ResetWindow, counted in the database like sign-in failures.
	ResetWindow time.Duration
	ResetMax    int
	ResetMaxIP  int
}

// DefaultPolicy is the production policy.
var DefaultPolicy = Policy{
	IdleTimeout:     2 * time.Hour,
	AbsoluteTimeout: 12 * time.Hour,
	ThrottleWindow:  15 * time.Minute,
	ThrottleMax:     5,
	ThrottleMaxIP:   50,
	TouchEvery:      time.Minute,
	InvitationTTL:   7 * 24 * time.Hour,
	ResetTTL:        30 * time.Minute,
	ResetWindow:     time.Hour,
	ResetMax:        3,
	ResetMaxIP:      20,
}

// Setting keys.
const SettingRequireAdminTOTP = "require_admin_totp"

// Service is the account logic over a Store.
type Service struct {
	store   Store
	hasher  *password.Hasher
	policy  Policy
	now     func() time.Time
	baseURL string // of links in mail; "" where none is known (the CLI without CITYPACT_BASE_URL)
}

// NewService returns a Service; now is the clock. Policy fields left zero take DefaultPolicy's.
func NewService(s Store, h *password.Hasher, p Policy, now func() time.Time) *Service {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&p.InvitationTTL, DefaultPolicy.InvitationTTL)
	def(&p.ResetTTL, DefaultPolicy.ResetTTL)
	def(&p.ResetWindow, DefaultPolicy.ResetWindow)
	if p.ResetMax <= 0 {
		p.ResetMax = DefaultPolicy.ResetMax
	}
	if p.ResetMaxIP <= 0 {
		p.ResetMaxIP = DefaultPolicy.ResetMaxIP
	}
	return &Service{store: s, hasher: h, policy: p, now: now}
}

// WithBaseURL returns a copy of s that builds the links in its mail on baseURL (the configured
// public URL, e.g. https://hub.example.org). Invitations and reset links need one; notices
// without one leave the link out.
func (s *Service) WithBaseURL(baseURL string) *Service {
	c := *s
	c.baseURL = strings.TrimRight(baseURL, "/")
	return &c
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
	if err := s.store.SetPassword(citypact.WithActor(ctx, a), u.ID, hash, 0, s.passwordNotice(u, bySelf, s.clock())...); err != nil {
		return SignInResult{}, err
	}
	return s.openSession(ctx, u, false, m)
}

// SetPassword is an administrator's (or the CLI's) reset: policy checked, every session ended,
// the user told by mail.
func (s *Service) SetPassword(ctx context.Context, userID int64, pw string) error {
	if err := password.Check(pw); err != nil {
		return collect(passwordFieldError("password", err))
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, userID, hash, 0, s.passwordNotice(u, byAdmin, s.clock())...)
}

// ChangeEmail changes the actor's own address, after checking their password, and tells both the
// old and the new address.
func (s *Service) ChangeEmail(ctx context.Context, a citypact.Actor, email, current string) (User, error) {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return User{}, err
	}
	email = NormalizeEmail(email)
	if fe := validateEmail(email); fe != nil {
		return User{}, collect(fe)
	}
	ok, _, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil {
		return User{}, err
	}
	if !ok {
		return User{}, citypact.Invalid(citypact.FieldError{Field: "password", Key: "password.current_wrong"})
	}
	if email == u.Email {
		return User{}, citypact.Invalid(citypact.FieldError{Field: "email", Key: "email.same"})
	}
	after := u
	after.Email, after.UpdatedAt = email, s.clock()
	if err := s.store.UpdateUser(citypact.WithActor(ctx, a), after, s.emailNotices(u, after, bySelf, after.UpdatedAt)...); err != nil {
		return User{}, err
	}
	return after.Public(), nil
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
	Email    string // "" keeps the address
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
	var emailErr *citypact.FieldError
	if c.Email = NormalizeEmail(c.Email); c.Email == "" {
		c.Email = u.Email
	} else if c.Email != u.Email {
		emailErr = validateEmail(c.Email)
	}
	if err := collect(emailErr, validateName(c.Name), validateRoleOrg(c.Role, c.OrgID)); err != nil {
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
	before := u
	u.Email, u.Name, u.Role, u.OrgID, u.Disabled, u.UpdatedAt = c.Email, c.Name, c.Role, c.OrgID, c.Disabled, s.clock()
	var notices []cpmail.Message
	if u.Email != before.Email {
		notices = s.emailNotices(before, u, byAdmin, u.UpdatedAt)
	}
	if err := s.store.UpdateUser(citypact.WithActor(ctx, a), u, notices...); err != nil {
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

// AddresseeByEmail returns the id of the active account with this address, for a signed-in
// member who addresses a question to a person ("ask Seoul's health focal point"). An unknown or
// disabled address is KindNotFound. (A member may so learn whether an address has an account;
// visitors may not.)
func (s *Service) AddresseeByEmail(ctx context.Context, a citypact.Actor, email string) (int64, error) {
	if !a.SignedIn() {
		return 0, citypact.ErrUnauthenticated
	}
	u, err := s.store.UserByEmail(ctx, NormalizeEmail(email))
	if err == nil && u.Disabled {
		err = citypact.NotFound("user")
	}
	return u.ID, err
}

// UserByID returns any account, for an admin.
func (s *Service) UserByID(ctx context.Context, a citypact.Actor, id int64) (User, error) {
	if err := CanManageUsers(a); err != nil {
		return User{}, err
	}
	u, err := s.store.UserByID(ctx, id)
	return u.Public(), err
}
