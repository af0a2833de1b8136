package web

import (
	"net/http"
	"net/url"
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
	a := stateOf(r).actor
	pg := view.BoardsPage{Base: s.base(r, "boards.title", "boards"), Reports: a.SignedIn() && (a.IsAdmin() || a.Role == citypact.RoleEditor)}
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
// first; ?after= is the last thread id of the previous page, ?lang= keeps threads written or
// translated in one language.
func (s *Server) boardShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := stateOf(r)
	tr := st.tr
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var after int64
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			after = 0
		}
	}
	lang := ""
	if l := q.Get("lang"); l != "" && len(l) <= i18n.MaxTagLen && i18n.ValidTag(i18n.CanonicalTag(l)) {
		lang = i18n.CanonicalTag(l)
	}
	ts, err := s.Boards.Threads(ctx, board.ThreadFilter{Board: b.ID, Lang: lang, Page: citypact.Page{After: after, Limit: boardPage + 1}})
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	ref := s.boardRef(r, n, b)
	pg := view.BoardPage{Base: s.base(r, "boards.title", "boards"), Board: ref, Lang: lang, Langs: langOptions(tr.Lang())}
	pg.Title = ref.Name.Text
	page := func(after int64) string {
		v := url.Values{}
		if lang != "" {
			v.Set("lang", lang)
		}
		if after > 0 {
			v.Set("after", strconv.FormatInt(after, 10))
		}
		if len(v) == 0 {
			return ref.Href()
		}
		return ref.Href() + "?" + v.Encode()
	}
	if len(ts) > boardPage {
		ts = ts[:boardPage]
		pg.Next = page(ts[len(ts)-1].ID)
	}
	if after > 0 {
		pg.First = page(0)
	}
	pg.CanStart = st.actor.SignedIn() && newThreadOpen(b) == nil
	pg.StartKey = "boards.form.new_thread"
	switch b.Kind {
	case board.KindQuestions:
		pg.StartKey = "boards.form.new_question"
	case board.KindSupply:
		pg.StartKey = "boards.form.new_supply"
	}
	if st.actor.SignedIn() {
		subs, err := s.Boards.Subscriptions(ctx)
		if err != nil {
			return err
		}
		pg.Follow = view.FollowButton{Can: true, Following: followed(subs, board.FollowBoard, b.ID, "") != 0,
			Action: ref.Href() + "/follow", Back: r.URL.RequestURI(), Label: ref.Name.Text, LabelLang: ref.Name.Lang}
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

// followed returns the id of the reader's subscription to what kind, target and tag name, or 0.
func followed(subs []board.Subscription, kind board.Follow, target int64, tag string) int64 {
	for _, x := range subs {
		if x.Kind == kind && x.TargetID == target && x.Tag == tag {
			return x.ID
		}
	}
	return 0
}

// relations are the directory facts the board rules need about the reader's organisation.
func (s *Server) relations(r *http.Request) (board.Relations, error) {
	a := stateOf(r).actor
	nets, err := s.ownerNetworks(r.Context(), a.OrgID)
	return board.Relations{OrgID: a.OrgID, Networks: nets}, err
}

// threadShow serves GET /threads/{id}: a thread with its posts, the accepted answer first.
// Showing it to a signed-in reader marks their notifications about it read.
func (s *Server) threadShow(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return citypact.NotFound("thread")
	}
	f := view.Form{Values: map[string]string{"lang": string(stateOf(r).tr.Lang())}}
	return s.threadPage(w, r, http.StatusOK, id, f)
}

