package web

import (
	"net/http"

	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// home serves GET /.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, view.Home(view.HomePage{Base: s.base(r, "home.title", "home")}))
}

// setLanguage serves POST /language: it remembers the choice (a cookie for visitors, the profile
// for users) and returns to the page the form was on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		return errInvalidLang
	}
	st := stateOf(r)
	if err := s.Accounts.SetLang(r.Context(), st.actor, lang); err != nil {
		return err
	}
	s.setCookie(w, langCookie, string(lang), 365*24*3600)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// sampleData serves GET /about/sample-data: what the demo hub's data is and where it comes from.
func (s *Server) sampleData(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, view.SampleData(view.SampleDataPage{Base: s.base(r, "demo.title", "")}))
}
