package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// visibleTarget reads the thread and, when postID is not 0, the post of it that a may see.
func (db *DB) visibleTarget(ctx context.Context, q querier, a citypact.Actor, threadID, postID int64, lock bool) (board.Board, board.Thread, *board.Post, board.Relations, error) {
	b, t, rel, err := db.visibleThread(ctx, q, a, threadID, lock)
	if err != nil || postID == 0 {
		return b, t, nil, rel, err
	}
	ps, err := postsWhere(ctx, q, `p.id = $1 AND p.thread_id = $2`, postID, threadID)
	if err != nil {
		return b, t, nil, rel, err
	}
	if len(ps) == 0 || !board.CanSeePost(a, b, t, ps[0], rel) {
		return b, t, nil, rel, citypact.NotFound("post")
	}
	return b, t, &ps[0], rel, nil
}

// Report files a report for the board's moderators.
func (bs *BoardStore) Report(ctx context.Context, r *board.Report) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Report")
	a := citypact.ActorFrom(ctx)
	if err := r.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, t, p, rel, err := db.visibleTarget(ctx, tx, a, r.ThreadID, r.PostID, false)
		if err != nil {
			return err
		}
		if err := board.CanReport(a, b, t, p, rel); err != nil {
			return err
		}
		r.ReporterID, r.CreatedAt, r.ResolvedBy, r.ResolvedAt = a.UserID, db.Now(), 0, time.Time{}
		if err := tx.QueryRowContext(ctx, `INSERT INTO board_reports (board_id, thread_id, post_id, reporter_id, reason, note,
			created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, b.ID, t.ID, r.PostID, r.ReporterID, string(r.Reason),
			r.Note, r.CreatedAt).Scan(&r.ID); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "board.report", "report", r.ID, nil, map[string]any{"thread": t.ID, "post": r.PostID, "reason": r.Reason})
	})
}

// moderated is the condition "a moderates board b" in SQL (board.isModerator): admins
// everywhere; editors on the boards of networks their organisation is or belongs to.
func (db *DB) moderated(a citypact.Actor, b string, arg func(any) int) string {
	switch {
	case a.IsAdmin():
		return "TRUE"
	case a.Role != citypact.RoleEditor || a.OrgID == 0 || !a.SignedIn():
		return "FALSE"
	}
	org, today := arg(a.OrgID), arg(dateText(db.Now()))
	return fmt.Sprintf(`(%[1]s.scope = 'network' AND (%[1]s.network_id = $%[2]d OR %[1]s.network_id IN (SELECT m.network_id
		FROM memberships m WHERE m.member_id = $%[2]d AND (m.until IS NULL OR m.until >= $%[3]d))))`, b, org, today)
}

// Reports lists reports on boards the actor moderates, oldest first.
func (bs *BoardStore) Reports(ctx context.Context, f board.ReportFilter) (_ []board.Report, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Reports")
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, false); err != nil {
		return nil, err
	}
	ctx = db.reading(ctx)
	var args argList
	where := db.moderated(a, "b", args.add)
	if f.Board != 0 {
		where += fmt.Sprintf(" AND r.board_id = $%d", args.add(f.Board))
	}
	if f.Open {
		where += " AND r.resolved_at IS NULL"
	}
	p := f.Page.Normalize()
	if p.After > 0 {
		where += fmt.Sprintf(" AND r.id > $%d", args.add(p.After))
	}
	rows, err := db.rq.QueryContext(ctx, `SELECT r.id, r.thread_id, r.post_id, r.reporter_id, r.reason, r.note, r.created_at,
		r.resolver_id, r.resolved_at FROM board_reports r JOIN boards b ON b.id = r.board_id WHERE `+where+
		" ORDER BY r.id"+sqlLimit(p.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Report
	for rows.Next() {
		var r board.Report
		var reason string
		var by sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&r.ID, &r.ThreadID, &r.PostID, &r.ReporterID, &reason, &r.Note, &r.CreatedAt, &by, &at); err != nil {
			return nil, err
		}
		r.Reason, r.ResolvedBy, r.ResolvedAt, r.CreatedAt = board.Reason(reason), by.Int64, timeOf(at), r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveReport closes a report (CanModerate on its board). Closing a closed report changes
// nothing.
func (bs *BoardStore) ResolveReport(ctx context.Context, id int64) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.ResolveReport(%d)", id)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var boardID int64
		var resolved sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT board_id, resolved_at FROM board_reports WHERE id = $1`+db.forUpdate(), id).
			Scan(&boardID, &resolved); err != nil {
			return notFound(err, "report")
		}
		b, rel, err := db.visibleBoard(ctx, tx, a, boardID, false)
		if err != nil {
			return citypact.NotFound("report")
		}
		if err := board.CanModerate(a, b, rel); err != nil {
			return err
		}
		if resolved.Valid {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE board_reports SET resolved_at = $1, resolver_id = $2 WHERE id = $3`,
			db.Now(), nullID(a.UserID), id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "board.report_resolve", "report", id, nil, nil)
	})
}

// Moderate applies m and writes it, with its note, to the audit log.
func (bs *BoardStore) Moderate(ctx context.Context, m board.Moderation) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Moderate(%s, %d)", m.Action, m.ThreadID)
	a := citypact.ActorFrom(ctx)
	if err := m.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, t, p, rel, err := db.visibleTarget(ctx, tx, a, m.ThreadID, m.PostID, true)
		if err != nil {
			return err
		}
		if err := board.CanModerate(a, b, rel); err != nil {
			return err
		}
		var q string
		var args []any
		switch {
		case p != nil:
			q, args = `UPDATE posts SET hidden = $1 WHERE id = $2`, []any{m.Action == board.ActHide, p.ID}
		case m.Action == board.ActHide || m.Action == board.ActUnhide:
			q, args = `UPDATE threads SET hidden = $1 WHERE id = $2`, []any{m.Action == board.ActHide, t.ID}
		case m.Action == board.ActLock || m.Action == board.ActUnlock:
			q, args = `UPDATE threads SET locked = $1 WHERE id = $2`, []any{m.Action == board.ActLock, t.ID}
		case m.Action == board.ActMove:
			to, toRel, err := db.visibleBoard(ctx, tx, a, m.ToBoard, false)
			if err != nil {
				return err
			}
			if err := board.CanModerate(a, to, toRel); err != nil {
				return err
			}
			if err := board.CheckMove(t, b, to); err != nil {
				return err
			}
			// Reports name the board, and follow the thread. Notifications keep the board they
			// were written on: lists and digests name the thread's board as it is now.
			if _, err := tx.ExecContext(ctx, `UPDATE board_reports SET board_id = $1 WHERE thread_id = $2`, to.ID, t.ID); err != nil {
				return err
			}
			q, args = `UPDATE threads SET board_id = $1 WHERE id = $2`, []any{to.ID, t.ID}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		if err := db.indexBoardText(ctx, tx, t.ID, postIDOf(p)); err != nil {
			return err
		}
		entity, id := "thread", t.ID
		if p != nil {
			entity, id = "post", p.ID
		}
		return db.writeAudit(ctx, tx, "board.moderate", entity, id, nil,
			map[string]any{"action": m.Action, "board": b.ID, "to_board": m.ToBoard, "note": m.Note})
	})
}
