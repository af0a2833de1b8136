package store

import (
	"context"
	"database/sql"
	"io"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/practice"
)

// Board files are attachments without a practice (migration 00015): uploaded by a member to go
// with a thread or post, checked by practice.CheckUpload like any attachment, counted against
// the uploader's organisation's quota. Until a thread or post links it (board_attachments) a
// file is its uploader's alone; afterwards whoever may see a linking thread, and the linking
// post, may download it. Only the uploader links it (checkAttachments), so nobody can carry a
// file out of a board its readers were meant to keep it in.

// canUpload is who may upload to the boards: those who may post somewhere (board.CanPost's
// conditions that do not depend on the board).
func canUpload(a citypact.Actor) error {
	switch {
	case !a.SignedIn():
		return citypact.ErrUnauthenticated
	case a.Scope == citypact.ScopeRead:
		return citypact.Forbidden("read-only token")
	case a.OrgID == 0 && !a.IsAdmin():
		return citypact.Forbidden("no organisation")
	}
	return nil
}

// fileUsage is the bytes counted against a's quota: their organisation's attachments, or, for
// an admin without one, their own board files.
func fileUsage(ctx context.Context, q querier, a citypact.Actor) (n int64, err error) {
	if a.OrgID != 0 {
		return attachmentUsage(ctx, q, a.OrgID)
	}
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM attachments
		WHERE owner_id IS NULL AND practice_id IS NULL AND uploader_id = $1`, a.UserID).Scan(&n)
	return n, err
}

// FileUsage is the bytes counted against the actor's upload quota, for practice.CheckUpload.
func (bs *BoardStore) FileUsage(ctx context.Context) (_ int64, err error) {
	defer citypact.Wrap(&err, "store.FileUsage")
	a := citypact.ActorFrom(ctx)
	if err := canUpload(a); err != nil {
		return 0, err
	}
	ctx = bs.db.reading(ctx)
	return fileUsage(ctx, bs.db.rq, a)
}

// SaveFile stores a file the actor uploads to the boards, not yet linked to anything, with a's
// record as practice.CheckUpload made it; it sets a.ID, a.OwnerID and a.At. The content is read
// and checked before the transaction (as SaveAttachment does), and the quota again inside it,
// with the owner's row locked on PostgreSQL, so that two uploads cannot both fit in the last
// megabytes. A file the quota refuses is KindInvalid on "file" (practice.file_quota).
func (bs *BoardStore) SaveFile(ctx context.Context, a *practice.Attachment, content io.Reader, lim practice.Limits) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.SaveFile(%q)", a.Name)
	actor := citypact.ActorFrom(ctx)
	if err := canUpload(actor); err != nil {
		return err
	}
	data, err := checkedContent(a, content, lim)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if db.Engine == Postgres {
			lock, id := `SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, actor.OrgID
			if actor.OrgID == 0 {
				lock, id = `SELECT id FROM users WHERE id = $1 FOR UPDATE`, actor.UserID
			}
			if _, err := tx.ExecContext(ctx, lock, id); err != nil {
				return err
			}
		}
		used, err := fileUsage(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := practice.CheckQuota(used, a.Size, lim.Quota); err != nil {
			return err
		}
		a.PracticeID, a.OwnerID, a.At = 0, actor.OrgID, db.Now()
		err = tx.QueryRowContext(ctx, `INSERT INTO attachments (practice_id, owner_id, uploader_id, name, type, size, sha256, at, content)
			VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			nullID(a.OwnerID), actor.UserID, a.Name, a.Type, a.Size, a.SHA256, a.At, data).Scan(&a.ID)
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "attachment.create", "attachment", a.ID, nil, a)
	})
}

// DeleteFile deletes a board file the actor uploaded and nothing links: what a handler does
// when the post the file came with is refused. Anyone else's file, a practice's, or one that
// does not exist is not found; a linked one is a conflict.
func (bs *BoardStore) DeleteFile(ctx context.Context, id int64) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.DeleteFile(%d)", id)
	actor := citypact.ActorFrom(ctx)
	if err := canUpload(actor); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		as, err := attachmentsWhere(ctx, tx, `a.id = $1 AND a.practice_id IS NULL AND a.uploader_id = $2`, id, actor.UserID)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return citypact.NotFound("attachment")
		}
		var links int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM board_attachments WHERE attachment_id = $1`, id).Scan(&links); err != nil {
			return err
		}
		if links > 0 {
			return citypact.Conflict("board.file_linked")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "attachment.delete", "attachment", id, as[0], nil)
	})
}

// Files returns the records of the attachments ids that the actor may download (practices'
// files and board files alike, as AttachmentContent decides), in the order given, leaving out
// the others: a post may link a practice's file that some of its readers do not see.
func (bs *BoardStore) Files(ctx context.Context, ids []int64) (_ []practice.Attachment, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Files")
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	var out []practice.Attachment
	for _, id := range ids {
		at, _, err := db.attachment(ctx, db.rq, a, id)
		if citypact.KindOf(err) == citypact.KindNotFound {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, nil
}

// boardFileVisible reports whether a may download board file id: its uploader always; anyone
// else when a thread they see links it (post_id 0), or a post of such a thread that they see
// (board.CanSeePost: a hidden post's files are as hidden as the post).
func (db *DB) boardFileVisible(ctx context.Context, q querier, a citypact.Actor, id int64) (bool, error) {
	var uploader sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT uploader_id FROM attachments WHERE id = $1`, id).Scan(&uploader); err != nil {
		return false, notFound(err, "attachment")
	}
	if a.SignedIn() && uploader.Valid && a.UserID == uploader.Int64 {
		return true, nil
	}
	type link struct{ thread, post int64 }
	rows, err := q.QueryContext(ctx, `SELECT thread_id, post_id FROM board_attachments WHERE attachment_id = $1
		ORDER BY thread_id, post_id`, id)
	if err != nil {
		return false, err
	}
	var links []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.thread, &l.post); err != nil {
			rows.Close()
			return false, err
		}
		links = append(links, l)
	}
	err = rows.Err()
	rows.Close() // before the next query: a transaction has one connection
	if err != nil {
		return false, err
	}
	for _, l := range links {
		b, t, rel, err := db.visibleThread(ctx, q, a, l.thread, false)
		if citypact.KindOf(err) == citypact.KindNotFound {
			continue
		} else if err != nil {
			return false, err
		}
		if l.post == 0 {
			return true, nil
		}
		ps, err := postsWhere(ctx, q, `p.id = $1 AND p.thread_id = $2`, l.post, l.thread)
		if err != nil {
			return false, err
		}
		if len(ps) == 1 && board.CanSeePost(a, b, t, ps[0], rel) {
			return true, nil
		}
	}
	return false, nil
}
