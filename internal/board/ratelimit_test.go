package board

import (
	"errors"
	"testing"
	"time"

	"github.com/citypact/citypact"
)

func TestCheckRate(t *testing.T) {
	now := time.Date(2020, 3, 2, 12, 0, 0, 0, time.UTC)
	ago := func(ds ...time.Duration) []time.Time {
		var out []time.Time
		for _, d := range ds {
			out = append(out, now.Add(-d))
		}
		return out
	}
	// every returns n posts, the newest at newest ago, one each step further back.
	every := func(n int, newest, step time.Duration) []time.Time {
		var out []time.Time
		for i := range n {
			out = append(out, now.Add(-newest-time.Duration(i)*step))
		}
		return out
	}
	s := time.Second
	for _, tt := range []struct {
		name   string
		recent []time.Time
		wait   time.Duration // 0: allowed
	}{
		{"no posts", nil, 0},
		{"4 in the minute", every(4, s, s), 0},
		{"5 in the minute", every(5, s, s), 55 * s}, // the 5th newest, 5 s ago, leaves in 55 s
		{"5, the oldest exactly a minute ago", ago(s, 2*s, 3*s, 4*s, time.Minute), 0},
		{"5, the oldest a nanosecond inside the minute", ago(s, 2*s, 3*s, 4*s, time.Minute-1), 1},
		{"6 in the minute: the 5th newest decides", ago(s, 2*s, 3*s, 4*s, 10*s, 50*s), 50 * s},
		{"5 in the same instant", ago(0, 0, 0, 0, 0), time.Minute},
		{"5 from a clock ahead", ago(-time.Hour, -time.Minute, 0, 0, 0), time.Minute},
		// Another server's clock an hour ahead must not block the user for an hour more.
		{"5 all from a clock an hour ahead", ago(-time.Hour, -time.Hour, -time.Hour, -time.Hour, -time.Hour), time.Minute},
		{"29 in the hour", every(29, time.Minute, time.Minute), 0},
		{"30 in the hour", every(30, 30*s, time.Minute), 30*time.Minute + 30*s},
		{"30 in the hour, the oldest exactly an hour ago", every(30, 31*time.Minute, time.Minute), 0},
		{"both windows full: the longer wait", append(every(5, s, s), every(25, 10*time.Minute, time.Minute)...), 26 * time.Minute},
		{"old posts do not count", every(100, time.Hour, s), 0},
	} {
		err := CheckRate(tt.recent, now)
		wait, ok := RetryAfter(err)
		switch {
		case tt.wait == 0 && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.wait != 0 && (citypact.KindOf(err) != citypact.KindTooMany || citypact.MessageOf(err) != "board.rate_limited" || !ok || wait != tt.wait):
			t.Errorf("%s: %v (wait %s), want a wait of %s", tt.name, err, wait, tt.wait)
		}
	}
	if _, ok := RetryAfter(errors.New("other")); ok {
		t.Error("RetryAfter of another error")
	}
}

// TestPostStorm plays a script trying to post 1,000 times as fast as it can, then a patient one
// that waits as told: neither gets more than the limits allow in any window.
func TestPostStorm(t *testing.T) {
	start := time.Date(2020, 3, 2, 12, 0, 0, 0, time.UTC)
	var posted []time.Time
	now := start
	for range 1000 {
		if CheckRate(posted, now) == nil {
			posted = append(posted, now)
		}
		now = now.Add(10 * time.Millisecond)
	}
	if len(posted) != PostsPerMinute {
		t.Errorf("a storm of 1,000 in 10 s landed %d posts, want %d", len(posted), PostsPerMinute)
	}

	// Waiting exactly as long as told always works, and over three hours no window holds more
	// than its limit.
	posted, now = nil, start
	for now.Before(start.Add(3 * time.Hour)) {
		err := CheckRate(posted, now)
		if err == nil {
			posted = append(posted, now)
			continue
		}
		wait, _ := RetryAfter(err)
		now = now.Add(wait)
		if err := CheckRate(posted, now); err != nil {
			t.Fatalf("still refused after waiting %s: %v", wait, err)
		}
	}
	if len(posted) < 3*PostsPerHour-1 || len(posted) > 3*PostsPerHour+1 {
		t.Errorf("%d posts in three hours, want about %d", len(posted), 3*PostsPerHour)
	}
	for i := range posted {
		inMinute, inHour := 0, 0
		for _, p := range posted[i:] {
			if p.Sub(posted[i]) < time.Minute {
				inMinute++
			}
			if p.Sub(posted[i]) < time.Hour {
				inHour++
			}
		}
		if inMinute > PostsPerMinute || inHour > PostsPerHour {
			t.Fatalf("from %s: %d posts in a minute, %d in an hour", posted[i].Sub(start), inMinute, inHour)
		}
	}
}
