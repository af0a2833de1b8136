package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

var _ practice.Store = (*DB)(nil)

// practiceColumns are a practice's own columns under the alias p.
const practiceColumns = `p.id, p.slug, p.owner_id, p.title, p.summary, p.body, p.lang, p.category, p.period_from,
	p.period_to, p.status, p.vis_kind, p.network_id, p.version, p.created_at, p.updated_at, p.published_at`

// practiceDest returns scan destinations for practiceColumns and a function that finishes the
// value; its sets are practiceSetColumns.
func practiceDest(p *practice.Practice) ([]any, func()) {
	var slug, category sql.NullString
	var from, to, published sql.NullTime
	var status, kind string
	var network sql.NullInt64
	return []any{&p.ID, &slug, &p.OwnerID, &p.Title, &p.Summary, &p.Body, &p.Lang, &category, &from,
			&to, &status, &kind, &network, &p.Version, &p.CreatedAt, &p.UpdatedAt, &published}, func() {
			p.Slug, p.Category = slug.String, category.String
			p.PeriodFrom, p.PeriodTo = dateOf(from), dateOf(to)
			p.Status = practice.Status(status)
			p.Visibility = visibilityOf(kind, network)
			p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
			p.PublishedAt = timeOf(published)
		}
}

// visibilityOf is a practice's visibility from its vis_kind and network_id columns.
func visibilityOf(kind string, network sql.NullInt64) practice.Visibility {
	return practice.Visibility{Kind: practice.VisibilityKind(kind), NetworkID: network.Int64}
}

func timeOf(t sql.NullTime) (out time.Time) {
	if t.Valid {
		return t.Time.UTC()
	}
	return out
}

// nullString stores "" as NULL (slug and category, which are unique or a foreign key).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// forUpdate locks the rows a PostgreSQL read returns until the transaction ends. SQLite needs
// nothing: its write transactions begin IMMEDIATE, holding the database's one write lock.
func (db *DB) forUpdate() string {
	if db.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// practicesWhere reads the practices matching rest (a condition on alias p, then ORDER BY and
// LIMIT), with their tags, SDG targets and lineage.
func practicesWhere(ctx context.Context, q querier, rest string, args ...any) ([]practice.Practice, error) {
	return scanPractices(ctx, q, true, rest, args...)
}

// practiceRows reads practices without their tags, SDG targets and lineage.
func practiceRows(ctx context.Context, q querier, rest string, args ...any) ([]practice.Practice, error) {
	return scanPractices(ctx, q, false, rest, args...)
}

// practiceSetColumns are a practice's tags, SDG targets and sources (its lineage), read with it
// (listColumn).
var practiceSetColumns = strings.Join([]string{
	listColumn("x.tag", "practice_tags", "x.practice_id = p.id"),
	listColumn("x.target", "practice_sdg", "x.practice_id = p.id"),
	listColumn("CAST(x.source_id AS TEXT)", "practice_lineage", "x.practice_id = p.id"),
}, ",\n\t")

// scanPractices reads the practices matching rest, with their sets or without.
func scanPractices(ctx context.Context, q querier, sets bool, rest string, args ...any) ([]practice.Practice, error) {
	var out []practice.Practice
	err := eachPractice(ctx, q, sets, rest, args, func(p practice.Practice) { out = append(out, p) })
	return out, err
}

// eachPractice hands fn each practice matching rest as it is read, so that the caller can work on
// one while the next ones arrive.
func eachPractice(ctx context.Context, q querier, sets bool, rest string, args []any, fn func(practice.Practice)) error {
	cols := practiceColumns
	if sets {
		cols += ", " + practiceSetColumns
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM practices p WHERE `+rest, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p practice.Practice
		dest, done := practiceDest(&p)
		var tagList, sdgList, sourceList sql.NullString
		if sets {
			dest = append(dest, &tagList, &sdgList, &sourceList)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		done()
		tags, errTags := splitList(tagList)
		sdgs, errSDGs := splitList(sdgList)
		sources, errSources := splitIDs(sourceList)
		if err := errors.Join(errTags, errSDGs, errSources); err != nil {
			return fmt.Errorf("practice %d: %w", p.ID, err)
		}
		p.Tags, p.SDGTargets, p.AdaptedFrom = tags, sdgs, sources
		fn(p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Closed before the next query: a transaction has one connection.
	return rows.Close()
}

// practiceByID reads one practice whatever the actor; the caller decides what they may see.
func (db *DB) practiceByID(ctx context.Context, q querier, id int64, lock bool) (practice.Practice, error) {
	rest := `p.id = $1`
	if lock {
		rest += db.forUpdate()
	}
	ps, err := practicesWhere(ctx, q, rest, id)
	if err != nil {
		return practice.Practice{}, err
	}
	if len(ps) == 0 {
		return practice.Practice{}, citypact.NotFound("practice")
	}
	return ps[0], nil
}

// writePracticeSets replaces the tags, SDG targets and lineage of p.
func writePracticeSets(ctx context.Context, tx *sql.Tx, p *practice.Practice) error {
	for _, table := range []string{"practice_tags", "practice_sdg", "practice_lineage"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE practice_id = $1`, p.ID); err != nil {
			return err
		}
	}
	insert := func(table, column string, values []any) error {
		if len(values) == 0 {
			return nil
		}
		var q strings.Builder
		fmt.Fprintf(&q, `INSERT INTO %s (practice_id, %s, position) VALUES `, table, column)
		args := make([]any, 0, 3*len(values))
		for i, v := range values {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + placeholders(len(args)+1, 3) + ")")
			args = append(args, p.ID, v, i)
		}
		_, err := tx.ExecContext(ctx, q.String(), args...)
		return err
	}
	if err := insert("practice_tags", "tag", anys(p.Tags)); err != nil {
		return err
	}
	if err := insert("practice_sdg", "target", anys(p.SDGTargets)); err != nil {
		return err
	}
	return insert("practice_lineage", "source_id", anys(p.AdaptedFrom))
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// practiceChoices reads what a practice of owner may be validated against: the categories, and
// the networks it may share with (those it currently belongs to, and itself when it is one).
func (db *DB) practiceChoices(ctx context.Context, q querier, owner int64) (c practice.Choices, err error) {
	if c.Categories, err = queryStrings(ctx, q, `SELECT key FROM practice_categories ORDER BY position, key`); err != nil {
		return c, err
	}
	c.Networks, err = queryInt64s(ctx, q, `SELECT network_id FROM memberships WHERE member_id = $1 AND (until IS NULL OR until >= $2)
		UNION SELECT id FROM organisations WHERE id = $1 AND kind = 'network'`, owner, dateText(db.Now()))
	return c, err
}

