package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// entryAudit is what the audit log keeps of a timeline entry.
type entryAudit struct {
	Date        string   `json:"date"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Links       []string `json:"links,omitempty"`
	Parties     []int64  `json:"parties"`
	Source      string   `json:"source,omitempty"`
}

func auditOfEntry(e directory.TimelineEntry) entryAudit {
	return entryAudit{dateText(e.Date), string(e.Kind), e.Title, e.Description, e.Links, e.Parties, e.Source}
}

// Links are kept newline-joined in one column: Validate admits only URLs, which hold no newline.
func joinLinks(links []string) string { return strings.Join(links, "\n") }

func splitLinks(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// addParties stores the parties of entry id; an unknown organisation is "org.unknown", one given
// twice "timeline.parties_invalid".
func addParties(ctx context.Context, tx *sql.Tx, id int64, parties []int64) error {
	for _, p := range parties {
		_, err := tx.ExecContext(ctx, `INSERT INTO timeline_parties (entry_id, org_id) VALUES ($1, $2)`, id, p)
		switch {
		case isForeignKey(err):
			return citypact.Invalid(citypact.FieldError{Field: "parties", Key: "org.unknown"})
		case isUnique(err):
			return citypact.Invalid(citypact.FieldError{Field: "parties", Key: "timeline.parties_invalid"})
		case err != nil:
			return err
		}
	}
	return nil
}

// AddTimelineEntry stores an entry the caller has validated, with its parties.
func (db *DB) AddTimelineEntry(ctx context.Context, e *directory.TimelineEntry) (err error) {
	defer citypact.Wrap(&err, "store.AddTimelineEntry")
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO timeline_entries (date, kind, title, description, links, source,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			dateArg(e.Date), string(e.Kind), e.Title, e.Description, joinLinks(e.Links), e.Source, now, now).Scan(&e.ID); err != nil {
			return err
		}
		if err := addParties(ctx, tx, e.ID, e.Parties); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "timeline.create", "timeline_entry", e.ID, nil, auditOfEntry(*e))
	})
}

// UpdateTimelineEntry saves an entry's fields and replaces its parties.
func (db *DB) UpdateTimelineEntry(ctx context.Context, e *directory.TimelineEntry) (err error) {
	defer citypact.Wrap(&err, "store.UpdateTimelineEntry(%d)", e.ID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := timelineEntry(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE timeline_entries SET date = $1, kind = $2, title = $3, description = $4,
			links = $5, source = $6, updated_at = $7 WHERE id = $8`,
			dateArg(e.Date), string(e.Kind), e.Title, e.Description, joinLinks(e.Links), e.Source, db.Now(), e.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM timeline_parties WHERE entry_id = $1`, e.ID); err != nil {
			return err
		}
		if err := addParties(ctx, tx, e.ID, e.Parties); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "timeline.update", "timeline_entry", e.ID, auditOfEntry(before), auditOfEntry(*e))
	})
}

// DeleteTimelineEntry removes an entry and its parties.
func (db *DB) DeleteTimelineEntry(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteTimelineEntry(%d)", id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := timelineEntry(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM timeline_entries WHERE id = $1`, id); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "timeline.delete", "timeline_entry", id, auditOfEntry(before), nil)
	})
}

func timelineEntry(ctx context.Context, q querier, id int64) (directory.TimelineEntry, error) {
	es, err := timeline(ctx, q, `e.id = $1`, id)
	if err != nil {
		return directory.TimelineEntry{}, err
	}
	if len(es) == 0 {
		return directory.TimelineEntry{}, citypact.NotFound("timeline entry")
	}
	return es[0], nil
}

// TimelineEntry returns one entry with its parties.
func (db *DB) TimelineEntry(ctx context.Context, id int64) (_ directory.TimelineEntry, err error) {
	defer citypact.Wrap(&err, "store.TimelineEntry(%d)", id)
	return timelineEntry(ctx, db.rq, id)
}

// Timeline lists the entries orgID takes part in, newest first; with partnerID, only those in
// which both take part.
func (db *DB) Timeline(ctx context.Context, orgID, partnerID int64) (_ []directory.TimelineEntry, err error) {
	defer citypact.Wrap(&err, "store.Timeline(%d, %d)", orgID, partnerID)
	cond := `e.id IN (SELECT entry_id FROM timeline_parties WHERE org_id = $1)`
	args := []any{orgID}
	if partnerID != 0 {
		cond += ` AND e.id IN (SELECT entry_id FROM timeline_parties WHERE org_id = $2)`
		args = append(args, partnerID)
	}
	return timeline(ctx, db.rq, cond, args...)
}

// timeline reads the entries matching cond (on alias e), newest first, in three queries whatever
// their number: the entries, their parties with the parties' organisations, and those
// organisations' names (one query per namesChunk of them). Parties and PartyOrgs come in the
// same order, by name.
func timeline(ctx context.Context, q querier, cond string, args ...any) ([]directory.TimelineEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.date, e.kind, e.title, e.description, e.links, e.source
		FROM timeline_entries e WHERE `+cond+` ORDER BY e.date DESC, e.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.TimelineEntry
	byID := map[int64]int{}
	for rows.Next() {
		var e directory.TimelineEntry
		var date sql.NullTime
		var kind, links string
		if err := rows.Scan(&e.ID, &date, &kind, &e.Title, &e.Description, &links, &e.Source); err != nil {
			return nil, err
		}
		e.Date, e.Kind, e.Links = dateOf(date), directory.EntryKind(kind), splitLinks(links)
		byID[e.ID] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}

	rows, err = q.QueryContext(ctx, `SELECT p.entry_id, `+orgColumns+` FROM timeline_parties p
		JOIN organisations o ON o.id = p.org_id
		WHERE p.entry_id IN (SELECT e.id FROM timeline_entries e WHERE `+cond+`) ORDER BY p.entry_id, o.name, o.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var entryID int64
		var o directory.Organisation
		dest, done := orgDest(&o)
		if err := rows.Scan(append([]any{&entryID}, dest...)...); err != nil {
			return nil, err
		}
		done()
		i, ok := byID[entryID]
		if !ok { // an entry added between the two queries
			continue
		}
		out[i].Parties = append(out[i].Parties, o.ID)
		out[i].PartyOrgs = append(out[i].PartyOrgs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	var orgs []*directory.Organisation
	for i := range out {
		orgs = append(orgs, pointers(out[i].PartyOrgs)...)
	}
	return out, loadNames(ctx, q, orgs)
}
