package view

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

// Name is a name as a page shows it. Lang is set when the name is not in the page's language, so
// the template can mark it with a lang attribute (서울특별시 inside an English page is read by a
// Korean voice and drawn in a Korean font).
type Name struct {
	Text string
	Lang string
}

// OrgRef is an organisation as lists and headings show it, with everything already in the
// reader's language.
type OrgRef struct {
	ID       int64
	Slug     string
	Kind     directory.Kind
	Name     Name // in the reader's language, else the original
	Original Name // the original name when it differs from Name; Text is "" otherwise
	Country  string
	Region   string
}

// Href is the organisation's page.
func (o OrgRef) Href() string { return "/orgs/" + o.Slug }

// NamedIn returns the name of o to show on a page in lang, and its original when that differs.
func NamedIn(o directory.Organisation, lang i18n.Lang) (shown, original Name) {
	orig := o.Original()
	pick := orig
	found := false
	for _, n := range o.Names {
		if n.Lang == string(lang) {
			pick, found = n, true
			break
		}
	}
	if !found {
		for _, n := range o.Names {
			if sameLanguage(n.Lang, lang) {
				pick = n
				break
			}
		}
	}
	shown = Name{Text: pick.Text, Lang: otherLang(pick.Lang, lang)}
	if shown.Text == "" {
		shown.Text = o.Name
	}
	if orig.Text != "" && orig.Text != shown.Text {
		original = Name{Text: orig.Text, Lang: otherLang(orig.Lang, lang)}
	}
	return shown, original
}

// sameLanguage reports whether a name's tag may stand for the page's language: the same base
// language, and for Chinese the same (Traditional) script, so a Simplified name is not shown as
// if it were the Taiwanese one.
func sameLanguage(tag string, lang i18n.Lang) bool {
	base, rest, _ := strings.Cut(tag, "-")
	pbase, _, _ := strings.Cut(string(lang), "-")
	if base != pbase {
		return false
	}
	if base == "zh" {
		switch strings.ToUpper(rest) {
		case "TW", "HK", "MO", "HANT", "HANT-TW", "HANT-HK", "HANT-MO":
			return true
		}
		return false
	}
	return true
}

// otherLang returns tag when it is not the page's language, else "".
func otherLang(tag string, lang i18n.Lang) string {
	if tag == "" || tag == lang.HTMLLang() {
		return ""
	}
	return tag
}

// MakeOrgRef fills an OrgRef for a page in lang; regions maps region keys to regions.
func MakeOrgRef(o directory.Organisation, lang i18n.Lang, regions map[string]directory.Region) OrgRef {
	ref := OrgRef{ID: o.ID, Slug: o.Slug, Kind: o.Kind}
	ref.Name, ref.Original = NamedIn(o, lang)
	if o.Country != "" {
		ref.Country = directory.CountryName(o.Country, string(lang))
	}
	if o.Region != "" {
		if r, ok := regions[o.Region]; ok {
			ref.Region = r.NameIn(string(lang))
		} else {
			ref.Region = o.Region
		}
	}
	return ref
}

var langNamers sync.Map // i18n.Lang → display.Namer

// LanguageName returns the name of the language a BCP 47 tag names, in the page's language
// ("ko" on an English page: "Korean"), or the tag itself when it is unknown.
func LanguageName(tag string, page i18n.Lang) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	n, ok := langNamers.Load(page)
	if !ok {
		pt, err := language.Parse(string(page))
		if err != nil {
			pt = language.English
		}
		n, _ = langNamers.LoadOrStore(page, display.Tags(pt))
	}
	if s := n.(display.Namer).Name(t); s != "" {
		return s
	}
	return tag
}

// Option is one choice of a select or a datalist.
type Option struct {
	Value string
	Label string
	Lang  string // set when the label is in another language than the page
}

// DirectoryQuery is the directory's filter as it stands in the URL.
type DirectoryQuery struct {
	Q       string
	Kind    string
	Country string
	Region  string
	Network string // the network's slug
}

