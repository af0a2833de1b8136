package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// signedIn refuses visitors and read-only tokens what changes only the actor's own settings.
func signedIn(a citypact.Actor, write bool) error {
	switch {
	case !a.SignedIn():
		return citypact.ErrUnauthenticated
	case write && a.Scope == citypact.ScopeRead:
		return citypact.Forbidden("read-only token")
	}
	return nil
}

const subscriptionColumns = `id, user_id, kind, target_id, tag, created_at`

func scanSubscription(s interface{ Scan(...any) error }) (board.Subscription, error) {
	var sub board.Subscription
	var kind string
	err := s.Scan(&sub.ID, &sub.UserID, &kind, &sub.TargetID, &sub.Tag, &sub.CreatedAt)
	sub.Kind, sub.CreatedAt = board.Follow(kind), sub.CreatedAt.UTC()
	return sub, err
}

// Subscribe stores s for the actor (CanSubscribe); following again returns the existing row.
func (bs *BoardStore) Subscribe(ctx context.Context, s *board.Subscription) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Subscribe")
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, true); err != nil {
		return err
	}
	s.UserID = a.UserID
	if err := s.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var b board.Board
		var t board.Thread
		rel, err := db.boardRelations(ctx, tx, a)
		if err != nil {
			return err
		}
		switch s.Kind {
		case board.FollowBoard:
			if b, rel, err = db.visibleBoard(ctx, tx, a, s.TargetID, false); err != nil {
				return err
			}
		case board.FollowThread:
			if b, t, rel, err = db.visibleThread(ctx, tx, a, s.TargetID, false); err != nil {
				return err
			}
		case board.FollowOrg:
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, s.TargetID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return citypact.NotFound("organisation")
			}
		}
		if err := board.CanSubscribe(a, *s, b, t, rel); err != nil {
			return err
		}
		if err := db.follow(ctx, tx, a.UserID, s.Kind, s.TargetID, s.Tag, db.Now()); err != nil {
			return err
		}
		got, err := scanSubscription(tx.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM board_subscriptions
			WHERE user_id = $1 AND kind = $2 AND target_id = $3 AND tag = $4`, a.UserID, string(s.Kind), s.TargetID, s.Tag))
		if err != nil {
			return err
		}
		*s = got
		return db.writeAudit(ctx, tx, "board.subscribe", "subscription", s.ID, nil, s)
	})
}

// Unsubscribe deletes one of the actor's subscriptions; another user's is NotFound.
func (bs *BoardStore) Unsubscribe(ctx context.Context, id int64) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Unsubscribe(%d)", id)
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, true); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM board_subscriptions WHERE id = $1 AND user_id = $2`, id, a.UserID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, citypact.NotFound("subscription"))
		}
		return db.writeAudit(ctx, tx, "board.unsubscribe", "subscription", id, nil, nil)
	})
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// Subscriptions lists the actor's subscriptions, oldest first.
func (bs *BoardStore) Subscriptions(ctx context.Context) (_ []board.Subscription, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Subscriptions")
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, false); err != nil {
		return nil, err
	}
	ctx = db.reading(ctx)
	rows, err := db.rq.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM board_subscriptions WHERE user_id = $1 ORDER BY id`, a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Subscription
	for rows.Next() {
		s, err := scanSubscription(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Frequency returns the actor's e-mail frequency, DefaultFrequency until they choose.
func (bs *BoardStore) Frequency(ctx context.Context) (_ board.Frequency, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Frequency")
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, false); err != nil {
		return "", err
	}
	var f string
	err = db.rq.QueryRowContext(db.reading(ctx), `SELECT frequency FROM board_frequency WHERE user_id = $1`, a.UserID).Scan(&f)
	if err == sql.ErrNoRows {
		return board.DefaultFrequency, nil
	}
	return board.Frequency(f), err
}

// SetFrequency changes the actor's e-mail frequency.
func (bs *BoardStore) SetFrequency(ctx context.Context, f board.Frequency) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.SetFrequency(%s)", f)
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, true); err != nil {
		return err
	}
	if !f.Valid() {
		return citypact.Invalid(citypact.FieldError{Field: "frequency", Key: "field.choice"})
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO board_frequency (user_id, frequency) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET frequency = excluded.frequency`, a.UserID, string(f)); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "board.frequency", "user", a.UserID, nil, map[string]string{"frequency": string(f)})
	})
}

