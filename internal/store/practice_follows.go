package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// Subscribe starts or stops the actor following a practice. Starting to follow marks the
// current version read when the user never read one (they follow from the page that shows it),
// so that Changed reports the versions published after.
func (db *DB) Subscribe(ctx context.Context, practiceID int64, on bool) (err error) {
	defer citypact.Wrap(&err, "store.Subscribe(%d, %v)", practiceID, on)
	a := citypact.ActorFrom(ctx)
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		p, err := db.practiceByID(ctx, tx, practiceID, false)
		if err != nil {
			return err
		}
		rel, err := db.relations(ctx, tx, a, p.ID)
		if err != nil {
			return err
		}
		action := "practice.unfollow"
		if on {
			action = "practice.follow"
			err = practice.CanSubscribe(a, p, rel)
		} else if !practice.CanSeePractice(a, p, rel) {
			err = citypact.NotFound("practice")
		}
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO practice_follows (user_id, practice_id, following, read_version, read_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, practice_id) DO UPDATE SET following = excluded.following,
			read_version = CASE WHEN practice_follows.read_version = 0 THEN excluded.read_version ELSE practice_follows.read_version END,
			read_at = COALESCE(practice_follows.read_at, excluded.read_at)`,
			a.UserID, p.ID, on, p.Version, now); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, action, "practice", p.ID, nil, map[string]int64{"user": a.UserID})
	})
}

// MarkRead records that the actor read version of a practice (pages call it when showing one):
// the highest version read is kept. Reading a draft, or as a visitor, records nothing. It is a
// reading, not a change: no audit row.
func (db *DB) MarkRead(ctx context.Context, practiceID int64, version int) (err error) {
	defer citypact.Wrap(&err, "store.MarkRead(%d, %d)", practiceID, version)
	a := citypact.ActorFrom(ctx)
	p, err := db.visiblePractice(db.reading(ctx), db.rq, a, `p.id = $1`, practiceID)
	if err != nil || !a.SignedIn() || p.Version == 0 {
		return err
	}
	version = min(max(version, 1), p.Version)
	_, err = db.w.ExecContext(ctx, `INSERT INTO practice_follows (user_id, practice_id, read_version, read_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, practice_id) DO UPDATE SET read_at = excluded.read_at,
		read_version = CASE WHEN excluded.read_version > practice_follows.read_version THEN excluded.read_version ELSE practice_follows.read_version END`,
		a.UserID, p.ID, version, db.Now())
	return err
}

// ReadState is the actor's state for a practice they may see; the zero state for a visitor.
func (db *DB) ReadState(ctx context.Context, practiceID int64) (_ practice.ReadState, err error) {
	defer citypact.Wrap(&err, "store.ReadState(%d)", practiceID)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	if err := db.checkVisible(ctx, db.rq, a, practiceID); err != nil {
		return practice.ReadState{}, err
	}
	s := practice.ReadState{PracticeID: practiceID, UserID: a.UserID}
	if !a.SignedIn() {
		return s, nil
	}
	var at sql.NullTime
	err = db.rq.QueryRowContext(ctx, `SELECT following, read_version, read_at FROM practice_follows WHERE user_id = $1 AND practice_id = $2`,
		a.UserID, practiceID).Scan(&s.Subscribed, &s.LastRead, &at)
	if err == sql.ErrNoRows {
		return s, nil
	}
	s.ReadAt = timeOf(at)
	return s, err
}

// latestAt is when the current version of the practice aliased p was published.
func latestAt(p string) string {
	return fmt.Sprintf(`(SELECT v.at FROM practice_versions v WHERE v.practice_id = %[1]s.id AND v.number = %[1]s.version)`, p)
}

// Changed lists the practices the actor follows that have a version newer than the one they
// last read, among those they may still see, most recently published first. Page.After is the
// last practice id seen.
func (db *DB) Changed(ctx context.Context, pg citypact.Page) (_ []practice.Practice, err error) {
	defer citypact.Wrap(&err, "store.Changed")
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	if !a.SignedIn() {
		return nil, citypact.ErrUnauthenticated
	}
	args := []any{a.UserID}
	arg := func(v any) int { args = append(args, v); return len(args) }
	rest := `p.id IN (SELECT f.practice_id FROM practice_follows f WHERE f.user_id = $1 AND f.following AND f.read_version > 0)
		AND p.version > (SELECT f.read_version FROM practice_follows f WHERE f.user_id = $1 AND f.practice_id = p.id)
		AND p.status <> 'draft' AND ` + db.practiceVisible(a, "p", arg)
	pg = pg.Normalize()
	if pg.After > 0 {
		rest += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM practices c WHERE c.id = $%[1]d AND (%[2]s < %[3]s
			OR (%[2]s = %[3]s AND p.id < c.id)))`, arg(pg.After), latestAt("p"), latestAt("c"))
	}
	rest += ` ORDER BY ` + latestAt("p") + ` DESC, p.id DESC` + sqlLimit(pg.Limit)
	return practicesWhere(ctx, db.rq, rest, args...)
}

// Subscribers lists the users following a practice, for the notification job, which acts as an
// admin (the system actor) and checks each one's visibility again before sending.
func (db *DB) Subscribers(ctx context.Context, practiceID int64) (_ []int64, err error) {
	defer citypact.Wrap(&err, "store.Subscribers(%d)", practiceID)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	if !a.IsAdmin() {
		if !a.SignedIn() {
			return nil, citypact.ErrUnauthenticated
		}
		return nil, citypact.Forbidden("subscribers are for the notification job")
	}
	if _, err := db.practiceByID(ctx, db.rq, practiceID, false); err != nil {
		return nil, err
	}
	return queryInt64s(ctx, db.rq, `SELECT user_id FROM practice_follows WHERE practice_id = $1 AND following ORDER BY user_id`, practiceID)
}
