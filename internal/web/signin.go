package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/web/view"
)

var errInvalidLang = &httpx.Status{Code: http.StatusBadRequest, Key: "error.lang"}

func (s *Server) meta(r *http.Request) account.Meta {
	return account.Meta{UserAgent: r.UserAgent(), IP: httpx.ClientIP(r, s.BehindProxy)}
}

// signInForm serves GET /signin.
func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if stateOf(r).actor.SignedIn() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, view.SignIn(view.SignInPage{Base: s.base(r, "signin.title", "signin"), Next: next}))
}

// signIn serves POST /signin.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	res, err := s.Accounts.SignIn(r.Context(), email, r.PostFormValue("password"), s.meta(r))
	if err != nil {
		k := citypact.KindOf(err)
		if k != citypact.KindInvalid && k != citypact.KindTooMany {
			return err
		}
		status := http.StatusUnauthorized
		if k == citypact.KindTooMany {
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(s.Accounts.Policy().ThrottleWindow/time.Second)))
		}
		b := s.base(r, "signin.title", "signin")
		b.HasErrors = true
		f := view.Form{Values: map[string]string{"email": email}, Message: citypact.MessageOf(err)}
		return s.render(w, r, status, view.SignIn(view.SignInPage{Base: b, Form: f, Next: next}))
	}
	// A previous session in this browser ends: a new id at every sign-in.
	if old := stateOf(r).secret; old != "" {
		_ = s.Accounts.SignOut(r.Context(), old)
	}
	s.setSession(w, res.Session, res.Secret)
	if res.Session.MFAPending {
		http.Redirect(w, r, "/signin/totp?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	s.Log.Info("sign-in", "request_id", citypact.RequestIDFrom(r.Context()), "user_id", res.User.ID, "org_id", res.User.OrgID)
	if res.User.Lang != "" {
		s.setCookie(w, langCookie, string(res.User.Lang), 365*24*3600)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signInTOTPForm serves GET /signin/totp, the second step of a sign-in with TOTP.
func (s *Server) signInTOTPForm(w http.ResponseWriter, r *http.Request) error {
	if !stateOf(r).session.MFAPending {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	p := view.TOTPPage{Base: s.base(r, "totp.signin.title", "signin"), Next: safeNext(r.URL.Query().Get("next"))}
	return s.render(w, r, http.StatusOK, view.SignInTOTP(p))
}

// signInTOTP serves POST /signin/totp.
func (s *Server) signInTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	st := stateOf(r)
	next := safeNext(r.PostFormValue("next"))
	if !st.session.MFAPending {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	res, err := s.Accounts.VerifyTOTP(r.Context(), st.secret, r.PostFormValue("code"), s.meta(r))
	if err != nil {
		k := citypact.KindOf(err)
		if k != citypact.KindInvalid && k != citypact.KindTooMany {
			return err
		}
		b := s.base(r, "totp.signin.title", "signin")
		b.HasErrors = true
		f := view.Form{Errors: citypact.FieldsOf(err), Message: citypact.MessageOf(err)}
		return s.render(w, r, httpx.StatusOf(err), view.SignInTOTP(view.TOTPPage{Base: b, Form: f, Next: next}))
	}
	s.setSession(w, res.Session, res.Secret)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signOut serves POST /signout.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if secret := stateOf(r).secret; secret != "" {
		if err := s.Accounts.SignOut(r.Context(), secret); err != nil {
			return err
		}
	}
	s.clearCookie(w, s.sessionCookieName())
	return s.redirect(w, r, "/", "flash.signed_out")
}
