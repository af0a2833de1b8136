package practice

import (
	"context"
	"io"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/search"
)

// Filter narrows a list of practices. Lists hold only what the actor in ctx may see
// (CanSeePractice, as a predicate in the query).
type Filter struct {
	Owner    int64  // practices of this organisation
	Category string // a category key
	Tag      string // a normalised tag
	SDG      string // an SDG target code
	Lang     string // in this language: the original's, or a translation's
	Status   Status // "" lists published ones; Draft lists the actor's organisation's drafts
	Retired  bool   // with Status "", include retired ones
	Query    string // full text, through the search index (title, summary, body, tags, translations)
	// Page: newest first, by id descending; Page.After is the last id seen, and the next page
	// holds smaller ids.
	Page citypact.Page
}

// Related is what a practice page shows beside the practice.
type Related struct {
	Translations []Translation // by language
	Attachments  []Attachment  // oldest first
	// Sources are the practices it was adapted from, in the author's order; Adaptations those
	// adapted from it, newest first: each only those the actor may see, without their tags, SDG
	// targets and lineage.
	Sources, Adaptations []Practice
}

// HandbookFilter narrows a list of handbooks, which lists only those the actor may see
// (CanSeeHandbook).
type HandbookFilter struct {
	Owner      int64 // handbooks of this organisation
	SharedWith int64 // handbooks shared with this organisation
	Practice   int64 // handbooks holding this practice
	Page       citypact.Page
}

// SearchQuery is a full-text search of the library, with filters. Only practices the actor may
// see are found (CanSeePractice), published ones, and retired ones with Retired.
type SearchQuery struct {
	Text       string // what the user typed, read by search.Parse (no query syntax)
	Category   string // a category key
	Lang       string // the matching document's language: the original's or a translation's
	SDG        string // an SDG target code
	Owner      int64  // practices of this organisation
	Country    string // practices of organisations in this country (ISO 3166 alpha-2)
	PeriodFrom time.Time
	PeriodTo   time.Time // with PeriodFrom, practices whose period overlaps these days
	Retired    bool      // include retired practices
	Limit      int       // hits wanted: DefaultSearchLimit when ≤ 0, at most MaxSearchLimit
}

// Search limits. SearchCandidates bounds the documents one search ranks and counts: beyond it,
// the newest ones are ranked and the total is a lower bound (SearchResult.TotalCapped, "500+").
// Five times the most results a search shows; ranking costs in proportion to it (with 100,000
// practices, a term in 829 of them took 10 ms to rank in full on SQLite, over the 10 ms target).
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
	SearchCandidates   = 500
)

// Hit is one practice a search found, through its best-matching document: the original or one
// of its translations.
type Hit struct {
	Practice Practice
	Lang     string // the matching document's language
	Title    string // in Lang
	Summary  string // in Lang
	Score    float64
	// Snippet is a piece of the document's text around the first match, matches marked.
	Snippet []search.Segment
}

// SearchResult is a page of hits, best first, and how many practices matched.
type SearchResult struct {
	Hits  []Hit
	Total int
	// TotalCapped: more documents matched than a search counts, so Total is a lower bound
	// (show it as "N+").
	TotalCapped bool
}

