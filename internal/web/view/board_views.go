package view

import (
	"net/url"
	"strconv"
)

// BoardRef is a board as lists and headings name it, in the reader's language.
type BoardRef struct {
	Slug        string
	Kind        string // "questions", "material" or "supply"
	Name        Name
	Description string
	Scope       BoardScope
	Public      bool // anyone may read it: it has an Atom feed
	Locked      bool
	Archived    bool
}

// Href is the board's page.
func (b BoardRef) Href() string { return "/boards/" + b.Slug }

// BoardScope says who reads a board: a translated label, then the organisations it names (the
// network, or the partner of a private channel; both partners for an admin who is neither).
type BoardScope struct {
	Label string
	Orgs  []OrgRef
}

// BoardGroup is the boards of one kind.
type BoardGroup struct {
	Kind    string
	Heading string
	Boards  []BoardRef
}

// BoardsPage lists the boards the reader may see, grouped by kind.
type BoardsPage struct {
	Base
	Groups []BoardGroup
	// Reports links the moderators' queue of reports (editors and admins).
	Reports bool
}

// ThreadRow is one thread in a board's list.
type ThreadRow struct {
	ID       int64
	Title    Name
	Org      OrgRef
	HasOrg   bool
	Status   string // "open", "answered", "locked" or "hidden"
	Waiting  string // how long an unanswered question has waited, or ""
	Answers  string // "3 answers", or ""
	Activity string // the latest activity's date
}

// Href is the thread's page.
func (t ThreadRow) Href() string { return ThreadHref(t.ID) }

// ThreadHref is the page of thread id.
func ThreadHref(id int64) string { return "/threads/" + strconv.FormatInt(id, 10) }

// BoardPage is a board with a page of its threads.
type BoardPage struct {
	Board   BoardRef
	Threads []ThreadRow
	Next    string // the next page's URL, or ""
	First   string // the first page's URL on a later page, or ""
	// CanStart shows the link to start a thread; StartKey is its label's i18n key.
	CanStart bool
	StartKey string
	// Lang is the language filter ("" for every language); Langs its choices.
	Lang  string
	Langs []Option
	// Follow is the reader's follow button for the board (Can false for visitors).
	Follow FollowButton
	Base
}

// FollowButton is a form that follows something, or stops following it.
type FollowButton struct {
	Can       bool   // the reader may follow (signed in)
	Following bool   // the reader follows it now
	Action    string // where the form posts
	Back      string // the page to return to
	Label     string // what is followed, for the button's text ("Seoul", "#masks")
	LabelLang string // lang attribute of Label when it is in another language
}

// SupplyView is a supply thread's structured fields, formatted for the reader.
type SupplyView struct {
	Product        string
	Specification  string
	Supplier       string
	Price          string // the amount and currency ("12.5 KRW"), "Free of charge", or "" when none given
	Amount         Name   // with Unit: the price's amount
	Currency       Name
	Count          Name // the quantity, formatted; "" when not stated
	Unit           Name // what one unit is, in the thread's language; "" for single pieces
	Certifications []string
	ValidUntil     string
	Expired        bool
}

// PostView is one answer or comment.
type PostView struct {
	ID       int64
	Kind     string // "answer" or "comment"
	Org      OrgRef
	HasOrg   bool
	BodyHTML string // sanitised Markdown
	Lang     string // lang attribute of the body, "" when it is the page's
	Accepted bool
	Hidden   bool
	Date     string
	Comments []PostView      // comments under an answer
	Files    []AttachmentRow // the files it links that the reader may download
	// Translation is set when Body is a reader's translation rather than the original.
	Translation *TranslationNote
	// Links under the post for the signed-in reader.
	CanReport    bool
	CanTranslate bool
	CanHide      bool // the reader moderates: a hide or unhide button
}

// TranslationNote marks a text shown in a human translation, with the original one click away.
type TranslationNote struct {
	Language string // the translation's language, named in the page's language
	Original string // the original's language, named in the page's language
	OrigHref string // the page showing the original
	Outdated bool   // the original changed since it was translated
}

// LangLink is one language a thread can be read in.
type LangLink struct {
	Language string
	Href     string
	Original bool
	Shown    bool
}

// Anchor is the post's fragment id.
func (p PostView) Anchor() string { return "post-" + strconv.FormatInt(p.ID, 10) }

// ThreadPage is a thread with its posts.
type ThreadPage struct {
	Base
	Board      BoardRef
	ID         int64
	Heading    Name
	BodyHTML   string
	BodyLang   string
	Org        OrgRef
	HasOrg     bool
	Status     string
	Created    string
	Waiting    string
	Same       string // "2 others have the same question", or ""
	ToOrgs     []OrgRef
	ToPeople   string // "3 people", or ""
	Tags       []string
	Supply     *SupplyView
	Practices  []PracticeRef
	Files      []AttachmentRow // the thread's own files the reader may download
	Posts      []PostView      // the accepted answer first, then the others oldest first
	Hidden     bool
	PostsTitle string
	Question   bool     // on a questions board: posts are answers
	CanPost    bool     // the reply form is shown
	CanAccept  bool     // the reader asked: each answer has an accept button
	PostForm   Form     // the reply form, with its errors when it came back
	Langs      []Option // the reply form's languages
	Accept     string   // the file inputs' accept list
	Locked     bool
	// Translation is set when the title and text are shown in a translation.
	Translation *TranslationNote
	ReadIn      []LangLink // the original and the translations of the thread's text
	SignedIn    bool
	// CanSame shows the "same question" buttons; SameUndo also the one withdrawing the mark.
	CanSame    bool
	SameUndo   bool
	Follow     FollowButton // the thread
	FollowOrg  FollowButton // the organisation that asked
	FollowTags []FollowButton
	Moderator  bool // the reader moderates the board: lock, hide and move
}

// ThreadFormPage is the form to start a thread on a board.
type ThreadFormPage struct {
	Base
	Board      BoardRef
	Heading    string
	Form       Form
	Langs      []Option
	Supply     bool     // a supply board: the form has the structured fields
	Currencies []Option // ISO 4217 codes
	Accept     string   // the file input's accept list
}

// UploadHref is where a board form with a file posts: the board's new-thread path, or the
// thread's posts (answers and comments), whose body limit fits a file (see app.uploadRoutes).
func UploadHref(boardSlug string, threadID int64) string {
	if boardSlug != "" {
		return "/boards/" + url.PathEscape(boardSlug) + "/new"
	}
	return "/threads/" + strconv.FormatInt(threadID, 10) + "/posts"
}

// ThreadLangHref is the page of thread id read in lang ("original" for the original texts).
func ThreadLangHref(id int64, lang string) string {
	return ThreadHref(id) + "?lang=" + url.QueryEscape(lang)
}
