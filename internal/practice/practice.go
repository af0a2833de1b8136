// Package practice defines the countermeasure library: practices (a countermeasure, SOP, policy
// or initiative an organisation shares), their published versions and the differences between
// them, translations tied to the version they translate, attachments checked by their content,
// "adapted from" lineage between cities, handbooks (ordered collections shared with chosen
// organisations), readers' subscriptions, the category taxonomy and the UN SDG targets; who may
// see and change each of them (CanSee, CanEdit); and the Store they need.
//
// It must never import net/http, database/sql or the store.
package practice

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/tags"
)

// Status is where a practice is in its life.
type Status string

const (
	// Draft: being written; seen only by the owner's members and admins; has no version yet.
	Draft Status = "draft"
	// Published: visible by its Visibility; each change of its text is a new Version.
	Published Status = "published"
	// Retired: no longer applied or recommended; still visible by its Visibility, with its
	// history and translations, and marked as retired.
	Retired Status = "retired"
)

// Statuses lists the statuses in display order.
var Statuses = []Status{Draft, Published, Retired}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// CanSetStatus reports whether SetStatus may move a practice from one status to another.
// A draft becomes published only through Publish (which writes version 1); a published
// practice can be retired and a retired one published again, without a new version. Nothing
// returns to draft.
func CanSetStatus(from, to Status) bool {
	return (from == Published && to == Retired) || (from == Retired && to == Published)
}

// Practice is a countermeasure, SOP, policy or initiative shared by its owner. The row holds the
// current text: a draft's working copy, or a published practice's latest version (whose number
// is Version).
type Practice struct {
	ID         int64
	Slug       string // optional; unique across the hub when set; never all digits
	OwnerID    int64  // the organisation that owns and edits it
	Title      string
	Summary    string // plain text, for lists, feeds and search results
	Body       string // Markdown; rendered with internal/markdown, which sanitises
	Lang       string // the original's language, a canonical BCP 47 tag ("en", "ko", "zh-TW")
	Category   string // a Category key; may be empty in a draft
	Tags       []string
	PeriodFrom time.Time // the first day it applies; zero when unknown
	PeriodTo   time.Time // the last day it applies; zero while open-ended
	Status     Status
	Visibility Visibility
	SDGTargets []string // SDG target codes ("3.d", "17.16"), in canonical order
	// AdaptedFrom lists practices of other owners this one was adapted from (lineage).
	AdaptedFrom []int64
	Version     int // the latest published version's number; 0 for a draft never published
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time // when version 1 was published; zero for a draft
}

// Limits on practices. MaxBodyBytes is in bytes (Markdown costs work per byte to render); the
// text limits are in characters.
const (
	MaxTitleLen      = 200
	MaxSummaryLen    = 1000
	MaxBodyBytes     = 200 << 10
	MaxTags          = 20
	MaxTagLen        = 40
	MaxSDGTargets    = 20
	MaxAdaptedFrom   = 10
	MaxNoteLen       = 500
	MaxSlugLen       = 64
	minYear, maxYear = 1900, 2100
	maxBodyKB        = MaxBodyBytes >> 10
)

// reservedSlugs are path segments pages use beside /practices/{slug}.
var reservedSlugs = []string{"new", "edit", "versions", "diff", "translations", "attachments", "handbooks", "changed"}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Choices are the data-driven options a practice is validated against; forms offer the same
// lists.
type Choices struct {
	Categories []string // category keys (see Category; the taxonomy lives in the database)
	// Networks the owner may share with: those it currently belongs to, and itself when it is a
	// network.
	Networks []int64
}

// Normalize trims what users type by accident, canonicalises the language tag, the tags and
// the SDG codes, removes duplicates, keeps dates as calendar days (midnight UTC), and gives a
// missing visibility the narrowest one (org).
func (p *Practice) Normalize() {
	p.Slug = strings.ToLower(strings.TrimSpace(p.Slug))
	p.Title = cleanLine(p.Title)
	p.Summary = strings.TrimSpace(p.Summary)
	p.Body = strings.TrimRight(p.Body, " \t\r\n")
	p.Lang = i18n.CanonicalTag(p.Lang)
	p.Category = strings.TrimSpace(p.Category)
	p.Tags = tags.Normalize(p.Tags)
	p.SDGTargets = normalizeSDG(p.SDGTargets)
	p.AdaptedFrom = dedupeIDs(p.AdaptedFrom)
	p.PeriodFrom, p.PeriodTo = dateOf(p.PeriodFrom), dateOf(p.PeriodTo)
	if p.Visibility.Kind == "" {
		p.Visibility = OrgOnly
	}
}

