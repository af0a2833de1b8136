package web

import (
	"net/http"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// networkBySlug reads the network a path names; an organisation of another kind is not found.
func (s *Server) networkBySlug(r *http.Request) (directory.Organisation, error) {
	n, err := s.orgBySlug(r, "slug")
	if err != nil {
		return n, err
	}
	if n.Kind != directory.KindNetwork {
		return n, notNetwork(n)
	}
	return n, nil
}

// networkShow serves GET /networks/{slug}: current members grouped by region with their roles,
// counts, and former members.
func (s *Server) networkShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	a, tr := st.actor, st.tr
	n, err := s.networkBySlug(r)
	if err != nil {
		return err
	}
	rs, err := s.regions(ctx)
	if err != nil {
		return err
	}
	members, err := s.Directory.Memberships(ctx, n.ID, 0)
	if err != nil {
		return err
	}
	p := view.NetworkPage{Base: s.base(r, "directory.title", "directory"), Network: orgRef(r, n, rs),
		CanEdit: a.SignedIn() && directory.CanChangeMembership(a, n.ID) == nil}
	p.Title = p.Network.Name.Text

	now := today()
	byRegion := map[string][]view.MembershipRow{}
	for _, m := range members {
		row := view.MembershipRow{ID: m.ID, Org: orgRef(r, m.Member, rs), Role: m.Role,
			Since: formatDate(tr, m.Since), Until: formatDate(tr, m.Until), Current: m.Current(now)}
		if !row.Current {
			p.Former = append(p.Former, row)
			continue
		}
		key := m.Member.Region
		if _, ok := rs.byKey[key]; !ok {
			key = ""
		}
		byRegion[key] = append(byRegion[key], row)
	}
	var current []view.MembershipRow
	group := func(key, name string) {
		rows := byRegion[key]
		if len(rows) == 0 {
			return
		}
		id := "region-" + key
		if key == "" {
			id = "region-unknown"
		}
		p.Groups = append(p.Groups, view.MemberGroup{ID: id, Region: name, Count: tr.T("network.group_count", "count", memberSummary(tr, rows)), Members: rows})
		current = append(current, rows...)
	}
	for _, reg := range rs.list {
		group(reg.Key, reg.NameIn(string(tr.Lang())))
	}
	group("", tr.T("network.region_unknown"))

	p.Summary = memberSummary(tr, current)
	return s.render(w, r, http.StatusOK, view.Network(p))
}

// memberSummary counts members and observers: "14 members, 1 observer", "2 observers", "0 members".
func memberSummary(tr *i18n.Translator, rows []view.MembershipRow) string {
	full, observers := 0, 0
	for _, m := range rows {
		if m.Role == directory.RoleObserver {
			observers++
		} else {
			full++
		}
	}
	switch {
	case observers == 0:
		return tr.N("network.members", full)
	case full == 0:
		return tr.N("network.observers", observers)
	}
	return tr.T("network.summary", "members", tr.N("network.members", full), "observers", tr.N("network.observers", observers))
}

// networkMembersCSV serves GET /networks/{slug}/members.csv: every membership, current and
// former.
func (s *Server) networkMembersCSV(w http.ResponseWriter, r *http.Request) error {
	lang := stateOf(r).tr.Lang()
	n, err := s.networkBySlug(r)
	if err != nil {
		return err
	}
	members, err := s.Directory.Memberships(r.Context(), n.ID, 0)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(members))
	for _, m := range members {
		row := append([]string{m.Member.Slug}, orgCSVCells(lang, m.Member)...)
		row = append(row, string(m.Role), isoDate(m.Since), isoDate(m.Until), m.Source)
		rows = append(rows, row)
	}
	header := []string{"slug", "name", "original_name", "original_language", "country", "region", "role", "since", "until", "source"}
	return writeCSV(w, n.Slug+"-members.csv", header, rows)
}

// membershipNewForm serves GET /networks/{slug}/members/new.
func (s *Server) membershipNewForm(w http.ResponseWriter, r *http.Request) error {
	n, err := s.networkBySlug(r)
	if err != nil {
		return err
	}
	if err := directory.CanChangeMembership(stateOf(r).actor, n.ID); err != nil {
		return err
	}
	return s.membershipFormPage(w, r, http.StatusOK, n, view.Form{Values: map[string]string{"role": string(directory.RoleMember)}})
}

