package directory

import (
	"strings"
	"time"

	"github.com/citypact/citypact"
)

// Region groups countries for browsing (e.g. "Asia-Pacific"). The list is data in the database,
// seeded by a migration; Names holds the region's name per UI language.
type Region struct {
	Key   string
	Names map[string]string // UI language → name
}

// NameIn returns the region's name in lang, else English, else its key.
func (r Region) NameIn(lang string) string {
	if n := r.Names[lang]; n != "" {
		return n
	}
	if n := r.Names["en"]; n != "" {
		return n
	}
	return r.Key
}

// RegionKeys lists the keys of regions, for Organisation.Validate.
func RegionKeys(rs []Region) []string {
	keys := make([]string, len(rs))
	for i, r := range rs {
		keys[i] = r.Key
	}
	return keys
}

// MemberRole is an organisation's standing in a network.
type MemberRole string

const (
	RoleFounding MemberRole = "founding"
	RoleMember   MemberRole = "member"
	RoleObserver MemberRole = "observer"
)

// MemberRoles lists the roles in display order.
var MemberRoles = []MemberRole{RoleFounding, RoleMember, RoleObserver}

// Membership places an organisation in a network for a period.
type Membership struct {
	ID        int64
	NetworkID int64
	MemberID  int64
	Role      MemberRole
	Since     time.Time // zero when unknown
	Until     time.Time // zero while current
	Source    string
	// Filled by queries, not stored.
	Network Organisation
	Member  Organisation
}

// Current reports whether the membership holds on the calendar day of d (its last day included).
func (m Membership) Current(d time.Time) bool {
	if m.Until.IsZero() {
		return true
	}
	y, mo, day := d.Date()
	uy, umo, uday := m.Until.Date()
	return !time.Date(y, mo, day, 0, 0, 0, 0, time.UTC).After(time.Date(uy, umo, uday, 0, 0, 0, 0, time.UTC))
}

