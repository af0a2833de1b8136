package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/markdown"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/web/view"
)

// Library paging: a page of results; a search shows at most practice.MaxSearchLimit hits in
// pages of libraryPage (past them, readers refine the search).
const (
	libraryPage = 20
	// libraryScan bounds how many practices one page of the unsearched list examines for the
	// filters the list cannot apply in its query (country and period).
	libraryScan  = 5 * citypact.MaxLimit
	snippetWidth = 160
	// maxOrgSuggestions bounds the organisations the filter suggests: past it, readers type the
	// short name, and the page stays light.
	maxOrgSuggestions = 500
)

// libraryQuery reads the library's search and filters from the URL; fe collects what does not
// parse, and the query keeps only what does.
type libraryQuery struct {
	view.LibraryQuery
	Retired  bool
	owner    int64
	from, to time.Time
}

func (s *Server) readLibraryQuery(r *http.Request, cats []practice.Category) (libraryQuery, formErrors, error) {
	q := r.URL.Query()
	get := func(k string, max int) string {
		v := strings.TrimSpace(q.Get(k))
		if len(v) > max {
			v = ""
		}
		return v
	}
	var lq libraryQuery
	var fe formErrors
	lq.Q = strings.TrimSpace(q.Get("q"))
	if len([]rune(lq.Q)) > search.MaxQueryRunes {
		lq.Q = string([]rune(lq.Q)[:search.MaxQueryRunes])
	}
	lq.Category = get("category", 64)
	if lq.Category != "" && !slices.Contains(practice.CategoryKeys(cats), lq.Category) {
		fe.add("category", "practice.category_unknown")
		lq.Category = ""
	}
	lq.Org = strings.ToLower(get("org", 64))
	if lq.Org != "" {
		o, err := s.orgBySlugValue(r, lq.Org)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			fe.add("org", "org.unknown")
			lq.Org = ""
		case err != nil:
			return lq, nil, err
		default:
			lq.owner = o.ID
		}
	}
	lq.Country = strings.ToUpper(get("country", 2))
	if lq.Country != "" && !directory.ValidCountry(lq.Country) {
		fe.add("country", "field.choice")
		lq.Country = ""
	}
	if l := get("lang", i18n.MaxTagLen); l != "" {
		lq.Lang = i18n.CanonicalTag(l)
	}
	lq.SDG = get("sdg", 10)
	if lq.SDG != "" && !practice.ValidTarget(lq.SDG) {
		fe.add("sdg", "practice.sdg_invalid", "code", lq.SDG)
		lq.SDG = ""
	}
	for _, d := range []struct {
		name string
		raw  *string
		t    *time.Time
	}{{"from", &lq.From, &lq.from}, {"to", &lq.To, &lq.to}} {
		*d.raw = get(d.name, 10)
		if *d.raw == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, *d.raw)
		if err != nil {
			fe.add(d.name, "date.invalid")
			*d.raw = ""
			continue
		}
		*d.t = t
	}
	if !lq.from.IsZero() && !lq.to.IsZero() && lq.to.Before(lq.from) {
		fe.add("to", "date.before_since")
		lq.To, lq.to = "", time.Time{}
	}
	lq.Retired = q.Get("retired") == "1"
	return lq, fe, nil
}

// sortOptions orders options by their labels in the reader's language's alphabetical order.
func sortOptions(opts []view.Option, lang i18n.Lang) {
	tag, err := language.Parse(string(lang))
	if err != nil {
		tag = language.English
	}
	col := collate.New(tag)
	slices.SortFunc(opts, func(a, b view.Option) int { return col.CompareString(a.Label, b.Label) })
}

// values writes the query back as URL parameters, leaving out what is unset.
func (lq libraryQuery) values() url.Values {
	v := url.Values{}
	for k, s := range lq.LibraryQuery.Values() {
		if s != "" {
			v.Set(k, s)
		}
	}
	if lq.Retired {
		v.Set("retired", "1")
	}
	return v
}

// overlaps reports whether a practice's period overlaps the query's (an open end is no limit).
func (lq libraryQuery) overlaps(p practice.Practice) bool {
	if !lq.to.IsZero() && !p.PeriodFrom.IsZero() && p.PeriodFrom.After(lq.to) {
		return false
	}
	if !lq.from.IsZero() && !p.PeriodTo.IsZero() && p.PeriodTo.Before(lq.from) {
		return false
	}
	return true
}

