package mail

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
)

func valid() Message {
	return Message{To: "kim@seoul.example", ToName: "김민지", Subject: "새 답변: 선별진료소 운영", Text: "본문입니다.\n둘째 줄",
		HTML: "<p>본문입니다.</p>", Lang: "ko", Unsubscribe: "https://hub.example/unsubscribe?t=abc123"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(m *Message)
		field string // "" means valid
	}{
		{"korean", func(m *Message) {}, ""},
		{"chinese", func(m *Message) { m.ToName, m.Subject, m.Lang = "陳小明", "新回覆：篩檢站", "zh-TW" }, ""},
		{"japanese", func(m *Message) { m.ToName, m.Subject, m.Lang = "田中太郎", "新しい回答：検査所", "ja" }, ""},
		{"no name, no html, no unsubscribe", func(m *Message) { m.ToName, m.HTML, m.Unsubscribe, m.Lang = "", "", "", "" }, ""},
		{"body with CRLF and tabs", func(m *Message) { m.Text = "a\r\n\tb\n" }, ""},
		{"LF in subject", func(m *Message) { m.Subject = "hello\nBcc: victim@example.org" }, "subject"},
		{"CR in subject", func(m *Message) { m.Subject = "hello\rBcc: victim@example.org" }, "subject"},
		{"CRLF in subject", func(m *Message) { m.Subject = "hello\r\nBcc: victim@example.org" }, "subject"},
		{"NUL in subject", func(m *Message) { m.Subject = "a\x00b" }, "subject"},
		{"NEL in subject", func(m *Message) { m.Subject = "a\u0085b" }, "subject"},
		{"line separator in subject", func(m *Message) { m.Subject = "a\u2028b" }, "subject"},
		{"invalid UTF-8 in subject", func(m *Message) { m.Subject = "a\xffb" }, "subject"},
		{"blank subject", func(m *Message) { m.Subject = "  " }, "subject"},
		{"long subject", func(m *Message) { m.Subject = strings.Repeat("가", 256) }, "subject"},
		{"LF in name", func(m *Message) { m.ToName = "Kim\nBcc: victim@example.org" }, "to_name"},
		{"tab in name", func(m *Message) { m.ToName = "Kim\tLee" }, "to_name"},
		{"LF in address", func(m *Message) { m.To = "kim@seoul.example\nBcc: victim@example.org" }, "to"},
		{"two addresses", func(m *Message) { m.To = "kim@seoul.example, victim@example.org" }, "to"},
		{"name in address", func(m *Message) { m.To = "Kim <kim@seoul.example>" }, "to"},
		{"angle address", func(m *Message) { m.To = "<kim@seoul.example>" }, "to"},
		{"no domain", func(m *Message) { m.To = "kim" }, "to"},
		{"empty address", func(m *Message) { m.To = "" }, "to"},
		{"empty body", func(m *Message) { m.Text = " \n" }, "text"},
		{"NUL in body", func(m *Message) { m.Text = "a\x00b" }, "text"},
		{"NUL in html", func(m *Message) { m.HTML = "a\x00b" }, "html"},
		{"bad lang", func(m *Message) { m.Lang = "ko\nX: y" }, "lang"},
		{"http unsubscribe", func(m *Message) { m.Unsubscribe = "http://hub.example/u" }, "unsubscribe"},
		{"unsubscribe closing the bracket", func(m *Message) { m.Unsubscribe = "https://hub.example/u>, <https://evil.example/" }, "unsubscribe"},
		{"unsubscribe with LF", func(m *Message) { m.Unsubscribe = "https://hub.example/u\nBcc: x@y.z" }, "unsubscribe"},
		{"unsubscribe with user", func(m *Message) { m.Unsubscribe = "https://u@hub.example/u" }, "unsubscribe"},
		{"unsubscribe without host", func(m *Message) { m.Unsubscribe = "https:///u" }, "unsubscribe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(&m)
			err := m.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("valid message refused: %v", err)
				}
				return
			}
			if citypact.KindOf(err) != citypact.KindInvalid {
				t.Fatalf("got %v, want an Invalid error", err)
			}
			fields := citypact.FieldsOf(err)
			if len(fields) != 1 || fields[0].Field != tt.field || !strings.HasPrefix(fields[0].Key, "mail.") {
				t.Errorf("field errors %+v, want one on %q", fields, tt.field)
			}
			if !IsPermanent(err) {
				t.Errorf("an invalid message must be a permanent failure")
			}
		})
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	ok := SMTPConfig{Addr: "smtp.example.org:587", From: "citypact <hub@example.org>"}
	tests := []struct {
		name string
		edit func(c *SMTPConfig)
		want string // part of the error; "" means valid
	}{
		{"default policy", func(c *SMTPConfig) {}, ""},
		{"opportunistic", func(c *SMTPConfig) { c.TLS = TLSOpportunistic }, ""},
		{"implicit", func(c *SMTPConfig) { c.TLS, c.Addr = TLSImplicit, "smtp.example.org:465" }, ""},
		{"none on 127.0.0.1", func(c *SMTPConfig) { c.TLS, c.Addr = TLSNone, "127.0.0.1:25" }, ""},
		{"none on localhost", func(c *SMTPConfig) { c.TLS, c.Addr = TLSNone, "localhost:25" }, ""},
		{"none on ::1", func(c *SMTPConfig) { c.TLS, c.Addr = TLSNone, "[::1]:25" }, ""},
		{"bare from", func(c *SMTPConfig) { c.From = "hub@example.org" }, ""},
		{"credentials", func(c *SMTPConfig) { c.Username, c.Password = "hub", "secret" }, ""},
		{"none on a remote host", func(c *SMTPConfig) { c.TLS = TLSNone }, "only allowed for a relay on this machine"},
		{"none on a LAN address", func(c *SMTPConfig) { c.TLS, c.Addr = TLSNone, "10.0.0.5:25" }, "only allowed"},
		{"none on a name that merely starts with localhost", func(c *SMTPConfig) { c.TLS, c.Addr = TLSNone, "localhost.evil.example:25" }, "only allowed"},
		{"unknown policy", func(c *SMTPConfig) { c.TLS = "starttls" }, "not one of"},
		{"no port", func(c *SMTPConfig) { c.Addr = "smtp.example.org" }, "host:port"},
		{"bad port", func(c *SMTPConfig) { c.Addr = "smtp.example.org:99999" }, "host:port"},
		{"no from", func(c *SMTPConfig) { c.From = "" }, "mail from"},
		{"from with LF", func(c *SMTPConfig) { c.From = "hub@example.org\nBcc: x@y.z" }, "mail from"},
		{"user without password", func(c *SMTPConfig) { c.Username = "hub" }, "go together"},
		{"bad helo", func(c *SMTPConfig) { c.HELO = "a b" }, "helo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			_, nerr := NewSMTP(c)
			if tt.want == "" {
				if err != nil || nerr != nil {
					t.Fatalf("refused: %v / %v", err, nerr)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v, want it to mention %q", err, tt.want)
			}
			if nerr == nil {
				t.Errorf("NewSMTP accepted what Validate refuses")
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	w := NewWorker(nil, nil, WorkerOptions{MinBackoff: time.Minute, MaxBackoff: 6 * time.Hour})
	for _, tt := range []struct {
		attempts int
		full     time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {9, 256 * time.Minute}, {10, 6 * time.Hour}, {12, 6 * time.Hour}, {100, 6 * time.Hour}} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := w.backoff(tt.attempts)
			if d < tt.full/2 || d > tt.full {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tt.attempts, d, tt.full/2, tt.full)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) has no jitter: always %v", tt.attempts, seen)
		}
	}
}

func TestIsPermanent(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&DeliveryError{Permanent: true, Code: 550}, true},
		{&DeliveryError{Code: 451}, false},
		{citypact.Invalid(citypact.FieldError{Field: "to"}), true},
		{errors.New("connection reset"), false},
	} {
		if got := IsPermanent(tt.err); got != tt.want {
			t.Errorf("IsPermanent(%v) = %v", tt.err, got)
		}
	}
}

func TestMostlyNonASCII(t *testing.T) {
	for s, want := range map[string]bool{"Hello, world": false, "Réunion à Genève": false, "안녕하세요": true, "新回覆：篩檢站 update": true} {
		if got := mostlyNonASCII(s); got != want {
			t.Errorf("mostlyNonASCII(%q) = %v", s, got)
		}
	}
}
