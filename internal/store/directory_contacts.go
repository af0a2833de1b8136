package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// Contacts are audited as they are: names, titles and work addresses, which admins (who alone
// read the audit log) may see anyway.

// AddContact stores a contact the caller has validated; an unknown organisation is "org.unknown".
func (db *DB) AddContact(ctx context.Context, c *directory.Contact) (err error) {
	defer citypact.Wrap(&err, "store.AddContact(org %d)", c.OrgID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		err := tx.QueryRowContext(ctx, `INSERT INTO contacts (org_id, name, title, role, email, phone, source, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			c.OrgID, c.Name, string(c.Title), c.Role, c.Email, c.Phone, c.Source, now, now).Scan(&c.ID)
		if isForeignKey(err) {
			return citypact.Invalid(citypact.FieldError{Field: "org", Key: "org.unknown"})
		}
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "contact.create", "contact", c.ID, nil, c)
	})
}

// UpdateContact saves a contact's fields; the organisation it belongs to stays as stored.
func (db *DB) UpdateContact(ctx context.Context, c *directory.Contact) (err error) {
	defer citypact.Wrap(&err, "store.UpdateContact(%d)", c.ID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := contact(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		c.OrgID = before.OrgID
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET name = $1, title = $2, role = $3, email = $4, phone = $5,
			source = $6, updated_at = $7 WHERE id = $8`,
			c.Name, string(c.Title), c.Role, c.Email, c.Phone, c.Source, db.Now(), c.ID); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "contact.update", "contact", c.ID, before, c)
	})
}

// DeleteContact removes a contact.
func (db *DB) DeleteContact(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteContact(%d)", id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := contact(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "contact.delete", "contact", id, before, nil)
	})
}

const contactColumns = `c.id, c.org_id, c.name, c.title, c.role, c.email, c.phone, c.source`

func scanContact(s scanner, c *directory.Contact) error {
	var title string
	if err := s.Scan(&c.ID, &c.OrgID, &c.Name, &title, &c.Role, &c.Email, &c.Phone, &c.Source); err != nil {
		return err
	}
	c.Title = directory.ContactTitle(title)
	return nil
}

func contact(ctx context.Context, q querier, id int64) (c directory.Contact, err error) {
	err = scanContact(q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.id = $1`, id), &c)
	return c, notFound(err, "contact")
}

// Contact returns one contact, with e-mail and phone: callers strip them for visitors.
func (db *DB) Contact(ctx context.Context, id int64) (_ directory.Contact, err error) {
	defer citypact.Wrap(&err, "store.Contact(%d)", id)
	return contact(ctx, db.rq, id)
}

// titleOrder sorts contacts by title in directory.ContactTitles order (the mayor first), unknown
// titles last. The titles are the package's constants, not input, so they are written inline.
var titleOrder = func() string {
	var b strings.Builder
	b.WriteString("CASE c.title")
	for i, t := range directory.ContactTitles {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(string(t), "'", "''"), i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(directory.ContactTitles))
	return b.String()
}()

// Contacts lists an organisation's contacts by title (mayor first), then name.
func (db *DB) Contacts(ctx context.Context, orgID int64) (_ []directory.Contact, err error) {
	defer citypact.Wrap(&err, "store.Contacts(%d)", orgID)
	rows, err := db.rq.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.org_id = $1
		ORDER BY `+titleOrder+`, c.name, c.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Contact
	for rows.Next() {
		var c directory.Contact
		if err := scanContact(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
