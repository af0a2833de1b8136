package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// UpdateThread changes what the author wrote (CanEditThread), raising Version when the text
// changed, and tells addressees it adds.
func (bs *BoardStore) UpdateThread(ctx context.Context, t *board.Thread) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.UpdateThread(%d)", t.ID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, cur, rel, err := db.visibleThread(ctx, tx, a, t.ID, true)
		if err != nil {
			return err
		}
		now := db.Now()
		if err := board.CanEditThread(a, b, cur, rel, now); err != nil {
			return err
		}
		next := cur
		next.Title, next.Body, next.Lang, next.Tags = t.Title, t.Body, t.Lang, t.Tags
		next.ToOrgs, next.ToUsers, next.Practices, next.Attachments, next.Supply = t.ToOrgs, t.ToUsers, t.Practices, t.Attachments, t.Supply
		if err := next.Validate(b); err != nil {
			return err
		}
		if err := db.checkLinks(ctx, tx, a, b, &next); err != nil {
			return err
		}
		if board.TextChanged(cur, next) {
			next.Version++
		}
		next.UpdatedAt = now
		s := next.Supply
		if s == nil {
			s = &board.SupplyInfo{}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET title = $1, body = $2, lang = $3, version = $4, updated_at = $5,
			has_supply = $6, product = $7, specification = $8, supplier = $9, unit_price = $10, currency = $11, quantity = $12,
			unit = $13, certifications = $14, valid_until = $15 WHERE id = $16`,
			next.Title, next.Body, next.Lang, next.Version, now, next.Supply != nil, supplyText(next.Supply, s.Product),
			supplyText(next.Supply, s.Specification), supplyText(next.Supply, s.Supplier), supplyNum(next.Supply, s.UnitPrice),
			supplyText(next.Supply, s.Currency), supplyNum(next.Supply, s.Quantity), supplyText(next.Supply, s.Unit),
			supplyText(next.Supply, strings.Join(s.Certifications, "\n")), dateArg(s.ValidUntil), next.ID); err != nil {
			return err
		}
		if err := writeThreadSets(ctx, tx, &next); err != nil {
			return err
		}
		if err := db.indexBoardText(ctx, tx, next.ID, 0); err != nil {
			return err
		}
		ev := board.Event{Kind: board.EventAddressed, ActorID: a.UserID, BoardID: b.ID, ThreadID: next.ID,
			ToOrgs: added(cur.ToOrgs, next.ToOrgs), ToUsers: added(cur.ToUsers, next.ToUsers), At: now}
		if len(ev.ToOrgs)+len(ev.ToUsers) > 0 {
			if err := db.fanOut(ctx, tx, b, next, ev); err != nil {
				return err
			}
		}
		*t = next
		return db.writeAudit(ctx, tx, "thread.update", "thread", t.ID, auditOfThread(cur), auditOfThread(next))
	})
}

// added returns the ids of next that are not in cur.
func added(cur, next []int64) []int64 {
	var out []int64
	for _, id := range next {
		if !slices.Contains(cur, id) {
			out = append(out, id)
		}
	}
	return out
}

// UpdatePost changes a post's body, language and attachments (CanEditPost), raising Version when
// the body changed.
func (bs *BoardStore) UpdatePost(ctx context.Context, p *board.Post) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.UpdatePost(%d)", p.ID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		ps, err := postsWhere(ctx, tx, `p.id = $1`, p.ID)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return citypact.NotFound("post")
		}
		cur := ps[0]
		b, t, _, rel, err := db.visibleTarget(ctx, tx, a, cur.ThreadID, cur.ID, true)
		if err != nil {
			return citypact.NotFound("post")
		}
		now := db.Now()
		if err := board.CanEditPost(a, b, t, cur, rel, now); err != nil {
			return err
		}
		next := cur
		next.Body, next.Lang, next.Attachments = p.Body, p.Lang, p.Attachments
		if err := next.Validate(b, t); err != nil {
			return err
		}
		if err := db.checkAttachments(ctx, tx, a, next.Attachments); err != nil {
			return err
		}
		if next.Body != cur.Body {
			next.Version++
		}
		next.UpdatedAt = now
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET body = $1, lang = $2, version = $3, updated_at = $4 WHERE id = $5`,
			next.Body, next.Lang, next.Version, now, next.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM board_attachments WHERE post_id = $1`, next.ID); err != nil {
			return err
		}
		for i, att := range next.Attachments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO board_attachments (thread_id, post_id, attachment_id, position)
				VALUES ($1, $2, $3, $4)`, t.ID, next.ID, att, i); err != nil {
				return err
			}
		}
		if err := db.indexBoardText(ctx, tx, t.ID, next.ID); err != nil {
			return err
		}
		*p = next
		return db.writeAudit(ctx, tx, "post.update", "post", p.ID, auditOfPost(cur), auditOfPost(next))
	})
}

