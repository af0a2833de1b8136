package web

import (
	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/httpx"
)

// notificationRoutes are a reader's notifications, subscriptions and e-mail settings.
func (s *Server) notificationRoutes() []httpx.Route {
	return []httpx.Route{
		// One's own notifications and settings; the store acts for the signed-in reader only. The
		// paths are boardmail's, which links them from every mail.
		route(get, boardmail.NotificationsPath, M, s.notificationsList),
		route(post, "/notifications/read", M, s.notificationsRead),
		route(get, boardmail.SettingsPath, M, s.notifySettings),
		route(post, boardmail.SettingsPath, M, s.notifyFrequency),
		route(post, "/account/notifications/subscriptions/{id}/delete", M, s.unfollow),
		// The one-click unsubscribe link of board mail: no sign-in, the signed token is the
		// authority. Its POST is exempt from cross-origin protection (app.handler), because a
		// mail client posts it from elsewhere (RFC 8058).
		route(get, boardmail.UnsubscribePath, V, s.unsubscribeForm),
		route(post, boardmail.UnsubscribePath, V, s.unsubscribe),
	}
}
