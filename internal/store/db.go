// Package store implements every domain's Store interface with plain SQL on two engines: SQLite
// (embedded, the default) and PostgreSQL (for several serve processes). Exported methods own their
// transaction and write the audit row inside it, so a change and its record of who made it commit
// or roll back together. It must never import net/http or any web package.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Engine names a storage engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database: a single writer beside a pool of readers. On PostgreSQL both are the
// same pool; on SQLite the writer is one connection, because SQLite admits one writer at a time
// and queuing in Go is fairer and cheaper than spinning on SQLITE_BUSY.
type DB struct {
	Engine Engine
	w      *sql.DB
	r      *sql.DB
	rq     querier // reads: r, through compiled statements on SQLite (stmtcache.go)
	now    func() time.Time
	dsn    string
	path   string      // the SQLite file
	maint  *maintainer // SQLite's background checkpoints and index merges
	cache  *stmtCache  // SQLite's compiled reads
	words  wordStats   // PostgreSQL's statistics of the library's common words (search_pg.go)
}

// Options tune Open; the zero value is right for production.
type Options struct {
	// Now is the clock; tests inject a fixed one. Times are stored in UTC to the microsecond.
	Now func() time.Time
	// ReadConns bounds the reader pool (default: 2 × CPUs, at least 4).
	ReadConns int
}

// ParseDSN tells the engine of a database setting: "sqlite:PATH" (or a bare path ending in .db)
// or a "postgres://" / "postgresql://" URL.
func ParseDSN(dsn string) (Engine, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return "", "", fmt.Errorf("database: not a valid PostgreSQL URL")
		}
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return "", "", fmt.Errorf("database: sqlite: needs a file path, as in sqlite:./data/citypact.db")
		}
		return SQLite, p, nil
	}
	return "", "", fmt.Errorf("database: %q is neither sqlite:PATH nor a postgres:// URL", redact(dsn))
}

// redact hides a password in a URL so that configuration errors can be logged.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// sqlitePragmas are every SQLite setting in one place. They go in the DSN, not in one Exec,
// because pragmas are per connection and the pool opens connections at will.
//   - WAL lets readers run beside the writer.
//   - synchronous(FULL): every acknowledged write survives a power cut, not just a process crash;
//     imports batch many rows per transaction, so the fsync per commit is amortised.
//   - busy_timeout: a second process (backup, CLI) waits instead of failing at once.
//   - foreign_keys: referential integrity, as PostgreSQL has it.
//   - wal_autocheckpoint: commits leave checkpoints to the maintainer (see maintain.go).
//   - _time_format=sqlite writes times as "2006-01-02 15:04:05.999999999-07:00", which sorts
//     lexically in UTC, so range comparisons in SQL are correct.
func sqliteDSN(path string, readOnly bool) string {
	v := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "temp_store(MEMORY)", "cache_size(-16000)",
		fmt.Sprintf("wal_autocheckpoint(%d)", walSafetyPages)} {
		v.Add("_pragma", p)
	}
	if readOnly {
		v.Add("_pragma", "query_only(1)")
	}
	v.Set("_time_format", "sqlite")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// Open connects to the database named by dsn. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	engine, target, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{Engine: engine, now: opt.Now, dsn: dsn}
	if db.now == nil {
		db.now = time.Now
	}
	readConns := opt.ReadConns
	if readConns <= 0 {
		readConns = max(4, 2*runtime.NumCPU())
	}
	switch engine {
	case SQLite:
		db.path = target
		if dir := filepath.Dir(target); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("database: create %s: %w", dir, err)
			}
		}
		if db.w, err = sql.Open("sqlite", sqliteDSN(target, false)); err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetMaxIdleConns(1)
		db.w.SetConnMaxLifetime(0)
		// The writer must create the file (and switch it to WAL) before readers open it.
		if err := db.w.PingContext(ctx); err != nil {
			db.w.Close()
			return nil, fmt.Errorf("database: open %s: %w", target, err)
		}
		if db.r, err = sql.Open("sqlite", sqliteDSN(target, true)); err != nil {
			db.w.Close()
			return nil, err
		}
		db.r.SetMaxOpenConns(readConns)
		db.r.SetMaxIdleConns(readConns)
		cache := newStmtCache(db.r)
		db.rq, db.cache = cache, cache
		if db.maint, err = startMaintainer(target, db.w); err != nil {
			db.Close()
			return nil, err
		}
	case Postgres:
		if db.w, err = sql.Open("pgx", target); err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(readConns + 4)
		db.w.SetMaxIdleConns(readConns + 4)
		db.w.SetConnMaxIdleTime(5 * time.Minute)
		db.r = db.w
		db.rq = db.r
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.r.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: cannot reach %s: %w", redact(target), err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.maint != nil {
		errs = append(errs, db.maint.close())
		db.maint = nil
	}
	if db.cache != nil {
		db.cache.close()
	}
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Now returns the store's clock reading in UTC, to the microsecond (what PostgreSQL keeps), so a
// value read back equals the value written on both engines.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// reading returns the context for a short read. On SQLite it drops cancellation: the database is
// in the process and a read takes a millisecond, while a cancellable query costs two goroutines
// (database/sql's and the driver's watchers), which under load crowd the scheduler's run queue so
// that requests wait unfairly behind them (measured: p99 forty times p50 at 64 connections;
// without them, under twice). Values are kept, cancellation and deadline are not; PostgreSQL keeps both, which
// stops work on the server.
func (db *DB) reading(ctx context.Context) context.Context {
	if db.Engine == SQLite {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// sqlLimit is a LIMIT clause with n written out, not bound. Bound, SQLite's planner reads the
// parameter's value (an ORDER BY under a LIMIT may stop a sorted walk early), which marks the
// compiled statement to be compiled again each time the parameter is bound: every run. The
// practice page's threads query spent 0.13 ms of the page's 0.57 so. n is a page size or a
// constant, never text.
func sqlLimit(n int) string { return " LIMIT " + strconv.Itoa(n) }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.Engine))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithGoMigrations(termTablesMigration(db.Engine))}
	if db.Engine == Postgres {
		dialect = goose.DialectPostgres
		// Several serve processes may start at once; an advisory lock lets one migrate.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.w, sub, opts...)
}

// Migrate brings the schema up to date and returns the versions it applied.
func (db *DB) Migrate(ctx context.Context) ([]int64, error) {
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// SchemaVersion reports the applied version and whether migrations are pending.
func (db *DB) SchemaVersion(ctx context.Context) (current int64, pending bool, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, false, err
	}
	if current, err = p.GetDBVersion(ctx); err != nil {
		return 0, false, err
	}
	pending, err = p.HasPending(ctx)
	return current, pending, err
}

// tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Columns lists every "table.column" of the schema, sorted: the test that both engines have the
// same schema compares these. On SQLite the shadow tables an FTS5 table keeps its index in are
// left out (the virtual table itself is listed): they are the engine's, as a GIN index is.
func (db *DB) Columns(ctx context.Context) ([]string, error) {
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
		AND m.name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow') ORDER BY 1`
	if db.Engine == Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY 1`
	}
	out, err := queryStrings(ctx, db.r, q)
	sort.Strings(out)
	return out, err
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
