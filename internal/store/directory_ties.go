package store

import (
	"context"
	"database/sql"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// tieAudit is what the audit log keeps of a tie.
type tieAudit struct {
	A         int64  `json:"a"`
	B         int64  `json:"b"`
	Kind      string `json:"kind"`
	Since     string `json:"since,omitempty"`
	Reference string `json:"reference,omitempty"`
	Source    string `json:"source,omitempty"`
}

func auditOfTie(t directory.Tie) tieAudit {
	return tieAudit{t.A, t.B, string(t.Kind), dateText(t.Since), t.Reference, t.Source}
}

// AddTie stores a tie the caller has validated. The pair is put in order (Tie.Normalize) so that
// it is stored once whichever side adds it; the same pair and kind twice is "tie.duplicate", an
// unknown organisation "org.unknown", both on the field partner.
func (db *DB) AddTie(ctx context.Context, t *directory.Tie) (err error) {
	defer citypact.Wrap(&err, "store.AddTie(%d, %d)", t.A, t.B)
	t.Normalize()
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO ties (a_id, b_id, kind, since, reference, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			t.A, t.B, string(t.Kind), dateArg(t.Since), t.Reference, t.Source, db.Now()).Scan(&t.ID)
		switch {
		case isUnique(err):
			return citypact.Invalid(citypact.FieldError{Field: "partner", Key: "tie.duplicate"})
		case isForeignKey(err):
			return citypact.Invalid(citypact.FieldError{Field: "partner", Key: "org.unknown"})
		case err != nil:
			return err
		}
		return db.writeAudit(ctx, tx, "tie.create", "tie", t.ID, nil, auditOfTie(*t))
	})
}

// DeleteTie removes a tie.
func (db *DB) DeleteTie(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteTie(%d)", id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := tie(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ties WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "tie.delete", "tie", id, auditOfTie(before), nil)
	})
}

const tieColumns = `t.id, t.a_id, t.b_id, t.kind, t.since, t.reference, t.source`

func tieDest(t *directory.Tie) ([]any, func()) {
	var kind string
	var since sql.NullTime
	return []any{&t.ID, &t.A, &t.B, &kind, &since, &t.Reference, &t.Source}, func() {
		t.Kind = directory.TieKind(kind)
		t.Since = dateOf(since)
	}
}

func tie(ctx context.Context, q querier, id int64) (t directory.Tie, err error) {
	dest, done := tieDest(&t)
	if err := q.QueryRowContext(ctx, `SELECT `+tieColumns+` FROM ties t WHERE t.id = $1`, id).Scan(dest...); err != nil {
		return t, notFound(err, "tie")
	}
	done()
	return t, nil
}

// Tie returns one tie. Partner is left empty: a tie has no side to be seen from here; A and B
// name both organisations.
func (db *DB) Tie(ctx context.Context, id int64) (_ directory.Tie, err error) {
	defer citypact.Wrap(&err, "store.Tie(%d)", id)
	return tie(ctx, db.rq, id)
}

// Ties lists the ties of orgID, whichever side it was stored on, each with Partner (the other
// side) filled in, ordered by the partner's name and then the kind.
func (db *DB) Ties(ctx context.Context, orgID int64) (_ []directory.Tie, err error) {
	defer citypact.Wrap(&err, "store.Ties(%d)", orgID)
	rows, err := db.rq.QueryContext(ctx, `SELECT `+tieColumns+`, `+orgColumns+` FROM ties t
		JOIN organisations o ON o.id = CASE WHEN t.a_id = $1 THEN t.b_id ELSE t.a_id END
		WHERE t.a_id = $1 OR t.b_id = $1 ORDER BY o.name, o.id, t.kind`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Tie
	for rows.Next() {
		var t directory.Tie
		td, tdone := tieDest(&t)
		od, odone := orgDest(&t.Partner)
		if err := rows.Scan(append(td, od...)...); err != nil {
			return nil, err
		}
		tdone()
		odone()
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	partners := make([]*directory.Organisation, len(out))
	for i := range out {
		partners[i] = &out[i].Partner
	}
	return out, loadNames(ctx, db.rq, partners)
}
