// Package board defines the cities network: boards of questions and answers, professional
// material and supply information, open to everyone, to one network's members, or private to two
// partner organisations; their threads, posts and human translations; moderation reports and
// actions; subscriptions, the notifications they fan out to (FanOut) and the e-mail digests built
// from them (BuildDigest); the posting rate limit (CheckRate); who may see and do what
// (CanSeeBoard, CanPost, CanAccept, CanModerate…); and the Store they need.
//
// It must never import net/http, database/sql, the store or another domain package: ids cross
// the border (a thread links practices by id, a pair board names two organisations by id).
package board

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
)

// Kind is what a board is for; it decides which fields its threads carry.
type Kind string

const (
	KindQuestions Kind = "questions" // questions, answers (one may be accepted) and comments
	KindMaterial  Kind = "material"  // professional material: posts with attachments, comments
	KindSupply    Kind = "supply"    // supply information: threads carry SupplyInfo
)

// Kinds lists the board kinds in display order.
var Kinds = []Kind{KindQuestions, KindMaterial, KindSupply}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// ScopeKind says who may read a board.
type ScopeKind string

const (
	ScopePublic  ScopeKind = "public"  // everyone, visitors included
	ScopeNetwork ScopeKind = "network" // members of one network (Scope.NetworkID) and its secretariat
	ScopePair    ScopeKind = "pair"    // the staff of two partner organisations (Scope.OrgA, OrgB)
)

// Scope is who may read a board, and so everything in it: threads, posts, translations,
// attachments, notifications and digests about it. A board's scope is fixed when it is created;
// a thread moves only between boards of the same scope (CheckMove), so nothing is ever shown to
// people its author did not write for.
type Scope struct {
	Kind      ScopeKind
	NetworkID int64 // ScopeNetwork: the network (an organisation of kind network)
	// ScopePair: the two organisations, OrgA < OrgB, so that a pair has one spelling and the
	// store can keep one channel per pair with a unique index.
	OrgA, OrgB int64
}

// PublicScope is the scope of boards everyone reads.
var PublicScope = Scope{Kind: ScopePublic}

// NetworkScope returns the scope "members of network id".
func NetworkScope(id int64) Scope { return Scope{Kind: ScopeNetwork, NetworkID: id} }

// PairScope returns the private channel of organisations a and b, in either order.
func PairScope(a, b int64) Scope {
	if a > b {
		a, b = b, a
	}
	return Scope{Kind: ScopePair, OrgA: a, OrgB: b}
}

// Valid reports whether s is one of the three forms, with exactly the ids its kind needs.
func (s Scope) Valid() bool {
	switch s.Kind {
	case ScopePublic:
		return s.NetworkID == 0 && s.OrgA == 0 && s.OrgB == 0
	case ScopeNetwork:
		return s.NetworkID > 0 && s.OrgA == 0 && s.OrgB == 0
	case ScopePair:
		return s.NetworkID == 0 && s.OrgA > 0 && s.OrgA < s.OrgB
	}
	return false
}

// String returns "public", "network:12" or "pair:3-7"; "" for an invalid scope.
func (s Scope) String() string {
	switch {
	case !s.Valid():
		return ""
	case s.Kind == ScopeNetwork:
		return "network:" + strconv.FormatInt(s.NetworkID, 10)
	case s.Kind == ScopePair:
		return "pair:" + strconv.FormatInt(s.OrgA, 10) + "-" + strconv.FormatInt(s.OrgB, 10)
	}
	return string(s.Kind)
}

// ParseScope reads the string form. Only the canonical spelling is accepted (no leading zeros or
// signs, the smaller organisation first), so that a scope has one string; anything else is
// KindInvalid on "scope".
func ParseScope(s string) (Scope, error) {
	bad := citypact.Invalid(fe("scope", "board.scope_invalid"))
	var sc Scope
	switch {
	case s == string(ScopePublic):
		sc = PublicScope
	case strings.HasPrefix(s, "network:"):
		id, ok := parseID(strings.TrimPrefix(s, "network:"))
		if !ok {
			return Scope{}, bad
		}
		sc = NetworkScope(id)
	case strings.HasPrefix(s, "pair:"):
		a, b, found := strings.Cut(strings.TrimPrefix(s, "pair:"), "-")
		x, ok1 := parseID(a)
		y, ok2 := parseID(b)
		if !found || !ok1 || !ok2 {
			return Scope{}, bad
		}
		sc = Scope{Kind: ScopePair, OrgA: x, OrgB: y}
	}
	if !sc.Valid() || sc.String() != s {
		return Scope{}, bad
	}
	return sc, nil
}

// MarshalText writes the string form, so that JSON carries "network:12".
func (s Scope) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, citypact.Invalid(fe("scope", "board.scope_invalid"))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads the string form.
func (s *Scope) UnmarshalText(b []byte) error {
	x, err := ParseScope(string(b))
	if err != nil {
		return err
	}
	*s = x
	return nil
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == s
}

