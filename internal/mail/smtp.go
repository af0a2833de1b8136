package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	gomail "github.com/wneessen/go-mail"
)

// Sender delivers one message. Errors say whether trying again may help: see IsPermanent.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// TLSPolicy says how the connection to the SMTP server is protected.
type TLSPolicy string

const (
	TLSMandatory     TLSPolicy = "mandatory"     // STARTTLS, and fail if the server does not offer it (the default)
	TLSOpportunistic TLSPolicy = "opportunistic" // STARTTLS when offered, plain text otherwise
	TLSImplicit      TLSPolicy = "tls"           // TLS from the first byte (SMTPS, usually port 465)
	TLSNone          TLSPolicy = "none"          // plain text: only to a relay on this machine
)

// SMTPConfig is how to reach the mail relay.
type SMTPConfig struct {
	Addr     string        // host:port
	Username string        // with Password: SMTP AUTH, over TLS only (go-mail picks no plain-text mechanism in the clear)
	Password string        //
	From     string        // "Name <address>" or a bare address; its domain also names Message-IDs
	TLS      TLSPolicy     // "" means mandatory
	Timeout  time.Duration // bounds connecting (with greeting, STARTTLS and AUTH), and again sending one message; 0 means 30s
	HELO     string        // the name we greet with; "" means the From address's domain

	// TLSConfig replaces the default (system roots, the host's name, TLS 1.2 at least), for a relay
	// with a private CA and for tests. Most deployments leave it nil.
	TLSConfig *tls.Config
}

// Validate checks the configuration, naming every problem.
func (c SMTPConfig) Validate() error {
	var errs []string
	host, port, err := net.SplitHostPort(c.Addr)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		errs = append(errs, fmt.Sprintf("smtp address %q is not host:port (e.g. smtp.example.org:587)", c.Addr))
	}
	switch c.TLS {
	case "", TLSMandatory, TLSOpportunistic, TLSImplicit:
	case TLSNone:
		// Without TLS the password and every message cross the network in the clear, so only a
		// relay on this machine (which then forwards over TLS) may be reached that way.
		if host != "" && !isLoopback(host) {
			errs = append(errs, fmt.Sprintf("smtp tls policy none is only allowed for a relay on this machine (localhost, 127.0.0.1, ::1), not %q", host))
		}
	default:
		errs = append(errs, fmt.Sprintf("smtp tls policy %q is not one of mandatory, opportunistic, tls, none", c.TLS))
	}
	if a, err := mail.ParseAddress(c.From); err != nil || !ValidAddress(a.Address) || !HeaderSafe(a.Name) {
		errs = append(errs, fmt.Sprintf("mail from %q is not an address like \"citypact <hub@example.org>\"", c.From))
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, "smtp username and password go together")
	}
	if c.Timeout < 0 {
		errs = append(errs, "smtp timeout must not be negative")
	}
	if c.HELO != "" && !validHostname(c.HELO) {
		errs = append(errs, fmt.Sprintf("smtp helo %q is not a host name", c.HELO))
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

// SMTP is a Sender that opens one connection per message to a relay. A relay is near and mail is
// a trickle (notifications, digests), so keeping connections open would add state for nothing.
type SMTP struct {
	client *gomail.Client
	from   *mail.Address
	domain string // of Message-IDs
	addr   string
}

// NewSMTP checks cfg and returns a Sender for it. It does not connect.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, _ := mail.ParseAddress(cfg.From)
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	host, portText, _ := net.SplitHostPort(cfg.Addr)
	port, _ := strconv.Atoi(portText)
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	helo := cfg.HELO
	if helo == "" {
		helo = domain
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout), gomail.WithHELO(helo)}
	switch cfg.TLS {
	case "", TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	tlsConfig := cfg.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tlsConfig))
	if cfg.Username != "" {
		// Auto-discovery prefers SCRAM and never offers PLAIN or LOGIN on a connection without TLS.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // go-mail joins host and port with a bare colon
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return &SMTP{client: c, from: from, domain: domain, addr: cfg.Addr}, nil
}

// Send delivers m. A message the server accepted is delivered even when closing the session
// fails afterwards: saying otherwise would send it twice.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return &DeliveryError{Permanent: true, Err: err}
	}
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return &DeliveryError{Err: fmt.Errorf("connecting to %s: %w", s.addr, err)}
	}
	defer s.client.CloseWithSMTPClient(conn) // QUIT; its outcome changes nothing
	err = s.client.SendWithSMTPClient(conn, msg)
	if err == nil || msg.IsDelivered() {
		return nil
	}
	return classify(err)
}

// MessageID is the Message-ID of outbox row id: stable, so a message sent again after a lost
// acknowledgement is recognisably the same one.
func MessageID(id int64, domain string) string {
	return fmt.Sprintf("citypact.outbox.%d@%s", id, domain)
}

// build turns m into go-mail's message. Bodies that are mostly CJK go as base64 (a third larger)
// rather than quoted-printable (three times larger); mostly-ASCII text stays quoted-printable,
// which a person can still read in the raw message. The header words follow the same choice.
func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	enc := gomail.EncodingQP
	if mostlyNonASCII(m.Subject + m.Text) {
		enc = gomail.EncodingB64
	}
	msg := gomail.NewMsg(gomail.WithEncoding(enc), gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(&mail.Address{Name: m.ToName, Address: m.To})
	msg.Subject(m.Subject)
	msg.SetDate()
	id := randomID()
	if m.ID > 0 {
		id = MessageID(m.ID, s.domain)
	} else {
		id += "@" + s.domain
	}
	msg.SetMessageIDWithValue(id)
	// Nobody should answer a notification with an out-of-office reply (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	}
	if m.Unsubscribe != "" {
		if err := msg.SetListUnsubscribeOneClick(m.Unsubscribe); err != nil {
			return nil, citypact.Invalid(citypact.FieldError{Field: "unsubscribe", Key: "mail.unsubscribe_invalid"})
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func mostlyNonASCII(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			n++
		}
	}
	return n*3 > len(s)
}

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DeliveryError is a failed delivery. Permanent means trying again cannot help: the server
// refused this recipient or this message (a 5xx reply to RCPT or DATA), or the message is
// invalid. Everything else is temporary: 4xx replies, refused connections, time-outs, and also
// failures before the message is offered (greeting, STARTTLS, AUTH, a 5xx to MAIL FROM), which
// concern the relay or our configuration rather than this message, so the mail should wait for
// a fix instead of being dropped.
type DeliveryError struct {
	Permanent bool
	Code      int // the SMTP reply code, 0 when there was none
	Err       error
}

func (e *DeliveryError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("mail: %s failure: %v", kind, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// IsPermanent reports whether err means the message can never be delivered. Invalid messages
// are permanent failures; unknown errors are not, so that mail is retried (a bounded number of
// times) rather than lost.
func IsPermanent(err error) bool {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Permanent
	}
	return citypact.KindOf(err) == citypact.KindInvalid
}

// classify reads go-mail's SendError: its reason says which command failed and its code what
// the server answered (0 for a broken connection or a time-out).
func classify(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return &DeliveryError{Err: err}
	}
	code := se.ErrorCode()
	permanent := code >= 500 && code < 600 && (se.Reason == gomail.ErrSMTPRcptTo ||
		se.Reason == gomail.ErrSMTPData || se.Reason == gomail.ErrSMTPDataClose || se.Reason == gomail.ErrGetRcpts)
	return &DeliveryError{Permanent: permanent, Code: code, Err: err}
}
