package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/citypact/citypact/internal/markdown"
)

// Versioner tells the version of the stored data; every change makes it grow.
type Versioner interface {
	DataVersion(ctx context.Context) (int64, error)
}

// dataVersion reads the data version once per request: the page cache and each memoised list of a
// page ask for it, and one read serves them all. (A hub where nothing has changed yet has version
// 0, which is simply read again.)
func (s *Server) dataVersion(ctx context.Context) (int64, error) {
	st, _ := ctx.Value(requestKey{}).(*request)
	if st != nil && st.version > 0 {
		return st.version, nil
	}
	v, err := s.Versions.DataVersion(ctx)
	if err == nil && st != nil {
		st.version = v
	}
	return v, err
}

// pageCache keeps rendered public pages for visitors, keyed by language and URL, each valid for
// the data version it was rendered under. Directory pages cost milliseconds of queries and are
// read far more than written; a cached page costs one indexed read of the version. Entries of an
// old version are simply replaced; the cache is bounded by clearing it when it holds max pages
// or maxBytes of them (comparison pages with their tables weigh tens of kilobytes each).
type pageCache struct {
	mu       sync.RWMutex
	entries  map[string]*cachedPage
	max      int
	maxBytes int
	bytes    int
}

// pageCacheBytes bounds the memory the page cache holds.
const pageCacheBytes = 64 << 20

type cachedPage struct {
	version int64
	expires time.Time // zero: valid as long as version is current
	status  int
	header  http.Header
	body    []byte
	etag    string
}

func newPageCache(max int) *pageCache {
	return &pageCache{entries: make(map[string]*cachedPage), max: max, maxBytes: pageCacheBytes}
}

func (c *pageCache) get(key string, version int64, now time.Time) *cachedPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.entries[key]; e != nil && e.version == version && (e.expires.IsZero() || now.Before(e.expires)) {
		return e
	}
	return nil
}

func (c *pageCache) put(key string, e *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[key]; old != nil {
		c.bytes -= len(old.body)
		delete(c.entries, key)
	}
	if len(c.entries) >= c.max || c.bytes+len(e.body) > c.maxBytes {
		clear(c.entries)
		c.bytes = 0
	}
	c.entries[key] = e
	c.bytes += len(e.body)
}

// capture records what a handler writes, so a page can be cached before it is sent.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// serve writes a cached page, or 304 when the client holds it already.
func (e *cachedPage) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	h.Set("ETag", e.etag)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(e.status)
	w.Write(e.body)
}

// cached answers a public route for a visitor from the cache, or runs the handler and keeps its
// answer when it is a 200, for maxAge at most when it is not zero. It returns the handler's error
// untouched.
func (s *Server) cached(w http.ResponseWriter, r *http.Request, maxAge time.Duration, handler func(http.ResponseWriter, *http.Request) error) error {
	version, err := s.dataVersion(r.Context())
	if err != nil {
		return err
	}
	key := string(stateOf(r).tr.Lang()) + " " + r.URL.RequestURI()
	now := time.Now()
	if e := s.cache.get(key, version, now); e != nil {
		e.serve(w, r)
		return nil
	}
	c := &capture{header: http.Header{}}
	if err := handler(c, r); err != nil {
		return err
	}
	if c.status == 0 {
		c.status = http.StatusOK
	}
	// The ETag's checksum tells apart the bodies one URL has had under one data version (a page
	// that changes with time): CRC-32C, which the processor computes, where FNV-1a took 2 % of a
	// practice page.
	body := c.body.Bytes()
	e := &cachedPage{version: version, status: c.status, header: c.header, body: body,
		etag: fmt.Sprintf(`"%d-%x"`, version, crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))}
	if maxAge > 0 {
		e.expires = now.Add(maxAge)
	}
	if c.status == http.StatusOK {
		s.cache.put(key, e)
	}
	e.serve(w, r)
	return nil
}

// listMemo keeps a few lists every directory page shows — the networks for the filter, the
// countries in use, the regions — under the data version, for signed-in readers too: reading them
// cost more than the page's own query. A value is recomputed when the version moves.
type listMemo struct {
	mu      sync.Mutex
	version int64
	values  map[string]any
}

// memo returns the value of key under the current data version, computing it when absent.
func memo[T any](ctx context.Context, s *Server, key string, compute func(context.Context) (T, error)) (T, error) {
	var zero T
	if s.Versions == nil {
		return compute(ctx)
	}
	v, err := s.dataVersion(ctx)
	if err != nil {
		return zero, err
	}
	s.lists.mu.Lock()
	if s.lists.version != v || s.lists.values == nil {
		s.lists.version, s.lists.values = v, map[string]any{}
	}
	got, ok := s.lists.values[key]
	s.lists.mu.Unlock()
	if ok {
		return got.(T), nil
	}
	val, err := compute(ctx)
	if err != nil {
		return zero, err
	}
	s.lists.mu.Lock()
	if s.lists.version == v {
		s.lists.values[key] = val
	}
	s.lists.mu.Unlock()
	return val, nil
}

// renderedMarkdown keeps the HTML of Markdown texts already rendered, keyed by the text's SHA-256:
// rendering and sanitising costs about half a millisecond per description, and the same few
// descriptions are shown over and over. A cryptographic hash, so that no editor can write a text
// whose key is another's and have that page show theirs (FNV, before, could be made to collide);
// the processor computes it faster than FNV-128 was. Bounded by clearing when full.
var renderedMarkdown = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// maxRenderedMarkdown bounds the memo: descriptions are at most 20,000 characters, so its worst
// case stays in the tens of megabytes.
const maxRenderedMarkdown = 1024

// renderMarkdown is markdown.Render through that memo.
func renderMarkdown(src string) string {
	if src == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(src))
	key := string(sum[:])
	renderedMarkdown.RLock()
	html, ok := renderedMarkdown.m[key]
	renderedMarkdown.RUnlock()
	if ok {
		return html
	}
	html = markdown.Render(src)
	renderedMarkdown.Lock()
	if len(renderedMarkdown.m) >= maxRenderedMarkdown {
		clear(renderedMarkdown.m)
	}
	renderedMarkdown.m[key] = html
	renderedMarkdown.Unlock()
	return html
}
