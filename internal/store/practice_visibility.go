package store

import (
	"context"
	"fmt"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// Who may see a practice or a handbook is decided by the rules of package practice, applied two
// ways that the tests hold to agreement on every role, visibility and status:
//   - for one item, in Go: the store reads the row and the actor's Relations (relations) and
//     calls CanSeePractice, CanChange, CanTranslate… as handlers would;
//   - for lists and search, as the SQL predicate documented beside practice.CanSeePractice
//     (practiceVisible), with the memberships, ties and handbook shares as subqueries, so a page
//     of results costs one query whatever the actor's relations.

// partnerTies are the tie kinds that make two organisations partners (practice.Relations).
const partnerTies = `('sister', 'friendship')`

// relations reads the directory facts visibility depends on for the actor's organisation:
// its partners, its networks (current memberships on the store's today), and which of the given
// practices their owners shared with it through a handbook. A visitor, or a user bound to no
// organisation, has none.
func (db *DB) relations(ctx context.Context, q querier, a citypact.Actor, practiceIDs ...int64) (practice.Relations, error) {
	rel := practice.Relations{OrgID: a.OrgID}
	if outsider(a) {
		return practice.Relations{}, nil
	}
	var err error
	if rel.Partners, err = queryInt64s(ctx, q, `SELECT b_id FROM ties WHERE a_id = $1 AND kind IN `+partnerTies+`
		UNION SELECT a_id FROM ties WHERE b_id = $1 AND kind IN `+partnerTies, a.OrgID); err != nil {
		return rel, err
	}
	if rel.Networks, err = queryInt64s(ctx, q, `SELECT network_id FROM memberships
		WHERE member_id = $1 AND (until IS NULL OR until >= $2)`, a.OrgID, dateText(db.Now())); err != nil {
		return rel, err
	}
	if len(practiceIDs) == 0 {
		return rel, nil
	}
	args := []any{a.OrgID}
	for _, id := range practiceIDs {
		args = append(args, id)
	}
	rel.Shared, err = queryInt64s(ctx, q, `SELECT DISTINCT i.practice_id FROM handbook_shares s
		JOIN handbooks h ON h.id = s.handbook_id
		JOIN handbook_items i ON i.handbook_id = h.id
		JOIN practices q ON q.id = i.practice_id
		WHERE s.org_id = $1 AND q.owner_id = h.owner_id AND i.practice_id IN (`+placeholders(2, len(practiceIDs))+`)`, args...)
	return rel, err
}

// practiceVisible returns practice.CanSeePractice as an SQL condition on the practices row
// aliased p, for actor a, adding its arguments through arg:
//
//	admin: TRUE
//	visitor, or no organisation: p.status <> 'draft' AND p.vis_kind = 'public'
//	otherwise: p.owner_id = :org OR (p.status <> 'draft' AND (public OR network OR partners OR shared))
//
// which is the documented predicate with :signed resolved in Go.
func (db *DB) practiceVisible(a citypact.Actor, p string, arg func(any) int) string {
	switch {
	case a.IsAdmin():
		return "TRUE"
	case outsider(a):
		return fmt.Sprintf("(%[1]s.status <> 'draft' AND %[1]s.vis_kind = 'public')", p)
	}
	org := arg(a.OrgID)
	return fmt.Sprintf(`(%[1]s.owner_id = $%[2]d OR (%[1]s.status <> 'draft' AND (%[3]s
		OR %[1]s.id IN (SELECT i.practice_id FROM handbook_shares hs
			JOIN handbooks h ON h.id = hs.handbook_id
			JOIN handbook_items i ON i.handbook_id = h.id
			JOIN practices hq ON hq.id = i.practice_id
			WHERE hs.org_id = $%[2]d AND hq.owner_id = h.owner_id))))`, p, org, db.seeByVisibility(p, org, arg))
}

// outsider reports whether a sees what a visitor sees, practices and boards alike: not signed in,
// or of no organisation.
func outsider(a citypact.Actor) bool { return !a.SignedIn() || a.OrgID == 0 }

// rowDecides reports whether practiceVisible for a reads no more than the practice's status and
// visibility kind (administrators and outsiders), so that a copy of those decides as well.
func rowDecides(a citypact.Actor) bool { return a.IsAdmin() || outsider(a) }

// seeByVisibility is CanSee's rule for a signed-in actor of organisation $org, less "members of
// the owner see everything" (which callers add with the owner column they have): public, or a
// network the organisation is (or staffs), or partners of the owner.
func (db *DB) seeByVisibility(p string, org int, arg func(any) int) string {
	today := arg(dateText(db.Now()))
	return fmt.Sprintf(`(%[1]s.vis_kind = 'public'
		OR (%[1]s.vis_kind = 'network' AND (%[1]s.network_id = $%[2]d OR %[1]s.network_id IN (SELECT m.network_id FROM memberships m
			WHERE m.member_id = $%[2]d AND (m.until IS NULL OR m.until >= $%[3]d))))
		OR (%[1]s.vis_kind = 'partners' AND %[1]s.owner_id IN (SELECT t.b_id FROM ties t WHERE t.a_id = $%[2]d AND t.kind IN `+partnerTies+`
			UNION ALL SELECT t.a_id FROM ties t WHERE t.b_id = $%[2]d AND t.kind IN `+partnerTies+`)))`, p, org, today)
}

// handbookVisible returns practice.CanSeeHandbook as an SQL condition on the handbooks row
// aliased h: CanSee's predicate on its columns, or shared with the actor's organisation.
func (db *DB) handbookVisible(a citypact.Actor, h string, arg func(any) int) string {
	switch {
	case a.IsAdmin():
		return "TRUE"
	case outsider(a):
		return fmt.Sprintf("%s.vis_kind = 'public'", h)
	}
	org := arg(a.OrgID)
	return fmt.Sprintf(`(%[1]s.owner_id = $%[2]d OR %[3]s
		OR %[1]s.id IN (SELECT hs.handbook_id FROM handbook_shares hs WHERE hs.org_id = $%[2]d))`, h, org, db.seeByVisibility(h, org, arg))
}

// queryInt64s runs a query of one integer column and returns its values.
func queryInt64s(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
