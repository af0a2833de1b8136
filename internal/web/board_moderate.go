package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/web/view"
)

// reportsPage is how many reports the moderators' queue lists at once.
const reportsPage = 20

// moderateFields are the moderation form's fields.
var moderateFields = []string{"note", "to_board"}

// moveChoices are the boards thread t on b may move to, as the reader may moderate them:
// the same kind and readers, open (board.CheckMove).
func (s *Server) moveChoices(r *http.Request, t board.Thread, b board.Board) ([]view.Option, error) {
	bs, err := s.Boards.Boards(r.Context(), board.BoardFilter{Kind: b.Kind})
	if err != nil {
		return nil, err
	}
	rel, err := s.relations(r)
	if err != nil {
		return nil, err
	}
	a := stateOf(r).actor
	var out []view.Option
	for _, to := range bs {
		if board.CheckMove(t, b, to) == nil && board.CanModerate(a, to, rel) == nil {
			name := boardName(r, to)
			out = append(out, view.Option{Value: to.Slug, Label: name.Text, Lang: name.Lang})
		}
	}
	return out, nil
}

func (s *Server) moderatePage(w http.ResponseWriter, r *http.Request, status int, t board.Thread, b board.Board, tg view.ThreadTarget, f view.Form) error {
	choices, err := s.moveChoices(r, t, b)
	if err != nil {
		return err
	}
	pg := view.ModeratePage{Base: s.base(r, "boards.moderate.title", "boards"), Target: tg, Form: f,
		Locked: t.Locked, Hidden: t.Hidden, Boards: choices}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.Moderate(pg))
}

// moderateForm serves GET /threads/{id}/moderate: the board's moderators lock, hide or move
// the thread, with a note for the audit log; anyone else is forbidden (board.CanModerate).
func (s *Server) moderateForm(w http.ResponseWriter, r *http.Request) error {
	b, t, _, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	rel, err := s.relations(r)
	if err != nil {
		return err
	}
	if err := board.CanModerate(stateOf(r).actor, b, rel); err != nil {
		return err
	}
	return s.moderatePage(w, r, http.StatusOK, t, b, tg, view.Form{})
}

// moderate serves POST /threads/{id}/moderate: action hide, unhide, lock, unlock or move (to
// the board whose slug to_board names), on the thread or, for hide and unhide, on post=. The
// store checks CanModerate on the board, and on the destination of a move, and CheckMove.
func (s *Server) moderate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return err
	}
	b, t, _, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	m := board.Moderation{Action: board.Action(r.PostFormValue("action")), ThreadID: t.ID, PostID: tg.PostID,
		Note: strings.ReplaceAll(r.PostFormValue("note"), "\r\n", "\n")}
	var fe formErrors
	if m.Action == board.ActMove {
		switch slug := strings.TrimSpace(r.PostFormValue("to_board")); {
		case slug == "":
			fe.add("to_board", "field.required")
		case len(slug) > board.MaxSlugLen:
			fe.add("to_board", "field.choice")
		default:
			to, err := s.Boards.BoardBySlug(ctx, slug)
			if citypact.KindOf(err) == citypact.KindNotFound {
				fe.add("to_board", "field.choice")
			} else if err != nil {
				return err
			}
			m.ToBoard = to.ID
		}
	}
	err = invalidOrNil(fe)
	if err == nil {
		err = s.Boards.Moderate(ctx, m)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		rel, rerr := s.relations(r)
		if rerr != nil {
			return rerr
		}
		if cerr := board.CanModerate(stateOf(r).actor, b, rel); cerr != nil {
			return cerr
		}
		f := view.Form{Values: formValues(r, moderateFields...), Errors: citypact.FieldsOf(err)}
		tg.PostID, tg.Excerpt, tg.Lang = 0, "", ""
		return s.moderatePage(w, r, http.StatusUnprocessableEntity, t, b, tg, f)
	} else if err != nil {
		return err
	}
	to := view.ThreadHref(t.ID)
	if m.PostID != 0 {
		to += "#post-" + strconv.FormatInt(m.PostID, 10)
	}
	return s.redirect(w, r, to, "flash.board.moderated."+string(m.Action))
}

// reportsList serves GET /boards/reports: the open reports on boards the reader moderates,
// oldest first (the store lists only those); ?after= is the last report id of the previous page.
func (s *Server) reportsList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			after = n
		}
	}
	reps, err := s.Boards.Reports(ctx, board.ReportFilter{Open: true, Page: citypact.Page{After: after, Limit: reportsPage + 1}})
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	pg := view.ReportsPage{Base: s.base(r, "boards.reports.title", "boards")}
	if len(reps) > reportsPage {
		reps = reps[:reportsPage]
		pg.Next = "/boards/reports?after=" + strconv.FormatInt(reps[len(reps)-1].ID, 10)
	}
	if after > 0 {
		pg.First = "/boards/reports"
	}
	threads := map[int64]board.Thread{}
	boards := map[int64]board.Board{}
	posts := map[int64][]board.Post{}
	for _, rep := range reps {
		t, ok := threads[rep.ThreadID]
		if !ok {
			if t, err = s.Boards.Thread(ctx, rep.ThreadID); err != nil {
				return err
			}
			threads[t.ID] = t
		}
		b, ok := boards[t.BoardID]
		if !ok {
			if b, err = s.Boards.Board(ctx, t.BoardID); err != nil {
				return err
			}
			boards[b.ID] = b
		}
		tg := view.ThreadTarget{Board: s.boardRef(r, n, b), ThreadID: t.ID, Title: view.Name{Text: t.Title, Lang: textLang(r, t.Lang)}}
		if rep.PostID != 0 {
			ps, ok := posts[t.ID]
			if !ok {
				if ps, err = s.threadPosts(r, t.ID); err != nil {
					return err
				}
				posts[t.ID] = ps
			}
			tg.PostID = rep.PostID
			for _, p := range ps {
				if p.ID == rep.PostID {
					tg.Excerpt, tg.Lang = excerpt(p.Body), textLang(r, p.Lang)
				}
			}
		}
		pg.Reports = append(pg.Reports, view.ReportRow{ID: rep.ID, Target: tg, Reason: tr.T(reasonKey(rep.Reason)),
			Note: rep.Note, Date: formatDate(tr, rep.CreatedAt)})
	}
	return s.render(w, r, http.StatusOK, view.Reports(pg))
}

// reportResolve serves POST /boards/reports/{id}/resolve: a moderator of the report's board
// closes it.
func (s *Server) reportResolve(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return citypact.NotFound("report")
	}
	if err := s.Boards.ResolveReport(r.Context(), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/boards/reports", "flash.board.resolved")
}