// libraryList serves GET /library: with q, the practices that match, best first, each with the
// text around the match highlighted; without, the newest first. Filters narrow both; all of them
// stay in the URL.
func (s *Server) libraryList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	tr, a := st.tr, st.actor
	lang := tr.Lang()
	cats, err := s.categories(ctx)
	if err != nil {
		return err
	}
	lq, fe, err := s.readLibraryQuery(r, cats)
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	countries, err := memo(ctx, s, "countries", s.Directory.Countries)
	if err != nil {
		return err
	}
	pg := view.LibraryPage{Base: s.base(r, "library.title", "library"), Query: lq.LibraryQuery, Retired: lq.Retired,
		Categories: categoryOptions(cats, lang), Countries: presentCountries(lang, countries), Langs: langOptions(lang),
		Goals: sdgGroups(lang), CanCreate: practice.CanEdit(a, a.OrgID) == nil}
	if len(n.orgs) <= maxOrgSuggestions {
		for _, o := range n.orgs {
			name, _ := view.NamedIn(o, lang)
			pg.Orgs = append(pg.Orgs, view.Option{Value: o.Slug, Label: name.Text, Lang: name.Lang})
		}
		sortOptions(pg.Orgs, lang)
	}
	status := http.StatusOK
	if lq.Q != "" {
		err = s.librarySearch(r, lq, n, cats, &pg)
		if citypact.KindOf(err) == citypact.KindInvalid {
			fe = append(fe, renameFields(citypact.FieldsOf(err), map[string]string{"q": "search"})...)
			err = nil
		}
	} else {
		err = s.libraryNewest(r, lq, n, cats, &pg)
	}
	if err != nil {
		return err
	}
	if len(fe) > 0 {
		status = http.StatusBadRequest
		pg.HasErrors = true
	}
	pg.Form = view.Form{Values: lq.LibraryQuery.Values(), Errors: fe}
	if a.SignedIn() && a.OrgID != 0 {
		drafts, err := s.Practices.Practices(ctx, practice.Filter{Status: practice.Draft, Owner: a.OrgID, Page: citypact.Page{Limit: 20}})
		if err != nil {
			return err
		}
		for _, d := range drafts {
			pg.Drafts = append(pg.Drafts, n.practice(d))
		}
		hbs, err := s.Practices.Handbooks(ctx, practice.HandbookFilter{Owner: a.OrgID, Page: citypact.Page{Limit: 50}})
		if err != nil {
			return err
		}
		shared, err := s.Practices.Handbooks(ctx, practice.HandbookFilter{SharedWith: a.OrgID, Page: citypact.Page{Limit: 50}})
		if err != nil {
			return err
		}
		for _, h := range append(hbs, shared...) {
			pg.Handbooks = append(pg.Handbooks, view.HandbookRef{ID: h.ID, Title: h.Title, Owner: n.org(h.OwnerID)})
		}
	}
	return s.render(w, r, status, view.Library(pg))
}

// renameFields renames the store's field names to the form's.
func renameFields(fields []citypact.FieldError, rename map[string]string) []citypact.FieldError {
	out := make([]citypact.FieldError, len(fields))
	for i, f := range fields {
		if to, ok := rename[f.Field]; ok {
			f.Field = to
		}
		out[i] = f
	}
	return out
}

