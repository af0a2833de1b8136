package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// termTablesMigration is migration 17, written in Go because pgTermTable builds what it stores:
// on PostgreSQL each search document's word counts move from the text index_tf to the term table
// index_tc, which the candidate query reads with each match (see pgTermTable); SQLite keeps its
// counts in FTS5 and has nothing to do. The GIN indexes are dropped while the rows are rewritten
// and built again after, since rewriting every row would update them a row at a time. It runs
// outside a transaction, a thousand documents a commit: an index built in the transaction that
// rewrote the rows would index their old versions too (twice the size), and each step may run
// again after an interruption.
func termTablesMigration(engine Engine) *goose.Migration {
	if engine != Postgres {
		// In a transaction, on the migration's own connection: SQLite's writer has one, which a
		// migration run on the pool would wait for forever.
		none := &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }}
		return goose.NewGoMigration(17, none, none)
	}
	up := func(ctx context.Context, db *sql.DB) error {
		for _, table := range []string{"practice_search", "board_search"} {
			if err := execAll(ctx, db,
				`DROP INDEX IF EXISTS `+table+`_text`,
				`ALTER TABLE `+table+` DROP COLUMN IF EXISTS index_tf, ADD COLUMN IF NOT EXISTS index_tc BYTEA NOT NULL DEFAULT ''`,
				// In the row, as index_text is; its noise leaves nothing to compress.
				`ALTER TABLE `+table+` ALTER COLUMN index_tc SET STORAGE MAIN`); err != nil {
				return err
			}
			if err := fillTermTables(ctx, db, table); err != nil {
				return err
			}
			if err := execAll(ctx, db,
				`ALTER TABLE `+table+` ALTER COLUMN index_tc DROP DEFAULT`,
				`CREATE INDEX IF NOT EXISTS `+table+`_text ON `+table+` USING gin (to_tsvector('simple', index_text)) WITH (fastupdate = off)`); err != nil {
				return err
			}
		}
		return nil
	}
	down := func(ctx context.Context, db *sql.DB) error {
		for _, table := range []string{"practice_search", "board_search"} {
			// As migration 16 filled index_tf.
			if err := execAll(ctx, db,
				`ALTER TABLE `+table+` DROP COLUMN index_tc, ADD COLUMN index_tf TEXT NOT NULL DEFAULT E'\t'`,
				`ALTER TABLE `+table+` ALTER COLUMN index_tf SET STORAGE MAIN`,
				`UPDATE `+table+` s SET index_tf = E'\t' || COALESCE((SELECT string_agg(c.tok || ' ' || c.n || E'\t', '' ORDER BY c.tok COLLATE "C")
					FROM (SELECT tok, count(*) AS n FROM regexp_split_to_table(btrim(s.index_text), ' ') AS tok GROUP BY tok HAVING count(*) > 1) c), '')`,
				`ALTER TABLE `+table+` ALTER COLUMN index_tf DROP DEFAULT`); err != nil {
				return err
			}
		}
		return nil
	}
	return goose.NewGoMigration(17, &goose.GoFunc{RunDB: up}, &goose.GoFunc{RunDB: down})
}

// fillTermTables writes the term table of each document of table, a thousand a transaction.
func fillTermTables(ctx context.Context, db *sql.DB, table string) error {
	type doc struct {
		id    int64
		index string
	}
	for after := int64(-1); ; {
		rows, err := db.QueryContext(ctx, `SELECT doc_id, index_text FROM `+table+` WHERE doc_id > $1 ORDER BY doc_id LIMIT 1000`, after)
		if err != nil {
			return err
		}
		var docs []doc
		for rows.Next() {
			var d doc
			if err := rows.Scan(&d.id, &d.index); err != nil {
				rows.Close()
				return err
			}
			docs = append(docs, d)
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(docs) == 0 {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET index_tc = $1 WHERE doc_id = $2`, pgTermTable(d.index), d.id); err != nil {
				tx.Rollback()
				return fmt.Errorf("%s document %d: %w", table, d.id, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		after = docs[len(docs)-1].id
	}
}

// execAll runs statements in turn, stopping at the first error.
func execAll(ctx context.Context, db *sql.DB, statements ...string) error {
	for _, s := range statements {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
