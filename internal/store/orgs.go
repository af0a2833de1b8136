package store

import (
	"context"
	"database/sql"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// CreateOrganisation stores a new organisation; a taken slug is a field error.
func (db *DB) CreateOrganisation(ctx context.Context, o *directory.Organisation) (err error) {
	defer citypact.Wrap(&err, "store.CreateOrganisation")
	now := db.Now()
	o.CreatedAt, o.UpdatedAt = now, now
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations (slug, kind, name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, o.Slug, string(o.Kind), o.Name, now, now).Scan(&o.ID)
		if isUnique(err) {
			return citypact.Invalid(citypact.FieldError{Field: "slug", Key: "org.slug_taken"})
		}
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "organisation.create", "organisation", o.ID, nil, o)
	})
}

const orgColumns = `id, slug, kind, name, created_at, updated_at`

func scanOrg(s scanner, o *directory.Organisation) error {
	var kind string
	if err := s.Scan(&o.ID, &o.Slug, &kind, &o.Name, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return err
	}
	o.Kind = directory.Kind(kind)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return nil
}

// OrganisationBySlug returns one organisation.
func (db *DB) OrganisationBySlug(ctx context.Context, slug string) (o directory.Organisation, err error) {
	err = scanOrg(db.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE slug = $1`, slug), &o)
	return o, notFound(err, "organisation")
}

// OrgExists reports whether an organisation id exists.
func (db *DB) OrgExists(ctx context.Context, id int64) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, id).Scan(&n)
	return n > 0, err
}

// ListOrganisations lists organisations in id order (keyset pages).
func (db *DB) ListOrganisations(ctx context.Context, p citypact.Page) (_ []directory.Organisation, err error) {
	defer citypact.Wrap(&err, "store.ListOrganisations")
	p = p.Normalize()
	rows, err := db.r.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id > $1 ORDER BY id LIMIT $2`, p.After, p.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Organisation
	for rows.Next() {
		var o directory.Organisation
		if err := scanOrg(rows, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
