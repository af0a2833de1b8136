// Package web serves the HTML pages: the route table, one file per page or action, and the
// adapter that turns a handler's error into the right page in the reader's language. Handlers are
// thin: they parse the request, call a domain service and fill a view struct. It must never import
// the store; it talks to storage only through the domain interfaces.
package web

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// Deps are what the pages need.
type Deps struct {
	Accounts      *account.Service
	Directory     directory.Store
	Cases         cases.Store
	Practices     practice.Store
	Boards        board.Store
	BoardSearch   board.Searcher // the boards in the site-wide search
	Files         BoardFiles     // files on the boards' threads and posts
	Settings      Settings
	Audit         audit.Reader
	Assets        *Assets
	Log           *slog.Logger
	SecureCookies bool // the hub is reached over HTTPS
	Demo          bool // the hub holds the demo's sample data: every page says so
	Versions      Versioner
	BehindProxy   bool
	// Limiter bounds the heavy handlers running at once (nil: no bound).
	Limiter *httpx.Limiter
	// Mail is the mail worker, kicked after a change queued mail (nil: mail waits for its poll).
	Mail Mailer
	// Titles names threads in the notification lists; Unsubscribe honours the links of board
	// mail (nil: every link is not found).
	Titles      ThreadTitles
	Unsubscribe *boardmail.Unsubscriber
}

// Mailer is the mail worker as handlers see it. Mail is queued in the transaction of the change
// it tells about, so the worker can only see it after commit: the handler kicks it then.
type Mailer interface{ Kick() }

func (s *Server) kickMail() {
	if s.Mail != nil {
		s.Mail.Kick()
	}
}

// Server renders the pages.
type Server struct {
	Deps
	unmatched *httpx.MethodIndex
	cache     *pageCache
	lists     listMemo
}

// New returns a Server.
func New(d Deps) *Server {
	s := &Server{Deps: d, cache: newPageCache(4096)}
	s.unmatched = httpx.NewMethodIndex(s.Routes)
	return s
}

// request is what the adapter learns about a request before the handler runs.
type request struct {
	actor   citypact.Actor
	user    account.User // zero for visitors
	session account.Session
	secret  string // the session cookie's value
	tr      *i18n.Translator
	flash   string
	enrol   bool  // an admin who must enrol TOTP before anything else
	version int64 // the data version, once read (see dataVersion)
}

type requestKey struct{}

func stateOf(r *http.Request) *request {
	if st, ok := r.Context().Value(requestKey{}).(*request); ok {
		return st
	}
	return &request{tr: i18n.For(i18n.EN)}
}

// Handle wraps a route's handler: it authenticates the browser, picks the language, enforces the
// route's least role, runs the handler and renders any error it returns.
func (s *Server) Handle(rt httpx.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := s.authenticate(w, r)
		r = r.WithContext(context.WithValue(citypact.WithActor(r.Context(), st.actor), requestKey{}, st))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic in handler", "request_id", citypact.RequestIDFrom(r.Context()), "panic", p)
				s.renderError(w, r, &httpx.Status{Code: http.StatusInternalServerError, Key: "error.internal"})
			}
		}()
		err := httpx.Authorize(rt, st.actor)
		if err == nil && st.enrol && !enrolRoute(rt.Pattern) {
			http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
			return
		}
		if err == nil && !rt.Safe() {
			err = checkFormType(r)
		}
		if err == nil {
			handler := rt.Handler
			if rt.Heavy {
				handler = s.Limiter.Wrap(handler)
			}
			if rt.Public && s.Versions != nil && !st.actor.SignedIn() && st.secret == "" && st.flash == "" && r.Method == http.MethodGet {
				err = s.cached(w, r, rt.MaxAge, handler)
			} else {
				err = handler(w, r)
			}
		}
		if err != nil {
			if citypact.KindOf(err) == citypact.KindUnauthenticated && rt.Safe() {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, err)
		}
	})
}

// enrolRoute lists what an admin who must enrol TOTP may still reach.
func enrolRoute(pattern string) bool {
	switch pattern {
	case "/account/totp", "/account/totp/begin", "/signout", "/language", "/static/{file}":
		return true
	}
	return false
}

// checkFormType accepts only form encodings for state changes: a JSON or text body to a form
// endpoint is a client error (415), not something to guess at.
func checkFormType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data") {
		return httpx.ErrUnsupportedMediaType
	}
	return nil
}

