// Package audit defines the audit log: who changed what, when, with the values before and after.
// Rows are written by the store in the same transaction as the change they record; this package
// holds the types, the filter and who may read them. It must never import net/http or database/sql.
package audit

import (
	"context"
	"time"

	"github.com/citypact/citypact"
)

// Entry is one recorded change. Before and After are JSON documents of the changed record with
// secrets (password hashes, token hashes, TOTP secrets) left out.
type Entry struct {
	ID          int64
	At          time.Time
	ActorUserID int64
	ActorLabel  string // the actor's e-mail or "cli", kept even if the user is later removed
	OrgID       int64
	Action      string // e.g. "user.create", "session.end"
	Entity      string // e.g. "user"
	EntityID    int64
	Before      string
	After       string
	RequestID   string
}

// Filter narrows a listing of the log; zero fields do not filter.
type Filter struct {
	ActorUserID int64
	Entity      string
	EntityID    int64
	Action      string
	Since       time.Time
	Until       time.Time
	Page        citypact.Page
}

// Reader reads the log. Entries come newest first; Filter.Page.After is the id of the last entry
// of the previous page.
type Reader interface {
	AuditLog(ctx context.Context, f Filter) ([]Entry, error)
}

// CanRead reports whether the actor may read the audit log: the secretariat only.
func CanRead(a citypact.Actor) error {
	if !a.IsAdmin() {
		return citypact.Forbidden("audit log is for admins")
	}
	return nil
}
