package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// orgFields are the organisation form's single-value fields, kept when the form comes back.
var orgFields = []string{"slug", "kind", "country", "region", "population", "population_year", "population_source",
	"website", "lat", "lon", "description", "source"}

// orgRename maps the domain's field names to the form's: the name is entered as names, and the
// location as latitude and longitude.
var orgRename = map[string]string{"name": "names", "location": "lat"}

// orgFormValues fills the form from a stored organisation.
func orgFormValues(o directory.Organisation) view.Form {
	v := map[string]string{
		"slug": o.Slug, "kind": string(o.Kind), "country": o.Country, "region": o.Region,
		"population_source": o.PopulationSource, "website": o.Website, "description": o.Description, "source": o.Source,
	}
	if o.Population > 0 {
		v["population"] = strconv.FormatInt(o.Population, 10)
	}
	if o.PopulationYear > 0 {
		v["population_year"] = strconv.Itoa(o.PopulationYear)
	}
	if o.HasLocation {
		v["lat"] = strconv.FormatFloat(o.Lat, 'f', -1, 64)
		v["lon"] = strconv.FormatFloat(o.Lon, 'f', -1, 64)
	}
	return view.Form{Values: v}
}

// nameRows lays out the names for the form: those given, then a row for each interface
// language not yet named, then one empty row for another language.
func nameRows(names []directory.Name) []view.NameRow {
	rows := make([]view.NameRow, 0, len(names)+len(i18n.Langs)+1)
	have, blank := map[string]bool{}, false
	for _, n := range names {
		rows = append(rows, view.NameRow{Index: len(rows), Lang: n.Lang, Text: n.Text, Original: n.Original})
		have[n.Lang] = true
		blank = blank || (n.Lang == "" && n.Text == "")
	}
	for _, l := range i18n.Langs {
		if !have[string(l)] {
			rows = append(rows, view.NameRow{Index: len(rows), Lang: string(l)})
		}
	}
	if !blank {
		rows = append(rows, view.NameRow{Index: len(rows)})
	}
	return rows
}

// postedNames reads the name rows as posted, keeping every row (empty ones too) so the form
// comes back as it was sent.
func postedNames(r *http.Request) (rows []directory.Name) {
	original := r.PostFormValue("original")
	for i := 0; i < 2*directory.MaxNames+len(i18n.Langs)+1; i++ {
		k := strconv.Itoa(i)
		lang, okL := r.PostForm["name_lang_"+k]
		text, okT := r.PostForm["name_text_"+k]
		if !okL && !okT {
			break
		}
		n := directory.Name{Original: original == k}
		if len(lang) > 0 {
			n.Lang = strings.TrimSpace(lang[0])
		}
		if len(text) > 0 {
			n.Text = strings.TrimSpace(text[0])
		}
		rows = append(rows, n)
	}
	return rows
}

// filledNames keeps the rows with a name; a single name is the original without saying so.
func filledNames(rows []directory.Name) []directory.Name {
	var names []directory.Name
	for _, n := range rows {
		if n.Text != "" {
			names = append(names, n)
		}
	}
	if len(names) == 1 {
		names[0].Original = true
	}
	return names
}

// readOrgForm applies the posted form to o; identity says whether slug and kind may change.
func readOrgForm(r *http.Request, o *directory.Organisation, identity bool) formErrors {
	var fe formErrors
	if identity {
		o.Slug = r.PostFormValue("slug")
		o.Kind = directory.Kind(r.PostFormValue("kind"))
	}
	o.Names = filledNames(postedNames(r))
	o.Name = "" // taken from the original name; none given is a missing name
	o.Country = r.PostFormValue("country")
	o.Region = r.PostFormValue("region")
	o.Population = fe.integer(r, "population")
	o.PopulationYear = int(fe.integer(r, "population_year"))
	o.PopulationSource = r.PostFormValue("population_source")
	o.Website = r.PostFormValue("website")
	o.Description = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("description"), "\r\n", "\n"))
	o.Source = strings.TrimSpace(r.PostFormValue("source"))
	lat, lon := strings.TrimSpace(r.PostFormValue("lat")), strings.TrimSpace(r.PostFormValue("lon"))
	o.HasLocation, o.Lat, o.Lon = false, 0, 0
	if lat != "" || lon != "" {
		var err1, err2 error
		o.Lat, err1 = strconv.ParseFloat(lat, 64)
		o.Lon, err2 = strconv.ParseFloat(lon, 64)
		o.HasLocation = true
		if err1 != nil || err2 != nil {
			fe.add("lat", "org.location_invalid")
			o.HasLocation, o.Lat, o.Lon = false, 0, 0
		}
	}
	return fe
}