// librarySearch fills the page with a search's hits: page ?page= of libraryPage, up to
// practice.MaxSearchLimit hits in all.
func (s *Server) librarySearch(r *http.Request, lq libraryQuery, n *namer, cats []practice.Category, pg *view.LibraryPage) error {
	tr := stateOf(r).tr
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	maxPage := practice.MaxSearchLimit / libraryPage
	page = min(max(page, 1), maxPage)
	res, err := s.Practices.Search(r.Context(), practice.SearchQuery{Text: lq.Q, Category: lq.Category, Lang: lq.Lang, SDG: lq.SDG,
		Owner: lq.owner, Country: lq.Country, PeriodFrom: lq.from, PeriodTo: lq.to, Retired: lq.Retired, Limit: page * libraryPage})
	if err != nil {
		return err
	}
	pg.Searched = true
	pg.Count = tr.N("library.count", res.Total)
	if res.TotalCapped {
		pg.Count = tr.N("library.count_capped", res.Total)
	}
	parsed := search.Parse(lq.Q)
	for i, h := range res.Hits {
		if i < (page-1)*libraryPage {
			continue
		}
		ref := n.practice(h.Practice)
		ref.Title = view.Name{Text: h.Title, Lang: textLang(r, h.Lang)}
		snippet := h.Snippet
		if len(snippet) == 0 {
			snippet = search.Snippet(h.Summary, parsed, snippetWidth)
		}
		item := view.LibraryResult{Practice: ref, Snippet: snippet, Lang: textLang(r, h.Lang),
			Category: categoryName(cats, h.Practice.Category, tr.Lang()), Period: periodText(tr, h.Practice.PeriodFrom, h.Practice.PeriodTo),
			Date: formatDate(tr, h.Practice.UpdatedAt)}
		if h.Lang != h.Practice.Lang {
			item.Text = h.Lang // a translation matched: open it, whatever the reader's language
		}
		pg.Results = append(pg.Results, item)
	}
	v := lq.values()
	if page > 1 {
		pg.First = "/library?" + v.Encode()
	}
	if len(res.Hits) == page*libraryPage && page < maxPage && (res.Total > page*libraryPage || res.TotalCapped) {
		v.Set("page", strconv.Itoa(page+1))
		pg.Next = "/library?" + v.Encode()
	}
	return nil
}

// libraryNewest fills the page with the newest practices matching the filters, a page after
// ?after=. Country and period are applied here, to a bounded number of practices a page.
func (s *Server) libraryNewest(r *http.Request, lq libraryQuery, n *namer, cats []practice.Category, pg *view.LibraryPage) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	f := practice.Filter{Owner: lq.owner, Category: lq.Category, SDG: lq.SDG, Lang: lq.Lang, Retired: lq.Retired,
		Page: citypact.Page{After: max(after, 0), Limit: libraryPage}}
	scanning := lq.Country != "" || !lq.from.IsZero() || !lq.to.IsZero()
	if scanning {
		f.Page.Limit = citypact.MaxLimit
	}
	match := func(p practice.Practice) bool {
		return !scanning || (lq.overlaps(p) && (lq.Country == "" || n.orgCountry(p.OwnerID) == lq.Country))
	}
	var found []practice.Practice
	var cursor int64 // the last practice examined
	more, examined := false, 0
scan:
	for {
		list, err := s.Practices.Practices(ctx, f)
		if err != nil {
			return err
		}
		for i, p := range list {
			cursor = p.ID
			examined++
			if !match(p) {
				continue
			}
			found = append(found, p)
			if len(found) == libraryPage {
				more = i < len(list)-1 || len(list) == f.Page.Limit
				break scan
			}
		}
		if len(list) < f.Page.Limit {
			break
		}
		if examined >= libraryScan {
			more = true // the scan stopped at its bound: the next page goes on from here
			break
		}
		f.Page.After = cursor
	}
	for _, p := range found {
		summary := p.Summary
		if summary == "" {
			summary = markdown.Plain(p.Body, snippetWidth)
		}
		pg.Results = append(pg.Results, view.LibraryResult{Practice: n.practice(p), Summary: view.Name{Text: summary, Lang: textLang(r, p.Lang)},
			Category: categoryName(cats, p.Category, tr.Lang()), Period: periodText(tr, p.PeriodFrom, p.PeriodTo),
			Date: formatDate(tr, p.UpdatedAt)})
	}
	v := lq.values()
	if after > 0 {
		pg.First = "/library?" + v.Encode()
	}
	if more && cursor > 0 {
		v.Set("after", strconv.FormatInt(cursor, 10))
		pg.Next = "/library?" + v.Encode()
	}
	return nil
}

// orgCountry is the country of an organisation, "" when unknown.
func (n *namer) orgCountry(id int64) string {
	if o, ok := n.orgs[id]; ok {
		return o.Country
	}
	if o, ok := n.extra[id]; ok {
		return o.Country
	}
	n.org(id)
	return n.extra[id].Country
}
