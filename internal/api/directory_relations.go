package api

import (
	"net/http"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// Dates of ties, memberships and timeline entries are calendar days, "YYYY-MM-DD".

// dateJSON writes a day, or "" for an unknown one.
func dateJSON(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// dates parses the days of a request body; a field that is not a day is a field error. Empty
// means unknown.
type dates struct{ errs []citypact.FieldError }

func (d *dates) parse(field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		d.errs = append(d.errs, citypact.FieldError{Field: field, Key: "date.invalid"})
	}
	return t
}

func (d *dates) err() error {
	if len(d.errs) > 0 {
		return citypact.Invalid(d.errs...)
	}
	return nil
}

// refBySlug loads an organisation a body names by slug; an unknown one is a field error.
func (s *Server) refBySlug(r *http.Request, field, slug string) (directory.Organisation, error) {
	if slug == "" {
		return directory.Organisation{}, citypact.Invalid(citypact.FieldError{Field: field, Key: "field.required"})
	}
	o, err := s.Directory.OrganisationBySlug(r.Context(), slug)
	if citypact.KindOf(err) == citypact.KindNotFound {
		return o, citypact.Invalid(citypact.FieldError{Field: field, Key: "org.unknown"})
	}
	return o, err
}

// Tie is a bilateral tie as seen from one of its two organisations.
type Tie struct {
	ID        int64  `json:"id"`
	Partner   OrgRef `json:"partner"`
	Kind      string `json:"kind"`
	Since     string `json:"since,omitempty"`
	Reference string `json:"reference"`
	Source    string `json:"source"`
}

func tieJSON(t directory.Tie) Tie {
	return Tie{ID: t.ID, Partner: orgRef(t.Partner), Kind: string(t.Kind), Since: dateJSON(t.Since), Reference: t.Reference, Source: t.Source}
}

// NewTie is the body of POST /api/v1/organisations/{slug}/ties.
type NewTie struct {
	Partner   string `json:"partner"`
	Kind      string `json:"kind"`
	Since     string `json:"since,omitempty"`
	Reference string `json:"reference,omitempty"`
	Source    string `json:"source,omitempty"`
}

// tiesList serves GET /api/v1/organisations/{slug}/ties.
func (s *Server) tiesList(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	ties, err := s.Directory.Ties(r.Context(), o.ID)
	if err != nil {
		return err
	}
	out := List[Tie]{Items: make([]Tie, 0, len(ties))}
	for _, t := range ties {
		out.Items = append(out.Items, tieJSON(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

// tieCreate serves POST /api/v1/organisations/{slug}/ties: an editor of either side, or an admin.
func (s *Server) tieCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	var in NewTie
	if err := decode(r, &in); err != nil {
		return err
	}
	partner, perr := s.refBySlug(r, "partner", in.Partner)
	if perr != nil && citypact.KindOf(perr) != citypact.KindInvalid {
		return perr
	}
	// Rights first, so that nobody learns more than "no" about a tie they may not add.
	if err := directory.CanChangeTie(citypact.ActorFrom(r.Context()), directory.Tie{A: o.ID, B: partner.ID}); err != nil {
		return err
	}
	if perr != nil {
		return perr
	}
	var d dates
	t := directory.Tie{A: o.ID, B: partner.ID, Kind: directory.TieKind(in.Kind), Since: d.parse("since", in.Since), Reference: in.Reference, Source: in.Source}
	if err := d.err(); err != nil {
		return err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	if err := s.Directory.AddTie(r.Context(), &t); err != nil {
		return err
	}
	t.Partner = partner
	return writeJSON(w, http.StatusCreated, tieJSON(t))
}

// Membership places an organisation in a network.
type Membership struct {
	ID      int64  `json:"id"`
	Network OrgRef `json:"network"`
	Member  OrgRef `json:"member"`
	Role    string `json:"role"`
	Since   string `json:"since,omitempty"`
	Until   string `json:"until,omitempty"`
	Source  string `json:"source"`
}

func membershipJSON(m directory.Membership) Membership {
	return Membership{ID: m.ID, Network: orgRef(m.Network), Member: orgRef(m.Member), Role: string(m.Role),
		Since: dateJSON(m.Since), Until: dateJSON(m.Until), Source: m.Source}
}

// NewMembership is the body of POST /api/v1/organisations/{slug}/members.
type NewMembership struct {
	Member string `json:"member"`
	Role   string `json:"role,omitempty"`
	Since  string `json:"since,omitempty"`
	Until  string `json:"until,omitempty"`
	Source string `json:"source,omitempty"`
}

// membershipsOf serves GET …/memberships (the networks an organisation belongs to) and
// GET …/members (a network's members).
func (s *Server) membershipsOf(members bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		o, err := s.orgBySlug(r)
		if err != nil {
			return err
		}
		var ms []directory.Membership
		if members {
			ms, err = s.Directory.Memberships(r.Context(), o.ID, 0)
		} else {
			ms, err = s.Directory.Memberships(r.Context(), 0, o.ID)
		}
		if err != nil {
			return err
		}
		out := List[Membership]{Items: make([]Membership, 0, len(ms))}
		for _, m := range ms {
			// The store fills in the other side; this side is o.
			if members {
				m.Network = o
			} else {
				m.Member = o
			}
			out.Items = append(out.Items, membershipJSON(m))
		}
		return writeJSON(w, http.StatusOK, out)
	}
}

// memberCreate serves POST /api/v1/organisations/{slug}/members: the network's editors and
// admins add members to it.
func (s *Server) memberCreate(w http.ResponseWriter, r *http.Request) error {
	network, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	if err := directory.CanChangeMembership(citypact.ActorFrom(r.Context()), network.ID); err != nil {
		return err
	}
	var in NewMembership
	if err := decode(r, &in); err != nil {
		return err
	}
	member, err := s.refBySlug(r, "member", in.Member)
	if err != nil {
		return err
	}
	if in.Role == "" {
		in.Role = string(directory.RoleMember)
	}
	var d dates
	m := directory.Membership{NetworkID: network.ID, MemberID: member.ID, Role: directory.MemberRole(in.Role),
		Since: d.parse("since", in.Since), Until: d.parse("until", in.Until), Source: in.Source}
	if err := d.err(); err != nil {
		return err
	}
	if err := m.Validate(network); err != nil {
		return err
	}
	if err := s.Directory.AddMembership(r.Context(), &m); err != nil {
		return err
	}
	m.Network, m.Member = network, member
	return writeJSON(w, http.StatusCreated, membershipJSON(m))
}

// Contact is a person in an organisation. Email and phone are shown to signed-in callers (any
// token) only.
type Contact struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Title  string `json:"title"`
	Role   string `json:"role"`
	Email  string `json:"email,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Source string `json:"source"`
}

func contactJSON(c directory.Contact, a citypact.Actor) Contact {
	if !directory.CanSeeContactDetails(a) {
		c = c.Public()
	}
	return Contact{ID: c.ID, Name: c.Name, Title: string(c.Title), Role: c.Role, Email: c.Email, Phone: c.Phone, Source: c.Source}
}

// NewContact is the body of POST /api/v1/organisations/{slug}/contacts.
type NewContact struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Role   string `json:"role,omitempty"`
	Email  string `json:"email,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Source string `json:"source,omitempty"`
}

// contactsList serves GET /api/v1/organisations/{slug}/contacts.
func (s *Server) contactsList(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	cs, err := s.Directory.Contacts(r.Context(), o.ID)
	if err != nil {
		return err
	}
	a := citypact.ActorFrom(r.Context())
	out := List[Contact]{Items: make([]Contact, 0, len(cs))}
	for _, c := range cs {
		out.Items = append(out.Items, contactJSON(c, a))
	}
	return writeJSON(w, http.StatusOK, out)
}

// contactCreate serves POST /api/v1/organisations/{slug}/contacts: the organisation's editors and
// admins.
func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	a := citypact.ActorFrom(r.Context())
	if err := directory.CanEdit(a, o.ID); err != nil {
		return err
	}
	var in NewContact
	if err := decode(r, &in); err != nil {
		return err
	}
	c := directory.Contact{OrgID: o.ID, Name: in.Name, Title: directory.ContactTitle(in.Title), Role: in.Role, Email: in.Email, Phone: in.Phone, Source: in.Source}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.Directory.AddContact(r.Context(), &c); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, contactJSON(c, a))
}

// TimelineEntry is a dated exchange between organisations.
type TimelineEntry struct {
	ID          int64    `json:"id"`
	Date        string   `json:"date"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Links       []string `json:"links"`
	Parties     []OrgRef `json:"parties"`
	Source      string   `json:"source"`
}

func entryJSON(e directory.TimelineEntry) TimelineEntry {
	out := TimelineEntry{ID: e.ID, Date: dateJSON(e.Date), Kind: string(e.Kind), Title: e.Title, Description: e.Description,
		Links: e.Links, Parties: make([]OrgRef, 0, len(e.PartyOrgs)), Source: e.Source}
	if out.Links == nil {
		out.Links = []string{}
	}
	for _, p := range e.PartyOrgs {
		out.Parties = append(out.Parties, orgRef(p))
	}
	return out
}

// NewTimelineEntry is the body of POST /api/v1/organisations/{slug}/timeline. The organisation of
// the path is always a party; parties names the others by slug.
type NewTimelineEntry struct {
	Date        string   `json:"date"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Links       []string `json:"links,omitempty"`
	Parties     []string `json:"parties"`
	Source      string   `json:"source,omitempty"`
}

// timelineList serves GET /api/v1/organisations/{slug}/timeline, newest first; ?partner=SLUG keeps
// the entries both share.
func (s *Server) timelineList(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	var partnerID int64
	if slug := r.URL.Query().Get("partner"); slug != "" {
		p, err := s.refBySlug(r, "partner", slug)
		if err != nil {
			return err
		}
		partnerID = p.ID
	}
	entries, err := s.Directory.Timeline(r.Context(), o.ID, partnerID)
	if err != nil {
		return err
	}
	out := List[TimelineEntry]{Items: make([]TimelineEntry, 0, len(entries))}
	for _, e := range entries {
		out.Items = append(out.Items, entryJSON(e))
	}
	return writeJSON(w, http.StatusOK, out)
}

// timelineCreate serves POST /api/v1/organisations/{slug}/timeline: an editor of any party, or an
// admin.
func (s *Server) timelineCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r)
	if err != nil {
		return err
	}
	var in NewTimelineEntry
	if err := decode(r, &in); err != nil {
		return err
	}
	if len(in.Parties) > directory.MaxParties {
		return citypact.Invalid(citypact.FieldError{Field: "parties", Key: "timeline.two_parties"})
	}
	var d dates
	e := directory.TimelineEntry{Date: d.parse("date", in.Date), Kind: directory.EntryKind(in.Kind), Title: in.Title,
		Description: in.Description, Links: in.Links, Parties: []int64{o.ID}, Source: in.Source, PartyOrgs: []directory.Organisation{o}}
	var unknown bool
	for _, slug := range in.Parties {
		if slug == o.Slug {
			continue // the path's organisation is a party anyway
		}
		p, err := s.refBySlug(r, "parties", slug)
		if citypact.KindOf(err) == citypact.KindInvalid {
			unknown = true
			continue
		}
		if err != nil {
			return err
		}
		e.Parties = append(e.Parties, p.ID)
		e.PartyOrgs = append(e.PartyOrgs, p)
	}
	if err := directory.CanChangeEntry(citypact.ActorFrom(r.Context()), e); err != nil {
		return err
	}
	if unknown {
		return citypact.Invalid(citypact.FieldError{Field: "parties", Key: "org.unknown"})
	}
	if err := d.err(); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if err := s.Directory.AddTimelineEntry(r.Context(), &e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, entryJSON(e))
}
