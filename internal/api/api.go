// Package api serves the JSON API under /api/v1: bearer-token authentication, one pagination
// convention, RFC 9457 problem+json for every error, and the OpenAPI 3.1 document that describes
// it all. Handlers are thin; it must never import the store or the web package.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

// Deps are what the API needs.
type Deps struct {
	Accounts  *account.Service
	Directory directory.Store
	Audit     audit.Reader
	Cases     cases.Store
	Practices practice.Store
	Boards    board.Store
	// BaseURL is the hub's public URL (config.BaseURL): links to pages in answers and exports are
	// absolute when it is set, relative to the hub otherwise.
	BaseURL string
	// Version tells the version of the stored data, which grows with every change; public
	// series are cached and tagged by it. Nil: nothing is cached.
	Version func(ctx context.Context) (int64, error)
	// Now is the clock sources' staleness is judged by; nil: time.Now.
	Now func() time.Time
	// Limiter bounds the series computed at once (nil: no bound); answers from the cache do
	// not wait for it.
	Limiter *httpx.Limiter
	Log     *slog.Logger
}

// Server serves /api/v1.
type Server struct {
	Deps
	unmatched   *httpx.MethodIndex
	seriesCache seriesCache
}

// New returns a Server.
func New(d Deps) *Server {
	s := &Server{Deps: d}
	s.unmatched = httpx.NewMethodIndex(s.Routes)
	return s
}

const prefix = "/api/v1"

// Routes is the API route table with each route's least role. Safe methods need a token of
// read scope at least; the others need write scope (httpx.Authorize).
func (s *Server) Routes() []httpx.Route {
	const (
		V = citypact.RoleVisitor
		M = citypact.RoleMember
		E = citypact.RoleEditor
		A = citypact.RoleAdmin
	)
	r := func(method, pattern string, role citypact.Role, h httpx.HandlerFunc) httpx.Route {
		return httpx.Route{Method: method, Pattern: prefix + pattern, Role: role, Surface: httpx.API, Handler: h}
	}
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	return []httpx.Route{
		r(get, "/openapi.json", V, s.openAPI),
		r(get, "/me", M, s.me),
		// The directory: public to read; editors change their own organisation (and networks their
		// memberships), admins anything. Handlers check the resource through directory.Can….
		r(get, "/organisations", V, s.organisationsList),
		r(get, "/organisations.csv", V, s.organisationsCSV),
		r(post, "/organisations", A, s.organisationCreate),
		r(get, "/organisations/{slug}", V, s.organisationShow),
		r(put, "/organisations/{slug}", E, s.organisationPut),
		r(del, "/organisations/{slug}", A, s.organisationDelete),
		r(get, "/organisations/{slug}/ties", V, s.tiesList),
		r(post, "/organisations/{slug}/ties", E, s.tieCreate),
		r(get, "/organisations/{slug}/memberships", V, s.membershipsOf(false)),
		r(get, "/organisations/{slug}/members", V, s.membershipsOf(true)),
		r(post, "/organisations/{slug}/members", E, s.memberCreate),
		r(get, "/organisations/{slug}/contacts", V, s.contactsList),
		r(post, "/organisations/{slug}/contacts", E, s.contactCreate),
		r(get, "/organisations/{slug}/timeline", V, s.timelineList),
		r(post, "/organisations/{slug}/timeline", E, s.timelineCreate),
		r(get, "/regions", V, s.regionsList),
		r(get, "/audit", A, s.auditList),
		// Daily updates: public to read; editors push their own organisation's areas and add
		// column mappings, checked per area and mapping through cases.Can….
		r(get, "/areas", V, s.areasList),
		r(get, "/areas/{code}", V, s.areaShow),
		r(get, "/areas/{code}/series", V, s.seriesJSON),
		r(get, "/areas/{code}/series.csv", V, s.seriesCSV),
		r(get, "/sources", V, s.sourcesList),
		r(get, "/sources/{key}", V, s.sourceShow),
		r(post, "/observations", E, s.observationsPush),
		r(post, "/imports", E, s.importCreate),
		r(get, "/mappings", V, s.mappingsList),
		r(get, "/mappings/{name}", V, s.mappingShow),
		r(put, "/mappings/{name}", E, s.mappingPut),
		// The library: what the store lets the token's organisation see (others' drafts and
		// practices shared with others are 404s); the owner's editors create and publish
		// (practice.CanEdit), any member translates what they can read (practice.CanTranslate).
		r(get, "/practices", V, s.practicesList),
		r(get, "/practices.csv", V, s.practicesCSV),
		r(post, "/practices", E, s.practiceCreate),
		r(get, "/practices/{id}", V, s.practiceShow),
		r(put, "/practices/{id}", E, s.practicePut),
		r(post, "/practices/{id}/publish", E, s.practicePublish),
		r(get, "/practices/{id}/versions", V, s.practiceVersions),
		r(get, "/practices/{id}/versions/{n}", V, s.practiceVersion),
		r(get, "/practices/{id}/translations", V, s.practiceTranslations),
		r(put, "/practices/{id}/translations/{lang}", M, s.translationPut),
		// The cities network: what the store lets the token's organisation see (other boards are
		// 404s); the store asks board.CanPost and board.CanAccept about the board and thread.
		r(get, "/boards", V, s.boardsList),
		r(get, "/boards/{slug}", V, s.boardShow),
		r(get, "/boards/{slug}/threads", V, s.threadsList),
		r(post, "/boards/{slug}/threads", M, s.threadCreate),
		r(get, "/threads/{id}", V, s.threadShow),
		r(post, "/threads/{id}/posts", M, s.postCreate),
		r(post, "/threads/{id}/accept", M, s.acceptAnswer),
		// Unknown paths and wrong methods answer in problem+json too.
		{Method: "", Pattern: "/api/", Role: V, Surface: httpx.API, Handler: s.unmatched.NotFound},
	}
}

