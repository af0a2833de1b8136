package web

import "github.com/citypact/citypact/internal/httpx"

// searchRoutes are the site-wide search and the boards' feeds.
func (s *Server) searchRoutes() []httpx.Route {
	return nil
}
