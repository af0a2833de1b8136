package web

import (
	"net/http"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/web/view"
)

// This file holds the forms that change what hangs off an organisation: its contacts, its ties
// and its timeline entries. Each action is reached from the organisation's page.

// editableOrg reads the path's organisation and checks that the actor may change it.
func (s *Server) editableOrg(r *http.Request) (directory.Organisation, error) {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return o, err
	}
	return o, directory.CanEdit(stateOf(r).actor, o.ID)
}

// orgPageRef shows the path's organisation in the reader's language, for a form's heading.
func (s *Server) orgPageRef(r *http.Request, o directory.Organisation) (view.OrgRef, error) {
	rs, err := s.regions(r.Context())
	if err != nil {
		return view.OrgRef{}, err
	}
	return orgRef(r, o, rs), nil
}

// ---- Contacts ----

// contactRename maps the domain's contact fields to the form's: "title" is a function (mayor,
// spokesperson…) and "role" the free-text position, named apart from the entry title and the
// account role.
var contactRename = map[string]string{"title": "function", "role": "position"}

var contactFields = []string{"name", "function", "position", "email", "phone", "source"}

func (s *Server) contactFormPage(w http.ResponseWriter, r *http.Request, status int, o directory.Organisation, id int64, f view.Form) error {
	ref, err := s.orgPageRef(r, o)
	if err != nil {
		return err
	}
	title := "contactform.new_title"
	if id != 0 {
		title = "contactform.edit_title"
	}
	p := view.ContactFormPage{Base: s.base(r, title, "directory"), Org: ref, ContactID: id, Form: f}
	p.HasErrors = f.Failed()
	return s.render(w, r, status, view.ContactForm(p))
}

// contactNewForm serves GET /orgs/{slug}/contacts/new.
func (s *Server) contactNewForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOrg(r)
	if err != nil {
		return err
	}
	return s.contactFormPage(w, r, http.StatusOK, o, 0, view.Form{})
}

// contactOf reads the path's contact, which must belong to the path's organisation.
func (s *Server) contactOf(r *http.Request) (directory.Organisation, directory.Contact, error) {
	o, err := s.editableOrg(r)
	if err != nil {
		return o, directory.Contact{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return o, directory.Contact{}, err
	}
	c, err := s.Directory.Contact(r.Context(), id)
	if err == nil && c.OrgID != o.ID {
		err = citypact.NotFound("contact of this organisation")
	}
	return o, c, err
}

// contactEditForm serves GET /orgs/{slug}/contacts/{id}/edit.
func (s *Server) contactEditForm(w http.ResponseWriter, r *http.Request) error {
	o, c, err := s.contactOf(r)
	if err != nil {
		return err
	}
	f := view.Form{Values: map[string]string{"name": c.Name, "function": string(c.Title), "position": c.Role,
		"email": c.Email, "phone": c.Phone, "source": c.Source}}
	return s.contactFormPage(w, r, http.StatusOK, o, c.ID, f)
}

func readContactForm(r *http.Request, c *directory.Contact) {
	c.Name = r.PostFormValue("name")
	c.Title = directory.ContactTitle(r.PostFormValue("function"))
	c.Role = r.PostFormValue("position")
	c.Email = r.PostFormValue("email")
	c.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	c.Source = strings.TrimSpace(r.PostFormValue("source"))
}

// contactCreate serves POST /orgs/{slug}/contacts.
func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOrg(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	c := directory.Contact{OrgID: o.ID}
	readContactForm(r, &c)
	err = c.Validate()
	if err == nil {
		err = s.Directory.AddContact(r.Context(), &c)
	}
	return s.contactSaved(w, r, o, 0, err)
}

// contactUpdate serves POST /orgs/{slug}/contacts/{id}.
func (s *Server) contactUpdate(w http.ResponseWriter, r *http.Request) error {
	o, c, err := s.contactOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	readContactForm(r, &c)
	err = c.Validate()
	if err == nil {
		err = s.Directory.UpdateContact(r.Context(), &c)
	}
	return s.contactSaved(w, r, o, c.ID, err)
}

func (s *Server) contactSaved(w http.ResponseWriter, r *http.Request, o directory.Organisation, id int64, err error) error {
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, contactFields...), Errors: merge(nil, err, contactRename)}
		return s.contactFormPage(w, r, http.StatusUnprocessableEntity, o, id, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/orgs/"+o.Slug+"#org-contacts", "flash.saved")
}

// contactDelete serves POST /orgs/{slug}/contacts/{id}/delete.
func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request) error {
	o, c, err := s.contactOf(r)
	if err != nil {
		return err
	}
	if err := s.Directory.DeleteContact(r.Context(), c.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/orgs/"+o.Slug+"#org-contacts", "flash.deleted")
}

// ---- Ties ----

// partnerChoices lists every other organisation for a datalist.
func (s *Server) partnerChoices(r *http.Request, except int64) ([]view.Option, error) {
	orgs, err := s.allOrganisations(r.Context(), directory.Filter{}, maxListed)
	if err != nil {
		return nil, err
	}
	return orgOptions(stateOf(r).tr.Lang(), orgs, except), nil
}

func (s *Server) tieFormPage(w http.ResponseWriter, r *http.Request, status int, o directory.Organisation, f view.Form) error {
	ref, err := s.orgPageRef(r, o)
	if err != nil {
		return err
	}
	partners, err := s.partnerChoices(r, o.ID)
	if err != nil {
		return err
	}
	p := view.TieFormPage{Base: s.base(r, "tieform.title", "directory"), Org: ref, Form: f, Partners: partners}
	p.HasErrors = f.Failed()
	return s.render(w, r, status, view.TieForm(p))
}

// tieNewForm serves GET /orgs/{slug}/ties/new.
func (s *Server) tieNewForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOrg(r)
	if err != nil {
		return err
	}
	return s.tieFormPage(w, r, http.StatusOK, o, view.Form{Values: map[string]string{"kind": string(directory.TieSister)}})
}

