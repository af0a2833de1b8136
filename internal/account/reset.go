package account

import (
	"context"
	"errors"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/password"
)

// PasswordReset is a link mailed to a user who forgot their password. Only the hash of its token
// is stored; it works once, until ExpiresAt, and a newer link or a password change ends it.
type PasswordReset struct {
	ID        int64
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used (or superseded)
}

var (
	ErrResetUnknown = &citypact.Error{Kind: citypact.KindNotFound, Message: "reset.unknown"}
	ErrResetUsed    = &citypact.Error{Kind: citypact.KindConflict, Message: "reset.used"}
	ErrResetExpired = &citypact.Error{Kind: citypact.KindConflict, Message: "reset.expired"}
	// ErrResetThrottled is the answer to too many reset requests for one address or from one IP.
	ErrResetThrottled = &citypact.Error{Kind: citypact.KindTooMany, Message: "reset.throttled"}
)

// RequestPasswordReset mails a reset link to the account with this address, if there is one
// that is not disabled. The answer is the same either way, so the form tells nobody which
// addresses have accounts: nil, a field error for an address that is not one, or
// ErrResetThrottled. Both ways write one row in one transaction.
//
// Requests are counted per address and per client IP in the store, as sign-in failures are, so
// the limit holds across instances. Each request is counted before the count is read: parallel
// requests then cannot all pass a count that none of them has added to yet.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, m Meta) error {
	email = NormalizeEmail(email)
	if fe := validateEmail(email); fe != nil {
		return collect(fe)
	}
	now := s.clock()
	keys := []struct {
		key string
		max int
	}{{"reset:email:" + email, s.policy.ResetMax}, {"reset:ip:" + m.IP, s.policy.ResetMaxIP}}
	for _, k := range keys {
		if err := s.store.RecordLoginFailure(ctx, k.key, now); err != nil {
			return err
		}
	}
	for _, k := range keys {
		n, err := s.store.CountLoginFailures(ctx, k.key, now.Add(-s.policy.ResetWindow))
		if err != nil {
			return err
		}
		if n > k.max {
			return ErrResetThrottled
		}
	}
	actx := citypact.WithActor(ctx, citypact.Actor{Name: email})
	u, err := s.store.UserByEmail(ctx, email)
	if citypact.KindOf(err) == citypact.KindNotFound || (err == nil && u.Disabled) {
		return s.store.NotePasswordResetRequest(actx, email)
	} else if err != nil {
		return err
	}
	if s.baseURL == "" {
		return errors.New("password reset: no base URL to build the link from")
	}
	token, err := password.NewToken("cpr_")
	if err != nil {
		return err
	}
	r := PasswordReset{UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.policy.ResetTTL)}
	msg := s.resetMail(u, token, r)
	if err := msg.Validate(); err != nil {
		// An address stored before addresses were checked for mail: nothing can reach it.
		return s.store.NotePasswordResetRequest(actx, email)
	}
	return s.store.CreatePasswordReset(actx, &r, password.HashToken(token), msg)
}

// OpenPasswordReset returns the user a working reset link is for, or says why it does not work.
func (s *Service) OpenPasswordReset(ctx context.Context, token string) (User, error) {
	_, u, err := s.openReset(ctx, token)
	return u.Public(), err
}

func (s *Service) openReset(ctx context.Context, token string) (PasswordReset, User, error) {
	if token == "" || len(token) > 128 {
		return PasswordReset{}, User{}, ErrResetUnknown
	}
	r, u, err := s.store.PasswordResetByHash(ctx, password.HashToken(token))
	switch {
	case citypact.KindOf(err) == citypact.KindNotFound:
		return r, u, ErrResetUnknown
	case err != nil:
		return r, u, err
	case !r.UsedAt.IsZero():
		return r, u, ErrResetUsed
	case !s.clock().Before(r.ExpiresAt) || u.Disabled:
		return r, u, ErrResetExpired
	}
	return r, u, nil
}

// ResetPassword sets a new password through a reset link, which it uses up, and mails the user a
// notice. With endSessions (the form's default) every session of the user ends, whoever holds it.
// It does not sign anyone in: the user signs in with the new password, and TOTP if enrolled.
func (s *Service) ResetPassword(ctx context.Context, token, pw string, endSessions bool) error {
	r, u, err := s.openReset(ctx, token)
	if err != nil {
		return err
	}
	if err := password.Check(pw); err != nil {
		return collect(passwordFieldError("password", err))
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	notices := s.passwordNotice(u, byReset, s.clock())
	err = s.store.ResetPassword(citypact.WithActor(ctx, u.Actor()), r.ID, u.ID, hash, endSessions, notices...)
	if citypact.MessageOf(err) == "reset.used" {
		return ErrResetUsed
	}
	return err
}
