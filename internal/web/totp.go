package web

import (
	"context"
	"net/http"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/totp"
	"github.com/citypact/citypact/internal/web/view"
)

// totpShow serves GET /account/totp: the way to begin enrolling, the secret of an enrolment
// under way with the form to confirm it, or, once enabled, the way to turn it off. It only reads:
// a new secret is made by POST /account/totp/begin.
func (s *Server) totpShow(w http.ResponseWriter, r *http.Request) error {
	return s.totpPage(w, r, http.StatusOK, view.Form{})
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, status int, f view.Form) error {
	st := stateOf(r)
	u, err := s.Accounts.User(r.Context(), st.actor)
	if err != nil {
		return err
	}
	req, err := s.Accounts.MustEnrolTOTP(r.Context(), u)
	if err != nil {
		return err
	}
	p := view.TOTPEnrolPage{Base: s.base(r, "totp.title", "account"), Enabled: u.TOTPEnabled, Required: req, Form: f}
	p.HasErrors = f.Failed()
	if !u.TOTPEnabled {
		if p.Secret, err = s.Accounts.PendingTOTP(r.Context(), st.actor); err != nil {
			return err
		}
		if p.Secret != "" {
			p.URI = totp.URI(p.Secret, "citypact", u.Email)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, status, view.TOTPEnrol(p))
}

// totpBegin serves POST /account/totp/begin: a new secret to put in an authenticator app.
func (s *Server) totpBegin(w http.ResponseWriter, r *http.Request) error {
	_, err := s.Accounts.BeginTOTP(r.Context(), stateOf(r).actor)
	if citypact.KindOf(err) == citypact.KindConflict {
		return s.totpPage(w, r, httpx.StatusOf(err), view.Form{Message: citypact.MessageOf(err)})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/account/totp", "")
}

// totpEnable serves POST /account/totp.
func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request) error {
	return s.totpChange(w, r, s.Accounts.ConfirmTOTP, "flash.totp_enabled")
}

// totpDisable serves POST /account/totp/disable.
func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request) error {
	return s.totpChange(w, r, s.Accounts.DisableTOTP, "flash.totp_disabled")
}

func (s *Server) totpChange(w http.ResponseWriter, r *http.Request,
	change func(ctx context.Context, a citypact.Actor, code string) error, flash string) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	err := change(r.Context(), stateOf(r).actor, r.PostFormValue("code"))
	switch citypact.KindOf(err) {
	case citypact.KindInvalid:
		return s.totpPage(w, r, httpx.StatusOf(err), view.Form{Errors: citypact.FieldsOf(err)})
	case citypact.KindConflict:
		return s.totpPage(w, r, httpx.StatusOf(err), view.Form{Message: citypact.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/account/totp", flash)
}
