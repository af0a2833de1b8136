package web

import "github.com/citypact/citypact/internal/httpx"

// notificationRoutes are a reader's notifications, subscriptions and e-mail settings.
func (s *Server) notificationRoutes() []httpx.Route {
	return nil
}
