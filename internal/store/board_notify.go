package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// follow subscribes user to a target, doing nothing when they already follow it.
func (db *DB) follow(ctx context.Context, tx *sql.Tx, user int64, kind board.Follow, target int64, tag string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO board_subscriptions (user_id, kind, target_id, tag, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, kind, target_id, tag) DO NOTHING`, user, string(kind), target, tag, now)
	return err
}

// fanOut writes ev's notifications in tx: it collects the candidates (subscribers of the board,
// the thread, its tags and the author's organisation, the addressees, and the answer's author),
// decides who may see t (as it is in tx) with board.CanSeeThread and their organisation's relations,
// and lets board.FanOut choose one notification per user.
func (db *DB) fanOut(ctx context.Context, tx *sql.Tx, b board.Board, t board.Thread, ev board.Event) error {
	var args argList
	n := func(v any) string { return fmt.Sprintf("$%d", args.add(v)) }
	// Only a new thread reaches the followers of its board, tags and author's organisation (see
	// board.FanOut); a post or an acceptance reaches the thread's, and reading a busy board's
	// followers for every post would be wasted.
	subs := []string{`(s.kind = 'thread' AND s.target_id = ` + n(ev.ThreadID) + `)`}
	newThread := ev.Kind == board.EventNewThread
	if newThread {
		subs = append(subs, `(s.kind = 'board' AND s.target_id = `+n(ev.BoardID)+`)`)
	}
	if newThread && ev.AuthorOrgID != 0 {
		subs = append(subs, `(s.kind = 'org' AND s.target_id = `+n(ev.AuthorOrgID)+`)`)
	}
	if newThread && len(ev.Tags) > 0 {
		in := make([]string, len(ev.Tags))
		for i, tag := range ev.Tags {
			in[i] = n(tag)
		}
		subs = append(subs, `(s.kind = 'tag' AND s.tag IN (`+strings.Join(in, ", ")+`))`)
	}
	q := `SELECT u.id, COALESCE(u.org_id, 0), u.role, COALESCE(f.frequency, '` + string(board.DefaultFrequency) + `'),
			s.id, s.kind, s.target_id, s.tag
		FROM board_subscriptions s JOIN users u ON u.id = s.user_id LEFT JOIN board_frequency f ON f.user_id = u.id
		WHERE NOT u.disabled AND (` + strings.Join(subs, " OR ") + `)`
	var direct []string
	if len(ev.ToUsers) > 0 {
		in := make([]string, len(ev.ToUsers))
		for i, id := range ev.ToUsers {
			in[i] = n(id)
		}
		direct = append(direct, `u.id IN (`+strings.Join(in, ", ")+`)`)
	}
	if len(ev.ToOrgs) > 0 {
		in := make([]string, len(ev.ToOrgs))
		for i, id := range ev.ToOrgs {
			in[i] = n(id)
		}
		direct = append(direct, `u.org_id IN (`+strings.Join(in, ", ")+`)`)
	}
	if ev.AnswerAuthorID != 0 {
		direct = append(direct, `u.id = `+n(ev.AnswerAuthorID))
	}
	if len(direct) > 0 {
		q += ` UNION ALL SELECT u.id, COALESCE(u.org_id, 0), u.role, COALESCE(f.frequency, '` + string(board.DefaultFrequency) + `'),
			0, '', 0, '' FROM users u LEFT JOIN board_frequency f ON f.user_id = u.id
			WHERE NOT u.disabled AND (` + strings.Join(direct, " OR ") + `)`
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	type row struct {
		c    board.Candidate
		role citypact.Role
	}
	var found []row
	orgs := map[int64]bool{}
	for rows.Next() {
		var r row
		var role, freq, kind string
		if err := rows.Scan(&r.c.UserID, &r.c.OrgID, &role, &freq, &r.c.Sub.ID, &kind, &r.c.Sub.TargetID, &r.c.Sub.Tag); err != nil {
			rows.Close()
			return err
		}
		r.role, _ = citypact.ParseRole(role)
		r.c.Frequency, r.c.Sub.Kind = board.Frequency(freq), board.Follow(kind)
		if kind != "" {
			r.c.Sub.UserID = r.c.UserID
		}
		found = append(found, r)
		if r.c.OrgID != 0 {
			orgs[r.c.OrgID] = true
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	nets, err := db.networksOf(ctx, tx, orgs)
	if err != nil {
		return err
	}
	cands := make([]board.Candidate, len(found))
	for i, r := range found {
		a := citypact.Actor{UserID: r.c.UserID, OrgID: r.c.OrgID, Role: r.role}
		rel := board.Relations{OrgID: r.c.OrgID, Networks: nets[r.c.OrgID]}
		r.c.CanSee = board.CanSeeThread(a, b, t, rel)
		cands[i] = r.c
	}
	return db.insertNotifications(ctx, tx, board.FanOut(ev, cands))
}

// networksOf reads the current networks of each organisation given, in one query per namesChunk.
func (db *DB) networksOf(ctx context.Context, q querier, orgs map[int64]bool) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	ids := make([]any, 0, len(orgs))
	for id := range orgs {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), namesChunk)]
		ids = ids[len(chunk):]
		rows, err := q.QueryContext(ctx, `SELECT member_id, network_id FROM memberships WHERE (until IS NULL OR until >= $1)
			AND member_id IN (`+placeholders(2, len(chunk))+`)`, append([]any{dateText(db.Now())}, chunk...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m, n int64
			if err := rows.Scan(&m, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[m] = append(out[m], n)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insertNotifications writes ns, which share one event (board, thread, post, actor and time), in
// statements of notesChunk rows. The shared values are bound once and each row adds three:
// SQLite looks $n parameters up by name in a list, so a statement's cost grows with the square
// of its parameters (eight per row made the fan-out to 200 users two thirds of CreatePost).
func (db *DB) insertNotifications(ctx context.Context, tx *sql.Tx, ns []board.Notification) error {
	for len(ns) > 0 {
		chunk := ns[:min(len(ns), notesChunk)]
		ns = ns[len(chunk):]
		n := chunk[0]
		args := []any{n.BoardID, n.ThreadID, n.PostID, nullID(n.ActorID), n.CreatedAt}
		var q strings.Builder
		q.WriteString(`INSERT INTO board_notifications (board_id, thread_id, post_id, actor_id, created_at, user_id, kind, delivery) VALUES `)
		for i, n := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($1, $2, $3, $4, $5, %s)", placeholders(len(args)+1, 3))
			args = append(args, n.UserID, string(n.Kind), string(n.Delivery))
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// notesChunk bounds the rows of one notification INSERT.
const notesChunk = 100
