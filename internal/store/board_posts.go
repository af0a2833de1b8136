package store

import (
	"context"
	"database/sql"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

const postColumns = `p.id, p.thread_id, p.kind, p.parent_id, p.author_id, p.author_org_id, p.lang, p.hidden, p.version,
	p.created_at, p.updated_at, p.body`

func scanPost(s interface{ Scan(...any) error }) (board.Post, error) {
	var p board.Post
	var kind string
	var parent, org sql.NullInt64
	err := s.Scan(&p.ID, &p.ThreadID, &kind, &parent, &p.AuthorID, &org, &p.Lang, &p.Hidden, &p.Version,
		&p.CreatedAt, &p.UpdatedAt, &p.Body)
	p.Kind, p.ParentID, p.AuthorOrgID = board.PostKind(kind), parent.Int64, org.Int64
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// postsWhere reads the posts matching rest (a condition on p, then ORDER BY and LIMIT), with
// their attachments.
func postsWhere(ctx context.Context, q querier, rest string, args ...any) ([]board.Post, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+postColumns+` FROM posts p WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	var out []board.Post
	byID := map[int64]*board.Post{}
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	// Posts' attachments are looked up by thread and post: the table's key starts with the thread.
	byThread := map[int64][]any{}
	for i := range out {
		byID[out[i].ID] = &out[i]
		byThread[out[i].ThreadID] = append(byThread[out[i].ThreadID], out[i].ID)
	}
	for thread, ids := range byThread {
		if err := postAttachments(ctx, q, thread, ids, byID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// postAttachments fills in the attachments of a thread's posts ids, which byID holds.
func postAttachments(ctx context.Context, q querier, thread int64, ids []any, byID map[int64]*board.Post) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), namesChunk)]
		ids = ids[len(chunk):]
		rows, err := q.QueryContext(ctx, `SELECT post_id, attachment_id FROM board_attachments
			WHERE thread_id = $1 AND post_id IN (`+placeholders(2, len(chunk))+`) ORDER BY post_id, position`, append([]any{thread}, chunk...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, att int64
			if err := rows.Scan(&id, &att); err != nil {
				rows.Close()
				return err
			}
			byID[id].Attachments = append(byID[id].Attachments, att)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Posts lists a thread's posts the actor may see, oldest first.
func (bs *BoardStore) Posts(ctx context.Context, threadID int64, pg citypact.Page) (_ []board.Post, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Posts(%d)", threadID)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	b, t, rel, err := db.visibleThread(ctx, db.rq, a, threadID, false)
	if err != nil {
		return nil, err
	}
	pg = pg.Normalize()
	ps, err := postsWhere(ctx, db.rq, `p.thread_id = $1 AND p.id > $2 ORDER BY p.id`+sqlLimit(pg.Limit), threadID, pg.After)
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if board.CanSeePost(a, b, t, p, rel) {
			out = append(out, p)
		}
	}
	return out, nil
}

// postAudit is what the audit log keeps of a post.
type postAudit struct {
	Thread  int64  `json:"thread"`
	Kind    string `json:"kind"`
	Parent  int64  `json:"parent,omitempty"`
	Lang    string `json:"lang"`
	Version int    `json:"version"`
	Hidden  bool   `json:"hidden,omitempty"`
}

func auditOfPost(p board.Post) postAudit {
	return postAudit{Thread: p.ThreadID, Kind: string(p.Kind), Parent: p.ParentID, Lang: p.Lang, Version: p.Version, Hidden: p.Hidden}
}

// CreatePost stores p in its thread as the actor, raises the thread's activity, subscribes the
// author and fans out EventNewPost, all in one transaction.
func (bs *BoardStore) CreatePost(ctx context.Context, p *board.Post) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.CreatePost")
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, t, rel, err := db.visibleThread(ctx, tx, a, p.ThreadID, true)
		if err != nil {
			return err
		}
		if err := board.CanPost(a, b, &t, rel); err != nil {
			return err
		}
		if err := p.Validate(b, t); err != nil {
			return err
		}
		if p.ParentID != 0 {
			ps, err := postsWhere(ctx, tx, `p.id = $1`, p.ParentID)
			if err != nil {
				return err
			}
			if len(ps) == 0 || ps[0].ThreadID != t.ID || ps[0].Kind != board.PostAnswer || !board.CanSeePost(a, b, t, ps[0], rel) {
				return citypact.Invalid(citypact.FieldError{Field: "parent", Key: "field.invalid"})
			}
		}
		if err := db.checkAttachments(ctx, tx, a, p.Attachments); err != nil {
			return err
		}
		now := db.Now()
		if err := db.checkRate(ctx, tx, a.UserID, now); err != nil {
			return err
		}
		p.AuthorID, p.AuthorOrgID, p.Hidden, p.Version, p.CreatedAt, p.UpdatedAt = a.UserID, a.OrgID, false, 1, now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO posts (thread_id, kind, parent_id, author_id, author_org_id, lang,
			version, created_at, updated_at, body) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8) RETURNING id`,
			p.ThreadID, string(p.Kind), nullID(p.ParentID), p.AuthorID, nullID(p.AuthorOrgID), p.Lang, now, p.Body).Scan(&p.ID); err != nil {
			return err
		}
		for i, att := range p.Attachments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO board_attachments (thread_id, post_id, attachment_id, position)
				VALUES ($1, $2, $3, $4)`, t.ID, p.ID, att, i); err != nil {
				return err
			}
		}
		if err := db.indexBoardText(ctx, tx, t.ID, p.ID); err != nil {
			return err
		}
		answered := ""
		if p.Kind == board.PostAnswer {
			answered = ", answered_at = COALESCE(answered_at, $1)"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET activity_at = $1`+answered+` WHERE id = $2`, now, t.ID); err != nil {
			return err
		}
		if err := db.follow(ctx, tx, a.UserID, board.FollowThread, t.ID, "", now); err != nil {
			return err
		}
		ev := board.Event{Kind: board.EventNewPost, ActorID: a.UserID, BoardID: b.ID, ThreadID: t.ID, PostID: p.ID,
			PostKind: p.Kind, Tags: t.Tags, AuthorOrgID: t.AuthorOrgID, At: now}
		if err := db.fanOut(ctx, tx, b, t, ev); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "post.create", "post", p.ID, nil, auditOfPost(*p))
	})
}

