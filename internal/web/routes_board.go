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
		// Writing on the boards: the least role opens the door; the store asks board.CanPost,
		// CanAccept, CanMarkSame, CanSubscribe, CanReport and CanTranslate about the board and
		// thread at hand.
		// The private channel of two partner cities, opened by an editor of either from their
		// partner page; the store asks board.CanManageBoard and checks the tie.
		route(post, "/orgs/{slug}/partners/{partner}/channel", E, s.pairChannelOpen),
		route(get, "/boards/{slug}/new", M, s.threadNewForm),
		route(post, "/boards/{slug}/new", M, s.threadCreate),
		route(post, "/threads/{id}/posts", M, s.postCreate),
		route(get, "/threads/{id}/comment", M, s.commentForm),
		route(post, "/threads/{id}/accept", M, s.acceptAnswer),
		route(post, "/threads/{id}/same", M, s.sameMark),
		route(post, "/boards/{slug}/follow", M, s.boardFollow),
		route(post, "/threads/{id}/follow", M, s.threadFollow),
		route(post, "/tags/{tag}/follow", M, s.tagFollow),
		route(post, "/orgs/{slug}/follow", M, s.orgFollow),
		route(get, "/threads/{id}/report", M, s.reportForm),
		route(post, "/threads/{id}/report", M, s.reportCreate),
		route(get, "/threads/{id}/translate", M, s.translateForm),
		route(post, "/threads/{id}/translate", M, s.translateSave),
		// Moderation: editors and admins open the door; board.CanModerate decides per board (a
		// network's editors moderate its boards, admins every board), and the store lists only
		// the reports of boards the reader moderates.
		route(get, "/threads/{id}/moderate", E, s.moderateForm),
		route(post, "/threads/{id}/moderate", E, s.moderate),
		route(get, "/boards/reports", E, s.reportsList),
		route(post, "/boards/reports/{id}/resolve", E, s.reportResolve),
	}
}
