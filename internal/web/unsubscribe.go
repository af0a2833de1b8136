package web

import (
	"net/http"
	"net/url"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/web/view"
)

// The unsubscribe links of board mail need no sign-in: the token in the link is signed with the
// hub's key (boardmail.Links) and is the only authority. A forged or altered token is not found
// (404) and changes nothing.

// unsubscribeToken reads the token from the query, where both the link and the page's form put
// it; the query stays out of request logs.
func unsubscribeToken(r *http.Request) string {
	t := r.URL.Query().Get("token")
	if len(t) > 200 {
		return ""
	}
	return t
}

// unsubscribeForm serves GET /unsubscribe?token=: it says what the link stops and offers the
// button. A GET changes nothing: mail scanners and link previews fetch links without a person.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	if s.Unsubscribe == nil {
		return citypact.NotFound("unsubscribe link")
	}
	token := unsubscribeToken(r)
	t, sub, err := s.Unsubscribe.Preview(r.Context(), token)
	if err != nil {
		return err
	}
	tr := stateOf(r).tr
	p := view.UnsubscribePage{Base: s.base(r, "unsub.title", ""), Token: url.QueryEscape(token), All: t.Sub == 0}
	if p.All {
		p.What = tr.T("unsub.all")
	} else {
		name := sub.Tag
		if sub.Kind != board.FollowTag {
			name = tr.T("notify.follow." + string(sub.Kind) + "_generic")
		}
		p.What = tr.T("unsub.one_sub", "name", name)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, r, http.StatusOK, view.Unsubscribe(p))
}

// unsubscribe serves POST /unsubscribe?token=: from the page's button, or from a mail client
// acting on List-Unsubscribe-Post (RFC 8058: body "List-Unsubscribe=One-Click", no cookie, no
// Origin of ours). Both do the same; applying a link twice is not an error.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	if s.Unsubscribe == nil {
		return citypact.NotFound("unsubscribe link")
	}
	t, err := s.Unsubscribe.Apply(r.Context(), unsubscribeToken(r))
	if err != nil {
		return err
	}
	p := view.UnsubscribePage{Base: s.base(r, "unsub.done_title", ""), All: t.Sub == 0, Done: true}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, r, http.StatusOK, view.Unsubscribe(p))
}
