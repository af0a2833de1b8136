package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// boardPage is how many threads a board's page lists.
const boardPage = 20

// boardsList serves GET /boards: the boards the reader may see, grouped by kind.
func (s *Server) boardsList(w http.ResponseWriter, r *http.Request) error {
	tr := stateOf(r).tr
	bs, err := s.Boards.Boards(r.Context(), board.BoardFilter{})
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	pg := view.BoardsPage{Base: s.base(r, "boards.title", "boards")}
	for _, k := range board.Kinds {
		g := view.BoardGroup{Kind: string(k), Heading: tr.T("boards.kind." + string(k))}
		for _, b := range bs {
			if b.Kind == k {
				g.Boards = append(g.Boards, s.boardRef(r, n, b))
			}
		}
		pg.Groups = append(pg.Groups, g)
	}
	return s.render(w, r, http.StatusOK, view.Boards(pg))
}

// boardShow serves GET /boards/{slug}: a board and a page of its threads, newest activity
// first; ?after= is the last thread id of the previous page.
func (s *Server) boardShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	slug := r.PathValue("slug")
	if slug == "" || len(slug) > board.MaxSlugLen {
		return citypact.NotFound("board")
	}
	b, err := s.Boards.BoardBySlug(ctx, slug)
	if err != nil {
		return err
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			after = 0
		}
	}
	ts, err := s.Boards.Threads(ctx, board.ThreadFilter{Board: b.ID, Page: citypact.Page{After: after, Limit: boardPage + 1}})
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	ref := s.boardRef(r, n, b)
	pg := view.BoardPage{Base: s.base(r, "boards.title", "boards"), Board: ref}
	pg.Title = ref.Name.Text
	if len(ts) > boardPage {
		ts = ts[:boardPage]
		pg.Next = ref.Href() + "?after=" + strconv.FormatInt(ts[len(ts)-1].ID, 10)
	}
	if after > 0 {
		pg.First = ref.Href()
	}
	pg.CanStart = stateOf(r).actor.SignedIn() && newThreadOpen(b) == nil
	pg.StartKey = "boards.form.new_thread"
	if b.Kind == board.KindQuestions {
		pg.StartKey = "boards.form.new_question"
	}
	now := time.Now()
	for _, t := range ts {
		row := view.ThreadRow{ID: t.ID, Title: view.Name{Text: t.Title, Lang: textLang(r, t.Lang)},
			Status: string(t.Status()), Activity: formatDate(tr, t.ActivityAt), Answers: answersText(tr, b.Kind, t.Answers)}
		if t.AuthorOrgID != 0 {
			row.Org, row.HasOrg = n.org(t.AuthorOrgID), true
		}
		row.Waiting = waitingText(tr, b, t, now)
		pg.Threads = append(pg.Threads, row)
	}
	return s.render(w, r, http.StatusOK, view.Board(pg))
}

// threadShow serves GET /threads/{id}: a thread with its posts, the accepted answer first.
// Showing it to a signed-in reader marks their notifications about it read.
func (s *Server) threadShow(w http.ResponseWriter, r *http.Request) error {
	t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	b, err := s.Boards.Board(r.Context(), t.BoardID)
	if err != nil {
		return err
	}
	f := view.Form{Values: map[string]string{"lang": string(stateOf(r).tr.Lang())}}
	return s.threadPage(w, r, http.StatusOK, t, b, f)
}

