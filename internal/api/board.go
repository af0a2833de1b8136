package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/tags"
)

// The cities network's boards. The store shows each token only the boards, threads and posts its
// organisation may see (board.CanSeeBoard, CanSeeThread, CanSeePost): anything else is a 404,
// indistinguishable from what does not exist.

// Board is a board as the API shows it.
type Board struct {
	ID          int64             `json:"id"`
	Slug        string            `json:"slug"`
	Kind        string            `json:"kind"`
	Scope       string            `json:"scope"`
	Names       map[string]string `json:"names"`
	Description string            `json:"description"`
	Locked      bool              `json:"locked"`
	Archived    bool              `json:"archived"`
	CreatedAt   time.Time         `json:"created_at"`
	URL         string            `json:"url"`
}

// Thread is a thread as the API shows it: in a list without its posts, on its own with them
// and with every translation the token may read.
type Thread struct {
	ID          int64    `json:"id"`
	Board       string   `json:"board"`
	AuthorOrg   *OrgRef  `json:"author_org,omitempty"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Lang        string   `json:"lang"`
	Tags        []string `json:"tags"`
	ToOrgs      []OrgRef `json:"to_orgs"`
	Practices   []int64  `json:"practices"`
	Attachments []int64  `json:"attachments"`
	Supply      *Supply  `json:"supply,omitempty"`
	Status      string   `json:"status"`
	// AcceptedPost is the accepted answer's id; absent while there is none.
	AcceptedPost int64         `json:"accepted_post,omitempty"`
	SameCount    int           `json:"same_count"`
	Answers      int           `json:"answers"`
	Version      int           `json:"version"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	ActivityAt   time.Time     `json:"activity_at"`
	AnsweredAt   *time.Time    `json:"answered_at,omitempty"`
	URL          string        `json:"url"`
	Posts        []Post        `json:"posts,omitempty"`
	Translations []PostVersion `json:"translations,omitempty"`
}

// Supply is a supply board thread's structured fields. Prices are decimal strings in the
// currency's unit ("12.5"), so that no client rounds them through a float.
type Supply struct {
	Product        string   `json:"product"`
	Specification  string   `json:"specification,omitempty"`
	Supplier       string   `json:"supplier,omitempty"`
	UnitPrice      string   `json:"unit_price,omitempty"`
	Currency       string   `json:"currency,omitempty"`
	Quantity       int64    `json:"quantity,omitempty"`
	Unit           string   `json:"unit,omitempty"`
	Certifications []string `json:"certifications,omitempty"`
	ValidUntil     string   `json:"valid_until,omitempty"`
}

