package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/web/view"
)

// directoryFilter reads the directory's filter from the query string. The network is named by
// its slug; networks is the list of networks, which the page needs for its select anyway.
func directoryFilter(q url.Values, networks []directory.Organisation) (directory.Filter, view.DirectoryQuery) {
	dq := view.DirectoryQuery{
		Q:       strings.TrimSpace(q.Get("q")),
		Kind:    q.Get("kind"),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))),
		Region:  q.Get("region"),
		Network: q.Get("network"),
	}
	if len([]rune(dq.Q)) > directory.MaxNameLen {
		dq.Q = string([]rune(dq.Q)[:directory.MaxNameLen])
	}
	f := directory.Filter{Kind: directory.Kind(dq.Kind), Country: dq.Country, Region: dq.Region, Query: dq.Q}
	if dq.Kind != "" && !f.Kind.Valid() {
		dq.Kind, f.Kind = "", ""
	}
	if dq.Network != "" {
		f.Network = -1 // an unknown network has no members
		for _, n := range networks {
			if n.Slug == dq.Network {
				f.Network = n.ID
			}
		}
	}
	return f, dq
}

// encode writes the filter back as a query string, leaving out what is unset.
func encodeQuery(dq view.DirectoryQuery) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": dq.Q, "kind": dq.Kind, "country": dq.Country, "region": dq.Region, "network": dq.Network} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (s *Server) networks(ctx context.Context) ([]directory.Organisation, error) {
	return memo(ctx, s, "networks", func(ctx context.Context) ([]directory.Organisation, error) {
		return s.allOrganisations(ctx, directory.Filter{Kind: directory.KindNetwork}, maxListed)
	})
}

// directoryList serves GET /directory: filters in the URL, a page of results.
func (s *Server) directoryList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := stateOf(r).tr.Lang()
	networks, err := s.networks(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, dq := directoryFilter(q, networks)
	f.Page.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Page = f.Page.Normalize()
	results, err := s.Directory.FindOrganisations(ctx, f)
	if err != nil {
		return err
	}
	rs, err := s.regions(ctx)
	if err != nil {
		return err
	}
	// The country select offers the countries organisations are in.
	countries, err := memo(ctx, s, "countries", s.Directory.Countries)
	if err != nil {
		return err
	}
	p := view.DirectoryPage{
		Base:      s.base(r, "directory.title", "directory"),
		Query:     dq,
		Kinds:     directory.Kinds,
		Countries: presentCountries(lang, countries),
		Regions:   rs.options(lang),
		Networks:  orgOptions(lang, networks, 0),
		CanCreate: directory.CanCreate(stateOf(r).actor) == nil,
	}
	for _, o := range results {
		p.Results = append(p.Results, orgRef(r, o, rs))
	}
	query := encodeQuery(dq)
	p.CSV = "/directory.csv"
	if len(query) > 0 {
		p.CSV += "?" + query.Encode()
	}
	if len(results) == f.Page.Limit {
		next := encodeQuery(dq)
		next.Set("after", strconv.FormatInt(results[len(results)-1].ID, 10))
		p.Next = next.Encode()
	}
	if f.Page.After > 0 {
		p.First = "/directory"
		if len(query) > 0 {
			p.First += "?" + query.Encode()
		}
	}
	return s.render(w, r, http.StatusOK, view.Directory(p))
}

// directoryCSV serves GET /directory.csv: every organisation the same filters find.
func (s *Server) directoryCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := stateOf(r).tr.Lang()
	networks, err := s.networks(ctx)
	if err != nil {
		return err
	}
	f, _ := directoryFilter(r.URL.Query(), networks)
	orgs, err := s.allOrganisations(ctx, f, 0)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(orgs))
	for _, o := range orgs {
		shown, _ := view.NamedIn(o, lang)
		orig := o.Original()
		pop, year := "", ""
		if o.Population > 0 {
			pop = strconv.FormatInt(o.Population, 10)
		}
		if o.PopulationYear > 0 {
			year = strconv.Itoa(o.PopulationYear)
		}
		rows = append(rows, []string{o.Slug, string(o.Kind), shown.Text, orig.Text, orig.Lang, o.Country, o.Region,
			pop, year, o.PopulationSource, o.Website})
	}
	header := []string{"slug", "kind", "name", "original_name", "original_language", "country", "region",
		"population", "population_year", "population_source", "website"}
	return writeCSV(w, "directory.csv", header, rows)
}

// notNetwork is the answer for a network page of an organisation that is not a network.
func notNetwork(o directory.Organisation) error {
	return citypact.NotFound("network " + o.Slug)
}
