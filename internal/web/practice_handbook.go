package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// handbookShow serves GET /handbooks/{id}: the practices the reader may see, in order and in
// full, ready to print, each in the reader's language when translated. Opening it as a member of
// another organisation is recorded; the owner sees who opened it and when.
func (s *Server) handbookShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	tr, a := st.tr, st.actor
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.Practices.Handbook(ctx, id)
	if err != nil {
		return err
	}
	items, hidden, err := s.Practices.HandbookItems(ctx, id)
	if err != nil {
		return err
	}
	if practice.RecordsOpen(a, h) {
		if err := s.Practices.RecordOpen(ctx, id); err != nil {
			return err
		}
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	cats, err := s.categories(ctx)
	if err != nil {
		return err
	}
	pg := view.HandbookPage{Base: s.base(r, "handbook.title", "library"), ID: h.ID, Summary: h.Summary, Owner: n.org(h.OwnerID),
		Visibility: n.visibilityLabel(h.Visibility, h.OwnerID), Hidden: hidden, CanEdit: practice.CanEdit(a, h.OwnerID) == nil,
		Updated: formatDate(tr, h.UpdatedAt)}
	pg.Title = h.Title
	for i, p := range items {
		loc := practice.Localize(p, nil, string(tr.Lang()))
		if loc.Missing {
			// Only practices in another language than the reader's need their translations.
			ts, err := s.Practices.Translations(ctx, p.ID)
			if err != nil {
				return err
			}
			loc = practice.Localize(p, ts, string(tr.Lang()))
		}
		ref := n.practice(p)
		ref.Title = view.Name{Text: loc.Title, Lang: textLang(r, loc.Lang)}
		pg.Items = append(pg.Items, view.HandbookItem{Anchor: "item-" + strconv.Itoa(i+1), Practice: ref, TextLang: textLang(r, loc.Lang),
			Summary: loc.Summary, BodyHTML: renderMarkdown(loc.Body), Category: categoryName(cats, p.Category, tr.Lang()),
			Period: periodText(tr, p.PeriodFrom, p.PeriodTo), Translated: loc.Translation != nil, Outdated: loc.Outdated,
			Retired: p.Status == practice.Retired})
	}
	if practice.CanSeeOpens(a, h) == nil {
		pg.ShowOpens = true
		opens, err := s.Practices.Opens(ctx, id)
		if err != nil {
			return err
		}
		for _, o := range opens {
			pg.Opens = append(pg.Opens, view.OpenRow{Org: n.org(o.OrgID), First: tr.DateTime(o.FirstAt), Last: tr.DateTime(o.LastAt)})
		}
		for _, org := range h.SharedWith {
			pg.SharedWith = append(pg.SharedWith, n.org(org))
		}
	}
	return s.render(w, r, http.StatusOK, view.HandbookView(pg))
}

// handbookFields are the handbook form's fields.
var handbookFields = []string{"owner", "title", "summary", "items", "shared_with", "visibility"}

// handbookFormValues fills the form from a stored handbook: one item a line, its page and title.
func (s *Server) handbookFormValues(r *http.Request, h practice.Handbook) (view.Form, error) {
	var lines []string
	for _, id := range h.Items {
		p, err := s.Practices.Practice(r.Context(), id)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			lines = append(lines, strconv.FormatInt(id, 10))
		case err != nil:
			return view.Form{}, err
		default:
			lines = append(lines, strings.TrimPrefix(view.PracticeHref(p.ID, p.Slug), "/practices/")+" "+p.Title)
		}
	}
	n, err := s.namer(r)
	if err != nil {
		return view.Form{}, err
	}
	var shares []string
	for _, id := range h.SharedWith {
		shares = append(shares, n.org(id).Slug)
	}
	return view.Form{Values: map[string]string{"title": h.Title, "summary": h.Summary, "items": strings.Join(lines, "\n"),
		"shared_with": strings.Join(shares, ", "), "visibility": h.Visibility.String()}}, nil
}

// handbookFormPage renders the form to create (h.ID == 0) or change a handbook.
func (s *Server) handbookFormPage(w http.ResponseWriter, r *http.Request, status int, h practice.Handbook, f view.Form) error {
	ctx := r.Context()
	st := stateOf(r)
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	nets, err := s.ownerNetworks(ctx, h.OwnerID)
	if err != nil {
		return err
	}
	orgs, err := s.allOrganisations(ctx, directory.Filter{}, maxListed)
	if err != nil {
		return err
	}
	title := "handbookform.new_title"
	if h.ID != 0 {
		title = "handbookform.edit_title"
	}
	pg := view.HandbookFormPage{Base: s.base(r, title, "library"), ID: h.ID, Form: f,
		Visibilities: n.visibilityOptions(h.OwnerID, nets), Orgs: orgOptions(st.tr.Lang(), orgs, h.OwnerID),
		ChooseOwner: h.ID == 0 && st.actor.IsAdmin()}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.HandbookForm(pg))
}

