package store

import (
	"context"
	"database/sql"
	"runtime"
	"sync"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// SetSearchCandidates lowers the bound on the documents one search ranks, so that tests can
// reach it with a few practices.
func SetSearchCandidates(n int) (restore func()) {
	old := searchCandidates
	searchCandidates = n
	return func() { searchCandidates = old }
}

// BulkPublish stores ps as published practices at version 1, with their versions, tags, SDG
// targets and search documents, in one transaction, as Publish would write them one by one: a
// benchmark's library of 100,000 practices loads in minutes instead of hours. ps must be valid;
// their ids and times are set.
func (db *DB) BulkPublish(ctx context.Context, ps []practice.Practice) error {
	texts := make([]string, len(ps))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ps); i += workers {
				texts[i] = documentText(ps[i].Title, ps[i].Summary, ps[i].Body, ps[i].Tags)
			}
		})
	}
	wg.Wait()
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		for i := range ps {
			p := &ps[i]
			p.Status, p.Version, p.CreatedAt, p.UpdatedAt, p.PublishedAt = practice.Published, 1, now, now, now
			err := tx.QueryRowContext(ctx, `INSERT INTO practices (slug, owner_id, title, summary, body, lang, category,
				period_from, period_to, status, vis_kind, network_id, version, created_at, updated_at, published_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'published', $10, $11, 1, $12, $12, $12) RETURNING id`,
				nullString(p.Slug), p.OwnerID, p.Title, p.Summary, p.Body, p.Lang, nullString(p.Category),
				dateArg(p.PeriodFrom), dateArg(p.PeriodTo), string(p.Visibility.Kind), nullID(p.Visibility.NetworkID), now).Scan(&p.ID)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO practice_versions (practice_id, number, title, summary, body, note, at)
				VALUES ($1, 1, $2, $3, $4, '', $5)`, p.ID, p.Title, p.Summary, p.Body, now); err != nil {
				return err
			}
			if err := writePracticeSets(ctx, tx, p); err != nil {
				return err
			}
			if err := db.writeDocument(ctx, tx, docID(p.ID, 0), *p, p.Lang, texts[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetWordStats makes PostgreSQL's search take docs for the statistics of the library's words
// (how many documents hold each), as ANALYZE would have found them, until restore.
func (db *DB) SetWordStats(docs map[string]float64) (restore func()) {
	w := &db.words
	w.mu.Lock()
	defer w.mu.Unlock()
	w.docs, w.at = docs, time.Now()
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.docs = nil
	}
}

// IndexSizes reports the bytes of the text the search index holds (titles, summaries and bodies
// of the practices and translations it covers) and of the index itself: on SQLite the FTS5
// shadow tables' pages (dbstat); on PostgreSQL the GIN index plus the index_text and index_tc
// columns as stored (pg_column_size, after compression), the rest of the table apart.
func (db *DB) IndexSizes(ctx context.Context) (text int64, index map[string]int64, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(octet_length(title) + octet_length(summary) + octet_length(body)), 0)
		FROM practices WHERE status <> 'draft'`).Scan(&text)
	if err != nil {
		return 0, nil, err
	}
	var t int64
	if err = db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(octet_length(title) + octet_length(summary) + octet_length(body)), 0)
		FROM practice_translations`).Scan(&t); err != nil {
		return 0, nil, err
	}
	text += t
	index = map[string]int64{}
	q := `SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'practice_search_%' GROUP BY name
		UNION ALL SELECT 'index_text raw', 0`
	if db.Engine == Postgres {
		q = `SELECT 'gin index', pg_relation_size('practice_search_text')
			UNION ALL SELECT 'index_text column', SUM(pg_column_size(index_text))::bigint FROM practice_search
			UNION ALL SELECT 'index_tc column', SUM(pg_column_size(index_tc))::bigint FROM practice_search
			UNION ALL SELECT 'table and toast', pg_table_size('practice_search')
			UNION ALL SELECT 'primary key', pg_relation_size('practice_search_pkey')
			UNION ALL SELECT 'index_text raw', SUM(octet_length(index_text))::bigint FROM practice_search`
	}
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return 0, nil, err
		}
		index[name] = n
	}
	return text, index, rows.Err()
}

// Analyze does what a deployment's maintenance does after a bulk load: refreshes the planner's
// statistics and, on SQLite, merges the full-text index into one segment (which the maintainer
// would otherwise do over the next minutes, a step at a time, while the benchmark measures).
func (db *DB) Analyze(ctx context.Context) error {
	qs := []string{`ANALYZE`, `INSERT INTO practice_search (practice_search) VALUES ('optimize')`}
	if db.Engine == Postgres {
		qs = []string{`VACUUM ANALYZE`}
	}
	for _, q := range qs {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// MatchCount counts text's matching documents the way a visitor's search finds them, with the
// engine's index alone: the match, and on PostgreSQL the row's status and visibility, so its
// heap row is visited as a search visits it; nothing ranked, sorted or read for display. It is
// the floor under a selective search's latency, which BenchmarkSearch reports beside it so that
// the machine's own speed at the time can be told from the search's.
func (db *DB) MatchCount(ctx context.Context, text string) (int, error) {
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	query := `SELECT count(*) FROM practice_search s WHERE ` + db.matchCondition(parseQuery(text), "s", arg)
	if db.Engine == Postgres { // the visitor's condition of candidateQuery, on the document's row
		query += ` AND s.status = 'published' AND ` + db.practiceVisible(citypact.Actor{}, "s", arg)
	}
	var n int
	err := db.rq.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}