// threadPage renders thread t of board b with status; f is the reply form, with its errors
// when a post came back invalid.
func (s *Server) threadPage(w http.ResponseWriter, r *http.Request, status int, t board.Thread, b board.Board, f view.Form) error {
	ctx := r.Context()
	st := stateOf(r)
	tr := st.tr
	posts, err := s.threadPosts(r, t.ID)
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	now := time.Now()
	pg := view.ThreadPage{
		Base: s.base(r, "boards.title", "boards"), Board: s.boardRef(r, n, b), ID: t.ID,
		Heading:  view.Name{Text: t.Title, Lang: textLang(r, t.Lang)},
		BodyHTML: renderMarkdown(t.Body), BodyLang: textLang(r, t.Lang),
		Status: string(t.Status()), Created: formatDate(tr, t.CreatedAt), Waiting: waitingText(tr, b, t, now),
		Tags: t.Tags, Hidden: t.Hidden, PostsTitle: tr.T("boards.posts"),
	}
	pg.Title = t.Title
	if t.AuthorOrgID != 0 {
		pg.Org, pg.HasOrg = n.org(t.AuthorOrgID), true
	}
	if b.Kind == board.KindQuestions && t.SameCount > 0 {
		pg.Same = tr.N("boards.same", t.SameCount)
	}
	for _, o := range t.ToOrgs {
		pg.ToOrgs = append(pg.ToOrgs, n.org(o))
	}
	if len(t.ToUsers) > 0 {
		pg.ToPeople = tr.N("boards.to_people", len(t.ToUsers))
	}
	if t.Supply != nil {
		pg.Supply = supplyView(tr, *t.Supply, textLang(r, t.Lang), now)
	}
	for _, pid := range t.Practices {
		p, err := s.Practices.Practice(ctx, pid)
		if citypact.KindOf(err) == citypact.KindNotFound {
			continue // linked, but not for this reader's eyes
		} else if err != nil {
			return err
		}
		pg.Practices = append(pg.Practices, n.practice(p))
	}
	pg.Posts = postViews(r, n, t, posts)
	pg.Question = b.Kind == board.KindQuestions
	pg.CanPost = st.actor.SignedIn() && !t.Locked && !t.Hidden && !b.Locked && !b.Archived
	pg.CanAccept = pg.Question && st.actor.SignedIn() && st.actor.UserID == t.AuthorID
	pg.PostForm, pg.Langs = f, langOptions(tr.Lang())
	pg.HasErrors = f.Failed()
	if st.actor.SignedIn() {
		if err := s.Boards.MarkRead(ctx, t.ID); err != nil {
			return err
		}
	}
	return s.render(w, r, status, view.Thread(pg))
}

// threadPosts reads every post of a thread the reader may see, page by page.
func (s *Server) threadPosts(r *http.Request, threadID int64) ([]board.Post, error) {
	var all []board.Post
	var after int64
	for {
		ps, err := s.Boards.Posts(r.Context(), threadID, citypact.Page{After: after, Limit: citypact.MaxLimit})
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if len(ps) < citypact.MaxLimit {
			return all, nil
		}
		after = ps[len(ps)-1].ID
	}
}

// postViews orders a thread's posts for its page: the accepted answer first, then the other
// answers and comments on the thread oldest first, each answer with its comments under it.
func postViews(r *http.Request, n *namer, t board.Thread, posts []board.Post) []view.PostView {
	tr := stateOf(r).tr
	pv := func(p board.Post) view.PostView {
		v := view.PostView{ID: p.ID, Kind: string(p.Kind), BodyHTML: renderMarkdown(p.Body), Lang: textLang(r, p.Lang),
			Accepted: t.AcceptedID != 0 && p.ID == t.AcceptedID, Hidden: p.Hidden, Date: formatDate(tr, p.CreatedAt)}
		if p.AuthorOrgID != 0 {
			v.Org, v.HasOrg = n.org(p.AuthorOrgID), true
		}
		return v
	}
	tops := map[int64]bool{}
	for _, p := range posts {
		if p.ParentID == 0 {
			tops[p.ID] = true
		}
	}
	var out []view.PostView
	index := map[int64]int{}
	for _, p := range posts {
		if p.ParentID == 0 || !tops[p.ParentID] {
			index[p.ID] = len(out)
			out = append(out, pv(p))
		}
	}
	for _, p := range posts {
		if i, ok := index[p.ParentID]; ok && p.ParentID != 0 {
			out[i].Comments = append(out[i].Comments, pv(p))
		}
	}
	if i := slices.IndexFunc(out, func(v view.PostView) bool { return v.Accepted }); i > 0 {
		acc := out[i]
		out = append(out[:i], out[i+1:]...)
		out = append([]view.PostView{acc}, out...)
	}
	return out
}