// handbookNewForm serves GET /handbooks/new; ?practice= starts it with one practice.
func (s *Server) handbookNewForm(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).actor
	if err := practice.CanEdit(a, a.OrgID); err != nil {
		return err
	}
	h := practice.Handbook{OwnerID: a.OrgID, Visibility: practice.OrgOnly}
	f, err := s.handbookFormValues(r, h)
	if err != nil {
		return err
	}
	if p, err := s.practiceOfQuery(r, "practice"); err == nil {
		f.Values["items"] = strings.TrimPrefix(view.PracticeHref(p.ID, p.Slug), "/practices/") + " " + p.Title
	}
	return s.handbookFormPage(w, r, http.StatusOK, h, f)
}

// handbookCreate serves POST /handbooks/new. Editors make handbooks of their own organisation;
// admins name the owner.
func (s *Server) handbookCreate(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).actor
	if err := practice.CanEdit(a, a.OrgID); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	h := practice.Handbook{OwnerID: a.OrgID}
	var fe formErrors
	if a.IsAdmin() {
		slug := strings.TrimSpace(r.PostFormValue("owner"))
		o, err := s.orgBySlugValue(r, slug)
		switch {
		case err == nil:
			h.OwnerID = o.ID
		case citypact.KindOf(err) != citypact.KindNotFound:
			return err
		case slug != "":
			fe.add("owner", "org.unknown")
		case h.OwnerID == 0:
			fe.add("owner", "field.required")
		}
	}
	return s.saveHandbook(w, r, h, fe)
}

// handbookEditForm serves GET /handbooks/{id}/edit: the owner's editors and admins.
func (s *Server) handbookEditForm(w http.ResponseWriter, r *http.Request) error {
	h, err := s.editableHandbook(r)
	if err != nil {
		return err
	}
	f, err := s.handbookFormValues(r, h)
	if err != nil {
		return err
	}
	return s.handbookFormPage(w, r, http.StatusOK, h, f)
}

// handbookUpdate serves POST /handbooks/{id}/edit.
func (s *Server) handbookUpdate(w http.ResponseWriter, r *http.Request) error {
	h, err := s.editableHandbook(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	return s.saveHandbook(w, r, h, nil)
}

// editableHandbook reads the handbook a path names, for one of the owner's editors.
func (s *Server) editableHandbook(r *http.Request) (practice.Handbook, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return practice.Handbook{}, err
	}
	h, err := s.Practices.Handbook(r.Context(), id)
	if err != nil {
		return practice.Handbook{}, err
	}
	return h, practice.CanEdit(stateOf(r).actor, h.OwnerID)
}

// saveHandbook reads the form into h and stores it, or shows the form again with what was wrong.
func (s *Server) saveHandbook(w http.ResponseWriter, r *http.Request, h practice.Handbook, fe formErrors) error {
	ctx := r.Context()
	stored := h
	h.Title = r.PostFormValue("title")
	h.Summary = strings.ReplaceAll(r.PostFormValue("summary"), "\r\n", "\n")
	if v, err := practice.ParseVisibility(r.PostFormValue("visibility")); err == nil {
		h.Visibility = v
	} else {
		fe.add("visibility", "practice.visibility_invalid")
	}
	// One practice a line: the first word names it; the rest (its title) is for the reader.
	var items []string
	for _, line := range strings.Split(r.PostFormValue("items"), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			items = append(items, f[0])
		}
	}
	if len(items) > practice.MaxHandbookItems {
		fe.add("items", "practice.handbook_items_too_many", "max", strconv.Itoa(practice.MaxHandbookItems))
	} else {
		ids, bad, err := s.practiceRefs(ctx, items)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			fe.add("items", "practice.handbook_item_invalid")
		}
		h.Items = ids
	}
	h.SharedWith = nil
	shares := slugList(r.PostFormValue("shared_with"))
	if len(shares) > practice.MaxHandbookShares {
		fe.add("shared_with", "practice.handbook_shares_too_many", "max", strconv.Itoa(practice.MaxHandbookShares))
		shares = nil
	}
	for _, slug := range shares {
		o, err := s.orgBySlugValue(r, slug)
		if citypact.KindOf(err) == citypact.KindNotFound {
			fe.add("shared_with", "practice.handbook_share_invalid")
			break
		} else if err != nil {
			return err
		}
		h.SharedWith = append(h.SharedWith, o.ID)
	}
	nets, err := s.ownerNetworks(ctx, h.OwnerID)
	if err != nil {
		return err
	}
	if h.Visibility.Kind == practice.VisNetwork && !slices.Contains(nets, h.Visibility.NetworkID) {
		fe.add("visibility", "practice.network_invalid")
	}
	err = invalidOrNil(merge(fe, h.Validate(), nil))
	if err == nil && h.ID == 0 {
		err = s.Practices.CreateHandbook(ctx, &h)
	} else if err == nil {
		err = s.Practices.UpdateHandbook(ctx, &h)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, handbookFields...), Errors: citypact.FieldsOf(err)}
		return s.handbookFormPage(w, r, http.StatusUnprocessableEntity, stored, f)
	} else if err != nil {
		return err
	}
	flash := "flash.saved"
	if stored.ID == 0 {
		flash = "flash.handbook_created"
	}
	return s.redirect(w, r, "/handbooks/"+strconv.FormatInt(h.ID, 10), flash)
}
