package store

import (
	"context"
	"database/sql"
	"strings"
)

// BulkInsert writes rows into table's columns in one transaction, in multi-row statements of a
// few hundred parameters (SQLite binds $n by a search whose cost grows with their number): a
// benchmark's 100,000 posts load in seconds, where the one-at-a-time API would take far too
// long. next returns the next row, or nil when there are no more, so that rows are made as they
// are written and never held all at once.
func (db *DB) BulkInsert(ctx context.Context, table string, cols []string, next func() []any) error {
	per := max(1, 500/len(cols))
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	return db.tx(ctx, func(tx *sql.Tx) error {
		args := make([]any, 0, per*len(cols))
		var q strings.Builder
		flush := func() error {
			if len(args) == 0 {
				return nil
			}
			q.Reset()
			q.WriteString(head)
			for i := 0; i < len(args)/len(cols); i++ {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(" + placeholders(i*len(cols)+1, len(cols)) + ")")
			}
			_, err := tx.ExecContext(ctx, q.String(), args...)
			args = args[:0]
			return err
		}
		for row := next(); row != nil; row = next() {
			args = append(args, row...)
			if len(args) >= per*len(cols) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
}

// ExecBulk runs one statement in a transaction of its own: INSERT … SELECT for benchmarks.
func (db *DB) ExecBulk(ctx context.Context, q string, args ...any) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}
