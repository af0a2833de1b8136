package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/web/view"
)

// forgotForm serves GET /password/forgot.
func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	p := view.ForgotPage{Base: s.base(r, "forgot.title", "signin")}
	return s.render(w, r, http.StatusOK, view.Forgot(p))
}

// forgotSend serves POST /password/forgot. Whether the address has an account or not, the
// answer is the same page with the same words: the form must not tell who has an account.
func (s *Server) forgotSend(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	err := s.Accounts.RequestPasswordReset(r.Context(), r.PostFormValue("email"), s.meta(r))
	if k := citypact.KindOf(err); k == citypact.KindInvalid || k == citypact.KindTooMany {
		status := http.StatusUnprocessableEntity
		if k == citypact.KindTooMany {
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(s.Accounts.Policy().ResetWindow/time.Second)))
		}
		p := view.ForgotPage{Base: s.base(r, "forgot.title", "signin"),
			Form: view.Form{Values: formValues(r, "email"), Errors: citypact.FieldsOf(err), Message: citypact.MessageOf(err)}}
		p.HasErrors = true
		return s.render(w, r, status, view.Forgot(p))
	} else if err != nil {
		return err
	}
	s.kickMail()
	return s.render(w, r, http.StatusOK, view.Forgot(view.ForgotPage{Base: s.base(r, "forgot.title", "signin"), Sent: true}))
}

// resetForm serves GET /password/reset?token=…, the page a reset link opens. It only reads.
func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	u, err := s.Accounts.OpenPasswordReset(r.Context(), token)
	if err != nil {
		return linkError(err)
	}
	return s.resetPage(w, r, http.StatusOK, u.Email, token, view.Form{})
}

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request, status int, email, token string, f view.Form) error {
	noStore(w)
	p := view.ResetPage{Base: s.base(r, "reset.title", "signin"), Email: email, Token: token, Form: f}
	p.HasErrors = f.Failed()
	return s.render(w, r, status, view.Reset(p))
}

// resetSave serves POST /password/reset. Every session of the user ends unless the form's
// keep_sessions box is ticked, so a form posted without it errs on the safe side. The user then
// signs in with the new password (and their second factor, if enrolled): a reset link alone
// never opens a session.
func (s *Server) resetSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token := r.PostFormValue("token")
	endSessions := r.PostFormValue("keep_sessions") != "true"
	err := s.Accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"), endSessions)
	if citypact.KindOf(err) == citypact.KindInvalid {
		u, uerr := s.Accounts.OpenPasswordReset(r.Context(), token)
		if uerr != nil {
			return linkError(uerr)
		}
		f := view.Form{Values: map[string]string{"keep_sessions": strconv.FormatBool(!endSessions)}, Errors: citypact.FieldsOf(err)}
		return s.resetPage(w, r, http.StatusUnprocessableEntity, u.Email, token, f)
	} else if err != nil {
		return linkError(err)
	}
	s.kickMail()
	return s.redirect(w, r, "/signin", "flash.password_reset")
}
