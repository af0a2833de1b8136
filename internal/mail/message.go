// Package mail sends outgoing mail over SMTP: notifications, digests and account mail. Mail is
// queued in an outbox in the database (the store implements Outbox), so it can be queued in the
// same transaction as the change it tells about and survives a restart; a Worker claims due
// messages, hands them to a Sender and records the outcome, retrying temporary failures with
// backoff. Message.Validate refuses anything that could inject a header.
//
// It must never import the store, web, api or httpx packages: the store imports it for Message.
package mail

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact"
)

// Message is one mail to one recipient. Mail to several people is several messages, so that
// one bad address or one unsubscribe link never affects the others.
type Message struct {
	// ID is the outbox row (0 outside the outbox). The Message-ID is derived from it, so that a
	// message sent twice (the server accepted it but the outbox did not hear) is recognisably one.
	ID          int64
	To          string // the bare address (kim@seoul.example), never "Name <addr>"
	ToName      string // the recipient's display name, may be empty
	Subject     string
	Text        string // the plain-text body, UTF-8; always present
	HTML        string // an optional HTML alternative of the same text
	Lang        string // BCP 47 tag of the text (ko, zh-TW…): the Content-Language header
	Unsubscribe string // an https URL that unsubscribes in one POST (RFC 8058), may be empty
}

// Outgoing is a message claimed from the outbox by a worker.
type Outgoing struct {
	Message
	Attempts     int       // tries so far, this one included
	ClaimedUntil time.Time // the claim's end: after it another worker may take the message
}

// Status is what the outbox knows of one message, for tests and the admin page. Bodies are not
// kept once a message is sent or given up (they may hold single-use links).
type Status struct {
	ID        int64
	To        string
	Subject   string
	CreatedAt time.Time
	DueAt     time.Time
	Attempts  int
	ClaimedBy string
	SentAt    time.Time // zero until sent
	FailedAt  time.Time // zero unless given up
	LastError string
}

// Counts summarises the outbox.
type Counts struct {
	Queued int // not yet sent nor given up (including those being sent)
	Sent   int
	Failed int // given up
}

// Limits on a message: generous for real mail, small enough that a bug cannot queue megabytes.
const (
	maxAddr    = 254 // RFC 5321's path limit
	maxName    = 200
	maxSubject = 255
	maxBody    = 1 << 20
	maxURL     = 2000
)

var langTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// Validate checks a message before it is queued and again before it is sent. Anything that
// could end a header line or start another (CR, LF and every other control character, line and
// paragraph separators) is refused rather than cleaned: it only gets there by a bug or an attack.
// Errors are citypact.Invalid with i18n keys.
func (m Message) Validate() error {
	var fe []citypact.FieldError
	bad := func(field, key string) { fe = append(fe, citypact.FieldError{Field: field, Key: key}) }
	if !ValidAddress(m.To) {
		bad("to", "mail.to_invalid")
	}
	if !HeaderSafe(m.ToName) || utf8.RuneCountInString(m.ToName) > maxName {
		bad("to_name", "mail.name_invalid")
	}
	if !HeaderSafe(m.Subject) || strings.TrimSpace(m.Subject) == "" || utf8.RuneCountInString(m.Subject) > maxSubject {
		bad("subject", "mail.subject_invalid")
	}
	if strings.TrimSpace(m.Text) == "" || !bodySafe(m.Text) {
		bad("text", "mail.body_invalid")
	}
	if m.HTML != "" && !bodySafe(m.HTML) {
		bad("html", "mail.body_invalid")
	}
	if m.Lang != "" && !langTag.MatchString(m.Lang) {
		bad("lang", "mail.lang_invalid")
	}
	if m.Unsubscribe != "" && !validUnsubscribe(m.Unsubscribe) {
		bad("unsubscribe", "mail.unsubscribe_invalid")
	}
	if len(fe) > 0 {
		return citypact.Invalid(fe...)
	}
	return nil
}

// ValidAddress reports whether s is a bare address (an addr-spec, as net/mail parses it) with
// nothing around it: no display name, no comment, no angle brackets, no control characters.
func ValidAddress(s string) bool {
	if s == "" || len(s) > maxAddr || !HeaderSafe(s) {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && strings.Count(s, "@") == 1
}

// HeaderSafe reports whether s may go into a header: valid UTF-8 without control characters
// (C0, DEL, C1) or the Unicode line and paragraph separators some clients break lines at. Names
// and titles that may end up in a subject or a To header are checked with it where they are
// entered.
func HeaderSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// bodySafe reports whether s is a body we can encode: valid UTF-8, not too long, and without NUL
// or other control characters than tab and line ends (they mean binary data or a bug).
func bodySafe(s string) bool {
	if len(s) > maxBody || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// validUnsubscribe accepts an https URL of printable ASCII that cannot close the angle brackets
// of List-Unsubscribe or add a second URL to it.
func validUnsubscribe(s string) bool {
	if len(s) > maxURL || !strings.HasPrefix(s, "https://") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`<>",\`, c) >= 0 {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}
