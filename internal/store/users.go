package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

// userAudit is what the audit log keeps of a user: never the password hash or TOTP secret.
type userAudit struct {
	Email       string `json:"email"`
	Name        string `json:"name"`
	Lang        string `json:"lang"`
	Role        string `json:"role"`
	OrgID       int64  `json:"org_id,omitempty"`
	TOTPEnabled bool   `json:"totp_enabled"`
	Disabled    bool   `json:"disabled"`
}

func auditOfUser(u account.User) userAudit {
	return userAudit{Email: u.Email, Name: u.Name, Lang: string(u.Lang), Role: u.Role.String(),
		OrgID: u.OrgID, TOTPEnabled: u.TOTPEnabled, Disabled: u.Disabled}
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateUser stores a new account; a taken address is a conflict.
func (db *DB) CreateUser(ctx context.Context, u *account.User) (err error) {
	defer citypact.Wrap(&err, "store.CreateUser")
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users
			(email, display_name, lang, role, org_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.Email, u.Name, string(u.Lang), u.Role.String(), nullID(u.OrgID), u.PasswordHash,
			u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt).Scan(&u.ID)
		if isUnique(err) {
			return citypact.Invalid(citypact.FieldError{Field: "email", Key: "user.email_taken"})
		}
		if isForeignKey(err) {
			return citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		}
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "user.create", "user", u.ID, nil, auditOfUser(*u))
	})
}

const userColumns = `u.id, u.email, u.display_name, u.lang, u.role, COALESCE(u.org_id, 0), COALESCE(o.name, ''),
	u.password_hash, u.password_changed_at, u.totp_secret, u.totp_enabled, u.totp_last_step, u.disabled,
	u.created_at, u.updated_at`

const userFrom = ` FROM users u LEFT JOIN organisations o ON o.id = u.org_id`

type scanner interface{ Scan(...any) error }

// userDest returns scan destinations for userColumns and a function that finishes the value after
// the scan. Split this way, one joined row can fill a user beside another struct.
func userDest(u *account.User) ([]any, func()) {
	var lang, role string
	return []any{&u.ID, &u.Email, &u.Name, &lang, &role, &u.OrgID, &u.OrgName, &u.PasswordHash,
			&u.PasswordChangedAt, &u.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.Disabled,
			&u.CreatedAt, &u.UpdatedAt}, func() {
			u.Lang = i18n.Lang(lang)
			u.Role, _ = citypact.ParseRole(role)
			u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt = u.PasswordChangedAt.UTC(), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
		}
}

func scanUser(s scanner, u *account.User) error {
	dest, done := userDest(u)
	if err := s.Scan(dest...); err != nil {
		return err
	}
	done()
	return nil
}

// UserByID returns one account.
func (db *DB) UserByID(ctx context.Context, id int64) (u account.User, err error) {
	err = scanUser(db.rq.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id), &u)
	return u, notFound(err, "user")
}

// UserByEmail returns the account with this (normalised) address.
func (db *DB) UserByEmail(ctx context.Context, email string) (u account.User, err error) {
	err = scanUser(db.rq.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.email = $1`, email), &u)
	return u, notFound(err, "user")
}

// ListUsers lists accounts in id order.
func (db *DB) ListUsers(ctx context.Context, p citypact.Page) (_ []account.User, err error) {
	defer citypact.Wrap(&err, "store.ListUsers")
	p = p.Normalize()
	rows, err := db.rq.QueryContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id > $1 ORDER BY u.id`+sqlLimit(p.Limit), p.After)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account.User
	for rows.Next() {
		var u account.User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u.Public())
	}
	return out, rows.Err()
}

