package web

import "github.com/citypact/citypact/internal/httpx"

// searchRoutes are the site-wide search and the boards' feeds.
func (s *Server) searchRoutes() []httpx.Route {
	return []httpx.Route{
		// The library and the boards at once, each store showing the reader what they may see:
		// results differ by reader, so the page is not cached.
		heavy(route(get, "/search", V, s.searchShow)),
		// Atom feeds of public boards' threads, the same for everyone (built as a visitor), in
		// one language (?lang=, else the reader's).
		heavy(public(route(get, "/boards/{slug}/feed.atom", V, s.boardFeed))),
		heavy(public(route(get, "/boards/tags/{tag}/feed.atom", V, s.tagFeed))),
	}
}
