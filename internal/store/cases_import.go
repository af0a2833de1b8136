package store

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

// Import stores what rd yields for source src (found by ID, or by Key when ID is 0) in one
// transaction; meta gives the import's Format, File and SHA256. See cases.Store.
//
// Each observation merges into the stored area-day of the source: the metrics it reports replace
// the stored ones, the others keep their values. A row that would change nothing is not written.
// A stored value that changes is kept, with the import that had written it, as a revision (the
// database's trigger does that). The counts: Rows is what rd yielded; Inserted the area-days that
// gained values and lost none (new days, and stored days given metrics they lacked); Corrected
// those whose stored values changed; Unchanged those already stored so, and days a file gives
// twice with the same values; Skipped the rows rd skipped, the lines it reported problems on, the
// observations with no value, and (with opt.Partial) those the store refused.
//
// Problems (rd's and the store's: an unknown area, an area the actor may not write, a day after
// today, a negative running total, an area-day given twice with other values) come back as a
// *citypact.ImportError listing at most citypact.MaxImportProblems of them in line order. Without
// opt.Partial nothing is stored and the Import is zero; reading goes on only to list more
// problems, and stops once the list is full. With opt.Partial the valid rows are stored and the
// result is the stored Import together with the *ImportError: callers tell a partial success from
// a failure by Import.ID != 0. An error from rd.Next or the database stores nothing.
//
// The actor must be allowed to import (cases.CanImport) and to write each area (cases.CanWrite).
// Areas unknown to the hub are created from rd's hints (cases.AreaHinter) when
// opt.CreateCountries is set, and each such creation is audited; the import itself writes one
// audit row ("cases.import"), so the data version moves with every import.
//
// Imports of one source run one at a time: each locks its source's row (SQLite has one writer
// anyway), which is what lets PostgreSQL copy the rows of areas the source has no series for
// straight into observations.
func (db *DB) Import(ctx context.Context, src cases.Source, meta cases.Import, rd cases.Reader, opt cases.ImportOptions) (_ cases.Import, err error) {
	defer citypact.Wrap(&err, "store.Import(%q, %q)", src.Key, meta.File)
	actor := citypact.ActorFrom(ctx)
	if err := cases.CanImport(actor); err != nil {
		return cases.Import{}, err
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return cases.Import{}, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return cases.Import{}, err
	}
	defer tx.Rollback()
	im := &importer{db: db, ctx: ctx, tx: tx, actor: actor, rd: rd, opt: opt, file: meta.File}
	if err := im.begin(src, meta); err != nil {
		return cases.Import{}, err
	}
	switch db.Engine {
	case SQLite:
		err = im.writeSQLite(conn)
	case Postgres:
		err = im.writePostgres(conn)
	}
	if err != nil {
		return cases.Import{}, err
	}
	ie := im.importError()
	if ie != nil && !opt.Partial {
		return cases.Import{}, ie
	}
	if err := im.end(); err != nil {
		return cases.Import{}, err
	}
	if err := tx.Commit(); err != nil {
		return cases.Import{}, err
	}
	if ie != nil {
		return im.imp, ie
	}
	return im.imp, nil
}

// importer is one import's state: the areas it knows, what it has read and counted, and the
// problems so far. next hands the writers one checked observation at a time.
type importer struct {
	db    *DB
	ctx   context.Context
	tx    *sql.Tx
	actor citypact.Actor
	rd    cases.Reader
	opt   cases.ImportOptions
	file  string
	today cases.Day
	audit *auditBatch

	imp       cases.Import // the record; its counts grow as rows are read and written
	latestDay cases.Day    // the source's, before the import
	revBefore int64        // the newest revision id before the import

	known map[string]cases.Area    // every stored area, by code
	areas map[string]*importArea   // the areas rows have named, by code
	seen  []*importArea            // the same, in first-seen order
	byID  map[int64]*importArea    // the writable ones, by id
	cov   map[int64]cases.Coverage // the source's stored coverage, by area id
	last  *importArea              // the previous row's area

	cur      cases.Observation // the row being decided
	held     bool              // cur waits for its area to be created (errCreateArea)
	hint     cases.Area
	rejected int  // rows refused for a problem
	empty    int  // rows without a value
	written  int  // area-days the database reports inserted or updated
	failed   bool // a problem without opt.Partial: nothing will be stored, so nothing is written
	stop     bool // the problem list is full: read no further

	problems []citypact.Problem // the store's, at most citypact.MaxImportProblems
	dropped  int                // the store's problems beyond the list
}

