package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

const handbookColumns = `h.id, h.owner_id, h.title, h.summary, h.vis_kind, h.network_id, h.created_at, h.updated_at`

// handbooksWhere reads the handbooks matching rest (a condition on alias h, then ORDER BY and
// LIMIT), with their items and shares.
func handbooksWhere(ctx context.Context, q querier, rest string, args ...any) ([]practice.Handbook, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+handbookColumns+` FROM handbooks h WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	var out []practice.Handbook
	for rows.Next() {
		var h practice.Handbook
		var kind string
		var network sql.NullInt64
		if err := rows.Scan(&h.ID, &h.OwnerID, &h.Title, &h.Summary, &kind, &network, &h.CreatedAt, &h.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		h.Visibility = visibilityOf(kind, network)
		h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
		out = append(out, h)
	}
	err = rows.Err()
	rows.Close()
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[int64]*practice.Handbook{}
	ids := make([]any, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
		ids[i] = out[i].ID
	}
	in := placeholders(1, len(ids))
	for _, set := range []struct {
		query string
		add   func(h *practice.Handbook, id int64)
	}{
		{`SELECT handbook_id, practice_id FROM handbook_items WHERE handbook_id IN (` + in + `) ORDER BY handbook_id, position`,
			func(h *practice.Handbook, id int64) { h.Items = append(h.Items, id) }},
		{`SELECT handbook_id, org_id FROM handbook_shares WHERE handbook_id IN (` + in + `) ORDER BY handbook_id, org_id`,
			func(h *practice.Handbook, id int64) { h.SharedWith = append(h.SharedWith, id) }},
	} {
		rows, err := q.QueryContext(ctx, set.query, ids...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var hid, id int64
			if err := rows.Scan(&hid, &id); err != nil {
				rows.Close()
				return nil, err
			}
			set.add(byID[hid], id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// handbookByID reads one handbook whatever the actor.
func (db *DB) handbookByID(ctx context.Context, q querier, id int64, lock bool) (practice.Handbook, error) {
	rest := `h.id = $1`
	if lock {
		rest += db.forUpdate()
	}
	hs, err := handbooksWhere(ctx, q, rest, id)
	if err != nil {
		return practice.Handbook{}, err
	}
	if len(hs) == 0 {
		return practice.Handbook{}, citypact.NotFound("handbook")
	}
	return hs[0], nil
}

// checkHandbook checks what only the store knows: every item is a practice the actor may see
// (items kept from before need not be: a practice that became invisible to the editor stays
// until they remove it), every organisation shared with exists, a network visibility names one
// of the owner's networks.
func (db *DB) checkHandbook(ctx context.Context, q querier, a citypact.Actor, h *practice.Handbook, kept []int64) error {
	added := slices.DeleteFunc(slices.Clone(h.Items), func(id int64) bool { return slices.Contains(kept, id) })
	if len(added) > 0 {
		ps, err := practicesWhere(ctx, q, `p.id IN (`+placeholders(1, len(added))+`)`, anys(added)...)
		if err != nil {
			return err
		}
		rel, err := db.relations(ctx, q, a, added...)
		if err != nil {
			return err
		}
		ps = slices.DeleteFunc(ps, func(p practice.Practice) bool { return !practice.CanSeePractice(a, p, rel) })
		if len(ps) != len(added) {
			return citypact.Invalid(citypact.FieldError{Field: "items", Key: "practice.handbook_item_invalid"})
		}
	}
	if len(h.SharedWith) > 0 {
		found, err := queryInt64s(ctx, q, `SELECT id FROM organisations WHERE id IN (`+placeholders(1, len(h.SharedWith))+`)`, anys(h.SharedWith)...)
		if err != nil {
			return err
		}
		if len(found) != len(h.SharedWith) {
			return citypact.Invalid(citypact.FieldError{Field: "shared_with", Key: "practice.handbook_share_invalid"})
		}
	}
	if h.Visibility.Kind == practice.VisNetwork {
		c, err := db.practiceChoices(ctx, q, h.OwnerID)
		if err != nil {
			return err
		}
		if !slices.Contains(c.Networks, h.Visibility.NetworkID) {
			return citypact.Invalid(citypact.FieldError{Field: "visibility", Key: "practice.network_invalid"})
		}
	}
	return nil
}

// writeHandbookSets replaces a handbook's items (in order) and shares.
func writeHandbookSets(ctx context.Context, tx *sql.Tx, h *practice.Handbook) error {
	for _, table := range []string{"handbook_items", "handbook_shares"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE handbook_id = $1`, h.ID); err != nil {
			return err
		}
	}
	if len(h.Items) > 0 {
		var q strings.Builder
		q.WriteString(`INSERT INTO handbook_items (handbook_id, position, practice_id) VALUES `)
		var args []any
		for i, id := range h.Items {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + placeholders(len(args)+1, 3) + ")")
			args = append(args, h.ID, i, id)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	if len(h.SharedWith) > 0 {
		var q strings.Builder
		q.WriteString(`INSERT INTO handbook_shares (handbook_id, org_id) VALUES `)
		var args []any
		for i, id := range h.SharedWith {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + placeholders(len(args)+1, 2) + ")")
			args = append(args, h.ID, id)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// handbookAudit is what the audit log keeps of a handbook.
type handbookAudit struct {
	Owner      int64   `json:"owner"`
	Title      string  `json:"title"`
	Items      []int64 `json:"items"`
	SharedWith []int64 `json:"shared_with,omitempty"`
	Visibility string  `json:"visibility"`
}

func auditOfHandbook(h practice.Handbook) handbookAudit {
	return handbookAudit{h.OwnerID, h.Title, h.Items, h.SharedWith, h.Visibility.String()}
}

// CreateHandbook stores a new handbook of h.OwnerID, for the owner's editors and admins.
func (db *DB) CreateHandbook(ctx context.Context, h *practice.Handbook) (err error) {
	defer citypact.Wrap(&err, "store.CreateHandbook")
	a := citypact.ActorFrom(ctx)
	if err := practice.CanEdit(a, h.OwnerID); err != nil {
		return err
	}
	if err := h.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkHandbook(ctx, tx, a, h, nil); err != nil {
			return err
		}
		h.CreatedAt = db.Now()
		h.UpdatedAt = h.CreatedAt
		err := tx.QueryRowContext(ctx, `INSERT INTO handbooks (owner_id, title, summary, vis_kind, network_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			h.OwnerID, h.Title, h.Summary, string(h.Visibility.Kind), nullID(h.Visibility.NetworkID), h.CreatedAt).Scan(&h.ID)
		if isForeignKey(err) {
			return citypact.Invalid(citypact.FieldError{Field: "owner", Key: "org.unknown"})
		}
		if err != nil {
			return err
		}
		if err := writeHandbookSets(ctx, tx, h); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "handbook.create", "handbook", h.ID, nil, auditOfHandbook(*h))
	})
}

// UpdateHandbook replaces a handbook's title, summary, items, shares and visibility; the owner
// stays the stored one.
func (db *DB) UpdateHandbook(ctx context.Context, h *practice.Handbook) (err error) {
	defer citypact.Wrap(&err, "store.UpdateHandbook(%d)", h.ID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.handbookByID(ctx, tx, h.ID, true)
		if err != nil {
			return err
		}
		rel, err := db.relations(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := practice.CanChangeHandbook(a, cur, rel); err != nil {
			return err
		}
		h.OwnerID, h.CreatedAt = cur.OwnerID, cur.CreatedAt
		if err := h.Validate(); err != nil {
			return err
		}
		if err := db.checkHandbook(ctx, tx, a, h, cur.Items); err != nil {
			return err
		}
		h.UpdatedAt = db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE handbooks SET title = $1, summary = $2, vis_kind = $3, network_id = $4, updated_at = $5
			WHERE id = $6`, h.Title, h.Summary, string(h.Visibility.Kind), nullID(h.Visibility.NetworkID), h.UpdatedAt, h.ID); err != nil {
			return err
		}
		if err := writeHandbookSets(ctx, tx, h); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "handbook.update", "handbook", h.ID, auditOfHandbook(cur), auditOfHandbook(*h))
	})
}