// tieCreate serves POST /orgs/{slug}/ties. An editor of either side may record a tie.
func (s *Server) tieCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var fe formErrors
	t := directory.Tie{A: o.ID, Kind: directory.TieKind(r.PostFormValue("kind")), Since: fe.date(r, "since"),
		Reference: r.PostFormValue("reference"), Source: strings.TrimSpace(r.PostFormValue("source"))}
	if slug := strings.ToLower(strings.TrimSpace(r.PostFormValue("partner"))); slug != "" {
		partner, err := s.Directory.OrganisationBySlug(r.Context(), slug)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			fe.add("partner", "org.unknown")
		case err != nil:
			return err
		default:
			t.B = partner.ID
		}
	}
	if err := directory.CanChangeTie(stateOf(r).actor, t); err != nil {
		return err
	}
	t.Normalize()
	verr := t.Validate()
	if len(fe) > 0 && t.B == 0 { // the partner is unknown, not missing
		verr = invalidOrNil(dropField(citypact.FieldsOf(verr), "partner", "field.required"))
	}
	err = invalidOrNil(merge(fe, verr, nil))
	if err == nil {
		err = s.Directory.AddTie(r.Context(), &t)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, "partner", "kind", "since", "reference", "source"), Errors: merge(nil, err, nil)}
		return s.tieFormPage(w, r, http.StatusUnprocessableEntity, o, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/orgs/"+o.Slug+"#org-ties", "flash.added")
}

// dropField removes one field error.
func dropField(fields []citypact.FieldError, field, key string) []citypact.FieldError {
	out := fields[:0:0]
	for _, f := range fields {
		if f.Field != field || f.Key != key {
			out = append(out, f)
		}
	}
	return out
}

// tieDelete serves POST /orgs/{slug}/ties/{id}/delete.
func (s *Server) tieDelete(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Directory.Tie(r.Context(), id)
	if err != nil {
		return err
	}
	if t.A != o.ID && t.B != o.ID {
		return citypact.NotFound("tie of this organisation")
	}
	if err := directory.CanChangeTie(stateOf(r).actor, t); err != nil {
		return err
	}
	if err := s.Directory.DeleteTie(r.Context(), t.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/orgs/"+o.Slug+"#org-ties", "flash.deleted")
}

// ---- Timeline ----

func (s *Server) entryFormPage(w http.ResponseWriter, r *http.Request, status int, o directory.Organisation, f view.Form) error {
	ref, err := s.orgPageRef(r, o)
	if err != nil {
		return err
	}
	partners, err := s.partnerChoices(r, o.ID)
	if err != nil {
		return err
	}
	p := view.EntryFormPage{Base: s.base(r, "entryform.title", "directory"), Org: ref, Form: f, Partners: partners}
	p.HasErrors = f.Failed()
	return s.render(w, r, status, view.EntryForm(p))
}

// entryNewForm serves GET /orgs/{slug}/timeline/new.
func (s *Server) entryNewForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOrg(r)
	if err != nil {
		return err
	}
	return s.entryFormPage(w, r, http.StatusOK, o, view.Form{Values: map[string]string{"kind": string(directory.EntryVisit)}})
}

// entryCreate serves POST /orgs/{slug}/timeline: an exchange between this organisation and the
// others named by their short names. An editor of any party may record it.
func (s *Server) entryCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var fe formErrors
	e := directory.TimelineEntry{Date: fe.date(r, "date"), Kind: directory.EntryKind(r.PostFormValue("kind")),
		Title: r.PostFormValue("title"), Description: strings.ReplaceAll(r.PostFormValue("description"), "\r\n", "\n"),
		Source: strings.TrimSpace(r.PostFormValue("source")), Parties: []int64{o.ID}}
	for _, l := range strings.Split(r.PostFormValue("links"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			e.Links = append(e.Links, l)
		}
	}
	slugs := slugList(r.PostFormValue("parties"))
	if len(slugs) > directory.MaxParties {
		slugs = slugs[:directory.MaxParties]
	}
	for _, slug := range slugs {
		if slug == o.Slug {
			continue // this organisation is always a party
		}
		p, err := s.Directory.OrganisationBySlug(r.Context(), slug)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			if len(fe) == 0 || fe[len(fe)-1].Field != "parties" {
				fe.add("parties", "org.unknown")
			}
			continue
		case err != nil:
			return err
		}
		e.Parties = append(e.Parties, p.ID)
	}
	if err := directory.CanChangeEntry(stateOf(r).actor, e); err != nil {
		return err
	}
	err = invalidOrNil(merge(fe, e.Validate(), nil))
	if err == nil {
		err = s.Directory.AddTimelineEntry(r.Context(), &e)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, "date", "kind", "title", "parties", "description", "links", "source"), Errors: merge(nil, err, nil)}
		return s.entryFormPage(w, r, http.StatusUnprocessableEntity, o, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/orgs/"+o.Slug+"#org-timeline", "flash.added")
}

// entryDelete serves POST /orgs/{slug}/timeline/{id}/delete.
func (s *Server) entryDelete(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Directory.TimelineEntry(r.Context(), id)
	if err != nil {
		return err
	}
	party := false
	for _, p := range e.Parties {
		party = party || p == o.ID
	}
	if !party {
		return citypact.NotFound("timeline entry of this organisation")
	}
	if err := directory.CanChangeEntry(stateOf(r).actor, e); err != nil {
		return err
	}
	if err := s.Directory.DeleteTimelineEntry(r.Context(), e.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/orgs/"+o.Slug+"#org-timeline", "flash.deleted")
}