// threadPage renders thread id with status (read with its board, posts and translations under
// one visibility check); f is the reply form, with its errors when a post came back invalid. Texts are shown in the reader's language where a human
// translation exists (?lang= picks another, ?lang=original the originals), each marked as a
// translation with a link to the original.
func (s *Server) threadPage(w http.ResponseWriter, r *http.Request, status int, id int64, f view.Form) error {
	ctx := r.Context()
	st := stateOf(r)
	tr, a := st.tr, st.actor
	reading, err := s.Boards.ReadThread(ctx, id)
	if err != nil {
		return err
	}
	b, t, posts, trs := reading.Board, reading.Thread, reading.Posts, reading.Translations
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	rd := readingOf(r, trs)
	now := time.Now()
	pg := view.ThreadPage{
		Base: s.base(r, "boards.title", "boards"), Board: s.boardRef(r, n, b), ID: t.ID,
		Heading:  view.Name{Text: t.Title, Lang: textLang(r, t.Lang)},
		BodyHTML: renderMarkdown(t.Body), BodyLang: textLang(r, t.Lang),
		Status: string(t.Status()), Created: formatDate(tr, t.CreatedAt), Waiting: waitingText(tr, b, t, now),
		Tags: t.Tags, Hidden: t.Hidden, Locked: t.Locked, PostsTitle: tr.T("boards.posts"), SignedIn: a.SignedIn(),
	}
	pg.Title = t.Title
	if x := rd.pick(0, t.Lang); x != nil {
		pg.Heading = view.Name{Text: x.Title, Lang: textLang(r, x.Lang)}
		pg.BodyHTML, pg.BodyLang = renderMarkdown(x.Body), textLang(r, x.Lang)
		pg.Translation = rd.note(r, t.ID, 0, t.Lang, *x, t.Version)
		pg.Title = x.Title
	}
	pg.ReadIn = append(pg.ReadIn, view.LangLink{Language: view.LanguageName(t.Lang, tr.Lang()),
		Href: view.ThreadLangHref(t.ID, "original"), Original: true, Shown: pg.Translation == nil})
	for _, x := range trs {
		if x.PostID == 0 {
			pg.ReadIn = append(pg.ReadIn, view.LangLink{Language: view.LanguageName(x.Lang, tr.Lang()),
				Href: view.ThreadLangHref(t.ID, x.Lang), Shown: pg.Translation != nil && x.Lang == rd.shown})
		}
	}
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
	files, err := s.threadFiles(r, t, posts)
	if err != nil {
		return err
	}
	pg.Files = files[0]
	pg.Question = b.Kind == board.KindQuestions
	pg.CanPost = a.SignedIn() && !t.Locked && !t.Hidden && !b.Locked && !b.Archived
	pg.CanAccept = pg.Question && a.SignedIn() && a.UserID == t.AuthorID
	pg.PostForm, pg.Langs, pg.Accept = f, langOptions(tr.Lang()), acceptList()
	pg.HasErrors = f.Failed()
	if a.SignedIn() {
		rel, err := s.relations(r)
		if err != nil {
			return err
		}
		pg.Moderator = board.CanModerate(a, b, rel) == nil
		subs, err := s.Boards.Subscriptions(ctx)
		if err != nil {
			return err
		}
		href := view.ThreadHref(t.ID)
		threadSub := followed(subs, board.FollowThread, t.ID, "") != 0
		pg.Follow = view.FollowButton{Can: true, Following: threadSub, Action: href + "/follow", Back: href,
			Label: tr.T("boards.this_thread")}
		pg.CanSame = board.CanMarkSame(a, b, t, rel) == nil
		pg.SameUndo = pg.CanSame && t.MarkedSame
		if pg.HasOrg {
			pg.FollowOrg = view.FollowButton{Can: true, Following: followed(subs, board.FollowOrg, t.AuthorOrgID, "") != 0,
				Action: "/orgs/" + url.PathEscape(pg.Org.Slug) + "/follow", Back: href, Label: pg.Org.Name.Text, LabelLang: pg.Org.Name.Lang}
		}
		for _, tag := range t.Tags {
			pg.FollowTags = append(pg.FollowTags, view.FollowButton{Can: true, Following: followed(subs, board.FollowTag, 0, tag) != 0,
				Action: "/tags/" + url.PathEscape(tag) + "/follow", Back: href, Label: "#" + tag})
		}
	}
	pg.Posts = postViews(r, n, t, posts, rd, func(v *view.PostView) {
		v.CanReport, v.CanTranslate, v.CanHide = a.SignedIn(), a.SignedIn() && !v.Hidden, pg.Moderator
		v.Files = files[v.ID]
	})
	if a.SignedIn() {
		if err := s.Boards.MarkRead(ctx, t.ID); err != nil {
			return err
		}
	}
	return s.render(w, r, status, view.Thread(pg))
}

