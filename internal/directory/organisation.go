// Package directory defines organisations — cities, networks, governments and others — and who may
// change them. It must never import net/http or database/sql.
package directory

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
)

// Kind is the sort of organisation.
type Kind string

const (
	KindCity          Kind = "city"
	KindNational      Kind = "national"
	KindNetwork       Kind = "network"
	KindInternational Kind = "international"
	KindNGO           Kind = "ngo"
	KindMission       Kind = "mission"
	KindAcademia      Kind = "academia"
	KindCompany       Kind = "company"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindCity, KindNational, KindNetwork, KindInternational, KindNGO, KindMission, KindAcademia, KindCompany}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Organisation is a member of the hub.
type Organisation struct {
	ID        int64
	Slug      string
	Kind      Kind
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Limits on organisation fields.
const (
	MaxNameLen = 200
	MaxSlugLen = 64
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Normalize trims what users type by accident.
func (o *Organisation) Normalize() {
	o.Name = strings.TrimSpace(o.Name)
	o.Slug = strings.ToLower(strings.TrimSpace(o.Slug))
}

// Validate returns a KindInvalid error naming each wrong field.
func (o *Organisation) Validate() error {
	var fe []citypact.FieldError
	switch n := utf8.RuneCountInString(o.Name); {
	case n == 0:
		fe = append(fe, citypact.FieldError{Field: "name", Key: "field.required"})
	case n > MaxNameLen:
		fe = append(fe, citypact.FieldError{Field: "name", Key: "field.too_long", Args: []string{"max", "200"}})
	}
	switch {
	case o.Slug == "":
		fe = append(fe, citypact.FieldError{Field: "slug", Key: "field.required"})
	case len(o.Slug) > MaxSlugLen || !slugRE.MatchString(o.Slug):
		fe = append(fe, citypact.FieldError{Field: "slug", Key: "org.slug_invalid"})
	}
	if !o.Kind.Valid() {
		fe = append(fe, citypact.FieldError{Field: "kind", Key: "field.choice"})
	}
	if len(fe) > 0 {
		return citypact.Invalid(fe...)
	}
	return nil
}

// CanCreate: only the secretariat adds organisations.
func CanCreate(a citypact.Actor) error {
	if !a.IsAdmin() {
		return citypact.Forbidden("only admins add organisations")
	}
	return nil
}

// CanEdit: admins edit any organisation; editors only their own.
func CanEdit(a citypact.Actor, orgID int64) error {
	if a.IsAdmin() || (a.Role == citypact.RoleEditor && a.OrgID == orgID) {
		return nil
	}
	return citypact.Forbidden("not this organisation's editor")
}

// Store keeps organisations. A missing one is citypact.KindNotFound; a taken slug is
// KindInvalid on the field "slug". CreateOrganisation writes an audit row in its transaction.
type Store interface {
	ListOrganisations(ctx context.Context, p citypact.Page) ([]Organisation, error)
	OrganisationBySlug(ctx context.Context, slug string) (Organisation, error)
	CreateOrganisation(ctx context.Context, o *Organisation) error
}
