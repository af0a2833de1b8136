package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/citypact/citypact/internal/search"
)

// PostgreSQL's side of the search indexes (the library's practice_search and the boards'
// board_search): each document is search.Index of its text in a column index_text, with a GIN
// index on to_tsvector('simple', index_text) that finds the documents holding every token;
// strpos checks phrases on the column, and ranking counts them in it, or, for a single word,
// reads its count in the term table index_tc (see pgTermTable).

// pgIndexText is a document's index_text: its tokens between single spaces, with a space before
// the first and after the last, so that every phrase is a substring between spaces, read as the
// column is (a concatenation in the query would copy every candidate's text); then the bucket
// word of its block of documents. search.Index never writes a word of letters and digits like
// "zb97", nor search.Parse reads one, so no query can match it.
func pgIndexText(text string, bucket int64) string {
	return " " + search.Index(text) + " " + bucketWord(bucket) + " "
}

// pgTermTable is a document's index_tc: the count of each token that occurs more than once in
// index, in a hash table that the candidate query reads with one byte search. Ranking needs a
// query word's count in each of up to 2,000 matches; searched for in a text of the counts, that
// cost a microsecond or two a document (more when PostgreSQL had compressed it), and the table
// costs a third of a microsecond, little enough to read with the match itself instead of reading
// the candidates' rows a second time. A word absent from the table occurs once.
//
// The table is n home slots and tcProbes-1 more, of four bytes each: the token's fingerprint
// (three bytes) and its count (one byte, at most 255). A token sits in one of the tcProbes slots
// from its home slot, its hash modulo n (see termKey); n starts a little above the number of
// tokens and grows by an eighth of it until every token is placed so (about 1.4 slots a token:
// 6.7 bytes, against 7.3 for the same counts as text). Slots left empty hold count 0 and
// pseudo-random bytes, like the fingerprints, so that PostgreSQL finds nothing to compress: a
// compressed value would be decompressed for each read.
func pgTermTable(index string) []byte {
	counts := map[string]int{}
	for _, t := range strings.Fields(index) {
		counts[t]++
	}
	var terms []string
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		if counts[t] > 1 {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return []byte{}
	}
	for n := len(terms) + len(terms)/8 + 1; ; n += len(terms)/8 + 1 {
		if table, ok := placeTerms(terms, counts, n); ok {
			return table
		}
	}
}

// tcProbes is how many slots from its home a token of a term table may sit.
const tcProbes = 8

// placeTerms lays terms out in a table of n home slots, or reports that one would sit too far
// from its home.
func placeTerms(terms []string, counts map[string]int, n int) ([]byte, bool) {
	slots := n + tcProbes - 1
	table := make([]byte, 4*slots)
	filler := uint64(0x9e3779b97f4a7c15)
	for i := range slots { // every slot empty, its fingerprint noise
		filler ^= filler << 13
		filler ^= filler >> 7
		filler ^= filler << 17
		table[4*i], table[4*i+1], table[4*i+2] = byte(filler), byte(filler>>8), byte(filler>>16)
	}
	for _, t := range terms {
		home, fp := termKey(t)
		first := int(home % int64(n))
		i := first
		for table[4*i+3] != 0 {
			if i++; i >= first+tcProbes {
				return nil, false
			}
		}
		copy(table[4*i:], fp[:])
		table[4*i+3] = byte(min(counts[t], 255))
	}
	return table, true
}

// termKey is a token's hash, from which its home slot in a term table is taken, and its
// fingerprint: FNV-1a's low 40 bits (a positive bigint in SQL, however large the table) and its
// top 24, independent of each other.
func termKey(token string) (home int64, fp [3]byte) {
	h := fnv.New64a()
	h.Write([]byte(token))
	sum := h.Sum64()
	return int64(sum & (1<<40 - 1)), [3]byte{byte(sum >> 40), byte(sum >> 48), byte(sum >> 56)}
}

// pgTermCount returns the expression of a single word's count in the document s, read in its
// term table: the word's fingerprint searched for in the tcProbes slots from its home slot, then
// the count byte after it; not found (or found at an empty slot, whose count is 0), once. Three
// bytes of noise can equal a fingerprint elsewhere in those 32 bytes once in half a million
// searches of a document, which would misplace that document in the ranking, never change what
// matches.
func pgTermCount(token string, arg func(any) int) string {
	home, fp := termKey(token)
	base := fmt.Sprintf(`(($%d::bigint %% NULLIF(octet_length(s.index_tc) / 4 - %d, 0)) * 4)::int`, arg(home), tcProbes-1)
	return fmt.Sprintf(`GREATEST(COALESCE(get_byte(s.index_tc, %[1]s + NULLIF(position($%[2]d::bytea IN substr(s.index_tc, %[1]s + 1, %[3]d)), 0) + 2), 1), 1)`,
		base, arg(fp[:]), 4*tcProbes)
}

func bucketWord(b int64) string { return "zb" + strconv.FormatInt(b, 10) }

// searchTier is one tier of a PostgreSQL candidate query: the documents with one of words (a
// tsquery of bucket words), or else those below a document id (0: all).
type searchTier struct {
	words string
	below int64
}

