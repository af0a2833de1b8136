package httpx

import (
	"context"
	"net/http"
	"time"
)

// Limiter bounds how many heavy handlers run at once. Past the bound, requests wait their turn
// (first come, first served, as Go's channel queues are) for at most MaxWait, then get 503. With
// every waiting request served in order, the slowest request of a burst costs about the queue's
// length times the service time, instead of every request slowing down as the database is
// shared among more of them: p99 stays close to p50 under overload.
type Limiter struct {
	slots   chan struct{}
	MaxWait time.Duration
}

// NewLimiter allows n heavy handlers at once.
func NewLimiter(n int) *Limiter {
	return &Limiter{slots: make(chan struct{}, max(1, n)), MaxWait: 10 * time.Second}
}

// ErrOverloaded answers a request that waited too long for a slot.
var ErrOverloaded = &Status{Code: http.StatusServiceUnavailable, Key: "error.overloaded"}

// Wrap runs h under the limiter.
func (l *Limiter) Wrap(h HandlerFunc) HandlerFunc {
	if l == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := l.acquire(r.Context()); err != nil {
			return err
		}
		defer func() { <-l.slots }()
		return h(w, r)
	}
}

func (l *Limiter) acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(l.MaxWait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrOverloaded
	case <-ctx.Done():
		return ctx.Err()
	}
}
