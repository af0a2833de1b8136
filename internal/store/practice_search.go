package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/markdown"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
)

// Search documents. Each published practice has one document per language: the original
// (slot 0) and each translation (its slot, 1–255), identified by docID. A document holds
// search.Index of its title, summary and body (the body as markdown.Plain, so link addresses and
// markup are not words); the original's also holds the tags. Documents are written in the
// transaction of Publish and SaveTranslation and removed with DeleteTranslation; drafts have
// none, and retired practices keep theirs (Search leaves them out unless asked).
//
// Matching is the engines' own: an FTS5 phrase query on SQLite; on PostgreSQL the GIN index
// finds the documents holding every token and strpos checks each phrase on index_text (tokens
// separated by single spaces, with a space before the first and after the last, so a phrase is a
// substring that starts and ends on a space).

// slotBits is how many low bits of a document id number its slot.
const slotBits = 8

func docID(practiceID int64, slot int) int64 { return practiceID<<slotBits | int64(slot) }

// maxSlot is the most translations a practice can have, each holding a document slot.
const maxSlot = 1<<slotBits - 1

// snippetWidth is about how many characters of text a hit's snippet shows.
const snippetWidth = 160

// searchCandidates is practice.SearchCandidates, which tests lower.
var searchCandidates = practice.SearchCandidates

var errEmptyQuery = citypact.Invalid(citypact.FieldError{Field: "q", Key: "search.empty"})

func parseQuery(s string) search.Query { return search.Parse(s) }

// documentText is what a document indexes.
func documentText(title, summary, body string, tags []string) string {
	parts := append([]string{title, summary, markdown.Plain(body, 0)}, tags...)
	return strings.Join(parts, "\n")
}

// indexOriginal writes the search document of p's original text.
func (db *DB) indexOriginal(ctx context.Context, tx *sql.Tx, p practice.Practice) error {
	return db.writeDocument(ctx, tx, docID(p.ID, 0), p, p.Lang, documentText(p.Title, p.Summary, p.Body, p.Tags))
}

// writeDocument creates or replaces one search document of p. On PostgreSQL the document also
// keeps p's status and visibility kind (see syncDocuments).
func (db *DB) writeDocument(ctx context.Context, tx *sql.Tx, doc int64, p practice.Practice, lang, text string) error {
	if db.Engine == Postgres {
		index := pgIndexText(text, doc>>bucketBits)
		_, err := tx.ExecContext(ctx, `INSERT INTO practice_search (doc_id, practice_id, lang, index_text, index_tc, status, vis_kind)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (doc_id) DO UPDATE SET lang = excluded.lang, index_text = excluded.index_text, index_tc = excluded.index_tc,
				status = excluded.status, vis_kind = excluded.vis_kind`,
			doc, p.ID, lang, index, pgTermTable(index), string(p.Status), string(p.Visibility.Kind))
		return err
	}
	index := search.Index(text)
	if err := db.deleteDocument(ctx, tx, doc); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO practice_search (rowid, index_text, doc_id, practice_id, lang) VALUES ($1, $2, $1, $3, $4)`,
		doc, index, p.ID, lang)
	return err
}

// syncDocuments copies p's status and visibility kind to its search documents, in the
// transaction that changed them. On PostgreSQL a search decides whether a candidate is public
// from its own row, instead of looking up its practice (a primary-key probe for each of up to 500
// candidates: a sixth of a CJK term's search); SQLite's search joins the practice, which costs it
// little. A document that already agrees is not rewritten: updating its row would update the
// GIN index too.
func (db *DB) syncDocuments(ctx context.Context, tx *sql.Tx, p practice.Practice) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE practice_search SET status = $1, vis_kind = $2
		WHERE doc_id BETWEEN $3 AND $4 AND (status <> $1 OR vis_kind <> $2)`,
		string(p.Status), string(p.Visibility.Kind), docID(p.ID, 0), docID(p.ID, maxSlot))
	return err
}

func (db *DB) deleteDocument(ctx context.Context, tx *sql.Tx, doc int64) error {
	q := `DELETE FROM practice_search WHERE rowid = $1`
	if db.Engine == Postgres {
		q = `DELETE FROM practice_search WHERE doc_id = $1`
	}
	_, err := tx.ExecContext(ctx, q, doc)
	return err
}

