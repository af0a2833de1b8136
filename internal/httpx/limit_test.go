package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestLimiterQueuesThenRefuses(t *testing.T) {
	l := NewLimiter(1)
	l.MaxWait = 20 * time.Millisecond
	inside, release := make(chan struct{}), make(chan struct{})
	slow := l.Wrap(func(w http.ResponseWriter, r *http.Request) error {
		close(inside)
		<-release
		return nil
	})
	fast := l.Wrap(func(w http.ResponseWriter, r *http.Request) error { return nil })
	req := httptest.NewRequest(http.MethodGet, "/", nil)

	done := make(chan error)
	go func() { done <- slow(httptest.NewRecorder(), req) }()
	<-inside
	// The only slot is taken: the next request waits, then is refused with 503.
	if err := fast(httptest.NewRecorder(), req); StatusOf(err) != http.StatusServiceUnavailable {
		t.Fatalf("with the slot taken: %v (status %d), want 503", err, StatusOf(err))
	}
	// A request whose client goes away stops waiting with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := fast(httptest.NewRecorder(), req.WithContext(ctx)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	// A request that arrives while the slot is taken runs once it is free.
	l.MaxWait = time.Minute
	got := make(chan error)
	go func() { got <- fast(httptest.NewRecorder(), req) }()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("queued request: %v", err)
	}
	var nilLimiter *Limiter
	if err := nilLimiter.Wrap(func(http.ResponseWriter, *http.Request) error { return nil })(httptest.NewRecorder(), req); err != nil {
		t.Fatalf("nil limiter: %v", err)
	}
}