// validatePractice runs Practice.Validate with the stored choices, then CheckLineage against the
// sources as the actor may see them.
func (db *DB) validatePractice(ctx context.Context, q querier, a citypact.Actor, p *practice.Practice) error {
	c, err := db.practiceChoices(ctx, q, p.OwnerID)
	if err != nil {
		return err
	}
	if err := p.Validate(c); err != nil {
		return err
	}
	if len(p.AdaptedFrom) == 0 {
		return nil
	}
	ids := anys(p.AdaptedFrom)
	sources, err := practicesWhere(ctx, q, `p.id IN (`+placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return err
	}
	rel, err := db.relations(ctx, q, a, p.AdaptedFrom...)
	if err != nil {
		return err
	}
	sources = slices.DeleteFunc(sources, func(s practice.Practice) bool { return !practice.CanSeePractice(a, s, rel) })
	return practice.CheckLineage(*p, sources)
}

// practiceWriteError names the field a failed write is about.
func practiceWriteError(err error) error {
	switch {
	case isUnique(err):
		return citypact.Invalid(citypact.FieldError{Field: "slug", Key: "practice.slug_taken"})
	case isForeignKey(err):
		return citypact.Invalid(citypact.FieldError{Field: "owner", Key: "org.unknown"})
	}
	return err
}

