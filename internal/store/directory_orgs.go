package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// FindOrganisations lists the organisations matching f, with their names, ordered by original
// name and then id.
//
// Paging: f.Page.After is the id of the last organisation seen, as everywhere; the next page
// starts after that organisation's (name, id) as stored now. Renaming it between pages may skip or
// repeat rows, and if it has been deleted the listing ends (an empty page): both are rare, admin
// actions. Names compare by the database's collation: bytes on SQLite, the database's locale on
// PostgreSQL (byte order under C.UTF-8); each engine's ORDER BY and cursor agree with each other.
//
// Query matches a fragment of a name in any language, or of the slug, after folding both sides
// the same way (see fold); % and _ in it are literal. Variant characters are not unified: 台北
// does not find 臺北市.
func (db *DB) FindOrganisations(ctx context.Context, f directory.Filter) (_ []directory.Organisation, err error) {
	defer citypact.Wrap(&err, "store.FindOrganisations")
	var where []string
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	if f.Kind != "" {
		where = append(where, fmt.Sprintf("o.kind = $%d", arg(string(f.Kind))))
	}
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		where = append(where, fmt.Sprintf("o.country = $%d", arg(c)))
	}
	if f.Region != "" {
		where = append(where, fmt.Sprintf("o.region = $%d", arg(f.Region)))
	}
	if f.Network != 0 {
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM memberships m WHERE m.member_id = o.id
			AND m.network_id = $%d AND (m.until IS NULL OR m.until >= $%d))`, arg(f.Network), arg(dateArg(db.Now()))))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		n := arg("%" + escapeLike(fold(q)) + "%")
		where = append(where, fmt.Sprintf(`(o.slug LIKE $%[1]d ESCAPE '\' OR EXISTS (SELECT 1 FROM organisation_names n
			WHERE n.org_id = o.id AND n.search LIKE $%[1]d ESCAPE '\'))`, n))
	}
	p := f.Page.Normalize()
	if p.After > 0 {
		n := arg(p.After)
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM organisations c WHERE c.id = $%[1]d
			AND (o.name > c.name OR (o.name = c.name AND o.id > c.id)))`, n))
	}
	rest := "TRUE"
	if len(where) > 0 {
		rest = strings.Join(where, " AND ")
	}
	rest += " ORDER BY o.name, o.id" + sqlLimit(p.Limit)
	return orgsWhere(ctx, db.rq, rest, args...)
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Regions lists the regions in display order, with names keyed by UI language.
func (db *DB) Regions(ctx context.Context) (_ []directory.Region, err error) {
	defer citypact.Wrap(&err, "store.Regions")
	rows, err := db.rq.QueryContext(ctx, `SELECT key, name_en, name_ko, name_zh_tw, name_ja FROM regions ORDER BY position, key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Region
	for rows.Next() {
		var key, en, ko, zh, ja string
		if err := rows.Scan(&key, &en, &ko, &zh, &ja); err != nil {
			return nil, err
		}
		out = append(out, directory.Region{Key: key, Names: map[string]string{"en": en, "ko": ko, "zh-TW": zh, "ja": ja}})
	}
	return out, rows.Err()
}

// Dates (memberships, ties, timeline entries) are calendar days in DATE columns. They are written
// as "2006-01-02" on both engines (text in SQLite, which sorts and compares correctly) from the
// time's own year, month and day, and read back as midnight UTC. The zero time is NULL.

func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return dateText(t)
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func dateOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return time.Date(t.Time.Year(), t.Time.Month(), t.Time.Day(), 0, 0, 0, 0, time.UTC)
}
