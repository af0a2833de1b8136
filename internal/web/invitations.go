package web

import (
	"net/http"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// linkError turns the failure of a link from account mail into its page: 404 for a link nobody
// issued, 410 Gone for one that worked once (used, expired, revoked), each saying why in the
// reader's language.
func linkError(err error) error {
	if account.Gone(err) {
		return &httpx.Status{Code: http.StatusGone, Key: citypact.MessageOf(err), Err: err}
	}
	return err
}

// noStore keeps pages that carry a link's token out of every cache.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// invitationsList serves GET /invitations: the pending invitations the reader manages (their
// organisation's; every one for admins) and the form to send one.
func (s *Server) invitationsList(w http.ResponseWriter, r *http.Request) error {
	f := view.Form{Values: map[string]string{"role": "member", "lang": string(stateOf(r).tr.Lang())}}
	return s.invitationsPage(w, r, http.StatusOK, f)
}

func (s *Server) invitationsPage(w http.ResponseWriter, r *http.Request, status int, f view.Form) error {
	a := stateOf(r).actor
	list, err := s.Accounts.Invitations(r.Context(), a)
	if err != nil {
		return err
	}
	p := view.InvitationsPage{Base: s.base(r, "invitations.title", "account"), Invitations: list, Form: f, IsAdmin: a.IsAdmin(),
		Roles: []citypact.Role{citypact.RoleMember, citypact.RoleEditor}}
	p.HasErrors = f.Failed()
	if a.IsAdmin() {
		p.Roles = citypact.Roles
		if p.Orgs, err = s.orgs(r); err != nil {
			return err
		}
	}
	return s.render(w, r, status, view.Invitations(p))
}

// invitationCreate serves POST /invitations. Who may invite whom into which organisation is
// decided by account.CanInvite; an editor's form has no organisation field, and naming another
// organisation anyway is refused.
func (s *Server) invitationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	role, _ := citypact.ParseRole(r.PostFormValue("role"))
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		lang = stateOf(r).tr.Lang()
	}
	_, err := s.Accounts.Invite(r.Context(), stateOf(r).actor, account.NewInvitation{
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Lang: lang, Role: role, OrgID: orgID})
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, "email", "name", "role", "org", "lang"), Errors: citypact.FieldsOf(err)}
		return s.invitationsPage(w, r, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.kickMail()
	return s.redirect(w, r, "/invitations", "flash.invitation_sent")
}

// invitationRevoke serves POST /invitations/{id}/revoke.
func (s *Server) invitationRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeInvitation(r.Context(), stateOf(r).actor, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/invitations", "flash.invitation_revoked")
}

// joinForm serves GET /join?token=…, the page an invitation's link opens. It only reads: the
// invitation is used up by the POST.
func (s *Server) joinForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	inv, err := s.Accounts.OpenInvitation(r.Context(), token)
	if err != nil {
		return linkError(err)
	}
	return s.joinPage(w, r, http.StatusOK, inv, token, view.Form{Values: map[string]string{"name": inv.Name}})
}

func (s *Server) joinPage(w http.ResponseWriter, r *http.Request, status int, inv account.Invitation, token string, f view.Form) error {
	noStore(w)
	p := view.JoinPage{Base: s.base(r, "join.title", ""), Invitation: inv, Token: token, Form: f}
	p.HasErrors = f.Failed()
	return s.render(w, r, status, view.Join(p))
}

// join serves POST /join: the invitee's name and password create the account, signed in.
func (s *Server) join(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token := r.PostFormValue("token")
	res, err := s.Accounts.AcceptInvitation(r.Context(), token, r.PostFormValue("name"), r.PostFormValue("password"), s.meta(r))
	if citypact.KindOf(err) == citypact.KindInvalid {
		inv, ierr := s.Accounts.OpenInvitation(r.Context(), token)
		if ierr != nil {
			return linkError(ierr)
		}
		f := view.Form{Values: formValues(r, "name"), Errors: citypact.FieldsOf(err)}
		return s.joinPage(w, r, http.StatusUnprocessableEntity, inv, token, f)
	} else if err != nil {
		return linkError(err)
	}
	if old := stateOf(r).secret; old != "" {
		_ = s.Accounts.SignOut(r.Context(), old)
	}
	s.setSession(w, res.Session, res.Secret)
	s.setCookie(w, langCookie, string(res.User.Lang), 365*24*3600)
	s.Log.Info("invitation accepted", "request_id", citypact.RequestIDFrom(r.Context()), "user_id", res.User.ID, "org_id", res.User.OrgID)
	return s.redirect(w, r, "/account", "flash.welcome")
}
