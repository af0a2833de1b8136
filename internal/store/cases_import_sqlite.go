package store

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"

	"github.com/citypact/citypact/internal/cases"
)

// liteBatch is how many rows one upsert statement writes on SQLite. A statement per row spends
// most of its time in the driver and database/sql, not in SQLite; from 32 rows on the size made no
// difference (32, 64 and 128 measured alike).
const liteBatch = 64

// upsertSQL merges n rows into observations for source and import: each row gives area_id, day
// and the ten metrics. A metric the row does not give (NULL) keeps its stored value; a row that
// changes no value is not written (so an import of the same file writes nothing). The trigger
// observations_keep_revision keeps the values an update replaces.
//
// The parameters are anonymous ("?") and the two ids literals: the driver looks up the name of
// every parameter of a statement at every execution, in a list as long as the statement's, which
// with 770 named parameters took most of an import's time.
func upsertSQL(n int, source, imp int64) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO observations (area_id, source_id, day, ` + metricList("") + `, import_id) VALUES `)
	row := fmt.Sprintf("(?, %d, ?%s, %d)", source, strings.Repeat(", ?", cases.NumMetrics), imp)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(` ON CONFLICT (area_id, source_id, day) DO UPDATE SET `)
	for _, c := range metricColumns {
		fmt.Fprintf(&b, "%s = COALESCE(excluded.%[1]s, observations.%[1]s), ", c)
	}
	b.WriteString(`import_id = excluded.import_id WHERE `)
	for i, c := range metricColumns {
		if i > 0 {
			b.WriteString(" OR ")
		}
		fmt.Fprintf(&b, "(excluded.%s IS NOT NULL AND excluded.%[1]s IS NOT observations.%[1]s)", c)
	}
	return b.String()
}

// writeSQLite writes the import's rows in batches of liteBatch with one prepared upsert. It
// executes the statement through the driver (on the import's connection, in its transaction):
// database/sql's checks and conversions of 768 arguments per statement cost a tenth of the
// import's time, and a fifth of an import that changes nothing.
func (im *importer) writeSQLite(conn *sql.Conn) error {
	w := liteWriter{im: im, conn: conn, args: make([]driver.NamedValue, 0, liteBatch*(2+cases.NumMetrics))}
	defer w.close()
	for {
		a, o, err := im.next()
		switch err {
		case nil:
			if err := w.add(a, o); err != nil {
				return err
			}
			continue
		case errCreateArea:
			if err := im.createHeld(); err != nil {
				return err
			}
			continue
		case io.EOF:
			return w.flush()
		}
		return err
	}
}

type liteWriter struct {
	im    *importer
	conn  *sql.Conn
	full  driver.Stmt // of liteBatch rows, prepared on conn
	args  []driver.NamedValue
	areas []*importArea // of the rows in args, once each
	n     int
}

func (w *liteWriter) add(a *importArea, o *cases.Observation) error {
	w.arg(a.area.ID)
	w.arg(int64(o.Day))
	for i := range cases.NumMetrics {
		if o.Has&(1<<i) != 0 {
			w.arg(o.V[i])
		} else {
			w.arg(nil)
		}
	}
	if len(w.areas) == 0 || w.areas[len(w.areas)-1] != a {
		w.areas = append(w.areas, a)
	}
	if w.n++; w.n == liteBatch {
		return w.flush()
	}
	return nil
}

func (w *liteWriter) arg(v driver.Value) {
	w.args = append(w.args, driver.NamedValue{Ordinal: len(w.args) + 1, Value: v})
}

// flush writes the rows queued: with the prepared statement when the batch is full, else (once,
// at the end) with one prepared for them.
func (w *liteWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	im := w.im
	var changed int64
	err := w.conn.Raw(func(dc any) error {
		prepare := func(n int) (driver.Stmt, error) {
			return dc.(driver.ConnPrepareContext).PrepareContext(im.ctx, upsertSQL(n, im.imp.SourceID, im.imp.ID))
		}
		stmt := w.full
		if w.n < liteBatch {
			s, err := prepare(w.n)
			if err != nil {
				return err
			}
			defer s.Close()
			stmt = s
		} else if stmt == nil {
			var err error
			if stmt, err = prepare(liteBatch); err != nil {
				return err
			}
			w.full = stmt
		}
		res, err := stmt.(driver.StmtExecContext).ExecContext(im.ctx, w.args)
		if err != nil {
			return err
		}
		changed, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return err
	}
	im.written += int(changed)
	if changed > 0 {
		for _, a := range w.areas {
			a.wrote = true
		}
	}
	w.args, w.n, w.areas = w.args[:0], 0, w.areas[:0]
	return nil
}

func (w *liteWriter) close() {
	if w.full != nil {
		w.conn.Raw(func(any) error { return w.full.Close() })
	}
}
