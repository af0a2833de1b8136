package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// Who may read a board is board.CanSeeBoard, applied two ways as for practices: for one board in
// Go, from the row and the actor's Relations (boardRelations); for lists, as the SQL predicate
// documented beside CanSeeBoard (boardVisible), with the memberships as a subquery.

// boardRelations reads the actor organisation's current networks. A visitor, or a user bound to
// no organisation, has none.
func (db *DB) boardRelations(ctx context.Context, q querier, a citypact.Actor) (board.Relations, error) {
	if outsider(a) {
		return board.Relations{}, nil
	}
	nets, err := queryInt64s(ctx, q, `SELECT network_id FROM memberships
		WHERE member_id = $1 AND (until IS NULL OR until >= $2)`, a.OrgID, dateText(db.Now()))
	return board.Relations{OrgID: a.OrgID, Networks: nets}, err
}

// boardVisible returns board.CanSeeBoard as an SQL condition on the boards row aliased b, with
// :signed resolved in Go.
func (db *DB) boardVisible(a citypact.Actor, b string, arg func(any) int) string {
	switch {
	case a.IsAdmin():
		return "TRUE"
	case outsider(a):
		return fmt.Sprintf("%s.scope = 'public'", b)
	}
	org, today := arg(a.OrgID), arg(dateText(db.Now()))
	return fmt.Sprintf(`(%[1]s.scope = 'public'
		OR (%[1]s.scope = 'network' AND (%[1]s.network_id = $%[2]d OR %[1]s.network_id IN (SELECT m.network_id FROM memberships m
			WHERE m.member_id = $%[2]d AND (m.until IS NULL OR m.until >= $%[3]d))))
		OR (%[1]s.scope = 'pair' AND (%[1]s.org_a = $%[2]d OR %[1]s.org_b = $%[2]d)))`, b, org, today)
}

// argList collects query arguments and returns each one's placeholder number.
type argList []any

func (l *argList) add(v any) int { *l = append(*l, v); return len(*l) }

const boardColumns = `b.id, b.slug, b.kind, b.scope, b.network_id, b.org_a, b.org_b, b.names_json, b.description,
	b.locked, b.archived, b.created_at`

func scanBoard(s interface{ Scan(...any) error }) (board.Board, error) {
	var b board.Board
	var kind, scope, names string
	var network, orgA, orgB sql.NullInt64
	if err := s.Scan(&b.ID, &b.Slug, &kind, &scope, &network, &orgA, &orgB, &names, &b.Description,
		&b.Locked, &b.Archived, &b.CreatedAt); err != nil {
		return b, err
	}
	b.Kind = board.Kind(kind)
	b.Scope = board.Scope{Kind: board.ScopeKind(scope), NetworkID: network.Int64, OrgA: orgA.Int64, OrgB: orgB.Int64}
	b.CreatedAt = b.CreatedAt.UTC()
	return b, json.Unmarshal([]byte(names), &b.Names)
}

// boardWhere reads one board matching cond (on alias b), whatever the actor.
func (db *DB) boardWhere(ctx context.Context, q querier, cond string, args ...any) (board.Board, error) {
	b, err := scanBoard(q.QueryRowContext(ctx, `SELECT `+boardColumns+` FROM boards b WHERE `+cond, args...))
	return b, notFound(err, "board")
}

// visibleBoard reads board id for actor a, with a's relations: NotFound when a may not see it.
func (db *DB) visibleBoard(ctx context.Context, q querier, a citypact.Actor, id int64, lock bool) (board.Board, board.Relations, error) {
	rel, err := db.boardRelations(ctx, q, a)
	if err != nil {
		return board.Board{}, rel, err
	}
	cond := `b.id = $1`
	if lock {
		cond += db.forUpdate()
	}
	b, err := db.boardWhere(ctx, q, cond, id)
	if err != nil {
		return b, rel, err
	}
	if !board.CanSeeBoard(a, b, rel) {
		return board.Board{}, rel, citypact.NotFound("board")
	}
	return b, rel, nil
}

