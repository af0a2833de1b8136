package web

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// practiceShow serves GET /practices/{id}: the practice in the reader's language (?lang= picks
// another of its texts), with its facts, files, translations and lineage, and the actions the
// reader may take.
func (s *Server) practiceShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	return s.practicePage(w, r, http.StatusOK, p, view.Form{}, view.Form{})
}

// practicePage renders a practice; upload and publish carry those forms back with their errors.
func (s *Server) practicePage(w http.ResponseWriter, r *http.Request, status int, p practice.Practice, upload, publish view.Form) error {
	ctx := r.Context()
	st := stateOf(r)
	tr, a := st.tr, st.actor
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	rel, err := s.Practices.Related(ctx, p)
	if err != nil {
		return err
	}
	ts := rel.Translations
	cats, err := s.categories(ctx)
	if err != nil {
		return err
	}

	want := string(tr.Lang())
	if l := r.URL.Query().Get("lang"); l != "" && len(l) <= i18n.MaxTagLen {
		want = i18n.CanonicalTag(l)
	}
	loc := practice.Localize(p, ts, want)
	ref := n.practice(p)
	ref.Title = view.Name{Text: loc.Title, Lang: textLang(r, loc.Lang)}
	href := ref.Href()
	pg := view.PracticePage{
		Base: s.base(r, "practice.title", "library"), Practice: ref,
		TextLang: textLang(r, loc.Lang), Summary: loc.Summary, BodyHTML: renderMarkdown(loc.Body),
		Translated: loc.Translation != nil, Outdated: loc.Outdated,
		OrigHref: href + "?lang=" + url.QueryEscape(p.Lang), OrigLang: view.LanguageName(p.Lang, tr.Lang()),
		Missing: loc.Missing, MissingLang: view.LanguageName(want, tr.Lang()),
		Category: categoryName(cats, p.Category, tr.Lang()), Tags: p.Tags, Period: periodText(tr, p.PeriodFrom, p.PeriodTo),
		SDGs: sdgRefs(p.SDGTargets, tr.Lang()), Visibility: n.visibilityLabel(p.Visibility, p.OwnerID),
		Updated: formatDate(tr, p.UpdatedAt), Published: formatDate(tr, p.PublishedAt),
		CanEdit: practice.CanEdit(a, p.OwnerID) == nil,
		Upload:  upload, Publish: publish, Accept: acceptList(),
	}
	pg.Title = loc.Title
	pg.HasErrors = upload.Failed() || publish.Failed()
	if loc.Translation != nil {
		pg.TransOf = strconv.Itoa(loc.Translation.Version)
	}
	if p.Version > 0 {
		pg.Version = strconv.Itoa(p.Version)
	}
	for _, src := range rel.Sources {
		pg.Sources = append(pg.Sources, n.practice(src))
	}
	for _, ad := range rel.Adaptations {
		pg.Adaptations = append(pg.Adaptations, n.practice(ad))
	}
	for _, at := range rel.Attachments {
		pg.Attachments = append(pg.Attachments, view.AttachmentRow{ID: at.ID, Name: at.Name, Type: fileKind(at.Type),
			Size: sizeText(tr, at.Size), Href: "/attachments/" + strconv.FormatInt(at.ID, 10), CanDelete: pg.CanEdit})
	}
	// Questions about this practice: threads on the boards that link it.
	qs, err := s.Boards.Threads(ctx, board.ThreadFilter{Practice: p.ID, Bare: true, Page: citypact.Page{Limit: boardPage}})
	if err != nil {
		return err
	}
	for _, q := range qs {
		pg.Questions = append(pg.Questions, view.ThreadRow{ID: q.ID, Title: view.Name{Text: q.Title, Lang: textLang(r, q.Lang)},
			Status: string(q.Status())})
	}
	for _, t := range ts {
		pg.Translations = append(pg.Translations, view.TranslationRow{Lang: t.Lang, Language: view.LanguageName(t.Lang, tr.Lang()),
			Href: href + "?lang=" + url.QueryEscape(t.Lang), Version: strconv.Itoa(t.Version), Outdated: t.Outdated(p.Version),
			Shown: loc.Translation != nil && loc.Translation.Lang == t.Lang})
	}
	if a.SignedIn() && p.Status != practice.Draft {
		pg.CanTranslate = p.Status == practice.Published && a.Scope != citypact.ScopeRead
		rs, err := s.Practices.ReadState(ctx, p.ID)
		if err != nil {
			return err
		}
		pg.CanFollow, pg.Following = true, rs.Subscribed
		if rs.Subscribed && rs.ChangedSince(p.Version) {
			pg.ChangedFrom = strconv.Itoa(rs.LastRead)
			pg.ChangedHref = diffHref(p, rs.LastRead, p.Version)
		}
		// Reading the page is reading the current version; a form sent back with errors is not
		// a new reading.
		if status == http.StatusOK && rs.LastRead != p.Version {
			if err := s.Practices.MarkRead(ctx, p.ID, p.Version); err != nil {
				return err
			}
		}
	}
	return s.render(w, r, status, view.Practice(pg))
}

