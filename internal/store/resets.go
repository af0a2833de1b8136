package store

import (
	"context"
	"database/sql"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/mail"
)

var _ account.Store = (*DB)(nil)

// CreatePasswordReset stores a reset link, ends the user's earlier unused links (only the newest
// works) and queues its mail, in one transaction with the audit row.
func (db *DB) CreatePasswordReset(ctx context.Context, r *account.PasswordReset, tokenHash string, m mail.Message) (err error) {
	defer citypact.Wrap(&err, "store.CreatePasswordReset(%d)", r.UserID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.endResets(ctx, tx, r.UserID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, tokenHash, r.UserID, r.CreatedAt, r.ExpiresAt).Scan(&r.ID); err != nil {
			return err
		}
		if err := db.writeAudit(ctx, tx, "password_reset.request", "user", r.UserID, nil, map[string]any{"account": true}); err != nil {
			return err
		}
		return db.enqueueMail(ctx, tx, m)
	})
}

// NotePasswordResetRequest records a request for an address without an account, so that the
// secretariat sees addresses being tried, and so that the audit log (and with it the data version
// every page cache and ETag follows) moves exactly as for a known address.
func (db *DB) NotePasswordResetRequest(ctx context.Context, email string) (err error) {
	defer citypact.Wrap(&err, "store.NotePasswordResetRequest")
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.writeAudit(ctx, tx, "password_reset.request", "user", 0, nil, map[string]any{"account": false, "email": email})
	})
}

// endResets makes every unused reset link of a user useless.
func (db *DB) endResets(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, db.Now(), userID)
	return err
}

// PasswordResetByHash returns a reset link in any state, with its user.
func (db *DB) PasswordResetByHash(ctx context.Context, tokenHash string) (account.PasswordReset, account.User, error) {
	var r account.PasswordReset
	var u account.User
	var used sql.NullTime
	ud, done := userDest(&u)
	err := db.rq.QueryRowContext(db.reading(ctx), `SELECT r.id, r.user_id, r.created_at, r.expires_at, r.used_at, `+userColumns+`
		FROM password_resets r JOIN users u ON u.id = r.user_id LEFT JOIN organisations o ON o.id = u.org_id
		WHERE r.token_hash = $1`, tokenHash).Scan(append([]any{&r.ID, &r.UserID, &r.CreatedAt, &r.ExpiresAt, &used}, ud...)...)
	if err != nil {
		return r, u, notFound(err, "password reset")
	}
	done()
	r.CreatedAt, r.ExpiresAt, r.UsedAt = r.CreatedAt.UTC(), r.ExpiresAt.UTC(), timeOf(used)
	return r, u, nil
}

// ResetPassword uses a reset link up and sets the password in one transaction. The update that
// uses the link names every condition of a working link, so a link clicked twice at once resets
// once.
func (db *DB) ResetPassword(ctx context.Context, resetID, userID int64, hash string, endSessions bool, notices ...mail.Message) (err error) {
	defer citypact.Wrap(&err, "store.ResetPassword(%d)", userID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE id = $2 AND user_id = $3
			AND used_at IS NULL AND expires_at > $1`, now, resetID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return citypact.Conflict("reset.used")
		}
		if err := db.setPassword(ctx, tx, userID, hash, endSessions, 0); err != nil {
			return err
		}
		if err := db.writeAudit(ctx, tx, "password_reset.complete", "user", userID, nil, map[string]bool{"sessions_ended": endSessions}); err != nil {
			return err
		}
		return db.enqueueMail(ctx, tx, notices...)
	})
}
