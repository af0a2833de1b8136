package app_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
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