// diffHref is the page comparing two versions of p.
func diffHref(p practice.Practice, from, to int) string {
	return view.PracticeHref(p.ID, p.Slug) + "/diff?from=" + strconv.Itoa(from) + "&to=" + strconv.Itoa(to)
}

// acceptList is the upload forms' accept attribute: every allowed type and its extensions, listed
// once (a practice page spent 2 % of its time listing them afresh).
var acceptList = sync.OnceValue(func() string {
	var out []byte
	for _, t := range practice.AllowedTypes() {
		for _, e := range practice.Extensions(t) {
			if len(out) > 0 {
				out = append(out, ',')
			}
			out = append(out, e...)
		}
	}
	return string(out)
})

// practiceFollow serves POST /practices/{id}/follow: on=1 follows, anything else stops.
func (s *Server) practiceFollow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	on := r.PostFormValue("on") == "1"
	if err := s.Practices.Subscribe(r.Context(), p.ID, on); err != nil {
		return err
	}
	flash := "flash.practice_unfollowed"
	if on {
		flash = "flash.practice_followed"
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug), flash)
}

// practicePublish serves POST /practices/{id}/publish: an editor publishes the stored draft, or
// the stored text again, with a note. A practice that cannot be published as it stands (no
// category, no body) opens the edit form with what is missing.
func (s *Server) practicePublish(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := practice.CanEdit(stateOf(r).actor, p.OwnerID); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	note := r.PostFormValue("note")
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = v // the version the editor saw: a newer one since is a conflict
	}
	if err := practice.ValidateNote(note); err != nil {
		return s.practicePage(w, r, http.StatusUnprocessableEntity, p, view.Form{},
			view.Form{Values: map[string]string{"note": note}, Errors: citypact.FieldsOf(err)})
	}
	choices, err := s.practiceChoices(ctx, p.OwnerID)
	if err != nil {
		return err
	}
	check := p
	check.Status = practice.Published
	err = check.Validate(choices)
	if err == nil {
		_, err = s.Practices.Publish(ctx, &p, note)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := practiceFormValues(p)
		f.Values["note"] = note
		f.Errors = citypact.FieldsOf(err)
		return s.practiceFormPage(w, r, http.StatusUnprocessableEntity, p, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug), "flash.practice_published")
}

// practiceStatus serves POST /practices/{id}/status: an editor retires a published practice or
// publishes a retired one again (status=retired or published).
func (s *Server) practiceStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := practice.CanEdit(stateOf(r).actor, p.OwnerID); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	to := practice.Status(r.PostFormValue("status"))
	if !practice.CanSetStatus(p.Status, to) {
		return citypact.Conflict("practice.status_invalid")
	}
	if err := s.Practices.SetStatus(r.Context(), p.ID, to); err != nil {
		return err
	}
	flash := "flash.practice_republished"
	if to == practice.Retired {
		flash = "flash.practice_retired"
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug), flash)
}

// practiceDelete serves POST /practices/{id}/delete: an editor deletes a draft never published.
func (s *Server) practiceDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := practice.CanEdit(stateOf(r).actor, p.OwnerID); err != nil {
		return err
	}
	if err := s.Practices.DeleteDraft(r.Context(), p.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/library", "flash.practice_deleted")
}