// UpdateUser saves what an admin may change; disabling ends the user's sessions, a new address
// ends the user's unused reset links (they went to the old one). notices are queued in the same
// transaction.
func (db *DB) UpdateUser(ctx context.Context, u account.User, notices ...mail.Message) (err error) {
	defer citypact.Wrap(&err, "store.UpdateUser(%d)", u.ID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var before account.User
		if err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, u.ID), &before); err != nil {
			return notFound(err, "user")
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET email = $1, display_name = $2, role = $3, org_id = $4, disabled = $5,
			updated_at = $6 WHERE id = $7`, u.Email, u.Name, u.Role.String(), nullID(u.OrgID), u.Disabled, u.UpdatedAt, u.ID)
		if isUnique(err) {
			return citypact.Invalid(citypact.FieldError{Field: "email", Key: "user.email_taken"})
		}
		if isForeignKey(err) {
			return citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
		}
		if u.Email != before.Email {
			if err := db.endResets(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		after := before
		after.Email, after.Name, after.Role, after.OrgID, after.Disabled = u.Email, u.Name, u.Role, u.OrgID, u.Disabled
		if err := db.writeAudit(ctx, tx, "user.update", "user", u.ID, auditOfUser(before), auditOfUser(after)); err != nil {
			return err
		}
		return db.enqueueMail(ctx, tx, notices...)
	})
}

// SetLang saves a user's language preference.
func (db *DB) SetLang(ctx context.Context, userID int64, lang i18n.Lang) error {
	_, err := db.w.ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, string(lang), userID)
	return err
}

// SetPassword saves a new hash, ends the user's sessions except keepSession and their unused
// reset links, and queues notices, in one transaction.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string, keepSession int64, notices ...mail.Message) (err error) {
	defer citypact.Wrap(&err, "store.SetPassword(%d)", userID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.setPassword(ctx, tx, userID, hash, true, keepSession); err != nil {
			return err
		}
		if err := db.writeAudit(ctx, tx, "user.password_change", "user", userID, nil, nil); err != nil {
			return err
		}
		return db.enqueueMail(ctx, tx, notices...)
	})
}

// setPassword saves a hash in tx and ends the user's unused reset links: a link mailed before a
// change must not undo it. With endSessions, every session but keepSession ends.
func (db *DB) setPassword(ctx context.Context, tx *sql.Tx, userID int64, hash string, endSessions bool, keepSession int64) error {
	now := db.Now()
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3`, hash, now, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return citypact.NotFound("user")
	}
	if endSessions {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keepSession); err != nil {
			return err
		}
	}
	return db.endResets(ctx, tx, userID)
}

// RehashPassword upgrades a stored hash; the password is unchanged, so nothing is audited.
func (db *DB) RehashPassword(ctx context.Context, userID int64, hash string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
	return err
}

// SetTOTP saves a TOTP secret and whether it is enabled.
func (db *DB) SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) (err error) {
	defer citypact.Wrap(&err, "store.SetTOTP(%d)", userID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var was bool
		if err := tx.QueryRowContext(ctx, `SELECT totp_enabled FROM users WHERE id = $1`, userID).Scan(&was); err != nil {
			return notFound(err, "user")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled = $2, updated_at = $3 WHERE id = $4`,
			secret, enabled, db.Now(), userID); err != nil {
			return err
		}
		if was == enabled {
			return nil // a new secret while enrolling is not yet a change of how the user signs in
		}
		return db.writeAudit(ctx, tx, "user.totp", "user", userID,
			map[string]bool{"totp_enabled": was}, map[string]bool{"totp_enabled": enabled})
	})
}

// UseTOTPStep marks a TOTP time step used; the condition in the UPDATE makes it atomic.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) error {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return citypact.Conflict("totp.replayed")
	}
	return nil
}

// RecordLoginFailure counts one failed sign-in for key.
func (db *DB) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, at)
	return err
}

// CountLoginFailures counts failures for key since a time.
func (db *DB) CountLoginFailures(ctx context.Context, key string, since time.Time) (n int, err error) {
	err = db.rq.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2`, key, since).Scan(&n)
	return n, err
}

// ClearLoginFailures forgets failures for key (after a successful sign-in) and, in passing, every
// failure older than a day, so the table stays small.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1 OR at < $2`, key, db.Now().Add(-24*time.Hour))
	return err
}

// Setting reads one hub setting.
func (db *DB) Setting(ctx context.Context, key string) (v string, err error) {
	ctx = db.reading(ctx)
	err = db.rq.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	return v, notFound(err, "setting")
}

// SetSetting changes one hub setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) (err error) {
	defer citypact.Wrap(&err, "store.SetSetting(%q)", key)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&before); err != nil && err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, db.Now()); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "setting.update", "setting", 0, map[string]string{key: before}, map[string]string{key: value})
	})
}
