package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/citypact/citypact/internal/web/view"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded file, ready to serve: its bytes, their gzip, and its type.
type asset struct {
	body, gz []byte
	ctype    string
}

// Assets serves the embedded static files under content-hashed names, so they can be cached for a
// year: a changed file gets a new URL.
type Assets struct {
	byURL map[string]*asset // "/static/app.3f2a9c1b7e.css" → file
	urls  map[string]string // "app.css" → its hashed URL
}

// LoadAssets reads and compresses every embedded file once.
func LoadAssets() (*Assets, error) {
	a := &Assets{byURL: map[string]*asset{}, urls: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byURL[url] = &asset{body: body, gz: buf.Bytes(), ctype: ctype}
		a.urls[name] = url
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a static file by its name.
func (a *Assets) URL(name string) string { return a.urls[name] }

// View returns the URLs pages link to.
func (a *Assets) View() view.Assets {
	return view.Assets{CSS: a.URL("app.css"), Favicon: a.URL("favicon.svg")}
}

// GzipSize reports the compressed size of a file, for the stylesheet budget test.
func (a *Assets) GzipSize(name string) int { return len(a.byURL[a.urls[name]].gz) }

// ServeHTTP serves GET /static/{file}.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := f.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && len(f.gz) < len(f.body) {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	w.Write(body)
}