// boardRef names a board in the reader's language, with who reads it.
func (s *Server) boardRef(r *http.Request, n *namer, b board.Board) view.BoardRef {
	st := stateOf(r)
	tr := st.tr
	ref := view.BoardRef{Slug: b.Slug, Kind: string(b.Kind), Name: boardName(r, b), Description: b.Description,
		Locked: b.Locked, Archived: b.Archived}
	switch b.Scope.Kind {
	case board.ScopePublic:
		ref.Scope.Label = tr.T("boards.scope.public")
	case board.ScopeNetwork:
		ref.Scope = view.BoardScope{Label: tr.T("boards.scope.network"), Orgs: []view.OrgRef{n.org(b.Scope.NetworkID)}}
	case board.ScopePair:
		switch st.actor.OrgID {
		case b.Scope.OrgA:
			ref.Scope = view.BoardScope{Label: tr.T("boards.scope.pair"), Orgs: []view.OrgRef{n.org(b.Scope.OrgB)}}
		case b.Scope.OrgB:
			ref.Scope = view.BoardScope{Label: tr.T("boards.scope.pair"), Orgs: []view.OrgRef{n.org(b.Scope.OrgA)}}
		default:
			ref.Scope = view.BoardScope{Label: tr.T("boards.scope.pair_of"), Orgs: []view.OrgRef{n.org(b.Scope.OrgA), n.org(b.Scope.OrgB)}}
		}
	}
	return ref
}

// boardName is the board's name in the reader's language, marked with the language it is in
// when that is another.
func boardName(r *http.Request, b board.Board) view.Name {
	page := stateOf(r).tr.Lang().HTMLLang()
	text := b.NameIn(page)
	if _, ok := b.Names[i18n.CanonicalTag(page)]; ok {
		return view.Name{Text: text}
	}
	langs := make([]string, 0, len(b.Names))
	for l := range b.Names {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		if b.Names[l] == text {
			return view.Name{Text: text, Lang: textLang(r, l)}
		}
	}
	return view.Name{Text: text}
}

// waitingText is how long a question on b has waited for its first answer, while it waits.
func waitingText(tr *i18n.Translator, b board.Board, t board.Thread, now time.Time) string {
	if b.Kind != board.KindQuestions || !t.AnsweredAt.IsZero() || t.AcceptedID != 0 || t.Hidden || t.Locked {
		return ""
	}
	d := t.Waiting(now)
	switch {
	case d >= 24*time.Hour:
		return tr.N("boards.waiting.days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return tr.N("boards.waiting.hours", int(d/time.Hour))
	}
	return tr.T("boards.waiting.new")
}

// answersText counts a thread's answers (replies on boards not for questions).
func answersText(tr *i18n.Translator, k board.Kind, n int) string {
	if k == board.KindQuestions {
		return tr.N("boards.answers", n)
	}
	return tr.N("boards.replies", n)
}

// supplyView formats a supply thread's fields for the reader; lang is the lang attribute of
// what the author wrote (product, specification, supplier, unit).
func supplyView(tr *i18n.Translator, si board.SupplyInfo, lang string, now time.Time) *view.SupplyView {
	v := &view.SupplyView{Product: si.Product, Specification: si.Specification, Supplier: si.Supplier,
		Certifications: si.Certifications, ValidUntil: formatDate(tr, si.ValidUntil), Expired: si.Expired(now)}
	if si.Unit != "" {
		v.Unit = view.Name{Text: si.Unit, Lang: lang}
	}
	switch {
	case si.Currency == "":
	case si.UnitPrice == 0:
		v.Price = tr.T("boards.supply.free")
	default:
		v.Price = board.FormatPrice(si.UnitPrice) + " " + si.Currency
		v.Amount, v.Currency = view.Name{Text: board.FormatPrice(si.UnitPrice)}, view.Name{Text: si.Currency}
	}
	if si.Quantity > 0 {
		v.Count = view.Name{Text: tr.Int(si.Quantity)}
	}
	return v
}