// Board is a place for threads of one kind, read by one scope.
type Board struct {
	ID    int64
	Slug  string // unique across the hub; the board's address (/boards/{slug})
	Kind  Kind
	Scope Scope
	// Names holds the board's name per language (canonical BCP 47 tag → name); at least one.
	// NameIn picks the reader's.
	Names       map[string]string
	Description string // plain text, shown under the name
	// Locked: nobody posts new threads or posts; everything stays readable.
	Locked bool
	// Archived: locked, and left out of lists of boards unless asked for (BoardFilter.Archived).
	Archived  bool
	CreatedAt time.Time
}

// Limits on boards, in characters.
const (
	MaxBoardNameLen   = 100
	MaxBoardNames     = 20
	MaxDescriptionLen = 1000
	MaxSlugLen        = 64
	pairSlugPrefix    = "pair-"
)

// reservedSlugs are path segments pages use beside /boards/{slug}.
var reservedSlugs = []string{"new", "edit", "threads", "feed", "subscriptions", "notifications", "reports", "search"}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// PairSlug is the slug of the private channel of a pair ("pair-3-7"): the store gives it when
// it opens the channel, so that it is predictable and never taken by another board.
func PairSlug(s Scope) string {
	return pairSlugPrefix + strconv.FormatInt(s.OrgA, 10) + "-" + strconv.FormatInt(s.OrgB, 10)
}

// Normalize trims the slug, names and description and canonicalises the names' language tags.
func (b *Board) Normalize() {
	b.Slug = strings.ToLower(strings.TrimSpace(b.Slug))
	b.Description = normalizeText(b.Description)
	b.Names, _ = canonicalNames(b.Names)
}

// canonicalNames returns names with canonical language tags and trimmed text, and whether two
// spellings of one tag ("zh-tw", "zh-TW") collided. Of colliding entries it keeps the one whose
// key sorts first, so that the result never depends on map order; Validate refuses the input.
func canonicalNames(names map[string]string) (map[string]string, bool) {
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string]string, len(names))
	dup := false
	for _, k := range keys {
		lang := i18n.CanonicalTag(k)
		if _, ok := out[lang]; ok {
			dup = true
			continue
		}
		out[lang] = strings.TrimSpace(names[k])
	}
	return out, dup
}

// Validate normalises b, then returns a KindInvalid error naming each wrong field. A taken slug
// and the tie a pair board needs are the store's to check.
func (b *Board) Validate() error {
	_, dup := canonicalNames(b.Names)
	b.Normalize()
	var errs []citypact.FieldError
	if !validSlug(b.Slug) && !(b.Scope.Kind == ScopePair && b.Slug == PairSlug(b.Scope)) {
		errs = append(errs, fe("slug", "board.slug_invalid"))
	}
	if !b.Kind.Valid() {
		errs = append(errs, fe("kind", "field.choice"))
	}
	if !b.Scope.Valid() {
		errs = append(errs, fe("scope", "board.scope_invalid"))
	}
	if dup {
		errs = append(errs, fe("names", "board.names_duplicate"))
	} else {
		errs = append(errs, checkNames(b.Names)...)
	}
	errs = append(errs, checkText("description", b.Description, MaxDescriptionLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

func checkNames(names map[string]string) []citypact.FieldError {
	if len(names) == 0 {
		return []citypact.FieldError{fe("names", "field.required")}
	}
	if len(names) > MaxBoardNames {
		return []citypact.FieldError{fe("names", "board.names_too_many", "max", strconv.Itoa(MaxBoardNames))}
	}
	langs := make([]string, 0, len(names))
	for lang := range names {
		langs = append(langs, lang)
	}
	slices.Sort(langs) // report the same error for the same input
	for _, lang := range langs {
		if !i18n.ValidTag(lang) {
			return []citypact.FieldError{fe("names", "board.lang_invalid")}
		}
		if errs := checkLine("names", names[lang], MaxBoardNameLen, true); errs != nil {
			return errs
		}
	}
	return nil
}

// NameIn returns the board's name in lang: exactly that language, else the same language in the
// same script ("zh-Hant-HK" for "zh-TW"), else English, else the first by language tag, so that
// the choice never depends on map order.
func (b Board) NameIn(lang string) string {
	lang = i18n.CanonicalTag(lang)
	if n, ok := b.Names[lang]; ok {
		return n
	}
	langs := make([]string, 0, len(b.Names))
	for l := range b.Names {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		if i18n.SameLanguage(l, lang) {
			return b.Names[l]
		}
	}
	if n, ok := b.Names["en"]; ok {
		return n
	}
	if len(langs) > 0 {
		return b.Names[langs[0]]
	}
	return b.Slug
}

// Closed reports whether nothing may be posted to the board.
func (b Board) Closed() bool { return b.Locked || b.Archived }

func validSlug(s string) bool {
	if len(s) > MaxSlugLen || !slugRE.MatchString(s) || strings.HasPrefix(s, pairSlugPrefix) {
		return false // pair- slugs belong to pair channels (PairSlug)
	}
	if strings.Trim(s, "0123456789") == "" {
		return false // all digits would read as an id
	}
	return !slices.Contains(reservedSlugs, s)
}
