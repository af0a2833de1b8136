package web

import (
	"net/http"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/web/view"
)

// tieRows shows ties as seen from one side.
func tieRows(r *http.Request, ties []directory.Tie, rs regionSet, a citypact.Actor) []view.TieRow {
	tr := stateOf(r).tr
	rows := make([]view.TieRow, 0, len(ties))
	for _, t := range ties {
		rows = append(rows, view.TieRow{
			ID: t.ID, Partner: orgRef(r, t.Partner, rs), Kind: t.Kind, Since: formatDate(tr, t.Since),
			Reference: t.Reference, RefURL: directory.ValidURL(t.Reference),
			CanDelete: a.SignedIn() && directory.CanChangeTie(a, t) == nil,
		})
	}
	return rows
}

// entryRows shows timeline entries; deletable says whether to offer deleting them.
func entryRows(r *http.Request, entries []directory.TimelineEntry, rs regionSet, a citypact.Actor, deletable bool) []view.EntryRow {
	tr := stateOf(r).tr
	rows := make([]view.EntryRow, 0, len(entries))
	for _, e := range entries {
		row := view.EntryRow{ID: e.ID, Date: formatDate(tr, e.Date), ISODate: isoDate(e.Date), Kind: e.Kind, Title: e.Title, Links: e.Links,
			CanDelete: deletable && a.SignedIn() && directory.CanChangeEntry(a, e) == nil}
		if e.Description != "" {
			row.DescriptionHTML = renderMarkdown(e.Description)
		}
		for _, p := range e.PartyOrgs {
			row.Parties = append(row.Parties, orgRef(r, p, rs))
		}
		rows = append(rows, row)
	}
	return rows
}

// orgShow serves GET /orgs/{slug}: one organisation with its ties, networks, contacts and
// timeline, each read by one query.
func (s *Server) orgShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	a, tr, lang := st.actor, st.tr, st.tr.Lang()
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	rs, err := s.regions(ctx)
	if err != nil {
		return err
	}
	ties, err := s.Directory.Ties(ctx, o.ID)
	if err != nil {
		return err
	}
	memberships, err := s.Directory.Memberships(ctx, 0, o.ID)
	if err != nil {
		return err
	}
	contacts, err := s.Directory.Contacts(ctx, o.ID)
	if err != nil {
		return err
	}
	timeline, err := s.Directory.Timeline(ctx, o.ID, 0)
	if err != nil {
		return err
	}
	p := view.OrgPage{
		Base:        s.base(r, "directory.title", "directory"),
		Org:         orgRef(r, o, rs),
		Website:     o.Website,
		Source:      o.Source,
		ShowDetails: directory.CanSeeContactDetails(a),
		CanEdit:     a.SignedIn() && directory.CanEdit(a, o.ID) == nil,
		CanDelete:   directory.CanDelete(a) == nil,
	}
	p.Title = p.Org.Name.Text
	if s.Cases != nil {
		areas, err := s.Cases.Areas(ctx, cases.AreaFilter{OrgID: o.ID, Page: citypact.Page{Limit: 10}})
		if err != nil {
			return err
		}
		for _, ar := range areas {
			p.Areas = append(p.Areas, view.AreaRef{Code: ar.Code})
		}
		p.CanPublish = len(areas) == 0 && p.CanEdit && o.Kind == directory.KindCity
	}
	for _, n := range o.Names {
		p.Names = append(p.Names, view.NamedValue{Language: view.LanguageName(n.Lang, lang),
			Name: view.Name{Text: n.Text, Lang: langUnlessPage(n.Lang, lang.HTMLLang())}, Original: n.Original})
	}
	if o.Population > 0 {
		p.Population = tr.Int(o.Population)
		if o.PopulationYear > 0 {
			p.PopulationYear = strconv.Itoa(o.PopulationYear)
		}
		p.PopulationSrc = o.PopulationSource
	}
	if o.HasLocation {
		p.Location = strconv.FormatFloat(o.Lat, 'f', -1, 64) + ", " + strconv.FormatFloat(o.Lon, 'f', -1, 64)
	}
	if o.Description != "" {
		p.DescriptionHTML = renderMarkdown(o.Description)
	}
	p.Ties = tieRows(r, ties, rs, a)
	for _, m := range memberships {
		p.Networks = append(p.Networks, view.MembershipRow{ID: m.ID, Org: orgRef(r, m.Network, rs), Role: m.Role,
			Since: formatDate(tr, m.Since), Until: formatDate(tr, m.Until), Current: m.Current(today())})
	}
	for _, c := range contacts {
		if !p.ShowDetails {
			c = c.Public()
		}
		p.Contacts = append(p.Contacts, c)
	}
	p.Timeline = entryRows(r, timeline, rs, a, true)
	if a.SignedIn() {
		subs, err := s.Boards.Subscriptions(ctx)
		if err != nil {
			return err
		}
		p.Follow = view.FollowButton{Can: true, Following: followed(subs, board.FollowOrg, o.ID, "") != 0,
			Action: p.Org.Href() + "/follow", Back: p.Org.Href(), Label: p.Org.Name.Text, LabelLang: p.Org.Name.Lang}
	}
	return s.render(w, r, http.StatusOK, view.Organisation(p))
}

