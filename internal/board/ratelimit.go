package board

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/citypact/citypact"
)

// Posting limits per user, counting new threads and posts together over sliding windows. A
// person answering questions in earnest writes a post every few minutes; a script or a stolen
// account writes hundreds a minute. Five a minute lets someone answer a burst of short follow-ups;
// thirty an hour stops a storm (of 1,000 attempted posts, 5 land in the first minute and at most
// 30 in any hour) while leaving room for a busy day. Translations, reports and "same question"
// marks are not posts and are not counted.
const (
	PostsPerMinute = 5
	PostsPerHour   = 30
)

// RateWindow is how far back a user's post times matter: the store passes CheckRate at least the
// times of the user's threads and posts created in the RateWindow before now (at most
// PostsPerHour of the newest suffice).
const RateWindow = time.Hour

var rateLimits = []struct {
	window time.Duration
	max    int
}{{time.Minute, PostsPerMinute}, {time.Hour, PostsPerHour}}

// RateLimitError carries how long the user must wait before posting again; the surfaces send it
// as Retry-After, rounded up to whole seconds.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("posting too fast; retry after %s", e.RetryAfter)
}

// CheckRate decides whether a user whose threads and posts were created at recent may post at
// now. A post counts in a window of length w when it was created less than w before now (one
// exactly w old has left it); times after now (another server's clock ahead) count as now. When a
// window already holds its maximum, the post is refused with KindTooMany ("board.rate_limited"),
// wrapping a *RateLimitError whose RetryAfter is when the oldest post that matters leaves the
// window, the longest wait over both windows.
//
// The store checks in the transaction that writes the post, after locking the user's row
// (SQLite's single writer does it anyway), so that parallel requests cannot all pass on the same
// count, and the limit holds across instances because the times come from the database.
func CheckRate(recent []time.Time, now time.Time) error {
	var wait time.Duration
	for _, l := range rateLimits {
		var in []time.Time
		for _, t := range recent {
			if t.After(now) {
				t = now
			}
			if t.After(now.Add(-l.window)) {
				in = append(in, t)
			}
		}
		if len(in) < l.max {
			continue
		}
		// The window holds max or more; it has room again once its max-th newest post leaves it.
		slices.SortFunc(in, func(a, b time.Time) int { return b.Compare(a) })
		if d := in[l.max-1].Add(l.window).Sub(now); d > wait {
			wait = d
		}
	}
	if wait == 0 {
		return nil
	}
	return &citypact.Error{Kind: citypact.KindTooMany, Message: "board.rate_limited", Err: &RateLimitError{RetryAfter: wait}}
}

// RetryAfter returns the wait a CheckRate error carries.
func RetryAfter(err error) (time.Duration, bool) {
	var e *RateLimitError
	if errors.As(err, &e) {
		return e.RetryAfter, true
	}
	return 0, false
}
