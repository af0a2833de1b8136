package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// practiceFields are the practice form's fields, kept as typed when the form comes back.
var practiceFields = []string{"owner", "title", "slug", "lang", "summary", "body", "category", "tags", "period_from", "period_to",
	"sdg_targets", "visibility", "adapted_from", "note", "version"}

// practiceFormValues fills the form from a stored practice.
func practiceFormValues(p practice.Practice) view.Form {
	ids := make([]string, len(p.AdaptedFrom))
	for i, id := range p.AdaptedFrom {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return view.Form{Values: map[string]string{
		"title": p.Title, "slug": p.Slug, "lang": p.Lang, "summary": p.Summary, "body": p.Body, "category": p.Category,
		"tags": strings.Join(p.Tags, ", "), "period_from": isoDate(p.PeriodFrom), "period_to": isoDate(p.PeriodTo),
		"sdg_targets": strings.Join(p.SDGTargets, ", "), "visibility": p.Visibility.String(),
		"adapted_from": strings.Join(ids, ", "), "version": strconv.Itoa(p.Version),
	}}
}

// practiceChoices are the categories and the owner's networks a practice is checked against.
func (s *Server) practiceChoices(ctx context.Context, ownerID int64) (practice.Choices, error) {
	cats, err := s.categories(ctx)
	if err != nil {
		return practice.Choices{}, err
	}
	nets, err := s.ownerNetworks(ctx, ownerID)
	if err != nil {
		return practice.Choices{}, err
	}
	return practice.Choices{Categories: practice.CategoryKeys(cats), Networks: nets}, nil
}

// practiceFormPage renders the form to create (p.ID == 0) or change a practice.
func (s *Server) practiceFormPage(w http.ResponseWriter, r *http.Request, status int, p practice.Practice, f view.Form) error {
	ctx := r.Context()
	st := stateOf(r)
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	cats, err := s.categories(ctx)
	if err != nil {
		return err
	}
	title := "practiceform.new_title"
	if p.ID != 0 {
		title = "practiceform.edit_title"
	}
	pg := view.PracticeFormPage{Base: s.base(r, title, "library"), New: p.ID == 0, Draft: p.ID == 0 || p.Status == practice.Draft,
		Form: f, Categories: categoryOptions(cats, st.tr.Lang()), Langs: langOptions(st.tr.Lang())}
	if p.ID != 0 {
		pg.Practice = n.practice(p)
	}
	pg.HasErrors = f.Failed()
	owner := p.OwnerID
	if owner != 0 {
		nets, err := s.ownerNetworks(ctx, owner)
		if err != nil {
			return err
		}
		pg.Visibilities = n.visibilityOptions(owner, nets)
	} else {
		pg.Visibilities = n.visibilityOptions(0, nil)
	}
	if pg.New && st.actor.IsAdmin() {
		orgs, err := s.allOrganisations(ctx, directory.Filter{}, maxListed)
		if err != nil {
			return err
		}
		pg.Owners = orgOptions(st.tr.Lang(), orgs, 0)
	}
	return s.render(w, r, status, view.PracticeForm(pg))
}

// practiceNewForm serves GET /practices/new: an editor starts a practice of their organisation.
func (s *Server) practiceNewForm(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := practice.CanEdit(st.actor, st.actor.OrgID); err != nil {
		return err
	}
	p := practice.Practice{OwnerID: st.actor.OrgID, Status: practice.Draft, Lang: string(st.tr.Lang()), Visibility: practice.OrgOnly}
	f := practiceFormValues(p)
	if o, err := s.Directory.OrganisationByID(r.Context(), p.OwnerID); err == nil {
		f.Values["owner"] = o.Slug
	}
	return s.practiceFormPage(w, r, http.StatusOK, p, f)
}

// practiceCreate serves POST /practices/new: the practice is kept as a draft, and published at
// once when the editor chose to. Editors write for their own organisation; only admins name
// another owner.
func (s *Server) practiceCreate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := practice.CanEdit(st.actor, st.actor.OrgID); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := practice.Practice{OwnerID: st.actor.OrgID, Status: practice.Draft}
	var fe formErrors
	if st.actor.IsAdmin() {
		slug := strings.TrimSpace(r.PostFormValue("owner"))
		if o, err := s.orgBySlugValue(r, slug); err == nil {
			p.OwnerID = o.ID
		} else if citypact.KindOf(err) == citypact.KindNotFound {
			if slug == "" && p.OwnerID == 0 {
				fe.add("owner", "field.required")
			} else if slug != "" {
				fe.add("owner", "org.unknown")
			}
		} else {
			return err
		}
	}
	return s.savePractice(w, r, p, fe)
}

