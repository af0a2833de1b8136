package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/tags"
)

// threadColumns are a thread's own columns under the alias t; Answers counts its visible posts.
const threadColumns = threadHeadColumns + `, t.body, (SELECT COUNT(*) FROM posts c WHERE c.thread_id = t.id AND NOT c.hidden)`

// threadHeadColumns are threadColumns but the body and the count of answers, which a bare thread
// leaves out (scanThread reads them as empty).
const threadHeadColumns = `t.id, t.board_id, t.author_id, t.author_org_id, t.lang, t.accepted_id, t.same_count, t.locked,
	t.hidden, t.version, t.created_at, t.updated_at, t.activity_at, t.answered_at, t.has_supply, t.product,
	t.specification, t.supplier, t.unit_price, t.currency, t.quantity, t.unit, t.certifications, t.valid_until,
	t.title`

// bareThreadColumns are threadColumns with an empty body and no answers counted.
const bareThreadColumns = threadHeadColumns + `, '', 0`

// scanThread reads threadColumns, then threadSetColumns into lists.
func scanThread(s interface{ Scan(...any) error }, lists []sql.NullString) (board.Thread, error) {
	var t board.Thread
	var authorOrg, accepted, price, qty sql.NullInt64
	var answered, validUntil sql.NullTime
	var hasSupply bool
	var product, spec, supplier, currency, unit, certs sql.NullString
	dest := []any{&t.ID, &t.BoardID, &t.AuthorID, &authorOrg, &t.Lang, &accepted, &t.SameCount, &t.Locked,
		&t.Hidden, &t.Version, &t.CreatedAt, &t.UpdatedAt, &t.ActivityAt, &answered, &hasSupply, &product,
		&spec, &supplier, &price, &currency, &qty, &unit, &certs, &validUntil, &t.Title, &t.Body, &t.Answers}
	for i := range lists {
		dest = append(dest, &lists[i])
	}
	if err := s.Scan(dest...); err != nil {
		return t, err
	}
	t.AuthorOrgID, t.AcceptedID = authorOrg.Int64, accepted.Int64
	t.CreatedAt, t.UpdatedAt, t.ActivityAt, t.AnsweredAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC(), t.ActivityAt.UTC(), timeOf(answered)
	if hasSupply {
		t.Supply = &board.SupplyInfo{Product: product.String, Specification: spec.String, Supplier: supplier.String,
			UnitPrice: price.Int64, Currency: currency.String, Quantity: qty.Int64, Unit: unit.String,
			ValidUntil: dateOf(validUntil)}
		if certs.String != "" {
			t.Supply.Certifications = strings.Split(certs.String, "\n")
		}
	}
	return t, nil
}