// Handle wraps an API route: bearer authentication, the route's role and scope, the handler, and
// problem+json for any error.
func (s *Server) Handle(rt httpx.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Match(r.Header.Get("Accept-Language"))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic in API handler", "request_id", citypact.RequestIDFrom(r.Context()), "panic", p)
				s.problem(w, r, lang, &httpx.Status{Code: http.StatusInternalServerError, Key: "error.internal"})
			}
		}()
		a, err := s.authenticate(r)
		if err != nil && citypact.KindOf(err) == citypact.KindUnauthenticated {
			err = errTokenInvalid
		}
		if err == nil {
			r = r.WithContext(citypact.WithActor(r.Context(), a))
			err = httpx.Authorize(rt, a)
		}
		if err == nil {
			err = rt.Handler(w, r)
		}
		if err == citypact.ErrUnauthenticated {
			err = errTokenRequired
		}
		if err != nil {
			s.problem(w, r, lang, err)
		}
	})
}

// authenticate reads "Authorization: Bearer TOKEN". No header is a visitor; a bad token is an
// error, never silently a visitor, so a client learns at once that its token was revoked.
func (s *Server) authenticate(r *http.Request) (citypact.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return citypact.Visitor, nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return citypact.Visitor, citypact.ErrUnauthenticated
	}
	return s.Accounts.AuthenticateToken(r.Context(), strings.TrimSpace(token))
}

// The API speaks of tokens, not of signing in.
var (
	errTokenRequired = &citypact.Error{Kind: citypact.KindUnauthenticated, Message: "error.token_required"}
	errTokenInvalid  = &citypact.Error{Kind: citypact.KindUnauthenticated, Message: "error.token_invalid"}
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one invalid field of a request.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) problem(w http.ResponseWriter, r *http.Request, lang i18n.Lang, err error) {
	if httpx.ClientGone(r, err) {
		return
	}
	status := httpx.StatusOf(err)
	tr := i18n.For(lang)
	rid := citypact.RequestIDFrom(r.Context())
	key := httpx.MessageKey(err)
	if status >= 500 {
		s.Log.Error("internal error", "request_id", rid, "err", err.Error())
		key = "error.internal"
	}
	if !tr.Has(key) {
		key = "error.internal"
	}
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    tr.T(key),
		Instance:  r.URL.Path,
		RequestID: rid,
	}
	if key != "error.internal" {
		p.Type = "https://citypact.org/problems/" + strings.TrimPrefix(key, "error.")
	}
	for _, f := range citypact.FieldsOf(err) {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Key, Message: tr.T(f.Key, f.Args...)})
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Language", lang.String())
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="citypact"`)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// decode reads a JSON request body into v: application/json only (415 otherwise), one object,
// no unknown fields, nothing after it.
func decode(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return httpx.ErrUnsupportedMediaType
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError: 413
	}
	// A JSON null or array would decode into a struct without complaint: ask for an object.
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return &httpx.Status{Code: http.StatusBadRequest, Key: "error.malformed", Err: errors.New("body is not a JSON object")}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &httpx.Status{Code: http.StatusBadRequest, Key: "error.malformed", Err: err}
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return &httpx.Status{Code: http.StatusBadRequest, Key: "error.malformed", Err: errors.New("trailing data")}
	}
	return nil
}

// List is the one shape of every list answer: items and, when there may be more, the cursor
// that fetches the next page (?after=CURSOR).
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// page reads ?limit= and ?after= into a Page; bad values are a 400, not a silent default.
func page(r *http.Request) (citypact.Page, error) {
	q := r.URL.Query()
	var p citypact.Page
	var err error
	if v := q.Get("limit"); v != "" {
		if p.Limit, err = strconv.Atoi(v); err != nil || p.Limit < 1 || p.Limit > citypact.MaxLimit {
			return p, citypact.Invalid(citypact.FieldError{Field: "limit", Key: "field.range", Args: []string{"min", "1", "max", strconv.Itoa(citypact.MaxLimit)}})
		}
	}
	if v := q.Get("after"); v != "" {
		if p.After, err = strconv.ParseInt(v, 10, 64); err != nil || p.After < 0 {
			return p, citypact.Invalid(citypact.FieldError{Field: "after", Key: "field.invalid"})
		}
	}
	return p.Normalize(), nil
}

func nextCursor(n int, p citypact.Page, lastID int64) string {
	if n < p.Limit {
		return ""
	}
	return strconv.FormatInt(lastID, 10)
}
