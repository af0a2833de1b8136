package boardmail

import (
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

func TestLinksTokens(t *testing.T) {
	l := NewLinks("https://hub.example/", []byte("0123456789abcdef0123456789abcdef"))
	for _, want := range []Target{{User: 7}, {User: 7, Sub: 42}, {User: 1 << 40, Sub: 1}} {
		got, err := l.Check(l.Token(want))
		if err != nil || got != want {
			t.Errorf("Check(Token(%+v)) = %+v, %v", want, got, err)
		}
	}
	good := l.Token(Target{User: 7})
	sig := good[strings.LastIndex(good, ".")+1:]
	other := NewLinks("https://hub.example", []byte("another key of thirty-two bytes!"))
	// The last of 43 characters holds 4 bits of the MAC and 2 unused ones: a token whose unused
	// bits are set is another spelling, and refused.
	last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", good[len(good)-1])
	respelt := good[:len(good)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last|1])
	if respelt == good {
		respelt = good[:len(good)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last|2])
	}
	for name, bad := range map[string]string{
		"unused bits set":   respelt,
		"empty":             "",
		"no signature":      "7.0",
		"another user":      "8.0." + sig,
		"a subscription":    "7.1." + sig,
		"leading zero":      "07.0." + sig,
		"negative sub":      "7.-0." + sig,
		"truncated":         good[:len(good)-2],
		"another key":       other.Token(Target{User: 7}),
		"not base64":        "7.0.***",
		"zero user":         l.Token(Target{}),
		"extra part":        good + ".x",
		"plus sign in user": "+7.0." + sig,
	} {
		if _, err := l.Check(bad); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("%s (%q): %v, want not found", name, bad, err)
		}
	}
	if u := l.Unsubscribe(Target{User: 7}); !strings.HasPrefix(u, "https://hub.example/unsubscribe?token=7.0.") {
		t.Errorf("Unsubscribe = %q", u)
	}
	if !l.OneClick() || NewLinks("http://127.0.0.1:8080", nil).OneClick() {
		t.Error("OneClick must be true for https only")
	}
	if _, err := NewLinks("https://hub.example", nil).Check(good); err == nil {
		t.Error("a hub without a key accepted a token")
	}
}

func TestDigestEnd(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		f        board.Frequency
		now, end string
	}{
		{board.FreqDaily, "2026-03-02T09:00:00Z", "2026-03-01T23:00:00Z"},
		{board.FreqDaily, "2026-03-02T23:00:00Z", "2026-03-02T23:00:00Z"},
		{board.FreqDaily, "2026-03-03T08:00:00+09:00", "2026-03-02T23:00:00Z"},
		{board.FreqWeekly, "2026-03-02T09:00:00Z", "2026-03-01T23:00:00Z"}, // Monday: Sunday's
		{board.FreqWeekly, "2026-03-01T22:59:00Z", "2026-02-22T23:00:00Z"}, // Sunday before the hour
		{board.FreqWeekly, "2026-03-07T23:30:00Z", "2026-03-01T23:00:00Z"}, // Saturday night
	} {
		if got := DigestEnd(c.f, at(c.now)); !got.Equal(at(c.end)) {
			t.Errorf("DigestEnd(%s, %s) = %s, want %s", c.f, c.now, got, c.end)
		}
	}
}

func TestHeaderText(t *testing.T) {
	if got := headerText("a\r\nBcc: x@y.z\u2028b", 100); got != "a Bcc: x@y.z b" {
		t.Errorf("headerText = %q", got)
	}
	if got := headerText(strings.Repeat("선", 130), 120); len([]rune(got)) != 120 || !strings.HasSuffix(got, "…") {
		t.Errorf("long title: %q", got)
	}
}
