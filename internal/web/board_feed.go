package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/feed"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/markdown"
	"github.com/citypact/citypact/internal/tags"
	"github.com/citypact/citypact/internal/web/view"
)

// The boards' Atom feeds: the threads of one public board, or of every public board with one
// tag, by latest activity. As the library's feeds, they are read by programs that carry no
// session and may be shared, so they are built as a visitor sees the boards whoever asks: public
// boards only, nothing hidden, and the same feed for the same address and language.

// feedSummaryLen is about how many characters of a thread's text its entry carries.
const feedSummaryLen = 300

// boardFeed serves GET /boards/{slug}/feed.atom: the board's latest threads. A board that is not
// public is not found, even for a reader who may see it.
func (s *Server) boardFeed(w http.ResponseWriter, r *http.Request) error {
	lang, ui, err := feedLang(r)
	if err != nil {
		return err
	}
	ctx := citypact.WithActor(r.Context(), citypact.Visitor)
	slug := r.PathValue("slug")
	if slug == "" || len(slug) > board.MaxSlugLen {
		return citypact.NotFound("board")
	}
	b, err := s.Boards.BoardBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if b.Scope.Kind != board.ScopePublic { // the store already said so for a visitor; never leak one
		return citypact.NotFound("board")
	}
	ts, err := s.Boards.Threads(ctx, board.ThreadFilter{Board: b.ID, Page: citypact.Page{Limit: feedSize}})
	if err != nil {
		return err
	}
	v := url.Values{"lang": {lang}}
	a := feed.Atom{ID: feed.TagURI(feedTagAuthority, feedTagDate, "boards/"+b.Slug+"?"+v.Encode()),
		Title: b.NameIn(string(ui)), Lang: lang, Self: view.BoardFeedHref(b.Slug) + "?" + v.Encode(), Alternate: "/boards/" + b.Slug}
	boards := map[int64]board.Board{b.ID: b}
	return s.writeThreadFeed(ctx, w, a, ts, boards, lang)
}

// tagFeed serves GET /boards/tags/{tag}/feed.atom: the latest threads with the tag on every
// public board.
func (s *Server) tagFeed(w http.ResponseWriter, r *http.Request) error {
	lang, ui, err := feedLang(r)
	if err != nil {
		return err
	}
	tag := tags.Fold(r.PathValue("tag"))
	if tag == "" || utf8.RuneCountInString(tag) > board.MaxTagLen {
		return citypact.NotFound("tag")
	}
	ctx := citypact.WithActor(r.Context(), citypact.Visitor)
	ts, err := s.Boards.Threads(ctx, board.ThreadFilter{Tag: tag, Page: citypact.Page{Limit: feedSize}})
	if err != nil {
		return err
	}
	boards := map[int64]board.Board{}
	public := ts[:0]
	for _, t := range ts {
		b, ok := boards[t.BoardID]
		if !ok {
			if b, err = s.Boards.Board(ctx, t.BoardID); err != nil {
				return err
			}
			boards[b.ID] = b
		}
		if b.Scope.Kind == board.ScopePublic {
			public = append(public, t)
		}
	}
	v := url.Values{"lang": {lang}}
	a := feed.Atom{ID: feed.TagURI(feedTagAuthority, feedTagDate, "boards/tags/"+tag+"?"+v.Encode()),
		Title: i18n.For(ui).T("search.feed.tag", "tag", tag), Lang: lang,
		Self: view.TagFeedHref(tag) + "?" + v.Encode(), Alternate: "/search?" + url.Values{"q": {tag}}.Encode()}
	return s.writeThreadFeed(ctx, w, a, public, boards, lang)
}

// writeThreadFeed adds an entry per thread to a and writes it.
func (s *Server) writeThreadFeed(ctx context.Context, w http.ResponseWriter, a feed.Atom, ts []board.Thread, boards map[int64]board.Board, lang string) error {
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	ui := i18n.EN
	if x, ok := i18n.Parse(lang); ok {
		ui = x
	}
	for _, t := range ts {
		e := feed.AtomEntry{
			ID:    feed.TagURI(feedTagAuthority, feedTagDate, "threads/"+strconv.FormatInt(t.ID, 10)),
			Title: t.Title, Summary: markdown.Plain(t.Body, feedSummaryLen), Link: "/threads/" + strconv.FormatInt(t.ID, 10),
			Published: t.CreatedAt, Updated: t.ActivityAt,
		}
		if !i18n.SameLanguage(t.Lang, lang) {
			e.Lang = t.Lang
		}
		// The author is the organisation that speaks; an admin of none speaks for the hub.
		e.Author = i18n.For(ui).T("search.feed.hub")
		if t.AuthorOrgID != 0 {
			o, ok := orgs[t.AuthorOrgID]
			if !ok {
				if o, err = s.Directory.OrganisationByID(ctx, t.AuthorOrgID); err != nil {
					return err
				}
			}
			e.Author, e.AuthorURI = orgFeedName(o, ui), "/orgs/"+o.Slug
		}
		b := boards[t.BoardID]
		e.Categories = append(e.Categories, feed.AtomCategory{Term: "board:" + b.Slug, Label: b.NameIn(string(ui))})
		for _, tag := range t.Tags {
			e.Categories = append(e.Categories, feed.AtomCategory{Term: tag})
		}
		a.Entries = append(a.Entries, e)
	}
	return writeFeed(w, a)
}

// orgFeedName is an organisation's name in the feed's language.
func orgFeedName(o directory.Organisation, ui i18n.Lang) string {
	name, _ := view.NamedIn(o, ui)
	return strings.TrimSpace(name.Text)
}