// CreatePractice stores p as a new draft of p.OwnerID, for the owner's editors and admins.
func (db *DB) CreatePractice(ctx context.Context, p *practice.Practice) (err error) {
	defer citypact.Wrap(&err, "store.CreatePractice")
	a := citypact.ActorFrom(ctx)
	if err := practice.CanEdit(a, p.OwnerID); err != nil {
		return err
	}
	p.ID, p.Status, p.Version, p.PublishedAt = 0, practice.Draft, 0, time.Time{}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.validatePractice(ctx, tx, a, p); err != nil {
			return err
		}
		p.CreatedAt = db.Now()
		p.UpdatedAt = p.CreatedAt
		err := tx.QueryRowContext(ctx, `INSERT INTO practices (slug, owner_id, title, summary, body, lang, category,
			period_from, period_to, status, vis_kind, network_id, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, 0, $12, $12) RETURNING id`,
			nullString(p.Slug), p.OwnerID, p.Title, p.Summary, p.Body, p.Lang, nullString(p.Category),
			dateArg(p.PeriodFrom), dateArg(p.PeriodTo), string(p.Visibility.Kind), nullID(p.Visibility.NetworkID),
			p.CreatedAt).Scan(&p.ID)
		if err != nil {
			return practiceWriteError(err)
		}
		if err := writePracticeSets(ctx, tx, p); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "practice.create", "practice", p.ID, nil, auditOfPractice(*p))
	})
}

// updatePractice writes every field of p to its row, with the status, version and times given.
func updatePractice(ctx context.Context, tx *sql.Tx, p *practice.Practice) error {
	_, err := tx.ExecContext(ctx, `UPDATE practices SET slug = $1, title = $2, summary = $3, body = $4, lang = $5,
		category = $6, period_from = $7, period_to = $8, status = $9, vis_kind = $10, network_id = $11, version = $12,
		updated_at = $13, published_at = $14 WHERE id = $15`,
		nullString(p.Slug), p.Title, p.Summary, p.Body, p.Lang, nullString(p.Category), dateArg(p.PeriodFrom),
		dateArg(p.PeriodTo), string(p.Status), string(p.Visibility.Kind), nullID(p.Visibility.NetworkID), p.Version,
		p.UpdatedAt, nullTime(p.PublishedAt), p.ID)
	if err != nil {
		return practiceWriteError(err)
	}
	return writePracticeSets(ctx, tx, p)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// changeable reads practice id for a change in tx, locked, and checks the actor may change it
// (practice.CanChange).
func (db *DB) changeable(ctx context.Context, tx *sql.Tx, a citypact.Actor, id int64) (practice.Practice, error) {
	cur, err := db.practiceByID(ctx, tx, id, true)
	if err != nil {
		return cur, err
	}
	rel, err := db.relations(ctx, tx, a, id)
	if err != nil {
		return cur, err
	}
	return cur, practice.CanChange(a, cur, rel)
}

// SaveDraft changes every field of a draft in place. The owner stays the stored one.
func (db *DB) SaveDraft(ctx context.Context, p *practice.Practice) (err error) {
	defer citypact.Wrap(&err, "store.SaveDraft(%d)", p.ID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.changeable(ctx, tx, a, p.ID)
		if err != nil {
			return err
		}
		if cur.Status != practice.Draft {
			return citypact.Conflict("practice.not_draft")
		}
		p.OwnerID, p.Status, p.Version, p.CreatedAt, p.PublishedAt = cur.OwnerID, practice.Draft, 0, cur.CreatedAt, time.Time{}
		if err := db.validatePractice(ctx, tx, a, p); err != nil {
			return err
		}
		p.UpdatedAt = db.Now()
		if err := updatePractice(ctx, tx, p); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "practice.update", "practice", p.ID, auditOfPractice(cur), auditOfPractice(*p))
	})
}

