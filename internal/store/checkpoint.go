package store

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// SQLite's write-ahead log is copied back into the database file by a checkpoint. By default the
// commit that fills the log past 1,000 pages runs it, inside the request that committed: with
// synchronous(FULL) that means syncing the database file too, and it made one publish in fifty
// take 100–150 ms instead of 3 (docs/BENCHMARKS.md). So the writer's own threshold is raised to a
// safety net (walSafetyPages) and a checkpointer beside it runs a PASSIVE checkpoint every
// checkpointEvery: PASSIVE never waits for the writer or the readers, so commits go on while it
// copies, and the log is reused from its start once a checkpoint has caught up.

const (
	checkpointEvery = 250 * time.Millisecond
	walSafetyPages  = 16000 // about 64 MB: reached only if the checkpointer cannot keep up
)

// checkpointer runs PASSIVE checkpoints on its own connection until stop is closed.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
}

// startCheckpointer opens the checkpointer's connection to the SQLite file at path and starts it.
func startCheckpointer(path string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if err := c.checkpoint(context.Background()); err != nil {
				slog.Warn("sqlite checkpoint", "err", err)
			}
		}
	}
}

// checkpoint copies what it can of the log into the database file; busy reports whether it had
// to stop early (a reader still needs old frames), log and moved are the log's frames and how
// many of them are now in the database file.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	var busy, log, moved int
	return c.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &moved)
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.conn.Close()
}
