package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
)

type tokenAudit struct {
	Name  string `json:"name"`
	Scope string `json:"scope"`
	OrgID int64  `json:"org_id"`
}

// CreateToken stores an API token by the hash of its secret.
func (db *DB) CreateToken(ctx context.Context, t *account.Token, tokenHash string) (err error) {
	defer citypact.Wrap(&err, "store.CreateToken")
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, org_id, name, scope, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			tokenHash, t.UserID, t.OrgID, t.Name, t.Scope.String(), t.CreatedAt).Scan(&t.ID)
		if isForeignKey(err) {
			return citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
		}
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "token.create", "api_token", t.ID, nil, tokenAudit{t.Name, t.Scope.String(), t.OrgID})
	})
}

const tokenColumns = `t.id, t.user_id, t.org_id, COALESCE(o.name, ''), t.name, t.scope, t.created_at, t.last_used_at, t.revoked_at`

func tokenDest(t *account.Token) ([]any, func()) {
	var scope string
	var used, revoked sql.NullTime
	return []any{&t.ID, &t.UserID, &t.OrgID, &t.OrgName, &t.Name, &scope, &t.CreatedAt, &used, &revoked}, func() {
		t.Scope, _ = citypact.ParseScope(scope)
		t.CreatedAt = t.CreatedAt.UTC()
		if used.Valid {
			t.LastUsedAt = used.Time.UTC()
		}
		if revoked.Valid {
			t.RevokedAt = revoked.Time.UTC()
		}
	}
}

func scanToken(s scanner, t *account.Token) error {
	dest, done := tokenDest(t)
	if err := s.Scan(dest...); err != nil {
		return err
	}
	done()
	return nil
}

// TokenByHash finds a token and its user in one query: it runs on every API request.
func (db *DB) TokenByHash(ctx context.Context, tokenHash string) (account.Token, account.User, error) {
	var t account.Token
	var u account.User
	row := db.rq.QueryRowContext(ctx, `SELECT `+userColumns+`, t.id, t.user_id, t.org_id, COALESCE(tor.name, ''), t.name,
		t.scope, t.created_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organisations o ON o.id = u.org_id
		LEFT JOIN organisations tor ON tor.id = t.org_id WHERE t.token_hash = $1`, tokenHash)
	ud, udone := userDest(&u)
	td, tdone := tokenDest(&t)
	if err := row.Scan(append(ud, td...)...); err != nil {
		return t, u, notFound(err, "token")
	}
	udone()
	tdone()
	return t, u, nil
}

// TouchToken records a token's last use.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at, id)
	return err
}

// ListTokens lists a user's tokens, newest first.
func (db *DB) ListTokens(ctx context.Context, userID int64) (_ []account.Token, err error) {
	defer citypact.Wrap(&err, "store.ListTokens")
	rows, err := db.rq.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t
		LEFT JOIN organisations o ON o.id = t.org_id WHERE t.user_id = $1 ORDER BY t.id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account.Token
	for rows.Next() {
		var t account.Token
		if err := scanToken(rows, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of userID's tokens.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) (err error) {
	defer citypact.Wrap(&err, "store.RevokeToken(%d)", tokenID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			db.Now(), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return citypact.NotFound("token")
		}
		return db.writeAudit(ctx, tx, "token.revoke", "api_token", tokenID, nil, nil)
	})
}
