package store

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/citypact/citypact/internal/cases"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL rows reach the server by COPY (binary), streamed from rd as they are checked, in
// the import's transaction on the connection it runs on:
//   - the rows of an area the source has no series for cannot clash with stored ones (imports of
//     a source are serialised by the lock on its row, and each day is checked once per file), so
//     they are copied straight into observations: a first import runs at COPY's speed;
//   - the rows of other areas go to a temporary staging table and are merged, pgStageRows at a
//     time, by one statement that joins them to the stored rows, keeps those that are new or
//     change a value, and upserts just those (an upsert of unchanged rows would still lock and
//     rewrite them). It reports, per area, how many rows were new, for series_coverage.
// A COPY ends when its target changes, when the staging table is full, and when an area must be
// created (the connection is needed for that); the next one picks up the row that ended it.

// pgStageRows bounds the staging table between merges: 50,000 rows (6 MB) stay in the default
// temp_buffers (8 MB), and their hash table in the import's work_mem (pgWorkMem).
var pgStageRows = 50_000

// pgWorkMem is the import transaction's work_mem, so that a merge hashes in memory.
const pgWorkMem = "32MB"

var stagingColumns = append([]string{"area_id", "day"}, metricColumns...)

var directColumns = append(append([]string{"area_id", "source_id", "day"}, metricColumns...), "import_id")

const createStagingSQL = `CREATE TEMP TABLE case_staging (area_id BIGINT NOT NULL, day INTEGER NOT NULL,
	new_cases BIGINT, total_cases BIGINT, new_deaths BIGINT, total_deaths BIGINT, new_tests BIGINT,
	total_tests BIGINT, hospitalised BIGINT, icu BIGINT, vaccine_doses BIGINT, people_vaccinated BIGINT)
	ON COMMIT DROP`

// mergeSQL merges the staging table into observations ($1 the source, $2 the import) and returns
// per area the rows inserted and the rows written. $3 lists the areas of the staged rows: with it
// the planner reads just their stored rows from the primary key and hashes them (50 ms for 50,000
// rows here); without it, it hashed the whole table at every merge.
var mergeSQL = func() string {
	var changed, set []string
	for _, c := range metricColumns {
		changed = append(changed, fmt.Sprintf("(s.%s IS NOT NULL AND s.%[1]s IS DISTINCT FROM o.%[1]s)", c))
		set = append(set, fmt.Sprintf("%s = COALESCE(EXCLUDED.%[1]s, observations.%[1]s)", c))
	}
	return `WITH d AS MATERIALIZED (
		SELECT s.area_id, s.day, ` + metricList("s.") + `, o.day IS NULL AS fresh
		FROM case_staging s LEFT JOIN observations o ON o.area_id = s.area_id AND o.source_id = $1 AND o.day = s.day
			AND o.area_id = ANY($3)
		WHERE o.day IS NULL OR ` + strings.Join(changed, " OR ") + `
	), w AS (
		INSERT INTO observations (area_id, source_id, day, ` + metricList("") + `, import_id)
		SELECT area_id, $1, day, ` + metricList("") + `, $2 FROM d
		ON CONFLICT (area_id, source_id, day) DO UPDATE SET ` + strings.Join(set, ", ") + `, import_id = EXCLUDED.import_id
	)
	SELECT area_id, COUNT(*) FILTER (WHERE fresh), COUNT(*) FROM d GROUP BY area_id`
}()

type pgWriter struct {
	im      *importer
	conn    *sql.Conn
	staging bool    // the staging table exists
	staged  int     // rows in it
	areas   []int64 // of the rows in it, each once

	// The row that ended the last COPY, first in the next one.
	pending bool
	pa      *importArea
	po      cases.Observation
	eof     bool
}

func (im *importer) writePostgres(conn *sql.Conn) error {
	w := &pgWriter{im: im, conn: conn}
	for !w.eof {
		if !w.pending {
			a, o, err := im.next()
			switch err {
			case nil:
			case errCreateArea:
				if err := im.createHeld(); err != nil {
					return err
				}
				continue
			case io.EOF:
				w.eof = true
				continue
			default:
				return err
			}
			w.pending, w.pa, w.po = true, a, *o
		}
		direct := !w.pa.covered
		if !direct {
			if w.staged >= pgStageRows {
				if err := w.merge(); err != nil {
					return err
				}
			}
			if !w.staging {
				if _, err := im.tx.ExecContext(im.ctx, createStagingSQL); err != nil {
					return err
				}
				if _, err := im.tx.ExecContext(im.ctx, `SET LOCAL work_mem = '`+pgWorkMem+`'`); err != nil {
					return err
				}
				w.staging = true
			}
		}
		if err := w.copy(direct); err != nil {
			return err
		}
	}
	return w.merge()
}

