package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// Organisation is an organisation as the API shows it.
type Organisation struct {
	ID               int64     `json:"id"`
	Slug             string    `json:"slug"`
	Kind             string    `json:"kind"`
	Name             string    `json:"name"`
	Names            []Name    `json:"names"`
	Country          string    `json:"country"`
	Region           string    `json:"region"`
	Population       int64     `json:"population"`
	PopulationYear   int       `json:"population_year"`
	PopulationSource string    `json:"population_source"`
	Location         *Location `json:"location,omitempty"`
	Website          string    `json:"website"`
	Description      string    `json:"description"`
	Source           string    `json:"source"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Name is an organisation's name in one language.
type Name struct {
	Lang     string `json:"lang"`
	Text     string `json:"text"`
	Original bool   `json:"original,omitempty"`
}

// Location is a point in decimal degrees (WGS 84).
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

func orgJSON(o directory.Organisation) Organisation {
	out := Organisation{
		ID: o.ID, Slug: o.Slug, Kind: string(o.Kind), Name: o.Name, Names: make([]Name, 0, len(o.Names)),
		Country: o.Country, Region: o.Region, Population: o.Population, PopulationYear: o.PopulationYear,
		PopulationSource: o.PopulationSource, Website: o.Website, Description: o.Description, Source: o.Source,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	for _, n := range o.Names {
		out.Names = append(out.Names, Name(n))
	}
	if o.HasLocation {
		out.Location = &Location{o.Lat, o.Lon}
	}
	return out
}

// OrgRef names another organisation inside an answer.
type OrgRef struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

func orgRef(o directory.Organisation) OrgRef {
	return OrgRef{ID: o.ID, Slug: o.Slug, Kind: string(o.Kind), Name: o.Name}
}

// NewOrganisation is the body of POST /api/v1/organisations and of PUT /api/v1/organisations/{slug}:
// every field the client may set. Ownership and bookkeeping (id, dates) are the server's.
type NewOrganisation struct {
	Slug             string    `json:"slug,omitempty"`
	Kind             string    `json:"kind"`
	Name             string    `json:"name,omitempty"`
	Names            []Name    `json:"names,omitempty"`
	Country          string    `json:"country,omitempty"`
	Region           string    `json:"region,omitempty"`
	Population       int64     `json:"population,omitempty"`
	PopulationYear   int       `json:"population_year,omitempty"`
	PopulationSource string    `json:"population_source,omitempty"`
	Location         *Location `json:"location,omitempty"`
	Website          string    `json:"website,omitempty"`
	Description      string    `json:"description,omitempty"`
	Source           string    `json:"source,omitempty"`
}

// organisation turns a request body into a normalised, validated organisation.
func (s *Server) organisation(r *http.Request, in NewOrganisation) (directory.Organisation, error) {
	o := directory.Organisation{
		Slug: in.Slug, Kind: directory.Kind(in.Kind), Name: in.Name, Country: in.Country, Region: in.Region,
		Population: in.Population, PopulationYear: in.PopulationYear, PopulationSource: in.PopulationSource,
		Website: in.Website, Description: in.Description, Source: in.Source,
	}
	for _, n := range in.Names {
		o.Names = append(o.Names, directory.Name(n))
	}
	if in.Location != nil {
		o.Lat, o.Lon, o.HasLocation = in.Location.Lat, in.Location.Lon, true
	}
	o.Normalize()
	// "name" is a shorthand for one English original name; beside "names" it must agree.
	if len(in.Names) > 0 && strings.TrimSpace(in.Name) != "" && strings.TrimSpace(in.Name) != o.Original().Text {
		return o, citypact.Invalid(citypact.FieldError{Field: "name", Key: "field.invalid"})
	}
	regions, err := s.Directory.Regions(r.Context())
	if err != nil {
		return o, err
	}
	return o, o.Validate(directory.RegionKeys(regions))
}

// orgBySlug loads the organisation a path names.
func (s *Server) orgBySlug(r *http.Request) (directory.Organisation, error) {
	return s.Directory.OrganisationBySlug(r.Context(), r.PathValue("slug"))
}

// filter reads the directory filters of a list or export: every wrong parameter is named.
func (s *Server) filter(r *http.Request) (directory.Filter, error) {
	q := r.URL.Query()
	f := directory.Filter{Kind: directory.Kind(q.Get("kind")), Country: strings.ToUpper(q.Get("country")), Region: q.Get("region"), Query: strings.TrimSpace(q.Get("q"))}
	var errs []citypact.FieldError
	if f.Kind != "" && !f.Kind.Valid() {
		errs = append(errs, citypact.FieldError{Field: "kind", Key: "field.choice"})
	}
	if f.Country != "" && !directory.ValidCountry(f.Country) {
		errs = append(errs, citypact.FieldError{Field: "country", Key: "org.country_invalid"})
	}
	if f.Region != "" {
		regions, err := s.Directory.Regions(r.Context())
		if err != nil {
			return f, err
		}
		known := false
		for _, rg := range regions {
			known = known || rg.Key == f.Region
		}
		if !known {
			errs = append(errs, citypact.FieldError{Field: "region", Key: "field.choice"})
		}
	}
	if slug := q.Get("network"); slug != "" {
		n, err := s.Directory.OrganisationBySlug(r.Context(), slug)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			errs = append(errs, citypact.FieldError{Field: "network", Key: "org.unknown"})
		case err != nil:
			return f, err
		default:
			f.Network = n.ID
		}
	}
	if utf8.RuneCountInString(f.Query) > directory.MaxNameLen || !utf8.ValidString(f.Query) {
		errs = append(errs, citypact.FieldError{Field: "q", Key: "field.too_long", Args: []string{"max", strconv.Itoa(directory.MaxNameLen)}})
	}
	if len(errs) > 0 {
		return f, citypact.Invalid(errs...)
	}
	return f, nil
}

// organisationsList serves GET /api/v1/organisations: the directory, filtered, by original name.
func (s *Server) organisationsList(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	f, err := s.filter(r)
	if err != nil {
		return err
	}
	f.Page = p
	orgs, err := s.Directory.FindOrganisations(r.Context(), f)
	if err != nil {
		return err
	}
	out := List[Organisation]{Items: make([]Organisation, 0, len(orgs))}
	for _, o := range orgs {
		out.Items = append(out.Items, orgJSON(o))
	}
	if len(orgs) > 0 {
		out.NextCursor = nextCursor(len(orgs), p, orgs[len(orgs)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}

// maxExport bounds an export, so that one request cannot hold the whole of a runaway directory in
// memory: ten times the largest file an import takes.
const maxExport = 10 * directory.MaxImportRows

// organisationsCSV serves GET /api/v1/organisations.csv: every organisation the filters select, in
// the bulk CSV format that `citypact import directory` reads.
func (s *Server) organisationsCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := s.filter(r)
	if err != nil {
		return err
	}
	var all []directory.Organisation
	f.Page = citypact.Page{Limit: citypact.MaxLimit}
	for len(all) < maxExport {
		orgs, err := s.Directory.FindOrganisations(r.Context(), f)
		if err != nil {
			return err
		}
		all = append(all, orgs...)
		if len(orgs) < f.Page.Limit {
			break
		}
		f.Page.After = orgs[len(orgs)-1].ID
	}
	// Written whole before the status, so that a failure is still a problem document.
	var b bytes.Buffer
	if err := directory.WriteOrganisationsCSV(&b, all); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	h.Set("Content-Disposition", `attachment; filename="organisations.csv"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b.Bytes())
	return err
}