// matchCondition returns the condition that a document (practice_search aliased s) matches q.
func (db *DB) matchCondition(q search.Query, s string, arg func(any) int) string {
	if db.Engine == SQLite {
		return fmt.Sprintf(`%s.practice_search MATCH $%d`, s, arg(q.FTS5()))
	}
	// Every token, for the GIN index; a phrase's last token as a prefix when the phrase is one.
	var all search.Query
	for _, p := range q.Phrases {
		for i, t := range p.Tokens {
			all.Phrases = append(all.Phrases, search.Phrase{Tokens: []string{t}, Prefix: p.Prefix && i == len(p.Tokens)-1})
		}
	}
	conds := []string{fmt.Sprintf(`to_tsvector('simple', %[1]s.index_text) @@ to_tsquery('simple', $%[2]d)`, s, arg(all.TSQuery()))}
	for _, p := range q.Phrases {
		if len(p.Tokens) == 1 {
			continue // the index alone decides
		}
		conds = append(conds, fmt.Sprintf(`strpos(%s.index_text, $%d) > 0`, s, arg(phraseNeedle(p))))
	}
	return strings.Join(conds, " AND ")
}

// phraseNeedle is a phrase as it stands in index_text: its tokens between spaces, the last one
// open at its end when it is a prefix.
func phraseNeedle(p search.Phrase) string {
	s := " " + strings.Join(p.Tokens, " ")
	if !p.Prefix {
		s += " "
	}
	return s
}

// matchingPractices returns a subquery of the ids of practices with a document matching q.
func (db *DB) matchingPractices(q search.Query, arg func(any) int) string {
	if db.Engine == SQLite {
		return fmt.Sprintf(`SELECT rowid >> %d FROM practice_search WHERE practice_search MATCH $%d`, slotBits, arg(q.FTS5()))
	}
	return `SELECT s.practice_id FROM practice_search s WHERE ` + db.matchCondition(q, "s", arg)
}

// candidate is a matching document and its score (higher is better).
type candidate struct {
	doc   int64
	score float64
}

// Search finds practices by text (see practice.Store). It works in two steps:
//
//  1. Candidates: the newest practice.SearchCandidates documents that match, whose practice the
//     actor may see (the predicate of practiceVisible) and that pass the filters, in one query
//     that reads the index newest first (on PostgreSQL, every match of a word the statistics
//     do not know for common, a common one's by tiers of id blocks: see candidateQuery) and
//     stops at the bound. However many documents a word matches, this step reads at most that
//     many practices.
//  2. Ranking, of the candidates only: bm25 on SQLite (FTS5's own, computed in the same query);
//     on PostgreSQL BM25 computed here from each phrase's count in the document and the
//     document's length, read with the candidates (ts_rank would rebuild every candidate's
//     tsvector). One hit per practice, by its best document.
//
// Total is the number of practices among the candidates; TotalCapped says the bound was hit.
func (db *DB) Search(ctx context.Context, sq practice.SearchQuery) (_ practice.SearchResult, err error) {
	defer citypact.Wrap(&err, "store.Search")
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	q := parseQuery(sq.Text)
	if q.Empty() {
		return practice.SearchResult{}, errEmptyQuery
	}
	limit := sq.Limit
	switch {
	case limit <= 0:
		limit = practice.DefaultSearchLimit
	case limit > practice.MaxSearchLimit:
		limit = practice.MaxSearchLimit
	}
	cands, err := db.candidates(ctx, a, q, sq)
	if err != nil {
		return practice.SearchResult{}, err
	}
	var res practice.SearchResult
	cands, res.TotalCapped = newest(cands, searchCandidates)

	// The best document of each practice, best first.
	top := bestPerItem(cands, func(c candidate) int64 { return c.doc >> slotBits })
	res.Total = len(top)
	top = top[:min(len(top), limit)]
	if len(top) == 0 {
		return res, nil
	}
	res.Hits, err = db.hits(ctx, q, top)
	return res, err
}

// newest returns the newest bound candidates, and whether there were more. Candidates are read
// one more than the bound; PostgreSQL returns them in no promised order.
func newest(cands []candidate, bound int) ([]candidate, bool) {
	slices.SortFunc(cands, func(x, y candidate) int { return cmp.Compare(y.doc, x.doc) })
	return cands[:min(len(cands), bound)], len(cands) > bound
}

// bestPerItem keeps the best-scoring candidate of each item (a practice, a thread) that item
// names, best first; ties go to the newer document.
func bestPerItem(cands []candidate, item func(candidate) int64) []candidate {
	best := make(map[int64]candidate, len(cands))
	for _, c := range cands {
		id := item(c)
		if b, ok := best[id]; !ok || c.score > b.score {
			best[id] = c
		}
	}
	top := make([]candidate, 0, len(best))
	for _, c := range best {
		top = append(top, c)
	}
	slices.SortFunc(top, func(x, y candidate) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return cmp.Compare(y.doc, x.doc)
	})
	return top
}

