package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"golang.org/x/text/unicode/norm"
)

var _ directory.Store = (*DB)(nil)

// querier is what both a pool and a transaction offer, so one read helper serves both.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// orgColumns are an organisation's columns under the alias o; orgColumnsAs renames the alias
// where one query reads two organisations.
const orgColumns = `o.id, o.slug, o.kind, o.name, o.country, o.region, o.population, o.population_year,
	o.population_source, o.has_location, o.lat, o.lon, o.website, o.description, o.source, o.created_at, o.updated_at`

func orgColumnsAs(alias string) string { return strings.ReplaceAll(orgColumns, "o.", alias+".") }

// orgDest returns scan destinations for orgColumns and a function that finishes the value.
func orgDest(o *directory.Organisation) ([]any, func()) {
	var kind string
	return []any{&o.ID, &o.Slug, &kind, &o.Name, &o.Country, &o.Region, &o.Population, &o.PopulationYear,
			&o.PopulationSource, &o.HasLocation, &o.Lat, &o.Lon, &o.Website, &o.Description, &o.Source,
			&o.CreatedAt, &o.UpdatedAt}, func() {
			o.Kind = directory.Kind(kind)
			o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
		}
}

// orgArgs are the stored fields in the order of orgWriter's statements ($1…$14).
func orgArgs(o *directory.Organisation) []any {
	return []any{o.Slug, string(o.Kind), o.Name, o.Country, o.Region, o.Population, o.PopulationYear,
		o.PopulationSource, o.HasLocation, o.Lat, o.Lon, o.Website, o.Description, o.Source}
}

// fold prepares a name or a query for matching: NFKC (full-width Ｔｏｋｙｏ becomes Tokyo, and
// compatibility ideographs their unified forms), lower case, then the variant characters that
// place names are commonly written with either way folded to one form, so that 台北 finds 臺北市
// (Taipei's official name) as readers expect. It is not a traditional-to-simplified conversion.
func fold(s string) string { return variants.Replace(strings.ToLower(norm.NFKC.String(s))) }

var variants = strings.NewReplacer("臺", "台", "灣", "湾", "國", "国", "區", "区", "縣", "県", "县", "県",
	"東", "东", "濱", "浜", "澤", "沢", "廣", "広")

// orgWriter writes organisations and their names with statements prepared on first use and kept
// for the transaction: an import runs them thousands of times, single changes the same way once.
type orgWriter struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt // by query
}

func newOrgWriter(tx *sql.Tx) *orgWriter { return &orgWriter{tx: tx, stmts: map[string]*sql.Stmt{}} }

func (w *orgWriter) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := w.stmts[query]; s != nil {
		return s, nil
	}
	s, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = s
	return s, nil
}

func (w *orgWriter) close() {
	for _, s := range w.stmts {
		s.Close()
	}
}

const (
	insertOrgSQL = `INSERT INTO organisations (slug, kind, name, country, region, population, population_year,
		population_source, has_location, lat, lon, website, description, source, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`
	updateOrgSQL = `UPDATE organisations SET slug = $1, kind = $2, name = $3, country = $4, region = $5,
		population = $6, population_year = $7, population_source = $8, has_location = $9, lat = $10, lon = $11,
		website = $12, description = $13, source = $14, updated_at = $15 WHERE id = $16`
	deleteNamesSQL = `DELETE FROM organisation_names WHERE org_id = $1`
)

// insertNamesSQL inserts n names in one statement: a round trip per organisation rather than per
// name, which on PostgreSQL is most of an import's time.
func insertNamesSQL(n int) string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = "(" + placeholders(5*i+1, 5) + ")"
	}
	return `INSERT INTO organisation_names (org_id, lang, name, original, search) VALUES ` + strings.Join(rows, ", ")
}

func slugTaken(slug string) error {
	return &citypact.Error{Kind: citypact.KindInvalid, Fields: []citypact.FieldError{{Field: "slug", Key: "org.slug_taken"}},
		Err: fmt.Errorf("slug %q taken", slug)}
}

// create inserts o with its names and sets o.ID.
func (w *orgWriter) create(ctx context.Context, o *directory.Organisation) error {
	if err := w.insertRow(ctx, o); err != nil {
		return err
	}
	return w.addNames(ctx, o)
}

// insertRow inserts o's row without its names and sets o.ID.
func (w *orgWriter) insertRow(ctx context.Context, o *directory.Organisation) error {
	s, err := w.stmt(ctx, insertOrgSQL)
	if err != nil {
		return err
	}
	err = s.QueryRowContext(ctx, append(orgArgs(o), o.CreatedAt, o.UpdatedAt)...).Scan(&o.ID)
	if isUnique(err) {
		return slugTaken(o.Slug)
	}
	return err
}