// translation reads the translation of (thread, post) in lang; the zero Translation when none.
func translation(ctx context.Context, q querier, threadID, postID int64, lang string) (board.Translation, error) {
	var tr board.Translation
	err := q.QueryRowContext(ctx, `SELECT thread_id, post_id, lang, title, body, version, translator_id, at
		FROM board_translations WHERE thread_id = $1 AND post_id = $2 AND lang = $3`, threadID, postID, lang).
		Scan(&tr.ThreadID, &tr.PostID, &tr.Lang, &tr.Title, &tr.Body, &tr.Version, &tr.TranslatorID, &tr.At)
	if err == sql.ErrNoRows {
		return board.Translation{}, nil
	}
	tr.At = tr.At.UTC()
	return tr, err
}

// SaveTranslation creates or replaces the translation of a thread or post in tr.Lang.
func (bs *BoardStore) SaveTranslation(ctx context.Context, tr *board.Translation) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.SaveTranslation(%d, %d)", tr.ThreadID, tr.PostID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, t, p, rel, err := db.visibleTarget(ctx, tx, a, tr.ThreadID, tr.PostID, true)
		if err != nil {
			return err
		}
		if err := tr.Validate(t, p); err != nil {
			return err
		}
		existing, err := translation(ctx, tx, tr.ThreadID, tr.PostID, tr.Lang)
		if err != nil {
			return err
		}
		if err := board.CanTranslate(a, b, t, p, rel, existing); err != nil {
			return err
		}
		tr.TranslatorID, tr.At = a.UserID, db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO board_translations (thread_id, post_id, lang, title, body, version,
			translator_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (thread_id, post_id, lang) DO UPDATE SET title = excluded.title, body = excluded.body,
			version = excluded.version, translator_id = excluded.translator_id, at = excluded.at`,
			tr.ThreadID, tr.PostID, tr.Lang, tr.Title, tr.Body, tr.Version, tr.TranslatorID, tr.At); err != nil {
			return err
		}
		if err := db.indexBoardText(ctx, tx, tr.ThreadID, tr.PostID); err != nil {
			return err
		}
		entity, id := "thread", tr.ThreadID
		if tr.PostID != 0 {
			entity, id = "post", tr.PostID
		}
		return db.writeAudit(ctx, tx, "board.translate", entity, id, nil,
			map[string]any{"lang": tr.Lang, "version": tr.Version})
	})
}

// Translations lists the translations of a thread and of its posts the actor may see, by post
// then language.
func (bs *BoardStore) Translations(ctx context.Context, threadID int64) (_ []board.Translation, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Translations(%d)", threadID)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	b, t, rel, err := db.visibleThread(ctx, db.rq, a, threadID, false)
	if err != nil {
		return nil, err
	}
	ps, err := postsWhere(ctx, db.rq, `p.thread_id = $1 ORDER BY p.id`, threadID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{0: true}
	for _, p := range ps {
		seen[p.ID] = board.CanSeePost(a, b, t, p, rel)
	}
	return db.translationsOf(ctx, threadID, seen)
}

// translationsOf reads the translations of a thread's text (post 0) and of its posts for which
// seen is true.
func (db *DB) translationsOf(ctx context.Context, threadID int64, seen map[int64]bool) ([]board.Translation, error) {
	rows, err := db.rq.QueryContext(ctx, `SELECT thread_id, post_id, lang, title, body, version, translator_id, at
		FROM board_translations WHERE thread_id = $1 ORDER BY post_id, lang`, threadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Translation
	for rows.Next() {
		var tr board.Translation
		if err := rows.Scan(&tr.ThreadID, &tr.PostID, &tr.Lang, &tr.Title, &tr.Body, &tr.Version, &tr.TranslatorID, &tr.At); err != nil {
			return nil, err
		}
		if seen[tr.PostID] {
			tr.At = tr.At.UTC()
			out = append(out, tr)
		}
	}
	return out, rows.Err()
}