// DeleteHandbook deletes a handbook with its items, shares and opens.
func (db *DB) DeleteHandbook(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteHandbook(%d)", id)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.handbookByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		rel, err := db.relations(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := practice.CanChangeHandbook(a, cur, rel); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM handbooks WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "handbook.delete", "handbook", id, auditOfHandbook(cur), nil)
	})
}

// visibleHandbook reads a handbook the actor may see (CanSeeHandbook), else KindNotFound.
func (db *DB) visibleHandbook(ctx context.Context, q querier, a citypact.Actor, id int64) (practice.Handbook, error) {
	h, err := db.handbookByID(ctx, q, id, false)
	if err != nil {
		return h, err
	}
	rel, err := db.relations(ctx, q, a)
	if err != nil {
		return h, err
	}
	if !practice.CanSeeHandbook(a, h, rel) {
		return practice.Handbook{}, citypact.NotFound("handbook")
	}
	return h, nil
}

// Handbook returns a handbook the actor may see. Items lists every item, including practices
// the actor may not see (HandbookItems gives those the actor may read).
func (db *DB) Handbook(ctx context.Context, id int64) (_ practice.Handbook, err error) {
	defer citypact.Wrap(&err, "store.Handbook(%d)", id)
	ctx = db.reading(ctx)
	return db.visibleHandbook(ctx, db.rq, citypact.ActorFrom(ctx), id)
}