// authenticate reads the session cookie and chooses the language: the user's profile, else the
// visitor's cookie, else Accept-Language.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *request {
	st := &request{actor: citypact.Visitor}
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		a, sess, u, err := s.Accounts.Authenticate(r.Context(), c.Value)
		switch {
		case err == nil && !sess.MFAPending:
			st.actor, st.session, st.user, st.secret = a, sess, u, c.Value
			if u.Role == citypact.RoleAdmin && !u.TOTPEnabled {
				st.enrol, _ = s.Accounts.MustEnrolTOTP(r.Context(), u)
			}
		case err == nil: // pending TOTP: keep the cookie for the second step only
			st.session, st.secret = sess, c.Value
		case citypact.KindOf(err) == citypact.KindUnauthenticated:
			s.clearCookie(w, s.sessionCookieName()) // expired or ended: forget it
		default:
			s.Log.Error("authenticate", "request_id", citypact.RequestIDFrom(r.Context()), "err", err)
		}
	}
	lang, ok := i18n.Lang(""), false
	if st.user.ID != 0 {
		lang, ok = i18n.Parse(string(st.user.Lang))
	}
	if !ok {
		if c, err := r.Cookie(langCookie); err == nil {
			lang, ok = i18n.Parse(c.Value)
		}
	}
	if !ok {
		lang = i18n.Match(r.Header.Get("Accept-Language"))
	}
	st.tr = i18n.For(lang)
	if c, err := r.Cookie(flashCookie); err == nil {
		st.flash = c.Value
		s.clearCookie(w, flashCookie)
	}
	return st
}

// base fills what every page shares.
func (s *Server) base(r *http.Request, title, nav string) view.Base {
	st := stateOf(r)
	b := view.Base{
		Tr:     st.tr,
		Title:  st.tr.T(title),
		Path:   r.URL.RequestURI(),
		Nav:    nav,
		Viewer: view.Viewer{SignedIn: st.actor.SignedIn(), Name: st.user.Name, Role: st.actor.Role, Unread: s.unreadCount(r)},
		Assets: s.Assets.View(),
		Demo:   s.Demo,
	}
	if st.flash != "" && strings.HasPrefix(st.flash, "flash.") && st.tr.Has(st.flash) {
		b.Flash = st.flash
	}
	return b
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page with a status. It renders into a buffer first, so a failing template
// yields a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		if stateOf(r).actor.SignedIn() {
			h.Set("Cache-Control", "private, no-store")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
	}
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

var errorTitles = map[int]string{
	http.StatusBadRequest:            "error.bad_request.title",
	http.StatusUnauthorized:          "error.unauthenticated.title",
	http.StatusForbidden:             "error.forbidden.title",
	http.StatusNotFound:              "error.not_found.title",
	http.StatusConflict:              "error.conflict.title",
	http.StatusGone:                  "error.gone.title",
	http.StatusRequestEntityTooLarge: "error.too_large.title",
	http.StatusUnsupportedMediaType:  "error.media_type.title",
	http.StatusUnprocessableEntity:   "error.invalid.title",
	http.StatusTooManyRequests:       "error.too_many.title",
	http.StatusMethodNotAllowed:      "error.method.title",
	http.StatusServiceUnavailable:    "error.overloaded.title",
}

// renderError shows an error page. Internal errors are logged with the request id and shown as
// a generic message with that id; users never see their text.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if httpx.ClientGone(r, err) {
		return
	}
	status := httpx.StatusOf(err)
	rid := citypact.RequestIDFrom(r.Context())
	title, ok := errorTitles[status]
	if !ok {
		status, title = http.StatusInternalServerError, "error.internal.title"
	}
	msg := httpx.MessageKey(err)
	if status == http.StatusInternalServerError {
		s.Log.Error("internal error", "request_id", rid, "err", err.Error())
		msg = "error.internal"
	} else if status == http.StatusForbidden {
		a := citypact.ActorFrom(r.Context())
		s.Log.Warn("access denied", "request_id", rid, "user_id", a.UserID, "org_id", a.OrgID, "path", r.URL.Path)
	}
	if !stateOf(r).tr.Has(msg) {
		msg = "error.internal"
	}
	w.Header().Set("Cache-Control", "no-store")
	p := view.ErrorPage{Base: s.base(r, title, ""), Status: status, Message: msg, RequestID: rid}
	if rerr := s.render(w, r, status, view.Error(p)); rerr != nil {
		s.Log.Error("render error page", "request_id", rid, "err", rerr)
		httpx.PlainError(w, http.StatusInternalServerError, "Internal error. Reference: "+rid)
	}
}

// redirect answers a successful form post: See Other to a page, with a one-time message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		s.setCookie(w, flashCookie, flash, 60)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext accepts only same-site relative paths as a place to return to, so a crafted link
// cannot send a user who just signed in to another site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
