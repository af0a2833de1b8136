package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
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
//
// A chart reads a series per area it draws, so this is the hot read. It reads only the metric
// columns series_coverage says the series has, and reads rows through the driver rather than
// database/sql's Scan: together they took a 1,000-day series of six metrics from 2.2 ms to about
// 1.1 ms on SQLite, and from 2.3 ms to about 1.6 ms on PostgreSQL (on a busy machine).
func (db *DB) Series(ctx context.Context, areaID, sourceID int64, from, to cases.Day) (_ []cases.Point, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Series(%d, %d)", areaID, sourceID)
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var has int64
	switch err := conn.QueryRowContext(ctx, `SELECT has FROM series_coverage WHERE area_id = $1 AND source_id = $2`,
		areaID, sourceID).Scan(&has); {
	case errors.Is(err, sql.ErrNoRows):
		has = 1<<cases.NumMetrics - 1 // no summary: read every column
	case err != nil:
		return nil, err
	}
	var metrics []cases.Metric
	cols := "day, import_id"
	for _, m := range cases.Metrics {
		if has&(1<<m) != 0 {
			metrics = append(metrics, m)
			cols += ", " + m.Key()
		}
	}
	where, args := dayRange([]string{"area_id = $1", "source_id = $2"}, []any{areaID, sourceID}, from, to)
	// No ORDER BY: SQLite reads the primary key's range in order anyway, and PostgreSQL, which
	// prefers a bitmap scan of the few pages a series is on, would sort a series it mostly has
	// in order already; Go sorts it if it must.
	q := `SELECT ` + cols + ` FROM observations WHERE ` + strings.Join(where, " AND ")
	nargs := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if d, ok := a.(int32); ok {
			a = int64(d)
		}
		nargs[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	var out []cases.Point
	err = conn.Raw(func(dc any) error {
		rows, err := dc.(driver.QueryerContext).QueryContext(ctx, q, nargs)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]driver.Value, 2+len(metrics))
		for {
			if err := rows.Next(vals); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			var p cases.Point
			day, ok1 := vals[0].(int64)
			imp, ok2 := vals[1].(int64)
			if !ok1 || !ok2 {
				return fmt.Errorf("series: day %T, import %T", vals[0], vals[1])
			}
			p.Day, p.ImportID = cases.Day(day), imp
			for i, m := range metrics {
				switch v := vals[2+i].(type) {
				case int64:
					p.Set(m, v)
				case nil:
				default:
					return fmt.Errorf("series: %s is %T", m, v)
				}
			}
			out = append(out, p)
		}
	})
	if err != nil {
		return nil, err
	}
	byDay := func(a, b cases.Point) int { return int(a.Day - b.Day) }
	if !slices.IsSortedFunc(out, byDay) {
		slices.SortFunc(out, byDay)
	}
	return out, nil
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
	rows, err := db.rq.QueryContext(ctx, `SELECT area_id, source_id, day, `+metricList("")+`, import_id, replaced_at,
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
	rows, err := db.rq.QueryContext(ctx, q+` ORDER BY area_id, source_id`, args...)
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
	q += " ORDER BY id DESC" + sqlLimit(p.Limit)
	rows, err := db.rq.QueryContext(ctx, q, args...)
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
