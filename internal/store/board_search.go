package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/markdown"
	"github.com/citypact/citypact/internal/search"
)

// The boards' search documents, built and matched as the library's are (practice_search.go):
// search.Index of the text, an FTS5 phrase query on SQLite, the GIN index and strpos on
// PostgreSQL. Each thread's own text (title, body as markdown.Plain, tags and supply fields) is
// one document, each post's body another, and each of their translations one more. A document's
// id places it in its text's range, so that rewriting or removing one text's documents is a range
// of the primary key:
//
//	id<<9 | 0<<8 | slot   the thread id's text (slot 0) and translations (slots 1–255)
//	id<<9 | 1<<8 | slot   the post id's
//
// Translations take the slots in the order of their language tags; a text is reindexed whole
// (indexBoardText) in every transaction that changes it, its translations or its moderation, so
// the slots are never stale. What a moderator hides has no documents until it is shown again, so
// nobody, moderators included, finds it by searching; a hidden thread's posts keep theirs, and
// the search leaves them out by joining the thread.

const (
	boardSlotBits = 8
	boardKindBit  = 1 << boardSlotBits
	boardMaxSlot  = boardKindBit - 1
)

// boardDocBase is the first document id of a thread's (postID 0) or a post's text.
func boardDocBase(threadID, postID int64) int64 {
	if postID != 0 {
		return postID<<(boardSlotBits+1) | boardKindBit
	}
	return threadID << (boardSlotBits + 1)
}

// boardSearchCandidates is board.SearchCandidates, which tests may lower.
var boardSearchCandidates = board.SearchCandidates

// indexBoardText rewrites the search documents of thread threadID's own text (postID 0) or of
// post postID: the original and every translation, none while it is hidden. It runs in the
// transaction that changed the text, its translations or its moderation.
func (db *DB) indexBoardText(ctx context.Context, tx *sql.Tx, threadID, postID int64) error {
	base := boardDocBase(threadID, postID)
	q := `DELETE FROM board_search WHERE rowid BETWEEN $1 AND $2`
	if db.Engine == Postgres {
		q = `DELETE FROM board_search WHERE doc_id BETWEEN $1 AND $2`
	}
	if _, err := tx.ExecContext(ctx, q, base, base+boardMaxSlot); err != nil {
		return err
	}
	var lang, text string
	if postID == 0 {
		ts, err := threadsWhere(ctx, tx, false, `t.id = $1`, threadID)
		if err != nil || len(ts) == 0 || ts[0].Hidden {
			return err
		}
		t := ts[0]
		parts := append([]string{t.Title, markdown.Plain(t.Body, 0)}, t.Tags...)
		if s := t.Supply; s != nil {
			parts = append(parts, s.Product, s.Specification, s.Supplier)
			parts = append(parts, s.Certifications...)
		}
		lang, text = t.Lang, strings.Join(parts, "\n")
	} else {
		ps, err := postsWhere(ctx, tx, `p.id = $1`, postID)
		if err != nil || len(ps) == 0 || ps[0].Hidden {
			return err
		}
		lang, text = ps[0].Lang, markdown.Plain(ps[0].Body, 0)
	}
	if err := db.writeBoardDoc(ctx, tx, base, threadID, postID, lang, text); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT lang, title, body FROM board_translations WHERE thread_id = $1 AND post_id = $2
		ORDER BY lang`+sqlLimit(boardMaxSlot), threadID, postID)
	if err != nil {
		return err
	}
	type doc struct{ lang, text string }
	var docs []doc
	for rows.Next() {
		var l, title, body string
		if err := rows.Scan(&l, &title, &body); err != nil {
			rows.Close()
			return err
		}
		docs = append(docs, doc{l, strings.TrimSpace(title + "\n" + markdown.Plain(body, 0))})
	}
	err = rows.Err()
	rows.Close() // before the inserts: a transaction has one connection
	if err != nil {
		return err
	}
	for i, d := range docs {
		if err := db.writeBoardDoc(ctx, tx, base+int64(i+1), threadID, postID, d.lang, d.text); err != nil {
			return err
		}
	}
	return nil
}

// writeBoardDoc inserts one document; its range was emptied first.
func (db *DB) writeBoardDoc(ctx context.Context, tx *sql.Tx, doc, threadID, postID int64, lang, text string) error {
	if db.Engine == Postgres {
		index := pgIndexText(text, doc>>boardBucketBits)
		_, err := tx.ExecContext(ctx, `INSERT INTO board_search (doc_id, index_text, index_tc, thread_id, post_id, lang) VALUES ($1, $2, $3, $4, $5, $6)`,
			doc, index, pgTermTable(index), threadID, postID, lang)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO board_search (rowid, index_text, doc_id, thread_id, post_id, lang) VALUES ($1, $2, $1, $3, $4, $5)`,
		doc, search.Index(text), threadID, postID, lang)
	return err
}

