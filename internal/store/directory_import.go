package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// ImportOrganisations creates the organisations whose slug is new and overwrites those whose slug
// exists (every field and the whole set of names), in one transaction: all of them or none. An
// existing organisation that the import would not change is left alone: neither written, audited
// nor counted. A slug given twice is a field error. orgs is not modified.
//
// It reads the existing organisations in a few queries up front (one per namesChunk slugs), then
// writes each organisation with statements prepared once: a row, its names, its audit entry.
func (db *DB) ImportOrganisations(ctx context.Context, orgs []directory.Organisation) (created, updated int, err error) {
	defer citypact.Wrap(&err, "store.ImportOrganisations(%d)", len(orgs))
	err = db.tx(ctx, func(tx *sql.Tx) error {
		created, updated = 0, 0
		existing, err := orgsBySlug(ctx, tx, orgs)
		if err != nil {
			return err
		}
		w := newOrgWriter(tx)
		defer w.close()
		audit := db.newAuditBatch(ctx, tx)
		// New organisations' names are written a batch at a time (namesBatch organisations).
		var pending []*directory.Organisation
		flushNames := func() error {
			err := w.addNamesOf(ctx, pending)
			pending = pending[:0]
			return err
		}
		now := db.Now()
		seen := make(map[string]bool, len(orgs))
		for i := range orgs {
			o := orgs[i] // a copy: the caller's slice stays as it was
			if seen[o.Slug] {
				return &citypact.Error{Kind: citypact.KindInvalid, Fields: []citypact.FieldError{{Field: "slug", Key: "org.slug_taken"}},
					Err: fmt.Errorf("slug %q given twice", o.Slug)}
			}
			seen[o.Slug] = true
			before, ok := existing[o.Slug]
			if !ok {
				o.CreatedAt, o.UpdatedAt = now, now
				if err := w.insertRow(ctx, &o); err != nil {
					return err
				}
				if pending = append(pending, &o); len(pending) == namesBatch {
					if err := flushNames(); err != nil {
						return err
					}
				}
				if err := audit.add("organisation.create", "organisation", o.ID, nil, auditOfOrg(o)); err != nil {
					return err
				}
				created++
				continue
			}
			o.ID, o.CreatedAt, o.UpdatedAt = before.ID, before.CreatedAt, before.UpdatedAt
			if sameOrg(before, o) {
				continue
			}
			o.UpdatedAt = now
			if err := w.save(ctx, &o); err != nil {
				return err
			}
			if err := audit.add("organisation.update", "organisation", o.ID, auditOfOrg(before), auditOfOrg(o)); err != nil {
				return err
			}
			updated++
		}
		if err := flushNames(); err != nil {
			return err
		}
		return audit.flush()
	})
	if err != nil {
		return 0, 0, err
	}
	return created, updated, nil
}

// namesBatch is how many new organisations' names one statement inserts: with at most
// directory.MaxNames names each, 100 organisations stay within both engines' parameter limits.
const namesBatch = 100

// orgsBySlug reads, with their names, the stored organisations that have the slugs of orgs, in
// one query per namesChunk slugs.
func orgsBySlug(ctx context.Context, q querier, orgs []directory.Organisation) (map[string]directory.Organisation, error) {
	slugs := make([]any, 0, len(orgs))
	for _, o := range orgs {
		slugs = append(slugs, o.Slug)
	}
	out := make(map[string]directory.Organisation)
	for len(slugs) > 0 {
		chunk := slugs[:min(len(slugs), namesChunk)]
		slugs = slugs[len(chunk):]
		found, err := orgsWhere(ctx, q, `o.slug IN (`+placeholders(1, len(chunk))+`)`, chunk...)
		if err != nil {
			return nil, err
		}
		for _, o := range found {
			out[o.Slug] = o
		}
	}
	return out, nil
}

// sameOrg reports whether storing b over a would change nothing but UpdatedAt: same fields and
// the same set of names, in any order.
func sameOrg(a, b directory.Organisation) bool {
	an, bn := sortedNames(a.Names), sortedNames(b.Names)
	a.Names, b.Names = nil, nil
	a.UpdatedAt = b.UpdatedAt
	return reflect.DeepEqual(a, b) && slices.Equal(an, bn)
}

func sortedNames(ns []directory.Name) []directory.Name {
	ns = slices.Clone(ns)
	slices.SortFunc(ns, func(x, y directory.Name) int { return strings.Compare(x.Lang, y.Lang) })
	return ns
}