// save overwrites the stored organisation o.ID with o and replaces its names.
func (w *orgWriter) save(ctx context.Context, o *directory.Organisation) error {
	s, err := w.stmt(ctx, updateOrgSQL)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(ctx, append(orgArgs(o), o.UpdatedAt, o.ID)...)
	if isUnique(err) {
		return slugTaken(o.Slug)
	}
	if err != nil {
		return err
	}
	if s, err = w.stmt(ctx, deleteNamesSQL); err != nil {
		return err
	}
	if _, err := s.ExecContext(ctx, o.ID); err != nil {
		return err
	}
	return w.addNames(ctx, o)
}

func (w *orgWriter) addNames(ctx context.Context, o *directory.Organisation) error {
	return w.addNamesOf(ctx, []*directory.Organisation{o})
}

// addNamesOf inserts the names of several organisations in one statement: an import batches
// them, since a round trip per organisation was most of its time on PostgreSQL.
func (w *orgWriter) addNamesOf(ctx context.Context, orgs []*directory.Organisation) error {
	var args []any
	for _, o := range orgs {
		for _, n := range o.Names {
			args = append(args, o.ID, n.Lang, n.Text, n.Original, fold(n.Text))
		}
	}
	if len(args) == 0 {
		return nil
	}
	query := insertNamesSQL(len(args) / 5)
	var err error
	if len(orgs) == 1 {
		var s *sql.Stmt
		if s, err = w.stmt(ctx, query); err != nil {
			return err
		}
		_, err = s.ExecContext(ctx, args...)
	} else {
		_, err = w.tx.ExecContext(ctx, query, args...)
	}
	if isUnique(err) {
		return &citypact.Error{Kind: citypact.KindInvalid, Fields: []citypact.FieldError{{Field: "names", Key: "org.name_lang_invalid"}},
			Err: fmt.Errorf("%s: two names in one language", orgs[0].Slug)}
	}
	return err
}

// CreateOrganisation stores a new organisation with its names; a taken slug is a field error.
func (db *DB) CreateOrganisation(ctx context.Context, o *directory.Organisation) (err error) {
	defer citypact.Wrap(&err, "store.CreateOrganisation(%q)", o.Slug)
	now := db.Now()
	o.CreatedAt, o.UpdatedAt = now, now
	return db.tx(ctx, func(tx *sql.Tx) error {
		w := newOrgWriter(tx)
		defer w.close()
		if err := w.create(ctx, o); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "organisation.create", "organisation", o.ID, nil, auditOfOrg(*o))
	})
}

// UpdateOrganisation saves every field of o and replaces its names; CreatedAt stays as stored.
func (db *DB) UpdateOrganisation(ctx context.Context, o *directory.Organisation) (err error) {
	defer citypact.Wrap(&err, "store.UpdateOrganisation(%d)", o.ID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := orgByID(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		w := newOrgWriter(tx)
		defer w.close()
		o.CreatedAt, o.UpdatedAt = before.CreatedAt, db.Now()
		if err := w.save(ctx, o); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "organisation.update", "organisation", o.ID, auditOfOrg(before), auditOfOrg(*o))
	})
}

// DeleteOrganisation removes an organisation with its names and contacts. One that memberships,
// ties, timeline entries, users or API tokens refer to is refused ("org.in_use"): the foreign keys
// say so, and the transaction rolls back with nothing removed.
func (db *DB) DeleteOrganisation(ctx context.Context, id int64) (err error) {
	defer citypact.Wrap(&err, "store.DeleteOrganisation(%d)", id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := orgByID(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1`, id)
		if isForeignKey(err) {
			return citypact.Conflict("org.in_use")
		}
		if err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "organisation.delete", "organisation", id, auditOfOrg(before), nil)
	})
}

// orgWhere reads the one organisation matching cond (on alias o), with its names.
func orgWhere(ctx context.Context, q querier, cond string, args ...any) (o directory.Organisation, err error) {
	dest, done := orgDest(&o)
	if err := q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE `+cond, args...).Scan(dest...); err != nil {
		return o, notFound(err, "organisation")
	}
	done()
	return o, loadNames(ctx, q, []*directory.Organisation{&o})
}

func orgByID(ctx context.Context, q querier, id int64) (directory.Organisation, error) {
	return orgWhere(ctx, q, `o.id = $1`, id)
}

// OrganisationByID returns one organisation with its names.
func (db *DB) OrganisationByID(ctx context.Context, id int64) (o directory.Organisation, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.OrganisationByID(%d)", id)
	return orgByID(ctx, db.rq, id)
}

// OrganisationBySlug returns one organisation with its names.
func (db *DB) OrganisationBySlug(ctx context.Context, slug string) (o directory.Organisation, err error) {
	defer citypact.Wrap(&err, "store.OrganisationBySlug(%q)", slug)
	return orgWhere(ctx, db.rq, `o.slug = $1`, slug)
}

// OrgExists reports whether an organisation id exists.
func (db *DB) OrgExists(ctx context.Context, id int64) (bool, error) {
	var n int
	err := db.rq.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, id).Scan(&n)
	return n > 0, err
}