// Publish makes p the practice's current state, writing a version when PlanPublish says so (see
// practice.Store). The original's search document is rewritten every time, since tags count in
// it as well as the text. Followers are told through the practice_notifications outbox, from
// version 2 on (nobody can follow a draft).
func (db *DB) Publish(ctx context.Context, p *practice.Practice, note string) (v practice.Version, err error) {
	defer citypact.Wrap(&err, "store.Publish(%d)", p.ID)
	a := citypact.ActorFrom(ctx)
	note = strings.TrimSpace(note)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.changeable(ctx, tx, a, p.ID)
		if err != nil {
			return err
		}
		p.OwnerID, p.CreatedAt = cur.OwnerID, cur.CreatedAt
		next := *p
		next.Status = practice.Published
		if err := db.validatePractice(ctx, tx, a, &next); err != nil {
			return err
		}
		if err := practice.ValidateNote(note); err != nil {
			return err
		}
		number, err := practice.PlanPublish(cur, next)
		if err != nil {
			return err
		}
		now := db.Now()
		next.UpdatedAt, next.PublishedAt, next.Version = now, cur.PublishedAt, cur.Version
		if next.PublishedAt.IsZero() {
			next.PublishedAt = now
		}
		if number > 0 {
			next.Version = number
		}
		if err := updatePractice(ctx, tx, &next); err != nil {
			return err
		}
		if number > 0 {
			v = practice.Version{PracticeID: p.ID, Number: number, Title: next.Title, Summary: next.Summary, Body: next.Body,
				EditorID: a.UserID, Note: note, At: now}
			if _, err := tx.ExecContext(ctx, `INSERT INTO practice_versions (practice_id, number, title, summary, body, editor_id, note, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, v.PracticeID, v.Number, v.Title, v.Summary, v.Body, nullID(v.EditorID), v.Note, v.At); err != nil {
				return err
			}
			if number > 1 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO practice_notifications (practice_id, version, created_at) VALUES ($1, $2, $3)`,
					p.ID, number, now); err != nil {
					return err
				}
			}
		} else if v, err = version(ctx, tx, p.ID, cur.Version); err != nil {
			return err
		}
		if err := db.indexOriginal(ctx, tx, next); err != nil {
			return err
		}
		if err := db.syncDocuments(ctx, tx, next); err != nil { // the translations'
			return err
		}
		*p = next
		return db.writeAudit(ctx, tx, "practice.publish", "practice", p.ID, auditOfPractice(cur), auditOfPractice(next))
	})
	return v, err
}

// SetStatus retires a published practice or publishes a retired one again. Retired practices
// keep their search documents: Search finds them only when asked to (SearchQuery.Retired), and
// publishing again needs no reindexing.
func (db *DB) SetStatus(ctx context.Context, id int64, s practice.Status) (err error) {
	defer citypact.Wrap(&err, "store.SetStatus(%d, %s)", id, s)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.changeable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !practice.CanSetStatus(cur.Status, s) {
			return citypact.Conflict("practice.status_invalid")
		}
		next := cur
		next.Status, next.UpdatedAt = s, db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE practices SET status = $1, updated_at = $2 WHERE id = $3`, string(s), next.UpdatedAt, id); err != nil {
			return err
		}
		if err := db.syncDocuments(ctx, tx, next); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "practice.status", "practice", id, auditOfPractice(cur), auditOfPractice(next))
	})
}

// DeleteDraft deletes a never-published draft with its attachments, tags, lineage, follows and
// handbook places (cascading keys).
func (db *DB) DeleteDraft(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteDraft(%d)", id)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.changeable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Status != practice.Draft {
			return citypact.Conflict("practice.not_draft")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM practices WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "practice.delete", "practice", id, auditOfPractice(cur), nil)
	})
}

// visiblePractice reads one practice the actor may see (CanSeePractice), else KindNotFound.
func (db *DB) visiblePractice(ctx context.Context, q querier, a citypact.Actor, cond string, arg any) (practice.Practice, error) {
	ps, err := practicesWhere(ctx, q, cond, arg)
	if err != nil {
		return practice.Practice{}, err
	}
	if len(ps) == 0 {
		return practice.Practice{}, citypact.NotFound("practice")
	}
	if err := db.canRead(ctx, q, a, ps[0]); err != nil {
		return practice.Practice{}, err
	}
	return ps[0], nil
}

// checkVisible is visiblePractice for callers that only need to know the actor may see practice
// id: it reads what deciding needs, not the text.
func (db *DB) checkVisible(ctx context.Context, q querier, a citypact.Actor, id int64) error {
	p := practice.Practice{ID: id}
	var status, kind string
	var network sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT owner_id, status, vis_kind, network_id FROM practices WHERE id = $1`, id).
		Scan(&p.OwnerID, &status, &kind, &network)
	if errors.Is(err, sql.ErrNoRows) {
		return citypact.NotFound("practice")
	}
	if err != nil {
		return err
	}
	p.Status, p.Visibility = practice.Status(status), visibilityOf(kind, network)
	return db.canRead(ctx, q, a, p)
}

// canRead is practice.CanSeePractice for p, with the actor's relations read: NotFound when the
// actor may not see it, as for a practice that does not exist.
func (db *DB) canRead(ctx context.Context, q querier, a citypact.Actor, p practice.Practice) error {
	rel, err := db.relations(ctx, q, a, p.ID)
	if err != nil {
		return err
	}
	if !practice.CanSeePractice(a, p, rel) {
		return citypact.NotFound("practice")
	}
	return nil
}

