package store

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"time"
)

// SQLite's background maintenance, which would otherwise run inside whichever commit happens to
// trip it and make that request wait:
//
//   - Merging the full-text index. FTS5 writes each transaction's documents as a new segment and,
//     by default (automerge), merges segments inside the inserting transaction: at 20,000
//     practices one publish in fifty took 100 ms instead of 3. Migration 00009 turns automerge
//     off, and the maintainer merges instead: one bounded step (mergeStepPages of output) a
//     round, through the writer, so a publish waits for one step at most, and rarely (several
//     steps a round doubled the publishes' 99th percentile). Under a burst of publishes faster
//     than that, FTS5's crisis merge of 16 small segments on a level still runs in a publish.
//   - Checkpoints. The commit that fills the write-ahead log past 1,000 pages runs one and, under
//     synchronous(FULL), syncs the database file. The writer's own threshold is raised to a safety
//     net (walSafetyPages) and the maintainer runs a PASSIVE checkpoint on its own connection:
//     PASSIVE never waits for the writer or the readers, and the log is reused from its start
//     once a checkpoint has caught up.

const (
	maintainEvery  = 250 * time.Millisecond
	walSafetyPages = 16000 // about 64 MB: reached only if the maintainer cannot keep up
	mergeStepPages = 64    // FTS5 pages (about 1 KB each) one merge step writes
	mergeSteps     = 1     // steps a round may take while there is work
)

// maintainer runs SQLite's background maintenance until stop is closed.
type maintainer struct {
	ckpt *sql.DB // its own connection, for checkpoints
	w    *sql.DB // the writer, for merges
	stop chan struct{}
	done chan struct{}
}

// startMaintainer opens the checkpoint connection to the SQLite file at path and starts the
// maintainer beside the writer w.
func startMaintainer(path string, w *sql.DB) (*maintainer, error) {
	conn, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	m := &maintainer{ckpt: conn, w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go m.run()
	return m, nil
}

func (m *maintainer) run() {
	defer close(m.done)
	t := time.NewTicker(maintainEvery)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			ctx := context.Background()
			if err := m.merge(ctx); err != nil {
				slog.Warn("sqlite full-text merge", "err", err)
			}
			if err := m.checkpoint(ctx); err != nil {
				slog.Warn("sqlite checkpoint", "err", err)
			}
		}
	}
}

// merge runs merge steps on the full-text index while they find work, up to mergeSteps. FTS5
// tells whether a step did anything only through total_changes(), which counts on one
// connection: each step holds the writer's for its duration.
func (m *maintainer) merge(ctx context.Context) error {
	for range mergeSteps {
		worked, err := m.mergeStep(ctx)
		if err != nil || !worked {
			return err
		}
		select {
		case <-m.stop:
			return nil
		default:
		}
	}
	return nil
}

func (m *maintainer) mergeStep(ctx context.Context) (bool, error) {
	conn, err := m.w.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false, err
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO practice_search (practice_search, rank) VALUES ('merge', $1)`, mergeStepPages)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return false, nil // not migrated yet
		}
		return false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false, err
	}
	return after-before >= 2, nil // FTS5's documented sign that the step merged something
}

// checkpoint copies what it can of the log into the database file.
func (m *maintainer) checkpoint(ctx context.Context) error {
	var busy, log, moved int
	return m.ckpt.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &moved)
}

// close stops the maintainer and closes its connection.
func (m *maintainer) close() error {
	close(m.stop)
	<-m.done
	return m.ckpt.Close()
}
