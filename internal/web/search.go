package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/web/view"
)

// How many hits of each kind the site-wide search shows; the library's own search pages on.
const (
	searchThreads   = 20
	searchPractices = 10
)

// searchShow serves GET /search?q=: the boards' threads and the library's practices that match,
// each store showing only what the reader may see. The query is the page's whole state, so a
// search can be bookmarked and shared (and each reader sees their own results at the address).
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pg := view.SearchPage{Base: s.base(r, "search.title", "search"), Form: view.Form{Values: map[string]string{"q": firstRunes(q, search.MaxQueryRunes)}}}
	if q == "" {
		return s.render(w, r, http.StatusOK, view.Search(pg))
	}
	var bad *citypact.FieldError
	switch {
	case !utf8.ValidString(q):
		bad = &citypact.FieldError{Field: "q", Key: "field.invalid"}
	case utf8.RuneCountInString(q) > search.MaxQueryRunes:
		bad = &citypact.FieldError{Field: "q", Key: "field.too_long", Args: []string{"max", strconv.Itoa(search.MaxQueryRunes)}}
	case search.Parse(q).Empty():
		bad = &citypact.FieldError{Field: "q", Key: "search.empty"}
	}
	if bad != nil {
		pg.Form.Errors, pg.HasErrors = []citypact.FieldError{*bad}, true
		return s.render(w, r, http.StatusUnprocessableEntity, view.Search(pg))
	}
	pg.Q = q
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	if err := s.searchBoards(r, q, n, &pg); err != nil {
		return err
	}
	res, err := s.Practices.Search(ctx, practice.SearchQuery{Text: q, Limit: searchPractices})
	if err != nil {
		return err
	}
	pg.PracticeCount = tr.N("library.count", res.Total)
	if res.TotalCapped {
		pg.PracticeCount = tr.N("library.count_capped", res.Total)
	}
	if res.Total > len(res.Hits) || res.TotalCapped {
		pg.LibraryMore = "/library?" + url.Values{"q": {q}}.Encode()
	}
	if len(res.Hits) > 0 {
		cats, err := s.categories(ctx)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			ref := n.practice(h.Practice)
			ref.Title = view.Name{Text: h.Title, Lang: textLang(r, h.Lang)}
			item := view.LibraryResult{Practice: ref, Snippet: h.Snippet, Lang: textLang(r, h.Lang),
				Category: categoryName(cats, h.Practice.Category, tr.Lang())}
			if h.Lang != h.Practice.Lang {
				item.Text = h.Lang
			}
			pg.Practices = append(pg.Practices, item)
		}
	}
	return s.render(w, r, http.StatusOK, view.Search(pg))
}

// searchBoards fills the page with the boards' hits.
func (s *Server) searchBoards(r *http.Request, q string, n *namer, pg *view.SearchPage) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	if s.BoardSearch == nil {
		return nil // a server given no board search shows the library alone
	}
	res, err := s.BoardSearch.Search(ctx, board.SearchQuery{Text: q, Limit: searchThreads})
	if err != nil {
		return err
	}
	pg.ThreadCount = tr.N("search.threads_count", res.Total)
	if res.TotalCapped {
		pg.ThreadCount = tr.N("search.threads_count_capped", res.Total)
	}
	boards := map[int64]view.BoardRef{}
	for _, h := range res.Hits {
		t := h.Thread
		ref, ok := boards[t.BoardID]
		if !ok {
			b, err := s.Boards.Board(ctx, t.BoardID)
			if err != nil {
				return err
			}
			ref = s.boardRef(r, n, b)
			boards[t.BoardID] = ref
		}
		titleLang := t.Lang
		if h.Title != t.Title {
			titleLang = h.Lang
		}
		hit := view.ThreadHit{Href: view.ThreadHref(t.ID), Title: view.Name{Text: h.Title, Lang: textLang(r, titleLang)},
			Board: ref, Status: string(t.Status()), Snippet: h.Snippet, Lang: textLang(r, h.Lang), InPost: h.PostID != 0,
			Date: formatDate(tr, t.ActivityAt)}
		if h.PostID != 0 {
			hit.Href += "#post-" + strconv.FormatInt(h.PostID, 10)
		}
		if t.AuthorOrgID != 0 {
			hit.Org, hit.HasOrg = n.org(t.AuthorOrgID), true
		}
		pg.Threads = append(pg.Threads, hit)
	}
	return nil
}

// firstRunes is s cut after n characters, for echoing input back.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