// orgFormPage renders the form to add (o.ID == 0) or change an organisation.
func (s *Server) orgFormPage(w http.ResponseWriter, r *http.Request, status int, o directory.Organisation, f view.Form, names []directory.Name) error {
	st := stateOf(r)
	lang := st.tr.Lang()
	rs, err := s.regions(r.Context())
	if err != nil {
		return err
	}
	isNew := o.ID == 0
	title := "orgform.new_title"
	if !isNew {
		title = "orgform.edit"
	}
	p := view.OrgFormPage{
		Base: s.base(r, title, "directory"), New: isNew, Form: f, Kinds: directory.Kinds,
		Countries: countryOptions(lang), Regions: rs.options(lang),
		Identity: directory.CanCreate(st.actor) == nil, CanDelete: !isNew && directory.CanDelete(st.actor) == nil,
	}
	if !isNew {
		p.Org = orgRef(r, o, rs)
		p.Title = st.tr.T("orgform.edit_title", "name", p.Org.Name.Text)
	}
	p.HasErrors = f.Failed()
	p.Names = nameRows(names)
	return s.render(w, r, status, view.OrgForm(p))
}

// orgNewForm serves GET /orgs/new (admins).
func (s *Server) orgNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := directory.CanCreate(stateOf(r).actor); err != nil {
		return err
	}
	f := view.Form{Values: map[string]string{"kind": string(directory.KindCity)}}
	return s.orgFormPage(w, r, http.StatusOK, directory.Organisation{}, f, nil)
}

// orgCreate serves POST /orgs/new (admins).
func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	if err := directory.CanCreate(stateOf(r).actor); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var o directory.Organisation
	return s.saveOrg(w, r, &o, true)
}

// orgEditForm serves GET /orgs/{slug}/edit: the organisation's editors and admins.
func (s *Server) orgEditForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := directory.CanEdit(stateOf(r).actor, o.ID); err != nil {
		return err
	}
	return s.orgFormPage(w, r, http.StatusOK, o, orgFormValues(o), o.Names)
}

// orgUpdate serves POST /orgs/{slug}/edit. Editors change their own organisation's facts;
// only admins change its short name and kind.
func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := directory.CanEdit(stateOf(r).actor, o.ID); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	return s.saveOrg(w, r, &o, directory.CanCreate(stateOf(r).actor) == nil)
}

// saveOrg reads the form into o and stores it, or shows the form again with what was wrong.
func (s *Server) saveOrg(w http.ResponseWriter, r *http.Request, o *directory.Organisation, identity bool) error {
	ctx := r.Context()
	stored := *o
	isNew := o.ID == 0
	fe := readOrgForm(r, o, identity || isNew)
	o.Normalize()
	rs, err := s.regions(ctx)
	if err != nil {
		return err
	}
	err = invalidOrNil(merge(fe, o.Validate(directory.RegionKeys(rs.list)), orgRename))
	if err == nil {
		if isNew {
			err = s.Directory.CreateOrganisation(ctx, o)
		} else {
			err = s.Directory.UpdateOrganisation(ctx, o)
		}
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, orgFields...), Errors: merge(nil, err, orgRename)}
		if !identity && !isNew {
			f.Values["slug"], f.Values["kind"] = stored.Slug, string(stored.Kind)
		}
		return s.orgFormPage(w, r, http.StatusUnprocessableEntity, stored, f, postedNames(r))
	} else if err != nil {
		return err
	}
	if isNew {
		return s.redirect(w, r, "/orgs/"+o.Slug, "flash.org_created")
	}
	return s.redirect(w, r, "/orgs/"+o.Slug, "flash.saved")
}

// orgDeleteForm serves GET /orgs/{slug}/delete (admins): it asks before deleting.
func (s *Server) orgDeleteForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := directory.CanDelete(stateOf(r).actor); err != nil {
		return err
	}
	return s.orgDeletePage(w, r, http.StatusOK, o, false)
}

func (s *Server) orgDeletePage(w http.ResponseWriter, r *http.Request, status int, o directory.Organisation, inUse bool) error {
	rs, err := s.regions(r.Context())
	if err != nil {
		return err
	}
	p := view.OrgDeletePage{Base: s.base(r, "orgdelete.heading", "directory"), Org: orgRef(r, o, rs), InUse: inUse}
	p.Title = stateOf(r).tr.T("orgdelete.title", "name", p.Org.Name.Text)
	return s.render(w, r, status, view.OrgDelete(p))
}

// orgDelete serves POST /orgs/{slug}/delete (admins). An organisation others refer to stays,
// and the page says why (409); a post that did not come from the confirmation page goes there.
func (s *Server) orgDelete(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	if err := directory.CanDelete(stateOf(r).actor); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return s.redirect(w, r, "/orgs/"+o.Slug+"/delete", "")
	}
	err = s.Directory.DeleteOrganisation(r.Context(), o.ID)
	if citypact.KindOf(err) == citypact.KindConflict {
		return s.orgDeletePage(w, r, http.StatusConflict, o, true)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/directory", "flash.org_deleted")
}

// slugList splits what was typed into a list of short names: separated by commas, spaces or
// the ideographic comma and space that CJK keyboards produce.
func slugList(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ',' || r == '、' || r == '，' || r == ';' || r == '\u3000' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	return slices.Compact(f)
}
