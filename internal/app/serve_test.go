package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/app"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/dbtest"
)

// TestGracefulShutdown: when serve is told to stop (SIGTERM cancels its context), a request
// already in flight still gets its answer, and new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	cfg := config.Default()
	cfg.Database = dbtest.SQLite(t)
	cfg.Addr = "127.0.0.1:0"
	a, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{Hasher: apptest.CheapHasher()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx) }()
	base := "http://" + a.Addr()
	if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("not ready: %v", err)
	}

	// A sign-in whose body is still arriving when shutdown begins.
	pr, pw := io.Pipe()
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+"/signin", pr)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- -1
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	fmt.Fprint(pw, "email=nobody%40example.org&")
	time.Sleep(100 * time.Millisecond) // let the server start reading: the request is in flight
	stop()
	time.Sleep(100 * time.Millisecond)
	fmt.Fprint(pw, "password=whatever-it-is")
	pw.Close()
	if code := <-answered; code != http.StatusUnauthorized {
		t.Errorf("in-flight request got %d, want its real answer (401)", code)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("still accepting connections after shutdown: %v", err)
	}
}
