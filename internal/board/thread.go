package board

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/tags"
)

// Status is where a thread is, for lists and filters. It is derived from the thread's fields
// (Hidden, Locked, AcceptedID), never stored, so there is no flag to keep in step: unlocking an
// answered question shows it answered again.
type Status string

const (
	StatusOpen     Status = "open"     // accepting posts; a question without an accepted answer
	StatusAnswered Status = "answered" // a question with an accepted answer
	StatusLocked   Status = "locked"   // a moderator closed it to new posts
	StatusHidden   Status = "hidden"   // a moderator hid it; only moderators and its author see it
)

// Statuses lists the statuses in display order.
var Statuses = []Status{StatusOpen, StatusAnswered, StatusLocked, StatusHidden}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Thread is a question, a piece of material or a supply post, with the posts under it.
//
// The store sets, never from input, the fields marked "store": a user cannot choose their
// author, accept by editing, or unhide by resubmitting (mass assignment).
type Thread struct {
	ID          int64
	BoardID     int64
	AuthorID    int64 // store: the user who wrote it
	AuthorOrgID int64 // store: their organisation when they wrote it; 0 for an admin of none
	Title       string
	Body        string // Markdown; rendered with internal/markdown, which sanitises
	Lang        string // canonical BCP 47 tag of Title and Body
	Tags        []string
	// ToOrgs and ToUsers are the addressees ("ask Seoul's health focal point"): they are notified
	// whether or not they follow anything (FanOut). The store refuses one who does not exist or
	// cannot see the board.
	ToOrgs    []int64
	ToUsers   []int64
	Practices []int64 // linked practices (internal/practice ids); practices list these threads
	// Attachments are ids of files stored as practice attachments are (checked by content).
	Attachments []int64
	// Supply holds the structured fields of a supply board's thread; nil on other boards.
	Supply *SupplyInfo

	AcceptedID int64 // store: questions only, the accepted answer; 0 when none
	SameCount  int   // store: questions only, how many others marked "same question"
	MarkedSame bool  // store: the reader marked it "same question" (set by Store.Thread only)
	Answers    int   // store: visible answers (or comments), filled by queries
	Locked     bool  // store: a moderator closed it to new posts
	Hidden     bool  // store: a moderator hid it
	// Version is 1 when created and grows with each change of Title or Body (TextChanged), so
	// that a translation records which text it translates.
	Version    int       // store
	CreatedAt  time.Time // store
	UpdatedAt  time.Time // store
	ActivityAt time.Time // store: the latest post, or CreatedAt; lists order by it
	AnsweredAt time.Time // store: the first answer's time; zero while nobody answered
}

// Status derives the thread's status: hidden, else locked, else answered (an accepted answer),
// else open.
func (t Thread) Status() Status {
	switch {
	case t.Hidden:
		return StatusHidden
	case t.Locked:
		return StatusLocked
	case t.AcceptedID != 0:
		return StatusAnswered
	}
	return StatusOpen
}

// Waiting is how long a question waited for its first answer, or has waited so far: pages show
// it beside unanswered questions so that addressees see what is overdue.
func (t Thread) Waiting(now time.Time) time.Duration {
	end := now
	if !t.AnsweredAt.IsZero() {
		end = t.AnsweredAt
	}
	if end.Before(t.CreatedAt) {
		return 0
	}
	return end.Sub(t.CreatedAt)
}

// TextChanged reports whether next changes what a translation translates (title or body), so
// that the store raises Version (and every translation becomes outdated).
func TextChanged(cur, next Thread) bool { return cur.Title != next.Title || cur.Body != next.Body }

// Limits on threads and posts, in characters (titles and bodies) or items.
const (
	MaxTitleLen       = 200
	MaxBodyLen        = 20000
	MaxAddressees     = 20 // organisations, and people, each
	MaxPractices      = 10
	MaxAttachments    = 10
	MaxProductLen     = 200
	MaxSpecLen        = 2000
	MaxSupplierLen    = 200
	MaxUnitLen        = 40
	MaxCertifications = 10
	MaxCertLen        = 100
	minYear, maxYear  = 2000, 2100
)

