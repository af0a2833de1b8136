package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

var _ cases.Store = (*DB)(nil)

const areaColumns = `a.id, a.code, a.kind, a.name, a.country, COALESCE(a.org_id, 0), a.population,
	a.population_year, a.population_source, a.created_at, a.updated_at`

// scanArea reads areaColumns.
func scanArea(sc interface{ Scan(...any) error }, a *cases.Area) error {
	var kind string
	if err := sc.Scan(&a.ID, &a.Code, &kind, &a.Name, &a.Country, &a.OrgID, &a.Population, &a.PopulationYear,
		&a.PopulationSource, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return err
	}
	a.Kind = cases.AreaKind(kind)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return nil
}

func areasWhere(ctx context.Context, q querier, rest string, args ...any) ([]cases.Area, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+areaColumns+` FROM areas a WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Area
	for rows.Next() {
		var a cases.Area
		if err := scanArea(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func areaByCode(ctx context.Context, q querier, code string) (a cases.Area, err error) {
	err = scanArea(q.QueryRowContext(ctx, `SELECT `+areaColumns+` FROM areas a WHERE a.code = $1`, code), &a)
	return a, notFound(err, "area "+code)
}

// SaveArea creates the area, or updates the one with its code (keeping its id and CreatedAt). An
// area saved unchanged is neither written nor audited. An unknown OrgID is a field error.
func (db *DB) SaveArea(ctx context.Context, a *cases.Area) (err error) {
	defer citypact.Wrap(&err, "store.SaveArea(%q)", a.Code)
	if err := a.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		audit := db.newAuditBatch(ctx, tx)
		if err := db.saveArea(ctx, tx, audit, a); err != nil {
			return err
		}
		return audit.flush()
	})
}

// saveArea writes a validated area in tx and queues its audit row.
func (db *DB) saveArea(ctx context.Context, tx *sql.Tx, audit *auditBatch, a *cases.Area) error {
	before, err := areaByCode(ctx, tx, a.Code)
	switch {
	case citypact.KindOf(err) == citypact.KindNotFound:
		now := db.Now()
		a.CreatedAt, a.UpdatedAt = now, now
		err = tx.QueryRowContext(ctx, `INSERT INTO areas (code, kind, name, search, country, org_id, population,
			population_year, population_source, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			append(areaArgs(a), a.CreatedAt, a.UpdatedAt)...).Scan(&a.ID)
		if err != nil {
			return areaWriteError(err)
		}
		return audit.add("area.create", "area", a.ID, nil, auditOfArea(*a))
	case err != nil:
		return err
	}
	a.ID, a.CreatedAt, a.UpdatedAt = before.ID, before.CreatedAt, before.UpdatedAt
	if *a == before {
		return nil
	}
	a.UpdatedAt = db.Now()
	_, err = tx.ExecContext(ctx, `UPDATE areas SET code = $1, kind = $2, name = $3, search = $4, country = $5,
		org_id = $6, population = $7, population_year = $8, population_source = $9, updated_at = $10 WHERE id = $11`,
		append(areaArgs(a), a.UpdatedAt, a.ID)...)
	if err != nil {
		return areaWriteError(err)
	}
	return audit.add("area.update", "area", a.ID, auditOfArea(before), auditOfArea(*a))
}

// areaArgs are an area's stored fields, $1…$9 of saveArea's statements.
func areaArgs(a *cases.Area) []any {
	var org sql.NullInt64
	if a.OrgID != 0 {
		org = sql.NullInt64{Int64: a.OrgID, Valid: true}
	}
	return []any{a.Code, string(a.Kind), a.Name, fold(a.Code + " " + a.Name), a.Country, org, a.Population,
		a.PopulationYear, a.PopulationSource}
}

func areaWriteError(err error) error {
	if isForeignKey(err) {
		return &citypact.Error{Kind: citypact.KindInvalid, Fields: []citypact.FieldError{{Field: "org_id", Key: "field.invalid"}}, Err: err}
	}
	return err
}

// areaAudit is what the audit log keeps of an area.
type areaAudit struct {
	Code             string `json:"code"`
	Kind             string `json:"kind"`
	Name             string `json:"name"`
	Country          string `json:"country,omitempty"`
	OrgID            int64  `json:"org_id,omitempty"`
	Population       int64  `json:"population,omitempty"`
	PopulationYear   int    `json:"population_year,omitempty"`
	PopulationSource string `json:"population_source,omitempty"`
}

func auditOfArea(a cases.Area) areaAudit {
	return areaAudit{Code: a.Code, Kind: string(a.Kind), Name: a.Name, Country: a.Country, OrgID: a.OrgID,
		Population: a.Population, PopulationYear: a.PopulationYear, PopulationSource: a.PopulationSource}
}

// AreaByCode returns the area with code, or a KindNotFound error.
func (db *DB) AreaByCode(ctx context.Context, code string) (_ cases.Area, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.AreaByCode(%q)", code)
	return areaByCode(ctx, db.rq, code)
}

// Areas lists the areas matching f by name, then id. f.Page.After is the id of the last area
// seen; the next page starts after that area's (name, id) as stored now (see FindOrganisations).
// Query matches a fragment of the code or the name, folded as organisation names are.
func (db *DB) Areas(ctx context.Context, f cases.AreaFilter) (_ []cases.Area, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Areas")
	var where []string
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	if f.Kind != "" {
		where = append(where, fmt.Sprintf("a.kind = $%d", arg(string(f.Kind))))
	}
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		where = append(where, fmt.Sprintf("a.country = $%d", arg(c)))
	}
	if f.OrgID != 0 {
		where = append(where, fmt.Sprintf("a.org_id = $%d", arg(f.OrgID)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, fmt.Sprintf(`a.search LIKE $%d ESCAPE '\'`, arg("%"+escapeLike(fold(q))+"%")))
	}
	p := f.Page.Normalize()
	if p.After > 0 {
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM areas c WHERE c.id = $%d
			AND (a.name > c.name OR (a.name = c.name AND a.id > c.id)))`, arg(p.After)))
	}
	rest := "TRUE"
	if len(where) > 0 {
		rest = strings.Join(where, " AND ")
	}
	rest += " ORDER BY a.name, a.id" + sqlLimit(p.Limit)
	return areasWhere(ctx, db.rq, rest, args...)
}
