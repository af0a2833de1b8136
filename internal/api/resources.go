package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
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