// Normalize trims what users type by accident, canonicalises the language tag and tags, and
// removes repeated ids.
func (t *Thread) Normalize() {
	t.Title = strings.TrimSpace(t.Title)
	t.Body = normalizeText(t.Body)
	t.Lang = i18n.CanonicalTag(t.Lang)
	t.Tags = tags.Normalize(t.Tags)
	t.ToOrgs = dedupeIDs(t.ToOrgs)
	t.ToUsers = dedupeIDs(t.ToUsers)
	t.Practices = dedupeIDs(t.Practices)
	t.Attachments = dedupeIDs(t.Attachments)
	if t.Supply != nil {
		t.Supply.Normalize()
	}
}

// Validate normalises t, then returns a KindInvalid error naming each wrong field, for a thread
// on board b: supply fields are required on a supply board and refused elsewhere. Whether
// addressees, practices and attachments exist (and may be seen) is the store's to check.
func (t *Thread) Validate(b Board) error {
	t.Normalize()
	var errs []citypact.FieldError
	if t.BoardID != b.ID {
		errs = append(errs, fe("board", "field.invalid"))
	}
	errs = append(errs, checkLine("title", t.Title, MaxTitleLen, true)...)
	errs = append(errs, checkText("body", t.Body, MaxBodyLen, true)...)
	if !i18n.ValidTag(t.Lang) {
		errs = append(errs, fe("lang", "board.lang_invalid"))
	}
	errs = append(errs, checkTags(t.Tags)...)
	errs = append(errs, checkIDs("to_orgs", "board.to_orgs_too_many", t.ToOrgs, MaxAddressees)...)
	errs = append(errs, checkIDs("to_users", "board.to_users_too_many", t.ToUsers, MaxAddressees)...)
	errs = append(errs, checkIDs("practices", "board.practices_too_many", t.Practices, MaxPractices)...)
	errs = append(errs, checkIDs("attachments", "board.attachments_too_many", t.Attachments, MaxAttachments)...)
	switch {
	case b.Kind == KindSupply && t.Supply == nil:
		errs = append(errs, fe("product", "field.required"))
	case b.Kind == KindSupply:
		errs = append(errs, t.Supply.check()...)
	case t.Supply != nil:
		errs = append(errs, fe("supply", "board.supply_not_allowed"))
	}
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// PriceScale is how many price units make one unit of a currency: prices are integers in
// ten-thousandths, so that sums and comparisons are exact (no floating point) and every ISO 4217
// minor unit, at most four decimals, fits.
const PriceScale = 10_000

// MaxAmount bounds prices (in 1/PriceScale units: a hundred billion of any currency's unit) and
// quantities far below int64's range, so that a total of a few thousand lines never overflows.
const MaxAmount = 1_000_000_000_000_000

// SupplyInfo is what a supply board's thread says about one product, beside its text.
type SupplyInfo struct {
	Product       string // "KF94 mask", "isolation gown, level 2"
	Specification string // plain text: standard, size, material…
	Supplier      string
	// UnitPrice is the price of one Unit in 1/PriceScale of Currency; with Currency "", no
	// price is given (and UnitPrice must be 0). Zero with a currency means free of charge.
	UnitPrice      int64
	Currency       string // ISO 4217, upper case ("KRW", "TWD"); see ValidCurrency
	Quantity       int64  // units available; 0 when none or not stated
	Unit           string // what one unit is ("box of 50"); "" for single pieces
	Certifications []string
	ValidUntil     time.Time // the last day the information holds; zero when open-ended
}

// Normalize trims the fields and removes repeated certifications (compared case-insensitively,
// keeping the first spelling: "KF94" and "kf94" are one certificate, shown as written).
func (s *SupplyInfo) Normalize() {
	s.Product = strings.TrimSpace(s.Product)
	s.Specification = normalizeText(s.Specification)
	s.Supplier = strings.TrimSpace(s.Supplier)
	s.Currency = strings.TrimSpace(s.Currency)
	s.Unit = strings.TrimSpace(s.Unit)
	var certs []string
	for _, c := range s.Certifications {
		c = strings.Join(strings.Fields(c), " ")
		if c != "" && !slices.ContainsFunc(certs, func(x string) bool { return strings.EqualFold(x, c) }) {
			certs = append(certs, c)
		}
	}
	s.Certifications = certs
	s.ValidUntil = dateOf(s.ValidUntil)
}

// check returns the supply fields' errors, each on the form field of the same name.
func (s *SupplyInfo) check() []citypact.FieldError {
	var errs []citypact.FieldError
	errs = append(errs, checkLine("product", s.Product, MaxProductLen, true)...)
	errs = append(errs, checkText("specification", s.Specification, MaxSpecLen, false)...)
	errs = append(errs, checkLine("supplier", s.Supplier, MaxSupplierLen, false)...)
	errs = append(errs, checkLine("unit", s.Unit, MaxUnitLen, false)...)
	switch {
	case s.UnitPrice < 0:
		errs = append(errs, fe("unit_price", "board.price_negative"))
	case s.UnitPrice > MaxAmount:
		errs = append(errs, fe("unit_price", "board.amount_too_large"))
	}
	switch {
	case s.Currency == "" && s.UnitPrice != 0:
		errs = append(errs, fe("currency", "field.required"))
	case s.Currency != "" && !ValidCurrency(s.Currency):
		errs = append(errs, fe("currency", "board.currency_invalid"))
	}
	switch {
	case s.Quantity < 0:
		errs = append(errs, fe("quantity", "board.quantity_negative"))
	case s.Quantity > MaxAmount:
		errs = append(errs, fe("quantity", "board.amount_too_large"))
	}
	if len(s.Certifications) > MaxCertifications {
		errs = append(errs, fe("certifications", "board.certifications_too_many", "max", strconv.Itoa(MaxCertifications)))
	} else {
		for _, c := range s.Certifications {
			if e := checkLine("certifications", c, MaxCertLen, true); e != nil {
				errs = append(errs, e...)
				break
			}
		}
	}
	if !s.ValidUntil.IsZero() && (s.ValidUntil.Year() < minYear || s.ValidUntil.Year() > maxYear) {
		errs = append(errs, fe("valid_until", "date.invalid"))
	}
	return errs
}

// Expired reports whether the information no longer holds on now's day; lists mark such posts.
func (s SupplyInfo) Expired(now time.Time) bool {
	return !s.ValidUntil.IsZero() && dateOf(now).After(s.ValidUntil)
}

// ParsePrice reads a price typed as a decimal ("12", "12.5", "0.0001") into 1/PriceScale units. It accepts no sign, no exponent and no grouping separators (whether "1,000"
// is a thousand or one depends on the reader's language, so forms ask for plain digits); errors
// are KindInvalid on field.
func ParsePrice(field, s string) (int64, error) {
	bad := citypact.Invalid(fe(field, "board.amount_invalid"))
	whole, frac, dot := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || (dot && frac == "") || len(frac) > 4 || len(whole) > 18 ||
		strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, bad
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	if n > MaxAmount/PriceScale {
		return 0, citypact.Invalid(fe(field, "board.amount_too_large"))
	}
	n *= PriceScale
	if frac != "" {
		f, _ := strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64) // ≤ 4 digits, checked
		n += f
	}
	if n > MaxAmount {
		return 0, citypact.Invalid(fe(field, "board.amount_too_large"))
	}
	return n, nil
}

