package board

import (
	"context"

	"github.com/citypact/citypact/internal/search"
)

// SearchQuery is a full-text search of the boards: threads' titles and bodies and posts' bodies,
// originals and translations alike. Only what the actor may see is found (CanSeeThread), and
// nothing a moderator hid, whoever asks.
type SearchQuery struct {
	Text  string // what the user typed, read by search.Parse (no query syntax)
	Board int64  // threads of this board only; 0 for every board
	Limit int    // hits wanted: DefaultSearchLimit when ≤ 0, at most MaxSearchLimit
}

// Search limits, as the library's: SearchCandidates bounds the documents one search ranks and
// counts (the newest matching ones); beyond it the total is a lower bound.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
	SearchCandidates   = 500
)

// Hit is one thread a search found, through its best-matching document: the thread's own text
// or one of its posts, original or translated.
type Hit struct {
	Thread Thread
	PostID int64  // the post that matched; 0 when the thread's own text did
	Lang   string // the matching document's language
	Title  string // the thread's title, in Lang when the thread has a translation into it
	Score  float64
	// Snippet is a piece of the document's text around the first match, matches marked.
	Snippet []search.Segment
}

// SearchResult is the hits, best first, and how many threads matched.
type SearchResult struct {
	Hits  []Hit
	Total int
	// TotalCapped: more documents matched than a search counts, so Total is a lower bound.
	TotalCapped bool
}

// Searcher finds threads by text. It is the boards' part of the site-wide search, beside Store
// so that a store may offer it without every Store having to. A query with nothing to search for
// is KindInvalid on "q" ("search.empty"); anything else the user typed is searched for as words,
// so a query never fails on its syntax.
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
}