// ListOrganisations lists organisations in id order (keyset pages: p.After is the last id seen),
// with their names.
func (db *DB) ListOrganisations(ctx context.Context, p citypact.Page) (_ []directory.Organisation, err error) {
	defer citypact.Wrap(&err, "store.ListOrganisations")
	p = p.Normalize()
	return orgsWhere(ctx, db.rq, `o.id > $1 ORDER BY o.id`+sqlLimit(p.Limit), p.After)
}

// orgsWhere reads the organisations selected by the rest of a query (conditions on alias o, order,
// limit), then their names in one more query.
func orgsWhere(ctx context.Context, q querier, rest string, args ...any) ([]directory.Organisation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Organisation
	for rows.Next() {
		var o directory.Organisation
		dest, done := orgDest(&o)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		done()
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // before the next query: a transaction has one connection
	return out, loadNames(ctx, q, pointers(out))
}

func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// namesChunk bounds the ids in one IN list, far below either engine's limit on parameters; a page
// of organisations (at most citypact.MaxLimit) takes one query.
const namesChunk = 500

// loadNames fills Names of every organisation given, in one query per namesChunk distinct ids.
// The same organisation may appear several times (as the party of several timeline entries).
// Names come original first, then by language tag.
func loadNames(ctx context.Context, q querier, orgs []*directory.Organisation) error {
	byID := map[int64][]*directory.Organisation{}
	var ids []any
	for _, o := range orgs {
		if _, ok := byID[o.ID]; !ok {
			ids = append(ids, o.ID)
		}
		byID[o.ID] = append(byID[o.ID], o)
		o.Names = nil
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), namesChunk)]
		ids = ids[len(chunk):]
		rows, err := q.QueryContext(ctx, `SELECT org_id, lang, name, original FROM organisation_names
			WHERE org_id IN (`+placeholders(1, len(chunk))+`) ORDER BY org_id, original DESC, lang`, chunk...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var n directory.Name
			if err := rows.Scan(&id, &n.Lang, &n.Text, &n.Original); err != nil {
				rows.Close()
				return err
			}
			for _, o := range byID[id] {
				o.Names = append(o.Names, n)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "$from, $from+1, …" for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// Countries lists the distinct country codes organisations are in, sorted: the directory's
// country filter offers these, and one small query beats reading every organisation.
func (db *DB) Countries(ctx context.Context) (_ []string, err error) {
	defer citypact.Wrap(&err, "store.Countries")
	return queryStrings(ctx, db.rq, `SELECT DISTINCT country FROM organisations WHERE country <> '' ORDER BY country`)
}

// orgAudit is what the audit log keeps of an organisation, in the same snake_case as every other
// audited record.
type orgAudit struct {
	Slug             string            `json:"slug"`
	Kind             string            `json:"kind"`
	Names            map[string]string `json:"names"`
	Original         string            `json:"original_lang"`
	Country          string            `json:"country,omitempty"`
	Region           string            `json:"region,omitempty"`
	Population       int64             `json:"population,omitempty"`
	PopulationYear   int               `json:"population_year,omitempty"`
	PopulationSource string            `json:"population_source,omitempty"`
	Lat              *float64          `json:"lat,omitempty"`
	Lon              *float64          `json:"lon,omitempty"`
	Website          string            `json:"website,omitempty"`
	Description      string            `json:"description,omitempty"`
	Source           string            `json:"source,omitempty"`
}

func auditOfOrg(o directory.Organisation) orgAudit {
	a := orgAudit{Slug: o.Slug, Kind: string(o.Kind), Names: make(map[string]string, len(o.Names)), Country: o.Country,
		Region: o.Region, Population: o.Population, PopulationYear: o.PopulationYear, PopulationSource: o.PopulationSource,
		Website: o.Website, Description: o.Description, Source: o.Source}
	for _, n := range o.Names {
		a.Names[n.Lang] = n.Text
		if n.Original {
			a.Original = n.Lang
		}
	}
	if o.HasLocation {
		a.Lat, a.Lon = &o.Lat, &o.Lon
	}
	return a
}
