package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
)

type sessionAudit struct {
	UserAgent string `json:"user_agent"`
	IP        string `json:"ip"`
	Pending   bool   `json:"mfa_pending,omitempty"`
}

// CreateSession stores a session by the hash of its secret.
func (db *DB) CreateSession(ctx context.Context, s *account.Session, tokenHash string) (err error) {
	defer citypact.Wrap(&err, "store.CreateSession")
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO sessions
			(token_hash, user_id, mfa_pending, created_at, last_seen_at, expires_at, user_agent, ip)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			tokenHash, s.UserID, s.MFAPending, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.UserAgent, s.IP).Scan(&s.ID); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "session.create", "session", s.ID, nil, sessionAudit{s.UserAgent, s.IP, s.MFAPending})
	})
}

const sessionColumns = `s.id, s.user_id, s.mfa_pending, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip`

func sessionDest(s *account.Session) []any {
	return []any{&s.ID, &s.UserID, &s.MFAPending, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.UserAgent, &s.IP}
}

func utcSession(s *account.Session) {
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
}

// SessionByHash finds a session and its user in one query: it runs on every signed-in request.
func (db *DB) SessionByHash(ctx context.Context, tokenHash string) (account.Session, account.User, error) {
	var s account.Session
	var u account.User
	row := db.rq.QueryRowContext(ctx, `SELECT `+sessionColumns+`, `+userColumns+
		` FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organisations o ON o.id = u.org_id
		WHERE s.token_hash = $1`, tokenHash)
	ud, done := userDest(&u)
	if err := row.Scan(append(sessionDest(&s), ud...)...); err != nil {
		return s, u, notFound(err, "session")
	}
	done()
	utcSession(&s)
	return s, u, nil
}

// TouchSession records activity, keeping the idle timeout from ending a session in use.
func (db *DB) TouchSession(ctx context.Context, id int64, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, at, id)
	return err
}

// ListSessions lists a user's sessions, newest first.
func (db *DB) ListSessions(ctx context.Context, userID int64) (_ []account.Session, err error) {
	defer citypact.Wrap(&err, "store.ListSessions")
	rows, err := db.rq.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions s WHERE s.user_id = $1 AND s.expires_at > $2
		ORDER BY s.last_seen_at DESC, s.id DESC`, userID, db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account.Session
	for rows.Next() {
		var s account.Session
		if err := rows.Scan(sessionDest(&s)...); err != nil {
			return nil, err
		}
		utcSession(&s)
		out = append(out, s)
	}
	return out, rows.Err()
}

// EndSession deletes one session belonging to userID.
func (db *DB) EndSession(ctx context.Context, userID, sessionID int64) (err error) {
	defer citypact.Wrap(&err, "store.EndSession(%d)", sessionID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, sessionID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return citypact.NotFound("session")
		}
		return db.writeAudit(ctx, tx, "session.end", "session", sessionID, nil, nil)
	})
}

// DeleteExpiredSessions removes sessions past their absolute expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