// organisationShow serves GET /api/v1/organisations/{slug}.
func (s *Server) organisationShow(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgJSON(o))
}

// organisationCreate serves POST /api/v1/organisations.
func (s *Server) organisationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := directory.CanCreate(citypact.ActorFrom(r.Context())); err != nil {
		return err
	}
	var in NewOrganisation
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.organisation(r, in)
	if err != nil {
		return err
	}
	if err := s.Directory.CreateOrganisation(r.Context(), &o); err != nil {
		return err
	}
	w.Header().Set("Location", prefix+"/organisations/"+o.Slug)
	return writeJSON(w, http.StatusCreated, orgJSON(o))
}

// organisationPut serves PUT /api/v1/organisations/{slug}: the body replaces every field the
// client may set; a field left out is cleared. The slug stays: a different one is refused.
func (s *Server) organisationPut(w http.ResponseWriter, r *http.Request) error {
	old, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	if err := directory.CanEdit(citypact.ActorFrom(r.Context()), old.ID); err != nil {
		return err
	}
	var in NewOrganisation
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Slug == "" {
		in.Slug = old.Slug
	}
	o, err := s.organisation(r, in)
	if err == nil && o.Slug != old.Slug {
		err = citypact.Invalid(citypact.FieldError{Field: "slug", Key: "field.invalid"})
	}
	if err != nil {
		return err
	}
	o.ID = old.ID
	if err := s.Directory.UpdateOrganisation(r.Context(), &o); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgJSON(o))
}

// organisationDelete serves DELETE /api/v1/organisations/{slug}; an organisation that anything
// refers to (members, ties, timeline entries, accounts) is kept: 409 org.in_use.
func (s *Server) organisationDelete(w http.ResponseWriter, r *http.Request) error {
	if err := directory.CanDelete(citypact.ActorFrom(r.Context())); err != nil {
		return err
	}
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	if err := s.Directory.DeleteOrganisation(r.Context(), o.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Region is a region of the world, for browsing the directory.
type Region struct {
	Key   string            `json:"key"`
	Names map[string]string `json:"names"`
}

// regionsList serves GET /api/v1/regions.
func (s *Server) regionsList(w http.ResponseWriter, r *http.Request) error {
	regions, err := s.Directory.Regions(r.Context())
	if err != nil {
		return err
	}
	out := List[Region]{Items: make([]Region, 0, len(regions))}
	for _, rg := range regions {
		out.Items = append(out.Items, Region{Key: rg.Key, Names: rg.Names})
	}
	return writeJSON(w, http.StatusOK, out)
}
