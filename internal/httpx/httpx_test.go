package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/prometheus/client_golang/prometheus"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
		key  string
	}{
		{citypact.Invalid(citypact.FieldError{Field: "x", Key: "field.required"}), 422, "error.invalid"},
		{citypact.NotFound("x"), 404, "error.not_found"},
		{citypact.Conflict("user.email_taken"), 409, "user.email_taken"},
		{citypact.Forbidden("x"), 403, "error.forbidden"},
		{citypact.ErrUnauthenticated, 401, "error.unauthenticated"},
		{&citypact.Error{Kind: citypact.KindTooMany, Message: "signin.throttled"}, 429, "signin.throttled"},
		{ErrUnsupportedMediaType, 415, "error.media_type"},
		{fmt.Errorf("wrapped: %w", &http.MaxBytesError{Limit: 1}), 413, "error.too_large"},
		{fmt.Errorf("store.X: %w", citypact.NotFound("user")), 404, "error.not_found"},
		{errors.New("disk on fire"), 500, "error.internal"},
	}
	for _, tt := range tests {
		if got := StatusOf(tt.err); got != tt.want {
			t.Errorf("StatusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
		if got := MessageKey(tt.err); got != tt.key {
			t.Errorf("MessageKey(%v) = %q, want %q", tt.err, got, tt.key)
		}
	}
}

func TestAuthorize(t *testing.T) {
	get := Route{Method: http.MethodGet, Role: citypact.RoleMember}
	post := Route{Method: http.MethodPost, Role: citypact.RoleMember}
	admin := Route{Method: http.MethodGet, Role: citypact.RoleAdmin}
	member := citypact.Actor{UserID: 1, Role: citypact.RoleMember}
	readToken := citypact.Actor{UserID: 1, Role: citypact.RoleAdmin, Scope: citypact.ScopeRead}
	writeToken := citypact.Actor{UserID: 1, Role: citypact.RoleMember, Scope: citypact.ScopeWrite}
	tests := []struct {
		rt   Route
		a    citypact.Actor
		want citypact.Kind
		ok   bool
	}{
		{get, citypact.Visitor, citypact.KindUnauthenticated, false},
		{get, member, 0, true},
		{admin, member, citypact.KindForbidden, false},
		{post, readToken, citypact.KindForbidden, false},
		{admin, readToken, 0, true},
		{post, writeToken, 0, true},
	}
	for i, tt := range tests {
		err := Authorize(tt.rt, tt.a)
		if (err == nil) != tt.ok || (err != nil && citypact.KindOf(err) != tt.want) {
			t.Errorf("%d: Authorize = %v", i, err)
		}
	}
}

func TestClientIP(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "[2001:db8::1]:5000"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
	if got := ClientIP(r, false); got != "2001:db8::1" {
		t.Errorf("untrusted: %q", got)
	}
	if got := ClientIP(r, true); got != "198.51.100.7" {
		t.Errorf("behind a proxy, the last hop: %q", got)
	}
}

func TestMiddleware(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			w.WriteHeader(StatusOf(err))
			return
		}
		if citypact.RequestIDFrom(r.Context()) == "" {
			t.Error("no request id in context")
		}
	})
	h := Chain(mux, Observe(log, NewMetrics(prometheus.NewRegistry())), SecurityHeaders(true), LimitBody(10, nil))

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/panic", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "boom") || !strings.Contains(w.Body.String(), "Reference:") {
		t.Errorf("panic answer: %d %q", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), `"panic":"boom"`) || !strings.Contains(logs.String(), `"pattern":"GET /panic"`) {
		t.Errorf("log: %s", logs.String())
	}
	for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Strict-Transport-Security", "Referrer-Policy"} {
		if w.Header().Get(k) == "" {
			t.Errorf("missing %s", k)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader("0123456789ABCDEF")))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", w.Code)
	}
	// A forged newline in the path cannot start a new log line.
	logs.Reset()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x%0A%7B%22forged%22:1%7D", nil))
	if strings.Count(strings.TrimSpace(logs.String()), "\n") != 0 {
		t.Errorf("log line forged: %q", logs.String())
	}
}

func TestClientGone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	wrapped := fmt.Errorf("hash: %w", context.Canceled)
	if ClientGone(r, wrapped) {
		t.Error("gone before the client left")
	}
	cancel()
	if !ClientGone(r, wrapped) || ClientGone(r, errors.New("disk full")) {
		t.Error("ClientGone misjudged")
	}
}

// Upload routes are matched as the router matches them: a pattern's path and method get the
// larger limit; every other request, the same path by another method included, the small one.
func TestLimitBodyUploads(t *testing.T) {
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			w.WriteHeader(StatusOf(err))
		}
	})
	h := LimitBody(10, map[string]int64{"POST /threads/{id}/posts": 100, "POST /imports": 100})(read)
	body := strings.Repeat("x", 50)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodPost, "/threads/42/posts", http.StatusOK},
		{http.MethodPost, "/imports", http.StatusOK},
		{http.MethodPut, "/threads/42/posts", http.StatusRequestEntityTooLarge},
		{http.MethodPost, "/threads/42/accept", http.StatusRequestEntityTooLarge},
		{http.MethodPost, "/threads/42/posts/more", http.StatusRequestEntityTooLarge},
		{http.MethodPost, "/imports/x", http.StatusRequestEntityTooLarge},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, strings.NewReader(body)))
		if w.Code != tc.want {
			t.Errorf("%s %s with 50 bytes: %d, want %d", tc.method, tc.path, w.Code, tc.want)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/threads/42/posts", strings.NewReader(strings.Repeat("x", 101))))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload over its own limit: %d", w.Code)
	}
}