// FormatPrice writes a price in 1/PriceScale units as a plain decimal without trailing zeros
// ("12.5"), the form ParsePrice reads; pages format it for the reader's language.
func FormatPrice(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := sign + strconv.FormatInt(n/PriceScale, 10)
	if f := n % PriceScale; f != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(PriceScale+f, 10)[1:], "0")
	}
	return s
}

// PostKind says what a post is in its thread.
type PostKind string

const (
	PostAnswer  PostKind = "answer"  // an answer to a question; the asker may accept one
	PostComment PostKind = "comment" // a comment on the thread or on one answer (ParentID)
)

// Valid reports whether k is a known post kind.
func (k PostKind) Valid() bool { return k == PostAnswer || k == PostComment }

// Post is an answer or a comment in a thread.
type Post struct {
	ID       int64
	ThreadID int64
	Kind     PostKind
	// ParentID: for a comment on an answer, that answer (the store checks it is one, in the same
	// thread); 0 for a comment on the thread itself, and always for an answer.
	ParentID    int64
	AuthorID    int64  // store
	AuthorOrgID int64  // store
	Body        string // Markdown
	Lang        string // canonical BCP 47 tag
	Attachments []int64
	Hidden      bool      // store: a moderator hid it
	Version     int       // store: 1 when created, +1 per change of Body
	CreatedAt   time.Time // store
	UpdatedAt   time.Time // store
}