// Validate normalises p, then returns a KindInvalid error naming each wrong field. A draft needs
// only a title; a published or retired practice also needs a category and a body. Facts only
// the store knows (a taken slug, AdaptedFrom pointing at a practice that exists, is visible and
// belongs to another owner: see CheckLineage) are checked there.
func (p *Practice) Validate(c Choices) error {
	p.Normalize()
	var errs []citypact.FieldError
	errs = append(errs, checkText("title", p.Title, MaxTitleLen, true)...)
	errs = append(errs, checkText("summary", p.Summary, MaxSummaryLen, false)...)
	errs = append(errs, checkBody("body", p.Body, p.Status != Draft)...)
	if p.OwnerID <= 0 {
		errs = append(errs, fe("owner", "field.required"))
	}
	if p.Slug != "" && !validSlug(p.Slug) {
		errs = append(errs, fe("slug", "practice.slug_invalid"))
	}
	if !i18n.ValidTag(p.Lang) {
		errs = append(errs, fe("lang", "practice.lang_invalid"))
	}
	switch {
	case p.Category == "" && p.Status != Draft:
		errs = append(errs, fe("category", "field.required"))
	case p.Category != "" && !slices.Contains(c.Categories, p.Category):
		errs = append(errs, fe("category", "practice.category_unknown"))
	}
	errs = append(errs, checkTags(p.Tags)...)
	errs = append(errs, checkPeriod(p.PeriodFrom, p.PeriodTo)...)
	if !p.Status.Valid() {
		errs = append(errs, fe("status", "field.choice"))
	}
	switch {
	case !p.Visibility.Valid():
		errs = append(errs, fe("visibility", "practice.visibility_invalid"))
	case p.Visibility.Kind == VisNetwork && !slices.Contains(c.Networks, p.Visibility.NetworkID):
		errs = append(errs, fe("visibility", "practice.network_invalid"))
	}
	errs = append(errs, checkSDG(p.SDGTargets)...)
	switch {
	case len(p.AdaptedFrom) > MaxAdaptedFrom:
		errs = append(errs, fe("adapted_from", "practice.adapted_from_too_many", "max", strconv.Itoa(MaxAdaptedFrom)))
	case slices.ContainsFunc(p.AdaptedFrom, func(id int64) bool { return id <= 0 || (p.ID != 0 && id == p.ID) }):
		errs = append(errs, fe("adapted_from", "practice.adapted_from_invalid"))
	}
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CheckLineage checks p.AdaptedFrom against the practices it names, as the store found them for
// the acting user (only those that exist and the actor may see; a missing one is reported, not
// revealed). Each must belong to another owner: lineage links cities, not an owner's own
// documents. A source that itself names p closes a cycle, which is refused.
func CheckLineage(p Practice, sources []Practice) error {
	for _, id := range p.AdaptedFrom {
		i := slices.IndexFunc(sources, func(s Practice) bool { return s.ID == id })
		switch {
		case i < 0 || sources[i].Status == Draft:
			return citypact.Invalid(fe("adapted_from", "practice.adapted_from_invalid"))
		case sources[i].OwnerID == p.OwnerID:
			return citypact.Invalid(fe("adapted_from", "practice.adapted_from_same_owner"))
		case p.ID != 0 && slices.Contains(sources[i].AdaptedFrom, p.ID):
			return citypact.Invalid(fe("adapted_from", "practice.adapted_from_cycle"))
		}
	}
	return nil
}

// TextChanged reports whether publishing next over cur changes what a version records (title,
// summary or body). Only such a change writes a new version and so makes translations outdated;
// changing only tags, category, period, visibility or lineage updates the practice in place.
func TextChanged(cur, next Practice) bool {
	return cur.Title != next.Title || cur.Summary != next.Summary || cur.Body != next.Body
}

// PlanPublish decides what publishing next over the stored cur does, for Store.Publish (which
// calls it in its transaction, after reading cur with a lock): it returns the number of the
// version to write, cur.Version+1, when cur is a draft or the text changed (TextChanged), and 0
// when only other fields changed. It refuses, as KindConflict, a stale base
// (next.Version ≠ cur.Version: someone published meanwhile; "practice.stale") and a retired
// practice (SetStatus publishes it again first; "practice.retired").
func PlanPublish(cur, next Practice) (int, error) {
	switch {
	case next.Version != cur.Version:
		return 0, citypact.Conflict("practice.stale")
	case cur.Status == Retired:
		return 0, citypact.Conflict("practice.retired")
	case cur.Status == Draft || TextChanged(cur, next):
		return cur.Version + 1, nil
	}
	return 0, nil
}

// Version is one published state of a practice's text. Versions are numbered from 1 per
// practice, never change and are never deleted (deleting a practice deletes its history only for
// a never-published draft, which has none).
type Version struct {
	PracticeID int64
	Number     int
	Title      string
	Summary    string
	Body       string
	EditorID   int64  // the user who published it
	Note       string // what changed, in the editor's words; optional
	At         time.Time
}

// ValidateNote checks a version's change note.
func ValidateNote(note string) error {
	if errs := checkText("note", strings.TrimSpace(note), MaxNoteLen, false); errs != nil {
		return citypact.Invalid(errs...)
	}
	return nil
}

// ReadState is what one user has read of one practice: whether they follow it, and the version
// they last read. It is the zero value (not an error) for a user who never opened the practice.
type ReadState struct {
	PracticeID int64
	UserID     int64
	Subscribed bool      // notify on each new version
	LastRead   int       // the version number last read; 0 for never
	ReadAt     time.Time // when; zero for never
}

// ChangedSince reports whether a new version was published since the user last read the
// practice, whose latest version is current. A practice never read has not "changed".
func (r ReadState) ChangedSince(current int) bool { return r.LastRead > 0 && r.LastRead < current }

// CanSubscribe: any signed-in user who can see a published practice may follow it. Stores
// notify only subscribers who can still see it when a version is published.
func CanSubscribe(a citypact.Actor, p Practice, rel Relations) error {
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	if !CanSeePractice(a, p, rel) {
		return citypact.NotFound("practice")
	}
	if p.Status == Draft {
		return citypact.Conflict("practice.not_published")
	}
	return nil
}

// fe builds a field error; args are key/value pairs for the message's placeholders.
func fe(field, key string, args ...string) citypact.FieldError {
	return citypact.FieldError{Field: field, Key: key, Args: args}
}

// checkText checks a plain-text field: valid UTF-8, no NUL, within max characters.
func checkText(field, v string, max int, required bool) []citypact.FieldError {
	switch {
	case v == "" && required:
		return []citypact.FieldError{fe(field, "field.required")}
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return []citypact.FieldError{fe(field, "field.invalid")}
	case utf8.RuneCountInString(v) > max:
		return []citypact.FieldError{fe(field, "field.too_long", "max", strconv.Itoa(max))}
	}
	return nil
}

// checkBody checks a Markdown body: valid UTF-8, no NUL, at most MaxBodyBytes.
func checkBody(field, v string, required bool) []citypact.FieldError {
	switch {
	case strings.TrimSpace(v) == "" && required:
		return []citypact.FieldError{fe(field, "field.required")}
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return []citypact.FieldError{fe(field, "field.invalid")}
	case len(v) > MaxBodyBytes:
		return []citypact.FieldError{fe(field, "practice.body_too_large", "max_kb", strconv.Itoa(maxBodyKB))}
	}
	return nil
}

// cleanLine trims a one-line field and turns line breaks and tabs inside it into spaces.
func cleanLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s))
}

