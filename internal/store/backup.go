package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/citypact/citypact"
)

// Backup writes a consistent copy of the database to path, which must not exist. SQLite uses
// VACUUM INTO (a transactionally consistent, compacted copy taken while the hub keeps serving);
// PostgreSQL uses pg_dump's custom format. Never a copy of live files.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	defer citypact.Wrap(&err, "backup")
	if _, err := os.Stat(path); err == nil {
		return citypact.Conflict("backup.exists")
	}
	switch db.Engine {
	case SQLite:
		_, err = db.w.ExecContext(ctx, `VACUUM INTO $1`, path)
		return err
	case Postgres:
		bin, err := pgTool("pg_dump")
		if err != nil {
			return err
		}
		out, err := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--file="+path, "--dbname="+db.dsn).CombinedOutput()
		if err != nil {
			os.Remove(path)
			return fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	return fmt.Errorf("unknown engine %q", db.Engine)
}

// ErrHasData is returned by Restore when the target holds data and force was not given.
var ErrHasData = &citypact.Error{Kind: citypact.KindConflict, Message: "restore.has_data"}

// Restore replaces the database named by dsn with the backup at from. It refuses to overwrite a
// database that holds any organisation or user unless force is set. Stop every serve process
// first: a restore under a running hub would pull data from under its feet.
func Restore(ctx context.Context, dsn, from string, force bool) (err error) {
	defer citypact.Wrap(&err, "restore")
	engine, target, err := ParseDSN(dsn)
	if err != nil {
		return err
	}
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("cannot read backup %s: %w", from, err)
	}
	switch engine {
	case SQLite:
		if err := checkSQLiteBackup(ctx, from); err != nil {
			return err
		}
		if _, err := os.Stat(target); err == nil && !force {
			if has, err := hasData(ctx, dsn); err != nil || has {
				return errors.Join(ErrHasData, err)
			}
		}
		return replaceFile(from, target)
	case Postgres:
		if !force {
			if has, err := hasData(ctx, dsn); err != nil || has {
				return errors.Join(ErrHasData, err)
			}
		}
		bin, err := pgTool("pg_restore")
		if err != nil {
			return err
		}
		out, err := exec.CommandContext(ctx, bin, "--clean", "--if-exists", "--no-owner", "--exit-on-error",
			"--single-transaction", "--dbname="+target, from).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_restore: %v: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	return fmt.Errorf("unknown engine %q", engine)
}

// hasData reports whether a database holds any organisation or user; a database without the
// tables holds nothing.
func hasData(ctx context.Context, dsn string) (bool, error) {
	db, err := Open(ctx, dsn, Options{})
	if err != nil {
		return false, err
	}
	defer db.Close()
	var n int
	err = db.rq.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM organisations) + (SELECT COUNT(*) FROM users)`).Scan(&n)
	if err != nil {
		// No tables yet: nothing to lose.
		return false, nil
	}
	return n > 0, nil
}

// checkSQLiteBackup makes sure a file is an intact citypact SQLite database before it replaces
// anything.
func checkSQLiteBackup(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		return err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		return citypact.Errorf(citypact.KindInvalid, "restore.not_a_backup")
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version`).Scan(&n); err != nil {
		return citypact.Errorf(citypact.KindInvalid, "restore.not_a_backup")
	}
	return nil
}

// replaceFile copies from into a temporary file beside target, syncs it and renames it over
// target, so a crash leaves either the old database or the new one, never half of one.
func replaceFile(from, target string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// The old database's WAL belongs to the old file; left beside the new one it would be replayed into it.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(tmp.Name(), target)
}

// pgTool finds a PostgreSQL client program on PATH or in Debian's versioned directories, newest first.
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	if len(dirs) > 0 {
		return dirs[0], nil
	}
	return "", fmt.Errorf("%s not found: install PostgreSQL's client programs", name)
}