// Normalize trims the body and canonicalises the language tag.
func (p *Post) Normalize() {
	p.Body = normalizeText(p.Body)
	p.Lang = i18n.CanonicalTag(p.Lang)
	p.Attachments = dedupeIDs(p.Attachments)
}

// Validate normalises p, then returns a KindInvalid error naming each wrong field, for a post in
// thread t of board b: answers only on question boards, and never under another post.
func (p *Post) Validate(b Board, t Thread) error {
	p.Normalize()
	var errs []citypact.FieldError
	if p.ThreadID != t.ID || t.BoardID != b.ID {
		errs = append(errs, fe("thread", "field.invalid"))
	}
	switch {
	case !p.Kind.Valid():
		errs = append(errs, fe("kind", "field.choice"))
	case p.Kind == PostAnswer && b.Kind != KindQuestions:
		errs = append(errs, fe("kind", "board.answer_not_question"))
	case p.Kind == PostAnswer && p.ParentID != 0, p.ParentID < 0:
		errs = append(errs, fe("parent", "field.invalid"))
	}
	errs = append(errs, checkText("body", p.Body, MaxBodyLen, true)...)
	if !i18n.ValidTag(p.Lang) {
		errs = append(errs, fe("lang", "board.lang_invalid"))
	}
	errs = append(errs, checkIDs("attachments", "board.attachments_too_many", p.Attachments, MaxAttachments)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CheckAccept checks that p may be thread t's accepted answer: an answer, in t, not hidden.
// (Who may accept is CanAccept's.) Anything else is KindInvalid on "answer", so that a forged
// form naming a comment or another thread's post is refused as bad input.
func CheckAccept(t Thread, p Post) error {
	if p.ThreadID != t.ID || p.Kind != PostAnswer || p.Hidden {
		return citypact.Invalid(fe("answer", "board.answer_invalid"))
	}
	return nil
}

// Translation is a human translation of a thread's title and body (PostID 0) or of one post's
// body, into one language. There is at most one per text and language; it records the version
// of the original it translates and is outdated when the original changes. Translations are not
// posts: they do not count as activity, notify nobody, and cannot be accepted as answers, and a
// reader always has the original one click away.
type Translation struct {
	ThreadID     int64
	PostID       int64 // 0: the thread's title and body
	Lang         string
	Title        string // thread translations only
	Body         string
	Version      int   // the version of the original it translates
	TranslatorID int64 // store: who wrote or last updated it
	At           time.Time
}

// Outdated reports whether the original has a newer version than the one translated.
func (tr Translation) Outdated(current int) bool { return tr.Version < current }

// Validate normalises tr, then checks it as a translation of thread t (p nil) or of post p in t:
// a valid language other than the original's, a version the original has reached, a title
// exactly for a thread, and the original's limits.
func (tr *Translation) Validate(t Thread, p *Post) error {
	tr.Lang = i18n.CanonicalTag(tr.Lang)
	tr.Title = strings.TrimSpace(tr.Title)
	tr.Body = normalizeText(tr.Body)
	origLang, origVersion, postID := t.Lang, t.Version, int64(0)
	if p != nil {
		origLang, origVersion, postID = p.Lang, p.Version, p.ID
	}
	var errs []citypact.FieldError
	if tr.ThreadID != t.ID || tr.PostID != postID || (p != nil && p.ThreadID != t.ID) {
		errs = append(errs, fe("original", "field.invalid"))
	}
	switch {
	case !i18n.ValidTag(tr.Lang):
		errs = append(errs, fe("lang", "board.lang_invalid"))
	case i18n.SameLanguage(tr.Lang, origLang):
		errs = append(errs, fe("lang", "board.translation_same_lang"))
	}
	if tr.Version < 1 || tr.Version > origVersion {
		errs = append(errs, fe("version", "board.translation_version_invalid", "max", strconv.Itoa(origVersion)))
	}
	if p == nil {
		errs = append(errs, checkLine("title", tr.Title, MaxTitleLen, true)...)
	} else if tr.Title != "" {
		errs = append(errs, fe("title", "board.translation_title_post"))
	}
	errs = append(errs, checkText("body", tr.Body, MaxBodyLen, true)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}