// Board returns a board the actor may see.
func (bs *BoardStore) Board(ctx context.Context, id int64) (_ board.Board, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Board(%d)", id)
	b, _, err := db.visibleBoard(db.reading(ctx), db.rq, citypact.ActorFrom(ctx), id, false)
	return b, err
}

// BoardBySlug returns a board the actor may see by its address.
func (bs *BoardStore) BoardBySlug(ctx context.Context, slug string) (_ board.Board, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.BoardBySlug(%q)", slug)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	var args argList
	cond := `b.slug = $` + fmt.Sprint(args.add(strings.ToLower(strings.TrimSpace(slug)))) + ` AND ` + db.boardVisible(a, "b", args.add)
	return db.boardWhere(ctx, db.rq, cond, args...)
}

// Boards lists the boards the actor may see, by kind then slug.
func (bs *BoardStore) Boards(ctx context.Context, f board.BoardFilter) (_ []board.Board, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Boards")
	ctx = db.reading(ctx)
	var args argList
	where := []string{db.boardVisible(citypact.ActorFrom(ctx), "b", args.add)}
	if f.Kind != "" {
		where = append(where, fmt.Sprintf("b.kind = $%d", args.add(string(f.Kind))))
	}
	if f.Scope != "" {
		where = append(where, fmt.Sprintf("b.scope = $%d", args.add(string(f.Scope))))
	}
	if f.Network != 0 {
		where = append(where, fmt.Sprintf("b.network_id = $%d", args.add(f.Network)))
	}
	if f.Org != 0 {
		n := args.add(f.Org)
		where = append(where, fmt.Sprintf("(b.org_a = $%[1]d OR b.org_b = $%[1]d)", n))
	}
	if !f.Archived {
		where = append(where, "NOT b.archived")
	}
	rows, err := db.rq.QueryContext(ctx, `SELECT `+boardColumns+` FROM boards b WHERE `+strings.Join(where, " AND ")+
		` ORDER BY b.kind, b.slug`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Board
	for rows.Next() {
		b, err := scanBoard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// boardAudit is what the audit log keeps of a board.
type boardAudit struct {
	Slug        string            `json:"slug"`
	Kind        string            `json:"kind"`
	Scope       string            `json:"scope"`
	Names       map[string]string `json:"names"`
	Description string            `json:"description,omitempty"`
	Locked      bool              `json:"locked,omitempty"`
	Archived    bool              `json:"archived,omitempty"`
}

func auditOfBoard(b board.Board) boardAudit {
	return boardAudit{Slug: b.Slug, Kind: string(b.Kind), Scope: b.Scope.String(), Names: b.Names,
		Description: b.Description, Locked: b.Locked, Archived: b.Archived}
}

// CreateBoard stores a new board (CanManageBoard).
func (bs *BoardStore) CreateBoard(ctx context.Context, b *board.Board) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.CreateBoard")
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error { return db.createBoard(ctx, tx, a, b) })
}

func (db *DB) createBoard(ctx context.Context, tx *sql.Tx, a citypact.Actor, b *board.Board) error {
	rel, err := db.boardRelations(ctx, tx, a)
	if err != nil {
		return err
	}
	b.ID = 0
	if err := board.CanManageBoard(a, *b, rel); err != nil {
		return err
	}
	if err := b.Validate(); err != nil {
		return err
	}
	if b.Scope.Kind == board.ScopePair {
		// The tie matters only when the channel opens; if it ends later, the two keep talking.
		var ties int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ties WHERE kind IN `+partnerTies+`
			AND ((a_id = $1 AND b_id = $2) OR (a_id = $2 AND b_id = $1))`, b.Scope.OrgA, b.Scope.OrgB).Scan(&ties); err != nil {
			return err
		}
		if ties == 0 {
			return citypact.Invalid(citypact.FieldError{Field: "scope", Key: "board.pair_no_tie"})
		}
	}
	if b.Scope.Kind == board.ScopeNetwork {
		var isNet bool
		err := tx.QueryRowContext(ctx, `SELECT kind = 'network' FROM organisations WHERE id = $1`, b.Scope.NetworkID).Scan(&isNet)
		if err != nil || !isNet {
			return citypact.Invalid(citypact.FieldError{Field: "scope", Key: "board.scope_invalid"})
		}
	}
	names, err := json.Marshal(b.Names)
	if err != nil {
		return err
	}
	b.CreatedAt = db.Now()
	err = tx.QueryRowContext(ctx, `INSERT INTO boards (slug, kind, scope, network_id, org_a, org_b, names_json, description,
		locked, archived, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		b.Slug, string(b.Kind), string(b.Scope.Kind), nullID(b.Scope.NetworkID), nullID(b.Scope.OrgA), nullID(b.Scope.OrgB),
		string(names), b.Description, b.Locked, b.Archived, b.CreatedAt).Scan(&b.ID)
	switch {
	case isUnique(err):
		return citypact.Invalid(citypact.FieldError{Field: "slug", Key: "board.slug_taken"})
	case isForeignKey(err):
		return citypact.Invalid(citypact.FieldError{Field: "scope", Key: "board.scope_invalid"})
	case err != nil:
		return err
	}
	return db.writeAudit(ctx, tx, "board.create", "board", b.ID, nil, auditOfBoard(*b))
}

// UpdateBoard changes names, description, Locked and Archived; kind, scope and slug stay.
func (bs *BoardStore) UpdateBoard(ctx context.Context, b *board.Board) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.UpdateBoard(%d)", b.ID)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, rel, err := db.visibleBoard(ctx, tx, a, b.ID, true)
		if err != nil {
			return err
		}
		if err := board.CanManageBoard(a, cur, rel); err != nil {
			return err
		}
		b.Kind, b.Scope, b.Slug, b.CreatedAt = cur.Kind, cur.Scope, cur.Slug, cur.CreatedAt
		if err := b.Validate(); err != nil {
			return err
		}
		names, err := json.Marshal(b.Names)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE boards SET names_json = $1, description = $2, locked = $3, archived = $4
			WHERE id = $5`, string(names), b.Description, b.Locked, b.Archived, b.ID); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "board.update", "board", b.ID, auditOfBoard(cur), auditOfBoard(*b))
	})
}

// OpenPair returns the channel of organisations x and y, creating it when they are partners.
func (bs *BoardStore) OpenPair(ctx context.Context, x, y int64) (_ board.Board, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.OpenPair(%d, %d)", x, y)
	a := citypact.ActorFrom(ctx)
	sc := board.PairScope(x, y)
	if !sc.Valid() {
		return board.Board{}, citypact.Invalid(citypact.FieldError{Field: "scope", Key: "board.scope_invalid"})
	}
	var b board.Board
	err = db.tx(ctx, func(tx *sql.Tx) error {
		rel, err := db.boardRelations(ctx, tx, a)
		if err != nil {
			return err
		}
		b, err = db.boardWhere(ctx, tx, `b.scope = 'pair' AND b.org_a = $1 AND b.org_b = $2`, sc.OrgA, sc.OrgB)
		if err == nil {
			if !board.CanSeeBoard(a, b, rel) {
				return citypact.NotFound("board")
			}
			return nil
		}
		if citypact.KindOf(err) != citypact.KindNotFound {
			return err
		}
		b = board.Board{Slug: board.PairSlug(sc), Kind: board.KindQuestions, Scope: sc,
			Names: map[string]string{"en": fmt.Sprintf("Channel %d–%d", sc.OrgA, sc.OrgB)}}
		return db.createBoard(ctx, tx, a, &b)
	})
	return b, err
}

// BoardStore is the store of package board. It is a view of DB rather than DB itself because two
// domains share method names with different signatures (practice's Subscribe, MarkRead,
// SaveTranslation and Translations), and one type cannot have both.
type BoardStore struct{ db *DB }

// BoardStore returns the store of package board on db.
func (db *DB) BoardStore() *BoardStore { return &BoardStore{db: db} }

var _ board.Store = (*BoardStore)(nil)
