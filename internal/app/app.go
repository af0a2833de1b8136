// Package app wires citypact by hand: configuration, then storage, then the domain services, then
// the HTML and JSON surfaces on one mux. The serve command and the end-to-end tests start the
// same App. It is the only package that knows every other one.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/demo"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/password"
	"github.com/citypact/citypact/internal/store"
	"github.com/citypact/citypact/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// App is a running hub.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *store.DB
	Accounts *account.Service
	Handler  http.Handler
	// Mail sends the outbox; BoardMail turns board notifications into outbox mail. Serve runs
	// both; tests that serve the Handler themselves run RunMail.
	Mail      *mail.Worker
	BoardMail *boardmail.Job

	web      *web.Server
	api      *api.Server
	assets   *web.Assets
	registry *prometheus.Registry
	server   *http.Server
	listener net.Listener
}

// Options are what tests vary; production uses the zero value.
type Options struct {
	Now    func() time.Time
	Policy *account.Policy
	// Hasher overrides the password hasher (tests use cheap parameters to stay fast).
	Hasher *password.Hasher
	// Mail tunes the mail worker (tests poll often); its Logger and Now default to the app's.
	Mail mail.WorkerOptions
	// BoardMail tunes the board mail job; its Logger, Now and Kick default to the app's, and
	// its Poll to Mail.Poll when that is set (tests poll often).
	BoardMail boardmail.Options
}

// NewHasher returns the production password hasher: argon2id with OWASP's parameters, at most
// one hash per CPU at a time, so a burst of sign-ins queues instead of exhausting memory.
func NewHasher() *password.Hasher {
	return password.NewHasher(password.DefaultParams, runtime.NumCPU())
}

// Open connects to the database, migrates it and builds the handler.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opt Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	db, err := store.Open(ctx, cfg.Database, store.Options{Now: now})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Demo {
		if err := seedDemo(ctx, db, log); err != nil {
			db.Close()
			return nil, err
		}
	}
	policy := account.DefaultPolicy
	if opt.Policy != nil {
		policy = *opt.Policy
	}
	hasher := opt.Hasher
	if hasher == nil {
		hasher = NewHasher()
	}
	a := &App{Config: cfg, Log: log, DB: db, registry: prometheus.NewRegistry()}
	if a.Mail, err = newMailWorker(cfg, db, log, now, opt.Mail); err != nil {
		db.Close()
		return nil, err
	}
	base := publicURL(cfg, log)
	a.Accounts = account.NewService(db, hasher, policy, now).WithBaseURL(base)
	links, err := boardMailLinks(ctx, db, base)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.BoardMail = newBoardMailJob(db, links, a.Mail, log, now, opt)
	assets, err := web.LoadAssets()
	if err != nil {
		db.Close()
		return nil, err
	}
	a.assets = assets
	isDemo, err := demo.Present(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	// One bound for the heavy handlers of both surfaces: they share the database. Twice the
	// processors keeps every core busy while a request waits on I/O.
	limiter := httpx.NewLimiter(2 * runtime.GOMAXPROCS(0))
	a.web = web.New(web.Deps{Accounts: a.Accounts, Directory: db, Cases: db, Practices: db, Boards: db.BoardStore(), Settings: db, Audit: db, Assets: assets, Log: log,
		SecureCookies: cfg.TLS(), BehindProxy: cfg.BehindProxy, Demo: isDemo, Versions: db, Limiter: limiter, Mail: a.Mail,
		BoardSearch: db.BoardStore(), Files: db.BoardStore(), Titles: db.BoardStore(), Unsubscribe: &boardmail.Unsubscriber{Links: links, Store: db.BoardStore()}})
	a.api = api.New(api.Deps{Accounts: a.Accounts, Directory: db, Audit: db, Cases: db, Practices: db, Boards: db.BoardStore(), BaseURL: cfg.BaseURL, Version: db.DataVersion, Limiter: limiter, Log: log})
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Handler = a.handler()
	return a, nil
}

// Routes is every route of the hub, HTML, API and operations, for the mux and for `citypact routes`.
func (a *App) Routes() []httpx.Route {
	return append(append(a.web.Routes(), a.api.Routes()...), a.opsRoutes()...)
}

// RouteTable lists the routes without opening anything: the handlers are never called.
func RouteTable() []httpx.Route {
	a := &App{web: web.New(web.Deps{}), api: api.New(api.Deps{})}
	return a.Routes()
}