// threadFiles lists the files of a thread (under post id 0) and of its posts that the reader
// may download, as the store decides (a post may link a practice's file the reader does not see).
func (s *Server) threadFiles(r *http.Request, t board.Thread, posts []board.Post) (map[int64][]view.AttachmentRow, error) {
	out := map[int64][]view.AttachmentRow{}
	ids := slices.Clone(t.Attachments)
	for _, p := range posts {
		for _, id := range p.Attachments {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	fs, err := s.boardFiles()
	if err != nil {
		return nil, err
	}
	atts, err := fs.Files(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	tr := stateOf(r).tr
	byID := map[int64]view.AttachmentRow{}
	for _, at := range atts {
		byID[at.ID] = view.AttachmentRow{ID: at.ID, Name: at.Name, Type: fileKind(at.Type), Size: sizeText(tr, at.Size),
			Href: "/attachments/" + strconv.FormatInt(at.ID, 10)}
	}
	// In each post's own order.
	add := func(post int64, list []int64) {
		for _, id := range list {
			if row, ok := byID[id]; ok {
				out[post] = append(out[post], row)
			}
		}
	}
	add(0, t.Attachments)
	for _, p := range posts {
		add(p.ID, p.Attachments)
	}
	return out, nil
}

// reading is the language a reader reads a thread in, and the thread's translations.
type reading struct {
	want     string // canonical tag: ?lang=, else the page's language
	original bool   // ?lang=original: every text as written
	shown    string // the language of the thread's translation shown, if one is
	trs      []board.Translation
}

func readingOf(r *http.Request, trs []board.Translation) *reading {
	rd := &reading{want: stateOf(r).tr.Lang().HTMLLang(), trs: trs}
	switch l := r.URL.Query().Get("lang"); {
	case l == "original":
		rd.original = true
	case l != "" && len(l) <= i18n.MaxTagLen && i18n.ValidTag(i18n.CanonicalTag(l)):
		rd.want = i18n.CanonicalTag(l)
	}
	return rd
}

// pick returns the translation to show instead of the original text of the thread (postID 0)
// or of a post, written in lang; nil shows the original.
func (rd *reading) pick(postID int64, lang string) *board.Translation {
	if rd.original || i18n.SameLanguage(lang, rd.want) {
		return nil
	}
	for i, x := range rd.trs {
		if x.PostID == postID && i18n.SameLanguage(x.Lang, rd.want) {
			if postID == 0 {
				rd.shown = x.Lang
			}
			return &rd.trs[i]
		}
	}
	return nil
}

// note marks translation x of a text written in lang, at version current, with the link to
// the thread's originals.
func (rd *reading) note(r *http.Request, threadID, postID int64, lang string, x board.Translation, current int) *view.TranslationNote {
	page := stateOf(r).tr.Lang()
	href := view.ThreadLangHref(threadID, "original")
	if postID != 0 {
		href += "#post-" + strconv.FormatInt(postID, 10)
	}
	return &view.TranslationNote{Language: view.LanguageName(x.Lang, page), Original: view.LanguageName(lang, page),
		OrigHref: href, Outdated: x.Outdated(current)}
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
func postViews(r *http.Request, n *namer, t board.Thread, posts []board.Post, rd *reading, extra func(*view.PostView)) []view.PostView {
	tr := stateOf(r).tr
	pv := func(p board.Post) view.PostView {
		v := view.PostView{ID: p.ID, Kind: string(p.Kind), BodyHTML: renderMarkdown(p.Body), Lang: textLang(r, p.Lang),
			Accepted: t.AcceptedID != 0 && p.ID == t.AcceptedID, Hidden: p.Hidden, Date: formatDate(tr, p.CreatedAt)}
		if p.AuthorOrgID != 0 {
			v.Org, v.HasOrg = n.org(p.AuthorOrgID), true
		}
		if x := rd.pick(p.ID, p.Lang); x != nil {
			v.BodyHTML, v.Lang = renderMarkdown(x.Body), textLang(r, x.Lang)
			v.Translation = rd.note(r, t.ID, p.ID, p.Lang, *x, p.Version)
		}
		extra(&v)
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
		ref.Scope.Label, ref.Public = tr.T("boards.scope.public"), true
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
