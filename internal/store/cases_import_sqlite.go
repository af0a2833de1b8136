package store

import (
	"database/sql"
	"fmt"
	"io"
	"strings"

	"github.com/citypact/citypact/internal/cases"
)

// liteBatch is how many rows one upsert statement writes on SQLite. A statement per row spends
// most of its time in the driver and database/sql, not in SQLite; 64 rows (768 parameters) is
// where a larger batch stopped paying (measured).
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

// writeSQLite writes the import's rows in batches of liteBatch with one prepared upsert.
func (im *importer) writeSQLite() error {
	w := liteWriter{im: im}
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
	full  *sql.Stmt // of liteBatch rows
	args  []any
	n     int
	areas []*importArea // of the rows in args, once each
}

func (w *liteWriter) add(a *importArea, o *cases.Observation) error {
	if w.args == nil {
		w.args = make([]any, 0, liteBatch*(2+cases.NumMetrics))
	}
	w.args = append(w.args, a.area.ID, int64(o.Day))
	for i := range cases.NumMetrics {
		if o.Has&(1<<i) != 0 {
			w.args = append(w.args, o.V[i])
		} else {
			w.args = append(w.args, nil)
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

// flush writes the rows queued, with the prepared statement when the batch is full.
func (w *liteWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	im := w.im
	var res sql.Result
	var err error
	if w.n == liteBatch {
		if w.full == nil {
			if w.full, err = im.tx.PrepareContext(im.ctx, upsertSQL(liteBatch, im.imp.SourceID, im.imp.ID)); err != nil {
				return err
			}
		}
		res, err = w.full.ExecContext(im.ctx, w.args...)
	} else {
		res, err = im.tx.ExecContext(im.ctx, upsertSQL(w.n, im.imp.SourceID, im.imp.ID), w.args...)
	}
	if err != nil {
		return err
	}
	changed, err := res.RowsAffected()
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
		w.full.Close()
	}
}
