package practice

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
)

// Handbook is an ordered collection of practices (an SOP handbook) with its own page, owned by an
// organisation and shared with chosen organisations. Its Visibility says who else may see it
// (by CanSee's rule); SharedWith names organisations that may see it besides, and lets them read
// the owner's own practices in it (see CanSeePractice). Practices of other owners in it are shown
// only to those who may see them anyway; pages say how many items a reader cannot see.
type Handbook struct {
	ID         int64
	OwnerID    int64
	Title      string
	Summary    string  // plain text
	Items      []int64 // practice ids, in reading order
	SharedWith []int64 // organisation ids
	Visibility Visibility
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// HandbookOpen records that members of an organisation opened a handbook: when first and last.
// Opens are recorded per organisation, not per person, and only for organisations other than
// the owner (see RecordsOpen).
type HandbookOpen struct {
	HandbookID int64
	OrgID      int64
	FirstAt    time.Time
	LastAt     time.Time
}

// Limits on handbooks.
const (
	MaxHandbookItems  = 200
	MaxHandbookShares = 200
)

// Validate checks a handbook. Facts only the store knows (each item exists and is visible to the
// actor, each organisation shared with exists) are checked there, as KindInvalid on "items" and
// "shared_with".
func (h *Handbook) Validate() error {
	h.Title = cleanLine(h.Title)
	h.Summary = strings.TrimSpace(h.Summary)
	if h.Visibility.Kind == "" {
		h.Visibility = OrgOnly
	}
	var errs []citypact.FieldError
	errs = append(errs, checkText("title", h.Title, MaxTitleLen, true)...)
	errs = append(errs, checkText("summary", h.Summary, MaxSummaryLen, false)...)
	if h.OwnerID <= 0 {
		errs = append(errs, fe("owner", "field.required"))
	}
	if !h.Visibility.Valid() {
		errs = append(errs, fe("visibility", "practice.visibility_invalid"))
	}
	switch {
	case len(h.Items) > MaxHandbookItems:
		errs = append(errs, fe("items", "practice.handbook_items_too_many", "max", strconv.Itoa(MaxHandbookItems)))
	case !distinctPositive(h.Items):
		errs = append(errs, fe("items", "practice.handbook_item_invalid"))
	}
	switch {
	case len(h.SharedWith) > MaxHandbookShares:
		errs = append(errs, fe("shared_with", "practice.handbook_shares_too_many", "max", strconv.Itoa(MaxHandbookShares)))
	case !distinctPositive(h.SharedWith) || slices.Contains(h.SharedWith, h.OwnerID):
		errs = append(errs, fe("shared_with", "practice.handbook_share_invalid"))
	}
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

func distinctPositive(ids []int64) bool {
	for i, id := range ids {
		if id <= 0 || slices.Contains(ids[:i], id) {
			return false
		}
	}
	return true
}

// CanSeeHandbook: those CanSee allows by the handbook's visibility, and members of the
// organisations it is shared with. As SQL: CanSee's predicate on the handbook's columns,
// OR (:signed AND id IN (SELECT handbook_id FROM handbook_shares WHERE org_id = :org)).
func CanSeeHandbook(a citypact.Actor, h Handbook, rel Relations) bool {
	return CanSee(a, h.Visibility, h.OwnerID, rel) ||
		(a.SignedIn() && a.OrgID != 0 && slices.Contains(h.SharedWith, a.OrgID))
}

// CanChangeHandbook: a handbook the actor cannot see does not exist for them; otherwise the
// owner's editors and admins change it (its items, order, shares and visibility).
func CanChangeHandbook(a citypact.Actor, h Handbook, rel Relations) error {
	if !CanSeeHandbook(a, h, rel) {
		return citypact.NotFound("handbook")
	}
	return CanEdit(a, h.OwnerID)
}

// CanSeeOpens: who opened a handbook is for the owner's members and admins.
func CanSeeOpens(a citypact.Actor, h Handbook) error {
	if a.IsAdmin() || (a.SignedIn() && a.OrgID != 0 && a.OrgID == h.OwnerID) {
		return nil
	}
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return citypact.Forbidden("not the handbook's owner")
}

// RecordsOpen reports whether a's viewing of h counts as an open: a signed-in member of another
// organisation than the owner, not an admin (the secretariat's moderation is not a partner's
// reading).
func RecordsOpen(a citypact.Actor, h Handbook) bool {
	return a.SignedIn() && !a.IsAdmin() && a.OrgID != 0 && a.OrgID != h.OwnerID
}
