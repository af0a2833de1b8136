package httpx

import (
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/prometheus/client_golang/prometheus"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware so that the first listed is the outermost.
func Chain(h http.Handler, mw ...Middleware) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// recorder remembers the status a handler wrote, for logs and metrics.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRequestID returns a short random id users can quote to support.
func newRequestID() string {
	var b [10]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// Metrics are the Prometheus collectors of the HTTP server.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citypact_http_requests_total", Help: "HTTP requests by matched route pattern and status code.",
		}, []string{"pattern", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "citypact_http_request_duration_seconds", Help: "HTTP request latency by matched route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"pattern"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// Observe is the outermost middleware: it gives each request an id, recovers from panics, and
// logs and counts the request under the pattern the mux matched (never the raw path, which would
// let anyone create unbounded label values).
func Observe(log *slog.Logger, m *Metrics) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := newRequestID()
			r = r.WithContext(citypact.WithRequestID(r.Context(), id))
			rec := &recorder{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("panic", "request_id", id, "panic", p, "stack", string(debug.Stack()))
					if rec.status == 0 {
						PlainError(rec, http.StatusInternalServerError, "Internal error. Reference: "+id)
					}
				}
				pattern := r.Pattern
				if pattern == "" {
					pattern = "unmatched"
				}
				d := time.Since(start)
				if m != nil {
					m.requests.WithLabelValues(pattern, strconv.Itoa(rec.status)).Inc()
					m.duration.WithLabelValues(pattern).Observe(d.Seconds())
				}
				level := slog.LevelInfo
				if quiet(pattern) {
					level = slog.LevelDebug // probes and assets would drown the log
				}
				if rec.status >= 500 {
					level = slog.LevelError
				}
				// Paths and agents are logged as attributes, which the JSON handler quotes, so input
				// cannot forge log lines.
				log.LogAttrs(r.Context(), level, "request", slog.String("request_id", id),
					slog.String("method", r.Method), slog.String("pattern", pattern), slog.String("path", r.URL.Path),
					slog.Int("status", rec.status), slog.Int("bytes", rec.bytes), slog.Duration("duration", d))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

func quiet(pattern string) bool {
	switch pattern {
	case "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/{file}":
		return true
	}
	return false
}

// PlainError writes a short text answer; it is for failures outside any surface's adapter.
func PlainError(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(msg + "\n"))
}

// SecurityHeaders sets the headers every answer carries. The policy allows no inline script and
// nothing from another host: all assets are embedded and served from here.
func SecurityHeaders(tls bool) Middleware {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	// The values are built once and shared by every answer: these headers are on the hot path of
	// every request, and nothing downstream appends to them (Header.Set replaces a slice).
	headers := map[string][]string{
		"Content-Security-Policy":    {csp},
		"X-Content-Type-Options":     {"nosniff"},
		"X-Frame-Options":            {"DENY"},
		"Referrer-Policy":            {"strict-origin-when-cross-origin"},
		"Cross-Origin-Opener-Policy": {"same-origin"},
		"Permissions-Policy":         {"camera=(), microphone=(), geolocation=()"},
	}
	if tls {
		headers["Strict-Transport-Security"] = []string{"max-age=63072000; includeSubDomains"}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for k, v := range headers {
				h[k] = v
			}
			next.ServeHTTP(w, r)
		})
	}
}

// LimitBody caps every request body; a larger body fails to read with *http.MaxBytesError,
// which StatusOf maps to 413. Requests matching a pattern of uploads (ServeMux patterns of the
// file-upload routes, such as "POST /threads/{id}/posts") get its larger limit instead.
func LimitBody(n int64, uploads map[string]int64) Middleware {
	// The upload routes are matched as the router matches them (patterns such as
	// "POST /threads/{id}/posts"), by a mux of their own.
	match := http.NewServeMux()
	for pattern := range uploads {
		match.Handle(pattern, http.NotFoundHandler())
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := n
			if _, pattern := match.Handler(r); pattern != "" {
				limit = uploads[pattern]
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}