// copy runs one COPY, into observations or the staging table, starting with the pending row.
func (w *pgWriter) copy(direct bool) error {
	src := &pgCopyReader{w: w, direct: direct}
	table, cols := "case_staging", stagingColumns
	if direct {
		table, cols = "observations", directColumns
	}
	q := "COPY " + table + " (" + strings.Join(cols, ", ") + ") FROM STDIN (FORMAT binary)"
	err := w.conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(w.im.ctx, src, q)
		return err
	})
	if src.err != nil {
		return src.err // rd's error, which ended the COPY
	}
	if err != nil {
		return err
	}
	if direct {
		w.im.written += src.n
	} else {
		w.staged += src.n
	}
	return nil
}

// merge merges the staged rows into observations and empties the staging table.
func (w *pgWriter) merge() error {
	if w.staged == 0 {
		return nil
	}
	im := w.im
	rows, err := im.tx.QueryContext(im.ctx, mergeSQL, im.imp.SourceID, im.imp.ID, w.areas)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var fresh, written int
		if err := rows.Scan(&id, &fresh, &written); err != nil {
			return err
		}
		if a := im.byID[id]; a != nil {
			a.inserted += fresh
		}
		im.written += written
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	w.staged, w.areas = 0, w.areas[:0]
	_, err = im.tx.ExecContext(im.ctx, `TRUNCATE case_staging`)
	return err
}

// pgCopyReader feeds one COPY from the importer, in PostgreSQL's binary format, which it writes
// itself: a few appends per value, where a generic encoder costs an interface value, a lookup
// and often an allocation.
type pgCopyReader struct {
	w      *pgWriter
	direct bool
	buf    []byte // encoded rows, not yet read
	off    int    // bytes of buf the last Read took
	done   bool   // the trailer is in buf
	err    error  // rd's, which ends the import
	n      int    // rows encoded
}

// pgCopyHeader starts a binary COPY: the signature, no flags, no header extension.
var pgCopyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

func (r *pgCopyReader) Read(p []byte) (int, error) {
	switch {
	case r.buf == nil:
		r.buf = append(make([]byte, 0, 128<<10), pgCopyHeader...)
	case r.off > 0: // keep what the last read left (part of a row) and reuse the rest
		r.buf = r.buf[:copy(r.buf, r.buf[r.off:])]
		r.off = 0
	}
	for len(r.buf) < len(p) && !r.done {
		r.fill(len(p))
	}
	n := copy(p, r.buf)
	r.off = n
	if n == len(r.buf) && r.done {
		if r.err != nil {
			return n, r.err
		}
		return n, io.EOF
	}
	return n, nil
}

// fill encodes rows until buf holds at least want bytes, or the COPY ends: at the end of rd, on
// its error, when a row's area must be created, or when the next row belongs elsewhere (the
// other table, or a full staging table; it is kept for the next COPY).
func (r *pgCopyReader) fill(want int) {
	w := r.w
	for len(r.buf) < want {
		var a *importArea
		var o *cases.Observation
		end := false
		if w.pending {
			w.pending = false
			a, o = w.pa, &w.po
		} else {
			var err error
			a, o, err = w.im.next()
			switch {
			case err == errCreateArea:
				end = true
			case err == io.EOF:
				w.eof, end = true, true
			case err != nil:
				r.err, end = err, true
			case !a.covered != r.direct || (!r.direct && w.staged+r.n >= pgStageRows):
				w.pending, w.pa, w.po = true, a, *o
				end = true
			}
		}
		if end {
			r.buf = binary.BigEndian.AppendUint16(r.buf, 0xffff) // the trailer
			r.done = true
			return
		}
		r.encode(a, o)
	}
}

// encode appends one row.
func (r *pgCopyReader) encode(a *importArea, o *cases.Observation) {
	b := r.buf
	be := binary.BigEndian
	int8 := func(v int64) { b = be.AppendUint64(be.AppendUint32(b, 8), uint64(v)) }
	if r.direct {
		b = be.AppendUint16(b, uint16(len(directColumns)))
		int8(a.area.ID)
		int8(r.w.im.imp.SourceID)
	} else {
		b = be.AppendUint16(b, uint16(len(stagingColumns)))
		int8(a.area.ID)
		if ids := r.w.areas; len(ids) == 0 || ids[len(ids)-1] != a.area.ID {
			r.w.areas = append(ids, a.area.ID)
		}
	}
	b = be.AppendUint32(be.AppendUint32(b, 4), uint32(o.Day))
	for i := range cases.NumMetrics {
		if o.Has&(1<<i) != 0 {
			int8(o.V[i])
		} else {
			b = be.AppendUint32(b, 0xffffffff) // NULL
		}
	}
	if r.direct {
		int8(r.w.im.imp.ID)
	}
	r.buf = b
	r.n++
}
