package boardmail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
)

// UnsubscribePath is where unsubscribe links lead; the web package serves it.
const UnsubscribePath = "/unsubscribe"

// Target is what an unsubscribe link stops: all of a user's board mail (Sub 0: their frequency
// becomes none), or one of their subscriptions.
type Target struct {
	User int64
	Sub  int64
}

// Links builds the links of board mail from the configured base URL (never a request's Host)
// and signs unsubscribe tokens. A token is the user and subscription ids with an HMAC-SHA256 of
// them under the hub's key: nobody without the key can make one for someone else, so a link
// needs no sign-in and can stop mail in one POST from a mail client (RFC 8058). Tokens do not
// expire: old mails must keep working, and the worst a leaked one does is stop mail.
type Links struct {
	base string
	key  []byte
}

// NewLinks returns links on base (without a trailing slash) signed with key.
func NewLinks(base string, key []byte) *Links {
	return &Links{base: strings.TrimRight(base, "/"), key: key}
}

// URL is the absolute URL of a path of the hub.
func (l *Links) URL(path string) string { return l.base + path }

// Thread links a thread, and a post in it when post is not 0.
func (l *Links) Thread(thread, post int64) string {
	u := l.base + "/threads/" + strconv.FormatInt(thread, 10)
	if post != 0 {
		u += "#post-" + strconv.FormatInt(post, 10)
	}
	return u
}

// Unsubscribe is the one-click link for t. The token is in the query, which request logs leave
// out.
func (l *Links) Unsubscribe(t Target) string {
	return l.base + UnsubscribePath + "?token=" + url.QueryEscape(l.Token(t))
}

// OneClick reports whether the links can carry RFC 8058 headers, which must be https.
func (l *Links) OneClick() bool { return strings.HasPrefix(l.base, "https://") }

// Token signs t: "<user>.<sub>.<mac>".
func (l *Links) Token(t Target) string {
	ids := strconv.FormatInt(t.User, 10) + "." + strconv.FormatInt(t.Sub, 10)
	return ids + "." + base64.RawURLEncoding.EncodeToString(l.mac(ids))
}

// Check returns the target of a token made by Token with the same key. Anything else (altered,
// forged, truncated) is KindNotFound, the same answer as for a link that never existed.
func (l *Links) Check(token string) (Target, error) {
	bad := citypact.NotFound("unsubscribe link")
	user, rest, ok1 := strings.Cut(token, ".")
	sub, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || len(l.key) == 0 {
		return Target{}, bad
	}
	u, err1 := strconv.ParseInt(user, 10, 64)
	s, err2 := strconv.ParseInt(sub, 10, 64)
	// Strict: the last character of an unpadded encoding carries unused bits, which lenient
	// decoding ignores, so that several strings would verify as one token.
	got, err3 := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err1 != nil || err2 != nil || err3 != nil || u <= 0 || s < 0 {
		return Target{}, bad
	}
	// The ids are signed as they were written, so "007" and "7" are different tokens; only the
	// canonical one ever verifies.
	if !hmac.Equal(got, l.mac(user+"."+sub)) || strconv.FormatInt(u, 10) != user || strconv.FormatInt(s, 10) != sub {
		return Target{}, bad
	}
	return Target{User: u, Sub: s}, nil
}

func (l *Links) mac(ids string) []byte {
	h := hmac.New(sha256.New, l.key)
	h.Write([]byte("citypact board unsubscribe v1\x00"))
	h.Write([]byte(ids))
	return h.Sum(nil)
}
