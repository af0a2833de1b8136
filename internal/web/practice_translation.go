package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// translationFields are the translation form's fields.
var translationFields = []string{"lang", "title", "summary", "body", "version"}

// translationFormPage renders the form beside the original's text.
func (s *Server) translationFormPage(w http.ResponseWriter, r *http.Request, status int, p practice.Practice, f view.Form) error {
	tr := stateOf(r).tr
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	pg := view.TranslationFormPage{Base: s.base(r, "translationform.title", "library"), Practice: n.practice(p), Form: f,
		Langs: langOptions(tr.Lang()), OrigLang: textLang(r, p.Lang), OrigSummary: p.Summary, OrigBodyHTML: renderMarkdown(p.Body),
		Version: strconv.Itoa(p.Version)}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.TranslationForm(pg))
}

// translatable checks that a practice can be translated now: published, by a signed-in reader
// who sees it (the store decides the rest, such as replacing someone else's translation).
func translatable(p practice.Practice) error {
	if p.Status != practice.Published || p.Version < 1 {
		return citypact.Conflict("practice.not_published")
	}
	return nil
}

// translationNewForm serves GET /practices/{id}/translations/new?lang=ko: a new translation,
// or the one in that language to bring up to date with the current version.
func (s *Server) translationNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := translatable(p); err != nil {
		return err
	}
	lang := strings.TrimSpace(r.URL.Query().Get("lang"))
	if len(lang) > i18n.MaxTagLen {
		lang = ""
	}
	lang = i18n.CanonicalTag(lang)
	if lang == "" {
		lang = string(stateOf(r).tr.Lang())
	}
	f := view.Form{Values: map[string]string{"lang": lang, "version": strconv.Itoa(p.Version)}}
	ts, err := s.Practices.Translations(r.Context(), p.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.Lang == lang {
			f.Values["title"], f.Values["summary"], f.Values["body"] = t.Title, t.Summary, t.Body
		}
	}
	return s.translationFormPage(w, r, http.StatusOK, p, f)
}

// translationSave serves POST /practices/{id}/translations: it saves the translation of the
// version the translator read, and shows the practice in that language.
func (s *Server) translationSave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := translatable(p); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	t := practice.Translation{PracticeID: p.ID, Lang: r.PostFormValue("lang"), Title: r.PostFormValue("title"),
		Summary: strings.ReplaceAll(r.PostFormValue("summary"), "\r\n", "\n"),
		Body:    strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"), Version: p.Version}
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		t.Version = v
	}
	err = t.Validate(p)
	if err == nil {
		err = s.Practices.SaveTranslation(r.Context(), &t)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, translationFields...), Errors: citypact.FieldsOf(err)}
		return s.translationFormPage(w, r, http.StatusUnprocessableEntity, p, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug)+"?lang="+url.QueryEscape(t.Lang), "flash.translation_saved")
}