// Practice returns a practice the actor may see.
func (db *DB) Practice(ctx context.Context, id int64) (_ practice.Practice, err error) {
	defer citypact.Wrap(&err, "store.Practice(%d)", id)
	ctx = db.reading(ctx)
	return db.visiblePractice(ctx, db.rq, citypact.ActorFrom(ctx), `p.id = $1`, id)
}

// PracticeBySlug returns a practice the actor may see by its slug.
func (db *DB) PracticeBySlug(ctx context.Context, slug string) (_ practice.Practice, err error) {
	defer citypact.Wrap(&err, "store.PracticeBySlug(%q)", slug)
	ctx = db.reading(ctx)
	return db.visiblePractice(ctx, db.rq, citypact.ActorFrom(ctx), `p.slug = $1`, strings.ToLower(strings.TrimSpace(slug)))
}

// Practices lists the practices matching f that the actor may see, newest first. Status Draft
// lists the drafts the actor may see: their organisation's (every draft, for admins; narrow
// with Owner). Query goes through the search index, as Search does, but keeps this order.
func (db *DB) Practices(ctx context.Context, f practice.Filter) (_ []practice.Practice, err error) {
	defer citypact.Wrap(&err, "store.Practices")
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	var where []string
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	switch {
	case f.Status == "" && f.Retired:
		where = append(where, `p.status IN ('published', 'retired')`)
	case f.Status == "":
		where = append(where, `p.status = 'published'`)
	default:
		where = append(where, fmt.Sprintf(`p.status = $%d`, arg(string(f.Status))))
	}
	where = append(where, db.practiceVisible(a, "p", arg))
	if f.Owner != 0 {
		where = append(where, fmt.Sprintf(`p.owner_id = $%d`, arg(f.Owner)))
	}
	if f.Category != "" {
		where = append(where, fmt.Sprintf(`p.category = $%d`, arg(f.Category)))
	}
	if f.Tag != "" {
		where = append(where, fmt.Sprintf(`p.id IN (SELECT practice_id FROM practice_tags WHERE tag = $%d)`, arg(f.Tag)))
	}
	if f.SDG != "" {
		where = append(where, fmt.Sprintf(`p.id IN (SELECT practice_id FROM practice_sdg WHERE target = $%d)`, arg(f.SDG)))
	}
	if f.Lang != "" {
		n := arg(i18n.CanonicalTag(f.Lang))
		where = append(where, fmt.Sprintf(`(p.lang = $%[1]d OR p.id IN (SELECT practice_id FROM practice_translations WHERE lang = $%[1]d))`, n))
	}
	if strings.TrimSpace(f.Query) != "" {
		q := parseQuery(f.Query)
		if q.Empty() {
			return nil, errEmptyQuery
		}
		where = append(where, `p.id IN (`+db.matchingPractices(q, arg)+`)`)
	}
	pg := f.Page.Normalize()
	if pg.After > 0 {
		where = append(where, fmt.Sprintf(`p.id < $%d`, arg(pg.After)))
	}
	rest := strings.Join(where, " AND ") + ` ORDER BY p.id DESC` + sqlLimit(pg.Limit)
	return practicesWhere(ctx, db.rq, rest, args...)
}

// Versions lists the versions of a practice the actor may see, newest first.
func (db *DB) Versions(ctx context.Context, practiceID int64) (_ []practice.Version, err error) {
	defer citypact.Wrap(&err, "store.Versions(%d)", practiceID)
	ctx = db.reading(ctx)
	if err := db.checkVisible(ctx, db.rq, citypact.ActorFrom(ctx), practiceID); err != nil {
		return nil, err
	}
	return versionsWhere(ctx, db.rq, `practice_id = $1 ORDER BY number DESC`, practiceID)
}

// Version returns one version of a practice the actor may see.
func (db *DB) Version(ctx context.Context, practiceID int64, number int) (_ practice.Version, err error) {
	defer citypact.Wrap(&err, "store.Version(%d, %d)", practiceID, number)
	ctx = db.reading(ctx)
	if err := db.checkVisible(ctx, db.rq, citypact.ActorFrom(ctx), practiceID); err != nil {
		return practice.Version{}, err
	}
	return version(ctx, db.rq, practiceID, number)
}

