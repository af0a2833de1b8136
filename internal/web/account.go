package web

import (
	"net/http"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/web/view"
)

// pathID reads a numeric path segment; anything else is a page that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, citypact.NotFound(name)
	}
	return id, nil
}

// accountShow serves GET /account.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	return s.accountPage(w, r, http.StatusOK, view.Form{})
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, status int, f view.Form) error {
	u, err := s.Accounts.User(r.Context(), stateOf(r).actor)
	if err != nil {
		return err
	}
	b := s.base(r, "account.title", "account")
	b.HasErrors = f.Failed()
	return s.render(w, r, status, view.Account(view.AccountPage{Base: b, User: u, Form: f}))
}

// passwordChange serves POST /account/password. Every session ends; this browser gets a new one.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	res, err := s.Accounts.ChangePassword(r.Context(), stateOf(r).actor, r.PostFormValue("current"), r.PostFormValue("new"), s.meta(r))
	if citypact.KindOf(err) == citypact.KindInvalid {
		return s.accountPage(w, r, http.StatusUnprocessableEntity, view.Form{Errors: citypact.FieldsOf(err)})
	} else if err != nil {
		return err
	}
	s.setSession(w, res.Session, res.Secret)
	s.kickMail()
	return s.redirect(w, r, "/account", "flash.password_changed")
}

// emailChange serves POST /account/email: a new address, confirmed with the password. Both the
// old and the new address are told.
func (s *Server) emailChange(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, err := s.Accounts.ChangeEmail(r.Context(), stateOf(r).actor, r.PostFormValue("email"), r.PostFormValue("password"))
	if citypact.KindOf(err) == citypact.KindInvalid {
		return s.accountPage(w, r, http.StatusUnprocessableEntity, view.Form{Values: formValues(r, "email"), Errors: citypact.FieldsOf(err)})
	} else if err != nil {
		return err
	}
	s.kickMail()
	return s.redirect(w, r, "/account", "flash.email_changed")
}

// sessionsList serves GET /account/sessions.
func (s *Server) sessionsList(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	list, err := s.Accounts.Sessions(r.Context(), st.actor)
	if err != nil {
		return err
	}
	p := view.SessionsPage{Base: s.base(r, "sessions.title", "account"), Sessions: list, Current: st.session.ID}
	return s.render(w, r, http.StatusOK, view.Sessions(p))
}

// sessionEnd serves POST /account/sessions/{id}/end; only the user's own sessions can be ended.
func (s *Server) sessionEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st := stateOf(r)
	if err := s.Accounts.EndSession(r.Context(), st.actor, id); err != nil {
		return err
	}
	if id == st.session.ID {
		s.clearCookie(w, s.sessionCookieName())
		return s.redirect(w, r, "/", "flash.signed_out")
	}
	return s.redirect(w, r, "/account/sessions", "flash.session_ended")
}

// tokensList serves GET /account/tokens.
func (s *Server) tokensList(w http.ResponseWriter, r *http.Request) error {
	return s.tokensPage(w, r, http.StatusOK, view.Form{}, "")
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, status int, f view.Form, secret string) error {
	a := stateOf(r).actor
	list, err := s.Accounts.Tokens(r.Context(), a)
	if err != nil {
		return err
	}
	p := view.TokensPage{Base: s.base(r, "tokens.title", "account"), Tokens: list, Form: f, NewSecret: secret, IsAdmin: a.IsAdmin()}
	p.HasErrors = f.Failed()
	if a.IsAdmin() {
		if p.Orgs, err = s.Directory.ListOrganisations(r.Context(), citypact.Page{Limit: citypact.MaxLimit}); err != nil {
			return err
		}
	}
	return s.render(w, r, status, view.Tokens(p))
}

// tokenCreate serves POST /account/tokens. The secret is shown in this answer only, never stored
// in the clear and never put in a redirect.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	scope, _ := citypact.ParseScope(r.PostFormValue("scope"))
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	res, err := s.Accounts.CreateToken(r.Context(), stateOf(r).actor, r.PostFormValue("name"), scope, orgID)
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, "name", "scope", "org"), Errors: citypact.FieldsOf(err)}
		return s.tokensPage(w, r, http.StatusUnprocessableEntity, f, "")
	} else if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.tokensPage(w, r, http.StatusCreated, view.Form{}, res.Secret)
}

// tokenRevoke serves POST /account/tokens/{id}/revoke.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeToken(r.Context(), stateOf(r).actor, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account/tokens", "flash.token_revoked")
}

func formValues(r *http.Request, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = r.PostFormValue(n)
	}
	return m
}
