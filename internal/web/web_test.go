package web

import (
	"github.com/citypact/citypact/internal/markdown"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/account", "/account"},
		{"/admin/audit?entity=user", "/admin/audit?entity=user"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"/\r\nSet-Cookie: x=1", "/"},
		{"javascript:alert(1)", "/"},
		{"account", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAssets(t *testing.T) {
	a, err := LoadAssets()
	if err != nil {
		t.Fatal(err)
	}
	// The stylesheet budget: slow links and old devices.
	if n := a.GzipSize("app.css"); n == 0 || n > 20<<10 {
		t.Errorf("app.css is %d bytes gzipped; the budget is 20 KB", n)
	}
	url := a.URL("app.css")
	if !strings.HasPrefix(url, "/static/app.") || !strings.HasSuffix(url, ".css") || len(url) < len("/static/app.0123456789.css") {
		t.Fatalf("not a content-hashed URL: %q", url)
	}
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	w := httptest.NewRecorder()
	a.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("served %d %v", w.Code, w.Header())
	}
	w = httptest.NewRecorder()
	a.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/static/app.css", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("unhashed name served: %d", w.Code)
	}
}

func TestRenderMarkdownMemo(t *testing.T) {
	for _, src := range []string{"", "**서울**", "**臺北**", "<script>x</script>[a](javascript:alert(1))"} {
		want := markdown.Render(src)
		if src == "" {
			want = ""
		}
		for range 2 {
			if got := renderMarkdown(src); got != want {
				t.Errorf("renderMarkdown(%q) = %q, want %q", src, got, want)
			}
		}
	}
}