// importArea is what an import keeps about one area its rows name.
type importArea struct {
	area     cases.Area
	ok       bool // exists and the actor may write it; rows of other areas are refused
	covered  bool // the source has a series for it (cov)
	cov      cases.Coverage
	days     daySeen
	accepted int       // rows to be stored (or found stored already)
	has      uint16    // their metrics
	first    cases.Day // and their span
	lastDay  cases.Day
	outside  int  // accepted rows outside the stored span (so new to the store)
	inserted int  // area-days the merge reports new (PostgreSQL, areas with a series)
	wrote    bool // a write that changed something held rows of this area (SQLite)
}

// errCreateArea tells a writer that the held row's area must be created (createHeld) before
// next can go on; on PostgreSQL that ends a COPY.
var errCreateArea = errors.New("area to create")

// begin locks the source, loads the areas and the source's coverage, and writes the import's row
// (so that observations can name it; end fills in its counts).
func (im *importer) begin(src cases.Source, meta cases.Import) error {
	ctx, tx, db := im.ctx, im.tx, im.db
	lock := ""
	if db.Engine == Postgres {
		lock = " FOR UPDATE"
	}
	var err error
	if src.ID != 0 {
		err = tx.QueryRowContext(ctx, `SELECT id, key, latest_day FROM case_sources WHERE id = $1`+lock, src.ID).Scan(&src.ID, &src.Key, &im.latestDay)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT id, key, latest_day FROM case_sources WHERE key = $1`+lock, src.Key).Scan(&src.ID, &src.Key, &im.latestDay)
	}
	if err != nil {
		return notFound(err, "source "+src.Key)
	}
	now := im.opt.Now
	if now.IsZero() {
		// The newest calendar day anywhere (UTC+14), so that no city east of UTC is refused its
		// own today.
		now = db.Now().Add(14 * time.Hour)
	}
	im.today = cases.DayOf(now)
	all, err := areasWhere(ctx, tx, "TRUE")
	if err != nil {
		return err
	}
	im.known = make(map[string]cases.Area, len(all))
	for _, a := range all {
		im.known[a.Code] = a
	}
	im.areas, im.byID, im.cov = map[string]*importArea{}, map[int64]*importArea{}, map[int64]cases.Coverage{}
	rows, err := tx.QueryContext(ctx, `SELECT area_id, source_id, has, first_day, last_day, days FROM series_coverage
		WHERE source_id = $1`, src.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c cases.Coverage
		if err := rows.Scan(&c.AreaID, &c.SourceID, &c.Has, &c.First, &c.Last, &c.Days); err != nil {
			rows.Close()
			return err
		}
		im.cov[c.AreaID] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM observation_revisions`).Scan(&im.revBefore); err != nil {
		return err
	}
	im.imp = cases.Import{SourceID: src.ID, Format: meta.Format, File: meta.File, SHA256: meta.SHA256,
		UserID: im.actor.UserID, StartedAt: db.Now()}
	im.imp.EndedAt = im.imp.StartedAt
	var user sql.NullInt64
	if im.actor.UserID != 0 {
		user = sql.NullInt64{Int64: im.actor.UserID, Valid: true}
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO case_imports (source_id, format, file, sha256, user_id, started_at,
		ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, src.ID, meta.Format, meta.File, meta.SHA256, user,
		im.imp.StartedAt, im.imp.EndedAt).Scan(&im.imp.ID); err != nil {
		return err
	}
	im.audit = db.newAuditBatch(ctx, tx)
	return nil
}

// next returns the next observation to write and its area, io.EOF after the last, or
// errCreateArea. The observation is valid until the following call.
func (im *importer) next() (*importArea, *cases.Observation, error) {
	for {
		o := &im.cur
		if im.held {
			im.held = false
		} else {
			if im.stop {
				return nil, nil, io.EOF
			}
			var err error
			if *o, err = im.rd.Next(); err != nil {
				if err == io.EOF {
					im.readerProblems()
				}
				return nil, nil, err
			}
			im.imp.Rows++
			if im.imp.Rows%256 == 0 {
				im.readerProblems()
			}
		}
		if o.Empty() {
			im.empty++
			continue
		}
		a := im.last
		if a == nil || a.area.Code != o.Area {
			if a = im.areas[o.Area]; a == nil {
				if hint, ok := im.hintFor(o.Area); ok {
					im.held, im.hint = true, hint
					return nil, nil, errCreateArea
				}
				a = im.addArea(o.Area, cases.Area{}, false, o)
			}
			im.last = a
		}
		if !a.ok {
			im.rejected++
			continue
		}
		if im.checkObservation(o) {
			im.rejected++
			continue
		}
		seen, same := a.days.mark(o.Day, valuesHash(&o.Values), o.Pos.Line)
		switch {
		case seen && same:
			im.imp.Unchanged++
			continue
		case seen:
			prev := a.days.lineOf(o.Day)
			line := "?"
			if prev > 0 {
				line = strconv.Itoa(prev)
			}
			im.problem(o.Pos, "", "cases.problem.day_twice", "area", o.Area, "date", o.Day.String(), "line", line)
			im.rejected++
			continue
		}
		if a.accepted == 0 || o.Day < a.first {
			a.first = o.Day
		}
		if a.accepted == 0 || o.Day > a.lastDay {
			a.lastDay = o.Day
		}
		a.accepted++
		a.has |= o.Has
		if !a.covered || o.Day < a.cov.First || o.Day > a.cov.Last {
			a.outside++
		}
		if im.failed {
			continue // nothing will be stored: read on only for problems
		}
		return a, o, nil
	}
}

// checkObservation reports what is wrong with o itself, and whether anything is.
func (im *importer) checkObservation(o *cases.Observation) bool {
	ps := cases.CheckObservation(*o, im.today)
	for _, p := range ps {
		im.problem(o.Pos, p.Field, p.Key, p.Args...)
	}
	return len(ps) > 0
}

// hintFor returns what rd says about an area the hub does not know, when the import may create it.
func (im *importer) hintFor(code string) (cases.Area, bool) {
	if _, ok := im.known[code]; ok || !im.opt.CreateCountries {
		return cases.Area{}, false
	}
	h, ok := im.rd.(cases.AreaHinter)
	if !ok {
		return cases.Area{}, false
	}
	a, ok := h.AreaHint(code)
	a.Code = code
	return a, ok
}

// createHeld creates the held row's area from its hint, in the import's transaction, if it is
// valid and the actor may write it; next then goes on with the held row.
func (im *importer) createHeld() error {
	a, o := im.hint, &im.cur
	switch {
	case a.Validate() != nil || a.Code != o.Area:
		im.addArea(o.Area, cases.Area{}, false, o) // unknown
	case cases.CanWrite(im.actor, a) != nil:
		im.addArea(o.Area, a, true, o) // forbidden
	default:
		if err := im.db.saveArea(im.ctx, im.tx, im.audit, &a); err != nil {
			return err
		}
		im.known[a.Code] = a
		im.addArea(o.Area, a, true, o)
	}
	return nil
}

// addArea starts keeping track of the area code that o names: a, when exists, or else the stored
// one. When there is none, or the actor may not write it, the problem is reported once, on o, and
// the area's rows are refused.
func (im *importer) addArea(code string, a cases.Area, exists bool, o *cases.Observation) *importArea {
	if !exists {
		a, exists = im.known[code]
	}
	ia := &importArea{area: a}
	switch {
	case !exists:
		ia.area.Code = code
		im.problem(o.Pos, "", "cases.problem.area_not_found", "area", code)
	case cases.CanWrite(im.actor, a) != nil:
		im.problem(o.Pos, "", "cases.problem.area_forbidden", "area", code)
	default:
		ia.ok = true
		ia.cov, ia.covered = im.cov[a.ID]
		im.byID[a.ID] = ia
	}
	im.areas[code] = ia
	im.seen = append(im.seen, ia)
	return ia
}

// problem records a problem of the store's at pos.
// problem records what is wrong at pos, as the i18n message key with its args (name, value pairs);
// its English text comes from the catalogue.
func (im *importer) problem(pos cases.Position, field, key string, args ...string) {
	if !im.opt.Partial {
		im.failed = true
	}
	if len(im.problems) >= citypact.MaxImportProblems {
		im.dropped++
	} else {
		im.problems = append(im.problems, cases.NewProblem(pos, field, key, args...))
	}
	im.checkFull()
}

// readerProblems takes note of the problems rd has reported so far.
func (im *importer) readerProblems() {
	if len(im.rd.Problems()) > 0 && !im.opt.Partial {
		im.failed = true
	}
	im.checkFull()
}

// checkFull stops reading once a failed import has more problems than it lists.
func (im *importer) checkFull() {
	if im.failed && (im.dropped > 0 || im.rd.Truncated() || len(im.problems)+len(im.rd.Problems()) > citypact.MaxImportProblems) {
		im.stop = true
	}
}

// importError returns the problems of rd and of the store in line order, or nil when there are none.
func (im *importer) importError() *citypact.ImportError {
	rp := im.rd.Problems()
	if len(rp) == 0 && len(im.problems) == 0 {
		return nil
	}
	all := slices.Concat(rp, im.problems)
	slices.SortStableFunc(all, func(a, b citypact.Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	ie := &citypact.ImportError{File: im.file, Problems: all, Truncated: im.dropped > 0 || im.rd.Truncated()}
	if len(all) > citypact.MaxImportProblems {
		ie.Problems, ie.Truncated = all[:citypact.MaxImportProblems], true
	}
	return ie
}

// end completes the import in its transaction: the counts, the source's freshness, the coverage
// of the areas it wrote, and its audit row.
func (im *importer) end() error {
	ctx, tx := im.ctx, im.tx
	corrected := 0
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM observation_revisions WHERE id > $1 AND replaced_by = $2`,
		im.revBefore, im.imp.ID).Scan(&corrected); err != nil {
		return err
	}
	accepted := 0
	latest := im.latestDay
	for _, a := range im.seen {
		accepted += a.accepted
		if a.accepted > 0 && a.lastDay > latest {
			latest = a.lastDay
		}
	}
	problemLines := map[int]bool{}
	for _, p := range im.rd.Problems() {
		problemLines[p.Line] = true
	}
	im.imp.Corrected = corrected
	im.imp.Inserted = im.written - corrected
	im.imp.Unchanged += accepted - im.written
	im.imp.Skipped = im.rd.Skipped() + len(problemLines) + im.empty + im.rejected
	im.imp.EndedAt = im.db.Now()
	if err := im.writeCoverage(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE case_imports SET rows_read = $1, inserted = $2, corrected = $3,
		unchanged = $4, skipped = $5, ended_at = $6 WHERE id = $7`, im.imp.Rows, im.imp.Inserted, im.imp.Corrected,
		im.imp.Unchanged, im.imp.Skipped, im.imp.EndedAt, im.imp.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE case_sources SET latest_day = $1, last_import = $2 WHERE id = $3`,
		int32(latest), im.imp.EndedAt, im.imp.SourceID); err != nil {
		return err
	}
	if err := im.audit.add("cases.import", "case_import", im.imp.ID, nil, auditOfImport(im.imp)); err != nil {
		return err
	}
	return im.audit.flush()
}

// writeCoverage brings series_coverage up to date for the areas the import wrote. The span and
// the metrics only grow (an import never removes a value), so they come from the stored summary
// and the rows read; the number of days from the stored one plus the area-days inserted, which
// PostgreSQL's merge reports and which SQLite knows when every row fell outside the stored span,
// and else counts again (one range count of the primary key per area).
func (im *importer) writeCoverage() error {
	const perStatement = 100
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / 6
		rows := make([]byte, 0, n*40)
		for i := range n {
			if i > 0 {
				rows = append(rows, ", "...)
			}
			rows = append(rows, "("+placeholders(6*i+1, 6)+")"...)
		}
		_, err := im.tx.ExecContext(im.ctx, `INSERT INTO series_coverage (area_id, source_id, has, first_day, last_day, days)
			VALUES `+string(rows)+` ON CONFLICT (area_id, source_id) DO UPDATE SET has = excluded.has,
			first_day = excluded.first_day, last_day = excluded.last_day, days = excluded.days`, args...)
		args = args[:0]
		return err
	}
	for _, a := range im.seen {
		if a.accepted == 0 {
			continue
		}
		c := a.cov
		days := c.Days
		switch {
		case !a.covered:
			days = a.accepted
		case im.db.Engine == Postgres:
			days += a.inserted
		case !a.wrote:
		case a.outside == a.accepted:
			days += a.outside
		default:
			if err := im.tx.QueryRowContext(im.ctx, `SELECT COUNT(*) FROM observations WHERE area_id = $1 AND source_id = $2`,
				a.area.ID, im.imp.SourceID).Scan(&days); err != nil {
				return err
			}
		}
		n := cases.Coverage{AreaID: a.area.ID, SourceID: im.imp.SourceID, Has: c.Has | a.has, First: a.first, Last: a.lastDay, Days: days}
		if a.covered {
			n.First, n.Last = min(n.First, c.First), max(n.Last, c.Last)
		}
		if a.covered && n == c {
			continue
		}
		args = append(args, n.AreaID, n.SourceID, int64(n.Has), int32(n.First), int32(n.Last), n.Days)
		if len(args) == 6*perStatement {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// importAudit is what the audit log keeps of an import.
type importAudit struct {
	Source    int64  `json:"source_id"`
	Format    string `json:"format"`
	File      string `json:"file,omitempty"`
	SHA256    string `json:"sha256,omitempty"`
	Rows      int    `json:"rows"`
	Inserted  int    `json:"inserted"`
	Corrected int    `json:"corrected"`
	Unchanged int    `json:"unchanged"`
	Skipped   int    `json:"skipped"`
}

func auditOfImport(im cases.Import) importAudit {
	return importAudit{Source: im.SourceID, Format: im.Format, File: im.File, SHA256: im.SHA256, Rows: im.Rows,
		Inserted: im.Inserted, Corrected: im.Corrected, Unchanged: im.Unchanged, Skipped: im.Skipped}
}
