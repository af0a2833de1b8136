package store

import (
	"context"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// Related returns what a practice page shows beside practice id (see practice.Store), with one
// check that the actor may see it where asking Translations, Attachments and the lineage apart
// would check three times.
func (db *DB) Related(ctx context.Context, id int64) (_ practice.Related, err error) {
	defer citypact.Wrap(&err, "store.Related(%d)", id)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	if err := db.checkVisible(ctx, db.rq, a, id); err != nil {
		return practice.Related{}, err
	}
	var r practice.Related
	if r.Translations, err = translationsOf(ctx, db.rq, id); err != nil {
		return practice.Related{}, err
	}
	if r.Attachments, err = attachmentsOf(ctx, db.rq, id); err != nil {
		return practice.Related{}, err
	}
	if r.Sources, r.Adaptations, err = db.lineage(ctx, a, id); err != nil {
		return practice.Related{}, err
	}
	return r, nil
}

// lineage returns the practices id was adapted from and those adapted from it, each list holding
// only practices a may see, in the author's order and newest first respectively; read without
// their own sets, which a list of links does not show. The caller has checked a may see id.
func (db *DB) lineage(ctx context.Context, a citypact.Actor, id int64) (sources, adaptations []practice.Practice, err error) {
	args := []any{id}
	arg := func(v any) int { args = append(args, v); return len(args) }
	vis := db.practiceVisible(a, "p", arg)
	sources, err = practiceRows(ctx, db.rq, `p.id IN (SELECT source_id FROM practice_lineage WHERE practice_id = $1) AND `+vis+`
		ORDER BY (SELECT position FROM practice_lineage l WHERE l.practice_id = $1 AND l.source_id = p.id)`, args...)
	if err != nil {
		return nil, nil, err
	}
	adaptations, err = practiceRows(ctx, db.rq, `p.id IN (SELECT practice_id FROM practice_lineage WHERE source_id = $1) AND `+vis+`
		ORDER BY p.id DESC`, args...)
	return sources, adaptations, err
}
