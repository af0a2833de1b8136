package view

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/citypact/citypact/internal/search"
)

// PracticeRef is a practice as lists, lineage and handbooks name it, in the reader's language.
type PracticeRef struct {
	ID     int64
	Slug   string
	Title  Name   // the title in the reader's language when translated, else the original's
	Owner  OrgRef // the owning organisation
	Status string // "draft", "published" or "retired"
}

// Href is the practice's page: by its slug when it has one.
func (p PracticeRef) Href() string { return PracticeHref(p.ID, p.Slug) }

// PracticeHref is the page of the practice id with slug ("" for none).
func PracticeHref(id int64, slug string) string {
	if slug != "" {
		return "/practices/" + slug
	}
	return "/practices/" + strconv.FormatInt(id, 10)
}

// statusKey is the i18n key of a practice status.
func statusKey(s string) string { return "practice.status." + s }

// LibraryQuery is the library's search and filters as they stand in the URL.
type LibraryQuery struct {
	Q        string
	Category string
	Org      string // the owner's slug
	Country  string // ISO 3166-1 alpha-2
	Lang     string // a BCP 47 tag
	SDG      string // a target code
	From     string // in force on or after (YYYY-MM-DD)
	To       string // in force on or before
}

// Values returns the query as form values, for the filter form.
func (q LibraryQuery) Values() map[string]string {
	return map[string]string{"q": q.Q, "category": q.Category, "org": q.Org, "country": q.Country, "lang": q.Lang,
		"sdg": q.SDG, "from": q.From, "to": q.To}
}

// Filtered reports whether anything narrows the list.
func (q LibraryQuery) Filtered() bool { return q != LibraryQuery{} }

// OptGroup is a labelled group of options (an SDG with its targets).
type OptGroup struct {
	Label   string
	Options []Option
}

// LibraryResult is one practice in the library's list.
type LibraryResult struct {
	Practice PracticeRef
	Summary  Name             // without a search: the summary, in the language shown
	Snippet  []search.Segment // with a search: the text around the match, the matches marked
	Lang     string           // lang attribute of the snippet, "" when it is the page's
	Category string
	Period   string
	Date     string // when it was last published
	Text     string // the language of the text that matched when it is a translation, which the link opens
}

// Href is the result's link: the practice's page, in the language that matched.
func (r LibraryResult) Href() string {
	if r.Text == "" {
		return r.Practice.Href()
	}
	return r.Practice.Href() + "?lang=" + url.QueryEscape(r.Text)
}

// LibraryPage is the countermeasure library: search, filters and results.
type LibraryPage struct {
	Base
	Query      LibraryQuery
	Form       Form // the filters' values and errors
	Categories []Option
	Countries  []Option
	Langs      []Option
	Goals      []OptGroup
	Orgs       []Option // suggestions for the organisation filter
	Results    []LibraryResult
	Count      string // "12", or "200+" when the search stopped counting
	Searched   bool   // results are ranked by relevance
	Next       string // the next page's URL, or ""
	First      string // the first page's URL on a later page, or ""
	Drafts     []PracticeRef
	Handbooks  []HandbookRef // the reader's organisation's handbooks and those shared with it
	Retired    bool          // retired practices are listed too
	CanCreate  bool
}

// HandbookRef names a handbook in a list.
type HandbookRef struct {
	ID    int64
	Title string
	Owner OrgRef
}

// Href is the handbook's page.
func (h HandbookRef) Href() string { return "/handbooks/" + itoa(h.ID) }

// SDGRef is an SDG target a practice contributes to.
type SDGRef struct {
	Code  string
	Title string // English, as the UN titles it; may be empty
	Goal  string // the goal's name in the reader's language
}

// AttachmentRow is a practice's file.
type AttachmentRow struct {
	ID        int64
	Name      string
	Type      string // a readable kind: "PDF", "Image (PNG)", ...
	Size      string
	Href      string
	CanDelete bool
}

// TranslationRow is one translation in a practice's list.
type TranslationRow struct {
	Lang     string // the tag
	Language string // its name in the reader's language
	Href     string // the practice in that language
	Version  string
	Outdated bool
	Shown    bool // the text on the page is this one
}

// PracticePage is one practice, in the reader's language.
type PracticePage struct {
	Base
	Practice PracticeRef
	// Questions are the board threads that link the practice, as the reader may see them.
	Questions []ThreadRow
	// The text shown: a translation in the reader's language when there is one.
	TextLang    string // lang attribute of the text, "" when it is the page's
	Summary     string
	BodyHTML    string // sanitised HTML rendered from Markdown
	Translated  bool   // a translation is shown
	Outdated    bool   // the translation shown is of an older version
	TransOf     string // the version the translation shown translates
	OrigHref    string // the original text
	OrigLang    string // the original's language, named in the reader's language
	Missing     bool   // the reader asked for a language the practice has no translation in
	MissingLang string // that language, named

	Category     string
	Tags         []string
	Period       string
	SDGs         []SDGRef
	Visibility   string
	Version      string
	Published    string
	Updated      string
	Sources      []PracticeRef // adapted from
	Adaptations  []PracticeRef // adapted by
	Attachments  []AttachmentRow
	Translations []TranslationRow
	// Changed is set when a follower opens a practice with versions newer than the one they last
	// read: the diff from that one to the current one.
	ChangedHref string
	ChangedFrom string

	CanFollow    bool
	Following    bool
	CanEdit      bool
	CanTranslate bool
	Upload       Form // the attachment form, with its error
	Publish      Form // the publish form of a draft, with its error
	Accept       string
}

