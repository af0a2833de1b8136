// Package directory defines the hub's directory: organisations (cities, networks, governments and
// others) with names in several languages, networks and their memberships, bilateral ties, contacts
// and the partnership timeline; who may change each of them; and the Store they need. It must
// never import net/http or database/sql.
package directory

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
)

// Kind is the sort of organisation.
type Kind string

const (
	KindCity          Kind = "city"
	KindNational      Kind = "national"
	KindNetwork       Kind = "network"
	KindInternational Kind = "international"
	KindNGO           Kind = "ngo"
	KindMission       Kind = "mission"
	KindAcademia      Kind = "academia"
	KindCompany       Kind = "company"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindCity, KindNational, KindNetwork, KindInternational, KindNGO, KindMission, KindAcademia, KindCompany}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Name is an organisation's name in one language. Exactly one name of an organisation is its
// original (the name in its own language), shown beside the reader's.
type Name struct {
	Lang     string // a BCP 47 tag: "en", "ko", "zh-TW", "ja", or another
	Text     string
	Original bool
}

// Organisation is a member of the hub's directory.
type Organisation struct {
	ID               int64
	Slug             string
	Kind             Kind
	Name             string // the original name, kept with the row for lists and sorting
	Names            []Name
	Country          string // ISO 3166-1 alpha-2, upper case; "" for international bodies
	Region           string // a Region key; "" when unknown
	Population       int64  // 0 when unknown
	PopulationYear   int
	PopulationSource string
	Lat, Lon         float64
	HasLocation      bool
	Website          string
	Description      string // Markdown, sanitised when rendered
	Source           string // where the record's facts come from (e.g. a reference document)
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Limits on organisation fields.
const (
	MaxNameLen        = 200
	MaxSlugLen        = 64
	MaxDescriptionLen = 20000
	MaxURLLen         = 500
	MaxSourceLen      = 500
	MaxNames          = 20
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// reservedSlugs are path segments pages use beside /orgs/{slug}.
var reservedSlugs = map[string]bool{"new": true}

// NameIn returns the organisation's name in lang (or its base language), else the original.
func (o Organisation) NameIn(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	fallback := ""
	for _, n := range o.Names {
		if n.Lang == lang {
			return n.Text
		}
		if b, _, _ := strings.Cut(n.Lang, "-"); b == base && fallback == "" {
			fallback = n.Text
		}
	}
	if fallback != "" {
		return fallback
	}
	return o.Name
}

// Original returns the original name and its language.
func (o Organisation) Original() Name {
	for _, n := range o.Names {
		if n.Original {
			return n
		}
	}
	return Name{Text: o.Name}
}

// Normalize trims what users type by accident and keeps Name equal to the original name.
func (o *Organisation) Normalize() {
	o.Slug = strings.ToLower(strings.TrimSpace(o.Slug))
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	o.Region = strings.TrimSpace(o.Region)
	o.Website = strings.TrimSpace(o.Website)
	o.PopulationSource = strings.TrimSpace(o.PopulationSource)
	o.Name = strings.TrimSpace(o.Name)
	for i := range o.Names {
		o.Names[i].Text = strings.TrimSpace(o.Names[i].Text)
		o.Names[i].Lang = strings.TrimSpace(o.Names[i].Lang)
	}
	if len(o.Names) == 0 && o.Name != "" {
		o.Names = []Name{{Lang: "en", Text: o.Name, Original: true}}
	}
	if orig := o.Original(); orig.Text != "" {
		o.Name = orig.Text
	}
	if o.Slug == "" {
		o.Slug = Slugify(o.NameIn("en"))
	}
}

var slugDrop = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify makes a URL slug from a (Latin-script) name; it returns "" when nothing is left.
func Slugify(name string) string {
	s := strings.Trim(slugDrop.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > MaxSlugLen {
		s = strings.TrimRight(s[:MaxSlugLen], "-")
	}
	return s
}

func fe(field, key string, args ...string) citypact.FieldError {
	return citypact.FieldError{Field: field, Key: key, Args: args}
}

func checkText(field, v string, max int, required bool) []citypact.FieldError {
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && required:
		return []citypact.FieldError{fe(field, "field.required")}
	case n > max:
		return []citypact.FieldError{fe(field, "field.too_long", "max", strconv.Itoa(max))}
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return []citypact.FieldError{fe(field, "field.invalid")}
	}
	return nil
}

// ValidURL accepts absolute http(s) URLs only: never javascript: or data: links.
func ValidURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= MaxURLLen &&
		!strings.ContainsAny(s, " \t\r\n<>\"")
}

// Validate returns a KindInvalid error naming each wrong field. regions is the list of known
// region keys (data-driven; see Region).
func (o *Organisation) Validate(regions []string) error {
	var errs []citypact.FieldError
	errs = append(errs, checkText("name", o.Name, MaxNameLen, true)...)
	switch {
	case o.Slug == "":
		errs = append(errs, fe("slug", "field.required"))
	case len(o.Slug) > MaxSlugLen || !slugRE.MatchString(o.Slug) || reservedSlugs[o.Slug]:
		errs = append(errs, fe("slug", "org.slug_invalid"))
	}
	if !o.Kind.Valid() {
		errs = append(errs, fe("kind", "field.choice"))
	}
	originals, seen := 0, map[string]bool{}
	if len(o.Names) > MaxNames {
		errs = append(errs, fe("names", "org.names_too_many", "max", strconv.Itoa(MaxNames)))
	}
	for _, n := range o.Names {
		if n.Original {
			originals++
		}
		if !validLangTag(n.Lang) || seen[n.Lang] {
			errs = append(errs, fe("names", "org.name_lang_invalid"))
			break
		}
		seen[n.Lang] = true
		if e := checkText("names", n.Text, MaxNameLen, true); e != nil {
			errs = append(errs, e...)
			break
		}
	}
	if len(o.Names) > 0 && originals != 1 {
		errs = append(errs, fe("names", "org.one_original"))
	}
	if o.Country != "" && !ValidCountry(o.Country) {
		errs = append(errs, fe("country", "org.country_invalid"))
	}
	if o.Region != "" && !contains(regions, o.Region) {
		errs = append(errs, fe("region", "field.choice"))
	}
	if o.Population < 0 || o.Population > 10_000_000_000 {
		errs = append(errs, fe("population", "field.invalid"))
	}
	if o.Population > 0 && (o.PopulationYear < 1800 || o.PopulationYear > 2100) {
		errs = append(errs, fe("population_year", "field.range", "min", "1800", "max", "2100"))
	}
	errs = append(errs, checkText("population_source", o.PopulationSource, MaxSourceLen, false)...)
	if o.HasLocation && (o.Lat < -90 || o.Lat > 90 || o.Lon < -180 || o.Lon > 180) {
		errs = append(errs, fe("location", "org.location_invalid"))
	}
	if o.Website != "" && !ValidURL(o.Website) {
		errs = append(errs, fe("website", "url.invalid"))
	}
	errs = append(errs, checkText("description", o.Description, MaxDescriptionLen, false)...)
	errs = append(errs, checkText("source", o.Source, MaxSourceLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

var langTagRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

func validLangTag(s string) bool { return len(s) <= 35 && langTagRE.MatchString(s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CanCreate: only the secretariat adds organisations.
func CanCreate(a citypact.Actor) error {
	if !a.IsAdmin() {
		return citypact.Forbidden("only admins add organisations")
	}
	return nil
}

// CanEdit: admins edit any organisation; editors only their own.
func CanEdit(a citypact.Actor, orgID int64) error {
	if a.IsAdmin() || (a.Role == citypact.RoleEditor && a.OrgID == orgID) {
		return nil
	}
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return citypact.Forbidden("not this organisation's editor")
}

// CanDelete: only admins remove organisations, and only ones nothing refers to (the store
// refuses those with a conflict).
func CanDelete(a citypact.Actor) error { return CanCreate(a) }

// CanSeeContactDetails: e-mail addresses and phone numbers are for signed-in members only.
func CanSeeContactDetails(a citypact.Actor) bool { return a.SignedIn() }

// Filter narrows the directory.
type Filter struct {
	Kind    Kind
	Country string
	Region  string
	Network int64  // members of this network
	Query   string // a name in any language
	Page    citypact.Page
}

// Store keeps the directory. Errors: a missing record is KindNotFound; a taken slug or a
// duplicate tie or membership is KindInvalid on its field; deleting an organisation others refer to
// is KindConflict ("org.in_use"). Methods that change data take the actor from ctx and write an
// audit row in the same transaction.
type Store interface {
	CreateOrganisation(ctx context.Context, o *Organisation) error
	UpdateOrganisation(ctx context.Context, o *Organisation) error
	DeleteOrganisation(ctx context.Context, id int64) error
	OrganisationBySlug(ctx context.Context, slug string) (Organisation, error)
	OrganisationByID(ctx context.Context, id int64) (Organisation, error)
	ListOrganisations(ctx context.Context, p citypact.Page) ([]Organisation, error)
	// FindOrganisations lists organisations matching f, ordered by original name, with names.
	FindOrganisations(ctx context.Context, f Filter) ([]Organisation, error)
	Regions(ctx context.Context) ([]Region, error)
	// Countries lists the distinct country codes organisations are in, sorted.
	Countries(ctx context.Context) ([]string, error)
	// ImportOrganisations creates or updates (by slug) every organisation in one transaction:
	// all of them or none. Callers validate first.
	ImportOrganisations(ctx context.Context, orgs []Organisation) (created, updated int, err error)

	AddMembership(ctx context.Context, m *Membership) error
	UpdateMembership(ctx context.Context, m *Membership) error
	DeleteMembership(ctx context.Context, id int64) error
	Membership(ctx context.Context, id int64) (Membership, error)
	// Memberships lists the members of a network (networkID) or the networks of an organisation
	// (memberID); exactly one of them is non-zero.
	Memberships(ctx context.Context, networkID, memberID int64) ([]Membership, error)

	AddTie(ctx context.Context, t *Tie) error
	DeleteTie(ctx context.Context, id int64) error
	Tie(ctx context.Context, id int64) (Tie, error)
	Ties(ctx context.Context, orgID int64) ([]Tie, error)

	AddContact(ctx context.Context, c *Contact) error
	UpdateContact(ctx context.Context, c *Contact) error
	DeleteContact(ctx context.Context, id int64) error
	Contact(ctx context.Context, id int64) (Contact, error)
	Contacts(ctx context.Context, orgID int64) ([]Contact, error)

	AddTimelineEntry(ctx context.Context, e *TimelineEntry) error
	UpdateTimelineEntry(ctx context.Context, e *TimelineEntry) error
	DeleteTimelineEntry(ctx context.Context, id int64) error
	TimelineEntry(ctx context.Context, id int64) (TimelineEntry, error)
	// Timeline lists entries involving orgID, newest first; with partnerID, only those both share.
	Timeline(ctx context.Context, orgID, partnerID int64) ([]TimelineEntry, error)
}
