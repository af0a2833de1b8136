package practice

import (
	"slices"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
)

// VisibilityKind says who, besides the owner and admins, may see an item.
type VisibilityKind string

const (
	VisPublic   VisibilityKind = "public"   // everyone, visitors included
	VisNetwork  VisibilityKind = "network"  // members of one network (Visibility.NetworkID)
	VisPartners VisibilityKind = "partners" // the owner's sister and friendship cities
	VisOrg      VisibilityKind = "org"      // the owner alone
)

// VisibilityKinds lists the kinds from widest to narrowest, the order forms offer them in.
var VisibilityKinds = []VisibilityKind{VisPublic, VisNetwork, VisPartners, VisOrg}

// Visibility is who may see a practice, a handbook or an attachment (which follows its
// practice). Stores keep it in two columns, the kind and the network id (NULL unless the kind is
// network), so that the rule of CanSee can be written as a predicate; forms and the API use the
// string form of String and ParseVisibility.
type Visibility struct {
	Kind      VisibilityKind
	NetworkID int64 // the network, for VisNetwork only; 0 otherwise
}

// Public, Partners and OrgOnly are the visibilities that need no network.
var (
	Public   = Visibility{Kind: VisPublic}
	Partners = Visibility{Kind: VisPartners}
	OrgOnly  = Visibility{Kind: VisOrg}
)

// Network returns the visibility "members of network id".
func Network(id int64) Visibility { return Visibility{Kind: VisNetwork, NetworkID: id} }

// String returns "public", "network:12", "partners" or "org"; "" for an invalid value.
func (v Visibility) String() string {
	if !v.Valid() {
		return ""
	}
	if v.Kind == VisNetwork {
		return "network:" + strconv.FormatInt(v.NetworkID, 10)
	}
	return string(v.Kind)
}

// Valid reports whether v is one of the four forms: a known kind, with a positive network id
// exactly when the kind is network.
func (v Visibility) Valid() bool {
	switch v.Kind {
	case VisPublic, VisPartners, VisOrg:
		return v.NetworkID == 0
	case VisNetwork:
		return v.NetworkID > 0
	}
	return false
}

// ParseVisibility reads the string form. Only the canonical spelling is accepted ("network:12",
// not "Network:012" or "network:+12"); anything else is KindInvalid on the field "visibility".
func ParseVisibility(s string) (Visibility, error) {
	bad := citypact.Invalid(fe("visibility", "practice.visibility_invalid"))
	if rest, ok := strings.CutPrefix(s, "network:"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
			return Visibility{}, bad
		}
		return Network(id), nil
	}
	v := Visibility{Kind: VisibilityKind(s)}
	if !v.Valid() {
		return Visibility{}, bad
	}
	return v, nil
}

// MarshalText writes the string form, so that JSON carries "network:12".
func (v Visibility) MarshalText() ([]byte, error) {
	if !v.Valid() {
		return nil, citypact.Invalid(fe("visibility", "practice.visibility_invalid"))
	}
	return []byte(v.String()), nil
}

