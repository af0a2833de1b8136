package api

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/feed"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
)

// libraryQuery is what GET /practices and GET /practices.csv were asked for: the store's
// filter and, for a ranked search, the text.
type libraryQuery struct {
	practice.Filter
	text string
}

// libraryFilter reads the filters of a list or export of practices; every wrong parameter is
// named.
func (s *Server) libraryFilter(r *http.Request) (libraryQuery, error) {
	q := r.URL.Query()
	var lq libraryQuery
	var errs []citypact.FieldError
	bad := func(field, key string, args ...string) {
		errs = append(errs, citypact.FieldError{Field: field, Key: key, Args: args})
	}
	if slug := q.Get("owner"); slug != "" {
		o, err := s.Directory.OrganisationBySlug(r.Context(), slug)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			bad("owner", "org.unknown")
		case err != nil:
			return lq, err
		default:
			lq.Owner = o.ID
		}
	}
	if lq.Category = q.Get("category"); lq.Category != "" {
		cats, err := s.Practices.Categories(r.Context())
		if err != nil {
			return lq, err
		}
		if !slices.Contains(practice.CategoryKeys(cats), lq.Category) {
			bad("category", "practice.category_unknown")
		}
	}
	if tag := q.Get("tag"); tag != "" {
		// Tags are stored normalised (full-width folded, lower case, single spaces).
		p := practice.Practice{Tags: []string{tag}}
		p.Normalize()
		if len(p.Tags) != 1 || utf8.RuneCountInString(p.Tags[0]) > practice.MaxTagLen {
			bad("tag", "field.invalid")
		} else {
			lq.Tag = p.Tags[0]
		}
	}
	if lq.SDG = q.Get("sdg"); lq.SDG != "" && !practice.ValidTarget(lq.SDG) {
		bad("sdg", "practice.sdg_invalid", "code", truncate(lq.SDG, 10))
	}
	if l := q.Get("lang"); l != "" {
		lq.Lang = i18n.CanonicalTag(l)
		if !i18n.ValidTag(lq.Lang) {
			bad("lang", "practice.lang_invalid")
		}
	}
	switch q.Get("status") {
	case "", string(practice.Published):
	case string(practice.Draft):
		lq.Status = practice.Draft
	default:
		bad("status", "field.choice")
	}
	switch q.Get("retired") {
	case "", "false":
	case "true":
		lq.Retired = true
	default:
		bad("retired", "field.choice")
	}
	lq.text = strings.TrimSpace(q.Get("q"))
	switch {
	case !utf8.ValidString(lq.text):
		bad("q", "field.invalid")
	case utf8.RuneCountInString(lq.text) > search.MaxQueryRunes:
		bad("q", "field.too_long", "max", strconv.Itoa(search.MaxQueryRunes))
	case lq.text != "" && lq.Status == practice.Draft:
		bad("status", "field.invalid") // drafts are never indexed
	}
	if len(errs) > 0 {
		return lq, citypact.Invalid(errs...)
	}
	return lq, nil
}

// truncate cuts s to at most n characters, for echoing input in messages.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// searchHits runs a ranked search with lq's filters: at most practice.MaxSearchLimit hits, best
// first. The store's search has no tag filter, so the tag narrows the hits here.
func (s *Server) searchHits(r *http.Request, lq libraryQuery) ([]practice.Hit, error) {
	res, err := s.Practices.Search(r.Context(), practice.SearchQuery{Text: lq.text, Category: lq.Category, Lang: lq.Lang,
		SDG: lq.SDG, Owner: lq.Owner, Retired: lq.Retired, Limit: practice.MaxSearchLimit})
	if err != nil {
		return nil, err
	}
	if lq.Tag == "" {
		return res.Hits, nil
	}
	return slices.DeleteFunc(res.Hits, func(h practice.Hit) bool { return !slices.Contains(h.Practice.Tags, lq.Tag) }), nil
}

