package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
)

// writeAudit records a change in the transaction that makes it. before and after are marshalled to
// JSON; callers pass views of their records without secrets.
func (db *DB) writeAudit(ctx context.Context, tx *sql.Tx, action, entity string, entityID int64, before, after any) error {
	b := db.newAuditBatch(ctx, tx)
	if err := b.add(action, entity, entityID, before, after); err != nil {
		return err
	}
	return b.flush()
}

// auditBatch writes many audit rows with few statements, for bulk imports: one round trip per
// row was most of a 10,000-row import's time on PostgreSQL.
type auditBatch struct {
	ctx   context.Context
	tx    *sql.Tx
	fixed []any // at, actor_user_id, actor_label, org_id, request_id
	rows  [][]any
}

// auditBatchRows bounds one INSERT: 200 rows × 10 parameters stays far below both engines' limits.
const auditBatchRows = 200

func (db *DB) newAuditBatch(ctx context.Context, tx *sql.Tx) *auditBatch {
	a := citypact.ActorFrom(ctx)
	label := a.Name
	if label == "" {
		label = "system"
	}
	var orgID sql.NullInt64
	if a.OrgID != 0 {
		orgID = sql.NullInt64{Int64: a.OrgID, Valid: true}
	}
	var actorID sql.NullInt64
	if a.UserID != 0 {
		actorID = sql.NullInt64{Int64: a.UserID, Valid: true}
	}
	return &auditBatch{ctx: ctx, tx: tx, fixed: []any{db.Now(), actorID, label, orgID, citypact.RequestIDFrom(ctx)}}
}

// add queues one row, writing the queue when it is full.
func (b *auditBatch) add(action, entity string, entityID int64, before, after any) error {
	bj, err := auditJSON(before)
	if err != nil {
		return err
	}
	aj, err := auditJSON(after)
	if err != nil {
		return err
	}
	b.rows = append(b.rows, []any{action, entity, entityID, bj, aj})
	if len(b.rows) >= auditBatchRows {
		return b.flush()
	}
	return nil
}

// flush writes the queued rows in one statement.
func (b *auditBatch) flush() error {
	if len(b.rows) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO audit_log
		(at, actor_user_id, actor_label, org_id, request_id, action, entity, entity_id, before_json, after_json) VALUES `)
	args := make([]any, 0, len(b.rows)*10)
	for i, r := range b.rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(" + placeholders(len(args)+1, 10) + ")")
		args = append(append(args, b.fixed...), r...)
	}
	b.rows = b.rows[:0]
	_, err := b.tx.ExecContext(b.ctx, q.String(), args...)
	return err
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// AuditLog lists audit entries, newest first, after f.Page.After (an entry id) when set.
func (db *DB) AuditLog(ctx context.Context, f audit.Filter) (_ []audit.Entry, err error) {
	defer citypact.Wrap(&err, "store.AuditLog")
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ActorUserID != 0 {
		add("actor_user_id = $%d", f.ActorUserID)
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = $%d", f.EntityID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if !f.Since.IsZero() {
		add("at >= $%d", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add("at < $%d", f.Until.UTC())
	}
	p := f.Page.Normalize()
	if p.After > 0 {
		add("id < $%d", p.After)
	}
	q := `SELECT id, at, COALESCE(actor_user_id, 0), actor_label, COALESCE(org_id, 0), action, entity,
		entity_id, before_json, after_json, request_id FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC" + sqlLimit(p.Limit)
	rows, err := db.rq.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at time.Time
		if err := rows.Scan(&e.ID, &at, &e.ActorUserID, &e.ActorLabel, &e.OrgID, &e.Action, &e.Entity,
			&e.EntityID, &e.Before, &e.After, &e.RequestID); err != nil {
			return nil, err
		}
		e.At = at.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// DataVersion is a number that grows with every change to stored data: the id of the newest
// audit row, which every change writes in its own transaction. Pages cached under one version are
// stale under the next, on every instance, at the cost of one indexed read.
func (db *DB) DataVersion(ctx context.Context) (v int64, err error) {
	ctx = db.reading(ctx)
	err = db.rq.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&v)
	return v, err
}