const notificationColumns = `n.id, n.user_id, n.kind, t.board_id, n.thread_id, n.post_id, n.actor_id, n.delivery, n.created_at,
	n.read_at, n.digested_at`

func scanNotification(s interface{ Scan(...any) error }) (board.Notification, error) {
	var n board.Notification
	var kind, delivery string
	var actor sql.NullInt64
	var read, digested sql.NullTime
	err := s.Scan(&n.ID, &n.UserID, &kind, &n.BoardID, &n.ThreadID, &n.PostID, &actor, &delivery, &n.CreatedAt, &read, &digested)
	n.Kind, n.Delivery, n.ActorID = board.NoteKind(kind), board.Delivery(delivery), actor.Int64
	n.CreatedAt, n.ReadAt, n.DigestedAt = n.CreatedAt.UTC(), timeOf(read), timeOf(digested)
	return n, err
}

// Notifications lists the actor's notifications on threads they may still see, newest first.
func (bs *BoardStore) Notifications(ctx context.Context, f board.NotificationFilter) (_ []board.Notification, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Notifications")
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, false); err != nil {
		return nil, err
	}
	ctx = db.reading(ctx)
	var args argList
	where := fmt.Sprintf("n.user_id = $%d AND ", args.add(a.UserID)) + db.threadVisible(a, args.add)
	if f.Unread {
		where += " AND n.read_at IS NULL"
	}
	p := f.Page.Normalize()
	if p.After > 0 {
		where += fmt.Sprintf(" AND n.id < $%d", args.add(p.After))
	}
	rows, err := db.rq.QueryContext(ctx, `SELECT `+notificationColumns+` FROM board_notifications n
		JOIN threads t ON t.id = n.thread_id JOIN boards b ON b.id = t.board_id
		WHERE `+where+` ORDER BY n.id DESC`+sqlLimit(p.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadCount counts the actor's unread notifications on threads they may still see.
func (bs *BoardStore) UnreadCount(ctx context.Context) (n int, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.UnreadCount")
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, false); err != nil {
		return 0, err
	}
	var args argList
	where := fmt.Sprintf("n.user_id = $%d AND n.read_at IS NULL AND ", args.add(a.UserID)) + db.threadVisible(a, args.add)
	err = db.rq.QueryRowContext(db.reading(ctx), `SELECT COUNT(*) FROM board_notifications n
		JOIN threads t ON t.id = n.thread_id JOIN boards b ON b.id = t.board_id WHERE `+where, args...).Scan(&n)
	return n, err
}

// MarkRead marks the actor's notifications about a thread (all of them for 0) read. It writes no
// audit row: reading is not a change of anybody's data, as queuing mail is not.
func (bs *BoardStore) MarkRead(ctx context.Context, threadID int64) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.MarkRead(%d)", threadID)
	a := citypact.ActorFrom(ctx)
	if err := signedIn(a, false); err != nil {
		return err
	}
	if threadID != 0 {
		// Pages call this on every view of a thread: most views have nothing unread, and a read
		// spares them a write transaction (SQLite's single writer).
		var n int
		if err := db.rq.QueryRowContext(db.reading(ctx), `SELECT COUNT(*) FROM board_notifications
			WHERE user_id = $1 AND thread_id = $2 AND read_at IS NULL`, a.UserID, threadID).Scan(&n); err != nil || n == 0 {
			return err
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE board_notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`
		args := []any{db.Now(), a.UserID}
		if threadID != 0 {
			q += ` AND thread_id = $3`
			args = append(args, threadID)
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}
