package account

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/totp"
)

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