// Accept makes postID the thread's accepted answer, or withdraws the acceptance (postID 0).
func (bs *BoardStore) Accept(ctx context.Context, threadID, postID int64) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Accept(%d, %d)", threadID, postID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, t, rel, err := db.visibleThread(ctx, tx, a, threadID, true)
		if err != nil {
			return err
		}
		if err := board.CanAccept(a, b, t, rel); err != nil {
			return err
		}
		if postID == t.AcceptedID {
			return nil
		}
		var answer board.Post
		if postID != 0 {
			ps, err := postsWhere(ctx, tx, `p.id = $1`, postID)
			if err != nil {
				return err
			}
			if len(ps) == 0 || !board.CanSeePost(a, b, t, ps[0], rel) {
				return citypact.Invalid(citypact.FieldError{Field: "answer", Key: "board.answer_invalid"})
			}
			if answer = ps[0]; board.CheckAccept(t, answer) != nil {
				return board.CheckAccept(t, answer)
			}
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET accepted_id = $1, updated_at = $2 WHERE id = $3`,
			nullID(postID), now, t.ID); err != nil {
			return err
		}
		if postID != 0 {
			ev := board.Event{Kind: board.EventAccepted, ActorID: a.UserID, BoardID: b.ID, ThreadID: t.ID, PostID: postID,
				AnswerAuthorID: answer.AuthorID, At: now}
			if err := db.fanOut(ctx, tx, b, t, ev); err != nil {
				return err
			}
		}
		return db.writeAudit(ctx, tx, "thread.accept", "thread", t.ID,
			map[string]int64{"accepted": t.AcceptedID}, map[string]int64{"accepted": postID})
	})
}

// MarkSame adds or removes the actor's "same question" mark, keeping same_count.
func (bs *BoardStore) MarkSame(ctx context.Context, threadID int64, on bool) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.MarkSame(%d, %t)", threadID, on)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, t, rel, err := db.visibleThread(ctx, tx, a, threadID, true)
		if err != nil {
			return err
		}
		if err := board.CanMarkSame(a, b, t, rel); err != nil {
			return err
		}
		now := db.Now()
		var res sql.Result
		if on {
			res, err = tx.ExecContext(ctx, `INSERT INTO thread_same (thread_id, user_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (thread_id, user_id) DO NOTHING`, t.ID, a.UserID, now)
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM thread_same WHERE thread_id = $1 AND user_id = $2`, t.ID, a.UserID)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // nothing changed: no audit row either
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET same_count = (SELECT COUNT(*) FROM thread_same WHERE thread_id = $1)
			WHERE id = $1`, t.ID); err != nil {
			return err
		}
		if on {
			if err := db.follow(ctx, tx, a.UserID, board.FollowThread, t.ID, "", now); err != nil {
				return err
			}
		}
		return db.writeAudit(ctx, tx, "thread.same", "thread", t.ID, nil, map[string]any{"on": on})
	})
}
