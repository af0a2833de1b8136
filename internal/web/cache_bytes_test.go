package web

import "testing"

// The page cache holds at most maxBytes of pages: a flood of distinct large pages (comparisons of
// any areas, any dates) cannot grow the server's memory without end.
func TestPageCacheBoundedByBytes(t *testing.T) {
	c := newPageCache(1000)
	c.maxBytes = 250
	page := func() *cachedPage { return &cachedPage{version: 1, body: make([]byte, 100)} }
	c.put("a", page())
	c.put("b", page())
	if c.get("a", 1) == nil || c.get("b", 1) == nil || c.bytes != 200 {
		t.Fatalf("two pages: bytes %d", c.bytes)
	}
	c.put("b", page()) // replacing a page does not count it twice
	if c.bytes != 200 {
		t.Fatalf("after replacing: bytes %d, want 200", c.bytes)
	}
	c.put("c", page()) // 300 > 250: the cache starts again
	if c.get("a", 1) != nil || c.get("c", 1) == nil || c.bytes != 100 {
		t.Fatalf("over the bound: a kept %v, bytes %d", c.get("a", 1) != nil, c.bytes)
	}
}
