package mail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/mail/mailtest"
)

const from = "Citypact 허브 <hub@hub.example>"

// sender returns a Sender for the sink, in plain text as a loopback relay may be reached.
func sender(t *testing.T, sink *mailtest.Sink, edit ...func(c *mail.SMTPConfig)) *mail.SMTP {
	t.Helper()
	cfg := mail.SMTPConfig{Addr: sink.Addr, From: from, TLS: mail.TLSNone, Timeout: 5 * time.Second}
	for _, e := range edit {
		e(&cfg)
	}
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cjk are messages in the hub's languages, as the worker test queues them too.
var cjk = []mail.Message{
	{To: "kim@seoul.example", ToName: "김민지", Subject: "새 답변: 선별진료소 운영 방안", Lang: "ko",
		Text: "서울특별시의 질문에 새 답변이 있습니다.\n\n자세히 보기: https://hub.example/q/1", HTML: "<p>서울특별시의 질문에 새 답변이 있습니다.</p>",
		Unsubscribe: "https://hub.example/unsubscribe?t=ko-token"},
	{To: "chen@taipei.example", ToName: "陳小明", Subject: "新回覆：篩檢站的運作方式", Lang: "zh-TW",
		Text: "臺北市的問題有新回覆。\n\n詳見：https://hub.example/q/2", Unsubscribe: "https://hub.example/unsubscribe?t=zh-token"},
	{To: "tanaka@tokyo.example", ToName: "田中太郎", Subject: "新しい回答：検査所の運営について", Lang: "ja",
		Text: "東京都の質問に新しい回答があります。\n\n詳細：https://hub.example/q/3", Unsubscribe: "https://hub.example/unsubscribe?t=ja-token"},
	{To: "ana@geneva.example", ToName: "Ana Müller", Subject: "New answer: testing sites in Genève", Lang: "en",
		Text: "There is a new answer to Geneva's question.\n\nSee https://hub.example/q/4"},
}

// checkReceived compares what the sink decoded with what was sent.
func checkReceived(t *testing.T, got mailtest.Received, want mail.Message) {
	t.Helper()
	if got.Subject != want.Subject {
		t.Errorf("subject %q, want %q", got.Subject, want.Subject)
	}
	// Line ends cross SMTP as CRLF, and the quoted-printable writer ends the body with one.
	lines := func(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
	if lines(got.Text) != lines(want.Text) {
		t.Errorf("text %q, want %q", got.Text, want.Text)
	}
	if lines(got.HTML) != lines(want.HTML) {
		t.Errorf("html %q, want %q", got.HTML, want.HTML)
	}
	if got.TextCharset != "utf-8" {
		t.Errorf("charset %q, want utf-8", got.TextCharset)
	}
	if len(got.To) != 1 || got.To[0] != want.To || got.From != "hub@hub.example" {
		t.Errorf("envelope from %q to %q", got.From, got.To)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != want.ToName || to[0].Address != want.To {
		t.Errorf("To header %v (%v), want %q <%s>", to, err, want.ToName, want.To)
	}
	if f, err := got.Header.AddressList("From"); err != nil || len(f) != 1 || f[0].Name != "Citypact 허브" {
		t.Errorf("From header %v (%v)", f, err)
	}
	if l := got.Header.Get("Content-Language"); l != want.Lang {
		t.Errorf("Content-Language %q, want %q", l, want.Lang)
	}
	if want.Unsubscribe != "" {
		if u := got.Header.Get("List-Unsubscribe"); u != "<"+want.Unsubscribe+">" {
			t.Errorf("List-Unsubscribe %q", u)
		}
		if p := got.Header.Get("List-Unsubscribe-Post"); p != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", p)
		}
	} else if got.Header.Get("List-Unsubscribe") != "" {
		t.Errorf("List-Unsubscribe without a URL")
	}
	if got.Header.Get("Auto-Submitted") != "auto-generated" || got.Header.Get("Date") == "" {
		t.Errorf("headers %v", got.Header)
	}
	if ua := got.Header.Get("User-Agent") + got.Header.Get("X-Mailer"); ua != "" {
		t.Errorf("a version banner went out: %q", ua)
	}
	// Every header is 7-bit (RFC 2047 words), and so is every body (quoted-printable or base64).
	for i, b := range got.Raw {
		if b >= 0x80 {
			t.Errorf("8-bit byte at %d of the raw message: %q", i, got.Raw[max(0, i-40):min(len(got.Raw), i+10)])
			break
		}
	}
}

func TestSendCJK(t *testing.T) {
	sink := mailtest.Start(t)
	s := sender(t, sink)
	for i, m := range cjk {
		m.ID = int64(100 + i)
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("%s: %v", m.Lang, err)
		}
	}
	got := sink.WaitFor(t, len(cjk), 10*time.Second)
	if len(got) != len(cjk) {
		t.Fatalf("%d messages arrived, want %d", len(got), len(cjk))
	}
	for i, m := range cjk {
		t.Run(m.Lang, func(t *testing.T) {
			checkReceived(t, got[i], m)
			if id := got[i].Header.Get("Message-ID"); id != fmt.Sprintf("<citypact.outbox.%d@hub.example>", 100+i) {
				t.Errorf("Message-ID %q", id)
			}
			// CJK text goes as base64, mostly-Latin text as quoted-printable.
			want := "base64"
			if m.Lang == "en" {
				want = "quoted-printable"
			}
			if got[i].TextEncoding != want {
				t.Errorf("text encoded as %q, want %q", got[i].TextEncoding, want)
			}
		})
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	m := cjk[0]
	tests := []struct {
		name      string
		opts      []mailtest.Option
		stop      bool
		timeout   time.Duration
		permanent bool
		code      int
	}{
		{name: "550 to the recipient", opts: []mailtest.Option{mailtest.Reject()}, permanent: true, code: 550},
		{name: "451 to DATA", opts: []mailtest.Option{mailtest.FailFirst(1)}, code: 451},
		{name: "server down", stop: true},
		{name: "slower than the timeout", opts: []mailtest.Option{mailtest.Delay(3 * time.Second)}, timeout: 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := mailtest.Start(t, tt.opts...)
			if tt.stop {
				sink.Stop()
			}
			s := sender(t, sink, func(c *mail.SMTPConfig) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			err := s.Send(context.Background(), m)
			var de *mail.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a DeliveryError", err)
			}
			if mail.IsPermanent(err) != tt.permanent || de.Code != tt.code {
				t.Errorf("got %v (permanent %v, code %d), want permanent %v code %d", err, de.Permanent, de.Code, tt.permanent, tt.code)
			}
			if n := len(sink.Messages()); n != 0 {
				t.Errorf("%d messages arrived", n)
			}
		})
	}
}

// TestSendTLS: mandatory STARTTLS and implicit TLS reach a server with a certificate we trust,
// with credentials; mandatory STARTTLS never falls back to plain text, and credentials are never
// offered on a connection without TLS.
func TestSendTLS(t *testing.T) {
	tests := []struct {
		name   string
		opts   []mailtest.Option
		policy mail.TLSPolicy
		ok     bool
	}{
		{"starttls, mandatory", []mailtest.Option{mailtest.StartTLS(), mailtest.Auth("hub", "s3cret")}, mail.TLSMandatory, true},
		{"starttls, opportunistic", []mailtest.Option{mailtest.StartTLS(), mailtest.Auth("hub", "s3cret")}, mail.TLSOpportunistic, true},
		{"implicit tls", []mailtest.Option{mailtest.ImplicitTLS(), mailtest.Auth("hub", "s3cret")}, mail.TLSImplicit, true},
		{"mandatory, server without starttls", nil, mail.TLSMandatory, false},
		{"credentials in the clear", []mailtest.Option{mailtest.Auth("hub", "s3cret")}, mail.TLSOpportunistic, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := mailtest.Start(t, tt.opts...)
			s := sender(t, sink, func(c *mail.SMTPConfig) {
				c.TLS, c.Username, c.Password = tt.policy, "hub", "s3cret"
				if tt.ok {
					c.TLSConfig = &tls.Config{RootCAs: sink.RootCAs(), ServerName: sink.Host(), MinVersion: tls.VersionTLS12}
				}
			})
			err := s.Send(context.Background(), cjk[1])
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				checkReceived(t, sink.WaitFor(t, 1, 10*time.Second)[0], cjk[1])
				return
			}
			if err == nil || mail.IsPermanent(err) {
				t.Errorf("got %v, want a temporary failure", err)
			}
			if n := len(sink.Messages()); n != 0 {
				t.Errorf("%d messages went out", n)
			}
		})
	}
}

func TestSendRefusesInvalid(t *testing.T) {
	sink := mailtest.Start(t)
	m := cjk[0]
	m.Subject = "hello\r\nBcc: victim@example.org"
	if err := sender(t, sink).Send(context.Background(), m); !mail.IsPermanent(err) {
		t.Errorf("got %v, want a permanent failure", err)
	}
	if n := len(sink.Messages()); n != 0 {
		t.Errorf("%d messages went out", n)
	}
}