func version(ctx context.Context, q querier, practiceID int64, number int) (practice.Version, error) {
	vs, err := versionsWhere(ctx, q, `practice_id = $1 AND number = $2`, practiceID, number)
	if err != nil {
		return practice.Version{}, err
	}
	if len(vs) == 0 {
		return practice.Version{}, citypact.NotFound("version")
	}
	return vs[0], nil
}

func versionsWhere(ctx context.Context, q querier, rest string, args ...any) ([]practice.Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT practice_id, number, title, summary, body, COALESCE(editor_id, 0), note, at
		FROM practice_versions WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []practice.Version
	for rows.Next() {
		var v practice.Version
		if err := rows.Scan(&v.PracticeID, &v.Number, &v.Title, &v.Summary, &v.Body, &v.EditorID, &v.Note, &v.At); err != nil {
			return nil, err
		}
		v.At = v.At.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// Categories lists the taxonomy by position.
func (db *DB) Categories(ctx context.Context) (_ []practice.Category, err error) {
	defer citypact.Wrap(&err, "store.Categories")
	ctx = db.reading(ctx)
	rows, err := db.rq.QueryContext(ctx, `SELECT key, position, name_en, name_ko, name_zh_tw, name_ja FROM practice_categories
		ORDER BY position, key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []practice.Category
	for rows.Next() {
		var c practice.Category
		var en, ko, zh, ja string
		if err := rows.Scan(&c.Key, &c.Position, &en, &ko, &zh, &ja); err != nil {
			return nil, err
		}
		c.Names = map[string]string{}
		for lang, n := range map[string]string{"en": en, "ko": ko, "zh-TW": zh, "ja": ja} {
			if n != "" {
				c.Names[lang] = n
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// categoryLangs are the languages a category's name is kept in: the UI languages.
var categoryLangs = []string{"en", "ko", "zh-TW", "ja"}

// SaveCategory creates or updates a category by key (admins). Names are kept in the UI languages
// only; a name in another language is KindInvalid on "names".
func (db *DB) SaveCategory(ctx context.Context, c *practice.Category) (err error) {
	defer citypact.Wrap(&err, "store.SaveCategory(%q)", c.Key)
	if err := practice.CanManageCategories(citypact.ActorFrom(ctx)); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	for lang := range c.Names {
		if !slices.Contains(categoryLangs, lang) {
			return citypact.Invalid(citypact.FieldError{Field: "names", Key: "practice.lang_invalid"})
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO practice_categories (key, position, name_en, name_ko, name_zh_tw, name_ja)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO UPDATE SET position = excluded.position,
			name_en = excluded.name_en, name_ko = excluded.name_ko, name_zh_tw = excluded.name_zh_tw, name_ja = excluded.name_ja`,
			c.Key, c.Position, c.Names["en"], c.Names["ko"], c.Names["zh-TW"], c.Names["ja"])
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "category.save", "category", 0, nil, c)
	})
}

// practiceAudit is what the audit log keeps of a practice: its fields without the body, whose
// versions are kept in full anyway.
type practiceAudit struct {
	Slug        string   `json:"slug,omitempty"`
	Owner       int64    `json:"owner"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary,omitempty"`
	BodyBytes   int      `json:"body_bytes"`
	Lang        string   `json:"lang"`
	Category    string   `json:"category,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	PeriodFrom  string   `json:"period_from,omitempty"`
	PeriodTo    string   `json:"period_to,omitempty"`
	Status      string   `json:"status"`
	Visibility  string   `json:"visibility"`
	SDG         []string `json:"sdg,omitempty"`
	AdaptedFrom []int64  `json:"adapted_from,omitempty"`
	Version     int      `json:"version"`
}

func auditOfPractice(p practice.Practice) practiceAudit {
	return practiceAudit{Slug: p.Slug, Owner: p.OwnerID, Title: p.Title, Summary: p.Summary, BodyBytes: len(p.Body),
		Lang: p.Lang, Category: p.Category, Tags: p.Tags, PeriodFrom: dateText(p.PeriodFrom), PeriodTo: dateText(p.PeriodTo),
		Status: string(p.Status), Visibility: p.Visibility.String(), SDG: p.SDGTargets, AdaptedFrom: p.AdaptedFrom, Version: p.Version}
}
