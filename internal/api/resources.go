package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/directory"
)

// Me is the authenticated user as the API shows it.
type Me struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	OrgID int64  `json:"org_id"`
	Scope string `json:"scope"`
}

// me serves GET /api/v1/me.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	a := citypact.ActorFrom(r.Context())
	u, err := s.Accounts.User(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Me{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role.String(), OrgID: a.OrgID, Scope: a.Scope.String()})
}

// Organisation is an organisation as the API shows it.
type Organisation struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func orgJSON(o directory.Organisation) Organisation {
	return Organisation{ID: o.ID, Slug: o.Slug, Kind: string(o.Kind), Name: o.Name, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// organisationsList serves GET /api/v1/organisations.
func (s *Server) organisationsList(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	orgs, err := s.Directory.ListOrganisations(r.Context(), p)
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

// organisationShow serves GET /api/v1/organisations/{slug}.
func (s *Server) organisationShow(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Directory.OrganisationBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgJSON(o))
}

// NewOrganisation is the body of POST /api/v1/organisations.
type NewOrganisation struct {
	Slug string `json:"slug"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// organisationCreate serves POST /api/v1/organisations.
func (s *Server) organisationCreate(w http.ResponseWriter, r *http.Request) error {
	a := citypact.ActorFrom(r.Context())
	if err := directory.CanCreate(a); err != nil {
		return err
	}
	var in NewOrganisation
	if err := decode(r, &in); err != nil {
		return err
	}
	o := directory.Organisation{Slug: in.Slug, Kind: directory.Kind(in.Kind), Name: in.Name}
	o.Normalize()
	regions, err := s.Directory.Regions(r.Context())
	if err != nil {
		return err
	}
	if err := o.Validate(directory.RegionKeys(regions)); err != nil {
		return err
	}
	if err := s.Directory.CreateOrganisation(r.Context(), &o); err != nil {
		return err
	}
	w.Header().Set("Location", prefix+"/organisations/"+o.Slug)
	return writeJSON(w, http.StatusCreated, orgJSON(o))
}

// AuditEntry is an audit-log row as the API shows it.
type AuditEntry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	ActorUserID int64     `json:"actor_user_id"`
	Actor       string    `json:"actor"`
	OrgID       int64     `json:"org_id"`
	Action      string    `json:"action"`
	Entity      string    `json:"entity"`
	EntityID    int64     `json:"entity_id"`
	Before      string    `json:"before"`
	After       string    `json:"after"`
	RequestID   string    `json:"request_id"`
}

// auditList serves GET /api/v1/audit, newest first; ?after= takes the id of the last entry seen.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	if err := audit.CanRead(citypact.ActorFrom(r.Context())); err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := audit.Filter{Entity: q.Get("entity"), Action: q.Get("action"), Page: p}
	if v := q.Get("actor"); v != "" {
		if f.ActorUserID, err = strconv.ParseInt(v, 10, 64); err != nil || f.ActorUserID <= 0 {
			return citypact.Invalid(citypact.FieldError{Field: "actor", Key: "field.invalid"})
		}
	}
	entries, err := s.Audit.AuditLog(r.Context(), f)
	if err != nil {
		return err
	}
	out := List[AuditEntry]{Items: make([]AuditEntry, 0, len(entries))}
	for _, e := range entries {
		out.Items = append(out.Items, AuditEntry{e.ID, e.At, e.ActorUserID, e.ActorLabel, e.OrgID, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.RequestID})
	}
	if len(entries) > 0 {
		out.NextCursor = nextCursor(len(entries), p, entries[len(entries)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}
