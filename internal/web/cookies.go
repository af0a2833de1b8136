package web

import (
	"net/http"
	"time"

	"github.com/citypact/citypact/internal/account"
)

const (
	langCookie  = "citypact_lang"
	flashCookie = "citypact_flash"
)

// sessionCookieName uses the __Host- prefix over HTTPS, which browsers accept only for Secure,
// host-only cookies with Path=/: a sibling subdomain cannot plant or overwrite it.
func (s *Server) sessionCookieName() string {
	if s.SecureCookies {
		return "__Host-citypact_session"
	}
	return "citypact_session"
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// setSession puts a session secret in its cookie. The cookie lives as long as the session's
// absolute limit (measured on the session's own clock, not the wall clock, so an injected clock
// cannot expire it at birth); the server enforces both limits whatever the browser keeps.
func (s *Server) setSession(w http.ResponseWriter, sess account.Session, secret string) {
	s.setCookie(w, s.sessionCookieName(), secret, int(sess.ExpiresAt.Sub(sess.CreatedAt)/time.Second))
}