// candidates runs step 1 of Search, with the scores of step 2. It reads one candidate more than
// the bound, to tell a total of exactly the bound from a larger one.
func (db *DB) candidates(ctx context.Context, a citypact.Actor, q search.Query, sq practice.SearchQuery) ([]candidate, error) {
	var tiers []searchTier
	if db.Engine == Postgres && db.commonWord(ctx, q, onePass()) {
		var err error
		if tiers, err = db.pgTiers(ctx, "practice_search", bucketBits); err != nil {
			return nil, err
		}
	}
	query, args := db.candidateQuery(a, q, sq, tiers)
	return queryCandidates(ctx, db.rq, query, args, db.Engine == Postgres)
}

// onePass is how many documents a query may match, as PostgreSQL's statistics estimate them,
// for its candidates to be read in one pass, every match's row visited (a few milliseconds at
// most); a query whose every word is estimated in more is read by tiers (see candidateQuery).
// Statistics may be stale or missing: a wrong guess costs time, never results (reading every
// match of a word in a quarter of 100,000 practices took 66 ms, against 8 by tiers).
func onePass() int { return 4 * searchCandidates }

// candidateQuery returns the query of candidates and its arguments.
func (db *DB) candidateQuery(a citypact.Actor, q search.Query, sq practice.SearchQuery, tiers []searchTier) (string, []any) {
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	match := db.matchCondition(q, "s", arg)
	statuses := `('published')`
	if sq.Retired {
		statuses = `('published', 'retired')`
	}
	var filters []string // on the practice, p
	if sq.Category != "" {
		filters = append(filters, fmt.Sprintf(`p.category = $%d`, arg(sq.Category)))
	}
	if sq.SDG != "" {
		filters = append(filters, fmt.Sprintf(`p.id IN (SELECT practice_id FROM practice_sdg WHERE target = $%d)`, arg(sq.SDG)))
	}
	if sq.Owner != 0 {
		filters = append(filters, fmt.Sprintf(`p.owner_id = $%d`, arg(sq.Owner)))
	}
	if c := strings.ToUpper(strings.TrimSpace(sq.Country)); c != "" {
		filters = append(filters, fmt.Sprintf(`p.owner_id IN (SELECT id FROM organisations WHERE country = $%d)`, arg(c)))
	}
	if !sq.PeriodFrom.IsZero() {
		filters = append(filters, fmt.Sprintf(`(p.period_to IS NULL OR p.period_to >= $%d)`, arg(dateText(sq.PeriodFrom))))
	}
	if !sq.PeriodTo.IsZero() {
		filters = append(filters, fmt.Sprintf(`(p.period_from IS NULL OR p.period_from <= $%d)`, arg(dateText(sq.PeriodTo))))
	}
	var docs []string // on the document, s
	if sq.Lang != "" {
		docs = append(docs, fmt.Sprintf(`s.lang = $%d`, arg(i18n.CanonicalTag(sq.Lang))))
	}
	if db.Engine == SQLite {
		// FTS5 reads the phrase's doclists newest first and stops at the LIMIT; bm25 is
		// computed for those rows only. Its values are negative, lower being better.
		cond := append([]string{`p.status IN ` + statuses, db.practiceVisible(a, "p", arg)}, append(filters, docs...)...)
		return fmt.Sprintf(`SELECT s.rowid, -bm25(practice_search) FROM practice_search s
			JOIN practices p ON p.id = s.rowid >> %d WHERE %s AND %s ORDER BY s.rowid DESC LIMIT %d`,
			slotBits, match, strings.Join(cond, " AND "), searchCandidates+1), args
	}
	// On PostgreSQL a document keeps its practice's status and visibility kind (syncDocuments):
	// a visitor's, an administrator's, and a member's search for public practices decide on the
	// document's row; the practice is looked up only for the filters on it and for a member's
	// view of what is not public.
	docs = append(docs, `s.status IN `+statuses)
	probe := filters
	switch {
	case rowDecides(a):
		docs = append(docs, db.practiceVisible(a, "s", arg))
	case len(filters) == 0:
		docs = append(docs, fmt.Sprintf(`(s.vis_kind = 'public' OR EXISTS (SELECT 1 FROM practices p WHERE p.id = s.practice_id AND %s))`,
			db.practiceVisible(a, "p", arg)))
	default:
		probe = append(probe, db.practiceVisible(a, "p", arg))
	}
	// The matching documents come from the GIN index as a bitmap, in no order, and each one's
	// heap row must then be read for its ids. In one pass (a word the statistics do not know for
	// common), the query reads every match and keeps the newest: the rows' ids and BM25's inputs
	// (each match's length and phrase counts, a word's count from its term table, a third of a
	// microsecond) are read in a subquery that OFFSET 0 keeps whole, since PostgreSQL would
	// otherwise postpone the counts past the sort, which would then copy every match's term
	// table (a third of the query's time). A common word is read by tiers instead, newest first,
	// by the bucket words of their blocks of ids (see pgTiers): in a quarter of 100,000
	// practices, reading every match would take 66 ms; PostgreSQL runs a UNION ALL's branches in
	// turn and stops when the LIMIT is met, so a common word never reads its older tiers. The
	// GIN index does the tiers' work: no condition on doc_id offers the planner a walk along the
	// primary key that would rebuild each document's tsvector to test it (seconds, for a common
	// word). Either way, filters on the practice, if any, are met through a subquery on its
	// primary key, by the sorted matches one by one until the bound is reached (written as a
	// join, the planner may hash the whole practices table instead).
	cols := "s.doc_id, s.practice_id, octet_length(s.index_text) AS len"
	out := "s.doc_id, s.len"
	for i, c := range pgPhraseCounts(q, arg) {
		cols += fmt.Sprintf(", %s AS c%d", c, i)
		out += fmt.Sprintf(", s.c%d", i)
	}
	cond := match + " AND " + strings.Join(docs, " AND ")
	where := ""
	if len(probe) > 0 {
		where = ` AND (SELECT TRUE FROM practices p WHERE p.id = s.practice_id AND ` + strings.Join(probe, " AND ") + `)`
	}
	if tiers == nil {
		matches := fmt.Sprintf(`(SELECT %s FROM practice_search s WHERE %s OFFSET 0) s`, cols, cond)
		if where == "" {
			return fmt.Sprintf(`SELECT %s FROM %s ORDER BY s.doc_id DESC LIMIT %d`, out, matches, searchCandidates+1), args
		}
		return fmt.Sprintf(`SELECT %s FROM (SELECT * FROM %s ORDER BY s.doc_id DESC OFFSET 0) s WHERE TRUE%s LIMIT %d`,
			out, matches, where, searchCandidates+1), args
	}
	ctes, branches := pgTierCTEs(tiers, "practice_search", cols, cond, arg)
	return fmt.Sprintf(`WITH %s
		SELECT %s FROM (%s) s WHERE TRUE%s LIMIT %d`,
		strings.Join(ctes, ",\n"), out, strings.Join(branches, " UNION ALL "), where, searchCandidates+1), args
}

