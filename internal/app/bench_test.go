package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/demo"
)

// benchPage measures one page through the whole handler chain (middleware, routing,
// authentication, rendering), without the network.
func benchPage(b *testing.B, path string) {
	h := apptest.Start(b, dbtest.SQLite(b))
	handler := h.App.Handler
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func BenchmarkHomeVisitor(b *testing.B) { benchPage(b, "/") }
func BenchmarkHealthz(b *testing.B)     { benchPage(b, "/healthz") }

// BenchmarkPracticePageUncached renders Taipei's SOP practice of the demo library at a URL never
// asked for before each time (the page cache keys on the URL), as a visitor whose browser prefers
// Korean: the work of a practice page nobody has asked for since the last change. The demo hub is
// seeded whole but for its case data, as bench/practices.sh serves it.
func BenchmarkPracticePageUncached(b *testing.B) {
	h := apptest.Start(b, dbtest.SQLite(b), apptest.Options{SkipSeed: true})
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "demo", Role: citypact.RoleAdmin})
	if _, err := demo.Seed(ctx, h.App.DB); err != nil {
		b.Fatal(err)
	}
	if err := demo.SeedPractices(ctx, h.App.DB, h.App.DB); err != nil {
		b.Fatal(err)
	}
	// The boards too: the page lists the questions that link the practice, as the demo hub's does.
	if err := demo.SeedBoards(ctx, h.App.DB.BoardStore(), h.App.DB, h.App.DB, h.App.DB); err != nil {
		b.Fatal(err)
	}
	handler := h.App.Handler
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodGet, "/practices/taipei-epidemic-prevention-sops?r="+strconv.Itoa(i), nil)
		req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