// Validate checks a membership against its network: the network must be of kind network, an
// organisation is not its own member, and the period runs forwards.
func (m *Membership) Validate(network Organisation) error {
	var errs []citypact.FieldError
	if network.Kind != KindNetwork {
		errs = append(errs, fe("network", "membership.not_a_network"))
	}
	if m.MemberID == 0 {
		errs = append(errs, fe("member", "field.required"))
	} else if m.MemberID == m.NetworkID {
		errs = append(errs, fe("member", "membership.self"))
	}
	switch m.Role {
	case RoleFounding, RoleMember, RoleObserver:
	default:
		errs = append(errs, fe("role", "field.choice"))
	}
	if !m.Since.IsZero() && !m.Until.IsZero() && m.Until.Before(m.Since) {
		errs = append(errs, fe("until", "date.before_since"))
	}
	errs = append(errs, checkText("source", m.Source, MaxSourceLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CanChangeMembership: the network's own editors (its secretariat) and admins.
func CanChangeMembership(a citypact.Actor, networkID int64) error { return CanEdit(a, networkID) }

// TieKind is the sort of bilateral tie.
type TieKind string

const (
	TieSister     TieKind = "sister"
	TieFriendship TieKind = "friendship"
	TieOther      TieKind = "other" // e.g. a memorandum of understanding
)

// TieKinds lists the kinds in display order.
var TieKinds = []TieKind{TieSister, TieFriendship, TieOther}

// Tie is a bilateral tie between two organisations: one record, seen from both sides. A is
// always the lower id, so the same pair and kind cannot be stored twice.
type Tie struct {
	ID        int64
	A, B      int64
	Kind      TieKind
	Since     time.Time
	Reference string // e.g. the agreement's title or a URL
	Source    string
	// Filled by queries: the other side, as seen from the organisation asked about.
	Partner Organisation
}

// Normalize orders the pair.
func (t *Tie) Normalize() {
	if t.A > t.B {
		t.A, t.B = t.B, t.A
	}
	t.Reference = strings.TrimSpace(t.Reference)
}

// Validate checks a tie.
func (t *Tie) Validate() error {
	var errs []citypact.FieldError
	if t.A == 0 || t.B == 0 {
		errs = append(errs, fe("partner", "field.required"))
	} else if t.A == t.B {
		errs = append(errs, fe("partner", "tie.self"))
	}
	switch t.Kind {
	case TieSister, TieFriendship, TieOther:
	default:
		errs = append(errs, fe("kind", "field.choice"))
	}
	errs = append(errs, checkText("reference", t.Reference, MaxSourceLen, false)...)
	errs = append(errs, checkText("source", t.Source, MaxSourceLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CanChangeTie: an editor of either side, or an admin.
func CanChangeTie(a citypact.Actor, t Tie) error {
	if err := CanEdit(a, t.A); err == nil {
		return nil
	}
	return CanEdit(a, t.B)
}

// ContactTitle is a contact's function.
type ContactTitle string

const (
	TitleMayor              ContactTitle = "mayor"
	TitleDeputyMayor        ContactTitle = "deputy_mayor"
	TitleSpokesperson       ContactTitle = "spokesperson"
	TitleExecutiveDirector  ContactTitle = "executive_director"
	TitleFocalHealth        ContactTitle = "focal_health"
	TitleFocalInternational ContactTitle = "focal_international"
	TitleRepresentative     ContactTitle = "representative"
	TitleSecretaryGeneral   ContactTitle = "secretary_general"
	TitleOther              ContactTitle = "other"
)

// ContactTitles lists the titles in display order.
var ContactTitles = []ContactTitle{TitleMayor, TitleDeputyMayor, TitleSpokesperson, TitleExecutiveDirector,
	TitleSecretaryGeneral, TitleRepresentative, TitleFocalHealth, TitleFocalInternational, TitleOther}

// Contact is a person in an organisation. Name and title are public; Email and Phone are for
// signed-in members only (CanSeeContactDetails), and views strip them for visitors.
type Contact struct {
	ID     int64
	OrgID  int64
	Name   string
	Title  ContactTitle
	Role   string // free text beside the title, e.g. "Director, Department of Information and Tourism"
	Email  string
	Phone  string
	Source string
}

// Public returns the contact without the details visitors may not see.
func (c Contact) Public() Contact {
	c.Email, c.Phone = "", ""
	return c
}

// Validate checks a contact.
func (c *Contact) Validate() error {
	c.Name, c.Email, c.Phone, c.Role = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone), strings.TrimSpace(c.Role)
	var errs []citypact.FieldError
	errs = append(errs, checkText("name", c.Name, MaxNameLen, true)...)
	if !contains(stringsOf(ContactTitles), string(c.Title)) {
		errs = append(errs, fe("title", "field.choice"))
	}
	errs = append(errs, checkText("role", c.Role, MaxNameLen, false)...)
	if c.Email != "" && (len(c.Email) > 254 || !strings.Contains(c.Email, "@") || strings.ContainsAny(c.Email, " \r\n<>,;")) {
		errs = append(errs, fe("email", "email.invalid"))
	}
	if len(c.Phone) > 40 || strings.ContainsAny(c.Phone, "\r\n<>") {
		errs = append(errs, fe("phone", "field.invalid"))
	}
	errs = append(errs, checkText("source", c.Source, MaxSourceLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// EntryKind is the sort of timeline entry.
type EntryKind string

const (
	EntryVisit     EntryKind = "visit"     // a visit or meeting
	EntryGift      EntryKind = "gift"      // a gift, donation or thanks
	EntryAgreement EntryKind = "agreement" // an agreement signed
	EntryStatement EntryKind = "statement" // a joint statement
	EntryOther     EntryKind = "other"
)

// EntryKinds lists the kinds in display order.
var EntryKinds = []EntryKind{EntryVisit, EntryGift, EntryAgreement, EntryStatement, EntryOther}

// TimelineEntry is a dated exchange between two or more organisations.
type TimelineEntry struct {
	ID          int64
	Date        time.Time
	Kind        EntryKind
	Title       string
	Description string
	Links       []string
	Parties     []int64 // organisation ids, at least two
	Source      string
	// Filled by queries.
	PartyOrgs []Organisation
}

// Limits on timeline entries.
const (
	MaxParties = 50
	MaxLinks   = 10
)

// Validate checks an entry.
func (e *TimelineEntry) Validate() error {
	e.Title, e.Description = strings.TrimSpace(e.Title), strings.TrimSpace(e.Description)
	var errs []citypact.FieldError
	if e.Date.IsZero() {
		errs = append(errs, fe("date", "field.required"))
	}
	if !contains(stringsOf(EntryKinds), string(e.Kind)) {
		errs = append(errs, fe("kind", "field.choice"))
	}
	errs = append(errs, checkText("title", e.Title, MaxNameLen, true)...)
	errs = append(errs, checkText("description", e.Description, 5000, false)...)
	seen := map[int64]bool{}
	for _, p := range e.Parties {
		if p <= 0 || seen[p] {
			errs = append(errs, fe("parties", "timeline.parties_invalid"))
			break
		}
		seen[p] = true
	}
	if len(seen) < 2 || len(e.Parties) > MaxParties {
		errs = append(errs, fe("parties", "timeline.two_parties"))
	}
	if len(e.Links) > MaxLinks {
		errs = append(errs, fe("links", "field.invalid"))
	}
	for _, l := range e.Links {
		if !ValidURL(l) {
			errs = append(errs, fe("links", "url.invalid"))
			break
		}
	}
	errs = append(errs, checkText("source", e.Source, MaxSourceLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CanChangeEntry: an editor of any party, or an admin.
func CanChangeEntry(a citypact.Actor, e TimelineEntry) error {
	var last error = citypact.ErrUnauthenticated
	for _, p := range e.Parties {
		if last = CanEdit(a, p); last == nil {
			return nil
		}
	}
	if a.IsAdmin() {
		return nil
	}
	return last
}