// practicesList serves GET /api/v1/practices: the library, newest first, filtered; with q, the
// practices that match, best first, each with where it matched. A search's cursor counts the
// hits already seen, and a search serves its practice.MaxSearchLimit best hits at most.
func (s *Server) practicesList(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	lq, err := s.libraryFilter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	names := s.orgNames()
	out := List[PracticeItem]{Items: []PracticeItem{}}
	if lq.text != "" {
		hits, err := s.searchHits(r, lq)
		if err != nil {
			return err
		}
		start := int(min(p.After, int64(len(hits))))
		end := min(start+p.Limit, len(hits))
		for _, h := range hits[start:end] {
			item, err := s.practiceItem(ctx, names, h.Practice)
			if err != nil {
				return err
			}
			item.Match = &Match{Lang: h.Lang, Title: h.Title, Summary: h.Summary, Snippet: []SnippetFragment{}}
			for _, seg := range h.Snippet {
				item.Match.Snippet = append(item.Match.Snippet, SnippetFragment{Text: seg.Text, Hit: seg.Hit})
			}
			out.Items = append(out.Items, item)
		}
		if end < len(hits) {
			out.NextCursor = strconv.Itoa(end)
		}
		return writeJSON(w, http.StatusOK, out)
	}
	lq.Page = p
	ps, err := s.Practices.Practices(ctx, lq.Filter)
	if err != nil {
		return err
	}
	for _, pr := range ps {
		item, err := s.practiceItem(ctx, names, pr)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, item)
	}
	if len(ps) > 0 {
		out.NextCursor = nextCursor(len(ps), p, ps[len(ps)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}

// maxPracticeExport bounds an export of the library, so that one request cannot hold a runaway
// library in memory.
const maxPracticeExport = 20 * citypact.MaxLimit

// practiceCSVColumns are the columns of GET /api/v1/practices.csv: what identifies a practice
// and where to read it, none of its text but the title.
var practiceCSVColumns = []string{"id", "title", "owner", "category", "status", "version", "published_at", "url"}

// practicesCSV serves GET /api/v1/practices.csv: every practice the filters select (with q, the
// search's hits, best first), one row each. A Link header names the same list as JSON.
func (s *Server) practicesCSV(w http.ResponseWriter, r *http.Request) error {
	lq, err := s.libraryFilter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var all []practice.Practice
	if lq.text != "" {
		hits, err := s.searchHits(r, lq)
		if err != nil {
			return err
		}
		for _, h := range hits {
			all = append(all, h.Practice)
		}
	} else {
		lq.Page = citypact.Page{Limit: citypact.MaxLimit}
		for len(all) < maxPracticeExport {
			ps, err := s.Practices.Practices(ctx, lq.Filter)
			if err != nil {
				return err
			}
			all = append(all, ps...)
			if len(ps) < lq.Page.Limit {
				break
			}
			lq.Page.After = ps[len(ps)-1].ID
		}
	}
	// Written whole before the status, so that a failure is still a problem document.
	var b bytes.Buffer
	cw := feed.NewCSVWriter(&b, practiceCSVColumns, true)
	names := s.orgNames()
	for _, p := range all {
		owner, err := names.ref(ctx, p.OwnerID)
		if err != nil {
			return err
		}
		published := ""
		if t := publishedAt(p); t != nil {
			published = t.Format(time.RFC3339)
		}
		if err := cw.Write(strconv.FormatInt(p.ID, 10), p.Title, owner.Slug, p.Category, string(p.Status),
			strconv.Itoa(p.Version), published, s.practiceURL(p.ID)); err != nil {
			return err
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	h.Set("Content-Disposition", `attachment; filename="practices.csv"`)
	h.Set("Cache-Control", "no-store")
	list := prefix + "/practices"
	if r.URL.RawQuery != "" {
		list += "?" + url.Values(r.URL.Query()).Encode()
	}
	h.Set("Link", "<"+list+`>; rel="alternate"; type="application/json"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b.Bytes())
	return err
}
