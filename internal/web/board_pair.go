package web

import (
	"net/http"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/directory"
)

// pairChannel tells the partner page of o and partner about their private channel: its address
// when it is open and the reader may read it, else whether the reader may open it (an editor of
// either organisation, or an admin, when a sister or friendship tie joins them). Visitors and
// other organisations' staff learn nothing of it.
func (s *Server) pairChannel(r *http.Request, o, partner directory.Organisation, ties []directory.Tie) (href string, canOpen bool, err error) {
	a := stateOf(r).actor
	if !a.SignedIn() || (!a.IsAdmin() && a.OrgID != o.ID && a.OrgID != partner.ID) {
		return "", false, nil
	}
	scope := board.PairScope(o.ID, partner.ID)
	b, err := s.Boards.BoardBySlug(r.Context(), board.PairSlug(scope))
	switch {
	case err == nil:
		return "/boards/" + b.Slug, false, nil
	case citypact.KindOf(err) != citypact.KindNotFound:
		return "", false, err
	}
	tied := false
	for _, t := range ties {
		tied = tied || t.Kind == directory.TieSister || t.Kind == directory.TieFriendship
	}
	rel := board.Relations{OrgID: a.OrgID}
	return "", tied && board.CanManageBoard(a, board.Board{Kind: board.KindQuestions, Scope: scope}, rel) == nil, nil
}

// pairChannelOpen serves POST /orgs/{slug}/partners/{partner}/channel: it opens (or finds) the
// two organisations' private channel and goes to it.
func (s *Server) pairChannelOpen(w http.ResponseWriter, r *http.Request) error {
	o, partner, err := s.partnersOf(r)
	if err != nil {
		return err
	}
	b, err := s.Boards.OpenPair(r.Context(), o.ID, partner.ID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/boards/"+b.Slug, http.StatusSeeOther)
	return nil
}
