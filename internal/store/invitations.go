package store

import (
	"context"
	"database/sql"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

// invitationAudit is what the audit log keeps of an invitation: never its token or hash.
type invitationAudit struct {
	Email   string `json:"email"`
	Role    string `json:"role"`
	OrgID   int64  `json:"org_id,omitempty"`
	Lang    string `json:"lang"`
	Expires string `json:"expires_at"`
}

func auditOfInvitation(inv account.Invitation) invitationAudit {
	return invitationAudit{Email: inv.Email, Role: inv.Role.String(), OrgID: inv.OrgID, Lang: string(inv.Lang),
		Expires: inv.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")}
}

// OrgName returns an organisation's name.
func (db *DB) OrgName(ctx context.Context, id int64) (name string, err error) {
	err = db.rq.QueryRowContext(db.reading(ctx), `SELECT name FROM organisations WHERE id = $1`, id).Scan(&name)
	return name, notFound(err, "organisation")
}

// pendingInvitation matches invitations whose link still works at $1.
const pendingInvitation = `i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $1`

// CreateInvitation stores an invitation and queues its mail in one transaction. The checks for an
// existing account or pending invitation run in the transaction too; on SQLite the single writer
// serialises them, on PostgreSQL two invitations to one address at the same instant could both
// pass, which is harmless: whichever is accepted first makes the account, the other then fails.
func (db *DB) CreateInvitation(ctx context.Context, inv *account.Invitation, tokenHash string, m mail.Message) (err error) {
	defer citypact.Wrap(&err, "store.CreateInvitation")
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = $1`, inv.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return citypact.Invalid(citypact.FieldError{Field: "email", Key: "user.email_taken"})
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations i WHERE i.email = $2 AND `+pendingInvitation,
			db.Now(), inv.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return citypact.Invalid(citypact.FieldError{Field: "email", Key: "invitation.pending"})
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO invitations (token_hash, email, display_name, lang, role, org_id,
			invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			tokenHash, inv.Email, inv.Name, string(inv.Lang), inv.Role.String(), nullID(inv.OrgID), nullID(inv.InvitedBy),
			inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID)
		if isForeignKey(err) {
			return citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		}
		if err != nil {
			return err
		}
		if err := db.writeAudit(ctx, tx, "invitation.create", "invitation", inv.ID, nil, auditOfInvitation(*inv)); err != nil {
			return err
		}
		return db.enqueueMail(ctx, tx, m)
	})
}

const invitationColumns = `i.id, i.email, i.display_name, i.lang, i.role, COALESCE(i.org_id, 0), COALESCE(o.name, ''),
	COALESCE(i.invited_by, 0), COALESCE(u.display_name, ''), i.created_at, i.expires_at, i.accepted_at, i.revoked_at,
	COALESCE(i.user_id, 0)`

const invitationFrom = ` FROM invitations i LEFT JOIN organisations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by`

func scanInvitation(s scanner) (account.Invitation, error) {
	var inv account.Invitation
	var lang, role string
	var accepted, revoked sql.NullTime
	err := s.Scan(&inv.ID, &inv.Email, &inv.Name, &lang, &role, &inv.OrgID, &inv.OrgName, &inv.InvitedBy, &inv.InviterName,
		&inv.CreatedAt, &inv.ExpiresAt, &accepted, &revoked, &inv.UserID)
	inv.Lang = i18n.Lang(lang)
	inv.Role, _ = citypact.ParseRole(role)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	inv.AcceptedAt, inv.RevokedAt = timeOf(accepted), timeOf(revoked)
	return inv, err
}

// InvitationByHash returns the invitation whose link token hashes to tokenHash, in any state.
func (db *DB) InvitationByHash(ctx context.Context, tokenHash string) (account.Invitation, error) {
	inv, err := scanInvitation(db.rq.QueryRowContext(db.reading(ctx), `SELECT `+invitationColumns+invitationFrom+` WHERE i.token_hash = $1`, tokenHash))
	return inv, notFound(err, "invitation")
}

// AcceptInvitation uses the invitation up and creates its account in one transaction. The update
// that uses it up names every condition of a working link, so of two acceptances at once (two
// clicks, two instances) only one matches; the other finds nothing to update and fails.
func (db *DB) AcceptInvitation(ctx context.Context, invitationID int64, u *account.User) (err error) {
	defer citypact.Wrap(&err, "store.AcceptInvitation(%d)", invitationID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL
			AND revoked_at IS NULL AND expires_at > $1`, now, invitationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return citypact.Conflict("invitation.used")
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users
			(email, display_name, lang, role, org_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.Email, u.Name, string(u.Lang), u.Role.String(), nullID(u.OrgID), u.PasswordHash,
			u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt).Scan(&u.ID)
		if isUnique(err) {
			return citypact.Conflict("invitation.account_exists")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET user_id = $1 WHERE id = $2`, u.ID, invitationID); err != nil {
			return err
		}
		b := db.newAuditBatch(ctx, tx)
		if err := b.add("user.create", "user", u.ID, nil, auditOfUser(*u)); err != nil {
			return err
		}
		if err := b.add("invitation.accept", "invitation", invitationID, nil, map[string]int64{"user_id": u.ID}); err != nil {
			return err
		}
		return b.flush()
	})
}

// ListInvitations lists pending invitations newest first, of one organisation or (orgID 0) all.
// Pending invitations are few (they expire within days), so the list has no pages.
func (db *DB) ListInvitations(ctx context.Context, orgID int64) (_ []account.Invitation, err error) {
	defer citypact.Wrap(&err, "store.ListInvitations")
	q := `SELECT ` + invitationColumns + invitationFrom + ` WHERE ` + pendingInvitation
	args := []any{db.Now()}
	if orgID != 0 {
		q += ` AND i.org_id = $2`
		args = append(args, orgID)
	}
	rows, err := db.rq.QueryContext(db.reading(ctx), q+` ORDER BY i.id DESC LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// RevokeInvitation revokes a pending invitation of orgID (any, when 0).
func (db *DB) RevokeInvitation(ctx context.Context, id, orgID int64) (err error) {
	defer citypact.Wrap(&err, "store.RevokeInvitation(%d)", id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`
		args := []any{db.Now(), id}
		if orgID != 0 {
			q += ` AND org_id = $3`
			args = append(args, orgID)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return citypact.NotFound("invitation")
		}
		return db.writeAudit(ctx, tx, "invitation.revoke", "invitation", id, nil, nil)
	})
}