// Handbooks lists the handbooks matching f that the actor may see, newest first.
func (db *DB) Handbooks(ctx context.Context, f practice.HandbookFilter) (_ []practice.Handbook, err error) {
	defer citypact.Wrap(&err, "store.Handbooks")
	ctx = db.reading(ctx)
	var where []string
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	where = append(where, db.handbookVisible(citypact.ActorFrom(ctx), "h", arg))
	if f.Owner != 0 {
		where = append(where, fmt.Sprintf(`h.owner_id = $%d`, arg(f.Owner)))
	}
	if f.SharedWith != 0 {
		where = append(where, fmt.Sprintf(`h.id IN (SELECT handbook_id FROM handbook_shares WHERE org_id = $%d)`, arg(f.SharedWith)))
	}
	if f.Practice != 0 {
		where = append(where, fmt.Sprintf(`h.id IN (SELECT handbook_id FROM handbook_items WHERE practice_id = $%d)`, arg(f.Practice)))
	}
	p := f.Page.Normalize()
	if p.After > 0 {
		where = append(where, fmt.Sprintf(`h.id < $%d`, arg(p.After)))
	}
	rest := strings.Join(where, " AND ") + ` ORDER BY h.id DESC` + sqlLimit(p.Limit)
	return handbooksWhere(ctx, db.rq, rest, args...)
}

// HandbookItems returns the handbook's practices the actor may see, in order, and how many
// of its items they may not.
func (db *DB) HandbookItems(ctx context.Context, id int64) (items []practice.Practice, hidden int, err error) {
	defer citypact.Wrap(&err, "store.HandbookItems(%d)", id)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	h, err := db.visibleHandbook(ctx, db.rq, a, id)
	if err != nil {
		return nil, 0, err
	}
	args := []any{id}
	arg := func(v any) int { args = append(args, v); return len(args) }
	items, err = practicesWhere(ctx, db.rq, `p.id IN (SELECT practice_id FROM handbook_items WHERE handbook_id = $1) AND `+
		db.practiceVisible(a, "p", arg)+` ORDER BY (SELECT position FROM handbook_items i WHERE i.handbook_id = $1 AND i.practice_id = p.id)`, args...)
	return items, len(h.Items) - len(items), err
}

// RecordOpen notes that the actor's organisation opened a handbook, when RecordsOpen says it
// counts. It is a reading, not a change: no audit row.
func (db *DB) RecordOpen(ctx context.Context, handbookID int64) (err error) {
	defer citypact.Wrap(&err, "store.RecordOpen(%d)", handbookID)
	a := citypact.ActorFrom(ctx)
	h, err := db.visibleHandbook(db.reading(ctx), db.rq, a, handbookID)
	if err != nil || !practice.RecordsOpen(a, h) {
		return err
	}
	now := db.Now()
	_, err = db.w.ExecContext(ctx, `INSERT INTO handbook_opens (handbook_id, org_id, first_at, last_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (handbook_id, org_id) DO UPDATE SET last_at = excluded.last_at`, handbookID, a.OrgID, now)
	return err
}

// Opens lists the organisations that opened a handbook, latest first (CanSeeOpens).
func (db *DB) Opens(ctx context.Context, handbookID int64) (_ []practice.HandbookOpen, err error) {
	defer citypact.Wrap(&err, "store.Opens(%d)", handbookID)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	h, err := db.visibleHandbook(ctx, db.rq, a, handbookID)
	if err != nil {
		return nil, err
	}
	if err := practice.CanSeeOpens(a, h); err != nil {
		return nil, err
	}
	rows, err := db.rq.QueryContext(ctx, `SELECT handbook_id, org_id, first_at, last_at FROM handbook_opens WHERE handbook_id = $1
		ORDER BY last_at DESC, org_id`, handbookID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []practice.HandbookOpen
	for rows.Next() {
		var o practice.HandbookOpen
		if err := rows.Scan(&o.HandbookID, &o.OrgID, &o.FirstAt, &o.LastAt); err != nil {
			return nil, err
		}
		o.FirstAt, o.LastAt = o.FirstAt.UTC(), o.LastAt.UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}