// Store keeps the practice library.
//
// Who: every method takes the actor from ctx and applies this package's rules itself, not only
// the handlers: reads through CanSeePractice / CanSeeHandbook, computed from Relations the store
// fills for the actor's organisation (or the same rule as an SQL predicate; see CanSee), and
// changes through CanEdit / CanChange / CanTranslate / CanChangeHandbook. Methods that change
// data write an audit row in the same transaction.
//
// Errors:
//   - What does not exist, or exists but the actor may not see, is KindNotFound: the two are
//     indistinguishable, so ids cannot be probed. "Not found" is an error, never a zero value
//     with a nil error (except ReadState, whose zero value means "never read").
//   - What the actor sees but may not change is KindForbidden; a visitor changing anything gets
//     citypact.ErrUnauthenticated.
//   - Input is validated by the store too (Practice.Validate with the stored Choices,
//     Translation.Validate, Handbook.Validate, CheckLineage, CheckQuota); what only the store
//     can know is KindInvalid on its field: a taken slug ("slug", "practice.slug_taken"), an
//     adapted-from practice that is missing, invisible, a draft or the owner's own
//     ("adapted_from", see CheckLineage), a handbook item the actor cannot see ("items",
//     "practice.handbook_item_invalid"), an unknown organisation to share with ("shared_with",
//     "practice.handbook_share_invalid"), an unknown network ("visibility",
//     "practice.network_invalid"), the quota reached ("file", "practice.file_quota").
//   - State clashes are KindConflict: SaveDraft or DeleteDraft on a practice that is not a
//     draft ("practice.not_draft"); Publish from a stale version or of a retired practice
//     (PlanPublish: "practice.stale", "practice.retired"); a status change CanSetStatus refuses
//     ("practice.status_invalid"); translating or subscribing to a draft
//     ("practice.not_published").
type Store interface {
	// CreatePractice stores p as a new draft (Status Draft, Version 0, whatever p says) and sets
	// its ID and times.
	CreatePractice(ctx context.Context, p *Practice) error
	// SaveDraft changes every field of a draft in place; no version is written.
	SaveDraft(ctx context.Context, p *Practice) error
	// Publish makes p's fields the practice's current state in one transaction, as PlanPublish
	// decides: when it gives a version number, it writes that version with the actor as editor
	// and note, raises Practice.Version to it (so every translation becomes Outdated), sets
	// PublishedAt on the first publication, updates the search index, and enqueues the
	// notification of subscribers (sent by a job after commit, to those who may still see the
	// practice); otherwise it updates the other fields only and writes no version. p.Status
	// becomes Published; p.Version must be the version the editor started from. It returns the
	// current version.
	Publish(ctx context.Context, p *Practice, note string) (Version, error)
	// SetStatus retires or republishes (CanSetStatus); no version is written.
	SetStatus(ctx context.Context, id int64, s Status) error
	// DeleteDraft deletes a draft never published, with its attachments.
	DeleteDraft(ctx context.Context, id int64) error
	Practice(ctx context.Context, id int64) (Practice, error)
	PracticeBySlug(ctx context.Context, slug string) (Practice, error)
	Practices(ctx context.Context, f Filter) ([]Practice, error)

	// Versions lists a practice's versions, newest first; Version returns one by number.
	// Versions are those of a practice the actor may see, or KindNotFound.
	Versions(ctx context.Context, practiceID int64) ([]Version, error)
	Version(ctx context.Context, practiceID int64, number int) (Version, error)

	// SaveTranslation creates or replaces the translation of t.PracticeID in t.Lang, with the
	// actor as translator (CanTranslate, Translation.Validate); it updates the search index.
	SaveTranslation(ctx context.Context, t *Translation) error
	DeleteTranslation(ctx context.Context, practiceID int64, lang string) error
	// Translations lists a practice's translations, by language.
	Translations(ctx context.Context, practiceID int64) ([]Translation, error)

	// SaveAttachment stores content for practice a.PracticeID, with a's record as CheckUpload
	// returned it, setting a.OwnerID to the practice's owner, a.ID and a.At. It verifies while
	// writing that content is exactly a.Size bytes hashing to a.SHA256 (what is stored is what
	// was checked; a mismatch is an internal error), and re-checks the owner's quota (CheckQuota
	// with lim.Quota) in the same transaction.
	SaveAttachment(ctx context.Context, a *Attachment, content io.Reader, lim Limits) error
	DeleteAttachment(ctx context.Context, id int64) error
	Attachments(ctx context.Context, practiceID int64) ([]Attachment, error)
	// AttachmentContent opens an attachment's content for download; the caller closes it.
	AttachmentContent(ctx context.Context, id int64) (Attachment, io.ReadCloser, error)
	// AttachmentUsage is the bytes of all attachments of an organisation, for CheckUpload.
	AttachmentUsage(ctx context.Context, ownerID int64) (int64, error)

	// Related returns what a practice page shows beside p, as Translations and Attachments
	// return them, and its lineage. p is the practice as Practice or PracticeBySlug returned it
	// to the same actor: whether the actor may see it is decided again on it, without reading
	// it twice.
	Related(ctx context.Context, p Practice) (Related, error)

	CreateHandbook(ctx context.Context, h *Handbook) error
	// UpdateHandbook replaces the title, summary, items (and their order), shares and
	// visibility.
	UpdateHandbook(ctx context.Context, h *Handbook) error
	DeleteHandbook(ctx context.Context, id int64) error
	Handbook(ctx context.Context, id int64) (Handbook, error)
	Handbooks(ctx context.Context, f HandbookFilter) ([]Handbook, error)
	// HandbookItems returns the handbook's practices the actor may see, in order, and how many
	// items it holds that the actor may not see.
	HandbookItems(ctx context.Context, id int64) (items []Practice, hidden int, err error)
	// RecordOpen notes that the actor's organisation opened the handbook (first and last
	// time), when RecordsOpen says it counts, and does nothing otherwise.
	RecordOpen(ctx context.Context, handbookID int64) error
	// Opens lists the organisations that opened a handbook, latest first (CanSeeOpens).
	Opens(ctx context.Context, handbookID int64) ([]HandbookOpen, error)

	// Subscribe starts (on) or stops following a practice for the actor (CanSubscribe).
	Subscribe(ctx context.Context, practiceID int64, on bool) error
	// MarkRead records that the actor read version (pages call it when showing a practice).
	MarkRead(ctx context.Context, practiceID int64, version int) error
	// ReadState is the actor's state for a practice; the zero ReadState when they never read
	// or followed it.
	ReadState(ctx context.Context, practiceID int64) (ReadState, error)
	// Changed lists the practices the actor follows that have a version newer than the one they
	// last read, those they may still see only, most recently published first.
	Changed(ctx context.Context, p citypact.Page) ([]Practice, error)
	// Subscribers lists the user ids following a practice, for the notification job (which
	// checks each one's visibility again before sending).
	Subscribers(ctx context.Context, practiceID int64) ([]int64, error)

	// Categories lists the taxonomy by Position; SaveCategory creates or updates one by key
	// (CanManageCategories).
	Categories(ctx context.Context) ([]Category, error)
	SaveCategory(ctx context.Context, c *Category) error

	// Search finds practices by text, best match first, one hit per practice. Published
	// practices' originals and translations are indexed when they are published or saved; drafts
	// never are. A query with nothing to search for (empty, or only punctuation) is KindInvalid on
	// "q" ("search.empty"); whatever else the user typed is searched for as words, so a query
	// never fails on its syntax. The SearchCandidates newest matching documents are ranked.
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
}
