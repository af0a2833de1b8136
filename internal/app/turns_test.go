package app

import (
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
)

// TestTakeTurns: once a response is written (StateIdle), the connection's goroutine lets the
// goroutines already waiting run before it reads its next request; at other states it does not
// stop. On one processor, a goroutine just started waits until the running one yields.
func TestTakeTurns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, c := range []struct {
		state http.ConnState
		yield bool
	}{
		{http.StateIdle, true},
		{http.StateActive, false},
		{http.StateNew, false},
	} {
		var ran atomic.Bool
		done := make(chan struct{})
		go func() { ran.Store(true); close(done) }()
		takeTurns(nil, c.state)
		if ran.Load() != c.yield {
			t.Errorf("at %v, the waiting goroutine ran: %v, want %v", c.state, ran.Load(), c.yield)
		}
		<-done
	}
}