// On PostgreSQL each document's index_text ends with the bucket word of its block of 1,024
// thread or post ids, as the library's documents do (see candidateQuery), so that a search asks
// the GIN index for the newest blocks first. A variable so that tests can make blocks small.
var boardBucketBits = 10 + boardSlotBits + 1

// postIDOf is the id of p, or 0 for no post (the thread's own text).
func postIDOf(p *board.Post) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

// Search finds the threads the actor may see by their text or their posts' (see board.Searcher),
// in the two steps of the library's search: the newest boardSearchCandidates matching documents
// of visible, unhidden threads and posts, in one query bounded by its LIMIT; then, of those only,
// ranking by BM25 (FTS5's own on SQLite, computed from phrase counts on PostgreSQL), one hit per
// thread by its best document.
//
// On PostgreSQL the matching documents come from the GIN index in no order, so they are asked
// for by tiers of id blocks, newest first, as the library's are (candidateQuery): a common word
// stops in the newest tier.
func (bs *BoardStore) Search(ctx context.Context, sq board.SearchQuery) (_ board.SearchResult, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.BoardStore.Search")
	ctx = db.reading(ctx)
	q := parseQuery(sq.Text)
	if q.Empty() {
		return board.SearchResult{}, errEmptyQuery
	}
	limit := sq.Limit
	switch {
	case limit <= 0:
		limit = board.DefaultSearchLimit
	case limit > board.MaxSearchLimit:
		limit = board.MaxSearchLimit
	}
	var tiers []searchTier
	if db.Engine == Postgres {
		if tiers, err = db.pgTiers(ctx, "board_search", boardBucketBits); err != nil {
			return board.SearchResult{}, err
		}
	}
	query, args := db.boardCandidateQuery(citypact.ActorFrom(ctx), q, sq, tiers)
	cands, threadOf, err := db.boardCandidates(ctx, query, args)
	if err != nil {
		return board.SearchResult{}, err
	}
	var res board.SearchResult
	cands, res.TotalCapped = newest(cands, boardSearchCandidates)
	if len(cands) == 0 {
		return res, nil
	}
	// The best document of each thread, best first.
	top := bestPerItem(cands, func(c candidate) int64 { return threadOf[c.doc].thread })
	res.Total = len(top)
	top = top[:min(len(top), limit)]
	res.Hits, err = db.boardHits(ctx, q, top, threadOf)
	return res, err
}

// boardCandidateQuery returns the query of step 1 and its arguments: one row more than the bound,
// to tell a total of exactly the bound from a larger one.
func (db *DB) boardCandidateQuery(a citypact.Actor, q search.Query, sq board.SearchQuery, tiers []searchTier) (string, []any) {
	var args argList
	var match string
	if db.Engine == SQLite {
		match = fmt.Sprintf(`s.board_search MATCH $%d`, args.add(q.FTS5()))
	} else {
		match = db.matchCondition(q, "s", args.add)
	}
	where := []string{db.threadVisible(a, args.add), "NOT t.hidden",
		"(s.post_id = 0 OR EXISTS (SELECT 1 FROM posts p WHERE p.id = s.post_id AND NOT p.hidden))"}
	if sq.Board != 0 {
		where = append(where, fmt.Sprintf("t.board_id = $%d", args.add(sq.Board)))
	}
	cond := strings.Join(where, " AND ")
	if db.Engine == SQLite {
		// FTS5 reads the phrase's doclists newest first and stops at the LIMIT; bm25 is computed
		// for those rows only (negative, lower being better).
		return fmt.Sprintf(`SELECT s.rowid, s.thread_id, s.post_id, s.lang, -bm25(board_search) FROM board_search s
			JOIN threads t ON t.id = s.thread_id JOIN boards b ON b.id = t.board_id
			WHERE %s AND %s ORDER BY s.rowid DESC LIMIT %d`, match, cond, boardSearchCandidates+1), args
	}
	// As the library's (candidateQuery): each tier's matches from the GIN index with their length
	// and phrase counts, materialised and sorted, newest tier first, each row meeting the
	// visibility and filters through a subquery on the primary keys until the bound is reached.
	cols := "s.doc_id, s.thread_id, s.post_id, s.lang, octet_length(s.index_text) AS len"
	for i, c := range pgPhraseCounts(q, args.add) {
		cols += fmt.Sprintf(", %s AS c%d", c, i)
	}
	ctes, branches := pgTierCTEs(tiers, "board_search", cols, match, args.add)
	return fmt.Sprintf(`WITH %s
		SELECT * FROM (%s) s WHERE (SELECT TRUE FROM threads t JOIN boards b ON b.id = t.board_id
			WHERE t.id = s.thread_id AND %s) LIMIT %d`,
		strings.Join(ctes, ",\n"), strings.Join(branches, " UNION ALL "), cond, boardSearchCandidates+1), args
}

