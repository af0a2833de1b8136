package web

import (
	"net/http"
	"strings"

	"github.com/citypact/citypact/internal/directory"
)

// The organisation page's lists, each also as CSV (every list of the hub can be downloaded).
// Contacts' e-mail and phone columns are filled only for signed-in members, as on the page.

// orgTiesCSV serves GET /orgs/{slug}/ties.csv.
func (s *Server) orgTiesCSV(w http.ResponseWriter, r *http.Request) error {
	lang := stateOf(r).tr.Lang()
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	ties, err := s.Directory.Ties(r.Context(), o.ID)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(ties))
	for _, t := range ties {
		row := append([]string{t.Partner.Slug}, orgCSVCells(lang, t.Partner)...)
		rows = append(rows, append(row, string(t.Kind), isoDate(t.Since), t.Reference, t.Source))
	}
	header := []string{"partner_slug", "name", "original_name", "original_language", "country", "region", "kind", "since", "reference", "source"}
	return writeCSV(w, o.Slug+"-ties.csv", header, rows)
}

// orgNetworksCSV serves GET /orgs/{slug}/networks.csv: the networks the organisation belongs to.
func (s *Server) orgNetworksCSV(w http.ResponseWriter, r *http.Request) error {
	lang := stateOf(r).tr.Lang()
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	ms, err := s.Directory.Memberships(r.Context(), 0, o.ID)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		row := append([]string{m.Network.Slug}, orgCSVCells(lang, m.Network)...)
		rows = append(rows, append(row, string(m.Role), isoDate(m.Since), isoDate(m.Until), m.Source))
	}
	header := []string{"network_slug", "name", "original_name", "original_language", "country", "region", "role", "since", "until", "source"}
	return writeCSV(w, o.Slug+"-networks.csv", header, rows)
}

// orgContactsCSV serves GET /orgs/{slug}/contacts.csv.
func (s *Server) orgContactsCSV(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	contacts, err := s.Directory.Contacts(r.Context(), o.ID)
	if err != nil {
		return err
	}
	details := directory.CanSeeContactDetails(stateOf(r).actor)
	rows := make([][]string, 0, len(contacts))
	for _, c := range contacts {
		if !details {
			c = c.Public()
		}
		rows = append(rows, []string{c.Name, string(c.Title), c.Role, c.Email, c.Phone, c.Source})
	}
	return writeCSV(w, o.Slug+"-contacts.csv", []string{"name", "title", "role", "email", "phone", "source"}, rows)
}

// orgTimelineCSV serves GET /orgs/{slug}/timeline.csv.
func (s *Server) orgTimelineCSV(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	entries, err := s.Directory.Timeline(r.Context(), o.ID, 0)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		parties := make([]string, 0, len(e.PartyOrgs))
		for _, p := range e.PartyOrgs {
			parties = append(parties, p.Slug)
		}
		rows = append(rows, []string{isoDate(e.Date), string(e.Kind), e.Title, e.Description,
			strings.Join(parties, " "), strings.Join(e.Links, " "), e.Source})
	}
	header := []string{"date", "kind", "title", "description", "parties", "links", "source"}
	return writeCSV(w, o.Slug+"-timeline.csv", header, rows)
}