// DirectoryPage lists organisations with filters.
type DirectoryPage struct {
	Base
	Query     DirectoryQuery
	Kinds     []directory.Kind
	Countries []Option
	Regions   []Option
	Networks  []Option
	Results   []OrgRef
	Next      string // query string of the next page, or ""
	First     string // the first page's URL when this is a later one, or ""
	CSV       string // the CSV export's URL with the same filters
	CanCreate bool
}

// Filtered reports whether any filter is set.
func (p DirectoryPage) Filtered() bool {
	q := p.Query
	return q.Q != "" || q.Kind != "" || q.Country != "" || q.Region != "" || q.Network != ""
}

// TieRow is one tie as seen from one side.
type TieRow struct {
	ID        int64
	Partner   OrgRef
	Kind      directory.TieKind
	Since     string // formatted for the reader, or ""
	Reference string
	RefURL    bool // Reference is a web address
	CanDelete bool
}

// MembershipRow is one membership, from the member's side or the network's.
type MembershipRow struct {
	ID      int64
	Org     OrgRef // the network (on an organisation page) or the member (on a network page)
	Role    directory.MemberRole
	Since   string
	Until   string
	Current bool
}

// EntryRow is one timeline entry.
type EntryRow struct {
	ID              int64
	Date            string
	ISODate         string
	Kind            directory.EntryKind
	Title           string
	DescriptionHTML string // sanitised HTML from Markdown
	Parties         []OrgRef
	Links           []string
	CanDelete       bool
}

// NamedValue is a name with the language it is written in, for the list of names.
type NamedValue struct {
	Language string // the language's name in the reader's language
	Name     Name
	Original bool
}

// OrgPage shows one organisation.
type OrgPage struct {
	Base
	Org             OrgRef
	Names           []NamedValue
	Population      string // formatted, or ""
	PopulationYear  string
	PopulationSrc   string
	Website         string
	Location        string
	DescriptionHTML string
	Source          string
	Ties            []TieRow
	Networks        []MembershipRow
	Contacts        []directory.Contact // stripped of e-mail and phone for visitors
	ShowDetails     bool                // the reader may see e-mail and phone
	Timeline        []EntryRow
	CanEdit         bool
	CanDelete       bool
	Areas           []AreaRef    // the organisation's areas with daily numbers
	CanPublish      bool         // an editor may start publishing daily numbers (no area yet)
	Follow          FollowButton // signed-in readers follow the organisation's new threads
}

// IsNetwork reports whether the organisation is a network, which has a members page.
func (p OrgPage) IsNetwork() bool { return p.Org.Kind == directory.KindNetwork }

// PartnerPage is the history of one relationship.
type PartnerPage struct {
	Base
	Org      OrgRef
	Partner  OrgRef
	Ties     []TieRow
	Timeline []EntryRow
	Networks []OrgRef // networks both belong to
	// The two organisations' private channel (a board only their staff read), for their staff:
	// ChannelHref when it is open, else CanOpenChannel for their editors when a sister or
	// friendship tie joins them (the tie opens it).
	ChannelHref    string
	CanOpenChannel bool
}

// MemberGroup is a network's members in one region.
type MemberGroup struct {
	ID      string // for aria-labelledby
	Region  string
	Count   string
	Members []MembershipRow
}

// NetworkPage lists a network's members by region.
type NetworkPage struct {
	Base
	Network OrgRef
	Summary string
	Groups  []MemberGroup
	Former  []MembershipRow
	CanEdit bool
}

// NameRow is one row of the names in the organisation form.
type NameRow struct {
	Index    int
	Lang     string
	Text     string
	Original bool
}

// Key is the row's number in the form's field names.
func (r NameRow) Key() string { return itoa(int64(r.Index)) }

// Number is the row's number as people count.
func (r NameRow) Number() string { return itoa(int64(r.Index + 1)) }

// OrgFormPage adds or changes an organisation.
type OrgFormPage struct {
	Base
	New       bool
	Org       OrgRef // the organisation being changed; zero when New
	Form      Form
	Names     []NameRow
	Kinds     []directory.Kind
	Countries []Option
	Regions   []Option
	Identity  bool // the reader may change slug and kind (admins)
	CanDelete bool
}