// UnmarshalText reads the string form.
func (v *Visibility) UnmarshalText(b []byte) error {
	x, err := ParseVisibility(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// Relations are the directory facts visibility depends on, about the acting user's organisation.
// The store fills them once per request (three small queries, or one), so that checking a page of
// items needs no query per item:
//
//   - OrgID: the organisation the facts are about. It must be the actor's OrgID; CanSee ignores
//     relations filled for another organisation rather than trust them.
//   - Partners: organisations with a sister or friendship tie (directory.TieSister,
//     directory.TieFriendship) with OrgID. Ties of kind "other" (a memorandum) do not count.
//     Ties are symmetric, so "OrgID is among the owner's partners" is "the owner is in Partners".
//   - Networks: networks of which OrgID is a current member (directory.Membership.Current on
//     today's date), whatever its membership role (founding, member or observer).
//   - Shared: ids of practices that their owner shared with OrgID through a handbook: the
//     handbook's SharedWith holds OrgID, the practice is one of its Items, and the handbook's
//     owner is the practice's owner. See CanSeePractice.
//
// The zero Relations (a visitor's, or an organisation with no ties) grant nothing.
type Relations struct {
	OrgID    int64
	Partners []int64
	Networks []int64
	Shared   []int64
}

func (r Relations) about(a citypact.Actor) bool { return a.OrgID != 0 && r.OrgID == a.OrgID }

// CanSee reports whether actor a may see a published (or retired) item with visibility v owned
// by the organisation ownerID. It is the one rule every page, list, feed, search, export,
// attachment download and e-mail applies; stores express the same rule as a predicate (below)
// and the store tests check that the two agree.
//
// The rule, in order:
//
//  1. Admins see everything.
//  2. Everyone, visitors included, sees public items.
//  3. Otherwise the actor must be signed in and belong to an organisation (a.OrgID ≠ 0); then
//     - members of the owner (any role) see every item of the owner, whatever its visibility;
//     - network:N is seen by members of organisations that are current members of N, and by
//     the staff of N itself (the network's secretariat);
//     - partners is seen by members of organisations with a sister or friendship tie with the
//     owner;
//     - org is seen by nobody else.
//
// The status rule (drafts) is CanSeePractice's. As SQL, for an actor with organisation :org,
// where :signed is true for a signed-in actor with a non-zero organisation:
//
//	:admin
//	OR vis_kind = 'public'
//	OR (:signed AND (
//	       owner_id = :org
//	    OR (vis_kind = 'network'  AND (network_id = :org OR network_id IN (:networks)))
//	    OR (vis_kind = 'partners' AND owner_id IN (:partners))))
//
// with :networks and :partners from Relations, or the equivalent subqueries on the memberships
// and ties tables.
func CanSee(a citypact.Actor, v Visibility, ownerID int64, rel Relations) bool {
	switch {
	case a.IsAdmin():
		return true
	case !v.Valid():
		return false // fail closed on a value no store should hold
	case v.Kind == VisPublic:
		return true
	case !a.SignedIn() || a.OrgID == 0:
		return false
	}
	if a.OrgID == ownerID || (v.Kind == VisNetwork && v.NetworkID == a.OrgID) {
		return true
	}
	if !rel.about(a) {
		return false
	}
	switch v.Kind {
	case VisNetwork:
		return slices.Contains(rel.Networks, v.NetworkID)
	case VisPartners:
		return slices.Contains(rel.Partners, ownerID)
	}
	return false
}

// CanSeePractice adds the status rule and handbook shares to CanSee:
//
//   - a draft is seen only by members (any role) of its owner and by admins, whatever its
//     visibility;
//   - a published or retired practice is seen by those CanSee allows, and also by members of an
//     organisation the owner shared it with through a handbook (Relations.Shared): sharing a
//     handbook with chosen organisations is the owner's deliberate decision to let them read its
//     own practices in it. A handbook never opens another owner's practices.
//
// As SQL, extending CanSee's predicate:
//
//	:admin
//	OR (status = 'draft' AND :signed AND owner_id = :org)
//	OR (status <> 'draft' AND (<CanSee's predicate without :admin> OR (:signed AND id IN (:shared))))
//
// where :shared is Relations.Shared, or the subquery
//
//	SELECT i.practice_id FROM handbook_items i
//	JOIN handbooks h ON h.id = i.handbook_id
//	JOIN handbook_shares s ON s.handbook_id = h.id
//	JOIN practices q ON q.id = i.practice_id
//	WHERE s.org_id = :org AND q.owner_id = h.owner_id
func CanSeePractice(a citypact.Actor, p Practice, rel Relations) bool {
	if a.IsAdmin() {
		return true
	}
	if p.Status == Draft || !p.Status.Valid() {
		return a.SignedIn() && a.OrgID != 0 && a.OrgID == p.OwnerID
	}
	if CanSee(a, p.Visibility, p.OwnerID, rel) {
		return true
	}
	return a.SignedIn() && rel.about(a) && slices.Contains(rel.Shared, p.ID)
}

// CanEdit: admins and the owner's editors create and change the owner's practices, handbooks,
// attachments and translations, unless they act through a read-only API token. A visitor is told
// to sign in; anyone else is refused.
func CanEdit(a citypact.Actor, ownerID int64) error {
	if a.Scope == citypact.ScopeRead && a.SignedIn() {
		return citypact.Forbidden("read-only token")
	}
	if a.IsAdmin() || (a.Role == citypact.RoleEditor && a.OrgID != 0 && a.OrgID == ownerID) {
		return nil
	}
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return citypact.Forbidden("not this organisation's editor")
}

// CanChange decides a change to an existing practice: one the actor may not see does not exist
// for them (KindNotFound, so that ids cannot be probed); one they see but may not change is
// CanEdit's error.
func CanChange(a citypact.Actor, p Practice, rel Relations) error {
	if !CanSeePractice(a, p, rel) {
		return citypact.NotFound("practice")
	}
	return CanEdit(a, p.OwnerID)
}
