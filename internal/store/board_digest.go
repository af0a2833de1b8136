package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/mail"
)

// The mail job's methods act for no signed-in user: they take the user they work for as an
// argument and apply that user's sight of the boards, as of now.

// MailDue lists users of frequency f with notifications of its delivery neither read nor
// digested, created before end, by user id after the given one. It reads what waits for mail
// through the partial index of pending notifications (migration 00013), whose condition the
// query repeats word for word so that both engines see it applies.
func (bs *BoardStore) MailDue(ctx context.Context, f board.Frequency, end time.Time, after int64, limit int) (_ []int64, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.MailDue(%s)", f)
	if !f.Valid() || limit <= 0 {
		return nil, citypact.Invalid(citypact.FieldError{Field: "frequency", Key: "field.choice"})
	}
	return queryInt64s(db.reading(ctx), db.rq, `SELECT DISTINCT n.user_id FROM board_notifications n
		LEFT JOIN board_frequency bf ON bf.user_id = n.user_id
		WHERE n.delivery = $1 AND n.read_at IS NULL AND n.digested_at IS NULL AND n.delivery <> 'in_app'
		AND n.created_at < $2 AND n.user_id > $3
		AND COALESCE(bf.frequency, $4) = $5 ORDER BY n.user_id`+sqlLimit(limit),
		string(board.DeliveryFor(f)), end.UTC(), after, string(board.DefaultFrequency), string(f))
}

// maxExcerpt is how much of a post a digest quotes, in characters.
const maxExcerpt = 280

// excerpt turns Markdown into a short line of text: the marks stay, which a reader of plain
// mail reads past, but the line breaks go and the length is bounded.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxExcerpt-1])) + "…"
}

// DigestItems returns user's notifications of f's delivery created before end that are not yet
// read nor digested, with the read or digested ones about the same posts (BuildDigest skips
// those posts), on threads and posts the user may see now.
func (bs *BoardStore) DigestItems(ctx context.Context, user int64, f board.Frequency, end time.Time) (_ []board.DigestItem, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.DigestItems(%d, %s)", user, f)
	ctx = db.reading(ctx)
	var org sql.NullInt64
	var role, lang string
	if err := db.rq.QueryRowContext(ctx, `SELECT org_id, role, lang FROM users WHERE id = $1 AND NOT disabled`, user).
		Scan(&org, &role, &lang); err != nil {
		if err == sql.ErrNoRows {
			return nil, nil // a disabled account gets no mail
		}
		return nil, err
	}
	r, _ := citypact.ParseRole(role)
	a := citypact.Actor{UserID: user, OrgID: org.Int64, Role: r}
	var args argList
	u, delivery, before := args.add(user), args.add(string(board.DeliveryFor(f))), args.add(end.UTC())
	// The posts with something due first, then every notification about them (BuildDigest skips
	// posts already read or digested): probing the user's history once per row, which only grows,
	// cost a third more of a hub's digest run on SQLite.
	where := fmt.Sprintf(`n.user_id = $%[1]d AND n.delivery = $%[2]d AND n.created_at < $%[3]d
		AND (n.thread_id, n.post_id) IN (SELECT f.thread_id, f.post_id FROM board_notifications f
			WHERE f.user_id = $%[1]d AND f.delivery = $%[2]d AND f.created_at < $%[3]d AND f.read_at IS NULL AND f.digested_at IS NULL)
		AND (p.id IS NULL OR NOT p.hidden OR p.author_id = $%[1]d OR %[4]s)`, u, delivery, before, db.moderated(a, "b", args.add))
	where += " AND " + db.threadVisible(a, args.add)
	userLang := args.add(lang)
	// The author's organisation is named in the recipient's language when it has a name in it.
	rows, err := db.rq.QueryContext(ctx, `SELECT n.id, n.kind, b.id, b.names_json, b.slug, t.id, t.title, n.post_id,
		COALESCE(w.display_name, ''),
		COALESCE((SELECT x.name FROM organisation_names x WHERE x.org_id = o.id AND x.lang = $`+fmt.Sprint(userLang)+`), o.name, ''), COALESCE(p.body, t.body), n.created_at, n.read_at, n.digested_at
		FROM board_notifications n JOIN threads t ON t.id = n.thread_id JOIN boards b ON b.id = t.board_id
		LEFT JOIN posts p ON p.id = n.post_id AND n.post_id <> 0
		LEFT JOIN users w ON w.id = COALESCE(p.author_id, t.author_id)
		LEFT JOIN organisations o ON o.id = COALESCE(p.author_org_id, t.author_org_id)
		WHERE `+where+` ORDER BY n.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.DigestItem
	for rows.Next() {
		var it board.DigestItem
		var kind, names, slug, name, orgName, body string
		var read, digested sql.NullTime
		if err := rows.Scan(&it.NotificationID, &kind, &it.BoardID, &names, &slug, &it.ThreadID, &it.ThreadTitle, &it.PostID,
			&name, &orgName, &body, &it.At, &read, &digested); err != nil {
			return nil, err
		}
		b := board.Board{Slug: slug}
		if err := json.Unmarshal([]byte(names), &b.Names); err != nil {
			return nil, err
		}
		it.Kind, it.BoardName, it.Excerpt = board.NoteKind(kind), b.NameIn(lang), excerpt(body)
		it.Author = name
		if orgName != "" {
			it.Author += ", " + orgName
		}
		it.At, it.ReadAt, it.DigestedAt = it.At.UTC(), timeOf(read), timeOf(digested)
		out = append(out, it)
	}
	return out, rows.Err()
}

// QueueDigest puts msgs in the outbox and marks d.Marked digested, in one transaction; when one
// of them was digested meanwhile it changes nothing and returns KindConflict.
func (bs *BoardStore) QueueDigest(ctx context.Context, d board.Digest, msgs []mail.Message) error {
	return bs.QueueDigests(ctx, []board.Digest{d}, [][]mail.Message{msgs})
}