func (s *Server) membershipFormPage(w http.ResponseWriter, r *http.Request, status int, n directory.Organisation, f view.Form) error {
	ctx := r.Context()
	rs, err := s.regions(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.allOrganisations(ctx, directory.Filter{}, maxListed)
	if err != nil {
		return err
	}
	p := view.MembershipFormPage{Base: s.base(r, "memberform.title", "directory"), Network: orgRef(r, n, rs), Form: f,
		Candidates: orgOptions(stateOf(r).tr.Lang(), orgs, n.ID)}
	p.HasErrors = f.Failed()
	return s.render(w, r, status, view.MembershipForm(p))
}

// membershipCreate serves POST /networks/{slug}/members: the network's editors and admins add a
// member.
func (s *Server) membershipCreate(w http.ResponseWriter, r *http.Request) error {
	n, err := s.orgBySlug(r, "slug") // not networkBySlug: adding to a non-network is a form error
	if err != nil {
		return err
	}
	a := stateOf(r).actor
	if err := directory.CanChangeMembership(a, n.ID); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var fe formErrors
	m := directory.Membership{NetworkID: n.ID, Role: directory.MemberRole(r.PostFormValue("role")),
		Since: fe.date(r, "since"), Until: fe.date(r, "until"), Source: strings.TrimSpace(r.PostFormValue("source"))}
	if slug := strings.TrimSpace(r.PostFormValue("member")); slug != "" {
		member, err := s.Directory.OrganisationBySlug(r.Context(), strings.ToLower(slug))
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			fe.add("member", "org.unknown")
			m.MemberID = -1 // known to be wrong; keeps "required" from being reported too
		case err != nil:
			return err
		default:
			m.MemberID = member.ID
		}
	}
	err = invalidOrNil(merge(fe, m.Validate(n), nil))
	if err == nil {
		err = s.Directory.AddMembership(r.Context(), &m)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, "member", "role", "since", "until", "source")}
		for _, e := range citypact.FieldsOf(err) {
			if e.Field == "network" { // the page's network, not a field of the form
				f.Message = e.Key
				continue
			}
			f.Errors = append(f.Errors, e)
		}
		return s.membershipFormPage(w, r, http.StatusUnprocessableEntity, n, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/networks/"+n.Slug, "flash.added")
}

// membershipOf reads the membership a path names, which must belong to the path's network.
func (s *Server) membershipOf(r *http.Request) (directory.Organisation, directory.Membership, error) {
	n, err := s.orgBySlug(r, "slug")
	if err != nil {
		return n, directory.Membership{}, err
	}
	if err := directory.CanChangeMembership(stateOf(r).actor, n.ID); err != nil {
		return n, directory.Membership{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return n, directory.Membership{}, err
	}
	m, err := s.Directory.Membership(r.Context(), id)
	if err != nil {
		return n, m, err
	}
	if m.NetworkID != n.ID {
		return n, m, citypact.NotFound("membership in this network")
	}
	return n, m, nil
}

// membershipEnd serves POST /networks/{slug}/members/{id}/end: the membership ends today.
func (s *Server) membershipEnd(w http.ResponseWriter, r *http.Request) error {
	n, m, err := s.membershipOf(r)
	if err != nil {
		return err
	}
	if !m.Until.IsZero() {
		return s.redirect(w, r, "/networks/"+n.Slug, "")
	}
	m.Until = today()
	if err := m.Validate(n); err != nil {
		return err
	}
	if err := s.Directory.UpdateMembership(r.Context(), &m); err != nil {
		return err
	}
	return s.redirect(w, r, "/networks/"+n.Slug, "flash.membership_ended")
}

// membershipDelete serves POST /networks/{slug}/members/{id}/delete: for records entered by
// mistake; a membership that ended is ended, not deleted.
func (s *Server) membershipDelete(w http.ResponseWriter, r *http.Request) error {
	n, m, err := s.membershipOf(r)
	if err != nil {
		return err
	}
	if err := s.Directory.DeleteMembership(r.Context(), m.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/networks/"+n.Slug, "flash.deleted")
}
