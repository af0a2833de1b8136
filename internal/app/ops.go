package app

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func (a *App) opsRoutes() []httpx.Route {
	r := func(pattern string, h httpx.HandlerFunc) httpx.Route {
		return httpx.Route{Method: http.MethodGet, Pattern: pattern, Role: citypact.RoleVisitor, Surface: httpx.Ops, Handler: h}
	}
	return []httpx.Route{
		r("/healthz", a.healthz),
		r("/readyz", a.readyz),
		r("/metrics", a.metrics),
		r("/static/{file}", func(w http.ResponseWriter, r *http.Request) error {
			a.assets.ServeHTTP(w, r)
			return nil
		}),
	}
}

// opsHandler answers operations routes in plain text; they serve machines, not people.
func opsHandler(rt httpx.Route, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rt.Handler(w, r); err != nil {
			log.Warn("ops", "pattern", rt.Pattern, "err", err)
			httpx.PlainError(w, httpx.StatusOf(err), http.StatusText(httpx.StatusOf(err)))
		}
	})
}

// healthz serves GET /healthz: the process is up. It touches nothing else, so a slow database
// does not get healthy processes restarted.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte("ok\n"))
	return err
}

// readyz serves GET /readyz: the database answers and its schema is current.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Warn("readyz: database unreachable", "err", err)
		httpx.PlainError(w, http.StatusServiceUnavailable, "database unreachable")
		return nil
	}
	_, pending, err := a.DB.SchemaVersion(ctx)
	if err != nil || pending {
		httpx.PlainError(w, http.StatusServiceUnavailable, "migrations pending")
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = w.Write([]byte("ready\n"))
	return err
}

// metrics serves GET /metrics for Prometheus; with a metrics token configured it needs that
// bearer token.
func (a *App) metrics(w http.ResponseWriter, r *http.Request) error {
	if tok := a.Config.MetricsToken; tok != "" {
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+tok)) != 1 {
			return citypact.ErrUnauthenticated
		}
	}
	promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
