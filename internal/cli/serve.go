package cli

import (
	"context"
	"time"

	"github.com/citypact/citypact/internal/app"
	"github.com/citypact/citypact/internal/config"
)

func serve(ctx context.Context, env Env, args []string) error {
	cfg := config.Default()
	fs := newFlags(env, "serve", "serve [flags]")
	cfg.Bind(fs, env.Getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := logger(env.Stderr, cfg.LogLevel)
	start := time.Now()
	a, err := app.Open(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	log.Info("citypact serving", "addr", a.Addr(), "engine", string(a.DB.Engine), "version", Version, "startup", time.Since(start).String())
	return a.Serve(ctx)
}