func (a *App) handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.Routes() {
		var h http.Handler
		switch rt.Surface {
		case httpx.HTML:
			h = a.web.Handle(rt)
		case httpx.API:
			h = a.api.Handle(rt)
		default:
			h = opsHandler(rt, a.Log)
		}
		mux.Handle(rt.MuxPattern(), h)
	}
	// Cross-origin protection refuses state-changing requests that a browser marks as coming
	// from another site (Sec-Fetch-Site / Origin). API clients send neither header and
	// authenticate with bearer tokens, which a browser never attaches on its own.
	cop := http.NewCrossOriginProtection()
	if a.Config.BaseURL != "" {
		_ = cop.AddTrustedOrigin(a.Config.BaseURL)
	}
	// The one exception: a mail client's one-click unsubscribe (RFC 8058) is a POST from
	// elsewhere by design, and some clients send it from the reader's browser. It needs no
	// cookie and changes nothing without the HMAC-signed token in its URL, which only the
	// mail's recipient has, so a cross-site request can do no more than the link itself.
	cop.AddInsecureBypassPattern("POST " + boardmail.UnsubscribePath)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.PlainError(w, http.StatusForbidden, "Cross-origin request refused.")
	}))
	return httpx.Chain(mux,
		httpx.Observe(a.Log, httpx.NewMetrics(a.registry)),
		httpx.SecurityHeaders(a.Config.TLS()),
		httpx.LimitBody(a.Config.MaxBodyBytes, uploadRoutes(a.Config.MaxUpload)),
		cop.Handler,
	)
}

// Listen opens the listening socket (":0" picks a free port; see Addr).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	a.listener = ln
	return nil
}

// Addr is the address the app listens on.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Serve serves until ctx ends, then shuts down gracefully: the listener closes at once and
// in-flight requests get Config.ShutdownGrace to finish.
func (a *App) Serve(ctx context.Context) error {
	a.server = &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		ConnState:         takeTurns,
	}
	errc := make(chan error, 1)
	go func() {
		if a.Config.TLSCert != "" {
			errc <- a.server.ServeTLS(a.listener, a.Config.TLSCert, a.Config.TLSKey)
		} else {
			errc <- a.server.Serve(a.listener)
		}
	}()
	go a.housekeeping(ctx)
	// Mail outlives the listener: requests finishing during the grace period may still queue
	// mail and kick the worker, which stops once they are done.
	mctx, stopMail := context.WithCancel(context.WithoutCancel(ctx))
	mailDone := make(chan struct{})
	go func() {
		defer close(mailDone)
		a.RunMail(mctx)
	}()
	defer func() {
		stopMail()
		<-mailDone
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", a.Config.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace)
	defer cancel()
	if err := a.server.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// housekeeping removes expired sessions now and then. Every instance may do it; the delete is
// idempotent.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(15 * time.Minute)
	defer t.Stop()
	for {
		if n, err := a.DB.DeleteExpiredSessions(ctx, a.DB.Now()); err != nil && ctx.Err() == nil {
			a.Log.Warn("delete expired sessions", "err", err)
		} else if n > 0 {
			a.Log.Info("deleted expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// seedDemo builds the demo hub into a database with no organisations yet; a hub with data of its
// own is left alone.
func seedDemo(ctx context.Context, db *store.DB, log *slog.Logger) error {
	existing, err := db.ListOrganisations(ctx, citypact.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		log.Info("demo: the database already has organisations; not seeding")
		return nil
	}
	ctx = citypact.WithActor(ctx, citypact.Actor{Name: "demo", Role: citypact.RoleAdmin})
	sum, err := demo.Seed(ctx, db)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := demo.SeedCases(ctx, db, db, db); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := demo.SeedPractices(ctx, db, db); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := demo.SeedBoards(ctx, db.BoardStore(), db, db, db); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	log.Info("demo hub seeded", "organisations", sum.Organisations, "memberships", sum.Memberships, "entries", sum.Entries)
	return nil
}

// uploadRoutes are the routes whose bodies may carry a file, with the upload limit; every other
// body is held to MaxBodyBytes. The boards' forms to start a thread and to answer or comment carry
// an optional file.
func uploadRoutes(limit int64) map[string]int64 {
	m := map[string]int64{}
	for _, p := range []string{"POST /imports", "POST /api/v1/imports", "POST /attachments",
		"POST /boards/{slug}/new", "POST /threads/{id}/posts"} {
		m[p] = limit
	}
	return m
}

// takeTurns makes a connection's goroutine yield once its response is written, before it reads
// the connection's next request (net/http calls ConnState there, on the goroutine). Without it,
// a client that sends its next request as soon as it has the answer often finds the goroutine
// still running, which reads that request and serves it at once, ahead of connections whose
// requests have waited longer: under load the scheduler ran 1.75 requests per turn, and a page
// with a median wait of 29 ms had a 99th percentile of 62 ms.
func takeTurns(_ net.Conn, s http.ConnState) {
	if s == http.StateIdle {
		runtime.Gosched()
	}
}
