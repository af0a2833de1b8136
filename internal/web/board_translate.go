package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// translateFields are the translation form's fields.
var translateFields = []string{"lang", "title", "body"}

func (s *Server) translateFormPage(w http.ResponseWriter, r *http.Request, status int, t board.Thread, p *board.Post, tg view.ThreadTarget, f view.Form) error {
	tr := stateOf(r).tr
	pg := view.TranslateFormPage{Base: s.base(r, "boards.translate.title", "boards"), Target: tg, Form: f,
		Langs: langOptions(tr.Lang()), OrigLang: textLang(r, t.Lang), OrigTitle: t.Title, OrigBodyHTML: renderMarkdown(t.Body),
		Version: strconv.Itoa(t.Version)}
	if p != nil {
		pg.OrigLang, pg.OrigTitle, pg.OrigBodyHTML, pg.Version = textLang(r, p.Lang), "", renderMarkdown(p.Body), strconv.Itoa(p.Version)
	}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.TranslateForm(pg))
}

// translateForm serves GET /threads/{id}/translate?post=&lang=: the form to translate the
// thread's title and text, or a post, into a language; an existing translation in that
// language is there to bring up to date.
func (s *Server) translateForm(w http.ResponseWriter, r *http.Request) error {
	_, t, p, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	lang := strings.TrimSpace(r.URL.Query().Get("lang"))
	if len(lang) > i18n.MaxTagLen || !i18n.ValidTag(i18n.CanonicalTag(lang)) {
		lang = ""
	}
	lang = i18n.CanonicalTag(lang)
	if lang == "" {
		lang = string(stateOf(r).tr.Lang())
	}
	f := view.Form{Values: map[string]string{"lang": lang}}
	trs, err := s.Boards.Translations(r.Context(), t.ID)
	if err != nil {
		return err
	}
	for _, x := range trs {
		if x.PostID == tg.PostID && x.Lang == lang {
			f.Values["title"], f.Values["body"] = x.Title, x.Body
		}
	}
	return s.translateFormPage(w, r, http.StatusOK, t, p, tg, f)
}

// translateSave serves POST /threads/{id}/translate: the translation of the version the
// translator read (version=), in a language other than the original's; the store asks
// board.CanTranslate. The thread is then shown in that language.
func (s *Server) translateSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, t, p, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	x := board.Translation{ThreadID: t.ID, PostID: tg.PostID, Lang: r.PostFormValue("lang"), Title: r.PostFormValue("title"),
		Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"), Version: t.Version}
	if p != nil {
		x.Version, x.Title = p.Version, ""
	}
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		x.Version = v
	}
	check := x
	err = check.Validate(t, p)
	if err == nil {
		err = s.Boards.SaveTranslation(r.Context(), &x)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, translateFields...), Errors: citypact.FieldsOf(err)}
		return s.translateFormPage(w, r, http.StatusUnprocessableEntity, t, p, tg, f)
	} else if err != nil {
		return err
	}
	to := view.ThreadLangHref(t.ID, x.Lang)
	if tg.PostID != 0 {
		to += "#post-" + strconv.FormatInt(tg.PostID, 10)
	}
	return s.redirect(w, r, to, "flash.board.translated")
}
