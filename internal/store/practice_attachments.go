package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

const attachmentColumns = `a.id, a.practice_id, a.owner_id, a.name, a.type, a.size, a.sha256, a.at`

func attachmentsWhere(ctx context.Context, q querier, rest string, args ...any) ([]practice.Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments a WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []practice.Attachment
	for rows.Next() {
		var at practice.Attachment
		var practiceID, ownerID sql.NullInt64 // empty for board files (see board_files.go)
		if err := rows.Scan(&at.ID, &practiceID, &ownerID, &at.Name, &at.Type, &at.Size, &at.SHA256, &at.At); err != nil {
			return nil, err
		}
		at.PracticeID, at.OwnerID, at.At = practiceID.Int64, ownerID.Int64, at.At.UTC()
		out = append(out, at)
	}
	return out, rows.Err()
}

// SaveAttachment stores an attachment's content in the database (see the migration) after
// checking it is exactly a.Size bytes hashing to a.SHA256, which it reads before the
// transaction begins, so that a slow upload never holds the write lock. The practice's editors
// (CanChange) attach files, to drafts as well; the owner's quota is checked again inside the
// transaction, which on SQLite is serialised with every other write and on PostgreSQL locks
// the owner's row, so two uploads cannot both fit in the last megabytes.
func (db *DB) SaveAttachment(ctx context.Context, a *practice.Attachment, content io.Reader, lim practice.Limits) (err error) {
	defer citypact.Wrap(&err, "store.SaveAttachment(%d, %q)", a.PracticeID, a.Name)
	actor := citypact.ActorFrom(ctx)
	data, err := checkedContent(a, content, lim)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		p, err := db.changeable(ctx, tx, actor, a.PracticeID)
		if err != nil {
			return err
		}
		if db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, p.OwnerID); err != nil {
				return err
			}
		}
		used, err := attachmentUsage(ctx, tx, p.OwnerID)
		if err != nil {
			return err
		}
		if err := practice.CheckQuota(used, a.Size, lim.Quota); err != nil {
			return err
		}
		a.OwnerID, a.At = p.OwnerID, db.Now()
		err = tx.QueryRowContext(ctx, `INSERT INTO attachments (practice_id, owner_id, name, type, size, sha256, at, content)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.PracticeID, a.OwnerID, a.Name, a.Type, a.Size, a.SHA256, a.At, data).Scan(&a.ID)
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "attachment.create", "attachment", a.ID, nil, a)
	})
}

// checkedContent reads content, which must be exactly a.Size bytes hashing to a.SHA256 as
// CheckUpload found them.
func checkedContent(a *practice.Attachment, content io.Reader, lim practice.Limits) ([]byte, error) {
	if a.Size <= 0 || a.Size > max(lim.MaxFile, practice.DefaultMaxFile) || len(practice.Extensions(a.Type)) == 0 {
		return nil, fmt.Errorf("attachment record not from CheckUpload: size %d, type %q", a.Size, a.Type)
	}
	data, err := io.ReadAll(io.LimitReader(content, a.Size+1))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != a.Size || hex.EncodeToString(sum[:]) != a.SHA256 {
		return nil, fmt.Errorf("content is not what was checked: %d bytes, sha256 %x", len(data), sum)
	}
	return data, nil
}

func attachmentUsage(ctx context.Context, q querier, ownerID int64) (n int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM attachments WHERE owner_id = $1`, ownerID).Scan(&n)
	return n, err
}

// attachment reads one attachment's record and its practice, which the actor must see. This is
// where who may download which file is decided: a practice's file by its practice's visibility, a
// board file (no practice, a zero Practice returned) by boardFileVisible.
func (db *DB) attachment(ctx context.Context, q querier, a citypact.Actor, id int64) (practice.Attachment, practice.Practice, error) {
	as, err := attachmentsWhere(ctx, q, `a.id = $1`, id)
	if err != nil {
		return practice.Attachment{}, practice.Practice{}, err
	}
	if len(as) == 0 {
		return practice.Attachment{}, practice.Practice{}, citypact.NotFound("attachment")
	}
	if as[0].PracticeID == 0 {
		ok, err := db.boardFileVisible(ctx, q, a, id)
		if err == nil && !ok {
			err = citypact.NotFound("attachment")
		}
		return as[0], practice.Practice{}, err
	}
	p, err := db.visiblePractice(ctx, q, a, `p.id = $1`, as[0].PracticeID)
	if citypact.KindOf(err) == citypact.KindNotFound {
		err = citypact.NotFound("attachment")
	}
	return as[0], p, err
}

// DeleteAttachment deletes an attachment, for the practice's editors.
func (db *DB) DeleteAttachment(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteAttachment(%d)", id)
	actor := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		at, p, err := db.attachment(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if at.PracticeID == 0 {
			return citypact.NotFound("attachment") // a board file: see DeleteFile
		}
		if err := practice.CanEdit(actor, p.OwnerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "attachment.delete", "attachment", id, at, nil)
	})
}

// Attachments lists the attachments of a practice the actor may see, oldest first.
func (db *DB) Attachments(ctx context.Context, practiceID int64) (_ []practice.Attachment, err error) {
	defer citypact.Wrap(&err, "store.Attachments(%d)", practiceID)
	ctx = db.reading(ctx)
	if err := db.checkVisible(ctx, db.rq, citypact.ActorFrom(ctx), practiceID); err != nil {
		return nil, err
	}
	return attachmentsOf(ctx, db.rq, practiceID)
}

// attachmentsOf lists the attachments of a practice, oldest first.
func attachmentsOf(ctx context.Context, q querier, practiceID int64) ([]practice.Attachment, error) {
	return attachmentsWhere(ctx, q, `a.practice_id = $1 ORDER BY a.id`, practiceID)
}

// AttachmentContent returns an attachment the actor may download (see attachment), with its
// content: a practice's or a board file.
// The content is read whole (at most the per-file limit, 20 MiB by default) so that no
// connection stays open while the client downloads.
func (db *DB) AttachmentContent(ctx context.Context, id int64) (_ practice.Attachment, _ io.ReadCloser, err error) {
	defer citypact.Wrap(&err, "store.AttachmentContent(%d)", id)
	ctx = db.reading(ctx)
	at, _, err := db.attachment(ctx, db.rq, citypact.ActorFrom(ctx), id)
	if err != nil {
		return practice.Attachment{}, nil, err
	}
	var data []byte
	if err := db.rq.QueryRowContext(ctx, `SELECT content FROM attachments WHERE id = $1`, id).Scan(&data); err != nil {
		return practice.Attachment{}, nil, notFound(err, "attachment")
	}
	return at, io.NopCloser(bytes.NewReader(data)), nil
}

// AttachmentUsage is the bytes of all attachments of an organisation, for its members and
// admins.
func (db *DB) AttachmentUsage(ctx context.Context, ownerID int64) (_ int64, err error) {
	defer citypact.Wrap(&err, "store.AttachmentUsage(%d)", ownerID)
	a := citypact.ActorFrom(ctx)
	switch {
	case !a.SignedIn() && !a.IsAdmin():
		return 0, citypact.ErrUnauthenticated
	case !a.IsAdmin() && a.OrgID != ownerID:
		return 0, citypact.Forbidden("not this organisation's member")
	}
	return attachmentUsage(db.reading(ctx), db.rq, ownerID)
}
