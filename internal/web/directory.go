package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/feed"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// This file holds what the directory's pages share: looking organisations up, showing them in
// the reader's language, reading form values, and writing CSV.

// regionSet is the data-driven list of regions, in display order and by key.
type regionSet struct {
	list  []directory.Region
	byKey map[string]directory.Region
}

func (s *Server) regions(ctx context.Context) (regionSet, error) {
	list, err := memo(ctx, s, "regions", s.Directory.Regions)
	if err != nil {
		return regionSet{}, err
	}
	rs := regionSet{list: list, byKey: make(map[string]directory.Region, len(list))}
	for _, r := range list {
		rs.byKey[r.Key] = r
	}
	return rs, nil
}

// options returns the regions as choices in the reader's language.
func (rs regionSet) options(lang i18n.Lang) []view.Option {
	out := make([]view.Option, len(rs.list))
	for i, r := range rs.list {
		out[i] = view.Option{Value: r.Key, Label: r.NameIn(string(lang))}
	}
	return out
}

// orgRef shows o in the reader's language.
func orgRef(r *http.Request, o directory.Organisation, rs regionSet) view.OrgRef {
	return view.MakeOrgRef(o, stateOf(r).tr.Lang(), rs.byKey)
}

// orgBySlug reads the organisation a path names.
func (s *Server) orgBySlug(r *http.Request, name string) (directory.Organisation, error) {
	slug := r.PathValue(name)
	if slug == "" || len(slug) > directory.MaxSlugLen {
		return directory.Organisation{}, citypact.NotFound("organisation " + slug)
	}
	return s.Directory.OrganisationBySlug(r.Context(), slug)
}

// maxListed bounds how many organisations a page reads in full (for choices in selects and
// datalists); the CSV export reads every one.
const maxListed = 5000

// allOrganisations reads every organisation matching f, a page at a time, up to max (0: no
// bound). Each page is one query, never one per row.
func (s *Server) allOrganisations(ctx context.Context, f directory.Filter, max int) ([]directory.Organisation, error) {
	var all []directory.Organisation
	f.Page = citypact.Page{Limit: citypact.MaxLimit}
	for {
		list, err := s.Directory.FindOrganisations(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if len(list) < f.Page.Limit || (max > 0 && len(all) >= max) {
			return all, nil
		}
		f.Page.After = list[len(list)-1].ID
	}
}

// orgOptions offers organisations by slug, labelled with their names in the reader's language,
// leaving out the one with id except (0: none).
func orgOptions(lang i18n.Lang, orgs []directory.Organisation, except int64) []view.Option {
	out := make([]view.Option, 0, len(orgs))
	for _, o := range orgs {
		if o.ID == except {
			continue
		}
		n, _ := view.NamedIn(o, lang)
		out = append(out, view.Option{Value: o.Slug, Label: n.Text, Lang: n.Lang})
	}
	return out
}

// formatDate shows a date in the reader's language, or "" when unknown.
func formatDate(tr *i18n.Translator, d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return tr.Date(d)
}

func isoDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// formErrors collects the problems a handler finds while reading a form, before the domain
// checks the rest.
type formErrors []citypact.FieldError

func (fe *formErrors) add(field, key string, args ...string) {
	*fe = append(*fe, citypact.FieldError{Field: field, Key: key, Args: args})
}

// date reads an optional date (YYYY-MM-DD, as date inputs send it).
func (fe *formErrors) date(r *http.Request, field string) time.Time {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		fe.add(field, "date.invalid")
	}
	return d
}

// integer reads an optional whole number, forgiving digit grouping ("9,586,195").
func (fe *formErrors) integer(r *http.Request, field string) int64 {
	v := strings.NewReplacer(",", "", " ", "", "_", "", "\u00a0", "").Replace(strings.TrimSpace(r.PostFormValue(field)))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		fe.add(field, "number.invalid")
	}
	return n
}

// merge returns the handler's and the domain's field errors as one, renaming the domain's
// fields to the form's names (rename maps domain field → form field); nil when there are none.
func merge(fe formErrors, err error, rename map[string]string) []citypact.FieldError {
	out := slices.Clone([]citypact.FieldError(fe))
	seen := map[string]bool{}
	for _, e := range out {
		seen[e.Field] = true
	}
	for _, e := range citypact.FieldsOf(err) {
		if to, ok := rename[e.Field]; ok {
			e.Field = to
		}
		if !seen[e.Field] {
			out = append(out, e)
			seen[e.Field] = true
		}
	}
	return out
}

// invalidOrNil turns collected field errors into one KindInvalid error.
func invalidOrNil(fields []citypact.FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return citypact.Invalid(fields...)
}

// countryCodes lists every ISO 3166-1 alpha-2 country code.
var countryCodes = sync.OnceValue(func() []string {
	var codes []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string([]rune{a, b}); directory.ValidCountry(c) {
				codes = append(codes, c)
			}
		}
	}
	return codes
})

var countryLists sync.Map // i18n.Lang → []view.Option, sorted by name in that language

// countryOptions lists every country by its name in lang, in that language's alphabetical order.
func countryOptions(lang i18n.Lang) []view.Option {
	if v, ok := countryLists.Load(lang); ok {
		return v.([]view.Option)
	}
	codes := countryCodes()
	opts := make([]view.Option, len(codes))
	for i, c := range codes {
		opts[i] = view.Option{Value: c, Label: directory.CountryName(c, string(lang))}
	}
	tag, err := language.Parse(string(lang))
	if err != nil {
		tag = language.English
	}
	col := collate.New(tag)
	slices.SortFunc(opts, func(a, b view.Option) int { return col.CompareString(a.Label, b.Label) })
	v, _ := countryLists.LoadOrStore(lang, opts)
	return v.([]view.Option)
}

// presentCountries keeps the countries in codes, in the order of the reader's language.
func presentCountries(lang i18n.Lang, codes []string) []view.Option {
	present := map[string]bool{}
	for _, c := range codes {
		present[c] = true
	}
	var out []view.Option
	for _, o := range countryOptions(lang) {
		if present[o.Value] {
			out = append(out, o)
		}
	}
	return out
}

// writeCSV sends a CSV download through feed's writer: UTF-8 with a byte-order mark (so
// spreadsheet programs read Korean, Chinese and Japanese names right), and every cell that a
// spreadsheet would run as a formula (= + - @ …) prefixed with an apostrophe.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-cache")
	cw := feed.NewCSVWriter(w, header, true)
	for _, row := range rows {
		if err := cw.Write(row...); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// orgCSVCells are an organisation's columns shared by the CSV exports: name in the reader's
// language, original name, original language, country, region.
func orgCSVCells(lang i18n.Lang, o directory.Organisation) []string {
	shown, _ := view.NamedIn(o, lang)
	orig := o.Original()
	return []string{shown.Text, orig.Text, orig.Lang, o.Country, o.Region}
}

// today is the current date in UTC, for memberships that end now and for what is current.
func today() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