// pgTiers returns the tiers of a candidate query on table, whose documents' buckets are their ids
// shifted right by bits: the newest sixteenth of the buckets (and the next bucket, which a
// document written meanwhile may open), the next three sixteenths, the rest. The matching
// documents come from the GIN index as a bitmap, in no order, and each one's heap row must then
// be read; asking for the newest tiers first lets a common word stop at the bound without
// reading its older matches, while a rare one reads all three tiers at the cost of one read.
func (db *DB) pgTiers(ctx context.Context, table string, bits int) ([]searchTier, error) {
	var top int64
	if err := db.rq.QueryRowContext(ctx, `SELECT COALESCE(MAX(doc_id), 0) FROM `+table).Scan(&top); err != nil {
		return nil, err
	}
	last := top >> bits
	b1, b2 := last-last/16, last-last/4 // first buckets of tiers 1 and 2
	words := func(from, to int64) string {
		var w []string
		for b := to; b >= from; b-- {
			w = append(w, "'"+bucketWord(b)+"'")
		}
		return strings.Join(w, " | ")
	}
	tiers := []searchTier{{words: words(b1, last+1)}}
	if b2 < b1 {
		tiers = append(tiers, searchTier{words: words(b2, b1-1)})
	}
	if b2 > 0 {
		tiers = append(tiers, searchTier{below: b2 << bits})
	}
	return tiers, nil
}

// pgTierCTEs returns, for each tier, a materialised CTE m<i> of cols of the table's documents
// (aliased s) that match and are in the tier, and the branch that reads it newest first; a
// candidate query runs the branches as a UNION ALL under a LIMIT, which PostgreSQL runs in turn
// and stops when the LIMIT is met.
func pgTierCTEs(tiers []searchTier, table, cols, match string, arg func(any) int) (ctes, branches []string) {
	for i, t := range tiers {
		extra := "TRUE"
		switch {
		case t.words != "":
			extra = fmt.Sprintf(`to_tsvector('simple', s.index_text) @@ to_tsquery('simple', $%d)`, arg(t.words))
		case t.below > 0:
			// Not indexable (+ 0), so that the planner cannot AND the GIN bitmap with a range
			// of the primary key, which for three quarters of the ids costs more than the
			// rows it saves: the words that reach this tier are the rarer ones.
			extra = fmt.Sprintf(`s.doc_id + 0 < $%d`, arg(t.below))
		}
		ctes = append(ctes, fmt.Sprintf(`m%d AS MATERIALIZED (SELECT %s FROM %s s WHERE %s AND %s)`, i, cols, table, match, extra))
		branches = append(branches, fmt.Sprintf(`(SELECT * FROM m%d ORDER BY doc_id DESC)`, i))
	}
	return ctes, branches
}

// pgPhraseCounts returns, for each phrase of q, the expression counting its occurrences in the
// document s, for BM25: a single word's count is read in its term table (pgTermCount); a phrase or a prefix is counted in
// index_text (" tok tok"), where octet_length reads a compressed text's length from its header
// and replace decompresses it once.
func pgPhraseCounts(q search.Query, arg func(any) int) []string {
	var counts []string
	for _, p := range q.Phrases {
		if len(p.Tokens) == 1 && !p.Prefix {
			counts = append(counts, pgTermCount(p.Tokens[0], arg))
			continue
		}
		n := arg(strings.TrimSuffix(phraseNeedle(p), " "))
		counts = append(counts, fmt.Sprintf(`(octet_length(s.index_text) - octet_length(replace(s.index_text, $%[1]d, ''))) / octet_length($%[1]d)`, n))
	}
	return counts
}

// wordStats is what ANALYZE found of the library's index: the commonest words (up to a thousand,
// the statistics target's tenfold) with the share of documents holding each, and how many
// documents there are. A search of a word in more documents than a first pass reads goes to the
// tiers at once (see candidates), instead of reading a first pass it would throw away (15 ms for
// a word in a quarter of 100,000 practices). Statistics may be stale or missing: the first pass
// counts what it read, so a wrong guess costs time, never results. Kept for statsAge.
type wordStats struct {
	mu   sync.Mutex
	at   time.Time
	docs map[string]float64 // documents holding the word, estimated
}

const statsAge = 10 * time.Minute

// commonWord reports whether PostgreSQL's statistics say that more than n documents of the
// library hold every token of q (a prefix is never known common).
func (db *DB) commonWord(ctx context.Context, q search.Query, n int) bool {
	w := &db.words
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.docs == nil || time.Since(w.at) > statsAge {
		docs, err := db.loadWordStats(ctx)
		if err != nil {
			docs = map[string]float64{} // guess rare; try again after statsAge
		}
		w.docs, w.at = docs, time.Now()
	}
	fewest := -1.0
	for _, p := range q.Phrases {
		for i, t := range p.Tokens {
			d, ok := w.docs[t]
			if !ok || p.Prefix && i == len(p.Tokens)-1 {
				return false
			}
			if fewest < 0 || d < fewest {
				fewest = d
			}
		}
	}
	return fewest > float64(n)
}

// loadWordStats reads the most common elements of practice_search_text's tsvector and their
// frequencies (whose array ends with three summary numbers, which unnest pairs with no word).
func (db *DB) loadWordStats(ctx context.Context) (map[string]float64, error) {
	rows, err := db.rq.QueryContext(ctx, `SELECT x.e, x.f * c.reltuples FROM pg_stats s
		CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS x(e, f)
		JOIN pg_class c ON c.oid = 'practice_search'::regclass
		WHERE s.schemaname = current_schema() AND s.tablename = 'practice_search_text' AND x.e IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	docs := map[string]float64{}
	for rows.Next() {
		var e string
		var d float64
		if err := rows.Scan(&e, &d); err != nil {
			return nil, err
		}
		docs[e] = d
	}
	return docs, rows.Err()
}
