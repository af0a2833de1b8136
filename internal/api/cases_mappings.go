package api

import (
	"net/http"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

// Mapping is a saved column mapping as the API shows it.
type Mapping struct {
	Name      string            `json:"name"`
	Source    string            `json:"source"`
	Spec      cases.MappingSpec `json:"spec"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

func mappingJSON(m cases.Mapping) Mapping {
	return Mapping{Name: m.Name, Source: m.Source, Spec: m.Spec, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

// NewMapping is the body of PUT /api/v1/mappings/{name}.
type NewMapping struct {
	Source string            `json:"source"`
	Spec   cases.MappingSpec `json:"spec"`
}

// mappingsList serves GET /api/v1/mappings. Mappings are few and describe public file formats.
func (s *Server) mappingsList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Cases.Mappings(r.Context())
	if err != nil {
		return err
	}
	out := List[Mapping]{Items: make([]Mapping, 0, len(all))}
	for _, m := range all {
		out.Items = append(out.Items, mappingJSON(m))
	}
	return writeJSON(w, http.StatusOK, out)
}

// mappingShow serves GET /api/v1/mappings/{name}.
func (s *Server) mappingShow(w http.ResponseWriter, r *http.Request) error {
	m, err := s.Cases.MappingByName(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mappingJSON(m))
}

// mappingPut serves PUT /api/v1/mappings/{name}: creates the mapping, or replaces it. Editors
// add mappings for their city's files; replacing one, which other cities' imports may rely on,
// is the secretariat's (cases.CanManage).
func (s *Server) mappingPut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := citypact.ActorFrom(ctx)
	name := r.PathValue("name")
	old, err := s.Cases.MappingByName(ctx, name)
	exists := err == nil
	switch {
	case exists:
		err = cases.CanManage(actor)
	case citypact.KindOf(err) == citypact.KindNotFound:
		err = cases.CanImport(actor)
	}
	if err != nil {
		return err
	}
	var in NewMapping
	if err := decode(r, &in); err != nil {
		return err
	}
	m := cases.Mapping{ID: old.ID, Name: name, Source: in.Source, Spec: in.Spec}
	if err := m.Validate(); err != nil {
		return err
	}
	if _, err := s.Cases.SourceByKey(ctx, m.Source); citypact.KindOf(err) == citypact.KindNotFound {
		return citypact.Invalid(citypact.FieldError{Field: "source", Key: "field.choice"})
	} else if err != nil {
		return err
	}
	if err := s.Cases.SaveMapping(ctx, &m); err != nil {
		return err
	}
	if exists {
		return writeJSON(w, http.StatusOK, mappingJSON(m))
	}
	w.Header().Set("Location", prefix+"/mappings/"+m.Name)
	return writeJSON(w, http.StatusCreated, mappingJSON(m))
}