// On PostgreSQL, each library document's index_text ends with the bucket word of its practice's
// block of 1,024 ids ("zb97" for practices 99,328 to 100,351), so that a search can ask the GIN
// index for the newest blocks first (see pgTiers).
const bucketBits = 10 + slotBits

// queryCandidates reads candidates: their score, or (counted, on PostgreSQL) each one's length
// and phrase counts, which it scores with BM25.
func queryCandidates(ctx context.Context, q querier, query string, args []any, counted bool) ([]candidate, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := make([]candidate, 0, searchCandidates+1)
	var lengths, counts []float64 // each candidate's length, and its phrases' counts in turn
	// Counted rows are read as they come (integers), with no conversion by database/sql, which
	// formats and parses each number (8 % of a CJK search's processor time in a profile, for
	// 500 rows).
	var vals []any
	var dest []any
	for rows.Next() {
		var c candidate
		if !counted {
			if err := rows.Scan(&c.doc, &c.score); err != nil {
				return nil, err
			}
			out = append(out, c)
			continue
		}
		if dest == nil { // made once: Scan copies each row's values out
			vals = make([]any, len(cols))
			dest = make([]any, len(cols))
			for i := range vals {
				dest[i] = &vals[i]
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("candidate column %d is %T", i, v)
			}
			switch i {
			case 0:
				c.doc = n
			case 1:
				lengths = append(lengths, float64(n))
			default:
				counts = append(counts, float64(n))
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if counted {
		tfs := make([][]float64, len(out))
		if n := len(cols) - 2; n > 0 {
			for i := range tfs {
				tfs[i] = counts[i*n : (i+1)*n]
			}
		}
		bm25(out, lengths, tfs)
	}
	return out, nil
}

// bm25 scores candidates from their lengths and each phrase's count, with k1 = 1.2, b = 0.75,
// the candidates' mean length as the average, and every phrase weighted alike (an IDF of 1):
// document frequencies over the whole index are what the bound avoids reading.
func bm25(cands []candidate, lengths []float64, tfs [][]float64) {
	const k1, b = 1.2, 0.75
	var sum float64
	for _, l := range lengths {
		sum += l
	}
	avg := max(sum/float64(max(len(lengths), 1)), 1)
	for i := range cands {
		norm := k1 * (1 - b + b*lengths[i]/avg)
		var s float64
		for _, tf := range tfs[i] {
			s += tf * (k1 + 1) / (tf + norm)
		}
		cands[i].score = s
	}
}

// hits reads the practices and translations of the documents picked, in order, with their
// snippets. Each snippet is cut on its own goroutine as soon as its text has been read, while the
// next rows arrive: twenty snippets took as long as reading the twenty practices, which they now
// overlap (and a second processor, when there is one, shares them).
func (db *DB) hits(ctx context.Context, q search.Query, top []candidate) ([]practice.Hit, error) {
	ids := make([]any, len(top))
	place := make(map[int64]int, len(top)) // a document's place in top
	for i, c := range top {
		ids[i] = c.doc >> slotBits
		place[c.doc] = i
	}
	type text struct{ lang, title, summary, body string }
	texts := make([]text, len(top))
	read := make([]bool, len(top)) // whether the document's text was read (not deleted meanwhile)
	snippets := make([][]search.Segment, len(top))
	var wg sync.WaitGroup
	defer wg.Wait()
	cut := func(i int, t text) {
		texts[i], read[i] = t, true
		wg.Go(func() { snippets[i] = search.SnippetOfLong(snippetSource(t.summary, t.body), q, snippetWidth) })
	}
	byID := map[int64]practice.Practice{}
	err := eachPractice(ctx, db.rq, true, `p.id IN (`+placeholders(1, len(ids))+`)`, ids, func(p practice.Practice) {
		byID[p.ID] = p
		if i, ok := place[docID(p.ID, 0)]; ok {
			cut(i, text{p.Lang, p.Title, p.Summary, p.Body})
		}
	})
	if err != nil {
		return nil, err
	}
	var tids []any
	for _, c := range top {
		if c.doc&maxSlot != 0 {
			tids = append(tids, c.doc>>slotBits)
		}
	}
	if len(tids) > 0 {
		rows, err := db.rq.QueryContext(ctx, `SELECT practice_id, slot, lang, title, summary, body FROM practice_translations
			WHERE practice_id IN (`+placeholders(1, len(tids))+`)`, tids...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var slot int
			var t text
			if err := rows.Scan(&id, &slot, &t.lang, &t.title, &t.summary, &t.body); err != nil {
				rows.Close()
				return nil, err
			}
			if i, ok := place[docID(id, slot)]; ok {
				cut(i, t)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	wg.Wait()
	hits := make([]practice.Hit, 0, len(top))
	for i, c := range top {
		p, ok := byID[c.doc>>slotBits]
		if !ok || !read[i] {
			continue // deleted meanwhile
		}
		t := texts[i]
		hits = append(hits, practice.Hit{Practice: p, Lang: t.lang, Title: t.title, Summary: t.summary, Score: c.score,
			Snippet: snippets[i]})
	}
	return hits, nil
}

// snippetSource is the text a snippet is cut from: the summary, then the body with the commonest
// Markdown markup blanked out (emphasis, headings, quotes, code marks, table bars, link
// addresses). It is cheap, unlike rendering, and a snippet needs no more: Snippet collapses the
// spaces left behind.
func snippetSource(summary, body string) string {
	var b strings.Builder
	b.Grow(len(summary) + len(body) + 2)
	b.WriteString(summary)
	b.WriteString("\n\n")
	for len(body) > 0 {
		i := strings.IndexAny(body, "*_#>`|~[!]")
		if i < 0 {
			b.WriteString(body)
			break
		}
		b.WriteString(body[:i])
		c := body[i]
		body = body[i+1:]
		switch {
		case c == '!' && !strings.HasPrefix(body, "["):
			b.WriteByte(c)
		case c == ']' && strings.HasPrefix(body, "("):
			b.WriteByte(' ')
			if j := strings.IndexByte(body, ')'); j >= 0 && j < 2048 {
				body = body[j+1:] // the link's address
			}
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}
