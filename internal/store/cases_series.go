package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

// metricColumns are the ten metric columns in cases.Metrics order, which is their bit in Values.Has.
var metricColumns = func() []string {
	out := make([]string, len(cases.Metrics))
	for i, m := range cases.Metrics {
		out[i] = m.Key()
	}
	return out
}()

// metricList is metricColumns as SQL, each prefixed with alias (e.g. "o.").
func metricList(alias string) string {
	return alias + strings.Join(metricColumns, ", "+alias)
}

// metricDest holds one row's metric columns while it is scanned.
type metricDest [cases.NumMetrics]sql.NullInt64

// dest returns scan destinations for the metric columns.
func (d *metricDest) dest() []any {
	out := make([]any, cases.NumMetrics)
	for i := range out {
		out[i] = &d[i]
	}
	return out
}

// values turns the scanned columns into Values.
func (d *metricDest) values() cases.Values {
	var v cases.Values
	for i, n := range d {
		if n.Valid {
			v.Set(cases.Metric(i), n.Int64)
		}
	}
	return v
}

// dayRange adds "day >= from" and "day <= to" for the bounds that are set.
func dayRange(where []string, args []any, from, to cases.Day) ([]string, []any) {
	if from != 0 {
		args = append(args, int32(from))
		where = append(where, fmt.Sprintf("day >= $%d", len(args)))
	}
	if to != 0 {
		args = append(args, int32(to))
		where = append(where, fmt.Sprintf("day <= $%d", len(args)))
	}
	return where, args
}

// Series returns the stored days of an area from one source between from and to (inclusive;
// 0 leaves a bound open), in day order: one range scan of the primary key.
func (db *DB) Series(ctx context.Context, areaID, sourceID int64, from, to cases.Day) (_ []cases.Point, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Series(%d, %d)", areaID, sourceID)
	where, args := dayRange([]string{"area_id = $1", "source_id = $2"}, []any{areaID, sourceID}, from, to)
	rows, err := db.r.QueryContext(ctx, `SELECT day, `+metricList("")+`, import_id FROM observations
		WHERE `+strings.Join(where, " AND ")+` ORDER BY area_id, source_id, day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Point
	var d metricDest
	var p cases.Point
	dest := append([]any{&p.Day}, d.dest()...)
	dest = append(dest, &p.ImportID)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		p.Values = d.values()
		out = append(out, p)
	}
	return out, rows.Err()
}

// Revisions lists the values that imports replaced for an area (from one source, or from all
// when sourceID is 0) between from and to (0: open), by day and then in the order they were
// replaced.
func (db *DB) Revisions(ctx context.Context, areaID, sourceID int64, from, to cases.Day) (_ []cases.Revision, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Revisions(%d, %d)", areaID, sourceID)
	where, args := []string{"area_id = $1"}, []any{areaID}
	if sourceID != 0 {
		args = append(args, sourceID)
		where = append(where, "source_id = $2")
	}
	where, args = dayRange(where, args, from, to)
	rows, err := db.r.QueryContext(ctx, `SELECT area_id, source_id, day, `+metricList("")+`, import_id, replaced_at,
		replaced_by FROM observation_revisions WHERE `+strings.Join(where, " AND ")+` ORDER BY day, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Revision
	var d metricDest
	var r cases.Revision
	dest := append([]any{&r.AreaID, &r.SourceID, &r.Day}, d.dest()...)
	dest = append(dest, &r.ImportID, &r.Replaced, &r.ReplacedBy)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.Values = d.values()
		r.Replaced = r.Replaced.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Coverage lists which metrics each source has for areaID (0: for every area), by area and
// source, from the summary imports maintain.
func (db *DB) Coverage(ctx context.Context, areaID int64) (_ []cases.Coverage, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Coverage(%d)", areaID)
	q := `SELECT area_id, source_id, has, first_day, last_day, days FROM series_coverage`
	var args []any
	if areaID != 0 {
		q += ` WHERE area_id = $1`
		args = append(args, areaID)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY area_id, source_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Coverage
	for rows.Next() {
		var c cases.Coverage
		if err := rows.Scan(&c.AreaID, &c.SourceID, &c.Has, &c.First, &c.Last, &c.Days); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const importColumns = `id, source_id, format, file, sha256, rows_read, inserted, corrected, unchanged, skipped,
	COALESCE(user_id, 0), started_at, ended_at`

// Imports lists the imports of a source (of every source when sourceID is 0), newest first;
// p.After is the id of the last import seen.
func (db *DB) Imports(ctx context.Context, sourceID int64, p citypact.Page) (_ []cases.Import, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Imports(%d)", sourceID)
	var where []string
	var args []any
	if sourceID != 0 {
		args = append(args, sourceID)
		where = append(where, fmt.Sprintf("source_id = $%d", len(args)))
	}
	p = p.Normalize()
	if p.After > 0 {
		args = append(args, p.After)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	q := `SELECT ` + importColumns + ` FROM case_imports`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, p.Limit)
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Import
	for rows.Next() {
		var im cases.Import
		if err := rows.Scan(&im.ID, &im.SourceID, &im.Format, &im.File, &im.SHA256, &im.Rows, &im.Inserted,
			&im.Corrected, &im.Unchanged, &im.Skipped, &im.UserID, &im.StartedAt, &im.EndedAt); err != nil {
			return nil, err
		}
		im.StartedAt, im.EndedAt = im.StartedAt.UTC(), im.EndedAt.UTC()
		out = append(out, im)
	}
	return out, rows.Err()
}