// orgBySlugValue reads the organisation a form names by its slug.
func (s *Server) orgBySlugValue(r *http.Request, slug string) (directory.Organisation, error) {
	if slug == "" || len(slug) > 64 {
		return directory.Organisation{}, citypact.NotFound("organisation")
	}
	return s.Directory.OrganisationBySlug(r.Context(), strings.ToLower(slug))
}

// practiceEditForm serves GET /practices/{id}/edit: the owner's editors and admins.
func (s *Server) practiceEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	if err := practice.CanEdit(stateOf(r).actor, p.OwnerID); err != nil {
		return err
	}
	return s.practiceFormPage(w, r, http.StatusOK, p, practiceFormValues(p))
}

// practiceUpdate serves POST /practices/{id}/edit: a draft is saved (action=save) or published
// (action=publish); a published practice's changes are published, as a new version when its
// text changed.
func (s *Server) practiceUpdate(w http.ResponseWriter, r *http.Request) error {
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
	return s.savePractice(w, r, p, nil)
}

// readPracticeForm applies the posted form to p; fe collects what cannot even be read. The
// owner, status and id are never taken from the form.
func (s *Server) readPracticeForm(r *http.Request, p *practice.Practice) (formErrors, error) {
	var fe formErrors
	p.Title = r.PostFormValue("title")
	p.Slug = r.PostFormValue("slug")
	p.Lang = r.PostFormValue("lang")
	p.Summary = strings.ReplaceAll(r.PostFormValue("summary"), "\r\n", "\n")
	p.Body = strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")
	p.Category = r.PostFormValue("category")
	p.Tags = splitTags(r.PostFormValue("tags"))
	p.PeriodFrom = fe.date(r, "period_from")
	p.PeriodTo = fe.date(r, "period_to")
	p.SDGTargets = splitList(r.PostFormValue("sdg_targets"))
	if v, err := practice.ParseVisibility(r.PostFormValue("visibility")); err == nil {
		p.Visibility = v
	} else {
		fe.add("visibility", "practice.visibility_invalid")
	}
	if v := strings.TrimSpace(r.PostFormValue("version")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.add("version", "field.invalid")
		}
		p.Version = n
	}
	items := splitList(r.PostFormValue("adapted_from"))
	if len(items) > practice.MaxAdaptedFrom {
		fe.add("adapted_from", "practice.adapted_from_too_many", "max", strconv.Itoa(practice.MaxAdaptedFrom))
		return fe, nil
	}
	ids, bad, err := s.practiceRefs(r.Context(), items)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		fe.add("adapted_from", "practice.adapted_from_invalid")
	}
	p.AdaptedFrom = ids
	return fe, nil
}

// savePractice reads the form into p and keeps it as the editor chose, or shows the form again
// with what was wrong.
func (s *Server) savePractice(w http.ResponseWriter, r *http.Request, p practice.Practice, fe formErrors) error {
	ctx := r.Context()
	stored := p
	more, err := s.readPracticeForm(r, &p)
	if err != nil {
		return err
	}
	fe = append(fe, more...)
	note := r.PostFormValue("note")
	publish := r.PostFormValue("action") == "publish" || (stored.ID != 0 && stored.Status != practice.Draft)
	choices, err := s.practiceChoices(ctx, p.OwnerID)
	if err != nil {
		return err
	}
	check := p
	if publish {
		check.Status = practice.Published
		fe = append(fe, citypact.FieldsOf(practice.ValidateNote(note))...)
	}
	err = invalidOrNil(merge(fe, check.Validate(choices), nil))
	created := false
	if err == nil && p.ID == 0 {
		err = s.Practices.CreatePractice(ctx, &p)
		stored, created = p, err == nil
	} else if err == nil && !publish {
		err = s.Practices.SaveDraft(ctx, &p)
	}
	if err == nil && publish {
		_, err = s.Practices.Publish(ctx, &p, note)
	}
	switch citypact.KindOf(err) {
	case citypact.KindInvalid, citypact.KindConflict:
		f := view.Form{Values: formValues(r, practiceFields...), Errors: citypact.FieldsOf(err)}
		status := http.StatusUnprocessableEntity
		if citypact.KindOf(err) == citypact.KindConflict {
			f.Message, status = citypact.MessageOf(err), http.StatusConflict
		}
		if stored.ID != 0 {
			f.Values["version"] = strconv.Itoa(stored.Version)
		}
		return s.practiceFormPage(w, r, status, stored, f)
	}
	if err != nil {
		return err
	}
	flash := "flash.saved"
	switch {
	case publish:
		flash = "flash.practice_published"
	case created:
		flash = "flash.practice_created"
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug), flash)
}
