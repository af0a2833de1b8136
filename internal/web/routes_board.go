package web

import (
	"time"

	"github.com/citypact/citypact/internal/httpx"
)

// boardRoutes are the cities network's boards.
func (s *Server) boardRoutes() []httpx.Route {
	return []httpx.Route{
		// The cities network boards: each reader sees the boards their organisation may read (the
		// store applies board.CanSeeBoard); what they may not see is not found. A board's and a
		// thread's pages say how long a question has waited, in hours, which changes with the
		// clock and not only with the data: visitors' copies are kept a minute at most.
		public(route(get, "/boards", V, s.boardsList)),
		ticking(route(get, "/boards/{slug}", V, s.boardShow), time.Minute),
		ticking(route(get, "/threads/{id}", V, s.threadShow), time.Minute),
		// Writing on the boards: the least role opens the door; the store asks board.CanPost and
		// board.CanAccept about the board and thread at hand.
		route(get, "/boards/{slug}/new", M, s.threadNewForm),
		route(post, "/boards/{slug}/new", M, s.threadCreate),
		route(post, "/threads/{id}/posts", M, s.postCreate),
		route(post, "/threads/{id}/accept", M, s.acceptAnswer),
	}
}
