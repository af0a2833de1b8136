package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/feed"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/web/view"
)

// The library's Atom feeds: the latest published practices, of the whole library, of a category,
// of an organisation, or matching a search. A feed is read by programs that carry no session and
// may be shared: it holds public practices only, whoever asks, and every reader gets the same
// feed for the same address and language, so that the page cache serves it per data version.

const (
	// feedSize is the most entries a feed holds.
	feedSize = 50
	// feedScan bounds the practices examined to find the most recently published: the store
	// lists newest first by id, and an old practice's new version counts as recent.
	feedScan = 4 * citypact.MaxLimit
	// feedTagAuthority mints the feeds' and entries' tag: URIs (RFC 4151), which never change.
	feedTagAuthority = "citypact.org"
)

// feedTagDate is the date of the tag: URIs.
var feedTagDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// feedRequest is what a feed shows: its practices' filters, and the languages of its text (any
// BCP 47 tag) and of its titles (an interface language).
type feedRequest struct {
	category string
	owner    directory.Organisation
	q        string
	lang     string
	ui       i18n.Lang
}

// readFeedRequest reads ?lang=, ?category= and ?q=. Without ?lang= the feed is in the reader's
// language, as pages are (Accept-Language, else the language cookie).
func (s *Server) readFeedRequest(r *http.Request, cats []practice.Category) (feedRequest, error) {
	q := r.URL.Query()
	var fr feedRequest
	var err error
	if fr.lang, fr.ui, err = feedLang(r); err != nil {
		return fr, err
	}
	if fr.category = q.Get("category"); fr.category != "" && !slices.Contains(practice.CategoryKeys(cats), fr.category) {
		return fr, citypact.NotFound("category " + fr.category)
	}
	fr.q = strings.TrimSpace(q.Get("q"))
	if r := []rune(fr.q); len(r) > search.MaxQueryRunes {
		fr.q = string(r[:search.MaxQueryRunes])
	}
	return fr, nil
}

// values is the canonical query of the feed's address: always with its language.
func (fr feedRequest) values() url.Values {
	v := url.Values{"lang": {fr.lang}}
	if fr.category != "" {
		v.Set("category", fr.category)
	}
	if fr.q != "" {
		v.Set("q", fr.q)
	}
	return v
}

// libraryFeed serves GET /library.atom: the latest published public practices, of a category
// with ?category=KEY, matching a search with ?q=TERM, in one language (?lang=TAG).
func (s *Server) libraryFeed(w http.ResponseWriter, r *http.Request) error {
	return s.practiceFeed(w, r, directory.Organisation{})
}

// orgPracticesFeed serves GET /orgs/{slug}/practices.atom: the organisation's latest published
// public practices, with the same parameters as /library.atom.
func (s *Server) orgPracticesFeed(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	return s.practiceFeed(w, r, o)
}

// practiceFeed writes the feed of owner's practices (of every owner's, for the zero one).
func (s *Server) practiceFeed(w http.ResponseWriter, r *http.Request, owner directory.Organisation) error {
	cats, err := s.categories(r.Context())
	if err != nil {
		return err
	}
	fr, err := s.readFeedRequest(r, cats)
	if err != nil {
		return err
	}
	fr.owner = owner
	// As a visitor, whoever asks: a signed-in reader's feed must not carry what only they see.
	ctx := citypact.WithActor(r.Context(), citypact.Visitor)
	ps, err := s.feedPractices(ctx, fr)
	if err != nil {
		return err
	}
	orgs, err := s.orgIndex(r.Context())
	if err != nil {
		return err
	}
	tr := i18n.For(fr.ui)
	title, self, alt, id := tr.T("library.title"), "/library.atom", "/library", "library"
	if owner.ID != 0 {
		name, _ := view.NamedIn(owner, fr.ui)
		title += " – " + name.Text
		self, alt, id = "/orgs/"+owner.Slug+"/practices.atom", "/orgs/"+owner.Slug, "orgs/"+owner.Slug+"/practices"
	}
	if fr.category != "" {
		title += " – " + categoryName(cats, fr.category, fr.ui)
	}
	if fr.q != "" {
		title += " – “" + fr.q + "”"
	}
	v := fr.values()
	if owner.ID == 0 {
		av := url.Values{}
		for _, k := range []string{"category", "q"} {
			if x := v.Get(k); x != "" {
				av.Set(k, x)
			}
		}
		if len(av) > 0 {
			alt += "?" + av.Encode()
		}
	}
	a := feed.Atom{ID: feed.TagURI(feedTagAuthority, feedTagDate, id+"?"+v.Encode()), Title: title, Lang: fr.lang,
		Self: self + "?" + v.Encode(), Alternate: alt}
	for _, p := range ps {
		e, err := s.feedEntry(ctx, p, fr, cats, orgs)
		if err != nil {
			return err
		}
		a.Entries = append(a.Entries, e)
	}
	return writeFeed(w, a)
}