// threadsWhere reads the threads matching rest (a condition on t and its board b, then ORDER BY
// and LIMIT), with their bodies, answer counts, tags, addressees, practices and attachments
// unless bare.
func threadsWhere(ctx context.Context, q querier, bare bool, rest string, args ...any) ([]board.Thread, error) {
	cols := bareThreadColumns
	if !bare {
		cols = threadColumns + ", " + threadSetColumns
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM threads t JOIN boards b ON b.id = t.board_id WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.Thread
	var lists []sql.NullString // one per threadSets; none when bare
	if !bare {
		lists = make([]sql.NullString, len(threadSets))
	}
	for rows.Next() {
		t, err := scanThread(rows, lists)
		if err != nil {
			return nil, err
		}
		for i := range lists {
			set := threadSets[i]
			if set.list == nil {
				t.Tags, err = splitList(lists[i])
			} else {
				*set.list(&t), err = splitIDs(lists[i])
			}
			if err != nil {
				return nil, fmt.Errorf("thread %d: %s: %w", t.ID, set.table, err)
			}
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Closed before the next query: a transaction has one connection.
	return out, rows.Close()
}

// threadSets are the tables of a thread's lists. Tags are text; the rest are ids, which list
// returns the field of.
var threadSets = []struct {
	table, column string
	list          func(t *board.Thread) *[]int64 // nil for the tags
}{
	{"thread_tags", "tag", nil},
	{"thread_to_orgs", "org_id", func(t *board.Thread) *[]int64 { return &t.ToOrgs }},
	{"thread_to_users", "user_id", func(t *board.Thread) *[]int64 { return &t.ToUsers }},
	{"thread_practices", "practice_id", func(t *board.Thread) *[]int64 { return &t.Practices }},
	{"board_attachments", "attachment_id", func(t *board.Thread) *[]int64 { return &t.Attachments }},
}

// threadSetColumns are a thread's lists (threadSets), read with it (listColumn): a practice
// page's questions took six queries, a fifth of the page.
var threadSetColumns = func() string {
	cols := make([]string, len(threadSets))
	for i, set := range threadSets {
		v := "x." + set.column
		if set.list != nil {
			v = "CAST(" + v + " AS TEXT)"
		}
		cols[i] = listColumn(v, set.table, "x.thread_id = t.id"+setFilter(set.table))
	}
	return strings.Join(cols, ", ")
}()

// setFilter restricts board_attachments to the thread's own (post_id 0).
func setFilter(table string) string {
	if table == "board_attachments" {
		return " AND post_id = 0"
	}
	return ""
}

// writeThreadSets replaces the lists of t.
func writeThreadSets(ctx context.Context, tx *sql.Tx, t *board.Thread) error {
	for _, set := range threadSets {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+set.table+` WHERE thread_id = $1`+setFilter(set.table), t.ID); err != nil {
			return err
		}
		values := anys(t.Tags)
		if set.list != nil {
			values = anys(*set.list(t))
		}
		for i, v := range values {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (thread_id, %s, position) VALUES ($1, $2, $3)`,
				set.table, set.column), t.ID, v, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// visibleThread reads thread id and its board for a, locked for a change when lock: NotFound
// when a may not see it.
func (db *DB) visibleThread(ctx context.Context, q querier, a citypact.Actor, id int64, lock bool) (board.Board, board.Thread, board.Relations, error) {
	rest := `t.id = $1`
	if lock && db.Engine == Postgres {
		rest += " FOR UPDATE OF t" // the thread only: the board and the counted posts stay free
	}
	ts, err := threadsWhere(ctx, q, false, rest, id)
	if err != nil {
		return board.Board{}, board.Thread{}, board.Relations{}, err
	}
	if len(ts) == 0 {
		return board.Board{}, board.Thread{}, board.Relations{}, citypact.NotFound("thread")
	}
	b, rel, err := db.visibleBoard(ctx, q, a, ts[0].BoardID, false)
	if err != nil || !board.CanSeeThread(a, b, ts[0], rel) {
		return board.Board{}, board.Thread{}, rel, citypact.NotFound("thread")
	}
	return b, ts[0], rel, nil
}

// Thread returns a thread the actor may see.
func (bs *BoardStore) Thread(ctx context.Context, id int64) (_ board.Thread, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Thread(%d)", id)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	_, t, _, err := db.visibleThread(ctx, db.rq, a, id, false)
	if err != nil {
		return t, err
	}
	return t, db.markedSame(ctx, a, &t)
}

// markedSame sets t.MarkedSame for the actor.
func (db *DB) markedSame(ctx context.Context, a citypact.Actor, t *board.Thread) error {
	if !a.SignedIn() || t.SameCount == 0 {
		return nil
	}
	var n int
	err := db.rq.QueryRowContext(ctx, `SELECT COUNT(*) FROM thread_same WHERE thread_id = $1 AND user_id = $2`, t.ID, a.UserID).Scan(&n)
	t.MarkedSame = n > 0
	return err
}

// ReadThread returns a thread with its board, posts and translations (see board.Store).
func (bs *BoardStore) ReadThread(ctx context.Context, id int64) (_ board.Reading, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.ReadThread(%d)", id)
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	b, t, rel, err := db.visibleThread(ctx, db.rq, a, id, false)
	if err != nil {
		return board.Reading{}, err
	}
	if err := db.markedSame(ctx, a, &t); err != nil {
		return board.Reading{}, err
	}
	rd := board.Reading{Board: b, Thread: t}
	all, err := postsWhere(ctx, db.rq, `p.thread_id = $1 ORDER BY p.id`, id)
	if err != nil {
		return board.Reading{}, err
	}
	seen := map[int64]bool{0: true}
	for _, p := range all {
		if seen[p.ID] = board.CanSeePost(a, b, t, p, rel); seen[p.ID] {
			rd.Posts = append(rd.Posts, p)
		}
	}
	rd.Translations, err = db.translationsOf(ctx, id, seen)
	return rd, err
}

// threadVisible is CanSeeThread as SQL on t and its board b: the board's predicate, and a hidden
// thread only for its author and the board's moderators.
func (db *DB) threadVisible(a citypact.Actor, arg func(any) int) string {
	see := db.boardVisible(a, "b", arg)
	switch {
	case a.IsAdmin():
		return see
	case !a.SignedIn():
		return see + " AND NOT t.hidden"
	}
	hidden := fmt.Sprintf("t.author_id = $%d", arg(a.UserID))
	if a.Role == citypact.RoleEditor && a.OrgID != 0 {
		org, today := arg(a.OrgID), arg(dateText(db.Now()))
		hidden += fmt.Sprintf(` OR (b.scope = 'network' AND (b.network_id = $%[1]d OR b.network_id IN (SELECT m.network_id
			FROM memberships m WHERE m.member_id = $%[1]d AND (m.until IS NULL OR m.until >= $%[2]d))))`, org, today)
	}
	return see + " AND (NOT t.hidden OR " + hidden + ")"
}

// Threads lists the threads the actor may see, by latest activity.
func (bs *BoardStore) Threads(ctx context.Context, f board.ThreadFilter) (_ []board.Thread, err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.Threads")
	ctx = db.reading(ctx)
	a := citypact.ActorFrom(ctx)
	var args argList
	where := []string{db.threadVisible(a, args.add)}
	add := func(cond string, v any) { where = append(where, fmt.Sprintf(cond, args.add(v))) }
	if f.Board != 0 {
		add("t.board_id = $%d", f.Board)
	}
	if f.Tag != "" {
		add("t.id IN (SELECT thread_id FROM thread_tags WHERE tag = $%d)", tags.Fold(f.Tag))
	}
	if f.Lang != "" {
		n := args.add(i18n.CanonicalTag(f.Lang))
		where = append(where, fmt.Sprintf("(t.lang = $%[1]d OR t.id IN (SELECT thread_id FROM board_translations WHERE post_id = 0 AND lang = $%[1]d))", n))
	}
	switch f.Status {
	case board.StatusOpen:
		where = append(where, "NOT t.hidden AND NOT t.locked AND t.accepted_id IS NULL")
	case board.StatusAnswered:
		where = append(where, "NOT t.hidden AND NOT t.locked AND t.accepted_id IS NOT NULL")
	case board.StatusLocked:
		where = append(where, "NOT t.hidden AND t.locked")
	case board.StatusHidden:
		where = append(where, "t.hidden")
	default:
		where = append(where, "NOT t.hidden")
	}
	if f.Author != 0 {
		add("t.author_id = $%d", f.Author)
	}
	if f.AuthorOrg != 0 {
		add("t.author_org_id = $%d", f.AuthorOrg)
	}
	if f.AddressedTo != 0 {
		n := args.add(f.AddressedTo)
		where = append(where, fmt.Sprintf(`(t.id IN (SELECT thread_id FROM thread_to_orgs WHERE org_id = $%[1]d)
			OR t.id IN (SELECT tu.thread_id FROM thread_to_users tu JOIN users u ON u.id = tu.user_id WHERE u.org_id = $%[1]d))`, n))
	}
	if f.Practice != 0 {
		add("t.id IN (SELECT thread_id FROM thread_practices WHERE practice_id = $%d)", f.Practice)
	}
	p := f.Page.Normalize()
	order := "t.activity_at DESC, t.id DESC"
	if f.Unanswered {
		where = append(where, "b.kind = 'questions' AND t.accepted_id IS NULL")
		order = "t.created_at, t.id"
		if p.After > 0 {
			add("t.id > $%d", p.After)
		}
	} else if p.After > 0 {
		n := args.add(p.After)
		where = append(where, fmt.Sprintf(`(t.activity_at, t.id) < (SELECT a.activity_at, a.id FROM threads a WHERE a.id = $%d)`, n))
	}
	return threadsWhere(ctx, db.rq, f.Bare, strings.Join(where, " AND ")+" ORDER BY "+order+sqlLimit(p.Limit), args...)
}

// threadAudit is what the audit log keeps of a thread.
type threadAudit struct {
	Board     int64    `json:"board"`
	Title     string   `json:"title"`
	Lang      string   `json:"lang"`
	Tags      []string `json:"tags,omitempty"`
	ToOrgs    []int64  `json:"to_orgs,omitempty"`
	ToUsers   []int64  `json:"to_users,omitempty"`
	Practices []int64  `json:"practices,omitempty"`
	Version   int      `json:"version"`
	Locked    bool     `json:"locked,omitempty"`
	Hidden    bool     `json:"hidden,omitempty"`
}

func auditOfThread(t board.Thread) threadAudit {
	return threadAudit{Board: t.BoardID, Title: t.Title, Lang: t.Lang, Tags: t.Tags, ToOrgs: t.ToOrgs, ToUsers: t.ToUsers,
		Practices: t.Practices, Version: t.Version, Locked: t.Locked, Hidden: t.Hidden}
}

// checkRate applies board.CheckRate to the user's threads and posts of the last RateWindow. The
// caller holds the write lock (SQLite) or the user's row lock (PostgreSQL), so parallel posts
// cannot pass on the same count.
func (db *DB) checkRate(ctx context.Context, tx *sql.Tx, user int64, now time.Time) error {
	if db.Engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, user); err != nil {
			return err
		}
	}
	since := now.Add(-board.RateWindow)
	rows, err := tx.QueryContext(ctx, `SELECT created_at FROM threads WHERE author_id = $1 AND created_at > $2
		UNION ALL SELECT created_at FROM posts WHERE author_id = $1 AND created_at > $2`, user, since)
	if err != nil {
		return err
	}
	defer rows.Close()
	var recent []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return err
		}
		recent = append(recent, t.UTC())
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return board.CheckRate(recent, now)
}

// CreateThread stores t on its board as the actor, subscribes the author and fans out.
func (bs *BoardStore) CreateThread(ctx context.Context, t *board.Thread) (err error) {
	db := bs.db
	defer citypact.Wrap(&err, "store.CreateThread")
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		b, rel, err := db.visibleBoard(ctx, tx, a, t.BoardID, false)
		if err != nil {
			return err
		}
		if err := board.CanPost(a, b, nil, rel); err != nil {
			return err
		}
		if err := t.Validate(b); err != nil {
			return err
		}
		if err := db.checkLinks(ctx, tx, a, b, t); err != nil {
			return err
		}
		now := db.Now()
		if err := db.checkRate(ctx, tx, a.UserID, now); err != nil {
			return err
		}
		t.AuthorID, t.AuthorOrgID = a.UserID, a.OrgID
		t.AcceptedID, t.SameCount, t.Answers, t.Locked, t.Hidden, t.Version = 0, 0, 0, false, false, 1
		t.CreatedAt, t.UpdatedAt, t.ActivityAt, t.AnsweredAt = now, now, now, time.Time{}
		s := t.Supply
		if s == nil {
			s = &board.SupplyInfo{}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO threads (board_id, author_id, author_org_id, lang, version, created_at,
			updated_at, activity_at, has_supply, product, specification, supplier, unit_price, currency, quantity, unit,
			certifications, valid_until, title, body)
			VALUES ($1, $2, $3, $4, 1, $5, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			t.BoardID, t.AuthorID, nullID(t.AuthorOrgID), t.Lang, now, t.Supply != nil, supplyText(t.Supply, s.Product),
			supplyText(t.Supply, s.Specification), supplyText(t.Supply, s.Supplier), supplyNum(t.Supply, s.UnitPrice),
			supplyText(t.Supply, s.Currency), supplyNum(t.Supply, s.Quantity), supplyText(t.Supply, s.Unit),
			supplyText(t.Supply, strings.Join(s.Certifications, "\n")), dateArg(s.ValidUntil), t.Title, t.Body).Scan(&t.ID)
		if err != nil {
			return err
		}
		if err := writeThreadSets(ctx, tx, t); err != nil {
			return err
		}
		if err := db.indexBoardText(ctx, tx, t.ID, 0); err != nil {
			return err
		}
		if err := db.follow(ctx, tx, a.UserID, board.FollowThread, t.ID, "", now); err != nil {
			return err
		}
		ev := board.Event{Kind: board.EventNewThread, ActorID: a.UserID, BoardID: b.ID, ThreadID: t.ID, Tags: t.Tags,
			AuthorOrgID: t.AuthorOrgID, ToOrgs: t.ToOrgs, ToUsers: t.ToUsers, At: now}
		if err := db.fanOut(ctx, tx, b, *t, ev); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "thread.create", "thread", t.ID, nil, auditOfThread(*t))
	})
}

func supplyText(s *board.SupplyInfo, v string) any {
	if s == nil {
		return nil
	}
	return v
}

func supplyNum(s *board.SupplyInfo, v int64) any {
	if s == nil {
		return nil
	}
	return v
}

// checkLinks checks what only the store knows of t: addressees exist and can see b, practices
// and attachments exist and the actor can see them.
func (db *DB) checkLinks(ctx context.Context, tx *sql.Tx, a citypact.Actor, b board.Board, t *board.Thread) error {
	for _, org := range t.ToOrgs {
		ok, err := db.orgSeesBoard(ctx, tx, org, b)
		if err != nil {
			return err
		}
		if !ok {
			return citypact.Invalid(citypact.FieldError{Field: "to_orgs", Key: "board.addressee_invalid"})
		}
	}
	for _, u := range t.ToUsers {
		var org sql.NullInt64
		var role string
		err := tx.QueryRowContext(ctx, `SELECT org_id, role FROM users WHERE id = $1 AND NOT disabled`, u).Scan(&org, &role)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		ok := err == nil && role == "admin"
		if err == nil && !ok && org.Valid {
			if ok, err = db.orgSeesBoard(ctx, tx, org.Int64, b); err != nil {
				return err
			}
		}
		if !ok {
			return citypact.Invalid(citypact.FieldError{Field: "to_users", Key: "board.addressee_invalid"})
		}
	}
	if len(t.Practices) > 0 {
		var args argList
		in := make([]string, len(t.Practices))
		for i, p := range t.Practices {
			in[i] = fmt.Sprintf("$%d", args.add(p))
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM practices p WHERE p.id IN (`+strings.Join(in, ", ")+`) AND `+
			db.practiceVisible(a, "p", args.add), args...).Scan(&n); err != nil {
			return err
		}
		if n != len(t.Practices) {
			return citypact.Invalid(citypact.FieldError{Field: "practices", Key: "field.invalid"})
		}
	}
	return db.checkAttachments(ctx, tx, a, t.Attachments)
}

// checkAttachments checks that the actor may link every attachment: a practice's file they see
// through its practice, or a board file they uploaded themselves (board_files.go).
func (db *DB) checkAttachments(ctx context.Context, tx *sql.Tx, a citypact.Actor, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var args argList
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = fmt.Sprintf("$%d", args.add(id))
	}
	var n int
	own := fmt.Sprintf("x.practice_id IS NULL AND x.uploader_id = $%d", args.add(a.UserID))
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments x LEFT JOIN practices p ON p.id = x.practice_id
		WHERE x.id IN (`+strings.Join(in, ", ")+`) AND (`+own+` OR (x.practice_id IS NOT NULL AND `+
		db.practiceVisible(a, "p", args.add)+`))`, args...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return citypact.Invalid(citypact.FieldError{Field: "attachments", Key: "field.invalid"})
	}
	return nil
}

// orgSeesBoard reports whether the staff of org (an existing organisation) may read b.
func (db *DB) orgSeesBoard(ctx context.Context, q querier, org int64, b board.Board) (bool, error) {
	var args argList
	cond := db.boardVisible(citypact.Actor{UserID: -1, OrgID: org}, "b", args.add)
	var n int
	err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM boards b, organisations o WHERE b.id = $%d AND o.id = $%d AND `,
		args.add(b.ID), args.add(org))+cond, args...).Scan(&n)
	return n > 0, err
}