// boardDoc is what a document is of.
type boardDoc struct {
	thread, post int64
	lang         string
}

// boardCandidates runs the candidate query: each document, what it is of, and its score (on
// PostgreSQL, BM25 from its length and phrase counts, as queryCandidates computes it).
func (db *DB) boardCandidates(ctx context.Context, query string, args []any) ([]candidate, map[int64]boardDoc, error) {
	rows, err := db.rq.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var cands []candidate
	docs := map[int64]boardDoc{}
	var lengths []float64
	var tfs [][]float64
	for rows.Next() {
		var c candidate
		var d boardDoc
		vals := make([]float64, len(cols)-4)
		dest := []any{&c.doc, &d.thread, &d.post, &d.lang}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		docs[c.doc] = d
		if db.Engine == SQLite {
			c.score = vals[0]
		} else {
			lengths = append(lengths, vals[0])
			tfs = append(tfs, vals[1:])
		}
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if db.Engine == Postgres {
		bm25(cands, lengths, tfs)
	}
	return cands, docs, nil
}

// boardHits reads the threads, posts and translations of the documents picked, in order, with
// their snippets.
func (db *DB) boardHits(ctx context.Context, q search.Query, top []candidate, docs map[int64]boardDoc) ([]board.Hit, error) {
	var tids, pids []any
	for _, c := range top {
		d := docs[c.doc]
		tids = append(tids, d.thread)
		if d.post != 0 {
			pids = append(pids, d.post)
		}
	}
	ts, err := threadsWhere(ctx, db.rq, false, `t.id IN (`+placeholders(1, len(tids))+`)`, tids...)
	if err != nil {
		return nil, err
	}
	threads := map[int64]board.Thread{}
	for _, t := range ts {
		threads[t.ID] = t
	}
	posts := map[int64]board.Post{}
	if len(pids) > 0 {
		ps, err := postsWhere(ctx, db.rq, `p.id IN (`+placeholders(1, len(pids))+`)`, pids...)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			posts[p.ID] = p
		}
	}
	type key struct {
		thread, post int64
		lang         string
	}
	translated := map[key]board.Translation{}
	rows, err := db.rq.QueryContext(ctx, `SELECT thread_id, post_id, lang, title, body FROM board_translations
		WHERE thread_id IN (`+placeholders(1, len(tids))+`)`, tids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tr board.Translation
		if err := rows.Scan(&tr.ThreadID, &tr.PostID, &tr.Lang, &tr.Title, &tr.Body); err != nil {
			rows.Close()
			return nil, err
		}
		translated[key{tr.ThreadID, tr.PostID, tr.Lang}] = tr
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	hits := make([]board.Hit, 0, len(top))
	for _, c := range top {
		d := docs[c.doc]
		t, ok := threads[d.thread]
		if !ok {
			continue
		}
		h := board.Hit{Thread: t, PostID: d.post, Lang: d.lang, Title: t.Title, Score: c.score}
		if tr, ok := translated[key{t.ID, 0, d.lang}]; ok && d.lang != t.Lang {
			h.Title = tr.Title
		}
		var source string
		original := c.doc&boardMaxSlot == 0
		switch {
		case d.post == 0 && original:
			source = snippetSource(t.Title, t.Body+"\n\n"+strings.Join(t.Tags, " "))
		case d.post == 0:
			tr := translated[key{t.ID, 0, d.lang}]
			source = snippetSource(tr.Title, tr.Body)
		case original:
			p, ok := posts[d.post]
			if !ok {
				continue // hidden or removed meanwhile
			}
			source = snippetSource("", p.Body)
		default:
			source = snippetSource("", translated[key{t.ID, d.post, d.lang}].Body)
		}
		h.Snippet = search.SnippetOfLong(source, q, snippetWidth)
		hits = append(hits, h)
	}
	return hits, nil
}