// feedPractices finds a feed's practices: a search's best hits, or the most recently published,
// newest first. Only published, public practices are kept, whatever the store would show.
func (s *Server) feedPractices(ctx context.Context, fr feedRequest) ([]practice.Practice, error) {
	public := func(p practice.Practice) bool {
		return p.Status == practice.Published && p.Visibility.Kind == practice.VisPublic
	}
	var out []practice.Practice
	if fr.q != "" {
		res, err := s.Practices.Search(ctx, practice.SearchQuery{Text: fr.q, Category: fr.category, Owner: fr.owner.ID, Limit: feedSize})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if public(h.Practice) {
				out = append(out, h.Practice)
			}
		}
		return out, nil
	}
	f := practice.Filter{Owner: fr.owner.ID, Category: fr.category, Page: citypact.Page{Limit: citypact.MaxLimit}}
	for len(out) < feedScan {
		ps, err := s.Practices.Practices(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if public(p) {
				out = append(out, p)
			}
		}
		if len(ps) < f.Page.Limit {
			break
		}
		f.Page.After = ps[len(ps)-1].ID
	}
	slices.SortStableFunc(out, func(a, b practice.Practice) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out[:min(len(out), feedSize)], nil
}

// feedEntry is one practice at its latest version, in the feed's language when it has a
// translation into it, in its original language otherwise (the entry then says so).
func (s *Server) feedEntry(ctx context.Context, p practice.Practice, fr feedRequest, cats []practice.Category, orgs map[int64]directory.Organisation) (feed.AtomEntry, error) {
	loc := practice.Localize(p, nil, fr.lang)
	if loc.Missing { // another language than the original's: read the translations
		ts, err := s.Practices.Translations(ctx, p.ID)
		if err != nil {
			return feed.AtomEntry{}, err
		}
		loc = practice.Localize(p, ts, fr.lang)
	}
	updated := p.UpdatedAt
	if loc.Translation != nil && loc.Translation.At.After(updated) {
		updated = loc.Translation.At
	}
	id := strconv.FormatInt(p.ID, 10)
	e := feed.AtomEntry{
		ID:    feed.TagURI(feedTagAuthority, feedTagDate, "practices/"+id+"/versions/"+strconv.Itoa(p.Version)),
		Title: loc.Title, Summary: loc.Summary, Link: "/practices/" + id,
		Published: p.PublishedAt, Updated: updated,
	}
	if loc.Lang != fr.lang {
		e.Lang = loc.Lang
	}
	o, ok := orgs[p.OwnerID]
	if !ok {
		var err error
		if o, err = s.Directory.OrganisationByID(ctx, p.OwnerID); err != nil {
			return feed.AtomEntry{}, err
		}
	}
	name, _ := view.NamedIn(o, fr.ui)
	e.Author, e.AuthorURI = name.Text, "/orgs/"+o.Slug
	if p.Category != "" {
		e.Categories = []feed.AtomCategory{{Term: p.Category, Label: categoryName(cats, p.Category, fr.ui)}}
	}
	return e, nil
}
