package web

import (
	"testing"
	"time"
)

// The page cache holds at most maxBytes of pages: a flood of distinct large pages (comparisons of
// any areas, any dates) cannot grow the server's memory without end.
func TestPageCacheBoundedByBytes(t *testing.T) {
	c := newPageCache(1000)
	c.maxBytes = 250
	now := time.Now()
	page := func() *cachedPage { return &cachedPage{version: 1, body: make([]byte, 100)} }
	c.put("a", page())
	c.put("b", page())
	if c.get("a", 1, now) == nil || c.get("b", 1, now) == nil || c.bytes != 200 {
		t.Fatalf("two pages: bytes %d", c.bytes)
	}
	c.put("b", page()) // replacing a page does not count it twice
	if c.bytes != 200 {
		t.Fatalf("after replacing: bytes %d, want 200", c.bytes)
	}
	c.put("c", page()) // 300 > 250: the cache starts again
	if c.get("a", 1, now) != nil || c.get("c", 1, now) == nil || c.bytes != 100 {
		t.Fatalf("over the bound: a kept %v, bytes %d", c.get("a", 1, now) != nil, c.bytes)
	}
}

// A page that changes with the clock (a question's waiting time) is served from the cache until
// it expires, then rendered again, even though no data changed.
func TestPageCacheExpires(t *testing.T) {
	c := newPageCache(10)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c.put("thread", &cachedPage{version: 7, expires: now.Add(time.Minute)})
	c.put("org", &cachedPage{version: 7})
	for _, tc := range []struct {
		key     string
		version int64
		at      time.Time
		hit     bool
	}{
		{"thread", 7, now, true},
		{"thread", 7, now.Add(59 * time.Second), true},
		{"thread", 7, now.Add(time.Minute), false},
		{"thread", 8, now, false},
		{"org", 7, now.Add(24 * time.Hour), true},
		{"org", 8, now, false},
	} {
		if got := c.get(tc.key, tc.version, tc.at) != nil; got != tc.hit {
			t.Errorf("get(%s, v%d, +%s) hit = %v, want %v", tc.key, tc.version, tc.at.Sub(now), got, tc.hit)
		}
	}
}