func langUnlessPage(tag, page string) string {
	if tag == page {
		return ""
	}
	return tag
}

// partnersOf reads the two organisations a partner path names ({slug} and {partner}); an
// organisation is no partner of itself.
func (s *Server) partnersOf(r *http.Request) (o, partner directory.Organisation, err error) {
	if o, err = s.orgBySlug(r, "slug"); err != nil {
		return o, partner, err
	}
	if partner, err = s.orgBySlug(r, "partner"); err == nil && partner.ID == o.ID {
		err = citypact.NotFound("partnership with itself")
	}
	return o, partner, err
}

// partnerShow serves GET /orgs/{slug}/partners/{partner}: the history of one relationship —
// the ties between the two, the networks both belong to, and the timeline entries they share.
func (s *Server) partnerShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := stateOf(r).actor
	o, partner, err := s.partnersOf(r)
	if err != nil {
		return err
	}
	rs, err := s.regions(ctx)
	if err != nil {
		return err
	}
	ties, err := s.Directory.Ties(ctx, o.ID)
	if err != nil {
		return err
	}
	timeline, err := s.Directory.Timeline(ctx, o.ID, partner.ID)
	if err != nil {
		return err
	}
	mine, err := s.Directory.Memberships(ctx, 0, o.ID)
	if err != nil {
		return err
	}
	theirs, err := s.Directory.Memberships(ctx, 0, partner.ID)
	if err != nil {
		return err
	}
	p := view.PartnerPage{Base: s.base(r, "directory.title", "directory"), Org: orgRef(r, o, rs), Partner: orgRef(r, partner, rs)}
	p.Title = stateOf(r).tr.T("partner.title", "org", p.Org.Name.Text, "partner", p.Partner.Name.Text)
	var between []directory.Tie
	for _, t := range ties {
		if t.Partner.ID == partner.ID {
			between = append(between, t)
		}
	}
	p.Ties = tieRows(r, between, rs, a)
	for i := range p.Ties {
		p.Ties[i].CanDelete = false // changed from the organisation's page
	}
	p.Timeline = entryRows(r, timeline, rs, a, false)
	now := today()
	theirNets := map[int64]bool{}
	for _, m := range theirs {
		if m.Current(now) {
			theirNets[m.NetworkID] = true
		}
	}
	for _, m := range mine {
		if m.Current(now) && theirNets[m.NetworkID] {
			p.Networks = append(p.Networks, orgRef(r, m.Network, rs))
		}
	}
	if p.ChannelHref, p.CanOpenChannel, err = s.pairChannel(r, o, partner, between); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, view.Partner(p))
}
