// Package httpx is what the HTML and JSON surfaces share: handlers that return errors, the route
// table with each route's least role, the mapping of error kinds to status codes, and middleware
// (request ids, logging, recovery, security headers, body limits, metrics). It knows no page and
// no SQL; it must never import the store, web or api packages.
package httpx

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/citypact/citypact"
)

// HandlerFunc is an HTTP handler that returns its failure instead of writing it, so that one
// adapter per surface turns every error into the right page or problem document.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Surface says which adapter renders a route's errors.
type Surface string

const (
	HTML Surface = "html"
	API  Surface = "api"
	Ops  Surface = "ops" // health, readiness, metrics, static files: plain text answers
)

// Route is one entry of a surface's route table. Role is the least role that may use it; the
// router enforces it before the handler runs, so a handler cannot forget the check. Handlers
// still check per-resource rights (is this the editor's own organisation?) through the domain.
type Route struct {
	Method  string // "" answers every method (catch-alls, which never change state)
	Pattern string // a net/http ServeMux pattern without the method, e.g. "/account/tokens/{id}/revoke"
	Role    citypact.Role
	Surface Surface
	Handler HandlerFunc
	// Public marks a GET whose answer is the same for every visitor in a language and changes only
	// when stored data does: the surface may answer it from a cache keyed by the data version.
	Public bool
	// MaxAge, for a Public route whose answer also changes with the clock (a question's waiting
	// time), bounds how long a cached answer is served: the cache keeps it at most this long, even
	// when no data changed. Zero: only the data version decides.
	MaxAge time.Duration
	// Heavy marks a handler that does much database work per request (series, comparisons): it
	// runs under the surface's Limiter, so that under overload requests queue in order instead of
	// all slowing down together.
	Heavy bool
}

// Safe reports whether the route's method must not change state.
func (r Route) Safe() bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == ""
}

// MuxPattern is the pattern to register: "METHOD /path", or "/path" for any method.
func (r Route) MuxPattern() string {
	if r.Method == "" {
		return r.Pattern
	}
	return r.Method + " " + r.Pattern
}

// Status errors are failures of the HTTP exchange itself, before any domain logic: a body too
// large, a wrong content type, unparseable JSON.
type Status struct {
	Code int
	Key  string // i18n key of the message
	Err  error
}

func (e *Status) Error() string {
	if e.Err != nil {
		return e.Key + ": " + e.Err.Error()
	}
	return e.Key
}

func (e *Status) Unwrap() error { return e.Err }

// Common exchange failures.
var (
	ErrUnsupportedMediaType = &Status{Code: http.StatusUnsupportedMediaType, Key: "error.media_type"}
	ErrMalformed            = &Status{Code: http.StatusBadRequest, Key: "error.malformed"}
	ErrTooLarge             = &Status{Code: http.StatusRequestEntityTooLarge, Key: "error.too_large"}
)

// StatusOf maps an error to its HTTP status code. The mapping lives here once for both surfaces.
func StatusOf(err error) int {
	var se *Status
	if errors.As(err, &se) {
		return se.Code
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch citypact.KindOf(err) {
	case citypact.KindInvalid:
		return http.StatusUnprocessableEntity
	case citypact.KindNotFound:
		return http.StatusNotFound
	case citypact.KindConflict:
		return http.StatusConflict
	case citypact.KindForbidden:
		return http.StatusForbidden
	case citypact.KindUnauthenticated:
		return http.StatusUnauthorized
	case citypact.KindTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// MessageKey returns the i18n key of the message a user sees for err.
func MessageKey(err error) string {
	var se *Status
	if errors.As(err, &se) {
		return se.Key
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "error.too_large"
	}
	if m := citypact.MessageOf(err); m != "" {
		return m
	}
	switch StatusOf(err) {
	case http.StatusUnprocessableEntity:
		return "error.invalid"
	case http.StatusNotFound:
		return "error.not_found"
	case http.StatusConflict:
		return "error.conflict"
	case http.StatusForbidden:
		return "error.forbidden"
	case http.StatusUnauthorized:
		return "error.unauthenticated"
	case http.StatusTooManyRequests:
		return "error.too_many"
	}
	return "error.internal"
}

// ClientGone reports that err only says the client went away (it closed the connection while
// its request waited, e.g. for a password-hashing slot). There is nobody to answer and nothing
// went wrong on our side, so it is neither rendered nor logged as an error.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// Authorize checks the actor against a route's least role and, for API tokens, its scope.
// It returns nil or an Unauthenticated or Forbidden error.
func Authorize(rt Route, a citypact.Actor) error {
	if a.Role < rt.Role {
		if !a.SignedIn() {
			return citypact.ErrUnauthenticated
		}
		return citypact.Forbidden("route needs " + rt.Role.String())
	}
	if a.Scope == citypact.ScopeRead && !rt.Safe() {
		return &citypact.Error{Kind: citypact.KindForbidden, Message: "error.token_scope"}
	}
	return nil
}

// ClientIP is the address a request came from. Behind a proxy set trusted to true to take the
// last hop of X-Forwarded-For (the one our own proxy appended), never the first, which a client
// can forge.
func ClientIP(r *http.Request, trusted bool) string {
	if trusted {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// ErrMethod is a known path asked with a method it does not answer.
var ErrMethod = &Status{Code: http.StatusMethodNotAllowed, Key: "error.method"}

// MethodIndex tells a wrong method (405) from a missing page (404) for a surface's catch-all,
// which answers every request no route matched so that both come in the surface's own format.
type MethodIndex struct {
	once   sync.Once
	routes func() []Route
	mux    *http.ServeMux
}

// NewMethodIndex indexes the routes routes() returns, on first use.
func NewMethodIndex(routes func() []Route) *MethodIndex { return &MethodIndex{routes: routes} }

// NotFound returns ErrMethod, with the Allow header set, when r's path exists with other methods,
// and a not-found error otherwise.
func (m *MethodIndex) NotFound(w http.ResponseWriter, r *http.Request) error {
	m.once.Do(func() {
		m.mux = http.NewServeMux()
		for _, rt := range m.routes() {
			if rt.Method != "" {
				m.mux.Handle(rt.MuxPattern(), http.NotFoundHandler())
			}
		}
	})
	var allow []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := m.mux.Handler(probe); pattern != "" {
			allow = append(allow, method)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return ErrMethod
	}
	return citypact.NotFound(r.URL.Path)
}