// IsDraft, IsRetired say where the practice is in its life.
func (p PracticePage) IsDraft() bool   { return p.Practice.Status == "draft" }
func (p PracticePage) IsRetired() bool { return p.Practice.Status == "retired" }

// HasVersions reports whether the practice has been published.
func (p PracticePage) HasVersions() bool { return p.Version != "" }

// PracticeFormPage creates a practice or changes one.
type PracticeFormPage struct {
	Base
	New          bool
	Practice     PracticeRef // when changing one
	Draft        bool        // the practice is a draft (or new): it can be saved without publishing
	Form         Form
	Categories   []Option
	Visibilities []Option
	Langs        []Option
	Owners       []Option // for admins creating a practice: the organisations it may belong to
}

// Action is where the form posts.
func (p PracticeFormPage) Action() string {
	if p.New {
		return "/practices/new"
	}
	return p.Practice.Href() + "/edit"
}

// VersionRow is one published version.
type VersionRow struct {
	Number   string
	At       string
	Note     string
	DiffHref string // the change from the version before, "" for the first
	Current  bool
}

// VersionsPage is a practice's history.
type VersionsPage struct {
	Base
	Practice PracticeRef
	Versions []VersionRow
}

// DiffPart is a run of a field's text that both versions hold, or only one.
type DiffPart struct {
	Op   string // "equal", "insert" or "delete"
	Text string
}

// DiffField is one field of a diff.
type DiffField struct {
	Key     string // i18n key of the field's name
	Changed bool
	Parts   []DiffPart
}

// DiffPage compares two versions of a practice.
type DiffPage struct {
	Base
	Practice PracticeRef
	Form     Form // from, to and their errors
	Versions []Option
	From     string
	To       string
	FromDate string
	ToDate   string
	Fields   []DiffField
	Shown    bool
}

// TranslationFormPage adds or updates a practice's translation.
type TranslationFormPage struct {
	Base
	Practice     PracticeRef
	Form         Form
	Langs        []Option
	OrigLang     string // the original's language tag, for its lang attribute
	OrigSummary  string
	OrigBodyHTML string
	Version      string
}

// HandbookItem is one practice of a handbook, printed in full.
type HandbookItem struct {
	Anchor     string
	Practice   PracticeRef
	TextLang   string
	Summary    string
	BodyHTML   string
	Category   string
	Period     string
	Translated bool
	Outdated   bool
	Retired    bool
}

// OpenRow is an organisation that opened a handbook.
type OpenRow struct {
	Org   OrgRef
	First string
	Last  string
}

// HandbookPage is a handbook: its practices in order, ready to print.
type HandbookPage struct {
	Base
	ID         int64
	Summary    string
	Owner      OrgRef
	Visibility string
	Items      []HandbookItem
	Hidden     int // items the reader may not see
	SharedWith []OrgRef
	Opens      []OpenRow
	ShowOpens  bool
	CanEdit    bool
	Updated    string
}

// Href is the handbook's page.
func (p HandbookPage) Href() string { return "/handbooks/" + itoa(p.ID) }

// HandbookFormPage creates or changes a handbook.
type HandbookFormPage struct {
	Base
	ID           int64 // 0 for a new one
	Form         Form
	Visibilities []Option
	Orgs         []Option // suggestions for sharing (and for admins, the owner)
	ChooseOwner  bool     // an admin creating a handbook names its owner
}

// Action is where the form posts.
func (p HandbookFormPage) Action() string {
	if p.ID == 0 {
		return "/handbooks/new"
	}
	return "/handbooks/" + itoa(p.ID) + "/edit"
}

// snippetHTML writes a search snippet with its matches in <mark>, every piece escaped. It is
// built as one string because the spaces between pieces are part of the text.
func snippetHTML(segs []search.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Hit {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(s.Text))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(s.Text))
		}
	}
	return b.String()
}

// diffHTML writes a field's diff: insertions in <ins>, deletions in <del>, each announced to
// screen readers by visually hidden words where it starts and ends (most do not announce ins and
// del by themselves), every piece escaped.
func diffHTML(b Base, parts []DiffPart) string {
	var sb strings.Builder
	mark := func(tag, start, end, text string) {
		sb.WriteString("<" + tag + `><span class="visually-hidden">` + html.EscapeString(b.T(start)) + " </span>")
		sb.WriteString(html.EscapeString(text))
		sb.WriteString(`<span class="visually-hidden"> ` + html.EscapeString(b.T(end)) + "</span></" + tag + ">")
	}
	for _, p := range parts {
		switch p.Op {
		case "insert":
			mark("ins", "diff.inserted_start", "diff.inserted_end", p.Text)
		case "delete":
			mark("del", "diff.deleted_start", "diff.deleted_end", p.Text)
		default:
			sb.WriteString(html.EscapeString(p.Text))
		}
	}
	return sb.String()
}

// urlQuery escapes a value for a URL's query string.
func urlQuery(s string) string { return url.QueryEscape(s) }