// Post is an answer or a comment in a thread.
type Post struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Parent      int64     `json:"parent,omitempty"`
	AuthorOrg   *OrgRef   `json:"author_org,omitempty"`
	Body        string    `json:"body"`
	Lang        string    `json:"lang"`
	Attachments []int64   `json:"attachments"`
	Accepted    bool      `json:"accepted"`
	Hidden      bool      `json:"hidden"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PostVersion is a human translation of a thread's text (post 0) or of one post's.
type PostVersion struct {
	Post     int64     `json:"post"`
	Lang     string    `json:"lang"`
	Title    string    `json:"title,omitempty"`
	Body     string    `json:"body"`
	Version  int       `json:"version"`
	Outdated bool      `json:"outdated"`
	At       time.Time `json:"at"`
}

// boards returns the boards store; a server given none (a route table) has no boards to find.
func (s *Server) boards() (board.Store, error) {
	if s.Boards == nil {
		return nil, citypact.NotFound("board")
	}
	return s.Boards, nil
}

func (s *Server) boardURL(slug string) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/boards/" + slug
}

func (s *Server) threadURL(id int64) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/threads/" + strconv.FormatInt(id, 10)
}

func (s *Server) boardJSON(b board.Board) Board {
	return Board{ID: b.ID, Slug: b.Slug, Kind: string(b.Kind), Scope: b.Scope.String(), Names: b.Names,
		Description: b.Description, Locked: b.Locked, Archived: b.Archived, CreatedAt: b.CreatedAt.UTC(), URL: s.boardURL(b.Slug)}
}

// ptr names organisation id, or nothing for 0 (an admin who belongs to none).
func (n *orgNames) ptr(ctx context.Context, id int64) (*OrgRef, error) {
	if id == 0 {
		return nil, nil
	}
	ref, err := n.ref(ctx, id)
	if err != nil {
		return nil, err
	}
	return &ref, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (s *Server) threadJSON(ctx context.Context, n *orgNames, b board.Board, t board.Thread) (Thread, error) {
	out := Thread{ID: t.ID, Board: b.Slug, Title: t.Title, Body: t.Body, Lang: t.Lang, Tags: nonNil(t.Tags),
		ToOrgs: []OrgRef{}, Practices: nonNil(t.Practices), Attachments: nonNil(t.Attachments), Status: string(t.Status()),
		AcceptedPost: t.AcceptedID, SameCount: t.SameCount, Answers: t.Answers, Version: t.Version,
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), ActivityAt: t.ActivityAt.UTC(),
		AnsweredAt: timePtr(t.AnsweredAt), URL: s.threadURL(t.ID)}
	var err error
	if out.AuthorOrg, err = n.ptr(ctx, t.AuthorOrgID); err != nil {
		return out, err
	}
	for _, id := range t.ToOrgs {
		ref, err := n.ref(ctx, id)
		if err != nil {
			return out, err
		}
		out.ToOrgs = append(out.ToOrgs, ref)
	}
	if sp := t.Supply; sp != nil {
		out.Supply = &Supply{Product: sp.Product, Specification: sp.Specification, Supplier: sp.Supplier,
			Currency: sp.Currency, Quantity: sp.Quantity, Unit: sp.Unit, Certifications: sp.Certifications,
			ValidUntil: dateJSON(sp.ValidUntil)}
		if sp.Currency != "" {
			out.Supply.UnitPrice = board.FormatPrice(sp.UnitPrice)
		}
	}
	return out, nil
}

func postJSON(ctx context.Context, n *orgNames, t board.Thread, p board.Post) (Post, error) {
	org, err := n.ptr(ctx, p.AuthorOrgID)
	return Post{ID: p.ID, Kind: string(p.Kind), Parent: p.ParentID, AuthorOrg: org, Body: p.Body, Lang: p.Lang,
		Attachments: nonNil(p.Attachments), Accepted: p.ID == t.AcceptedID, Hidden: p.Hidden, Version: p.Version,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}, err
}

// boardOf reads the board a path's {slug} names; one the token may not see is not found.
func (s *Server) boardOf(r *http.Request) (board.Board, error) {
	bs, err := s.boards()
	if err != nil {
		return board.Board{}, err
	}
	slug := r.PathValue("slug")
	if slug == "" || len(slug) > board.MaxSlugLen {
		return board.Board{}, citypact.NotFound("board")
	}
	return bs.BoardBySlug(r.Context(), slug)
}

// threadOf reads the thread a path's {id} names, and its board.
func (s *Server) threadOf(r *http.Request) (board.Board, board.Thread, error) {
	bs, err := s.boards()
	if err != nil {
		return board.Board{}, board.Thread{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return board.Board{}, board.Thread{}, citypact.NotFound("thread")
	}
	t, err := bs.Thread(r.Context(), id)
	if err != nil {
		return board.Board{}, board.Thread{}, err
	}
	b, err := bs.Board(r.Context(), t.BoardID)
	return b, t, err
}

// boardsList serves GET /api/v1/boards: the boards the token may see, by kind then slug; with
// kind, of that kind; archived ones only with archived=true. Boards are few, so the list is not
// paged.
func (s *Server) boardsList(w http.ResponseWriter, r *http.Request) error {
	bs, err := s.boards()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f board.BoardFilter
	var errs []citypact.FieldError
	if k := q.Get("kind"); k != "" {
		if f.Kind = board.Kind(k); !f.Kind.Valid() {
			errs = append(errs, citypact.FieldError{Field: "kind", Key: "field.choice"})
		}
	}
	switch q.Get("archived") {
	case "", "false":
	case "true":
		f.Archived = true
	default:
		errs = append(errs, citypact.FieldError{Field: "archived", Key: "field.choice"})
	}
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	list, err := bs.Boards(r.Context(), f)
	if err != nil {
		return err
	}
	out := List[Board]{Items: make([]Board, 0, len(list))}
	for _, b := range list {
		out.Items = append(out.Items, s.boardJSON(b))
	}
	return writeJSON(w, http.StatusOK, out)
}

// boardShow serves GET /api/v1/boards/{slug}.
func (s *Server) boardShow(w http.ResponseWriter, r *http.Request) error {
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.boardJSON(b))
}

// threadFilter reads the filters of a board's list of threads; every wrong parameter is named.
func threadFilter(r *http.Request, b board.Board) (board.ThreadFilter, error) {
	q := r.URL.Query()
	f := board.ThreadFilter{Board: b.ID}
	var errs []citypact.FieldError
	bad := func(field, key string, args ...string) {
		errs = append(errs, citypact.FieldError{Field: field, Key: key, Args: args})
	}
	if tag := q.Get("tag"); tag != "" {
		if f.Tag = tags.Fold(tag); f.Tag == "" || utf8.RuneCountInString(f.Tag) > board.MaxTagLen {
			bad("tag", "board.tag_invalid", "max", strconv.Itoa(board.MaxTagLen))
		}
	}
	if l := q.Get("lang"); l != "" {
		f.Lang = i18n.CanonicalTag(l)
		if !i18n.ValidTag(f.Lang) {
			bad("lang", "board.lang_invalid")
		}
	}
	if st := q.Get("status"); st != "" {
		if f.Status = board.Status(st); !f.Status.Valid() {
			bad("status", "field.choice")
		}
	}
	switch q.Get("unanswered") {
	case "", "false":
	case "true":
		f.Unanswered = true
	default:
		bad("unanswered", "field.choice")
	}
	p, err := page(r)
	if err != nil {
		errs = append(errs, citypact.FieldsOf(err)...)
	}
	f.Page = p
	if len(errs) > 0 {
		return f, citypact.Invalid(errs...)
	}
	return f, nil
}

// threadsList serves GET /api/v1/boards/{slug}/threads: the board's threads the token may see,
// by latest activity (with unanswered=true, the questions without an accepted answer, oldest
// first), filtered by tag, language and status.
func (s *Server) threadsList(w http.ResponseWriter, r *http.Request) error {
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	f, err := threadFilter(r, b)
	if err != nil {
		return err
	}
	ts, err := s.Boards.Threads(r.Context(), f)
	if err != nil {
		return err
	}
	names := s.orgNames()
	out := List[Thread]{Items: make([]Thread, 0, len(ts))}
	for _, t := range ts {
		item, err := s.threadJSON(r.Context(), names, b, t)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, item)
	}
	if len(ts) > 0 {
		out.NextCursor = nextCursor(len(ts), f.Page, ts[len(ts)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}

// maxThreadPosts bounds the posts one answer carries, so that a runaway thread cannot be held in
// memory whole; its page says how many there are (answers).
const maxThreadPosts = 4 * citypact.MaxLimit

// threadDetail reads a thread with its posts (oldest first) and translations.
func (s *Server) threadDetail(ctx context.Context, b board.Board, t board.Thread) (Thread, error) {
	names := s.orgNames()
	out, err := s.threadJSON(ctx, names, b, t)
	if err != nil {
		return out, err
	}
	out.Posts, out.Translations = []Post{}, []PostVersion{}
	pg := citypact.Page{Limit: citypact.MaxLimit}
	for len(out.Posts) < maxThreadPosts {
		ps, err := s.Boards.Posts(ctx, t.ID, pg)
		if err != nil {
			return out, err
		}
		for _, p := range ps {
			pj, err := postJSON(ctx, names, t, p)
			if err != nil {
				return out, err
			}
			out.Posts = append(out.Posts, pj)
		}
		if len(ps) < pg.Limit {
			break
		}
		pg.After = ps[len(ps)-1].ID
	}
	versions := map[int64]int{0: t.Version}
	for _, p := range out.Posts {
		versions[p.ID] = p.Version
	}
	trs, err := s.Boards.Translations(ctx, t.ID)
	if err != nil {
		return out, err
	}
	for _, tr := range trs {
		current, ok := versions[tr.PostID]
		if !ok {
			continue // a post past the bound
		}
		out.Translations = append(out.Translations, PostVersion{Post: tr.PostID, Lang: tr.Lang, Title: tr.Title, Body: tr.Body,
			Version: tr.Version, Outdated: tr.Outdated(current), At: tr.At.UTC()})
	}
	return out, nil
}

// threadShow serves GET /api/v1/threads/{id}: the thread, its posts the token may see and their
// translations.
func (s *Server) threadShow(w http.ResponseWriter, r *http.Request) error {
	b, t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	out, err := s.threadDetail(r.Context(), b, t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
