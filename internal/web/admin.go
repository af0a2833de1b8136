package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// adminShow serves GET /admin.
func (s *Server) adminShow(w http.ResponseWriter, r *http.Request) error {
	f := view.Form{Values: map[string]string{}}
	for field, key := range map[string]string{"country_area": settingHomeCountry, "city_area": settingHomeCity} {
		v, err := s.Settings.Setting(r.Context(), key)
		if err != nil && citypact.KindOf(err) != citypact.KindNotFound {
			return err
		}
		f.Values[field] = v
	}
	return s.adminPage(w, r, http.StatusOK, f)
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, status int, updates view.Form) error {
	req, err := s.Accounts.RequireAdminTOTP(r.Context())
	if err != nil {
		return err
	}
	p := view.AdminPage{Base: s.base(r, "admin.title", "admin"), RequireAdminTOTP: req, Updates: updates}
	p.HasErrors = updates.Failed()
	return s.render(w, r, status, view.Admin(p))
}

// adminSettings serves POST /admin/settings.
func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	on := r.PostFormValue("require_admin_totp") == "true"
	if err := s.Accounts.SetRequireAdminTOTP(r.Context(), stateOf(r).actor, on); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin", "flash.saved")
}

func (s *Server) orgs(r *http.Request) ([]view.Org, error) {
	return s.Directory.ListOrganisations(r.Context(), citypact.Page{Limit: citypact.MaxLimit})
}

// usersList serves GET /admin/users.
func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	return s.usersPage(w, r, http.StatusOK, view.Form{Values: map[string]string{"role": "member"}})
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, f view.Form) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	p := citypact.Page{After: after}.Normalize()
	users, err := s.Accounts.Users(r.Context(), stateOf(r).actor, p)
	if err != nil {
		return err
	}
	orgs, err := s.orgs(r)
	if err != nil {
		return err
	}
	v := view.UsersPage{Base: s.base(r, "users.title", "admin"), Users: users, Orgs: orgs, Form: f}
	v.HasErrors = f.Failed()
	if len(users) == p.Limit {
		v.Next = strconv.FormatInt(users[len(users)-1].ID, 10)
	}
	return s.render(w, r, status, view.Users(v))
}

// userCreate serves POST /admin/users.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := account.CanManageUsers(stateOf(r).actor); err != nil {
		return err
	}
	role, _ := citypact.ParseRole(r.PostFormValue("role"))
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	_, err := s.Accounts.CreateUser(r.Context(), account.NewUser{
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Lang: i18n.EN,
		Role: role, OrgID: orgID, Password: r.PostFormValue("password"),
	})
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, "email", "name", "role", "org"), Errors: citypact.FieldsOf(err)}
		return s.usersPage(w, r, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users", "flash.user_added")
}

// userEditForm serves GET /admin/users/{id}.
func (s *Server) userEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Accounts.UserByID(r.Context(), stateOf(r).actor, id)
	if err != nil {
		return err
	}
	f := view.Form{Values: map[string]string{"email": u.Email, "name": u.Name, "role": u.Role.String(),
		"org": strconv.FormatInt(u.OrgID, 10), "disabled": strconv.FormatBool(u.Disabled)}}
	return s.userEditPage(w, r, http.StatusOK, u, f)
}

func (s *Server) userEditPage(w http.ResponseWriter, r *http.Request, status int, u account.User, f view.Form) error {
	orgs, err := s.orgs(r)
	if err != nil {
		return err
	}
	v := view.UserEditPage{Base: s.base(r, "users.edit", "admin"), User: u, Orgs: orgs, Form: f}
	v.Title = u.Name
	v.HasErrors = f.Failed()
	return s.render(w, r, status, view.UserEdit(v))
}

// userUpdate serves POST /admin/users/{id}.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := stateOf(r).actor
	role, _ := citypact.ParseRole(r.PostFormValue("role"))
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	c := account.UserChange{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: role, OrgID: orgID, Disabled: r.PostFormValue("disabled") == "true"}
	_, err = s.Accounts.UpdateUser(r.Context(), a, id, c)
	if k := citypact.KindOf(err); k == citypact.KindInvalid || k == citypact.KindConflict {
		u, uerr := s.Accounts.UserByID(r.Context(), a, id)
		if uerr != nil {
			return uerr
		}
		f := view.Form{Values: formValues(r, "email", "name", "role", "org", "disabled"), Errors: citypact.FieldsOf(err), Message: citypact.MessageOf(err)}
		return s.userEditPage(w, r, http.StatusUnprocessableEntity, u, f)
	} else if err != nil {
		return err
	}
	s.kickMail()
	return s.redirect(w, r, "/admin/users", "flash.saved")
}

// auditList serves GET /admin/audit with filters in the query string.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).actor
	if err := audit.CanRead(a); err != nil {
		return err
	}
	q := r.URL.Query()
	f := audit.Filter{Entity: q.Get("entity"), Action: q.Get("action")}
	f.ActorUserID, _ = strconv.ParseInt(q.Get("actor"), 10, 64)
	if t, err := time.Parse(time.DateOnly, q.Get("since")); err == nil {
		f.Since = t
	}
	f.Page.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Page = f.Page.Normalize()
	entries, err := s.Audit.AuditLog(r.Context(), f)
	if err != nil {
		return err
	}
	p := view.AuditPage{Base: s.base(r, "audit.title", "admin"), Entries: entries, Filter: f,
		Query: map[string]string{"entity": f.Entity, "action": f.Action, "actor": q.Get("actor"), "since": q.Get("since")}}
	if len(entries) == f.Page.Limit {
		next := url.Values{}
		for k, v := range p.Query {
			if v != "" {
				next.Set(k, v)
			}
		}
		next.Set("after", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		p.Next = next.Encode()
	}
	return s.render(w, r, http.StatusOK, view.Audit(p))
}
