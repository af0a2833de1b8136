// Package search is citypact's one text normaliser for full-text search: the same function turns
// documents into index text and user input into queries, so that SQLite FTS5 and PostgreSQL
// tsvector ('simple' configuration) see the same tokens and return the same matches.
//
// Text is NFKC-normalised (full-width Ａ１ becomes a1, half-width ｶﾞ becomes ガ), lower-cased and
// variant-folded (臺 becomes 台, as the directory's name search does). Latin and other spaced
// scripts become whole words, split also where letters meet digits (covid19 and covid-19 are both
// covid 19). Han, Hiragana, Katakana and Hangul runs become overlapping character bigrams plus the
// run's last character: word tokenisers keep a whole CJK run as one token and trigrams never match
// two-character words, while a query's bigrams matched as a phrase find every document that holds
// the query as a substring. Korean is spaced, but its words carry particles (확진자가, 확진자는), so
// Hangul is treated like Han: 확진 finds 확진자가.
//
// Known limits: Latin words match exactly after folding, so clinic does not find clinics (no
// stemming); diacritics are kept (café is not cafe); Thai and other unspaced scripts outside CJK
// are kept as whole runs.
//
// The package is pure Go over golang.org/x/text; it must never import database, HTTP or domain
// packages.
package search

// maxWordBytes bounds a Latin or digit token. PostgreSQL refuses words over 2,047 bytes; cutting
// every word at the same place, in documents and queries alike, keeps the engines in step.
const maxWordBytes = 100

// Tokens returns the tokens of text in order: whole words for spaced scripts and digits, and for
// each CJK run its overlapping bigrams followed by its last character (a one-character run gives
// that character alone). The trailing character lets a one-character query term be matched as a
// prefix and lets a phrase continue past the run's end.
func Tokens(text string) []string {
	toks, _ := tokenize(normalize(text))
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

// Index returns the text to store in an FTS5 column or to pass to to_tsvector('simple', …): the
// tokens separated by single spaces, which both engines split back into the same tokens (FTS5 with
// tokenize='unicode61 remove_diacritics 0', so that it folds no more than PostgreSQL does). For
// CJK text it is about twice as long as its input. PostgreSQL keeps positions only up to 16,383
// and 256 positions per token, so there a phrase stops matching past them; FTS5 has no such limit.
func Index(text string) string {
	_, index := tokenize(normalize(text))
	return index
}
