package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

var (
	_ boardmail.Store            = (*BoardStore)(nil)
	_ boardmail.UnsubscribeStore = (*BoardStore)(nil)
)

// MailRecipients returns the address, name and language of the users of ids who are not
// disabled, in statements of namesChunk ids.
func (bs *BoardStore) MailRecipients(ctx context.Context, ids []int64) (_ map[int64]boardmail.Recipient, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.MailRecipients")
	ctx = db.reading(ctx)
	out := make(map[int64]boardmail.Recipient, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), namesChunk)]
		ids = ids[len(chunk):]
		rows, err := db.rq.QueryContext(ctx, `SELECT id, email, display_name, lang FROM users
			WHERE NOT disabled AND id IN (`+placeholders(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r boardmail.Recipient
			var lang string
			if err := rows.Scan(&r.ID, &r.Email, &r.Name, &lang); err != nil {
				rows.Close()
				return nil, err
			}
			r.Lang, _ = i18n.Parse(lang)
			out[r.ID] = r
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LinkSubscription returns one of user's subscriptions, for an unsubscribe link's page.
func (bs *BoardStore) LinkSubscription(ctx context.Context, user, id int64) (_ board.Subscription, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.LinkSubscription(%d, %d)", user, id)
	s, err := scanSubscription(db.rq.QueryRowContext(db.reading(ctx), `SELECT `+subscriptionColumns+` FROM board_subscriptions
		WHERE id = $1 AND user_id = $2`, id, user))
	return s, notFound(err, "subscription")
}

// StopMail is what an unsubscribe link does: user's frequency becomes none (sub 0), or their
// subscription sub is deleted. The audit row names the user as the actor, through the link.
func (bs *BoardStore) StopMail(ctx context.Context, user, sub int64) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.StopMail(%d, %d)", user, sub)
	var org sql.NullInt64
	var name string
	if err := db.rq.QueryRowContext(db.reading(ctx), `SELECT org_id, display_name FROM users WHERE id = $1`, user).Scan(&org, &name); err != nil {
		return notFound(err, "user")
	}
	ctx = citypact.WithActor(ctx, citypact.Actor{UserID: user, OrgID: org.Int64, Name: name + " (unsubscribe link)"})
	return db.tx(ctx, func(tx *sql.Tx) error {
		if sub != 0 {
			res, err := tx.ExecContext(ctx, `DELETE FROM board_subscriptions WHERE id = $1 AND user_id = $2`, sub, user)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return cmpErr(err, citypact.NotFound("subscription"))
			}
			return db.writeAudit(ctx, tx, "board.unsubscribe_link", "subscription", sub, nil, nil)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO board_frequency (user_id, frequency) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET frequency = excluded.frequency`, user, string(board.FreqNone)); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "board.unsubscribe_link", "user", user, nil, map[string]string{"frequency": string(board.FreqNone)})
	})
}

// mailKeySetting names the hub's key for signing unsubscribe links. There was no server secret
// to derive it from (sessions and tokens are random values stored hashed), so the first
// instance that needs it makes a random one; every instance reads the same row. It is never
// shown: the admin page reads only the settings it names, and the row is written without an
// audit entry, which would copy the key into the log.
const mailKeySetting = "board.mail_key"

// MailKey returns the key that signs unsubscribe links, creating it on first use. Two instances
// creating it at once agree: the second insert does nothing and both read the first's.
func (db *DB) MailKey(ctx context.Context) (_ []byte, err error) {
	defer citypact.Wrap(&err, "store.MailKey")
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO NOTHING`, mailKeySetting, hex.EncodeToString(fresh), db.Now()); err != nil {
		return nil, err
	}
	var v string
	if err := db.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, mailKeySetting).Scan(&v); err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("setting %s is not a 32-byte hex key", mailKeySetting)
	}
	return key, nil
}

// ThreadTitles returns the titles of the threads of ids the actor may see, for the notification
// list: one query for the page rather than one per notification.
func (bs *BoardStore) ThreadTitles(ctx context.Context, ids []int64) (_ map[int64]string, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.ThreadTitles")
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	a := citypact.ActorFrom(ctx)
	var args argList
	in := make([]string, 0, len(ids))
	for _, id := range ids[:min(len(ids), namesChunk)] {
		in = append(in, fmt.Sprintf("$%d", args.add(id)))
	}
	where := db.threadVisible(a, args.add)
	rows, err := db.rq.QueryContext(db.reading(ctx), `SELECT t.id, t.title FROM threads t JOIN boards b ON b.id = t.board_id
		WHERE t.id IN (`+strings.Join(in, ", ")+`) AND `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		out[id] = title
	}
	return out, rows.Err()
}

// QueueDigests is QueueDigest for several users' digests at once, in one transaction: the job
// queues a batch of users with one commit (one fsync) rather than one per user, which was most
// of a whole hub's digest run. When any digest is stale (another instance got there first) it
// changes nothing and returns KindConflict, and the job falls back to QueueDigest one by one.
func (bs *BoardStore) QueueDigests(ctx context.Context, ds []board.Digest, msgs [][]mail.Message) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.QueueDigests(%d)", len(ds))
	if len(ds) != len(msgs) {
		return fmt.Errorf("%d digests with %d message lists", len(ds), len(msgs))
	}
	for _, m := range msgs {
		if err := validateMail(m); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		for i, d := range ds {
			ids := anys(d.Marked)
			for len(ids) > 0 {
				chunk := ids[:min(len(ids), namesChunk)]
				ids = ids[len(chunk):]
				res, err := tx.ExecContext(ctx, `UPDATE board_notifications SET digested_at = $1
					WHERE user_id = $2 AND digested_at IS NULL AND id IN (`+placeholders(3, len(chunk))+`)`,
					append([]any{now, d.UserID}, chunk...)...)
				if err != nil {
					return err
				}
				if n, err := res.RowsAffected(); err != nil || n != int64(len(chunk)) {
					return cmpErr(err, citypact.Conflict("board.digest_stale"))
				}
			}
			if !d.Empty() {
				if err := db.enqueueMail(ctx, tx, msgs[i]...); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// purgeBatch bounds the rows one DELETE of PurgeNotifications removes, so that the first purge of
// an old hub does not hold the writer for long.
const purgeBatch = 10000

// PurgeNotifications deletes the notifications created before before, read or not, digested or
// not, and returns how many. Notification ids grow with their creation time, so the old ones are
// those below the first id created at or after before, found by walking the primary key from its
// start (where, after the first purge, only a day's worth waits). No audit row: notifications are
// derived from posts, which stay.
func (bs *BoardStore) PurgeNotifications(ctx context.Context, before time.Time) (n int64, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.PurgeNotifications")
	var cut int64
	err = db.rq.QueryRowContext(db.reading(ctx), `SELECT COALESCE((SELECT id FROM board_notifications WHERE created_at >= $1 ORDER BY id LIMIT 1),
		(SELECT MAX(id) + 1 FROM board_notifications), 0)`, before.UTC()).Scan(&cut)
	if err != nil {
		return 0, err
	}
	for {
		var deleted int64
		err := db.tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM board_notifications WHERE id IN (
				SELECT id FROM board_notifications WHERE id < $1 ORDER BY id`+sqlLimit(purgeBatch)+`)`, cut)
			if err != nil {
				return err
			}
			deleted, err = res.RowsAffected()
			return err
		})
		n += deleted
		if err != nil || deleted < purgeBatch {
			return n, err
		}
	}
}