// Action is where the form posts.
func (p OrgFormPage) Action() string {
	if p.New {
		return "/orgs/new"
	}
	return "/orgs/" + p.Org.Slug + "/edit"
}

// OrgDeletePage asks before removing an organisation, and explains a refusal.
type OrgDeletePage struct {
	Base
	Org   OrgRef
	InUse bool // the last attempt was refused: others refer to it
}

// ContactFormPage adds or changes a contact.
type ContactFormPage struct {
	Base
	Org       OrgRef
	ContactID int64 // 0 for a new contact
	Form      Form
}

// Action is where the form posts.
func (p ContactFormPage) Action() string {
	if p.ContactID == 0 {
		return p.Org.Href() + "/contacts"
	}
	return p.Org.Href() + "/contacts/" + itoa(p.ContactID)
}

// TieFormPage adds a tie.
type TieFormPage struct {
	Base
	Org      OrgRef
	Form     Form
	Partners []Option
}

// EntryFormPage adds a timeline entry.
type EntryFormPage struct {
	Base
	Org      OrgRef
	Form     Form
	Partners []Option
}

// MembershipFormPage adds a member to a network.
type MembershipFormPage struct {
	Base
	Network    OrgRef
	Form       Form
	Candidates []Option
}

// msgPart is a piece of a translated message: literal text, or the name of a placeholder.
type msgPart struct {
	Text string
	Slot string
}

// parts splits a message at its {placeholders}, so a template can put marked-up names (with
// their lang attributes) where plain T would only insert text.
func parts(msg string) []msgPart {
	var out []msgPart
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			break
		}
		if i > 0 {
			out = append(out, msgPart{Text: msg[:i]})
		}
		out = append(out, msgPart{Slot: msg[i+1 : i+j]})
		msg = msg[i+j+1:]
	}
	if msg != "" {
		out = append(out, msgPart{Text: msg})
	}
	return out
}

// The catalogue keys of the directory's enumerations. A key may not end in ".other", which
// the catalogue reserves for plural forms, so "other" gets a longer name.
func kindKey(k directory.Kind) string             { return "org_kind." + string(k) }
func tieKindKey(k directory.TieKind) string       { return "tie_kind." + otherKey(string(k), "kind") }
func memberRoleKey(r directory.MemberRole) string { return "member_role." + string(r) }
func titleKey(t directory.ContactTitle) string {
	return "contact_title." + otherKey(string(t), "title")
}
func entryKindKey(k directory.EntryKind) string { return "entry_kind." + otherKey(string(k), "kind") }

func otherKey(v, what string) string {
	if v == "other" {
		return "other_" + what
	}
	return v
}

func kindOptions(b Base, kinds []directory.Kind) []Option {
	out := make([]Option, len(kinds))
	for i, k := range kinds {
		out[i] = Option{Value: string(k), Label: b.T(kindKey(k))}
	}
	return out
}

func tieKindOptions(b Base) []Option {
	out := make([]Option, len(directory.TieKinds))
	for i, k := range directory.TieKinds {
		out[i] = Option{Value: string(k), Label: b.T(tieKindKey(k))}
	}
	return out
}

func memberRoleOptions(b Base) []Option {
	out := make([]Option, len(directory.MemberRoles))
	for i, r := range directory.MemberRoles {
		out[i] = Option{Value: string(r), Label: b.T(memberRoleKey(r))}
	}
	return out
}

func titleOptions(b Base) []Option {
	out := make([]Option, len(directory.ContactTitles))
	for i, t := range directory.ContactTitles {
		out[i] = Option{Value: string(t), Label: b.T(titleKey(t))}
	}
	return out
}

func entryKindOptions(b Base) []Option {
	out := make([]Option, len(directory.EntryKinds))
	for i, k := range directory.EntryKinds {
		out[i] = Option{Value: string(k), Label: b.T(entryKindKey(k))}
	}
	return out
}
