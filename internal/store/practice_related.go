package store

import (
	"context"
	"slices"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// Related returns what a practice page shows beside p (see practice.Store). The actor's right to
// see p is decided on p as the caller read it, so that a page does not read the practice twice
// (for a visitor, that takes no query).
func (db *DB) Related(ctx context.Context, p practice.Practice) (_ practice.Related, err error) {
	defer citypact.Wrap(&err, "store.Related(%d)", p.ID)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	if err := db.canRead(ctx, db.rq, a, p); err != nil {
		return practice.Related{}, err
	}
	var r practice.Related
	if r.Translations, err = translationsOf(ctx, db.rq, p.ID); err != nil {
		return practice.Related{}, err
	}
	if r.Attachments, err = attachmentsOf(ctx, db.rq, p.ID); err != nil {
		return practice.Related{}, err
	}
	if r.Sources, r.Adaptations, err = db.lineage(ctx, a, p); err != nil {
		return practice.Related{}, err
	}
	return r, nil
}

// lineage returns the practices p was adapted from and those adapted from it, each list holding
// only practices a may see, in the author's order and newest first respectively; read in one
// query, as a statement costs a page more than its rows, and without their own sets, which a list
// of links does not show. A source is told from an adaptation by p.AdaptedFrom:
// no practice is both, which would be a cycle.
func (db *DB) lineage(ctx context.Context, a citypact.Actor, p practice.Practice) (sources, adaptations []practice.Practice, err error) {
	args := []any{p.ID}
	arg := func(v any) int { args = append(args, v); return len(args) }
	vis := db.practiceVisible(a, "p", arg)
	// One IN over both sides: written as two INs joined by OR, PostgreSQL would scan every
	// practice rather than look each one up by its key.
	rows, err := practiceRows(ctx, db.rq, `p.id IN (SELECT practice_id FROM practice_lineage WHERE source_id = $1
		UNION ALL SELECT source_id FROM practice_lineage WHERE practice_id = $1) AND `+vis+` ORDER BY p.id DESC`, args...)
	if err != nil {
		return nil, nil, err
	}
	for _, q := range rows {
		if slices.Contains(p.AdaptedFrom, q.ID) {
			sources = append(sources, q)
		} else {
			adaptations = append(adaptations, q)
		}
	}
	slices.SortFunc(sources, func(x, y practice.Practice) int {
		return slices.Index(p.AdaptedFrom, x.ID) - slices.Index(p.AdaptedFrom, y.ID)
	})
	return sources, adaptations, nil
}
