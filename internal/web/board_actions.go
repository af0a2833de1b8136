package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/web/view"
)

// excerptLen is how many characters of a post its report or translation form quotes.
const excerptLen = 280

// threadTarget reads the thread of the path and the post a form names (post=, in the query or
// the posted form); a post the reader cannot see in that thread is not found.
func (s *Server) threadTarget(r *http.Request) (board.Board, board.Thread, *board.Post, view.ThreadTarget, error) {
	var tg view.ThreadTarget
	t, err := s.threadOf(r)
	if err != nil {
		return board.Board{}, t, nil, tg, err
	}
	b, err := s.Boards.Board(r.Context(), t.BoardID)
	if err != nil {
		return b, t, nil, tg, err
	}
	n, err := s.namer(r)
	if err != nil {
		return b, t, nil, tg, err
	}
	tg = view.ThreadTarget{Board: s.boardRef(r, n, b), ThreadID: t.ID, Title: view.Name{Text: t.Title, Lang: textLang(r, t.Lang)}}
	v := r.FormValue("post")
	if v == "" || v == "0" {
		return b, t, nil, tg, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return b, t, nil, tg, citypact.NotFound("post")
	}
	posts, err := s.threadPosts(r, t.ID)
	if err != nil {
		return b, t, nil, tg, err
	}
	for i, p := range posts {
		if p.ID == id {
			tg.PostID, tg.Excerpt, tg.Lang = p.ID, excerpt(p.Body), textLang(r, p.Lang)
			return b, t, &posts[i], tg, nil
		}
	}
	return b, t, nil, tg, citypact.NotFound("post")
}

// excerpt shortens a post's Markdown source to quote it in a form.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= excerptLen {
		return s
	}
	return string([]rune(s)[:excerptLen]) + "…"
}

// sameMark serves POST /threads/{id}/same: on=1 marks "same question" (which follows the
// thread), on=0 withdraws the mark; the store asks board.CanMarkSame.
func (s *Server) sameMark(w http.ResponseWriter, r *http.Request) error {
	t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	on := r.PostFormValue("on") == "1"
	if err := s.Boards.MarkSame(r.Context(), t.ID, on); err != nil {
		return err
	}
	flash := "flash.board.same_off"
	if on {
		flash = "flash.board.same_on"
	}
	return s.redirect(w, r, view.ThreadHref(t.ID), flash)
}

// follow follows sub for the reader (on=1) or stops following it, then returns to the posted
// back path when it is on this site, else to home.
func (s *Server) follow(w http.ResponseWriter, r *http.Request, sub board.Subscription, home string) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return err
	}
	back := home
	if v := r.PostFormValue("back"); v != "" && safeNext(v) == v {
		back = v
	}
	if r.PostFormValue("on") == "1" {
		if err := s.Boards.Subscribe(ctx, &sub); err != nil {
			return err
		}
		return s.redirect(w, r, back, "flash.board.followed")
	}
	if err := sub.Validate(); err != nil {
		return err
	}
	subs, err := s.Boards.Subscriptions(ctx)
	if err != nil {
		return err
	}
	if id := followed(subs, sub.Kind, sub.TargetID, sub.Tag); id != 0 {
		if err := s.Boards.Unsubscribe(ctx, id); err != nil {
			return err
		}
	}
	return s.redirect(w, r, back, "flash.board.unfollowed")
}

// boardFollow serves POST /boards/{slug}/follow: new threads on the board.
func (s *Server) boardFollow(w http.ResponseWriter, r *http.Request) error {
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	return s.follow(w, r, board.Subscription{Kind: board.FollowBoard, TargetID: b.ID}, "/boards/"+b.Slug)
}

// threadFollow serves POST /threads/{id}/follow: new posts in the thread.
func (s *Server) threadFollow(w http.ResponseWriter, r *http.Request) error {
	t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	return s.follow(w, r, board.Subscription{Kind: board.FollowThread, TargetID: t.ID}, view.ThreadHref(t.ID))
}

// tagFollow serves POST /tags/{tag}/follow: new threads with the tag on any board the reader
// sees.
func (s *Server) tagFollow(w http.ResponseWriter, r *http.Request) error {
	tag := r.PathValue("tag")
	if len(tag) > 4*board.MaxTagLen {
		return citypact.NotFound("tag")
	}
	return s.follow(w, r, board.Subscription{Kind: board.FollowTag, Tag: tag}, "/boards")
}

// orgFollow serves POST /orgs/{slug}/follow: new threads by the organisation's staff.
func (s *Server) orgFollow(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgBySlug(r, "slug")
	if err != nil {
		return err
	}
	return s.follow(w, r, board.Subscription{Kind: board.FollowOrg, TargetID: o.ID}, "/orgs/"+url.PathEscape(o.Slug))
}

// reasonKey is the message naming a report's reason ("other" would read as a plural form).
func reasonKey(x board.Reason) string {
	if x == board.ReasonOther {
		return "boards.reason.other_reason"
	}
	return "boards.reason." + string(x)
}

// reportFields are the report form's fields.
var reportFields = []string{"reason", "note"}

func (s *Server) reportFormPage(w http.ResponseWriter, r *http.Request, status int, tg view.ThreadTarget, f view.Form) error {
	tr := stateOf(r).tr
	title := "boards.report.thread_title"
	if tg.PostID != 0 {
		title = "boards.report.post_title"
	}
	pg := view.ReportFormPage{Base: s.base(r, title, "boards"), Target: tg, Form: f}
	for _, x := range board.Reasons {
		pg.Reasons = append(pg.Reasons, view.Option{Value: string(x), Label: tr.T(reasonKey(x))})
	}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.ReportForm(pg))
}

// reportForm serves GET /threads/{id}/report?post=: the form to report the thread or a post.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) error {
	_, _, _, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	return s.reportFormPage(w, r, http.StatusOK, tg, view.Form{})
}

// reportCreate serves POST /threads/{id}/report: the report goes to the board's moderators;
// a reason is required, and a note with "other".
func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, t, _, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	rep := board.Report{ThreadID: t.ID, PostID: tg.PostID, Reason: board.Reason(r.PostFormValue("reason")),
		Note: strings.ReplaceAll(r.PostFormValue("note"), "\r\n", "\n")}
	err = s.Boards.Report(r.Context(), &rep)
	if citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, reportFields...), Errors: citypact.FieldsOf(err)}
		return s.reportFormPage(w, r, http.StatusUnprocessableEntity, tg, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, tg.Href(), "flash.board.reported")
}
