package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one query may cost: input past MaxQueryRunes characters is ignored, and at most
// MaxQueryTokens tokens are searched for, so a 10,000-character query costs what a short one does.
const (
	MaxQueryRunes  = 1000
	MaxQueryTokens = 32
)

// Query is a parsed search: a document matches when it matches every phrase. The zero Query has no
// phrases and means no search; FTS5 and TSQuery return "" for it, which neither engine accepts,
// so callers check Empty first.
type Query struct {
	Phrases []Phrase
}

// Phrase is tokens that must appear adjacent and in order.
type Phrase struct {
	Tokens []string
	// Prefix marks the last token as a prefix. It is set when the phrase ends in a one-character
	// CJK run: in a document that character may begin a bigram (肺 in 肺炎).
	Prefix bool
}

// Empty reports whether q searches for nothing.
func (q Query) Empty() bool { return len(q.Phrases) == 0 }

// quotes open and close a phrase; anything else that is not a letter or a digit only separates.
func isQuote(r rune) bool {
	return r == '"' || r == '“' || r == '”' || r == '„' || r == '＂'
}

// Parse reads user input: words separated by spaces, and "quoted phrases" (an unclosed quote runs
// to the end). Each word or quoted phrase becomes one phrase of its tokens, so covid-19 needs
// covid followed by 19, and a CJK word its bigrams in order, which finds it wherever it stands
// inside a longer run. Nothing the user types is query syntax: operators, stars, colons and
// brackets either separate tokens or are ordinary words (AND is the word and).
func Parse(input string) Query {
	input = truncate(input, MaxQueryRunes)
	var q Query
	budget := MaxQueryTokens
	add := func(s string) {
		if budget == 0 {
			return
		}
		p, ok := phrase(s)
		if !ok {
			return
		}
		if len(p.Tokens) > budget {
			// A phrase cut short still matches every document the whole one would.
			p = Phrase{Tokens: p.Tokens[:budget]}
		}
		for _, o := range q.Phrases {
			if o.Prefix == p.Prefix && slices.Equal(o.Tokens, p.Tokens) {
				return
			}
		}
		budget -= len(p.Tokens)
		q.Phrases = append(q.Phrases, p)
	}
	inQuote, start := false, 0
	for i, r := range input {
		switch {
		case isQuote(r):
			add(input[start:i])
			inQuote, start = !inQuote, i+utf8.RuneLen(r)
		case !inQuote && unicode.IsSpace(r):
			add(input[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	add(input[start:])
	return q
}

// phrase tokenizes one word or quoted phrase as a query. A CJK run in the middle of a phrase is
// bounded in the document as in the query, so it keeps its tail; at the phrase's end the document
// may go on, so a run of two or more loses its tail and a run of one becomes a prefix.
func phrase(s string) (Phrase, bool) {
	toks, _ := tokenize(normalize(s))
	if len(toks) == 0 {
		return Phrase{}, false
	}
	var p Phrase
	switch toks[len(toks)-1].kind {
	case tail:
		toks = toks[:len(toks)-1]
	case single:
		p.Prefix = true
	}
	for _, t := range toks {
		p.Tokens = append(p.Tokens, t.text)
	}
	return p, true
}

// truncate cuts s after n characters.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// FTS5 returns q as an SQLite FTS5 MATCH expression: each phrase a double-quoted string (a prefix
// phrase followed by *), phrases joined by AND. Inside a string FTS5 reads no operators, and
// tokens hold only letters and digits; quotes would be doubled all the same.
func (q Query) FTS5() string {
	var b strings.Builder
	for i, p := range q.Phrases {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		for j, t := range p.Tokens {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		}
		b.WriteByte('"')
		if p.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// TSQuery returns q as text for PostgreSQL's to_tsquery('simple', $1): each token a quoted lexeme
// (a prefix one followed by :*), a phrase's tokens joined by <->, phrases by &. Quotes and
// backslashes, which tokens never hold, would be escaped, so to_tsquery cannot fail on it.
func (q Query) TSQuery() string {
	var b strings.Builder
	for i, p := range q.Phrases {
		if i > 0 {
			b.WriteString(" & ")
		}
		for j, t := range p.Tokens {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteByte('\'')
			b.WriteString(tsEscape.Replace(t))
			b.WriteByte('\'')
		}
		if p.Prefix {
			b.WriteString(":*")
		}
	}
	return b.String()
}

var tsEscape = strings.NewReplacer(`'`, `''`, `\`, `\\`)

// Matches reports whether text matches q as the engines match its index: every phrase's tokens
// adjacent and in order among the text's tokens. The store can use it to check an engine, or to
// filter candidates an index found without positions.
func (q Query) Matches(text string) bool {
	if q.Empty() {
		return false
	}
	toks, _ := tokenize(normalize(text))
	for _, p := range q.Phrases {
		if len(p.find(toks, 1)) == 0 {
			return false
		}
	}
	return true
}

// find returns the token indices at which p starts, at most limit of them (no limit if limit < 1).
func (p Phrase) find(toks []token, limit int) []int {
	var at []int
	n := len(p.Tokens)
	for i := 0; i+n <= len(toks); i++ {
		if p.at(toks[i : i+n]) {
			at = append(at, i)
			if len(at) == limit {
				break
			}
		}
	}
	return at
}

// at reports whether toks, as long as p, are p's tokens.
func (p Phrase) at(toks []token) bool {
	n := len(p.Tokens)
	for k := 0; k < n-1; k++ {
		if toks[k].text != p.Tokens[k] {
			return false
		}
	}
	if p.Prefix {
		return strings.HasPrefix(toks[n-1].text, p.Tokens[n-1])
	}
	return toks[n-1].text == p.Tokens[n-1]
}