func validSlug(s string) bool {
	if len(s) > MaxSlugLen || !slugRE.MatchString(s) {
		return false
	}
	if strings.Trim(s, "0123456789") == "" {
		return false // all digits would read as an id
	}
	return !slices.Contains(reservedSlugs, s)
}

func checkTags(tags []string) []citypact.FieldError {
	if len(tags) > MaxTags {
		return []citypact.FieldError{fe("tags", "practice.tags_too_many", "max", strconv.Itoa(MaxTags))}
	}
	for _, t := range tags {
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxTagLen || strings.ContainsAny(t, ",#<>\"") ||
			strings.IndexFunc(t, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
			return []citypact.FieldError{fe("tags", "practice.tag_invalid", "max", strconv.Itoa(MaxTagLen))}
		}
	}
	return nil
}

func checkPeriod(from, to time.Time) []citypact.FieldError {
	var errs []citypact.FieldError
	for _, d := range []struct {
		field string
		t     time.Time
	}{{"period_from", from}, {"period_to", to}} {
		if !d.t.IsZero() && (d.t.Year() < minYear || d.t.Year() > maxYear) {
			errs = append(errs, fe(d.field, "date.invalid"))
		}
	}
	if errs == nil && !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs = append(errs, fe("period_to", "date.before_since"))
	}
	return errs
}

// dateOf keeps the calendar day of t (in t's own location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dedupeIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
