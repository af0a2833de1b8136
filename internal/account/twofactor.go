package account

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/totp"
)

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

func (s *Service) RequireAdminTOTP(ctx context.Context) (bool, error) {
	v, err := s.store.Setting(ctx, SettingRequireAdminTOTP)
	if citypact.KindOf(err) == citypact.KindNotFound {
		return false, nil
	}
	return v == "true", err
}

func (s *Service) SetRequireAdminTOTP(ctx context.Context, a citypact.Actor, on bool) error {
	if err := CanManageUsers(a); err != nil {
		return err
	}
	return s.store.SetSetting(citypact.WithActor(ctx, a), SettingRequireAdminTOTP, strconv.FormatBool(on))
}

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

func (s *Service) PendingTOTP(ctx context.Context, a citypact.Actor) (string, error) {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil || u.TOTPEnabled {
		return "", err
	}
	return u.TOTPSecret, nil
}

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

func (s *Service) MustEnrolTOTP(ctx context.Context, u User) (bool, error) {
	if u.Role != citypact.RoleAdmin || u.TOTPEnabled {
		return false, nil
	}
	return s.RequireAdminTOTP(ctx)
}
