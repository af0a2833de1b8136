package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// membershipAudit is what the audit log keeps of a membership: its own fields, not the
// organisations filled in by queries.
type membershipAudit struct {
	NetworkID int64  `json:"network_id"`
	MemberID  int64  `json:"member_id"`
	Role      string `json:"role"`
	Since     string `json:"since,omitempty"`
	Until     string `json:"until,omitempty"`
	Source    string `json:"source,omitempty"`
}

func auditOfMembership(m directory.Membership) membershipAudit {
	return membershipAudit{m.NetworkID, m.MemberID, string(m.Role), dateText(m.Since), dateText(m.Until), m.Source}
}

// membershipError names the field a failed membership write is about.
func membershipError(err error) error {
	switch {
	case isUnique(err):
		return citypact.Invalid(citypact.FieldError{Field: "member", Key: "membership.duplicate"})
	case isForeignKey(err):
		return citypact.Invalid(citypact.FieldError{Field: "member", Key: "org.unknown"})
	}
	return err
}

// AddMembership stores a membership the caller has validated (Membership.Validate). The database
// refuses a second membership of the same organisation in the network ("membership.duplicate")
// and unknown organisations ("org.unknown").
func (db *DB) AddMembership(ctx context.Context, m *directory.Membership) (err error) {
	defer citypact.Wrap(&err, "store.AddMembership(%d, %d)", m.NetworkID, m.MemberID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO memberships (network_id, member_id, role, since, until, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			m.NetworkID, m.MemberID, string(m.Role), dateArg(m.Since), dateArg(m.Until), m.Source, db.Now()).Scan(&m.ID)
		if err != nil {
			return membershipError(err)
		}
		return db.writeAudit(ctx, tx, "membership.create", "membership", m.ID, nil, auditOfMembership(*m))
	})
}

// UpdateMembership saves every stored field of m, including which network and member it joins.
func (db *DB) UpdateMembership(ctx context.Context, m *directory.Membership) (err error) {
	defer citypact.Wrap(&err, "store.UpdateMembership(%d)", m.ID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := membership(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE memberships SET network_id = $1, member_id = $2, role = $3, since = $4,
			until = $5, source = $6 WHERE id = $7`,
			m.NetworkID, m.MemberID, string(m.Role), dateArg(m.Since), dateArg(m.Until), m.Source, m.ID)
		if err != nil {
			return membershipError(err)
		}
		return db.writeAudit(ctx, tx, "membership.update", "membership", m.ID, auditOfMembership(before), auditOfMembership(*m))
	})
}

// DeleteMembership removes a membership.
func (db *DB) DeleteMembership(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteMembership(%d)", id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := membership(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "membership.delete", "membership", id, auditOfMembership(before), nil)
	})
}

const membershipColumns = `m.id, m.network_id, m.member_id, m.role, m.since, m.until, m.source`

func membershipDest(m *directory.Membership) ([]any, func()) {
	var role string
	var since, until sql.NullTime
	return []any{&m.ID, &m.NetworkID, &m.MemberID, &role, &since, &until, &m.Source}, func() {
		m.Role = directory.MemberRole(role)
		m.Since, m.Until = dateOf(since), dateOf(until)
	}
}

// membership reads one membership with both its network and its member (and their names).
func membership(ctx context.Context, q querier, id int64) (m directory.Membership, err error) {
	md, mdone := membershipDest(&m)
	nd, ndone := orgDest(&m.Network)
	od, odone := orgDest(&m.Member)
	err = q.QueryRowContext(ctx, `SELECT `+membershipColumns+`, `+orgColumnsAs("n")+`, `+orgColumns+`
		FROM memberships m JOIN organisations n ON n.id = m.network_id JOIN organisations o ON o.id = m.member_id
		WHERE m.id = $1`, id).Scan(append(append(md, nd...), od...)...)
	if err != nil {
		return m, notFound(err, "membership")
	}
	mdone()
	ndone()
	odone()
	return m, loadNames(ctx, q, []*directory.Organisation{&m.Network, &m.Member})
}

// Membership returns one membership with its network and member filled in.
func (db *DB) Membership(ctx context.Context, id int64) (_ directory.Membership, err error) {
	defer citypact.Wrap(&err, "store.Membership(%d)", id)
	return membership(ctx, db.rq, id)
}

// Memberships lists the members of network networkID, ordered by name, each with Member filled
// in; or, with memberID instead, the networks memberID belongs to, each with Network filled in.
// Past memberships are included (see Membership.Current).
func (db *DB) Memberships(ctx context.Context, networkID, memberID int64) (_ []directory.Membership, err error) {
	defer citypact.Wrap(&err, "store.Memberships(%d, %d)", networkID, memberID)
	join, by := "m.member_id", "m.network_id"
	id := networkID
	if networkID == 0 {
		join, by, id = "m.network_id", "m.member_id", memberID
	}
	if (networkID == 0) == (memberID == 0) {
		return nil, fmt.Errorf("want exactly one of network and member")
	}
	rows, err := db.rq.QueryContext(ctx, `SELECT `+membershipColumns+`, `+orgColumns+`
		FROM memberships m JOIN organisations o ON o.id = `+join+` WHERE `+by+` = $1 ORDER BY o.name, o.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Membership
	for rows.Next() {
		var m directory.Membership
		other := &m.Member
		if networkID == 0 {
			other = &m.Network
		}
		md, mdone := membershipDest(&m)
		od, odone := orgDest(other)
		if err := rows.Scan(append(md, od...)...); err != nil {
			return nil, err
		}
		mdone()
		odone()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	others := make([]*directory.Organisation, len(out))
	for i := range out {
		others[i] = &out[i].Member
		if networkID == 0 {
			others[i] = &out[i].Network
		}
	}
	return out, loadNames(ctx, db.rq, others)
}
