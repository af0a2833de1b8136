package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// Explain prints the plan of the candidate query (temporary).
func (db *DB) Explain(t testing.TB, text string) {
	ctx := context.Background()
	q := parseQuery(text)
	var where []string
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	where = append(where, db.matchCondition(q, "s", arg))
	where = append(where, `p.status = 'published'`)
	where = append(where, db.practiceVisible(citypact.Visitor, "p", arg))
	cond := strings.Join(where, " AND ")
	query := fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT s.rowid, -bm25(practice_search) FROM practice_search s
			JOIN practices p ON p.id = s.rowid >> %d WHERE %s ORDER BY s.rowid DESC LIMIT %d`, slotBits, cond, searchCandidates+1)
	if db.Engine == Postgres {
		query = fmt.Sprintf(`EXPLAIN ANALYZE SELECT s.doc_id FROM practice_search s JOIN practices p ON p.id = s.practice_id
		WHERE %s ORDER BY s.doc_id DESC LIMIT %d`, cond, searchCandidates+1)
	}
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		t.Log(vals...)
	}
	_ = practice.Draft
}
